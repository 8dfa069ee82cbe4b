// Scheduled syncs in a real browser: a host started with a 1-minute interval
// syncs the store by itself (nobody clicks "Disputa de Sincronização"), the
// tab shows "Próxima sincronização" per store, and every date and number on
// the page is the server's, in Portuguese and the display zone, even for a
// browser set to American English in New York.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';
import { assertPortuguese, offenders } from './portuguese.mjs';

const stack = new Stack();
before(async () => {
  await stack.start({
    disputes: 30, demoStore: true,
    settings: { schedule_enabled: 'true', schedule_sync_minutes: 1, schedule_tick_seconds: 2 },
  });
});
after(async () => { await stack.stop(); });

// A pt-BR time as the module writes it, in the display zone.
const PT_TIME = /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(UTC-03:00\)/;

async function americanPage() {
  const context = await stack.browser.newContext({
    locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 1366, height: 900 },
  });
  return context.newPage();
}

test('the locale check itself catches a date written the American way', () => {
  assert.deepEqual(offenders(['Última sincronização bem-sucedida: 12/6/2026, 1:53:20 AM']).length, 1);
  assert.deepEqual(offenders(['Última sincronização bem-sucedida: 12/06/2026 01:53 (UTC-03:00)']).length, 0);
});

test('a host with a 1-minute interval syncs the store without a click, and the tab says when next', async () => {
  const page = await americanPage();
  await stack.login(page, 'vendedor.a');
  await page.goto(`${stack.base}/sac/`); // the demo store appears on the first visit
  const schedule = page.locator('#sac-schedule');
  await schedule.waitFor({ timeout: 10000 });
  assert.match(await schedule.textContent(), /Loja demonstração/);
  assert.match(await schedule.textContent(), /Próxima sincronização: (em breve|\d{2}\/)/);
  assert.equal(await page.locator('tr.sac-case').count(), 0, 'nothing synced yet');

  // Left alone: the scheduler plans the store within its minute and runs it.
  const deadline = Date.now() + 150000;
  let done = null;
  while (Date.now() < deadline && !done) {
    const status = await page.evaluate(async () => (await fetch('/sac/api/sync/status')).json());
    done = (status.runs || []).find(r => r.state === 'done');
    if (!done) await page.waitForTimeout(1000);
  }
  assert.ok(done, 'an automatic sync finished within the time');
  assert.equal(done.trigger_text, 'automática');
  assert.match(done.next_sync_text, new RegExp('^Próxima sincronização: ' + PT_TIME.source + '$'));
  assert.match(done.detail_text, /\d+ novas, \d+ atualizadas/);
  assert.match(done.last_success_text, PT_TIME);

  await page.goto(`${stack.base}/sac/`);
  assert.ok(await page.locator('tr.sac-case').count() > 0, 'the list shows the disputes synced by the schedule');
  assert.match(await schedule.textContent(), new RegExp('Próxima sincronização: ' + PT_TIME.source));
  assert.match(await schedule.textContent(), /a cada 1min/);
  // The panel, drawn by the script, prints the server's texts: no browser-formatted date or number.
  const panel = page.locator('#sac-sync-panel');
  await panel.locator('.sac-sync-done').waitFor({ timeout: 10000 });
  const panelText = await panel.textContent();
  assert.match(panelText, /\(automática\)/);
  assert.match(panelText, new RegExp('Última sincronização bem-sucedida: ' + PT_TIME.source));
  assert.match(panelText, new RegExp('Próxima sincronização: ' + PT_TIME.source));
  assert.doesNotMatch(panelText, /\b(AM|PM)\b|\d{1,2}\/\d{1,2}\/\d{4},/);
  await assertPortuguese(page, 'the tab after an automatic sync, in an en-US browser');
  await stack.screenshot(page, 'tab-scheduled-sync', { fullPage: false });
  await page.context().close();
});

test('an admin turns a store\'s automatic sync off and sets its interval in the store form', async () => {
  const page = await americanPage();
  await stack.login(page, 'admin.a');
  await page.goto(`${stack.base}/sac/stores`);
  const row = page.locator('tr[data-store-id]').first();
  assert.match(await row.textContent(), new RegExp('Próxima sincronização: (em breve|' + PT_TIME.source + ')'));
  await assertPortuguese(page, '/sac/stores in an en-US browser');
  await row.locator('a', { hasText: 'Editar' }).click();
  await page.waitForSelector('#sac-store-schedule');
  assert.equal(await page.isChecked('#sac-schedule-on'), true);
  // Out of range: refused beside the field.
  await page.fill('input[name=sync_interval_minutes]', '2');
  await Promise.all([page.waitForNavigation(), page.click('#sac-store-save')]);
  assert.match(await page.textContent('#sac-err-sync_interval_minutes'), /de 5 a 1\.440/);
  await page.fill('input[name=sync_interval_minutes]', '15');
  await page.uncheck('#sac-schedule-on');
  await Promise.all([page.waitForNavigation(), page.click('#sac-store-save')]);
  await page.goto(`${stack.base}/sac/stores`);
  assert.match(await page.locator('tr[data-store-id]').first().textContent(), /Sincronização automática desligada nesta loja\./);
  await page.locator('tr[data-store-id]').first().locator('a', { hasText: 'Editar' }).click();
  await page.waitForSelector('#sac-store-schedule');
  assert.equal(await page.isChecked('#sac-schedule-on'), false);
  assert.equal(await page.inputValue('input[name=sync_interval_minutes]'), '15');
  await page.context().close();
});
