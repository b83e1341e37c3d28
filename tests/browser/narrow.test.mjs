// Browser tests of narrow screens (issue 22): the explorer and both embeds at 360 px wide (a phone) and
// at 200 % zoom (a 1280 × 900 window zoomed in: 640 × 450 CSS pixels at two device pixels each), in
// English and Arabic. Nothing may scroll sideways, and every control must be inside the view's width.
// Screenshots go to target/browser-artifacts/narrow-*.png.
//
// Environment: PG_BIN, PG_WIDGETS, PG_ARTIFACTS, CHROMIUM (see harness.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, serverAndBrowser } from './harness.mjs';

const env = serverAndBrowser('pg-narrow-');

const SCREENS = {
  phone: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
  zoom200: { viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 },
};

const PAGES = {
  explore: { path: '/explore?view=map&focus=network:wacap', ready: '.pg-map[data-load="ready"]' },
  'explore-triangles': { path: '/explore?view=triangles&involving=country:BRA', ready: '.pg-tri-view[data-state="ready"]' },
  'explore-path': { path: '/explore?view=path&from=agency:undp&to=agency:wfp', ready: '.pg-path' },
  'explore-match': { path: '/explore?view=match&need=need:wfp-country-office-proposals', ready: '.pg-match' },
  'embed-map': { path: '/embed/map?focus=network:wacap', ready: '.pg-map[data-load="ready"]' },
  'embed-map-geo': { path: '/embed/map?focus=agency:unossc&layout=geo', ready: '.pg-map[data-load="ready"]' },
  'embed-triangles': { path: '/embed/triangles?involving=country:BRA', ready: '.pg-tri-view[data-state="ready"]' },
};

/** What sticks out sideways: the page's horizontal overflow, and the controls not within the view's width. */
function sideways(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const overflow = document.documentElement.scrollWidth - width;
    const controls = [...document.querySelectorAll('button, select, input, summary, a[href], canvas, textarea')]
      .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.pg-sr-only'))
      .map((el) => [el, el.getBoundingClientRect()])
      .filter(([, box]) => box.width > 0 && (box.left < -0.5 || box.right > width + 0.5))
      .map(([el, box]) => `${el.tagName.toLowerCase()}.${el.className || ''} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    return { overflow, controls };
  });
}

for (const [screen, options] of Object.entries(SCREENS)) {
  test(`issue_22: the explorer and the embeds fit a ${screen} screen in English and Arabic`, async () => {
    const context = await env.browser.newContext({ ...options, bypassCSP: true });
    const page = await context.newPage();
    const problems = [];
    for (const [name, { path, ready }] of Object.entries(PAGES)) {
      for (const lang of ['en', 'ar']) {
        await page.goto(`${env.api}${path}&lang=${lang}`);
        await page.waitForSelector(ready);
        await page.waitForTimeout(300);
        const found = await sideways(page);
        if (found.overflow > 0) problems.push(`${name} ${lang}: the page scrolls sideways by ${found.overflow} px`);
        for (const control of found.controls) problems.push(`${name} ${lang}: ${control} is outside the view`);
        // The Download menu, open, fits too.
        if (await page.$('summary.pg-download-btn')) {
          await page.click('summary.pg-download-btn');
          const menu = await sideways(page);
          for (const control of menu.controls) problems.push(`${name} ${lang}, Download menu open: ${control} is outside the view`);
          await page.screenshot({ path: join(artifacts, `narrow-${screen}-${name}-${lang}-download.png`) });
          await page.click('summary.pg-download-btn');
        }
        await page.screenshot({ path: join(artifacts, `narrow-${screen}-${name}-${lang}.png`), fullPage: true });
      }
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}
