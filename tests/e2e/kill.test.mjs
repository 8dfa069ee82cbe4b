// A host killed in the middle of a sync: after a restart the next sync
// resumes from the checkpoint, and every dispute is there exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './harness.mjs';

const stack = new Stack();
before(async () => { await stack.start({ disputes: 300, demoStore: true, leaseSeconds: 3 }); });
after(async () => { await stack.stop(); });

async function api(page, method, path) {
  return page.evaluate(async ({ method, path }) => {
    const csrf = document.querySelector('input[name=_csrf]')?.value;
    const r = await fetch(path, { method, headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
                                  body: method === 'POST' ? '{}' : undefined });
    return { status: r.status, body: await r.json() };
  }, { method, path });
}

async function waitForRun(page, predicate, ms = 120000) {
  const until = Date.now() + ms;
  for (;;) {
    const s = await api(page, 'GET', '/sac/api/sync/status');
    const run = s.body.runs[0];
    if (run && predicate(run)) return run;
    if (Date.now() > until) throw new Error(`sync did not reach the state: ${JSON.stringify(run)}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

test('kill -9 mid-sync, restart, resume: every dispute once', async () => {
  const page = await stack.newPage();
  await stack.login(page, 'vendedor.a');
  await page.goto(`${stack.base}/sac/`);
  // Slow enough that the kill lands before the run ends, on a busy machine too.
  await stack.simControl('/_sim/faults', { slow_ms: 50, slow: 100000 });
  const started = await api(page, 'POST', '/sac/api/sync');
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const midway = await waitForRun(page, r => r.new >= 40);
  assert.equal(midway.state, 'running');

  await stack.killAndRestartHost();
  await stack.simControl('/_sim/faults', { slow: 0, slow_ms: 0 });
  await page.goto(`${stack.base}/sac/`); // the session survived the restart
  assert.equal(new URL(page.url()).pathname, '/sac/');
  const imported = (await api(page, 'GET', '/sac/api/cases?limit=200')).body;
  assert.ok(imported.count > 0);

  // The dead run's lease expires after 3 s; until then a new sync is refused.
  let again;
  for (let i = 0; i < 40; i++) {
    again = await api(page, 'POST', '/sac/api/sync');
    if (again.status === 202) break;
    await new Promise(r => setTimeout(r, 250));
  }
  assert.equal(again.status, 202, JSON.stringify(again.body));
  const done = await waitForRun(page, r => r.state !== 'running');
  assert.equal(done.state, 'done', JSON.stringify(done));
  const stats = await (await fetch(`http://127.0.0.1:${stack.simPort}/_sim/stats`)).json();
  const total = Object.values(stats.stores[0].disputes).reduce((a, b) => a + Number(b), 0);
  assert.ok(done.new > 0 && done.new < total, `the resumed run imported only the rest: ${JSON.stringify(done)}`);
  assert.equal(done.items_total, total);

  let count = 0;
  const seen = new Set();
  for (let cursor = ''; ;) {
    const res = (await api(page, 'GET', `/sac/api/cases?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).body;
    for (const item of res.items) { seen.add(item.external_id ?? item.id); count++; }
    if (!res.next_cursor) break;
    cursor = res.next_cursor;
  }
  assert.equal(count, total, 'every dispute is there');
  assert.equal(seen.size, total, 'none twice');
  await page.context().close();
});
