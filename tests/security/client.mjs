// A small HTTP client for the black-box security tests: a cookie jar, the
// login form, form posts with the session's CSRF token, and raw sockets for
// clients that misbehave on purpose.
import net from 'node:net';

export class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keep(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method, path, { body, type = 'application/x-www-form-urlencoded', headers = {} } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.Cookie = this.cookieHeader();
    if (body !== undefined && type) h['Content-Type'] = type;
    const r = await fetch(this.base + path, { method, headers: h, body, redirect: 'manual' });
    this.keep(r);
    const text = await r.text();
    return { status: r.status, headers: r.headers, text };
  }

  get(path, opts) { return this.request('GET', path, opts); }

  post(path, fields, opts = {}) {
    return this.request('POST', path, { body: new URLSearchParams(fields).toString(), ...opts });
  }

  static csrfIn(html) {
    const m = /name="_csrf" value="([0-9a-f]+)"/.exec(html);
    return m ? m[1] : '';
  }

  /** GET /login, then POST the form with its token. */
  async login(login, password) {
    const page = await this.get('/login');
    return this.post('/login', { _csrf: Client.csrfIn(page.text), login, password, next: '/' });
  }

  /** The session's CSRF token, from a page of the module. */
  async csrf(path = '/sac/') {
    return Client.csrfIn((await this.get(path)).text);
  }
}

/**
 * Opens a connection and sends `prefix`, then one byte every `everyMs` until
 * the host closes the connection or stop() is called. `closed` resolves with
 * the milliseconds the connection lived.
 */
export function trickle(port, { prefix = 'POST /login HTTP/1.1\r\nHost: x\r\nX-Slow: ', everyMs = 500 } = {}) {
  const started = Date.now();
  const socket = net.connect(port, '127.0.0.1');
  let timer;
  let stopped = false;
  const closed = new Promise(resolve => {
    const done = () => { clearInterval(timer); resolve(Date.now() - started); };
    socket.on('close', done);
    socket.on('error', () => {});
  });
  const opened = new Promise(resolve => socket.on('connect', resolve));
  socket.on('connect', () => {
    socket.write(prefix);
    timer = setInterval(() => { if (!stopped) socket.write('a'); }, everyMs);
  });
  socket.on('data', () => {});
  return { opened, closed, stop: () => { stopped = true; clearInterval(timer); socket.destroy(); } };
}
