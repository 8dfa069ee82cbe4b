// The anonymous internet against a running host (module and simulator
// loaded): huge login names, oversized bodies, slow clients, what /healthz
// tells, and the headers of every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Stack, PASSWORD } from '../e2e/harness.mjs';
import { Client, trickle } from './client.mjs';

const stack = new Stack();
before(async () => { await stack.start({ browser: false }); });
after(async () => { await stack.stop(); });

const hostLog = () => stack.host.log();

test('huge login names are answered at once and the host stays up', async () => {
  for (const n of [20_000, 60_000, 1_000_000]) {
    const c = new Client(stack.base);
    const page = await c.get('/login');
    const t0 = Date.now();
    const r = await c.post('/login', { _csrf: Client.csrfIn(page.text), login: 'a'.repeat(n), password: 'x' });
    const ms = Date.now() - t0;
    assert.ok([401, 413].includes(r.status), `${n} letters: status ${r.status}`);
    assert.ok(ms < 2000, `${n} letters took ${ms} ms`);
    const health = await fetch(`${stack.base}/healthz`);
    assert.equal(health.status, 200, 'the host is alive');
  }
  assert.ok(!hostLog().includes('a'.repeat(1000)), 'no long login name in the log');
});

test('a long login name that fits the form is logged as a short marked prefix', async () => {
  const c = new Client(stack.base);
  const r = await c.login('q'.repeat(4000), 'x');
  assert.equal(r.status, 401);
  await new Promise(res => setTimeout(res, 200));
  assert.match(hostLog(), /q{64}…\[\+3936 bytes\]/);
  assert.ok(!hostLog().includes('q'.repeat(65)));
});

test('anonymous requests cannot send large bodies', async () => {
  const c = new Client(stack.base);
  for (const p of ['/login', '/sac/api/sync', '/sac/stores', '/sac/inbound/mail']) {
    const r = await c.request('POST', p, { body: 'x'.repeat(200_000), type: 'text/plain' });
    assert.equal(r.status, 413, `${p}: ${r.status}`);
  }
});

test('64 slow anonymous clients do not delay a signed-in seller', async () => {
  const seller = new Client(stack.base);
  assert.equal((await seller.login('vendedor.a', PASSWORD)).status, 303);
  const slow = Array.from({ length: 64 }, () => trickle(stack.hostPort, { everyMs: 700 }));
  await Promise.all(slow.map(s => s.opened));
  await new Promise(res => setTimeout(res, 1500));
  let worst = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    const r = await seller.get('/sac/');
    worst = Math.max(worst, Date.now() - t0);
    assert.equal(r.status, 200);
  }
  slow.forEach(s => s.stop());
  assert.ok(worst < 2000, `the seller waited ${worst} ms`);
});

test('a client trickling its headers is cut at the request deadline', async () => {
  const s = trickle(stack.hostPort, { everyMs: 300 });
  const lived = await Promise.race([s.closed, new Promise(res => setTimeout(() => res(Infinity), 30_000))]);
  s.stop();
  assert.ok(lived < 20_000, `connection lived ${lived} ms`);
});

test('/healthz tells anonymous callers only up or down', async () => {
  const r = await fetch(`${stack.base}/healthz`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok' });
});

test('every HTML page carries a strict CSP and the other security headers', async () => {
  const seller = new Client(stack.base);
  await seller.login('vendedor.a', PASSWORD);
  for (const p of ['/login', '/', '/sac/', '/sac/lost-found', '/nope']) {
    const r = await (p === '/login' ? new Client(stack.base) : seller).get(p);
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /script-src 'self'/, p);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, p);
    assert.match(csp, /frame-ancestors 'none'/, p);
    assert.equal(r.headers.get('referrer-policy'), 'same-origin', p);
    assert.ok(r.headers.get('permissions-policy'), p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.doesNotMatch(r.text, /<script>|<script [^>]*>[^<]/, `${p}: inline script`);
    assert.doesNotMatch(r.text, /\son[a-z]+="/i, `${p}: inline event handler`);
  }
});

test('password guessing from one address is throttled across login names', async () => {
  const c = new Client(stack.base);
  let throttled = false;
  for (let i = 0; i < 30 && !throttled; i++) {
    const r = await c.login(`nobody${i}`, 'wrong');
    throttled = r.status === 429;
  }
  assert.ok(throttled, 'no 429 after 30 failures from one address');
});
