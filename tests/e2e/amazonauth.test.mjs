// "Autorizar" for an Amazon store in a real browser, against host + module +
// simulator: an admin adds an Amazon store with the SP-API application id and
// no refresh token, goes to the (simulated) Seller Central consent page,
// confirms, and comes back to an active store whose refresh token and seller
// account were saved; the store page names every marketplace in Portuguese.
// The callback cannot be replayed, is refused to another account's admin and
// to a seller, and a cancelled consent changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';
import { assertPortuguese } from './portuguese.mjs';
import { PHONE, devicePage, assertNoAxeViolations, assertNoSidewaysScroll, assertTouchTargets } from './a11y.mjs';

const stack = new Stack();
let admin;     // admin.a
let seller;    // vendedor.a
let otherAdmin; // admin.b
let storeId;
let callbackUrl; // where Seller Central sent admin.a back

before(async () => {
  await stack.start({ disputes: 5 });
  admin = await stack.newPage();
  await stack.login(admin, 'admin.a');
  seller = await stack.newPage();
  await stack.login(seller, 'vendedor.a');
  otherAdmin = await stack.newPage();
  await stack.login(otherAdmin, 'admin.b');
});
after(async () => { await stack.stop(); });

async function csrfOf(page) {
  return page.evaluate(() => document.querySelector('input[name=_csrf]')?.value ?? '');
}

test('the Amazon store form names every marketplace and explains "Autorizar", in Portuguese', async () => {
  await admin.goto(`${stack.base}/sac/stores/new?marketplace=amazon`);
  const options = await admin.$$eval('select[name=marketplace_id] option', os => os.map(o => [o.value, o.textContent]));
  const byId = Object.fromEntries(options);
  assert.equal(options.length, 23, options.map(o => o.join(' ')).join('\n'));
  assert.equal(byId.A28R8C7NBKEWEA, 'Irlanda — amazon.ie (A28R8C7NBKEWEA)');
  assert.equal(byId.AE08WJ6YKNBMC, 'África do Sul — amazon.co.za (AE08WJ6YKNBMC)');
  assert.equal(byId.A1PA6795UKMFR9, 'Alemanha — amazon.de (A1PA6795UKMFR9)');
  assert.equal(options[0][0], 'A2Q3Y263D00KWC', 'Brazil first for pt-BR');
  assert.equal(await admin.locator('input[name=refresh_token]').getAttribute('required'), null,
               'the refresh token is optional: "Autorizar" brings it');
  assert.match(await admin.textContent('#sac-amazon-redirect'),
               /Cadastre este endereço como OAuth Redirect URI do aplicativo: http:\/\/127\.0\.0\.1:\d+\/sac\/stores\/oauth\/amazon\/callback/);
  await assertPortuguese(admin, 'the new Amazon store form');
  await assertNoAxeViolations(admin, 'the new Amazon store form');
  // On a phone: no sideways scroll, targets big enough (the long redirect address wraps).
  const phone = await devicePage(stack, 'admin.a', PHONE);
  await phone.goto(`${stack.base}/sac/stores/new?marketplace=amazon`);
  await assertNoSidewaysScroll(phone, 'the new Amazon store form on a phone');
  await assertTouchTargets(phone, 'the new Amazon store form on a phone', 'form');
  await assertNoAxeViolations(phone, 'the new Amazon store form on a phone');
  await phone.context().close();
});

test('an admin authorizes an Amazon store through the Seller Central consent', async () => {
  await admin.goto(`${stack.base}/sac/stores/new?marketplace=amazon`);
  await admin.fill('input[name=name]', 'Amazon EUA');
  await admin.fill('input[name=seller_email]', 'cases@loja-us.example');
  await admin.selectOption('select[name=marketplace_id]', 'ATVPDKIKX0DER');
  await admin.fill('input[name=amazon_application_id]', 'amzn1.sp.solution.demo-app');
  await admin.fill('input[name=lwa_client_id]', 'demo-lwa-client');
  await admin.fill('input[name=lwa_client_secret]', 'demo-lwa-secret');
  await admin.fill('input[name=sp_api_endpoint]', `http://127.0.0.1:${stack.simPort}`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-save')]);
  assert.match(admin.url(), /\/sac\/stores\/\d+\?done=created$/);
  storeId = new URL(admin.url()).pathname.split('/').pop();
  assert.match(await admin.textContent('body'), /Loja Amazon cadastrada\. Use “Autorizar”/);
  assert.match(await admin.textContent('#sac-store-status'), /precisa de autorização/);
  assert.equal(await admin.inputValue('input[name=amazon_application_id]'), 'amzn1.sp.solution.demo-app');
  assert.equal(await admin.locator('#sac-amazon-seller').count(), 0, 'no seller yet');
  await assertPortuguese(admin, 'the Amazon store waiting for "Autorizar"');

  admin.on('request', r => { if (r.url().includes('/sac/stores/oauth/amazon/callback')) callbackUrl = r.url(); });
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-authorize')]);
  const consent = new URL(admin.url());
  assert.equal(consent.port, String(stack.simPort), 'the consent page is Seller Central\'s');
  assert.equal(consent.pathname, '/apps/authorize/consent');
  assert.equal(consent.searchParams.get('application_id'), 'amzn1.sp.solution.demo-app');
  assert.match(consent.searchParams.get('state'), /^[0-9a-f]{64}$/);
  assert.equal(consent.searchParams.get('redirect_uri'), `${stack.base}/sac/stores/oauth/amazon/callback`);
  await stack.screenshot(admin, 'amazon-consent');

  await Promise.all([admin.waitForURL(/\/sac\/stores\/\d+\?done=authorized_amazon$/), admin.click('#approve')]);
  assert.ok(callbackUrl, 'Seller Central sent the admin back');
  const back = new URL(callbackUrl);
  assert.equal(back.searchParams.get('selling_partner_id'), 'A1SACSIMSELLER');
  assert.ok(back.searchParams.get('spapi_oauth_code'));
  assert.equal(back.searchParams.get('state'), consent.searchParams.get('state'));
  const body = await admin.textContent('body');
  assert.match(body, /Loja autorizada no Seller Central: o refresh token foi salvo\./);
  assert.match(await admin.textContent('#sac-store-status'), /ativa/);
  assert.equal(await admin.textContent('#sac-amazon-seller'), 'A1SACSIMSELLER');
  assert.doesNotMatch(body, /Atzr\|[0-9A-Za-z]{6}|demo-lwa-secret/, "no token or secret shown");
  assert.equal(await admin.inputValue('input[name=refresh_token]'), '');
  await assertPortuguese(admin, 'the authorized Amazon store');
  await assertNoAxeViolations(admin, 'the authorized Amazon store');
  await stack.screenshot(admin, 'store-amazon-authorized');

  // The refresh token the consent gave works.
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-test')]);
  assert.match(await admin.textContent('body'), /Conexão funcionando: a Amazon aceitou as credenciais/);
});

test('the Seller Central callback cannot be replayed or used by someone else', async () => {
  assert.ok(callbackUrl);
  let r = await admin.goto(callbackUrl);
  assert.equal(r.status(), 400, 'the state is single use');
  assert.match(await admin.textContent('body'), /não pôde ser confirmada/);
  await assertPortuguese(admin, 'a replayed callback');

  // A fresh state of admin.a: another account's admin cannot complete it.
  await admin.goto(`${stack.base}/sac/stores/${storeId}`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-authorize')]);
  const state = new URL(admin.url()).searchParams.get('state');
  const stolen = `${stack.base}/sac/stores/oauth/amazon/callback?state=${state}&selling_partner_id=A1SACSIMSELLER&spapi_oauth_code=ANstolen`;
  r = await otherAdmin.goto(stolen);
  assert.equal(r.status(), 400);
  r = await otherAdmin.goto(`${stack.base}/sac/stores/${storeId}`);
  assert.equal(r.status(), 404, 'not their store');

  // A seller gets 403 on the callback and on "Autorizar".
  r = await seller.goto(stolen);
  assert.equal(r.status(), 403);
  await seller.goto(`${stack.base}/sac/`);
  const token = await csrfOf(seller);
  const status = await seller.evaluate(async ([url, t]) => (await fetch(url, {
    method: 'POST', headers: { 'X-CSRF-Token': t, 'Accept': 'application/json' }, body: new URLSearchParams({}) })).status,
  [`/sac/stores/${storeId}/authorize`, token]);
  assert.equal(status, 403);

  // Cancelled on the consent page: nothing changes.
  await admin.goto(`${stack.base}/sac/stores/${storeId}`);
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-store-authorize')]);
  r = await Promise.all([admin.waitForNavigation(), admin.click('#deny')]);
  assert.match(await admin.textContent('body'), /A autorização foi cancelada no Seller Central/);
  await assertPortuguese(admin, 'a cancelled consent');
  await admin.goto(`${stack.base}/sac/stores/${storeId}`);
  assert.match(await admin.textContent('#sac-store-status'), /ativa/);
  assert.equal(await admin.textContent('#sac-amazon-seller'), 'A1SACSIMSELLER');
});
