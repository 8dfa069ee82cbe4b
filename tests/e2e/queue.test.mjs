// The action queue and the CSV export in a real browser: after a sync, the
// badge beside "SAC e pós-venda" shows how many disputes wait on the seller,
// with a sentence for screen readers; "Requer ação" lists exactly those,
// nearest deadline first with the time left; "Exportar CSV" downloads the
// list's rows (as many as the pager names), in both CSV dialects, with the
// formula of a product name made inert; the Lost & Found list exports too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Stack } from './harness.mjs';
import { assertPortuguese } from './portuguese.mjs';
import { assertNoAxeViolations } from './a11y.mjs';

const stack = new Stack();
let seller;

async function csrfOf(page) {
  return page.evaluate(() => document.querySelector('input[name=_csrf]')?.value ?? '');
}

async function waitUntil(what, fn, ms = 60000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** RFC 4180 rows of a CSV text (quoted fields may hold separators, quotes and line breaks). */
function csvRows(text, sep) {
  const rows = [];
  let row = [], field = '', quoted = false, started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && !started) { quoted = started = true; }
    else if (c === sep) { row.push(field); field = ''; started = false; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; started = false; i++; }
    else { field += c; started = true; }
  }
  assert.equal(row.length + field.length, 0, 'the file ends with a complete row');
  return rows;
}

/** Clicks a download link and returns the file's bytes and suggested name. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

/** "1–40 de 40" → 40. */
async function pagerTotal(page) {
  const text = await page.textContent('#sac-range');
  const m = /de (?:mais de )?([\d.]+)/.exec(text);
  assert.ok(m, text);
  return Number(m[1].replaceAll('.', ''));
}

before(async () => {
  await stack.start({ disputes: 40, demoStore: true });
  const context = await stack.browser.newContext({ locale: 'pt-BR', acceptDownloads: true,
                                                   viewport: { width: 1366, height: 900 } });
  seller = await context.newPage();
  await stack.login(seller, 'vendedor.a');
  await seller.goto(`${stack.base}/sac/`); // the account's first visit makes its demo store
  const token = await csrfOf(seller);
  const started = await seller.evaluate(async (t) => (await fetch('/sac/api/sync', {
    method: 'POST', body: '{}',
    headers: { 'X-CSRF-Token': t, 'Content-Type': 'application/json', 'Accept': 'application/json' } })).status, token);
  assert.ok(started === 200 || started === 202, `sync answered ${started}`);
  await waitUntil('the sync', async () => {
    const s = await seller.evaluate(async () => (await fetch('/sac/api/sync/status')).json());
    return (s.runs || []).length > 0 && s.runs.every(r => r.state === 'done' || r.state === 'failed');
  });
});
after(async () => { await stack.stop(); });

/** Every dispute of the account through the JSON API, by id. */
async function allCases() {
  const byId = new Map();
  let cursor = '';
  for (let pages = 0; pages < 50; pages++) {
    const page = await seller.evaluate(async (c) => (await fetch(`/sac/api/cases?limit=200${c ? `&cursor=${c}` : ''}`)).json(), cursor);
    for (const item of page.items) byId.set(String(item.id), item);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return byId;
}

test('the badge beside the menu entry shows the queue\'s count, with a sentence for screen readers', async () => {
  const cases = await allCases();
  const waiting = [...cases.values()].filter(c => c.kind === 'dispute' && (c.status === 'pendente' || c.status === 'recebido'));
  assert.ok(waiting.length > 0, 'the simulator has disputes waiting on the seller');
  await seller.goto(`${stack.base}/sac/`);
  const entry = seller.locator('nav.mainmenu a[href="/sac/"]');
  const number = (await entry.locator('.menu-badge [aria-hidden="true"]').textContent()).trim();
  assert.equal(number, String(waiting.length));
  const sentence = (await entry.locator('.menu-badge .visually-hidden').textContent()).trim();
  assert.equal(sentence, waiting.length === 1 ? '1 disputa requer ação' : `${waiting.length} disputas requerem ação`);
  // The link's accessible name carries the sentence, not a bare number.
  const name = await entry.evaluate(a => a.textContent.replace(/\s+/g, ' ').trim());
  assert.ok(name.includes(sentence), name);
  // The same on the host's own home page, and the tab's view names the same count.
  await seller.goto(`${stack.base}/`);
  assert.equal((await seller.locator('nav.mainmenu a[href="/sac/"] .menu-badge [aria-hidden="true"]').textContent()).trim(),
               String(waiting.length));
  await seller.goto(`${stack.base}/sac/`);
  assert.equal((await seller.textContent('#sac-action-count')).trim(), String(waiting.length));
});

test('"Requer ação" lists what waits on the seller, nearest deadline first, with the time left', async () => {
  const cases = await allCases();
  await seller.goto(`${stack.base}/sac/`);
  await Promise.all([seller.waitForNavigation(), seller.click('#sac-view-action')]);
  assert.match(seller.url(), /view=acao/);
  assert.equal(await seller.getAttribute('#sac-view-action', 'aria-current'), 'page');
  const ids = await seller.$$eval('tr[data-case-id]', rows => rows.map(r => r.getAttribute('data-case-id')));
  const expected = [...cases.values()]
    .filter(c => c.kind === 'dispute' && (c.status === 'pendente' || c.status === 'recebido'))
    .sort((a, b) => {
      if ((a.deadline_at === null) !== (b.deadline_at === null)) return a.deadline_at === null ? 1 : -1;
      if (a.deadline_at !== b.deadline_at) return a.deadline_at - b.deadline_at;
      return a.id - b.id;
    })
    .map(c => String(c.id));
  assert.deepEqual(ids, expected, 'exactly the waiting disputes, in deadline order');
  const badge = (await seller.locator('nav.mainmenu a[href="/sac/"] .menu-badge [aria-hidden="true"]').textContent()).trim();
  assert.equal(String(ids.length), badge, 'the badge counts what the queue lists');
  for (const id of ids) {
    const c = cases.get(id);
    if (c.deadline_at === null) continue;
    const left = (await seller.textContent(`tr[data-case-id="${id}"] td.sac-deadline`)).replace(/\s+/g, ' ');
    assert.match(left, /faltam|vencido há/, `case ${id}: the time left, as the list shows it`);
  }
  await assertPortuguese(seller, 'Requer ação');
  await assertNoAxeViolations(seller, 'Requer ação');
});

test('"Exportar CSV" downloads the list\'s rows in both dialects, formulas inert', async () => {
  await seller.goto(`${stack.base}/sac/`);
  const total = await pagerTotal(seller);
  const csv = await download(seller, '#sac-export-csv');
  assert.match(csv.name, /^sac-disputas-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = csv.bytes.toString('utf8');
  assert.notEqual(text.charCodeAt(0), 0xfeff, 'no byte order mark in the comma file');
  const rows = csvRows(text, ',');
  assert.equal(rows[0][0], 'Loja');
  assert.equal(rows.length - 1, total, 'the file holds as many rows as the list names');
  for (const row of rows) {
    assert.equal(row.length, rows[0].length);
    for (const cell of row) assert.ok(!/^[=+@]/.test(cell), `inert cell: ${cell}`);
  }

  const excel = await download(seller, '#sac-export-excel');
  assert.match(excel.name, /-excel\.csv$/);
  assert.deepEqual([...excel.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the Excel file starts with the byte order mark');
  const excelRows = csvRows(excel.bytes.subarray(3).toString('utf8'), ';');
  assert.equal(excelRows.length - 1, total);
  const amount = excelRows[0].indexOf('Valor');
  assert.ok(amount >= 0);
  const amounts = excelRows.slice(1).map(r => r[amount]).filter(Boolean);
  assert.ok(amounts.length > 0);
  for (const a of amounts) assert.match(a, /^-?\d+,\d{2}$/, 'a decimal comma, no grouping');

  // The queue's own export holds the queue.
  await seller.goto(`${stack.base}/sac/?view=acao`);
  const queued = await seller.$$eval('tr[data-case-id]', r => r.length);
  const queueFile = await download(seller, '#sac-export-csv');
  assert.match(queueFile.name, /^sac-disputas-requer-acao-/);
  assert.equal(csvRows(queueFile.bytes.toString('utf8'), ',').length - 1, queued);

  // Lost & Found exports too (no Amazon store here: only the header).
  await seller.goto(`${stack.base}/sac/lost-found`);
  const lf = await download(seller, '#sac-lf-export-csv');
  assert.match(lf.name, /^sac-lost-found-\d{4}-\d{2}-\d{2}\.csv$/);
  assert.equal(csvRows(lf.bytes.toString('utf8'), ',').length, 1);
});

test('another account\'s export holds none of these cases', async () => {
  const context = await stack.browser.newContext({ locale: 'pt-BR', acceptDownloads: true });
  const other = await context.newPage();
  await stack.login(other, 'admin.b');
  const answer = await other.evaluate(async () => {
    const r = await fetch('/sac/export?view=acao');
    return { status: r.status, text: await r.text() };
  });
  assert.equal(answer.status, 200);
  assert.equal(answer.text.trim().split('\r\n').length, 1, 'the header alone');
  await context.close();
});
