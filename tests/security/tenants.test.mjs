// Sellers and tenant admins against a running host: nothing of another
// account is reachable, and sellers cannot administer stores.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, PASSWORD } from '../e2e/harness.mjs';
import { Client } from './client.mjs';

const stack = new Stack();
let caseIds = [];
let storeIds = [];
before(async () => {
  await stack.start({ browser: false, demoStore: true, disputes: 5 });
  const a = new Client(stack.base);
  assert.equal((await a.login('admin.a', PASSWORD)).status, 303);
  await a.get('/sac/'); // the demo store of Loja A
  const stores = JSON.parse((await a.get('/sac/api/stores')).text);
  storeIds = (stores.stores ?? stores).map(s => s.id);
  const csrf = await a.csrf();
  await a.request('POST', '/sac/api/sync', { body: '{}', type: 'application/json', headers: { 'X-CSRF-Token': csrf } });
  for (let i = 0; i < 100; i++) {
    const st = JSON.parse((await a.get('/sac/api/sync/status')).text);
    if (!st.running) break;
    await new Promise(r => setTimeout(r, 200));
  }
  const cases = JSON.parse((await a.get('/sac/api/cases')).text);
  caseIds = (cases.cases ?? cases.items ?? []).map(c => c.id);
});
after(async () => { await stack.stop(); });

test('account A has data to steal', () => {
  assert.ok(storeIds.length > 0, 'a store');
  assert.ok(caseIds.length > 0, 'cases');
});

test("another account's admin reaches none of it", async () => {
  const b = new Client(stack.base);
  assert.equal((await b.login('admin.b', PASSWORD)).status, 303);
  for (const id of caseIds.slice(0, 3)) {
    const r = await b.get(`/sac/cases/${id}`);
    assert.ok([403, 404].includes(r.status), `case ${id}: ${r.status}`);
    const csrf = await b.csrf();
    const n = await b.post(`/sac/cases/${id}/notes`, { _csrf: csrf, text: 'intruso' });
    assert.ok([403, 404].includes(n.status), `note on case ${id}: ${n.status}`);
  }
  for (const id of storeIds) {
    const r = await b.get(`/sac/stores/${id}`);
    assert.ok([403, 404].includes(r.status), `store ${id}: ${r.status}`);
    const csrf = await b.csrf('/sac/stores');
    const t = await b.post(`/sac/stores/${id}/test`, { _csrf: csrf });
    assert.ok([403, 404].includes(t.status), `test store ${id}: ${t.status}`);
  }
  const list = JSON.parse((await b.get('/sac/api/cases')).text);
  const ids = (list.cases ?? list.items ?? []).map(c => c.id);
  assert.deepEqual(ids.filter(id => caseIds.includes(id)), []);
});

test('a seller cannot administer stores', async () => {
  const s = new Client(stack.base);
  assert.equal((await s.login('vendedor.a', PASSWORD)).status, 303);
  assert.equal((await s.get('/sac/stores/new?marketplace=aliexpress')).status, 403);
  const csrf = await s.csrf();
  const r = await s.post('/sac/stores', { _csrf: csrf, marketplace: 'aliexpress', name: 'x', seller_email: 'x@y.z',
                                          app_key: '1', app_secret: 's' });
  assert.equal(r.status, 403);
});

test('state changes without the CSRF token are refused', async () => {
  const a = new Client(stack.base);
  await a.login('admin.a', PASSWORD);
  const r = await a.post(`/sac/stores/${storeIds[0]}/disable`, {});
  assert.equal(r.status, 403);
});
