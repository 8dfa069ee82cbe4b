// Canned refusal reasons and bulk handling in a real browser: the admin's
// page (every mistake named, off-platform text refused, add, change, delete
// once confirmed), the reason filled from a canned one in "Lide com" (with
// and without JavaScript), and a refusal sent to several disputes of one
// cause, listed first, confirmed, and reported dispute by dispute; a
// selection of two causes sends nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';
import { assertNoAxeViolations } from './a11y.mjs';
import { assertPortuguese } from './portuguese.mjs';

const stack = new Stack();
let admin;
let seller;
let cause = null;      // a cause with at least two pending disputes
let otherCause = null; // another cause with a pending dispute
let cannedId = null;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);
const TEXT = 'O produto foi enviado conforme o anúncio e o rastreio mostra a entrega ao comprador.';

const pendingIds = async (page, value) => {
  await page.goto(`${stack.base}/sac/?status=pendente&cause=${encodeURIComponent(value)}`);
  return page.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')));
};

before(async () => {
  await stack.start({ disputes: 40, demoStore: true });
  admin = await stack.newPage();
  await stack.login(admin, 'admin.a');
  seller = await stack.newPage();
  await stack.login(seller, 'vendedor.a');
  await seller.goto(`${stack.base}/sac/`);
  await seller.click('form.sac-sync-form button[type=submit]');
  await seller.locator('#sac-sync-panel .sac-sync-done').waitFor({ timeout: 120000 });
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  const causes = await seller.$$eval('select[name=cause] option', os => os.map(o => o.value).filter(Boolean));
  let most = 0;
  for (const c of causes) {
    const n = (await pendingIds(seller, c)).length;
    if (n > most) { most = n; otherCause = cause ?? otherCause; cause = c; } else if (n > 0 && !otherCause) otherCause = c;
  }
  assert.ok(most >= 2, 'a cause with two pending disputes');
  assert.ok(otherCause && otherCause !== cause, 'a second cause');
});
after(async () => { await stack.stop(); });

test('an admin keeps canned reasons: every mistake named, off-platform text refused, added, changed, deleted once confirmed', async () => {
  await admin.goto(`${stack.base}/sac/settings`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-canned-link')]);
  assert.equal(new URL(admin.url()).pathname, '/sac/settings/reasons');
  assert.ok(await admin.locator('#sac-canned-empty').isVisible());
  await assertPortuguese(admin, '/sac/settings/reasons');
  await assertNoAxeViolations(admin, 'the canned reasons page');

  // Nothing typed: the title and the text are named, the first one focused.
  let answer = await Promise.all([admin.waitForNavigation(), admin.click('#sac-canned-save')]);
  assert.equal(answer[0].status(), 400);
  assert.match(await admin.textContent('#sac-canned-error'), /Nada foi salvo/);
  assert.equal(await admin.getAttribute('#sac-canned-title', 'aria-invalid'), 'true');
  assert.equal(await admin.getAttribute('#sac-canned-text', 'aria-invalid'), 'true');
  assert.equal(await admin.evaluate(() => document.activeElement.id), 'sac-canned-title');

  // A phone number in the text: refused, naming it; what was typed is kept.
  await admin.fill('#sac-canned-title', 'Entregue com rastreio');
  await admin.selectOption('#sac-canned-cause', cause);
  await admin.fill('#sac-canned-text', 'Entregue. Dúvidas no (11) 98765-4321, obrigado pela compra.');
  answer = await Promise.all([admin.waitForNavigation(), admin.click('#sac-canned-save')]);
  assert.equal(answer[0].status(), 400);
  assert.match(await admin.textContent('#sac-canned-err-text'), /telefone “\(11\) 98765-4321”/);
  assert.equal(await admin.inputValue('#sac-canned-title'), 'Entregue com rastreio');
  assert.equal(await admin.inputValue('#sac-canned-cause'), cause);

  await admin.fill('#sac-canned-text', TEXT);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-canned-save')]);
  assert.match(await admin.textContent('#sac-canned-notice'), /cadastrado/);
  const row = admin.locator('#sac-canned-list tr[data-canned-id]');
  assert.equal(await row.count(), 1);
  cannedId = await row.first().getAttribute('data-canned-id');

  // A second one, for any cause, in English; then changed; then deleted.
  await admin.fill('#sac-canned-title', 'Any cause');
  await admin.selectOption('#sac-canned-language', 'en');
  await admin.fill('#sac-canned-text', 'The parcel was delivered as the tracking shows.');
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-canned-save')]);
  assert.equal(await row.count(), 2);
  const second = await row.nth(1).getAttribute('data-canned-id');
  await Promise.all([admin.waitForNavigation(), admin.click(`#sac-canned-edit-${second}`)]);
  assert.equal(await admin.inputValue('#sac-canned-language'), 'en');
  await admin.fill('#sac-canned-title', 'Delivered (any cause)');
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-canned-save')]);
  assert.match(await admin.textContent('#sac-canned-notice'), /alterado/);
  assert.match(await row.nth(1).textContent(), /Delivered \(any cause\)/);
  await Promise.all([admin.waitForNavigation(), admin.click(`#sac-canned-delete-${second}`)]);
  assert.match(await admin.textContent('h1'), /Excluir este motivo pronto/);
  assert.equal(await row.count(), 0, 'not deleted before the confirmation');
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-confirm-yes')]);
  assert.match(await admin.textContent('#sac-canned-notice'), /excluído/);
  assert.equal(await row.count(), 1);
  await stack.screenshot(admin, 'canned-reasons');

  // Sellers cannot read or change them.
  assert.equal((await seller.goto(`${stack.base}/sac/settings/reasons`)).status(), 403);
});

test('"Lide com" fills the reason from a canned one, with JavaScript and without', async () => {
  const [id] = await pendingIds(seller, cause);
  await seller.goto(`${stack.base}/sac/cases/${id}`);
  await seller.click('details.sac-refuse summary');
  const form = seller.locator('form[data-sac-form=refuse]');
  const select = form.locator('select[data-sac-canned]');
  assert.equal(await select.locator('option').count(), 2, 'none, and the reason of this cause');
  await select.selectOption(cannedId);
  assert.equal(await form.locator('textarea[name=reason]').inputValue(), TEXT);
  // Without JavaScript: a link per reason opens the case with it.
  await seller.goto(`${stack.base}/sac/cases/${id}?canned=${cannedId}`);
  assert.equal(await seller.locator('form[data-sac-form=refuse] textarea[name=reason]').inputValue(), TEXT);
  assert.ok(await seller.locator('details.sac-refuse').evaluate(d => d.open));
  // Another cause's dispute is not offered this reason.
  const [other] = await pendingIds(seller, otherCause);
  await seller.goto(`${stack.base}/sac/cases/${other}`);
  assert.equal(await seller.locator('select[data-sac-canned]').count(), 0);
});

test('a refusal with a canned reason goes to several disputes of one cause, listed, confirmed and reported one by one', async () => {
  // Two causes: refused before anything is listed or sent.
  const [other] = await pendingIds(seller, otherCause);
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  const ids = (await pendingIds(seller, cause)).slice(0, 2);
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  for (const id of [...ids, other]) await seller.check(`tr[data-case-id="${id}"] input[name=case_id]`);
  assert.match(await seller.textContent('#sac-bulk-handle'), /até 20 disputas/);
  let answer = await Promise.all([seller.waitForNavigation(), seller.click('#sac-bulk-refuse')]);
  assert.equal(answer[0].status(), 400);
  assert.match(await seller.textContent('#sac-bulk-selection-error'), /causas diferentes.*Nada foi enviado/);
  assert.equal(await seller.locator('#sac-bulk-form').count(), 0);

  // One cause: every dispute listed with what will be sent, nothing sent yet.
  await seller.goto(`${stack.base}/sac/?status=pendente&cause=${encodeURIComponent(cause)}`);
  for (const id of ids) await seller.check(`tr[data-case-id="${id}"] input[name=case_id]`);
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-bulk-refuse')]);
  assert.match(await seller.textContent('#sac-bulk-bound'), /No máximo 20 disputas/);
  for (const id of ids) {
    const cells = await seller.locator(`#sac-bulk-cases tr[data-case-id="${id}"] td`).allTextContents();
    assert.match(cells.join(' | '), /[A-Z]{3}/, 'a currency for each dispute');
  }
  await assertPortuguese(seller, '/sac/bulk');
  await assertNoAxeViolations(seller, 'the bulk refusal');
  await stack.screenshot(seller, 'bulk-refuse');
  await seller.check(`#sac-bulk-canned-${cannedId}`);
  await seller.setInputFiles('#sac-bulk-image', { name: 'prova.png', mimeType: 'image/png', buffer: PNG });
  await seller.fill('#sac-bulk-justification', 'Rastreio confirma a entrega; recusa revista pela equipe.');
  // Without the confirmation ticked nothing is sent.
  answer = await Promise.all([seller.waitForNavigation(), seller.click('#sac-bulk-send')]);
  assert.equal(answer[0].status(), 400);
  assert.equal(await seller.getAttribute('#sac-bulk-confirm', 'aria-invalid'), 'true');
  await seller.check(`#sac-bulk-canned-${cannedId}`);
  await seller.setInputFiles('#sac-bulk-image', { name: 'prova.png', mimeType: 'image/png', buffer: PNG });
  // The evidence a cause asks for may be missing: this account only warns, so the seller sends anyway.
  await seller.check('#sac-bulk-confirm-warnings');
  // The page says how long the request may take at most (four actions' timeouts).
  assert.match(await seller.textContent('#sac-bulk-wait'), /em até 2min;/);
  await seller.check('#sac-bulk-confirm');
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-bulk-send')]);
  const results = seller.locator('#sac-bulk-result-list tr[data-case-id]');
  assert.equal(await results.count(), 2);
  assert.match(await seller.textContent('#sac-bulk-summary'), /de 2 disputas concluídas/);
  const states = await results.evaluateAll(rows => rows.map(r => r.getAttribute('data-result')));
  assert.ok(states.includes('done'), `results: ${states}`);
  await assertNoAxeViolations(seller, 'the bulk results');
  for (const [i, id] of ids.entries()) {
    if (states[i] !== 'done') continue;
    await seller.goto(`${stack.base}/sac/cases/${id}`);
    assert.match(await seller.textContent('body'), /rastreio mostra a entrega/);
  }
});
