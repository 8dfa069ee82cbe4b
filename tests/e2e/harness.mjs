// Starts a real simulator and a real host with the SAC module on a fresh
// SQLite database, creates two accounts with an admin and a seller each, and
// opens Debian's Chromium headless through playwright-core.
//
// Environment (set by tests/e2e/CMakeLists.txt): SAC_HOST_BIN, SAC_SIM_BIN,
// SAC_MODULES_DIR; optional SAC_SCREENSHOTS_DIR to keep screenshots.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const PASSWORD = 'senha-de-teste-123';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is required`);
  return v;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitFor(url, ms = 20000) {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) { last = e.message; }
    await new Promise(r => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer in ${ms} ms: ${last}`);
}

function startProcess(bin, args, logFile) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks = [];
  child.stdout.on('data', d => chunks.push(d));
  child.stderr.on('data', d => chunks.push(d));
  child.log = () => Buffer.concat(chunks).toString('utf8');
  child.on('exit', () => { try { writeFileSync(logFile, child.log()); } catch { /* dir gone */ } });
  return child;
}

export class Stack {
  /**
   * simArgs: extra simulator options (e.g. ['--amazon-marketplace=A1PA6795UKMFR9']);
   * settings: extra module settings, written as modules.sac.<key> = <value>.
   */
  async start({ disputes = 40, seed = 7, demoStore = false, leaseSeconds = 120, simArgs = [], settings = {}, hostSettings = {},
                browser = true } = {}) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'sac-e2e-'));
    this.hostBin = need('SAC_HOST_BIN');
    this.simBin = need('SAC_SIM_BIN');
    this.modulesDir = need('SAC_MODULES_DIR');
    this.simPort = await freePort();
    this.hostPort = await freePort();
    this.sim = startProcess(this.simBin, [`--port=${this.simPort}`, `--disputes=${disputes}`, `--seed=${seed}`, ...simArgs],
                            path.join(this.dir, 'sim.log'));
    const config = path.join(this.dir, 'host.properties');
    writeFileSync(config, [
      `host.listen = 127.0.0.1:${this.hostPort}`,
      `host.modules = ${this.modulesDir}`,
      `host.data_dir = ${this.dir}/data`,
      `host.database = sqlite:${this.dir}/data/sac.db`,
      'host.pbkdf2_iterations = 1000',
      `modules.sac.key_file = ${this.dir}/data/sac.key`,
      `modules.sac.aliexpress_gateway = http://127.0.0.1:${this.simPort}`,
      // Development setting: the simulator listens on 127.0.0.1.
      `modules.sac.allow_loopback_endpoints = true`,
      `modules.sac.demo_store = ${demoStore ? 'true' : 'false'}`,
      `modules.sac.sync_lease_seconds = ${leaseSeconds}`,
      // Automatic syncs stay off unless a test turns them on: a run nobody clicked would
      // change what the other tests count.
      ...('schedule_enabled' in settings ? [] : ['modules.sac.schedule_enabled = false']),
      ...Object.entries(settings).map(([k, v]) => `modules.sac.${k} = ${v}`),
      ...Object.entries(hostSettings).map(([k, v]) => `host.${k} = ${v}`),
      '',
    ].join('\n'));
    this.config = config;
    const admin = (args) => execFileSync(this.hostBin, [`--config=${config}`, ...args],
                                         { env: { ...process.env, SAC_PASSWORD: PASSWORD }, stdio: 'pipe' });
    for (const acct of ['Loja A', 'Loja B']) admin([`--create-account=${acct}`]);
    admin(['--create-user=admin.a', '--account=Loja A', '--role=admin', '--email=admin.a@example.com', '--name=Ana Admin']);
    admin(['--create-user=vendedor.a', '--account=Loja A', '--role=seller', '--email=vendedor.a@example.com', '--name=Vitor Vendedor']);
    admin(['--create-user=admin.b', '--account=Loja B', '--role=admin', '--email=admin.b@example.com', '--name=Bia Admin']);
    this.host = startProcess(this.hostBin, [`--config=${config}`], path.join(this.dir, 'host.log'));
    this.base = `http://127.0.0.1:${this.hostPort}`;
    await waitFor(`http://127.0.0.1:${this.simPort}/_sim/stats`);
    await waitFor(`${this.base}/healthz`);
    if (!browser) return this;
    this.browser = await chromium.launch({
      executablePath: process.env.SAC_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return this;
  }

  /** Kills the host (SIGKILL: no chance to save anything) and starts it again on the same data. */
  async killAndRestartHost() {
    const old = this.host;
    const exited = new Promise(r => old.once('exit', r));
    old.kill('SIGKILL');
    await exited;
    this.host = startProcess(this.hostBin, [`--config=${this.config}`], path.join(this.dir, 'host-2.log'));
    await waitFor(`${this.base}/healthz`);
  }

  async simControl(path, body) {
    const r = await fetch(`http://127.0.0.1:${this.simPort}${path}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}),
    });
    if (!r.ok) throw new Error(`simulator ${path}: HTTP ${r.status}`);
    return r.json();
  }

  /** permissions: granted to the host's origin, e.g. ['clipboard-read', 'clipboard-write']. */
  async newPage({ permissions = [] } = {}) {
    const context = await this.browser.newContext({ locale: 'pt-BR', viewport: { width: 1366, height: 900 } });
    if (permissions.length) await context.grantPermissions(permissions, { origin: this.base });
    const page = await context.newPage();
    page.on('dialog', d => { this.lastDialog = d.message(); d.dismiss().catch(() => {}); });
    return page;
  }

  async login(page, login) {
    await page.goto(`${this.base}/login`);
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  }

  async screenshot(page, name, { fullPage = true } = {}) {
    const dir = process.env.SAC_SCREENSHOTS_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage });
  }

  async stop() {
    if (this.browser) await this.browser.close().catch(() => {});
    for (const p of [this.host, this.sim]) {
      if (p && p.exitCode === null) {
        p.kill('SIGTERM');
        await new Promise(r => { p.once('exit', r); setTimeout(r, 5000); });
      }
    }
    if (process.env.SAC_E2E_KEEP) return;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/// Meets the account's protocol in a refusal form: fills the internal
/// justification when one is asked for (the dispute is late in its deadline:
/// the field is required), and confirms refusing without the evidence the
/// cause asks for when the form offers it (the account only warns).
/// Returns the justification typed, or ''.
export async function followProtocol(form, text = 'Rastreio confirma a entrega; recusa revista pela equipe.') {
  const box = form.locator('[data-sac-evidence-confirm]');
  if (await box.count() && await box.isVisible()) await box.locator('input[name=confirm_missing_evidence]').check();
  const field = form.locator('textarea[name=justification]');
  if (!(await field.count()) || (await field.getAttribute('required')) === null) return '';
  await field.fill(text);
  return text;
}
