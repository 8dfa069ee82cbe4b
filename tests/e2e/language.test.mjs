// Everything a Brazilian seller reads is Portuguese: no marketplace code
// (wait_for_seller_response, buyer_create_solution, ...) and no English
// sentence outside a "detalhe técnico", on every page and dialog of the walk
// (tab, filters, "Lide com" of disputes in every state, the case page,
// Agrupamento, stores and the store form). Marketplace and user content
// (product names, the buyer's messages, notes) is marked data-verbatim and
// is not the module's text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';
import { assertPortuguese, offenders } from './portuguese.mjs';

const stack = new Stack();
let admin;
let seller;
let auditedCase;

before(async () => {
  await stack.start({ disputes: 60, demoStore: true });
  admin = await stack.newPage();
  await stack.login(admin, 'admin.a');
  seller = await stack.newPage();
  await stack.login(seller, 'vendedor.a');
  // One sync brings the disputes in every state the simulator has.
  await seller.goto(`${stack.base}/sac/`);
  await seller.click('form.sac-sync-form button[type=submit]');
  await seller.locator('#sac-sync-panel .sac-sync-done').waitFor({ timeout: 120000 });
  // A note and "Definir entrega errada" write audit entries with fields.
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  const id = await seller.$eval('tr[data-case-id]', r => r.getAttribute('data-case-id'));
  await seller.goto(`${stack.base}/sac/cases/${id}`);
  await seller.fill('form[data-sac-form=note] textarea', 'Cliente avisado por mensagem na plataforma.');
  await Promise.all([seller.waitForNavigation(), seller.click('form[data-sac-form=note] button[type=submit]')]);
  auditedCase = id;
});
after(async () => { await stack.stop(); });

test('the self-check catches a raw code and an English sentence', () => {
  assert.deepEqual(offenders(['Aguardando sua resposta', 'Produto não recebido', 'Lost & Found (Amazon)']), []);
  assert.equal(offenders(['wait_for_seller_response']).length, 1);
  assert.equal(offenders(['Item not as described']).length, 1);
  assert.equal(offenders(['The store needs to be authorized again by an admin.']).length, 1);
});

test('the tab and its filters are Portuguese', async () => {
  await seller.goto(`${stack.base}/sac/`);
  assert.ok(await seller.locator('tr[data-case-id]').count() > 0, 'the sync brought disputes');
  await assertPortuguese(seller, '/sac/');
  // The sync panel's times and durations: the display zone and Brazilian numbers, as the pages print them.
  const panel = seller.locator('#sac-sync-panel .sac-sync-done');
  await panel.waitFor({ timeout: 10000 });
  const summary = await panel.textContent();
  assert.match(summary, /em (\d+,\d s|\d+min)/, summary);
  assert.doesNotMatch(summary, /\d\.\d s/, summary);
  assert.match(summary, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(UTC-03:00\)/, summary);
  await assertPortuguese(seller, 'the sync panel');
  for (const status of ['pendente', 'recebido', 'cancelado', 'fechado', 'decisao']) {
    await seller.goto(`${stack.base}/sac/?status=${status}`);
    await assertPortuguese(seller, `/sac/?status=${status}`);
  }
});

test('"Lide com" of disputes in every state is Portuguese, history and audit included', async () => {
  const seen = new Set();
  for (const status of ['pendente', 'recebido', 'cancelado', 'fechado', 'decisao']) {
    await seller.goto(`${stack.base}/sac/?status=${status}`);
    const ids = (await seller.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')))).slice(0, 3);
    for (const id of ids) {
      await seller.click(`tr[data-case-id="${id}"] a.sac-handle`);
      const dialog = seller.locator('dialog#sac-case-dialog');
      await dialog.locator(`article[data-case-id="${id}"]`).waitFor();
      await assertPortuguese(seller, `"Lide com" of case ${id} (${status})`);
      await dialog.locator('[data-sac-close]').click();
      // The same case on its own page (no JavaScript needed).
      await seller.goto(`${stack.base}/sac/cases/${id}`);
      await assertPortuguese(seller, `/sac/cases/${id}`);
      await seller.goto(`${stack.base}/sac/?status=${status}`);
      seen.add(status);
    }
  }
  assert.ok(seen.size >= 3, `disputes in several states were looked at: ${[...seen]}`);
});

test('an audit entry reads as words and dates, never field keys or epoch numbers', async () => {
  const id = auditedCase;
  await seller.goto(`${stack.base}/sac/cases/${id}`);
  assert.ok(await seller.locator('.sac-history li').count() > 0, 'the case has audit entries');
  const history = await seller.textContent('.sac-history');
  assert.doesNotMatch(history, /\b\d{13}\b/, 'no epoch milliseconds');
  assert.doesNotMatch(history, /deadline_at|fine_status|note_id|marketplace_status/);
  await assertPortuguese(seller, `audit of case ${id}`);
});

test('Agrupamento, stores and the store form are Portuguese', async () => {
  await seller.goto(`${stack.base}/sac/groups`);
  await assertPortuguese(seller, '/sac/groups');
  await admin.goto(`${stack.base}/sac/stores`);
  await assertPortuguese(admin, '/sac/stores');
  const edit = await admin.$eval('a[href^="/sac/stores/"]', a => a.getAttribute('href'));
  await admin.goto(`${stack.base}${edit}`);
  await assertPortuguese(admin, edit);
  await admin.goto(`${stack.base}/sac/stores/new`);
  await assertPortuguese(admin, '/sac/stores/new');
});

test('a refused store form marks every wrong field at once, focuses the first and asks for the secret again', async () => {
  await admin.goto(`${stack.base}/sac/stores/new`);
  await admin.fill('input[name=name]', '');
  await admin.fill('input[name=seller_email]', 'sem-arroba');
  await admin.fill('input[name=app_key]', 'demo-app-key');
  await admin.fill('input[name=app_secret]', 'um-segredo-digitado');
  await admin.fill('input[name=sync_max_in_flight]', '');
  // The form leaves checking to the server, which names every problem at once
  // (the browser's own checks would stop at the first field).
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-save')]);
  for (const name of ['name', 'seller_email']) {
    const input = admin.locator(`input[name=${name}]`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true', name);
    const described = await input.getAttribute('aria-describedby');
    assert.ok(described, `${name} names its error`);
    assert.ok((await admin.textContent(`#${described}`)).trim().length > 0, `${name} has its error text`);
  }
  assert.equal(await admin.evaluate(() => document.activeElement && document.activeElement.name), 'name',
               'the first wrong field has the focus');
  assert.match(await admin.textContent('.sac-error[role=alert]'), /Confira os 2 campos/);
  assert.match(await admin.textContent('.sac-error[role=alert]'), /digite-os de novo/);
  assert.equal(await admin.inputValue('input[name=app_secret]'), '', 'the secret is never sent back');
  await assertPortuguese(admin, 'the refused store form');
});

test('a refusal whose reason leaves the marketplace is refused, naming what was found', async () => {
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  let opened = null;
  for (const id of await seller.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')))) {
    await seller.click(`tr[data-case-id="${id}"] a.sac-handle`);
    const dialog = seller.locator('dialog#sac-case-dialog');
    await dialog.locator(`article[data-case-id="${id}"]`).waitFor();
    if (await dialog.locator('form[data-sac-form=refuse]').count() === 1) { opened = id; break; }
    await dialog.locator('[data-sac-close]').click();
  }
  assert.ok(opened, 'a dispute waiting for the seller');
  const form = seller.locator('dialog#sac-case-dialog form[data-sac-form=refuse]');
  await seller.locator('dialog#sac-case-dialog details.sac-refuse summary').click();
  await form.locator('input[name=seller_email]').fill('vendas@loja.example');
  await form.locator('textarea[name=reason]').fill('O pedido 8178123456789012 foi entregue; me chama no zap (11) 98765-4321.');
  await form.locator('[data-sac-submit]').click();
  await form.locator('[data-sac-confirm-yes]').click();
  await form.locator('[data-sac-field-error="reason"]').waitFor();
  const input = form.locator('[name=reason]');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  const message = await seller.textContent(`#${await input.getAttribute('aria-describedby')}`);
  assert.match(message, /fora da AliExpress/);
  assert.match(message, /telefone \u201C\(11\) 98765-4321\u201D/);
  assert.match(message, /aplicativo de mensagem \u201Czap\u201D/);
  assert.doesNotMatch(message, /8178123456789012/, 'the order number is no contact');
  await assertPortuguese(seller, 'the off-platform refusal');
  await seller.locator('dialog#sac-case-dialog [data-sac-close]').click();
});

test('a refusal with several mistakes marks each field at once in the dialog and focuses the first', async () => {
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  let opened = null;
  for (const id of await seller.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')))) {
    await seller.click(`tr[data-case-id="${id}"] a.sac-handle`);
    const dialog = seller.locator('dialog#sac-case-dialog');
    await dialog.locator(`article[data-case-id="${id}"]`).waitFor();
    if (await dialog.locator('form[data-sac-form=refuse]').count() === 1) { opened = id; break; }
    await dialog.locator('[data-sac-close]').click();
  }
  assert.ok(opened, 'a dispute waiting for the seller');
  const form = seller.locator('dialog#sac-case-dialog form[data-sac-form=refuse]');
  await seller.locator('dialog#sac-case-dialog details.sac-refuse summary').click();
  await form.locator('input[name=seller_email]').fill('sem-arroba');
  await form.locator('textarea[name=reason]').fill('curto');
  await form.locator('input[name=refund_amount]').fill('1.000');
  await form.locator('[data-sac-submit]').click();
  await form.locator('[data-sac-confirm-yes]').click();
  await form.locator('[data-sac-field-error="image"]').waitFor();
  for (const name of ['seller_email', 'reason', 'refund_amount', 'image']) {
    const input = form.locator(`[name=${name}]`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true', name);
    const described = await input.getAttribute('aria-describedby');
    assert.ok((await seller.textContent(`#${described}`)).trim().length > 0, `${name} has its message`);
  }
  assert.equal(await seller.evaluate(() => document.activeElement && document.activeElement.name), 'seller_email');
  await assertPortuguese(seller, 'the refused refusal');
  await seller.locator('dialog#sac-case-dialog [data-sac-close]').click();
});
