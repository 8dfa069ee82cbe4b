// The causes dashboard (/sac/painel) after a real sync and Lost & Found search:
// linked from the tab, its charts are accessible SVG (axe, on a desktop and a
// phone), its text is Portuguese, it works without JavaScript, and clicking a
// number opens a list that counts the same.
// A screenshot goes to SAC_SCREENSHOTS_DIR when it is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';
import { assertPortuguese } from './portuguese.mjs';
import { PHONE, DESKTOP, devicePage, assertNoAxeViolations } from './a11y.mjs';

const stack = new Stack();
let seller;

async function csrfOf(page) {
  return page.evaluate(() => document.querySelector('input[name=_csrf]')?.value ?? '');
}

async function waitUntil(what, fn, ms = 90000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** "1.234" → 1234. */
const number = text => Number(String(text).replace(/[^\d]/g, ''));

/** The total a list page says it holds: "1–50 de 1.234" → 1234 (0 when it shows no case). */
async function listTotal(page) {
  const range = page.locator('#sac-range');
  if (await range.count() === 0) return 0;
  const text = await range.textContent();
  const m = text.match(/de\s+([\d.]+)/);
  assert.ok(m, `the range text "${text}"`);
  assert.doesNotMatch(text, /mais de/, 'a count, not a bound');
  return number(m[1]);
}

/** YYYY-MM-DD of a day relative to today (UTC-03:00, the display zone). */
function localDate(offsetDays) {
  const d = new Date(Date.now() - 3 * 3600 * 1000 + offsetDays * 86400000);
  return d.toISOString().slice(0, 10);
}

before(async () => {
  await stack.start({
    disputes: 160, demoStore: true,
    simArgs: ['--amazon-marketplace=A2Q3Y263D00KWC', '--amazon-skus=12', '--amazon-polls=1'],
    settings: {
      lostfound_first_poll_ms: 200,
      lostfound_history_days: 200,
      lostfound_windows: '{"default":{"lost":[0,200],"damaged":[0,200],"return_damaged":[0,200]}}',
    },
  });
  const admin = await devicePage(stack, 'admin.a', DESKTOP);
  seller = await devicePage(stack, 'vendedor.a', DESKTOP);
  await seller.goto(`${stack.base}/sac/`); // the account's first visit makes its demo store

  await admin.goto(`${stack.base}/sac/stores/new?marketplace=amazon`);
  const made = await admin.evaluate(async ([t, sim]) => {
    const r = await fetch('/sac/stores', { method: 'POST', headers: { 'X-CSRF-Token': t }, redirect: 'follow',
      body: new URLSearchParams({ _csrf: t, marketplace: 'amazon', name: 'Amazon Brasil', seller_email: 'casos@loja.example',
        marketplace_id: 'A2Q3Y263D00KWC', region: '', lwa_client_id: 'demo-lwa-client', lwa_client_secret: 'demo-lwa-secret',
        refresh_token: 'Atzr|demo-refresh', sp_api_endpoint: sim }) });
    return r.url;
  }, [await csrfOf(admin), `http://127.0.0.1:${stack.simPort}`]);
  const amazonStoreId = new URL(made).pathname.split('/').pop();
  assert.match(amazonStoreId, /^\d+$/, made);
  const api = await admin.evaluate(async () => (await fetch('/sac/api/stores')).json());
  const ali = (api.stores || []).find(s => s.marketplace === 'aliexpress');
  assert.ok(ali, JSON.stringify(api));
  const storeId = String(ali.id);
  await admin.context().close();

  // The demo AliExpress store, synced.
  await seller.goto(`${stack.base}/sac/`);
  const token = await csrfOf(seller);
  const started = await seller.evaluate(async ([t, id]) => (await fetch('/sac/api/sync', {
    method: 'POST', body: JSON.stringify({ store_id: Number(id) }),
    headers: { 'X-CSRF-Token': t, 'Content-Type': 'application/json', 'Accept': 'application/json' } })).status,
  [token, storeId]);
  assert.ok(started === 200 || started === 202, `sync answered ${started}`);
  await waitUntil('the sync', async () => {
    const s = await seller.evaluate(async () => (await fetch('/sac/api/sync/status')).json());
    const run = (s.runs || []).find(r => String(r.store_id) === storeId);
    return run && run.state === 'done';
  });

  // The Lost & Found search of the Amazon store.
  await seller.goto(`${stack.base}/sac/lost-found`);
  await Promise.all([seller.waitForNavigation(),
                     seller.locator(`tr[data-store-id="${amazonStoreId}"] button.sac-lf-search`).click()]);
  await seller.locator(`#sac-lf-run-${amazonStoreId}[data-run-state="done"]`).waitFor({ timeout: 400000 });
});
after(async () => { await stack.stop(); });

const PERIOD = () => `period=custom&from=${localDate(-91)}&to=${localDate(0)}`;

test('the tab links to the dashboard, whose charts are accessible SVG in Portuguese', async () => {
  await seller.goto(`${stack.base}/sac/`);
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-dashboard-link')]);
  assert.match(new URL(seller.url()).pathname, /^\/sac\/painel$/);
  await seller.goto(`${stack.base}/sac/painel?${PERIOD()}`);
  const charts = seller.locator('svg.sac-chart[role="img"]');
  assert.ok(await charts.count() >= 6, `charts: ${await charts.count()}`);
  for (const svg of await charts.all()) {
    const labelled = await svg.getAttribute('aria-labelledby');
    const [titleId, descId] = labelled.split(' ');
    assert.ok((await seller.locator(`#${titleId}`).textContent()).trim().length > 0);
    assert.ok((await seller.locator(`#${descId}`).textContent()).trim().length > 0);
    // Each chart has its table alternative right after it.
    const figure = svg.locator('xpath=..');
    assert.equal(await figure.locator('table.sac-chart-table').count(), 1);
  }
  // Numbers were synced: the period has disputes, refusals and Lost & Found cases.
  assert.ok(number(await seller.textContent('#sac-dashboard-opened')) > 0, 'disputes opened in the period');
  assert.equal(await seller.locator('#sac-chart-lf-kinds').count(), 1);
  assert.equal(await seller.locator('script[src^="http"], link[href^="http"]').count(), 0, 'no external CDN');
  await assertNoAxeViolations(seller, 'dashboard (desktop)');
  await assertPortuguese(seller, 'dashboard');
  // The top of the page (the period, its disputes by status, cause and product) for the README.
  await seller.setViewportSize({ width: 1366, height: 1700 });
  await stack.screenshot(seller, 'dashboard', { fullPage: false });
  await seller.setViewportSize(DESKTOP.viewport);

  const phone = await devicePage(stack, 'vendedor.a', PHONE);
  await phone.goto(`${stack.base}/sac/painel?${PERIOD()}`);
  await assertNoAxeViolations(phone, 'dashboard (phone)');
  await phone.context().close();
});

test('a number opens the list it counts', async () => {
  await seller.goto(`${stack.base}/sac/painel?${PERIOD()}`);
  // The disputes opened in the period.
  const opened = number(await seller.textContent('#sac-dashboard-opened'));
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-dashboard-opened')]);
  assert.equal(await listTotal(seller), opened, seller.url());
  await assertPortuguese(seller, 'the list opened from the dashboard');
  await assertNoAxeViolations(seller, 'the list opened from the dashboard');
  assert.ok(await seller.locator('#sac-dashboard-filters').count() === 1, 'the list names the dashboard filter');

  // The most frequent cause, and the busiest bucket of one status.
  for (const selector of ['#sac-chart-cause-table tbody a.sac-link', '#sac-chart-status-table tbody a.sac-link',
                          '#sac-chart-product-table tbody a.sac-link']) {
    await seller.goto(`${stack.base}/sac/painel?${PERIOD()}`);
    const link = seller.locator(selector).first();
    const shown = number(await link.textContent());
    assert.ok(shown > 0, selector);
    await Promise.all([seller.waitForNavigation(), link.click()]);
    assert.equal(await listTotal(seller), shown, `${selector} → ${seller.url()}`);
  }

  // Refusals, if the period has any: the list of each ending holds as many.
  await seller.goto(`${stack.base}/sac/painel?${PERIOD()}`);
  const endings = seller.locator('#sac-chart-refusals-table tbody a.sac-link');
  if (await endings.count() > 0) {
    const shown = number(await endings.first().textContent());
    await Promise.all([seller.waitForNavigation(), endings.first().click()]);
    assert.equal(await listTotal(seller), shown, seller.url());
  }

  // Lost & Found: the candidates of a kind, every status.
  await seller.goto(`${stack.base}/sac/painel?${PERIOD()}`);
  const kind = seller.locator('#sac-chart-lf-kinds-table tbody tr td:last-child a.sac-link').first();
  const candidates = number(await kind.textContent());
  await Promise.all([seller.waitForNavigation(), kind.click()]);
  assert.match(new URL(seller.url()).pathname, /^\/sac\/lost-found$/);
  assert.equal(number(await seller.textContent('#sac-lf-count')), candidates, seller.url());
  assert.equal(await seller.locator('tr[data-case-id], table.sac-lf-cases tbody tr').count() > 0, true);
  await assertPortuguese(seller, 'the Lost & Found list opened from the dashboard');
  await assertNoAxeViolations(seller, 'the Lost & Found list opened from the dashboard');
  // Undoing the dashboard's filter lists every open case again.
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-lf-found-clear')]);
  assert.doesNotMatch(seller.url(), /from=/);
});

test('the period and store form works without JavaScript and refuses a bad period in words', async () => {
  const page = await devicePage(stack, 'vendedor.a', DESKTOP, { javaScriptEnabled: false });
  await page.goto(`${stack.base}/sac/painel`);
  await page.check('input[name=period][value=week]');
  await Promise.all([page.waitForNavigation(), page.click('.sac-dashboard-filters button[type=submit]')]);
  assert.match(page.url(), /period=week/);
  assert.match(await page.textContent('#sac-dashboard-period'), /por dia/);
  await page.goto(`${stack.base}/sac/painel?period=custom&from=2025-01-01&to=2025-12-31`);
  assert.match(await page.textContent('.sac-error'), /92 dias/);
  await assertPortuguese(page, 'dashboard with a refused period');
  await page.goto(`${stack.base}/sac/painel?store=999999`);
  assert.match(await page.textContent('.sac-error'), /loja/i);
  await page.context().close();
});
