// Tenant isolation: while one account syncs several AliExpress stores against a
// slow gateway, another account's /sac/ keeps answering quickly and without
// errors. A real simulator and a real host with the module (tests/e2e/harness.mjs),
// driven over HTTP only.
//
//   node bench/isolation/isolation.mjs [--build=build/release] [--stores=4] [--disputes=500]
//        [--latency-ms=1500] [--requests=200] [--clients=4] [--seconds=25] [--p95-ms=300]
//
// SAC_HOST_BIN, SAC_SIM_BIN and SAC_MODULES_DIR win over --build. Exit status: 0 when the
// figure holds, 1 when it does not, 2 when the measurement is void (the syncs ended
// before it did) or the set-up failed. SAC_E2E_KEEP=1 keeps the logs and the database.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack, PASSWORD } from '../../tests/e2e/harness.mjs';
import { Client } from '../../tests/security/client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function options(argv) {
  const o = { build: 'build/release', stores: 4, disputes: 500, 'latency-ms': 1500, requests: 200, clients: 4,
              seconds: 25, 'p95-ms': 300 };
  for (const a of argv) {
    const m = /^--([a-z0-9-]+)=(.*)$/.exec(a);
    if (!m || !(m[1] in o)) throw new Error(`unknown option ${a}; expected --name=value with name one of ` +
                                            Object.keys(o).join(', '));
    if (m[1] === 'build') { o.build = m[2]; continue; }
    const n = Number(m[2]);
    if (!Number.isFinite(n) || n < (m[1] === 'latency-ms' ? 0 : 1)) throw new Error(`${a}: expected a positive number`);
    o[m[1]] = n;
  }
  return o;
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
}

function summary(samples) {
  const ms = samples.map(s => s.ms).sort((a, b) => a - b);
  const errors = samples.filter(s => s.status !== 200).length;
  return { count: samples.length, errors, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms[ms.length - 1] };
}

const fmt = v => (Number.isFinite(v) ? v.toFixed(1) : '-');

async function timed(client, urlPath, t0) {
  const start = performance.now();
  let status;
  let note = '';
  try {
    status = (await client.get(urlPath)).status;
  } catch (e) {
    status = 'network';
    note = e.cause?.code ?? e.message;
  }
  const end = performance.now();
  return { at: (start - t0) / 1000, ms: end - start, status, note };
}

async function simStats(stack) {
  const r = await fetch(`http://127.0.0.1:${stack.simPort}/_sim/stats`);
  if (!r.ok) throw new Error(`simulator stats: HTTP ${r.status}`);
  return r.json();
}

async function login(stack, who) {
  const c = new Client(stack.base);
  const r = await c.login(who, PASSWORD);
  if (r.status !== 303) throw new Error(`login of ${who}: HTTP ${r.status}`);
  return c;
}

async function jsonPost(client, urlPath, body, csrf) {
  const r = await client.request('POST', urlPath, { body: JSON.stringify(body), type: 'application/json',
                                                    headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' } });
  return { status: r.status, body: r.text ? JSON.parse(r.text) : null };
}

async function syncStatus(client) {
  const r = await client.get('/sac/api/sync/status');
  if (r.status !== 200) throw new Error(`sync status: HTTP ${r.status}`);
  return JSON.parse(r.text);
}

/** The sync status, or null when it does not answer 200 (e.g. a host whose database pool the runs hold). */
async function readStatus(client) {
  try {
    const r = await client.get('/sac/api/sync/status');
    return r.status === 200 ? JSON.parse(r.text) : null;
  } catch {
    return null;
  }
}

/** An admin adds an AliExpress store and authorizes it, as on the store page (the code from the simulator). */
async function addStore(stack, admin, csrf, i, appKey, appSecret) {
  const created = await admin.post('/sac/stores', {
    _csrf: csrf, marketplace: 'aliexpress', name: `Loja ${i} (isolamento)`, seller_email: `loja${i}@example.com`,
    gateway_url: `http://127.0.0.1:${stack.simPort}`, app_key: appKey, app_secret: appSecret,
    return_address_id: '900100200' });
  if (created.status !== 303) throw new Error(`store ${i}: HTTP ${created.status} ${created.text.slice(0, 200)}`);
  const storePath = new URL(created.headers.get('location'), stack.base).pathname;
  const begun = await admin.post(`${storePath}/authorize`, { _csrf: csrf });
  if (begun.status !== 303) throw new Error(`authorize store ${i}: HTTP ${begun.status}`);
  const consent = new URL(begun.headers.get('location'));
  const { code } = await stack.simControl('/_sim/code', { app_key: appKey });
  const back = new URL(consent.searchParams.get('redirect_uri'));
  back.searchParams.set('code', code);
  back.searchParams.set('state', consent.searchParams.get('state'));
  const done = await admin.get(back.pathname + back.search);
  if (done.status !== 303 || !/done=authorized/.test(done.headers.get('location') ?? ''))
    throw new Error(`authorization of store ${i}: HTTP ${done.status} ${done.headers.get('location')}`);
  return Number(storePath.split('/').pop());
}

async function main() {
  let o;
  try {
    o = options(process.argv.slice(2));
  } catch (e) {
    console.error(`isolation: ${e.message}`);
    process.exitCode = 2;
    return;
  }
  const build = path.resolve(root, o.build);
  process.env.SAC_HOST_BIN ??= path.join(build, 'bin/sac-host');
  process.env.SAC_SIM_BIN ??= path.join(build, 'bin/sac-sim');
  process.env.SAC_MODULES_DIR ??= path.join(build, 'modules');

  // Store 0 of the simulator is account B's demo store; the others belong to account A.
  const keys = [{ key: 'demo-app-key', secret: 'demo-app-secret', access: 'demo-access-token', refresh: 'demo-refresh-token' }];
  for (let i = 1; i <= o.stores; i++)
    keys.push({ key: `iso-app-${i}`, secret: `iso-secret-${i}`, access: `iso-access-${i}`, refresh: `iso-refresh-${i}` });
  const simArgs = keys.flatMap(k => [`--app-key=${k.key}`, `--app-secret=${k.secret}`, `--access-token=${k.access}`,
                                     `--refresh-token=${k.refresh}`]);

  console.log(`account A: ${o.stores} stores x ${o.disputes} disputes behind a ${o['latency-ms']} ms gateway; ` +
              `account B: ${o.requests} GET /sac/ from ${o.clients} clients over ~${o.seconds} s`);
  const stack = new Stack();
  let verdict = 2;
  try {
    for (const bin of [process.env.SAC_HOST_BIN, process.env.SAC_SIM_BIN]) accessSync(bin, constants.X_OK);
    await stack.start({ browser: false, demoStore: true, disputes: o.disputes, simArgs });
    // Account B's seller, created as an operator would.
    execFileSync(stack.hostBin, [`--config=${stack.config}`, '--create-user=vendedor.b', '--account=Loja B',
                                 '--role=seller', '--email=vendedor.b@example.com', '--name=Beto Vendedor'],
                 { env: { ...process.env, SAC_PASSWORD: PASSWORD }, stdio: 'pipe' });

    // Account B: its demo store, synced while the gateway is still instant.
    const b = await login(stack, 'vendedor.b');
    if ((await b.get('/sac/')).status !== 200) throw new Error('account B: /sac/ did not answer 200');
    const startB = await jsonPost(b, '/sac/api/sync', {}, await b.csrf());
    if (startB.status !== 202) throw new Error(`account B sync: HTTP ${startB.status} ${JSON.stringify(startB.body)}`);
    for (const until = Date.now() + 120000; (await syncStatus(b)).running;) {
      if (Date.now() > until) throw new Error('account B: the demo store sync did not finish in 120 s');
      await sleep(250);
    }
    const casesB = JSON.parse((await b.get('/sac/api/cases?limit=1')).text);
    const runB = (await syncStatus(b)).runs[0];
    console.log(`account B: demo store synced (${runB.state}, ${runB.items_done} disputes, ` +
                `${runB.duration_ms} ms); /sac/api/cases shows ${casesB.items.length ? 'cases' : 'no case'}`);

    // Account A: an admin adds the stores (before anyone of A opens /sac/, so no demo store).
    const adminA = await login(stack, 'admin.a');
    const csrfAdmin = await adminA.csrf('/sac/stores');
    const storeIds = [];
    for (let i = 1; i <= o.stores; i++)
      storeIds.push(await addStore(stack, adminA, csrfAdmin, i, keys[i].key, keys[i].secret));
    console.log(`account A: ${storeIds.length} AliExpress stores added and authorized (ids ${storeIds.join(', ')})`);

    // The gateway becomes slow; account A's seller syncs every store.
    await stack.simControl('/_sim/config', { latency_ms: o['latency-ms'] });
    await stack.simControl('/_sim/stats/reset', {});
    const a = await login(stack, 'vendedor.a');
    const startA = await jsonPost(a, '/sac/api/sync', {}, await a.csrf());
    if (startA.status !== 202 || startA.body.runs.length !== o.stores)
      throw new Error(`account A sync: HTTP ${startA.status} ${JSON.stringify(startA.body)}`);
    const runningOf = st => st.runs.filter(r => storeIds.includes(r.store_id) && r.state === 'running').length;
    const syncStart = Date.now();
    let seen = null;
    for (const until = Date.now() + 30000; Date.now() < until;) {
      const st = await readStatus(a);
      if (st) seen = st;
      if (st && runningOf(st) === o.stores) break;
      await sleep(200);
    }
    if (seen && runningOf(seen) < o.stores)
      throw new Error(`account A: only ${runningOf(seen)} of ${o.stores} syncs running: ${JSON.stringify(seen.runs)}`);
    if (seen) {
      // Measure while the runs fetch details and write cases, not only while they list.
      const fetching = st => st.runs.filter(r => storeIds.includes(r.store_id) && r.state === 'running' &&
                                                 r.items_done > 0).length;
      for (const until = Date.now() + 120000; Date.now() < until;) {
        const st = await readStatus(a);
        if (!st) break; // a host that cannot answer is measured as it is
        seen = st;
        if (fetching(st) === o.stores) break;
        await sleep(250);
      }
      console.log(`account A: ${runningOf(seen)} syncs running, ${fetching(seen)} fetching details ` +
                  `${((Date.now() - syncStart) / 1000).toFixed(1)} s after the start; measuring`);
    } else {
      console.log(`account A: the sync status did not answer for ${((Date.now() - syncStart) / 1000).toFixed(1)} s ` +
                  `(the simulator has ${(await simStats(stack)).in_flight.current} calls in flight); measuring`);
    }

    // Measurement: B's clients spread their requests over the window; A's page, A's sync
    // status and the simulator's calls in flight are sampled beside them.
    const t0 = performance.now();
    const perClient = Math.ceil(o.requests / o.clients);
    const gapMs = o.seconds * 1000 / perClient;
    const bSamples = [];
    const clientsB = [b, ...await Promise.all(Array.from({ length: o.clients - 1 }, () => login(stack, 'vendedor.b')))];
    let measuring = true;
    // A host that makes requests wait cannot stretch the window beyond twice its length.
    const lastStart = t0 + 2 * o.seconds * 1000;
    const runClient = async (client, k) => {
      const mine = Math.floor(o.requests / o.clients) + (k < o.requests % o.clients ? 1 : 0);
      for (let n = 0; n < mine; n++) {
        const due = t0 + (n + k / o.clients) * gapMs;
        if (performance.now() > lastStart) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        bSamples.push(await timed(client, '/sac/', t0));
      }
    };
    const aSamples = [];
    const statusSamples = [];
    const inFlight = [];
    const sideLoop = async () => {
      while (measuring) {
        aSamples.push(await timed(a, '/sac/', t0));
        statusSamples.push(await timed(a, '/sac/api/sync/status', t0));
        await sleep(2000);
      }
    };
    const simLoop = async () => {
      while (measuring) {
        try { inFlight.push((await simStats(stack)).in_flight.current); } catch { /* sampled again */ }
        await sleep(1000);
      }
    };
    const side = [sideLoop(), simLoop()];
    await Promise.all(clientsB.map(runClient));
    const elapsed = (performance.now() - t0) / 1000;
    measuring = false;
    await Promise.all(side);

    const endStatus = await readStatus(a);
    const stats = await simStats(stack);
    // Without a readable status, calls still in flight at the gateway show the runs go on.
    const stillRunning = endStatus ? runningOf(endStatus) : stats.in_flight.current > 0 ? o.stores : 0;

    const sb = summary(bSamples);
    const sa = summary(aSamples);
    const ss = summary(statusSamples);
    const line = (name, s) => console.log(`${name.padEnd(34)} count ${String(s.count).padStart(4)}  errors ${s.errors}  ` +
                                          `p50 ${fmt(s.p50)} ms  p95 ${fmt(s.p95)} ms  max ${fmt(s.max)} ms`);
    console.log(`measured for ${elapsed.toFixed(1)} s`);
    line('account B GET /sac/', sb);
    line('account A GET /sac/', sa);
    line('account A GET /sac/api/sync/status', ss);
    const byKey = Object.entries(stats.in_flight.by_app_key ?? {})
      .filter(([k]) => k.startsWith('iso-app-')).map(([k, v]) => `${k} ${v.max}`).join(', ');
    const sampled = inFlight.length ? `${Math.min(...inFlight)}..${Math.max(...inFlight)}` : '-';
    console.log(`simulator calls in flight: max ${stats.in_flight.max} (by app key: ${byKey}); ` +
                `sampled during the measurement ${sampled}`);
    if (endStatus)
      console.log(`account A syncs at the end: ${stillRunning} of ${o.stores} running; ` +
                  endStatus.runs.filter(r => storeIds.includes(r.store_id))
                    .map(r => `store ${r.store_id} ${r.state} ${r.items_done}/${r.items_total}`).join(', '));
    else
      console.log(`account A syncs at the end: the status did not answer; the simulator has ` +
                  `${stats.in_flight.current} calls in flight`);
    if (sb.count < o.requests)
      console.log(`account B: ${o.requests - sb.count} requests not sent: the window (2 x ${o.seconds} s) ran out`);

    const bad = bSamples.filter(s => s.status !== 200);
    if (bad.length) {
      console.log('account B errors (first 10):');
      for (const s of bad.slice(0, 10)) console.log(`  at ${s.at.toFixed(1)} s: ${s.status} ${s.note} after ${fmt(s.ms)} ms`);
    }
    const slow = [...bSamples].sort((x, y) => y.ms - x.ms).slice(0, 5);
    if (sb.p95 >= o['p95-ms'] || bad.length)
      console.log('account B slowest: ' + slow.map(s => `${fmt(s.ms)} ms at ${s.at.toFixed(1)} s (${s.status})`).join('; '));

    if (stillRunning < o.stores) {
      console.log(`VOID: only ${stillRunning} of ${o.stores} syncs were still running at the end; ` +
                  'run again with more --disputes');
      verdict = 2;
    } else {
      const pass = sb.p95 < o['p95-ms'] && sb.errors === 0 && sb.count === o.requests;
      console.log(`isolation: account B /sac/ p95 ${fmt(sb.p95)} ms (< ${o['p95-ms']} ms), ${sb.errors} errors ` +
                  `while account A syncs ${o.stores} stores at ${o['latency-ms']} ms: ${pass ? 'PASS' : 'FAIL'}`);
      verdict = pass ? 0 : 1;
    }
    if (verdict === 1) {
      const notable = stack.host.log().split('\n')
        .filter(l => /pool|busy|timed? ?out|503|500|error|warn/i.test(l)).slice(-20);
      if (notable.length) console.log('host log (last notable lines):\n  ' + notable.join('\n  '));
    }
  } catch (e) {
    console.log(`isolation: set-up failed: ${e.message}`);
    if (stack.host) console.log('host log (tail):\n  ' + stack.host.log().split('\n').slice(-20).join('\n  '));
    verdict = 2;
  } finally {
    if (stack.dir) await stack.stop();
  }
  process.exitCode = verdict;
}

await main();
