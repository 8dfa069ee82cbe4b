// What the module shows a Portuguese-speaking seller, and the check that none
// of it is a marketplace code or an English sentence (technical details and
// verbatim marketplace or user content excepted).
import assert from 'node:assert/strict';

/** Visible texts of the page, outside technical details and verbatim content. */
export async function moduleTexts(page) {
  return page.evaluate(() => {
    const out = [];
    const skip = el => el.closest('.sac-tech, [data-verbatim], script, style, noscript, [hidden]');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim();
      if (!text || skip(n.parentElement)) continue;
      const dialog = n.parentElement.closest('dialog');
      if (dialog && !dialog.open) continue;
      out.push(text);
    }
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
      if (skip(el)) continue;
      for (const a of ['title', 'aria-label', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v && v.trim()) out.push(v.trim());
      }
    }
    for (const o of document.querySelectorAll('option')) if (!skip(o)) out.push(o.textContent.trim());
    return out;
  });
}

// A marketplace code: lower-case words joined by '_' (wait_for_seller_response).
const RAW_CODE = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/;
// Words of an English sentence that no Portuguese text of the module uses.
const ENGLISH = /\b(the|is|are|not|must|wrong|received|described|please|needs|failed|unknown|refund|seller|buyer|waiting|damaged|shipping|answered|again|cannot|should|been|has|was|with|your|item not)\b/i;

// Names of marketplace products a Brazilian seller uses as they are.
const PROPER_NAMES = /Seller Central|Developer Central|Lost & Found|Open Platform|Login with Amazon/g;

// A date or time as a browser in the United States writes it ("12/6/2026, 1:53:20 AM", "1:53 PM"):
// the pages write every time as the server formats it for the user (31/12/2026 21:00).
export const EN_US_TIME = /\b\d{1,2}\/\d{1,2}\/\d{4},\s*\d{1,2}:\d{2}|\b\d{1,2}:\d{2}(?::\d{2})?\s*[AP]M\b/;

export function offenders(texts) {
  return texts.filter(t => {
    const plain = t.replace(PROPER_NAMES, '');
    return RAW_CODE.test(plain) || ENGLISH.test(plain) || EN_US_TIME.test(plain);
  });
}

export async function assertPortuguese(page, where) {
  const bad = offenders(await moduleTexts(page));
  assert.deepEqual(bad, [], `${where}: raw codes or English outside "detalhe técnico"`);
}

