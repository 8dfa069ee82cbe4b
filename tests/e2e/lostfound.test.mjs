// Amazon Lost & Found in a real browser, against host + module + simulator
// (one German seller, marketplace A1PA6795UKMFR9): an admin adds the Amazon
// store on the store page and tests the connection; a seller runs "Buscar
// casos Lost & Found" and follows its progress; the list shows the cases
// (units, estimate, window end) and the totals per store, matching the
// simulator's ground truth; a case shows its text in German, copies it, and
// takes a Seller Central case id (invalid ones refused with a clear message);
// the account's own inbound e-mail address is shown with a copy button, only
// its admin may regenerate it, and forwarded answers reach the case only
// through that address and from a user of that account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';
import { assertPortuguese } from './portuguese.mjs';

const MARKETPLACE = 'A1PA6795UKMFR9';
const INBOUND_TOKEN = 'e2e-inbound-token-0123456789abcdef0123456789';
const stack = new Stack();
let admin; // admin.a's page
let seller; // vendedor.a's page, clipboard allowed
let storeId;

before(async () => {
  await stack.start({
    disputes: 5,
    simArgs: [`--amazon-marketplace=${MARKETPLACE}`, '--amazon-skus=30', '--amazon-polls=2'],
    settings: {
      // Slow enough for the progress to show, fast enough for a test.
      lostfound_first_poll_ms: 1500,
      lostfound_history_days: 200,
      lostfound_windows: '{"default":{"lost":[0,200],"damaged":[0,200],"return_damaged":[0,200]}}',
      inbound_mail_token: INBOUND_TOKEN,
      inbound_mail_address: 'sac@inbound.example',
    },
  });
  admin = await stack.newPage();
  await stack.login(admin, 'admin.a');
  seller = await stack.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await stack.login(seller, 'vendedor.a');
});
after(async () => { await stack.stop(); });

async function simState() {
  const r = await fetch(`http://127.0.0.1:${stack.simPort}/_sim/amazon/state`);
  assert.equal(r.status, 200);
  return r.json();
}

async function csrfOf(page) {
  return page.evaluate(() => document.querySelector('input[name=_csrf]')?.value ?? '');
}

test('an admin adds an Amazon store on the store page and tests the connection', async () => {
  await admin.goto(`${stack.base}/sac/stores`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-new')]);
  // AliExpress is the default; Amazon is one click away.
  assert.equal(await admin.locator('input[name=app_key]').count(), 1);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-choose-amazon')]);
  assert.equal(await admin.locator('input[name=app_key]').count(), 0);
  assert.equal(await admin.getAttribute('#sac-store-choose-amazon', 'aria-current'), 'page');

  await admin.fill('input[name=name]', 'Amazon Alemanha');
  await admin.fill('input[name=seller_email]', 'cases@loja-de.example');
  await admin.selectOption('select[name=marketplace_id]', MARKETPLACE);
  await admin.fill('input[name=lwa_client_id]', 'demo-lwa-client');
  await admin.fill('input[name=lwa_client_secret]', 'segredo-errado');
  await admin.fill('input[name=refresh_token]', 'Atzr|demo-refresh');
  await admin.fill('input[name=sp_api_endpoint]', `http://127.0.0.1:${stack.simPort}`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-save')]);
  assert.match(admin.url(), /\/sac\/stores\/\d+\?done=created$/);
  storeId = new URL(admin.url()).pathname.split('/').pop();
  let body = await admin.textContent('body');
  assert.match(body, /Loja Amazon cadastrada/);
  assert.doesNotMatch(body, /segredo-errado|Atzr\|demo-refresh/);
  assert.equal(await admin.textContent('#sac-store-marketplace'), 'Amazon');
  assert.equal(await admin.inputValue('select[name=marketplace_id]'), MARKETPLACE);
  assert.equal(await admin.inputValue('input[name=lwa_client_secret]'), '');
  assert.equal(await admin.inputValue('input[name=refresh_token]'), '');
  // A pasted refresh token needs no consent; "Autorizar" stays offered (amazonauth.test.mjs).
  assert.equal(await admin.locator('#sac-store-authorize').count(), 1);

  // The wrong secret: Login with Amazon refuses it and the store needs new credentials.
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-test')]);
  body = await admin.textContent('body');
  assert.match(body, /A conexão com a Amazon falhou/);
  assert.match(await admin.textContent('#sac-store-status'), /precisa de autorização/);

  // The right secret (the other secrets stay as saved when left empty).
  await admin.fill('input[name=lwa_client_secret]', 'demo-lwa-secret');
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-save')]);
  assert.match(await admin.textContent('body'), /Loja atualizada/);
  assert.match(await admin.textContent('#sac-store-status'), /pendente de verificação/, 'new credentials, not checked yet');
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-test')]);
  body = await admin.textContent('body');
  assert.match(body, new RegExp(`Conexão funcionando: a Amazon aceitou as credenciais e o marketplace ${MARKETPLACE} \\(amazon\\.de\\)`));
  assert.match(await admin.textContent('#sac-store-status'), /ativa/, 'verified by the test');
  await stack.screenshot(admin, 'store-amazon');

  await admin.goto(`${stack.base}/sac/stores`);
  body = await admin.textContent(`tr[data-store-id="${storeId}"]`);
  assert.match(body, /Amazon Alemanha/);
  assert.match(body, /Amazon/);
  assert.doesNotMatch(await admin.textContent('body'), /demo-lwa-secret|Atzr\|/);
  const api = await admin.evaluate(async () => (await fetch('/sac/api/stores')).json());
  const saved = api.stores.find(s => String(s.id) === storeId);
  assert.equal(saved.marketplace, 'amazon');
  assert.equal(saved.marketplace_id, MARKETPLACE);
  assert.equal(saved.region, 'eu');
});

test('a seller gets 403 on the Amazon store pages and actions', async () => {
  for (const url of ['/sac/stores/new?marketplace=amazon', `/sac/stores/${storeId}`]) {
    const r = await seller.goto(`${stack.base}${url}`);
    assert.equal(r.status(), 403, url);
  }
  await seller.goto(`${stack.base}/sac/lost-found`);
  const token = await csrfOf(seller);
  for (const action of ['/sac/stores', `/sac/stores/${storeId}`, `/sac/stores/${storeId}/test`]) {
    const status = await seller.evaluate(async ([url, t]) => {
      const r = await fetch(url, { method: 'POST', headers: { 'X-CSRF-Token': t, 'Accept': 'application/json' },
                                   body: new URLSearchParams({ marketplace: 'amazon', name: 'x' }) });
      return r.status;
    }, [action, token]);
    assert.equal(status, 403, action);
  }
});

test('a seller runs "Buscar casos Lost & Found" and sees the progress, then the cases', async () => {
  await seller.goto(`${stack.base}/sac/lost-found`);
  const row = seller.locator(`tr[data-store-id="${storeId}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(MARKETPLACE));
  await Promise.all([seller.waitForNavigation(), row.locator('button.sac-lf-search').click()]);
  assert.match(await seller.textContent('body'), /Busca iniciada/);
  const cell = seller.locator(`#sac-lf-run-${storeId}`);
  assert.equal(await cell.getAttribute('data-run-state'), 'running');
  // What the search is doing, and for how long.
  assert.match(await cell.textContent(), /(Começando a busca|Pedindo o relatório|Aguardando a Amazon|Lendo \d[\d.]* linhas).* — em andamento há \d/);
  await seller.waitForFunction(id => /Aguardando a Amazon gerar o relatório .* \(pode levar minutos\)/.test(
    document.getElementById(`sac-lf-run-${id}`).textContent), storeId, { timeout: 30000 });
  // The page follows the run and reloads the list when it ends.
  await seller.locator(`#sac-lf-run-${storeId}[data-run-state="done"]`).waitFor({ timeout: 60000 });
  assert.match(await seller.locator(`#sac-lf-run-${storeId}`).textContent(), /Concluída: [1-9]\d* casos novos, 0 já conhecidos/);
  assert.doesNotMatch(seller.url(), /notice=/);

  const cases = await seller.$$eval('tr.sac-lf-case', rows => rows.map(r => {
    const td = r.querySelectorAll('td');
    return { id: r.getAttribute('data-case-id'), kind: td[0].textContent.trim(), units: Number(td[2].textContent.trim()),
             estimate: td[3].textContent.trim(), status: td[4].textContent.trim(), window: td[5].textContent.trim() };
  }));
  assert.ok(cases.length > 0, 'the simulator has unresolved claims');
  assert.ok(cases.some(c => /€/.test(c.estimate)), 'some products have a value');
  for (const c of cases) {
    assert.ok(c.units > 0, JSON.stringify(c));
    // Valued from Amazon's own reimbursements of the product, else honestly without a value.
    assert.match(c.estimate, /€|sem estimativa/, JSON.stringify(c));
    assert.match(c.window, /\d/, JSON.stringify(c));
    assert.match(c.status, /elegível/);
  }
  // Lost and damaged units equal the simulator's ground truth.
  const state = await simState();
  const sum = (list) => list.reduce((n, x) => n + x.units, 0);
  const unitsOf = (kind) => cases.filter(c => c.kind === kind).reduce((n, c) => n + c.units, 0);
  assert.equal(unitsOf('Perdido no centro de distribuição'), sum(state.expected.lost_not_found_not_reimbursed));
  assert.equal(unitsOf('Danificado no centro de distribuição'), sum(state.expected.damaged_not_reimbursed));

  // Totals per store: every case open, the pending estimate in euros.
  assert.equal(Number((await row.locator('.sac-lf-open').textContent()).trim()), cases.length);
  assert.match(await row.locator('.sac-lf-pending').textContent(), /€/);
  await stack.screenshot(seller, 'lostfound-list');
});

test('Lost & Found cases live on their own page: never in the disputes list, never with dispute actions', async () => {
  await seller.goto(`${stack.base}/sac/lost-found`);
  const lfIds = await seller.$$eval('tr.sac-lf-case', rows => rows.map(r => r.getAttribute('data-case-id')));
  assert.ok(lfIds.length > 0);
  assert.match(await seller.textContent('#sac-lf-order'), /UTC/, 'the zone of the deadlines is named');
  // Filtered by kind, nearest deadline first.
  await seller.selectOption('.sac-lf-filters select[name=kind]', 'lost_inventory');
  await Promise.all([seller.waitForNavigation(), seller.click('.sac-lf-filters button[type=submit]')]);
  assert.match(seller.url(), /kind=lost_inventory/);
  for (const k of await seller.locator('tr.sac-lf-case td:first-child').allTextContents())
    assert.match(k, /Perdido no centro de distribuição/);
  for (let url = `${stack.base}/sac/`; url;) {
    await seller.goto(url);
    const shown = await seller.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')));
    for (const id of shown) assert.ok(!lfIds.includes(id), `Lost & Found case ${id} is not in the disputes list`);
    const next = seller.locator('#sac-next-page');
    url = await next.count() ? new URL(await next.getAttribute('href'), stack.base).href : null;
  }
  await assertPortuguese(seller, 'the Lost & Found list');
  // The dispute page of a Lost & Found case leads to its own page, in the seller's words.
  await seller.goto(`${stack.base}/sac/cases/${lfIds[0]}`);
  assert.equal(new URL(seller.url()).pathname, '/sac/lost-found/case');
  assert.doesNotMatch(await seller.textContent('body'), /Definir entrega errada|Lide com a disputa/);
  assert.match(await seller.textContent('.sac-lf-evidence'), /(Relatório de [\p{L} ]+|Reembolso ao cliente|Tarifa de logística cobrada): .*data \d{2}\/\d{2}\/\d{4}/u);
  assert.doesNotMatch(await seller.textContent('.sac-lf-evidence'), /\d\.\d{2}(?!\d)/, 'decimals are written the Portuguese way');
  // The text for Seller Central is in the marketplace's language (German here), marked verbatim.
  await assertPortuguese(seller, 'a Lost & Found case');
});

test('a case shows its text in German, copies it and takes a Seller Central case id', async () => {
  await seller.goto(`${stack.base}/sac/lost-found`);
  const first = seller.locator('tr.sac-lf-case').first();
  const caseId = await first.getAttribute('data-case-id');
  await Promise.all([seller.waitForNavigation(), first.locator('a.sac-link').click()]);
  assert.equal(new URL(seller.url()).pathname, '/sac/lost-found/case');
  assert.equal(await seller.getAttribute('#sac-lf-body', 'lang'), 'de');
  const text = await seller.inputValue('#sac-lf-body');
  assert.match(text, /Guten Tag,/);
  assert.match(await seller.inputValue('#sac-lf-subject'), /^Erstattungsantrag: /);

  await seller.click('#sac-lf-copy');
  await seller.locator('#sac-lf-copy-status', { hasText: 'Copiado.' }).waitFor();
  const copied = await seller.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, text);

  // The browser refuses a malformed id with the rule, before any request.
  await seller.fill('#sac-lf-caseid', '12345');
  await seller.click('#sac-lf-caseid-save');
  assert.equal(await seller.$eval('#sac-lf-caseid', e => e.validity.patternMismatch), true);
  assert.match(await seller.getAttribute('#sac-lf-caseid', 'title'), /exatamente 10 dígitos/);
  assert.doesNotMatch(seller.url(), /notice=/);
  // The server refuses it too, with the same clear message, and the case stays elegível.
  await seller.fill('#sac-lf-caseid', '12345abcde');
  await seller.$eval('form.sac-lf-caseid-form', f => { f.noValidate = true; });
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-lf-caseid-save')]);
  assert.match(seller.url(), /notice=invalid_case_id/);
  assert.match(await seller.textContent('#sac-lf-error'), /O número do caso da Amazon tem exatamente 10 dígitos/);
  assert.match(await seller.textContent('#sac-lf-status'), /elegível/);
  assert.equal(await seller.locator('#sac-lf-case-link').count(), 0);

  // A valid id opens the case and links to Seller Central Germany.
  await seller.fill('#sac-lf-caseid', '1234567890');
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-lf-caseid-save')]);
  assert.match(seller.url(), /notice=recorded/);
  assert.match(await seller.textContent('#sac-lf-notice'), /Número do caso registrado/);
  assert.match(await seller.textContent('#sac-lf-status'), /aberto/);
  assert.equal(await seller.getAttribute('#sac-lf-case-link', 'href'),
               'https://sellercentral.amazon.de/cu/case-dashboard/view-case?caseID=1234567890');
  await stack.screenshot(seller, 'lostfound-case');

  // Back on the list: the case is aberto with its id, and the store's totals still count it as open.
  await seller.goto(`${stack.base}/sac/lost-found`);
  const row = seller.locator(`tr.sac-lf-case[data-case-id="${caseId}"]`);
  assert.match(await row.textContent(), /aberto/);
  assert.match(await row.textContent(), /1234567890/);
  const open = Number((await seller.locator(`tr[data-store-id="${storeId}"] .sac-lf-open`).textContent()).trim());
  assert.equal(open, await seller.locator('tr.sac-lf-case').count());
});

/** What sac-mail-pipe sends for a message the MTA delivered to `recipient`. */
async function deliver(recipient, from, subject, messageId) {
  const raw = [
    `From: ${from}`, 'To: sac@inbound.example', `Subject: ${subject}`, `Message-ID: ${messageId}`,
    'Date: Tue, 12 Mar 2024 10:22:31 -0300', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '',
    '---------- Forwarded message ---------', 'From: Amazon Seller Support <seller-support@amazon.de>',
    'Date: Mon, Mar 11, 2024 at 6:01 PM', `Subject: ${subject}`, `To: <${from}>`, '',
    `Wir haben 2 Einheiten erstattet (${messageId}).`, '',
  ].join('\r\n');
  const r = await fetch(`${stack.base}/sac-inbound/mail`, {
    method: 'POST', body: raw,
    headers: { 'Content-Type': 'message/rfc822', 'X-Sac-Inbound-Token': INBOUND_TOKEN,
               'X-Sac-Envelope-Recipient': recipient },
  });
  return { status: r.status, outcome: (await r.json()).outcome };
}

test('the account\'s inbound address: shown and copied, regenerated only by its admin, the only way in', async () => {
  // The admin reaches it from the Lost & Found page.
  await admin.goto(`${stack.base}/sac/lost-found`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-lf-mail-link')]);
  assert.equal(new URL(admin.url()).pathname, '/sac/lost-found/mail');
  const address = await admin.inputValue('#sac-lf-mail-address');
  assert.match(address, /^sac\+[a-z2-7]{32}@inbound\.example$/);
  assert.equal(await admin.locator('#sac-lf-mail-regenerate').count(), 1);
  await stack.screenshot(admin, 'lostfound-mail');

  // The seller sees the same address and copies it, with no way to regenerate it.
  await seller.goto(`${stack.base}/sac/lost-found/mail`);
  assert.equal(await seller.inputValue('#sac-lf-mail-address'), address);
  assert.equal(await seller.locator('#sac-lf-mail-regenerate').count(), 0);
  assert.match(await seller.textContent('#sac-lf-mail-admin-only'), /Somente administradores/);
  await seller.click('#sac-lf-mail-copy');
  await seller.locator('#sac-lf-mail-copy-status', { hasText: 'Copiado.' }).waitFor();
  assert.equal(await seller.evaluate(() => navigator.clipboard.readText()), address);

  // Regenerating: 403 for the seller even with a valid CSRF token, 403 for the admin without one.
  await seller.goto(`${stack.base}/sac/lost-found`);
  const sellerCsrf = await csrfOf(seller);
  assert.notEqual(sellerCsrf, '');
  const bySeller = await seller.evaluate(async (t) => (await fetch('/sac/lost-found/mail/regenerate', {
    method: 'POST', headers: { 'X-CSRF-Token': t }, body: new URLSearchParams({ confirm: '1' }), redirect: 'manual',
  })).status, sellerCsrf);
  assert.equal(bySeller, 403);
  const withoutCsrf = await admin.evaluate(async () => (await fetch('/sac/lost-found/mail/regenerate', {
    method: 'POST', body: new URLSearchParams({ confirm: '1' }), redirect: 'manual',
  })).status);
  assert.equal(withoutCsrf, 403);
  const withWrongCsrf = await admin.evaluate(async () => (await fetch('/sac/lost-found/mail/regenerate', {
    method: 'POST', body: new URLSearchParams({ confirm: '1', _csrf: 'x'.repeat(64) }), redirect: 'manual',
  })).status);
  assert.equal(withWrongCsrf, 403);
  await admin.reload();
  assert.equal(await admin.inputValue('#sac-lf-mail-address'), address, 'nothing was regenerated');

  // Account B has an address of its own.
  const adminB = await stack.newPage();
  await stack.login(adminB, 'admin.b');
  await adminB.goto(`${stack.base}/sac/lost-found/mail`);
  const addressB = await adminB.inputValue('#sac-lf-mail-address');
  assert.match(addressB, /^sac\+[a-z2-7]{32}@inbound\.example$/);
  assert.notEqual(addressB, address);

  // Forwarded answers: only to A's address and from a user of A.
  const subject = 'Fwd: Your Amazon Seller Support case: Case ID 1234567890';
  assert.deepEqual(await deliver(addressB, 'Vitor <vendedor.a@example.com>', subject, '<e2e-forged@x>'),
                   { status: 200, outcome: 'dropped_unknown_sender' }, 'a user of A writing to B\'s address');
  assert.deepEqual(await deliver(address, 'Bia <admin.b@example.com>', subject, '<e2e-other@x>'),
                   { status: 200, outcome: 'dropped_unknown_sender' }, 'a user of B writing to A\'s address');
  assert.deepEqual(await deliver('sac@inbound.example', 'Vitor <vendedor.a@example.com>', subject, '<e2e-bare@x>'),
                   { status: 200, outcome: 'dropped_unknown_recipient' });
  assert.deepEqual(await deliver(address, 'Vitor <vendedor.a@example.com>', subject, '<e2e-first@x>'),
                   { status: 200, outcome: 'stored' });

  // The admin regenerates (after confirming): the old address stops at once.
  await admin.check('#sac-lf-mail-confirm');
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-lf-mail-regenerate')]);
  assert.match(await admin.textContent('#sac-lf-mail-notice'), /Novo endereço gerado/);
  const fresh = await admin.inputValue('#sac-lf-mail-address');
  assert.match(fresh, /^sac\+[a-z2-7]{32}@inbound\.example$/);
  assert.notEqual(fresh, address);
  assert.deepEqual(await deliver(address, 'Vitor <vendedor.a@example.com>', subject, '<e2e-old@x>'),
                   { status: 200, outcome: 'dropped_unknown_recipient' });
  assert.deepEqual(await deliver(fresh, 'Vitor <vendedor.a@example.com>', subject, '<e2e-new@x>'),
                   { status: 200, outcome: 'stored' });
  await adminB.goto(`${stack.base}/sac/lost-found/mail`);
  assert.equal(await adminB.inputValue('#sac-lf-mail-address'), addressB, 'B keeps its address');

  // The case shows the two stored answers and nothing of the dropped ones.
  await seller.goto(`${stack.base}/sac/lost-found`);
  const row = seller.locator('tr.sac-lf-case', { hasText: '1234567890' });
  await Promise.all([seller.waitForNavigation(), row.locator('a.sac-link').click()]);
  const mails = await seller.locator('.sac-lf-mail').allTextContents();
  assert.equal(mails.length, 2, mails.join('\n'));
  assert.ok(mails.some(m => m.includes('e2e-first@x')) && mails.some(m => m.includes('e2e-new@x')));
  for (const dropped of ['e2e-forged', 'e2e-other', 'e2e-bare', 'e2e-old'])
    assert.ok(!mails.some(m => m.includes(dropped)), dropped);
});
