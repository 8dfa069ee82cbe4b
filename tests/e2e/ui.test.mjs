// The seller's and the admin's pages on a desktop and on a phone (390 × 844,
// touch): axe-core finds no WCAG 2.1 A/AA violation on any page or dialog
// state, no page scrolls sideways, controls are big enough to tap, focus is
// visible; what cannot be undone (agreeing to a refund, refusing, deleting a
// group, disabling a store) asks first, by mouse, by keyboard and without
// JavaScript, and the server refuses it without the confirmation.
// Screenshots go to SAC_SCREENSHOTS_DIR when it is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, followProtocol } from './harness.mjs';
import { assertPortuguese } from './portuguese.mjs';
import { PHONE, DESKTOP, devicePage, assertNoAxeViolations, assertNoSidewaysScroll, assertTouchTargets,
         assertFocusVisible } from './a11y.mjs';

const AGREE = 'aliexpress.issue.solution.agree';
const REFUSE = 'aliexpress.issue.solution.save'; // a refusal is the seller's own solution
const stack = new Stack();
let admin; // admin.a, desktop
let seller; // vendedor.a, desktop
let amazonStoreId;
let aliexpressStoreId;
let groupId;

async function csrfOf(page) {
  return page.evaluate(() => document.querySelector('input[name=_csrf]')?.value ?? '');
}

async function calls(method) {
  const r = await fetch(`http://127.0.0.1:${stack.simPort}/_sim/stats`);
  const s = await r.json();
  return (s.calls && s.calls[method]) || 0;
}

async function waitUntil(what, fn, ms = 60000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  await stack.start({
    disputes: 30, demoStore: true,
    simArgs: ['--amazon-marketplace=A2Q3Y263D00KWC', '--amazon-skus=12', '--amazon-polls=1'],
    settings: {
      lostfound_first_poll_ms: 200,
      lostfound_history_days: 200,
      lostfound_windows: '{"default":{"lost":[0,200],"damaged":[0,200],"return_damaged":[0,200]}}',
    },
  });
  admin = await devicePage(stack, 'admin.a', DESKTOP);
  seller = await devicePage(stack, 'vendedor.a', DESKTOP);
  await seller.goto(`${stack.base}/sac/`); // the account's first visit makes its demo store

  // An Amazon store (Brazil) for the Lost & Found pages.
  await admin.goto(`${stack.base}/sac/stores/new?marketplace=amazon`);
  const made = await admin.evaluate(async ([t, sim]) => {
    const r = await fetch('/sac/stores', { method: 'POST', headers: { 'X-CSRF-Token': t }, redirect: 'follow',
      body: new URLSearchParams({ _csrf: t, marketplace: 'amazon', name: 'Amazon Brasil', seller_email: 'casos@loja.example',
        marketplace_id: 'A2Q3Y263D00KWC', region: '', lwa_client_id: 'demo-lwa-client', lwa_client_secret: 'demo-lwa-secret',
        refresh_token: 'Atzr|demo-refresh', sp_api_endpoint: sim }) });
    return r.url;
  }, [await csrfOf(admin), `http://127.0.0.1:${stack.simPort}`]);
  amazonStoreId = new URL(made).pathname.split('/').pop();
  assert.match(amazonStoreId, /^\d+$/, made);

  // The demo AliExpress store, synced.
  await seller.goto(`${stack.base}/sac/`);
  const stores = await seller.evaluate(async () => (await fetch('/sac/api/sync/status')).json());
  const token = await csrfOf(seller);
  const api = await admin.evaluate(async () => (await fetch('/sac/api/stores')).json());
  const ali = (api.stores || []).find(s => s.marketplace === 'aliexpress');
  assert.ok(ali, JSON.stringify(api));
  aliexpressStoreId = String(ali.id);
  const started = await seller.evaluate(async ([t, id]) => (await fetch('/sac/api/sync', {
    method: 'POST', body: JSON.stringify({ store_id: Number(id) }),
    headers: { 'X-CSRF-Token': t, 'Content-Type': 'application/json', 'Accept': 'application/json' } })).status,
  [token, aliexpressStoreId]);
  assert.ok(started === 200 || started === 202, `sync answered ${started} (${JSON.stringify(stores)})`);
  await waitUntil('the sync', async () => {
    const s = await seller.evaluate(async () => (await fetch('/sac/api/sync/status')).json());
    const run = (s.runs || []).find(r => String(r.store_id) === aliexpressStoreId);
    return run && (run.state === 'done' || run.state === 'failed');
  });

  // The Lost & Found search of the Amazon store.
  await seller.goto(`${stack.base}/sac/lost-found`);
  await Promise.all([seller.waitForNavigation(),
                     seller.locator(`tr[data-store-id="${amazonStoreId}"] button.sac-lf-search`).click()]);
  await seller.locator(`#sac-lf-run-${amazonStoreId}[data-run-state="done"]`).waitFor({ timeout: 60000 });

  // A group with two cases.
  await seller.goto(`${stack.base}/sac/groups`);
  await seller.fill('#sac-group-create input[name=name]', 'avaria no transporte');
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-group-create button')]);
  groupId = await seller.getAttribute('tr[data-group-id]', 'data-group-id');
  await seller.goto(`${stack.base}/sac/`);
  const ids = await seller.$$eval('tr[data-case-id]', rows => rows.slice(0, 2).map(r => r.getAttribute('data-case-id')));
  for (const id of ids) await seller.check(`tr[data-case-id="${id}"] input[name=case_id]`);
  await seller.selectOption('#sac-bulk select[name=group_id]', groupId);
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-bulk button[type=submit]')]);
});
after(async () => { await stack.stop(); });

/** The id of a pending dispute whose dialog offers "Concordar", not in used. */
async function pendingCase(page, used) {
  const ids = await page.evaluate(async () => {
    const r = await fetch('/sac/?status=pendente');
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
    return [...doc.querySelectorAll('tr[data-case-id]')].map(t => t.getAttribute('data-case-id'));
  });
  for (const id of ids) {
    if (used.has(id)) continue;
    const html = await page.evaluate(async (i) => (await fetch(`/sac/cases/${i}?fragment=1`)).text(), id);
    if (html.includes('data-sac-form="agree"')) {
      used.add(id);
      return id;
    }
  }
  throw new Error('no pending dispute waiting for the seller');
}

const used = new Set();

async function openDialog(page, id) {
  await page.goto(`${stack.base}/sac/?status=pendente`);
  await page.locator(`tr[data-case-id="${id}"] a.sac-handle`).click();
  const dialog = page.locator('dialog#sac-case-dialog');
  await dialog.locator(`article[data-case-id="${id}"]`).waitFor();
  return dialog;
}

/** Every page and dialog state, checked on one device. */
async function walk(device, name) {
  const s = await devicePage(stack, 'vendedor.a', device);
  const a = await devicePage(stack, 'admin.a', device);
  const phone = device === PHONE;
  const check = async (page, label, { scope = 'body' } = {}) => {
    await assertNoAxeViolations(page, `${name} ${label}`);
    // Every state in the seller's language: no marketplace code, no English sentence.
    await assertPortuguese(page, `${name} ${label}`);
    await assertNoSidewaysScroll(page, `${name} ${label}`);
    if (phone) await assertTouchTargets(page, `${name} ${label}`, scope);
    await stack.screenshot(page, `${name}-${label}`, { fullPage: !scope.startsWith('dialog') });
  };
  const id = await pendingCase(s, used);
  used.delete(id);

  await s.goto(`${stack.base}/sac/`);
  await check(s, 'tab');
  if (phone) {
    // Status, deadline and "Lide com" are on screen for every row.
    for (const sel of ['.sac-badge', '.sac-deadline', 'a.sac-handle']) {
      const off = await s.$$eval(`tr.sac-case ${sel}`, (els) => els.filter(e => {
        const r = e.getBoundingClientRect();
        return r.width === 0 || r.left < 0 || r.right > window.innerWidth;
      }).length);
      assert.equal(off, 0, `${name}: ${sel} off screen`);
    }
  }

  const dialog = await openDialog(s, id);
  if (phone) {
    const box = await dialog.boundingBox();
    assert.ok(box.width >= 389 && box.height >= 843, `the dialog fills the phone: ${JSON.stringify(box)}`);
  }
  await check(s, 'dialog', { scope: 'dialog#sac-case-dialog' });
  if (phone) await dialog.locator('details.sac-refuse summary').tap();
  else await dialog.locator('details.sac-refuse summary').click();
  await dialog.locator('form[data-sac-form=refuse] textarea[name=reason]').waitFor();
  await check(s, 'dialog-refuse', { scope: 'dialog#sac-case-dialog' });
  await dialog.locator('form[data-sac-form=agree] [data-sac-submit]').click();
  await dialog.locator('form[data-sac-form=agree] [data-sac-confirm]').waitFor();
  await check(s, 'dialog-agree-confirm', { scope: 'dialog#sac-case-dialog' });
  await s.keyboard.press('Escape');

  await s.goto(`${stack.base}/sac/cases/${id}`);
  await check(s, 'case-page');
  await s.goto(`${stack.base}/sac/groups`);
  await check(s, 'groups');
  await s.goto(`${stack.base}/sac/lost-found`);
  await check(s, 'lostfound');
  const lf = await s.getAttribute('tr.sac-lf-case', 'data-case-id');
  assert.ok(lf, 'a Lost & Found case');
  await s.goto(`${stack.base}/sac/lost-found/case?id=${lf}`);
  await check(s, 'lostfound-case');
  await s.goto(`${stack.base}/sac/lost-found/mail`);
  await check(s, 'lostfound-mail');

  await a.goto(`${stack.base}/sac/stores`);
  await check(a, 'stores');
  await a.goto(`${stack.base}/sac/stores/${aliexpressStoreId}`);
  await check(a, 'store-aliexpress');
  await a.goto(`${stack.base}/sac/stores/${amazonStoreId}`);
  await check(a, 'store-amazon');
  await a.goto(`${stack.base}/sac/stores/new?marketplace=amazon`);
  await check(a, 'store-new-amazon');
  // The confirmation pages.
  await a.goto(`${stack.base}/sac/stores/${amazonStoreId}`);
  await Promise.all([a.waitForNavigation(), a.click('#sac-store-disable')]);
  await check(a, 'store-disable-confirm');
  await s.goto(`${stack.base}/sac/groups`);
  await Promise.all([s.waitForNavigation(), s.click(`tr[data-group-id="${groupId}"] form[action$="/delete"] button`)]);
  await check(s, 'group-delete-confirm');
  await s.context().close();
  await a.context().close();
}

test('every page and dialog state on a desktop: axe finds nothing, focus is visible', { timeout: 180000 }, async () => {
  await walk(DESKTOP, 'desktop');
  const page = await devicePage(stack, 'vendedor.a', DESKTOP);
  for (const url of ['/sac/', '/sac/groups', '/sac/lost-found']) {
    await page.goto(`${stack.base}${url}`);
    await assertFocusVisible(page, url);
  }
  const id = await pendingCase(page, used);
  used.delete(id);
  const dialog = await openDialog(page, id);
  await dialog.locator('details.sac-refuse summary').click();
  // Inside the modal dialog the focus never reaches the page behind it; every stop shows it.
  await page.locator('dialog#sac-case-dialog [data-sac-close]').focus();
  const stops = await assertFocusVisible(page, 'dialog', 30);
  assert.ok(stops.length > 10, `${stops.length} stops`);
  assert.deepEqual(stops.filter(f => !f.inDialog).map(f => f.name), []);
  // Escape closes it and the focus returns to its "Lide com".
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-case-id')), id);
  await page.context().close();
});

test('every page and dialog state on a phone (390 × 844): no sideways scroll, targets to tap, axe finds nothing', { timeout: 180000 }, async () => {
  await walk(PHONE, 'phone');
});

test('"Concordar" never sends on one click, a double click or Enter: it shows what will happen and asks', { timeout: 180000 }, async () => {
  const page = await devicePage(stack, 'vendedor.a', DESKTOP);
  const id = await pendingCase(page, used);
  const dialog = await openDialog(page, id);
  const form = dialog.locator('form[data-sac-form=agree]');
  const box = form.locator('[data-sac-confirm]');
  const before = await calls(AGREE);
  assert.equal(await box.isVisible(), false);

  await form.locator('[data-sac-submit]').dblclick();
  await box.waitFor();
  const radio = form.locator('input[name=solution_id]:checked');
  const expected = { solution: await radio.getAttribute('data-sac-solution'), amount: await radio.getAttribute('data-sac-amount'),
                     currency: await radio.getAttribute('data-sac-currency') };
  assert.ok(expected.amount && /^[A-Z]{3}$/.test(expected.currency), JSON.stringify(expected));
  assert.equal((await box.locator('[data-sac-confirm-solution]').textContent()).trim(), expected.solution);
  assert.equal((await box.locator('[data-sac-confirm-amount]').textContent()).trim(), expected.amount);
  assert.equal((await box.locator('[data-sac-confirm-currency]').textContent()).trim(), expected.currency);
  // The focus is in the confirmation, where Enter does nothing.
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('[data-sac-confirm]')), true);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await new Promise(r => setTimeout(r, 400));
  assert.equal(await calls(AGREE), before, 'nothing reached the marketplace');
  await stack.screenshot(page, 'agree-confirm', { fullPage: false });

  // Escape leaves the confirmation (not the dialog) and gives the focus back.
  await page.keyboard.press('Escape');
  assert.equal(await box.isVisible(), false);
  assert.ok(await dialog.isVisible(), 'the dialog stays open');
  assert.equal(await page.evaluate(() => document.activeElement.hasAttribute('data-sac-submit')), true);

  // By keyboard: Enter on a choice asks, Tab reaches "Confirmar", Enter sends once.
  await radio.focus();
  await page.keyboard.press('Enter');
  await box.waitFor();
  assert.equal(await calls(AGREE), before);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.hasAttribute('data-sac-confirm-yes')), true);
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await calls(AGREE), before + 1);
  assert.equal((await page.locator(`tr[data-case-id="${id}"] .sac-badge`).textContent()).trim(), 'Decisão');
  await page.context().close();
});

test('the server refuses an agreement or a refusal without the confirmation field, and nothing is sent', { timeout: 180000 }, async () => {
  const page = await devicePage(stack, 'vendedor.a', DESKTOP);
  const id = await pendingCase(page, used);
  used.delete(id);
  await page.goto(`${stack.base}/sac/cases/${id}`);
  const token = await csrfOf(page);
  const key = await page.inputValue('form[data-sac-form=agree] input[name=idempotency_key]');
  const agreeBefore = await calls(AGREE);
  const refuseBefore = await calls(REFUSE);
  const post = (action, fields, accept) => page.evaluate(async ([url, f, t, a]) => {
    const r = await fetch(url, { method: 'POST', headers: { 'X-CSRF-Token': t, 'Accept': a }, body: new URLSearchParams(f),
                                 redirect: 'manual' });
    return { status: r.status, body: r.type === 'opaqueredirect' ? '' : await r.text() };
  }, [`/sac/cases/${id}/${action}`, fields, token, accept]);

  for (const confirm of [undefined, '', '0', 'yes', '1 ']) {
    const fields = { _csrf: token, idempotency_key: key, ...(confirm === undefined ? {} : { confirm }) };
    const r = await post('agree', fields, 'application/json');
    assert.equal(r.status, 409, `confirm=${confirm}`);
    assert.equal(JSON.parse(r.body).confirm_required, true);
  }
  const refused = await post('refuse', { _csrf: token, idempotency_key: 'k'.repeat(32), seller_email: 'a@b.example',
                                         reason: 'x'.repeat(40) }, 'application/json');
  assert.equal(refused.status, 409);
  // Without JavaScript the same request answers the confirmation step on the case page.
  const html = await post('agree', { _csrf: token, idempotency_key: key }, 'text/html');
  assert.equal(html.status, 200);
  // The agreement's step is shown (not hidden), the refusal's is not.
  assert.ok(/aria-labelledby="sac-agree-confirm-\d+" tabindex="-1">/.test(html.body), 'the agreement step is shown');
  assert.ok(/aria-labelledby="sac-refuse-confirm-\d+" tabindex="-1" hidden>/.test(html.body), 'the refusal step is not');
  assert.ok(html.body.includes(`value="${key}"`), 'the one-time key is kept');
  assert.equal(await calls(AGREE), agreeBefore);
  assert.equal(await calls(REFUSE), refuseBefore);
  await page.context().close();
});

test('without JavaScript, agreeing asks on its own page state and sends once when confirmed', { timeout: 180000 }, async () => {
  const page = await devicePage(stack, 'vendedor.a', DESKTOP, { javaScriptEnabled: false });
  const helper = await devicePage(stack, 'vendedor.a', DESKTOP);
  const id = await pendingCase(helper, used);
  await helper.context().close();
  await page.goto(`${stack.base}/sac/cases/${id}`);
  const before = await calls(AGREE);
  assert.equal(await page.locator('form[data-sac-form=agree] [data-sac-confirm]').isVisible(), false);
  await Promise.all([page.waitForNavigation(), page.click('form[data-sac-form=agree] [data-sac-submit]')]);
  const box = page.locator('form[data-sac-form=agree] [data-sac-confirm]');
  assert.ok(await box.isVisible());
  assert.match(await box.locator('[data-sac-confirm-currency]').textContent(), /^[A-Z]{3}$/);
  assert.equal(await calls(AGREE), before);
  await stack.screenshot(page, 'agree-confirm-nojs');
  await Promise.all([page.waitForNavigation(), box.locator('[data-sac-confirm-yes]').click()]);
  assert.match(page.url(), /done=agree/);
  assert.equal(await calls(AGREE), before + 1);
  await page.context().close();
});

test('"Recusar o pedido" → "Resolver" shows the refusal and sends it only when confirmed', { timeout: 180000 }, async () => {
  const page = await devicePage(stack, 'vendedor.a', PHONE);
  const id = await pendingCase(page, used);
  await page.goto(`${stack.base}/sac/?status=pendente`);
  await page.locator(`tr[data-case-id="${id}"] a.sac-handle`).tap();
  const dialog = page.locator('dialog#sac-case-dialog');
  await dialog.locator(`article[data-case-id="${id}"]`).waitFor();
  await dialog.locator('details.sac-refuse summary').tap();
  const form = dialog.locator('form[data-sac-form=refuse]');
  await form.locator('textarea[name=reason]').fill('O produto foi entregue como anunciado; a foto mostra a embalagem.');
  await followProtocol(form);
  await form.locator('input[name=image]').setInputFiles({ name: 'prova.png', mimeType: 'image/png',
    buffer: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]) });
  const before = await calls(REFUSE);
  await form.locator('[data-sac-submit]').tap();
  const box = form.locator('[data-sac-confirm]');
  await box.waitFor();
  assert.match(await box.textContent(), /Solução recusada[\s\S]*Sua contraproposta/);
  assert.notEqual((await box.locator('[data-sac-confirm-type]').textContent()).trim(), '—');
  await new Promise(r => setTimeout(r, 300));
  assert.equal(await calls(REFUSE), before);
  await assertNoAxeViolations(page, 'refuse confirmation on a phone');
  await stack.screenshot(page, 'phone-refuse-confirm', { fullPage: false });
  await box.locator('[data-sac-confirm-yes]').tap();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await calls(REFUSE), before + 1);
  await page.context().close();
});

test('deleting a group and disabling a store ask first; the server does nothing without confirm=1', { timeout: 180000 }, async () => {
  const s = await devicePage(stack, 'vendedor.a', DESKTOP);
  await s.goto(`${stack.base}/sac/groups`);
  await s.fill('#sac-group-create input[name=name]', 'temporário');
  await Promise.all([s.waitForNavigation(), s.click('#sac-group-create button')]);
  const row = s.locator('tr[data-group-id]', { hasText: 'temporário' });
  const gid = await row.getAttribute('data-group-id');
  // A forged post without the field keeps the group.
  const token = await csrfOf(s);
  const status = await s.evaluate(async ([g, t]) => (await fetch(`/sac/groups/${g}/delete`, {
    method: 'POST', headers: { 'X-CSRF-Token': t, 'Accept': 'application/json' }, body: new URLSearchParams({ _csrf: t }) })).status,
  [gid, token]);
  assert.equal(status, 409);
  await s.reload();
  assert.equal(await s.locator(`tr[data-group-id="${gid}"]`).count(), 1);
  // Escape on the confirmation page goes back without deleting.
  await Promise.all([s.waitForNavigation(), row.locator('form[action$="/delete"] button').click()]);
  assert.match(await s.textContent('h1'), /Excluir este agrupamento/);
  assert.match(await s.textContent('.sac-confirm'), /temporário/);
  await Promise.all([s.waitForNavigation(), s.keyboard.press('Escape')]);
  assert.equal(new URL(s.url()).pathname, '/sac/groups');
  assert.equal(await s.locator(`tr[data-group-id="${gid}"]`).count(), 1);
  // Confirmed by keyboard.
  await Promise.all([s.waitForNavigation(), s.locator(`tr[data-group-id="${gid}"] form[action$="/delete"] button`).click()]);
  await s.focus('#sac-confirm-yes');
  await Promise.all([s.waitForNavigation(), s.keyboard.press('Enter')]);
  assert.match(await s.textContent('body'), /Agrupamento excluído/);
  assert.equal(await s.locator(`tr[data-group-id="${gid}"]`).count(), 0);
  await s.context().close();

  const a = await devicePage(stack, 'admin.a', DESKTOP);
  await a.goto(`${stack.base}/sac/stores/${amazonStoreId}`);
  await Promise.all([a.waitForNavigation(), a.click('#sac-store-disable')]);
  assert.match(await a.textContent('.sac-confirm'), /Amazon Brasil/);
  assert.doesNotMatch(await a.textContent('body'), /Loja desativada/);
  await Promise.all([a.waitForNavigation(), a.click('#sac-confirm-no')]);
  assert.doesNotMatch(await a.textContent('#sac-store-status'), /desativada/);
  await Promise.all([a.waitForNavigation(), a.click('#sac-store-disable')]);
  await Promise.all([a.waitForNavigation(), a.click('#sac-confirm-yes')]);
  assert.match(await a.textContent('body'), /Loja desativada/);
  await Promise.all([a.waitForNavigation(), a.click('#sac-store-enable')]);
  await a.context().close();
});

test('the store form lists Brazil first for pt-BR, explains its technical fields, and the list titles fit every row', { timeout: 180000 }, async () => {
  const a = await devicePage(stack, 'admin.a', DESKTOP);
  await a.goto(`${stack.base}/sac/stores/new?marketplace=amazon`);
  const first = await a.$eval('select[name=marketplace_id] option', o => ({ value: o.value, selected: o.selected }));
  assert.deepEqual(first, { value: 'A2Q3Y263D00KWC', selected: true });
  const help = await a.$$eval('.sac-field-help', els => els.map(e => e.textContent));
  assert.ok(help.some(t => /Login with Amazon/.test(t) && /Seller Central/.test(t)), help.join('\n'));
  await a.goto(`${stack.base}/sac/stores/new?marketplace=aliexpress`);
  const ali = await a.$$eval('.sac-field-help', els => els.map(e => e.textContent).join('\n'));
  assert.match(ali, /Open Platform/);
  assert.match(ali, /App Secret/);
  await a.goto(`${stack.base}/sac/stores`);
  const heads = await a.$$eval('.sac-store-table th', ths => ths.map(t => t.textContent));
  assert.ok(!heads.some(h => /AliExpress|Amazon/.test(h)), heads.join(' | '));
  // The favicon: named in the page's head and answered.
  const icon = await a.getAttribute('link[rel=icon]', 'href');
  assert.ok(icon);
  for (const url of [icon, '/favicon.ico']) {
    const r = await fetch(new URL(url, stack.base));
    assert.equal(r.status, 200, url);
    assert.match(r.headers.get('content-type'), /^image\//);
  }
  await a.context().close();
});
