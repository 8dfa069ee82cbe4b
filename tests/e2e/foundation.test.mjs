// The foundation in a real browser: login, the main menu, the tab, logout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';

const stack = new Stack();
before(async () => { await stack.start(); });
after(async () => { await stack.stop(); });

test('an anonymous visit to the tab lands on the login page', async () => {
  const page = await stack.newPage();
  await page.goto(`${stack.base}/sac/`);
  assert.match(new URL(page.url()).pathname, /^\/login/);
  assert.equal(await page.locator('input[name=password]').count(), 1);
  await stack.screenshot(page, 'login');
  await page.context().close();
});

test('a wrong password keeps the visitor out with a clear message', async () => {
  const page = await stack.newPage();
  await page.goto(`${stack.base}/login`);
  await page.fill('input[name=login]', 'admin.a');
  await page.fill('input[name=password]', 'errada');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert.match(new URL(page.url()).pathname, /^\/login/);
  assert.match(await page.textContent('body'), /inválid/i);
  await page.context().close();
});

test('an admin finds Marketing → "SAC e pós-venda" and opens the tab', async () => {
  const page = await stack.newPage();
  await stack.login(page, 'admin.a');
  const nav = page.locator('nav');
  assert.match(await nav.textContent(), /Marketing/);
  const entry = nav.getByRole('link', { name: 'SAC e pós-venda' });
  assert.equal(await entry.count(), 1);
  await stack.screenshot(page, 'home-menu');
  await Promise.all([page.waitForNavigation(), entry.click()]);
  assert.equal(new URL(page.url()).pathname, '/sac/');
  const body = await page.textContent('body');
  assert.match(body, /SAC e pós-venda/);
  assert.match(body, /Disputa de Sincronização/);
  await stack.screenshot(page, 'tab');
  await page.context().close();
});

test('logout ends the session', async () => {
  const page = await stack.newPage();
  await stack.login(page, 'vendedor.a');
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/logout"] button').click()]);
  await page.goto(`${stack.base}/sac/`);
  assert.match(new URL(page.url()).pathname, /^\/login/);
  await page.context().close();
});
