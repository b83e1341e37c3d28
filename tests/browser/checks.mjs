// Checks shared by the browser tests: axe-core (WCAG 2.1 A/AA and best practice) inside the page, and
// the isolation of data text that carries bidi controls. Both run in the page with `evaluate`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in `scope` (a page or a frame; its context needs `bypassCSP: true`, as the pages' CSP
 * forbids injected scripts) and returns the moderate, serious and critical violations, one line each
 * (issue 22 asks for no serious or critical one; the pages have none of moderate impact either, such as a
 * missing main landmark or heading, content outside landmarks, or skipped heading levels).
 */
export async function axeViolations(scope) {
  await scope.evaluate(axeSource);
  const results = await scope.evaluate(() =>
    globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  );
  return results.violations
    .filter((violation) => ['moderate', 'serious', 'critical'].includes(violation.impact))
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`);
}

/**
 * Text nodes carrying bidi embedding, override or isolate controls (U+202A–U+202E, U+2066–U+2069)
 * that could reorder the text around them: those neither inside an isolating inline element (`<bdi>`,
 * `dir`, `unicode-bidi: isolate | plaintext`) nor alone in their block (a paragraph of their own).
 * Returns the start of each offending parent's HTML; an empty list means every such text is isolated.
 */
export function unisolatedBidi(scope) {
  return scope.evaluate(() => {
    const controls = /[\u202A-\u202E\u2066-\u2069]/;
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!controls.test(node.textContent)) continue;
      let ok = false;
      for (let el = node.parentElement; el; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (['isolate', 'isolate-override', 'plaintext'].includes(style.unicodeBidi)) {
          ok = true;
          break;
        }
        if (!style.display.startsWith('inline')) {
          ok = el.textContent === node.textContent;
          break;
        }
      }
      if (!ok) out.push(node.parentElement.outerHTML.slice(0, 160));
    }
    return out;
  });
}
