// The seller's dispute workflow and the admin store page in a real browser,
// against host + module + simulator: store creation, OAuth through the
// simulator's consent page, "Testar conexão", sync, "Lide com" (agree,
// refuse with an image, a refusal the marketplace refuses, a non-image
// upload, a proposal the buyer changed after the sync, the refusal's types by
// the dispute's reason), the order's tracking evidence, "Agrupamento",
// "Definir entrega errada", a seller on admin URLs, the warning before a
// store's authorization ends, and hostile product names rendered as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Stack, followProtocol } from './harness.mjs';

const stack = new Stack();
let admin; // admin.a's page
let seller; // vendedor.a's page
let storeId;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);

before(async () => {
  // The simulator's authorizations last 180 days: a wide warning window shows the notice.
  await stack.start({ disputes: 40, settings: { reauth_warning_days: 365 } });
  writeFileSync(path.join(stack.dir, 'prova.png'), PNG);
  writeFileSync(path.join(stack.dir, 'falsa.png'), 'isto não é uma imagem, só texto');
  admin = await stack.newPage();
  await stack.login(admin, 'admin.a');
  seller = await stack.newPage();
  await stack.login(seller, 'vendedor.a');
});
after(async () => { await stack.stop(); });

async function csrfOf(page) {
  return page.evaluate(() => {
    const i = document.querySelector('input[name=_csrf]');
    return i ? i.value : '';
  });
}

/** Opens "Lide com" of the first pendente row passing check(dialog) and returns its case id. */
async function openPendingCase(page, used) {
  await page.goto(`${stack.base}/sac/?status=pendente`);
  const ids = await page.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')));
  for (const id of ids) {
    if (used.has(id)) continue;
    await page.click(`tr[data-case-id="${id}"] a.sac-handle`);
    const dialog = page.locator('dialog#sac-case-dialog');
    await dialog.locator(`article[data-case-id="${id}"]`).waitFor();
    if (await dialog.locator('form[data-sac-form=agree]').count() === 1) {
      used.add(id);
      return id;
    }
    await dialog.locator('[data-sac-close]').click();
  }
  throw new Error('no pending dispute waiting for the seller');
}

test('an admin adds a store, authorizes it on the consent page and tests the connection', async () => {
  await admin.goto(`${stack.base}/sac/`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-stores-link')]);
  assert.equal(new URL(admin.url()).pathname, '/sac/stores');
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-new')]);
  await admin.fill('input[name=name]', 'Loja AliExpress Demo');
  await admin.fill('input[name=seller_email]', 'vendas@loja-demo.example');
  await admin.fill('input[name=gateway_url]', `http://127.0.0.1:${stack.simPort}`);
  await admin.fill('input[name=app_key]', 'demo-app-key');
  await admin.fill('input[name=app_secret]', 'demo-app-secret');
  await admin.fill('input[name=return_address_id]', '900100200');
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-save')]);
  storeId = new URL(admin.url()).pathname.split('/').pop();
  assert.match(storeId, /^\d+$/);
  let body = await admin.textContent('body');
  assert.match(body, /precisa de autorização/);
  assert.doesNotMatch(body, /demo-app-secret/);
  assert.equal(await admin.inputValue('input[name=app_secret]'), '');

  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-authorize')]);
  assert.equal(new URL(admin.url()).port, String(stack.simPort), 'the consent page is the marketplace\'s');
  await stack.screenshot(admin, 'oauth-consent');
  await Promise.all([admin.waitForURL(/\/sac\/stores\/\d+\?done=authorized/), admin.click('#approve')]);
  body = await admin.textContent('body');
  assert.match(body, /Loja autorizada pela AliExpress/);
  assert.match(await admin.textContent('#sac-store-status'), /ativa/);
  assert.match(body, /Autorização válida até/);
  assert.match(await admin.textContent('[data-sac-reauth]'), /A autorização expir.* — autorize de novo/);

  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-test')]);
  assert.match(await admin.textContent('body'), /Conexão funcionando/);
  await admin.goto(`${stack.base}/sac/stores`);
  body = await admin.textContent('body');
  assert.match(body, /Loja AliExpress Demo/);
  const warning = admin.locator(`tr[data-store-id="${storeId}"] [data-sac-reauth]`);
  assert.match(await warning.textContent(), /A autorização expira em \d+ dias .* — autorize de novo|A autorização expirou/);
  assert.doesNotMatch(body, /demo-app-secret|demo-access-token/);
  await stack.screenshot(admin, 'stores');
});

test('a forged OAuth callback is refused', async () => {
  const r = await admin.goto(`${stack.base}/sac/stores/oauth/callback?code=abc&state=${'0'.repeat(64)}`);
  assert.equal(r.status(), 400);
  assert.match(await admin.textContent('body'), /não pôde ser confirmada/);
});

test('a seller gets 403 on every admin page and API', async () => {
  for (const url of ['/sac/stores', '/sac/stores/new', `/sac/stores/${storeId}`, '/sac/api/stores',
                     `/sac/stores/oauth/callback?code=x&state=${'1'.repeat(64)}`]) {
    const r = await seller.goto(`${stack.base}${url}`);
    assert.equal(r.status(), 403, url);
  }
  await seller.goto(`${stack.base}/sac/`);
  assert.equal(await seller.locator('#sac-stores-link').count(), 0);
  const token = await csrfOf(seller);
  for (const action of ['', '/authorize', '/test', '/disable']) {
    const status = await seller.evaluate(async ([url, t]) => {
      const r = await fetch(url, { method: 'POST', headers: { 'X-CSRF-Token': t, 'Accept': 'application/json' },
                                   body: new URLSearchParams({ name: 'x' }) });
      return r.status;
    }, [`/sac/stores/${storeId}${action}`, token]);
    assert.equal(status, 403, action);
  }
  const created = await seller.evaluate(async (t) => (await fetch('/sac/stores', {
    method: 'POST', headers: { 'X-CSRF-Token': t }, body: new URLSearchParams({ name: 'x' }) })).status, token);
  assert.equal(created, 403);
});

test('the seller syncs the store and sees the disputes', async () => {
  await seller.goto(`${stack.base}/sac/`);
  const token = await csrfOf(seller);
  const started = await seller.evaluate(async ([t, id]) => {
    const r = await fetch('/sac/api/sync', { method: 'POST', body: JSON.stringify({ store_id: Number(id) }),
      headers: { 'X-CSRF-Token': t, 'Content-Type': 'application/json', 'Accept': 'application/json' } });
    return { status: r.status, body: await r.text() };
  }, [token, storeId]);
  assert.ok(started.status === 202 || started.status === 200, started.body);
  const until = Date.now() + 60000;
  let state = 'running';
  while (Date.now() < until) {
    const s = await seller.evaluate(async () => (await fetch('/sac/api/sync/status')).json());
    const run = (s.runs || []).find(r => String(r.store_id) === String(storeId));
    state = run ? run.state : 'none';
    if (state === 'done' || state === 'failed') break;
    await new Promise(r => setTimeout(r, 300));
  }
  assert.equal(state, 'done');
  await seller.goto(`${stack.base}/sac/`);
  assert.ok(await seller.locator('tr[data-case-id]').count() > 0);
});

test('"Lide com" shows the tracking of a delivered order: carrier, number, dates and the signed delivery', async () => {
  const truth = await (await fetch(`http://127.0.0.1:${stack.simPort}/_sim/disputes?status=processing`)).json();
  const delivered = truth.disputes.find(d => d.logistics === 'delivered');
  assert.ok(delivered, 'the simulator has an open dispute whose package was delivered');
  await seller.goto(`${stack.base}/sac/?order=${delivered.parent_order_id}`);
  const row = seller.locator('tr[data-case-id]').first();
  const id = await row.getAttribute('data-case-id');
  await row.locator('a.sac-handle').click();
  const dialog = seller.locator('dialog#sac-case-dialog');
  await dialog.locator(`article[data-case-id="${id}"]`).waitFor();
  const evidence = dialog.locator('section.sac-evidence');
  assert.equal(await evidence.getAttribute('data-sac-evidence'), 'delivered');
  assert.equal((await evidence.locator('[data-sac-tracking-state]').textContent()).trim(), 'Entregue');
  assert.match(await evidence.locator('[data-sac-carrier]').textContent(), /AliExpress (Standard|Premium) Shipping|Yanwen/);
  assert.match(await evidence.locator('[data-sac-tracking-number]').textContent(), /^(LP00\d{12}|UG\d{9}YP|AEBR\d{11})/);
  assert.match(await evidence.locator('[data-sac-shipped]').textContent(), /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  assert.match(await evidence.locator('[data-sac-delivered]').textContent(), /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(recebido por .+\)$/);
  const events = evidence.locator('.sac-tracking-events li');
  assert.ok(await events.count() >= 5);
  assert.match(await events.first().textContent(), /Delivered/);
  await stack.screenshot(seller, 'case-evidence');
  await dialog.locator('[data-sac-close]').click();
  await dialog.waitFor({ state: 'hidden' });
});

const used = new Set();

test('"Lide com" shows the dispute and "Concordar" moves the row to Decisão', async () => {
  const id = await openPendingCase(seller, used);
  const dialog = seller.locator('dialog#sac-case-dialog');
  const text = await dialog.textContent();
  for (const label of ['Pedido', 'Valor do produto', 'Reembolso máximo', 'Motivo', 'Prazo', 'Propostas',
                       'Observações', 'Histórico na AliExpress', 'Método de manuseio', 'Recusar o pedido']) {
    assert.ok(text.includes(label), `dialog lacks ${label}`);
  }
  await stack.screenshot(seller, 'case-dialog');
  // A double click only asks: what will happen is shown, nothing is sent until confirmed.
  const agree = dialog.locator('form[data-sac-form=agree]');
  await agree.locator('[data-sac-submit]').dblclick();
  await agree.locator('[data-sac-confirm]').waitFor();
  assert.ok(await dialog.isVisible());
  assert.match(await agree.locator('[data-sac-confirm]').textContent(), /Solução[\s\S]*Valor[\s\S]*Moeda/);
  await agree.locator('[data-sac-confirm-yes]').click();
  await dialog.waitFor({ state: 'hidden' });
  const badge = seller.locator(`tr[data-case-id="${id}"] .sac-badge`);
  assert.equal((await badge.textContent()).trim(), 'Decisão');
  // Reloaded from the server, and audited.
  await seller.goto(`${stack.base}/sac/cases/${id}`);
  const page = await seller.textContent('body');
  assert.match(page, /Decisão/);
  assert.match(page, /Concordou com a solicitação do comprador/);
  assert.match(page, /Vitor Vendedor/);
});

test('"Recusar o pedido" with an image moves the row to Decisão', async () => {
  const id = await openPendingCase(seller, used);
  const dialog = seller.locator('dialog#sac-case-dialog');
  await dialog.locator('details.sac-refuse summary').click();
  const form = dialog.locator('form[data-sac-form=refuse]');
  assert.equal(await form.locator('input[name=seller_email]').inputValue(), 'vendas@loja-demo.example');
  assert.equal(await form.locator('[data-sac-cause]').inputValue(), 'Outros');
  assert.equal(await form.locator('[data-sac-cause]').getAttribute('readonly'), '');
  await form.locator('textarea[name=reason]').fill('O produto foi entregue como anunciado; segue a foto da embalagem.');
  const justification = await followProtocol(form);
  await form.locator('input[name=image]').setInputFiles(path.join(stack.dir, 'prova.png'));
  await stack.screenshot(seller, 'refuse-form');
  await form.locator('[data-sac-submit]').click();
  await form.locator('[data-sac-confirm-yes]').click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await seller.locator(`tr[data-case-id="${id}"] .sac-badge`).textContent()).trim(), 'Decisão');
  await seller.goto(`${stack.base}/sac/cases/${id}`);
  const page = await seller.textContent('body');
  assert.match(page, /Recusou o pedido/);
  assert.match(page, /enviada à AliExpress/);
  // A late refusal's justification stays on the timeline and in the notes.
  if (justification) assert.ok(page.includes(justification));
});

test('a refusal the marketplace refuses keeps the dialog and everything typed', async () => {
  const id = await openPendingCase(seller, used);
  const dialog = seller.locator('dialog#sac-case-dialog');
  await dialog.locator('details.sac-refuse summary').click();
  const form = dialog.locator('form[data-sac-form=refuse]');
  // 700 characters pass here; their 2,100 bytes are more than the marketplace takes.
  const reason = 'Motivo longo o bastante para a AliExpress analisar. ' + '€'.repeat(700);
  await form.locator('textarea[name=reason]').fill(reason);
  await followProtocol(form);
  await form.locator('input[name=refund_amount]').fill('0,50');
  await form.locator('input[name=image]').setInputFiles(path.join(stack.dir, 'prova.png'));
  await form.locator('[data-sac-submit]').click();
  await form.locator('[data-sac-confirm-yes]').click();
  const error = form.locator('[data-sac-error]');
  await error.filter({ hasText: 'recusou' }).waitFor();
  assert.match(await error.textContent(), /at most 2000 bytes/, 'the marketplace\'s words, as a technical detail');
  assert.ok(await dialog.isVisible());
  assert.equal(await form.locator('textarea[name=reason]').inputValue(), reason);
  assert.equal(await form.locator('input[name=refund_amount]').inputValue(), '0,50');
  assert.ok(await form.locator('[data-sac-submit]').isEnabled());
  await stack.screenshot(seller, 'refusal-refused');
  // A file that only claims to be an image is refused before the marketplace.
  await form.locator('input[name=refund_amount]').fill('');
  await form.locator('input[name=image]').setInputFiles(path.join(stack.dir, 'falsa.png'));
  await form.locator('[data-sac-submit]').click();
  await form.locator('[data-sac-confirm-yes]').click();
  await error.filter({ hasText: 'não é uma imagem' }).waitFor();
  assert.equal((await seller.locator(`tr[data-case-id="${id}"] .sac-badge`).textContent()).trim(), 'pendente');
});

test('a proposal the buyer changed after the sync is not answered: the dialog shows the current one', async () => {
  const id = await openPendingCase(seller, used);
  const dialog = seller.locator('dialog#sac-case-dialog');
  const before = await dialog.locator('.sac-proposals').textContent();
  // Meanwhile the buyer changes every open proposal on AliExpress.
  const touched = await stack.simControl('/_sim/touch', { count: 1000 });
  assert.ok(touched.touched.length > 0);
  await dialog.locator('form[data-sac-form=agree] [data-sac-submit]').click();
  await dialog.locator('form[data-sac-form=agree] [data-sac-confirm-yes]').click();
  const notice = dialog.locator('[data-sac-refreshed]');
  await notice.waitFor();
  assert.match(await notice.textContent(), /mudou a proposta|não existe mais|não aguarda mais/);
  assert.ok(await dialog.isVisible(), 'the dialog stays open with the current state');
  assert.notEqual(await dialog.locator('.sac-proposals').textContent(), before);
  assert.equal((await seller.locator(`tr[data-case-id="${id}"] .sac-badge`).textContent()).trim(), 'pendente');
  // The seller answers what is there now.
  await dialog.locator('form[data-sac-form=agree] [data-sac-submit]').click();
  await dialog.locator('form[data-sac-form=agree] [data-sac-confirm-yes]').click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await seller.locator(`tr[data-case-id="${id}"] .sac-badge`).textContent()).trim(), 'Decisão');
  await seller.goto(`${stack.base}/sac/cases/${id}`);
  assert.match(await seller.textContent('body'), /Disputa atualizada antes da ação/);
});

test('a dispute whose buyer never got the goods offers no return in the refusal', async () => {
  await seller.goto(`${stack.base}/sac/?status=pendente`);
  const ids = await seller.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')));
  const seen = { received: 0, notReceived: 0 };
  for (const id of ids) {
    const html = await seller.evaluate(async (i) => (await fetch(`/sac/cases/${i}?fragment=1`)).text(), id);
    const select = /<select name="solution_type"[\s\S]*?<\/select>/.exec(html);
    if (!select) continue;
    const notReceived = /Motivo<\/dt><dd>(Produto não recebido|Entrega demorando demais)</.test(html);
    assert.equal(/return_and_refund/.test(select[0]), !notReceived, `case ${id}`);
    seen[notReceived ? 'notReceived' : 'received'] += 1;
  }
  assert.ok(seen.received > 0 && seen.notReceived > 0, JSON.stringify(seen));
});

test('"Agrupamento": create, assign selected disputes, filter, count, rename, delete', async () => {
  await seller.goto(`${stack.base}/sac/groups`);
  await seller.fill('#sac-group-create input[name=name]', 'defeito');
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-group-create button')]);
  assert.match(await seller.textContent('body'), /Agrupamento criado/);
  await seller.fill('#sac-group-create input[name=name]', 'envio errado');
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-group-create button')]);

  await seller.goto(`${stack.base}/sac/?status=pendente`);
  const ids = await seller.$$eval('tr[data-case-id]', rows => rows.slice(0, 3).map(r => r.getAttribute('data-case-id')));
  for (const id of ids) await seller.check(`tr[data-case-id="${id}"] input[name=case_id]`);
  await seller.selectOption('#sac-bulk select[name=group_id]', { label: 'defeito' });
  const groupId = await seller.$eval('#sac-bulk select[name=group_id]', s => s.value);
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-bulk button[type=submit]')]);
  // Back on the same list (its filter kept), told what happened, each row naming its group.
  assert.match(seller.url(), /status=pendente/);
  assert.match(await seller.textContent('.sac-notice[role=status]:not(#sac-live)'), /3 casos colocados no agrupamento/);
  for (const id of ids) assert.match(await seller.textContent(`tr[data-case-id="${id}"]`), /Agrupamento: defeito/);
  await seller.goto(`${stack.base}/sac/?group=${groupId}`);
  const shown = await seller.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')).sort());
  assert.deepEqual(shown, [...ids].sort());
  await stack.screenshot(seller, 'groups-filter');

  await seller.goto(`${stack.base}/sac/groups`);
  const row = seller.locator('tr[data-group-id]', { hasText: 'defeito' });
  assert.equal((await row.locator('.sac-group-count').textContent()).trim(), '3');
  await row.locator('input[name=name]').fill('defeito de fábrica');
  await Promise.all([seller.waitForNavigation(), row.locator('form[action$="/rename"] button').click()]);
  assert.match(await seller.textContent('body'), /defeito de fábrica/);
  await stack.screenshot(seller, 'groups');
  const other = seller.locator('tr[data-group-id]', { hasText: 'envio errado' });
  await Promise.all([seller.waitForNavigation(), other.locator('form[action$="/delete"] button').click()]);
  // Deleting asks first, naming the group.
  assert.match(await seller.textContent('.sac-confirm'), /envio errado/);
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-confirm-yes')]);
  assert.doesNotMatch(await seller.textContent('.sac-group-table'), /envio errado/);
});

test('an "observação" is added in the dialog, which stays open', async () => {
  const id = await openPendingCase(seller, used);
  used.delete(id);
  const dialog = seller.locator('dialog#sac-case-dialog');
  const form = dialog.locator('form[data-sac-form=note]');
  await form.locator('textarea[name=note]').fill('Comprador mandou mensagem: quer trocar a cor.');
  await form.locator('[data-sac-submit]').click();
  await dialog.locator('.sac-note-body', { hasText: 'quer trocar a cor' }).waitFor();
  assert.ok(await dialog.isVisible());
  assert.match(await dialog.locator('.sac-audit').textContent(), /Adicionou uma observação/);
  await dialog.locator('[data-sac-close]').click();
});

test('"Definir entrega errada" closes the dispute after a confirmation, with a note', async () => {
  const id = await openPendingCase(seller, used);
  const dialog = seller.locator('dialog#sac-case-dialog');
  await dialog.locator('details.sac-wrong-delivery summary').click();
  const form = dialog.locator('form[data-sac-form=wrong_delivery]');
  await form.locator('textarea[name=note]').fill('Cliente já recebeu o produto certo por reenvio.');
  await form.locator('[data-sac-submit]').click();
  // Without the confirmation the browser keeps the form (required checkbox).
  assert.ok(await dialog.isVisible());
  await form.locator('input[name=confirm]').check();
  await form.locator('[data-sac-submit]').click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await seller.locator(`tr[data-case-id="${id}"] .sac-badge`).textContent()).trim(), 'fechado');
  await seller.goto(`${stack.base}/sac/cases/${id}`);
  const page = await seller.textContent('body');
  assert.match(page, /Definiu entrega errada/);
  assert.match(page, /Cliente já recebeu o produto certo/);
});

test('a product named <img src=x onerror=alert(1)> is shown as text', async () => {
  const hostile = '<img src=x onerror=alert(1)>';
  await seller.goto(`${stack.base}/sac/`);
  const id = await seller.$eval('tr[data-case-id]', r => r.getAttribute('data-case-id'));
  execFileSync('sqlite3', [path.join(stack.dir, 'data', 'sac.db'),
    `UPDATE cases SET product_name = '${hostile}' WHERE id = ${Number(id)};`]);
  stack.lastDialog = undefined;
  await seller.goto(`${stack.base}/sac/`);
  const cell = seller.locator(`tr[data-case-id="${id}"] .sac-product span`);
  assert.equal(await cell.textContent(), hostile);
  assert.equal(await seller.locator('img[src="x"]').count(), 0);
  await seller.click(`tr[data-case-id="${id}"] a.sac-handle`);
  const name = seller.locator('dialog#sac-case-dialog .sac-product-name');
  await name.waitFor();
  assert.equal(await name.textContent(), hostile);
  assert.equal(await seller.locator('img[src="x"]').count(), 0);
  await new Promise(r => setTimeout(r, 300));
  assert.equal(stack.lastDialog, undefined, 'no script ran');
});
