// A tenant admin against a running host: stores cannot point at the host's
// network, and a store's secrets never follow a changed endpoint.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Stack, PASSWORD } from '../e2e/harness.mjs';
import { Client } from './client.mjs';

const stacks = [];
after(async () => { for (const s of stacks) await s.stop(); });

async function adminOf(stack) {
  const a = new Client(stack.base);
  assert.equal((await a.login('admin.a', PASSWORD)).status, 303);
  return a;
}

async function storeCount(a) {
  return JSON.parse((await a.get('/sac/api/stores')).text).stores.length;
}

/** A loopback HTTP server that records every request it gets. */
async function recorder() {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', d => { body += d; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end('{"error":"invalid_client","error_description":"recorded"}');
    });
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  return { seen, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

test('a tenant admin cannot point a store at loopback, private or metadata addresses', async () => {
  // As an operator would run it: no development loopback, the official gateway.
  const stack = new Stack();
  stacks.push(stack);
  await stack.start({ browser: false, settings: { allow_loopback_endpoints: 'false',
                                                  aliexpress_gateway: 'https://api-sg.aliexpress.com' } });
  const a = await adminOf(stack);
  const before = await storeCount(a);
  const csrf = await a.csrf('/sac/stores');
  const bad = [
    'http://127.0.0.1:9/', 'https://127.0.0.1/', 'https://localhost/', 'https://[::1]/',
    'https://10.0.0.1/', 'https://172.16.5.4/', 'https://192.168.1.1/', 'https://169.254.169.254/latest/meta-data/',
    'https://[::ffff:127.0.0.1]/', 'https://[fe80::1]/', 'https://100.64.0.1/', 'https://0.0.0.0/',
    'http://api-sg.aliexpress.com/', 'https://evil.example.com/', 'https://api-sg.aliexpress.com.evil.example/',
  ];
  for (const url of bad) {
    const r = await a.post('/sac/stores', { _csrf: csrf, marketplace: 'aliexpress', name: 'Loja X',
                                            seller_email: 'loja@example.com', gateway_url: url, app_key: '12345',
                                            app_secret: 'segredo-123' });
    assert.equal(r.status, 400, `${url}: ${r.status}`);
    const amz = await a.post('/sac/stores', { _csrf: csrf, marketplace: 'amazon', name: 'Loja Y',
                                              seller_email: 'loja@example.com', marketplace_id: 'A2Q3Y263D00KWC',
                                              region: 'na', lwa_client_id: 'amzn1.application-oa2-client.x',
                                              lwa_client_secret: 'segredo-123', refresh_token: 'Atzr|x',
                                              sp_api_endpoint: url });
    assert.equal(amz.status, 400, `amazon ${url}: ${amz.status}`);
  }
  assert.equal(await storeCount(a), before, 'no store was saved');
});

test('changing a store\'s endpoint drops its secrets: nothing reaches the new host', async () => {
  const stack = new Stack();
  stacks.push(stack);
  await stack.start({ browser: false });
  const first = await recorder();
  const second = await recorder();
  try {
    const a = await adminOf(stack);
    const csrf = await a.csrf('/sac/stores');
    const secret = 'lwa-client-secret-that-must-stay-home';
    const refresh = 'Atzr|refresh-token-that-must-stay-home';
    const created = await a.post('/sac/stores', {
      _csrf: csrf, marketplace: 'amazon', name: 'Loja Amazon', seller_email: 'loja@example.com',
      marketplace_id: 'A2Q3Y263D00KWC', region: 'na', lwa_client_id: 'amzn1.application-oa2-client.x',
      lwa_client_secret: secret, refresh_token: refresh, sp_api_endpoint: first.url });
    assert.equal(created.status, 303, created.text.slice(0, 300));
    const storePath = new URL(created.headers.get('location'), stack.base).pathname;

    // The first host is where the secrets were entered for: it gets them.
    await a.post(`${storePath}/test`, { _csrf: csrf });
    assert.ok(first.seen.some(r => r.body.includes(encodeURIComponent(secret)) || r.body.includes(secret)),
              'the endpoint the secret was entered for receives it');

    // Only the endpoint changes.
    const moved = await a.post(storePath, {
      _csrf: csrf, marketplace: 'amazon', name: 'Loja Amazon', seller_email: 'loja@example.com',
      marketplace_id: 'A2Q3Y263D00KWC', region: 'na', lwa_client_id: 'amzn1.application-oa2-client.x',
      sp_api_endpoint: second.url });
    assert.equal(moved.status, 303, moved.text.slice(0, 300));
    await a.post(`${storePath}/test`, { _csrf: csrf });
    const leaked = second.seen.filter(r => JSON.stringify(r).includes(secret) ||
                                           JSON.stringify(r).includes(encodeURIComponent(secret)) ||
                                           JSON.stringify(r).includes(refresh) ||
                                           JSON.stringify(r).includes(encodeURIComponent(refresh)));
    assert.deepEqual(leaked, [], 'no secret reached the new endpoint');
    const stores = JSON.parse((await a.get('/sac/api/stores')).text).stores;
    const store = stores.find(s => storePath.endsWith(`/${s.id}`));
    assert.ok(store, 'the store is still there');
    assert.equal(store.status, 'needs_reauth', 'the store asks for its secrets again');
    assert.ok(!JSON.stringify(store).includes(secret.slice(-4)), 'no hint of the dropped secret');
  } finally {
    first.close();
    second.close();
  }
});
