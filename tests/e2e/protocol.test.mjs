// The account's service protocol in a real browser: the admin's settings page
// (validated as a whole, nothing saved on a mistake), the two clocks of
// "Lide com", and a refusal whose off-platform text the account only warns
// about: the seller sees what was found, confirms, and it is sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, followProtocol } from './harness.mjs';
import { assertNoAxeViolations } from './a11y.mjs';
import { assertPortuguese } from './portuguese.mjs';

const stack = new Stack();
let admin;
let seller;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);

before(async () => {
  // Seed 13: among the pending disputes, "not received" ones the carrier delivered.
  await stack.start({ disputes: 60, seed: 13, demoStore: true });
  admin = await stack.newPage();
  await stack.login(admin, 'admin.a');
  seller = await stack.newPage();
  await stack.login(seller, 'vendedor.a');
  await seller.goto(`${stack.base}/sac/`);
  await seller.click('form.sac-sync-form button[type=submit]');
  await seller.locator('#sac-sync-panel .sac-sync-done').waitFor({ timeout: 120000 });
});
after(async () => { await stack.stop(); });

test('an admin sets the protocol; a mistake saves nothing and names every field', async () => {
  await admin.goto(`${stack.base}/sac/`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-settings-link')]);
  assert.equal(new URL(admin.url()).pathname, '/sac/settings');
  // The defaults: blocking, 75 % of the deadline, a 24-hour clock that counts every hour.
  assert.ok(await admin.isChecked('#sac-settings-off_platform-block'));
  assert.equal(await admin.inputValue('#sac-settings-percent'), '75');
  assert.equal(await admin.inputValue('#sac-settings-target'), '24');
  assert.ok(await admin.isChecked('#sac-settings-continuous'));
  await assertPortuguese(admin, '/sac/settings');
  await assertNoAxeViolations(admin, 'the protocol settings');

  await admin.fill('#sac-settings-zone', 'Marte/Olimpo');
  await admin.fill('#sac-settings-percent', '0');
  await admin.fill('#sac-settings-holidays', '2026-02-30 Não existe');
  const refused = await Promise.all([admin.waitForNavigation(), admin.click('#sac-settings-save')]);
  assert.equal(refused[0].status(), 400);
  assert.match(await admin.textContent('#sac-settings-error'), /Nada foi salvo/);
  assert.equal(await admin.getAttribute('#sac-settings-percent', 'aria-invalid'), 'true');
  assert.equal(await admin.getAttribute('#sac-settings-zone', 'aria-invalid'), 'true');
  assert.equal(await admin.getAttribute('#sac-settings-holidays', 'aria-invalid'), 'true');
  assert.equal(await admin.inputValue('#sac-settings-zone'), 'Marte/Olimpo', 'what was typed is kept');
  await admin.goto(`${stack.base}/sac/settings`);
  assert.equal(await admin.inputValue('#sac-settings-zone'), 'America/Sao_Paulo', 'nothing was saved');

  await admin.check('#sac-settings-off_platform-warn');
  await admin.fill('#sac-settings-target', '16');
  await admin.check('#sac-settings-business');
  await admin.fill('#sac-settings-holidays', '2026-12-25 Natal\n2027-01-01 Confraternização');
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-settings-save')]);
  assert.match(await admin.textContent('#sac-settings-notice'), /salvas/);
  assert.ok(await admin.isChecked('#sac-settings-off_platform-warn'));
  assert.equal(await admin.inputValue('#sac-settings-target'), '16');
  assert.ok(await admin.isChecked('#sac-settings-business'));
  assert.equal(await admin.inputValue('#sac-settings-holidays'), '2026-12-25 Natal\n2027-01-01 Confraternização\n');
  await stack.screenshot(admin, 'protocol-settings');

  // Sellers cannot read or change it.
  const page = await seller.goto(`${stack.base}/sac/settings`);
  assert.equal(page.status(), 403);
  assert.equal(await seller.locator('#sac-settings-link').count(), 0);
});

test('"Lide com" shows the deadline and the internal clock side by side; a warned refusal is confirmed and sent', async () => {
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  const ids = await seller.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')));
  const dialog = seller.locator('dialog#sac-case-dialog');
  let id = null;
  for (const candidate of ids) {
    await seller.click(`tr[data-case-id="${candidate}"] a.sac-handle`);
    await dialog.locator(`article[data-case-id="${candidate}"]`).waitFor();
    if (await dialog.locator('form[data-sac-form=refuse]').count() === 1) { id = candidate; break; }
    await dialog.locator('[data-sac-close]').click();
  }
  assert.ok(id, 'a dispute waiting for the seller');
  const facts = await dialog.locator('.sac-facts').first().textContent();
  assert.match(facts, /Prazo/);
  assert.match(facts, /Meta interna \(16 h úteis\)/);
  const clock = dialog.locator('[data-sac-clock]');
  const state = await clock.getAttribute('data-sac-clock');
  assert.ok(['ok', 'soon', 'overdue'].includes(state), state);
  assert.match(await clock.textContent(), state === 'overdue' ? /estourada há/ : /faltam .* até \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);

  await dialog.locator('details.sac-refuse summary').click();
  const form = dialog.locator('form[data-sac-form=refuse]');
  const warn = form.locator('[data-sac-warn-confirm]');
  assert.ok(await warn.isHidden(), 'no box before a warning');
  await form.locator('textarea[name=reason]').fill('Entregue conforme o anúncio; dúvidas em vendas.loja@gmail.com, obrigado.');
  await followProtocol(form);
  await form.locator('input[name=image]').setInputFiles({ name: 'prova.png', mimeType: 'image/png', buffer: PNG });
  await form.locator('[data-sac-submit]').click();
  await form.locator('[data-sac-confirm-yes]').click();
  const error = form.locator('[data-sac-error]');
  await error.filter({ hasText: 'Atenção' }).waitFor();
  assert.match(await error.textContent(), /e-mail “vendas\.loja@gmail\.com”/);
  await warn.waitFor();
  await stack.screenshot(seller, 'protocol-warning');
  await warn.locator('input[name=confirm_warnings]').check();
  await form.locator('input[name=image]').setInputFiles({ name: 'prova.png', mimeType: 'image/png', buffer: PNG });
  await form.locator('[data-sac-submit]').click();
  await form.locator('[data-sac-confirm-yes]').click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await seller.locator(`tr[data-case-id="${id}"] .sac-badge`).textContent()).trim(), 'Decisão');
  // On the timeline: sent despite the warning, and the clock paused (the buyer acts next).
  await seller.goto(`${stack.base}/sac/cases/${id}`);
  const body = await seller.textContent('body');
  assert.match(body, /Enviado apesar do aviso/);
  assert.equal(await seller.getAttribute('[data-sac-clock]', 'data-sac-clock'), 'paused');
});

test('a dispute whose tracking shows delivery gets "refuse with proof of delivery", with the tracking beside it', async () => {
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  const ids = await seller.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')));
  const dialog = seller.locator('dialog#sac-case-dialog');
  let found = null;
  const seen = new Set();
  for (const id of ids) {
    await seller.click(`tr[data-case-id="${id}"] a.sac-handle`);
    await dialog.locator(`article[data-case-id="${id}"]`).waitFor();
    const guide = dialog.locator('[data-sac-guide]');
    if (await guide.count()) seen.add(await guide.getAttribute('data-sac-guide'));
    if (await guide.count() && await guide.getAttribute('data-sac-guide') === 'refuse') { found = id; break; }
    await dialog.locator('[data-sac-close]').click();
  }
  assert.ok(found, `a delivered "not received" dispute among the pending ones (suggestions seen: ${[...seen]})`);
  const guide = dialog.locator('[data-sac-guide]');
  assert.match(await guide.locator('[data-sac-guide-rule]').textContent(), /recusar com prova de entrega/);
  const text = await guide.textContent();
  assert.match(text, /Recusar com as provas e o texto da regra/);
  assert.match(text, /motivo: produto não recebido/);
  assert.match(text, /rastreio: entregue/);
  // The tracking is in the same dialog.
  const evidence = dialog.locator('[data-sac-evidence="delivered"]');
  assert.match(await evidence.locator('[data-sac-tracking-number]').textContent(), /\S{6,}/);
  assert.match(await evidence.locator('[data-sac-delivered]').textContent(), /\d{2}\/\d{2}\/\d{4}/);
  // The rule's text becomes the refusal's reason in one click.
  await guide.locator('[data-sac-use-reason]').click();
  const reason = dialog.locator('form[data-sac-form=refuse] textarea[name=reason]');
  assert.match(await reason.inputValue(), /comprovante de entrega/);
  await assertNoAxeViolations(seller, 'the decision guide in "Lide com"');
  await stack.screenshot(seller, 'decision-guide');
});

test('the rules page lists the default rules, refuses a bad rule and saves one that "Lide com" follows', async () => {
  await admin.goto(`${stack.base}/sac/settings`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-rules-link')]);
  assert.equal(await admin.inputValue('#sac-rule-0 input[name=name]'), 'Entregue: recusar com prova de entrega');
  await assertPortuguese(admin, '/sac/settings/rules');
  await assertNoAxeViolations(admin, 'the decision rules');
  // A refusal text with contacts: this account warns (set above), so it is saved with a warning.
  const added = admin.locator('#sac-rule-new');
  await added.locator('input[name=name]').fill('Tudo com contato');
  await added.locator('select[name=action]').selectOption('refuse');
  await added.locator('textarea[name=reason]').fill('Chame no WhatsApp (11) 98765-4321 para resolver.');
  await Promise.all([admin.waitForNavigation(), added.locator('[data-sac-rule-save]').click()]);
  assert.match(await admin.textContent('#sac-rules-notice'), /Atenção/);
  const count = await admin.locator('form.sac-rule').count();
  const last = admin.locator(`#sac-rule-${count - 2}`);
  assert.equal(await last.locator('input[name=name]').inputValue(), 'Tudo com contato');
  await Promise.all([admin.waitForNavigation(), last.locator('[data-sac-rule-delete]').click()]);
  assert.equal(await admin.locator('form.sac-rule').count(), count - 1);
  // A rule without a name or action is refused, naming the fields; nothing is saved.
  await added.locator('textarea[name=reason]').fill('curto');
  await added.locator('select[name=action]').selectOption('refuse');
  const refused = await Promise.all([admin.waitForNavigation(), added.locator('[data-sac-rule-save]').click()]);
  assert.equal(refused[0].status(), 400);
  assert.match(await admin.textContent('#sac-rules-error'), /Nada foi salvo/);
  assert.match(await admin.textContent('#sac-rule-new [data-sac-rule-error=name]'), /nome/);
  assert.match(await admin.textContent('#sac-rule-new [data-sac-rule-error=reason]'), /10 a 1000/);
  assert.equal(await admin.locator('form.sac-rule').count(), count - 1);
  // The first rule becomes "ask first" for every dispute: "Lide com" follows it.
  const first = admin.locator('#sac-rule-0');
  await first.locator('input[name=name]').fill('Sempre perguntar');
  await first.locator('select[name=cause]').selectOption('');
  await first.locator('select[name=tracking]').selectOption('');
  await first.locator('select[name=action]').selectOption('ask_info');
  await Promise.all([admin.waitForNavigation(), first.locator('[data-sac-rule-save]').click()]);
  assert.match(await admin.textContent('#sac-rules-notice'), /Regras salvas/);
  assert.equal(await admin.inputValue('#sac-rule-0 input[name=name]'), 'Sempre perguntar');
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  const id = await seller.$eval('tr[data-case-id]', r => r.getAttribute('data-case-id'));
  await seller.goto(`${stack.base}/sac/cases/${id}`);
  assert.equal(await seller.getAttribute('[data-sac-guide]', 'data-sac-guide'), 'ask_info');
  assert.match(await seller.textContent('[data-sac-guide]'), /vale para qualquer disputa/);
  // Back to the defaults.
  await admin.goto(`${stack.base}/sac/settings/rules`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-rules-restore')]);
  assert.equal(await admin.inputValue('#sac-rule-0 input[name=name]'), 'Entregue: recusar com prova de entrega');
});
