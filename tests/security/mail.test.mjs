// A mail sender against a running host: a message counts only for the
// account whose secret address it was delivered to, from a user of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, PASSWORD } from '../e2e/harness.mjs';
import { Client } from './client.mjs';

const TOKEN = 'security-inbound-token-0123456789abcdef0123';
const stack = new Stack();
before(async () => {
  await stack.start({ browser: false, settings: { inbound_mail_token: TOKEN,
                                                  inbound_mail_address: 'sac@inbound.example' } });
});
after(async () => { await stack.stop(); });

async function addressOf(login) {
  const c = new Client(stack.base);
  assert.equal((await c.login(login, PASSWORD)).status, 303);
  const page = await c.get('/sac/lost-found/mail');
  const m = /id="sac-lf-mail-address"[^>]*value="([^"]+)"/.exec(page.text);
  assert.ok(m, `no address on the page of ${login}`);
  return m[1];
}

async function deliver(recipient, from, { token = TOKEN, messageId = `<${Math.random()}@x>` } = {}) {
  const subject = 'Fwd: Your Amazon Seller Support case: Case ID 1234567890';
  const raw = [
    `From: ${from}`, `To: ${recipient}`, `Subject: ${subject}`, `Message-ID: ${messageId}`,
    'Date: Tue, 12 Mar 2024 10:22:31 -0300', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '',
    '---------- Forwarded message ---------', 'From: Amazon Seller Support <seller-support@amazon.com>',
    `Subject: ${subject}`, '', 'We reimbursed 2 units.', '',
  ].join('\r\n');
  const headers = { 'Content-Type': 'message/rfc822', 'X-Sac-Envelope-Recipient': recipient };
  if (token) headers['X-Sac-Inbound-Token'] = token;
  const r = await fetch(`${stack.base}/sac-inbound/mail`, { method: 'POST', body: raw, headers });
  return { status: r.status, outcome: (await r.json()).outcome };
}

test('a forged sender to another account\'s address stores nothing', async () => {
  const a = await addressOf('admin.a');
  const b = await addressOf('admin.b');
  assert.notEqual(a, b);
  // vendedor.a is a real, active user — of account A, not B.
  assert.deepEqual(await deliver(b, 'Vitor <vendedor.a@example.com>'),
                   { status: 200, outcome: 'dropped_unknown_sender' });
  // admin.b forging into A.
  assert.deepEqual(await deliver(a, 'Bia <admin.b@example.com>'), { status: 200, outcome: 'dropped_unknown_sender' });
  // The bare installation address and made-up tokens reach nobody.
  assert.equal((await deliver('sac@inbound.example', 'Vitor <vendedor.a@example.com>')).outcome,
               'dropped_unknown_recipient');
  assert.equal((await deliver('sac+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@inbound.example',
                              'Vitor <vendedor.a@example.com>')).outcome, 'dropped_unknown_recipient');
});

test('the inbound endpoint needs its token and refuses large anonymous bodies', async () => {
  const a = await addressOf('admin.a');
  assert.equal((await deliver(a, 'Vitor <vendedor.a@example.com>', { token: '' })).status, 401);
  assert.equal((await deliver(a, 'Vitor <vendedor.a@example.com>', { token: 'x'.repeat(44) })).status, 401);
  const big = await fetch(`${stack.base}/sac-inbound/mail`, { method: 'POST', body: 'x'.repeat(100_000),
                                                             headers: { 'Content-Type': 'message/rfc822' } });
  assert.equal(big.status, 413, 'without a token the anonymous limit applies');
});
