// "Preferências de aviso" in a real browser: a seller reaches it from the tab,
// chooses the daily digest and keeps it; an admin chooses who gets a store's
// alerts; a seller cannot; every page is Portuguese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';
import { assertPortuguese } from './portuguese.mjs';

const stack = new Stack();
let admin;
let seller;

before(async () => {
  await stack.start({
    disputes: 5,
    demoStore: true,
    settings: {
      // A relay that nobody answers: the alerts are on, the e-mails wait in the outbox.
      smtp_host: '127.0.0.1',
      smtp_port: '9',
      smtp_security: 'none',
      smtp_from: 'SAC <sac@loja.example>',
      public_base_url: 'https://erp.loja.example',
    },
  });
  admin = await stack.newPage();
  await stack.login(admin, 'admin.a');
  seller = await stack.newPage();
  await stack.login(seller, 'vendedor.a');
});
after(async () => { await stack.stop(); });

test('a seller reaches the preferences from the tab and keeps the daily digest', async () => {
  await seller.goto(`${stack.base}/sac/`);
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-alerts-link')]);
  assert.equal(new URL(seller.url()).pathname, '/sac/alerts');
  assert.equal(await seller.isChecked('#sac-alerts-mode-alerts'), true, 'alerts by default');
  assert.match(await seller.textContent('#sac-alerts-address'), /vendedor\.a@example\.com/);
  await assertPortuguese(seller, '/sac/alerts');
  await seller.check('#sac-alerts-mode-digest');
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-alerts-save')]);
  assert.match(await seller.textContent('#sac-alerts-notice'), /Preferência salva/);
  assert.equal(await seller.isChecked('#sac-alerts-mode-digest'), true);
  await seller.reload();
  assert.equal(await seller.isChecked('#sac-alerts-mode-digest'), true, 'kept');
  assert.equal(await seller.locator('#sac-alerts-stores').count(), 0, 'sellers choose no store users');
});

test('an admin chooses who gets a store\'s alerts; a seller cannot', async () => {
  await admin.goto(`${stack.base}/sac/`); // the demo store is made on the first visit of the account
  await admin.goto(`${stack.base}/sac/alerts`);
  const link = admin.locator('#sac-alerts-stores a').first();
  const href = await link.getAttribute('href');
  assert.match(href, /^\/sac\/alerts\/stores\/\d+$/);
  await Promise.all([admin.waitForNavigation(), link.click()]);
  await assertPortuguese(admin, href);
  assert.equal(await admin.isChecked('#sac-alerts-who-all'), true);
  const boxes = admin.locator('#sac-alerts-store-form input[type=checkbox]');
  assert.equal(await boxes.count(), 2, 'the two users of Loja A, nobody of Loja B');
  await admin.check('#sac-alerts-who-some');
  const sellerBox = admin.locator('#sac-alerts-store-form label', { hasText: 'Vitor Vendedor' }).locator('input');
  await sellerBox.check();
  await Promise.all([admin.waitForNavigation(), admin.click('#sac-alerts-store-save')]);
  assert.match(await admin.textContent('#sac-alerts-store-notice'), /Responsáveis salvos/);
  assert.equal(await sellerBox.isChecked(), true);
  await admin.goto(`${stack.base}/sac/alerts`);
  assert.match(await admin.textContent('#sac-alerts-stores'), /Usuários escolhidos: 1/);

  const denied = await seller.goto(`${stack.base}${href}`);
  assert.equal(denied.status(), 403);
});
