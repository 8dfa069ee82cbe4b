// "Disputa de Sincronização" in a real browser: progress while it runs, the
// list afterwards in chronological order, filters, search, hostile text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';

const stack = new Stack();
before(async () => { await stack.start({ disputes: 400, demoStore: true }); });
after(async () => { await stack.stop(); });

async function syncedPage() {
  const page = await stack.newPage();
  await stack.login(page, 'vendedor.a');
  await page.goto(`${stack.base}/sac/`);
  return page;
}

test('a seller syncs the demo store and watches the progress', async () => {
  const page = await syncedPage();
  assert.match(await page.textContent('body'), /Loja demonstração/);
  await page.click('form.sac-sync-form button[type=submit]');
  const panel = page.locator('#sac-sync-panel');
  await panel.waitFor({ state: 'visible', timeout: 10000 });
  assert.equal(await panel.locator('progress').count(), 1);
  await page.waitForFunction(() => /Disputas \d+ de \d+/.test(document.querySelector('#sac-sync-panel').textContent),
                             null, { timeout: 60000 });
  await stack.screenshot(page, 'sync-progress');
  // The page stays usable while the sync runs.
  await page.fill('input[name=order]', '123');
  await panel.locator('.sac-sync-done').waitFor({ timeout: 120000 });
  const summary = await panel.textContent();
  assert.match(summary, /Concluída/);
  assert.match(summary, /novas/);
  await Promise.all([page.waitForNavigation(), panel.locator('.sac-sync-reload').click()]);
  const rows = page.locator('tr.sac-case');
  assert.ok(await rows.count() > 0, 'the list shows the synced disputes');
  await stack.screenshot(page, 'tab-disputes', { fullPage: false });

  // A second sync of unchanged data: nothing new, nothing updated.
  await page.click('form.sac-sync-form button[type=submit]');
  await page.waitForFunction(() => {
    const li = document.querySelector('#sac-sync-panel .sac-sync-run');
    return li && li.classList.contains('sac-sync-done') && /0 novas, 0 atualizadas/.test(li.textContent);
  }, null, { timeout: 120000 });
  await page.context().close();
});

test('the list puts the nearest deadline first, is chronological one click away, filters by status and finds an order', async () => {
  const page = await syncedPage();
  // By default: open disputes by nearest deadline, then the others.
  const rows = await page.locator('tr.sac-case').evaluateAll(rs => rs.map(r => ({
    deadline: r.classList.contains('sac-deadline-none') ? null : r.getAttribute('data-case-id'),
    open: !/sac-deadline-none/.test(r.className),
  })));
  assert.ok(rows.length > 1);
  const firstClosed = rows.findIndex(r => !r.open);
  if (firstClosed >= 0) assert.ok(rows.slice(firstClosed).every(r => !r.open), 'open disputes with a deadline come first');
  const apiOldest = await page.evaluate(async () => (await (await fetch('/sac/api/cases?limit=200')).json()));
  const times = apiOldest.items.map(i => i.marketplace_created_at ?? i.created_at);
  for (let i = 1; i < times.length; i++) assert.ok(times[i - 1] <= times[i], 'oldest first');
  await Promise.all([page.waitForNavigation(), page.click('#sac-sort-asc')]);
  assert.match(await page.textContent('#sac-sort-current'), /cronológica/);
  assert.match(await page.textContent('#sac-range'), /^1–\d+ de \d/);

  await Promise.all([page.waitForNavigation(), page.click('#sac-sort-desc')]);
  const newest = await page.evaluate(async () => (await (await fetch('/sac/api/cases?limit=200&sort=desc')).json()));
  const desc = newest.items.map(i => i.marketplace_created_at ?? i.created_at);
  for (let i = 1; i < desc.length; i++) assert.ok(desc[i - 1] >= desc[i], 'newest first');

  await page.selectOption('select[name=status]', 'fechado');
  await Promise.all([page.waitForNavigation(), page.click('.sac-filters button[type=submit]')]);
  const badges = await page.locator('tr.sac-case .sac-badge').allTextContents();
  assert.ok(badges.length > 0);
  for (const b of badges) assert.match(b, /fechado/i);

  const order = (await page.locator('tr.sac-case .sac-order-id').first().evaluate(td => td.firstChild.textContent)).trim();
  assert.match(order, /^\d+$/);
  await page.goto(`${stack.base}/sac/?order=${encodeURIComponent(order)}`);
  const found = await page.locator('tr.sac-case .sac-order-id').allTextContents();
  assert.ok(found.length >= 1);
  for (const f of found) assert.ok(f.includes(order));
  await page.context().close();
});

test('hostile product names are shown as text and never run', async () => {
  const page = await syncedPage();
  stack.lastDialog = undefined;
  let hostile = null;
  for (let url = `${stack.base}/sac/?limit=200`; url;) {
    await page.goto(url);
    const names = await page.locator('tr.sac-case .sac-product span').allTextContents();
    hostile = names.find(n => n.includes('<img') || n.includes('<script'));
    if (hostile) break;
    const next = page.locator('#sac-next-page');
    url = await next.count() ? new URL(await next.getAttribute('href'), stack.base).href : null;
  }
  assert.ok(hostile, 'the simulator serves hostile names and the page shows them literally');
  assert.equal(await page.locator('tr.sac-case img[src="x"]').count(), 0);
  assert.equal(await page.locator('tr.sac-case script').count(), 0);
  await page.waitForTimeout(300);
  assert.equal(stack.lastDialog, undefined, 'no script ran');
  await page.context().close();
});

test('another company sees nothing of this one, over the pages and the API', async () => {
  const a = await syncedPage();
  const listA = await a.evaluate(async () => (await (await fetch('/sac/api/cases?limit=5')).json()));
  assert.ok(listA.items.length > 0);
  const caseOfA = listA.items[0].id;
  const storeOfA = listA.items[0].store_id;
  await a.context().close();

  const b = await stack.newPage();
  await stack.login(b, 'admin.b');
  await b.goto(`${stack.base}/sac/`);
  const listB = await b.evaluate(async () => (await (await fetch('/sac/api/cases?limit=200')).json()));
  assert.equal(listB.items.length, 0, 'account B lists none of A\'s cases');
  const dialog = await b.goto(`${stack.base}/sac/cases/${caseOfA}`);
  assert.equal(dialog.status(), 404, 'account B cannot open a case of A');
  const sync = await b.evaluate(async (storeId) => {
    const csrf = document.querySelector('input[name=_csrf]').value;
    const r = await fetch('/sac/api/sync', { method: 'POST', body: JSON.stringify({ store_id: storeId }),
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf } });
    return { status: r.status, body: await r.json() };
  }, storeOfA);
  assert.equal(sync.status, 409);
  assert.equal(sync.body.runs.length, 0, 'account B cannot sync a store of A');
  const statusB = await b.evaluate(async () => (await (await fetch('/sac/api/sync/status')).json()));
  assert.equal(statusB.runs.length, 0, 'nor see its runs');
  await b.context().close();
});
