// Checks shared by the browser tests: axe-core (WCAG 2.1 A and AA) with no
// violation allowed, no sideways page scroll, touch targets of at least
// 24 × 24 CSS px, and focus indicators with at least 3:1 contrast.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** A phone: 390 × 844, touch, mobile viewport (what Chromium emulates for a mid-size phone). */
export const PHONE = {
  viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
};
export const DESKTOP = { viewport: { width: 1366, height: 900 } };

/** A logged-in page in a new context; device is PHONE or DESKTOP. */
export async function devicePage(stack, login, device, { javaScriptEnabled = true } = {}) {
  const context = await stack.browser.newContext({ locale: 'pt-BR', javaScriptEnabled, ...device });
  const page = await context.newPage();
  page.on('dialog', d => { stack.lastDialog = d.message(); d.dismiss().catch(() => {}); });
  await stack.login(page, login);
  return page;
}

/** Runs axe-core on the page (WCAG 2.0/2.1 A and AA rules) and fails on any violation. */
export async function assertNoAxeViolations(page, label) {
  // Evaluated through the DevTools protocol: the pages' Content-Security-Policy
  // (script-src 'self') stays in force and is not what is being tested here.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => `${n.target.join(' ')} — ${n.failureSummary}`),
    }));
  });
  assert.deepEqual(result, [], `axe violations on ${label}:\n${JSON.stringify(result, null, 2)}`);
}

/**
 * The page never scrolls sideways: nothing is wider than the device. On a phone Chromium widens
 * the layout viewport (and zooms out) to fit wide content, so innerWidth is compared too.
 */
export async function assertNoSidewaysScroll(page, label) {
  const width = page.viewportSize().width;
  const m = await page.evaluate((device) => {
    const root = document.scrollingElement || document.documentElement;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > device + 1 && getComputedStyle(el).position !== 'fixed') {
        wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} right=${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, wide: wide.slice(0, 8) };
  }, width);
  assert.ok(m.scrollWidth <= width && m.innerWidth <= width,
            `${label}: the page is ${m.scrollWidth} px wide (layout viewport ${m.innerWidth} px) on a ${width} px screen; ` +
            `too wide: ${m.wide.join(', ')}`);
}

/**
 * Every visible control (buttons, fields, checkboxes, radios, selects, summaries, links shown as
 * buttons) is at least 24 × 24 CSS px; links inside running text are exempt (WCAG 2.5.8).
 */
export async function assertTouchTargets(page, label, scope = 'body') {
  const small = await page.evaluate((sel) => {
    const root = document.querySelector(sel) || document.body;
    const out = [];
    const controls = root.querySelectorAll('button, input:not([type=hidden]), select, textarea, summary, a.sac-button, [role=button]');
    for (const el of controls) {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
      // A checkbox or radio inside its label: the label is the target.
      let box = r;
      const label = (el.type === 'checkbox' || el.type === 'radio') ? el.closest('label') : null;
      if (label) {
        const lr = label.getBoundingClientRect();
        box = { width: Math.max(r.width, lr.width), height: Math.max(r.height, lr.height) };
      }
      if (box.width < 24 || box.height < 24) {
        out.push(`${el.tagName.toLowerCase()}[${el.getAttribute('name') || el.className || el.type || ''}] ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return out;
  }, scope);
  assert.deepEqual(small, [], `${label}: controls smaller than 24 × 24 px`);
}

function luminance(rgb) {
  const [r, g, b] = rgb.map(v => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/**
 * Tabs through up to maxStops controls from the top of the page and checks that each shows a
 * focus outline at least 2 px wide whose colour has 3:1 contrast with the surface it is drawn on
 * (the nearest opaque background around the control) and, when it touches the control, with the
 * control's own background.
 */
export async function assertFocusVisible(page, label, maxStops = 40) {
  await page.evaluate(() => { if (!document.querySelector('dialog[open]')) document.activeElement?.blur?.(); window.scrollTo(0, 0); });
  const seen = [];
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const parse = (s) => (s.match(/[\d.]+/g) || []).slice(0, 4).map(Number);
      const opaque = (c) => c.length === 3 || (c.length === 4 && c[3] > 0.5);
      let surface = [255, 255, 255];
      for (let p = el.parentElement; p; p = p.parentElement) {
        const c = parse(getComputedStyle(p).backgroundColor);
        if (opaque(c)) { surface = c.slice(0, 3); break; }
      }
      const own = parse(cs.backgroundColor);
      return {
        name: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}[${el.getAttribute('name') || el.textContent.trim().slice(0, 30)}]`,
        style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), offset: parseFloat(cs.outlineOffset) || 0,
        color: parse(cs.outlineColor).slice(0, 3), surface, own: opaque(own) ? own.slice(0, 3) : surface,
        inDialog: !!el.closest('dialog'),
      };
    });
    if (!f) break;
    seen.push(f);
  }
  assert.ok(seen.length > 0, `${label}: nothing takes the focus`);
  const bad = seen.filter(f => f.style === 'none' || f.width < 2 || contrast(f.color, f.surface) < 3 ||
                               (f.offset < 1 && contrast(f.color, f.own) < 3))
                  .map(f => `${f.name}: ${f.style} ${f.width}px rgb(${f.color}) on rgb(${f.surface})`);
  assert.deepEqual(bad, [], `${label}: focus indicators too faint`);
  return seen;
}
