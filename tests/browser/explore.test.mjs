// Browser tests of the explorer (/explore) and the triangular explorer (/embed/triangles, embed.js
// data-partnergraph="triangles"), in real headless Chromium against a real `partnergraph serve` on the
// seed data. Seed facts behind the assertions (see the report of issue 7): the IBSA Fund is a *partial*
// arrangement (the sources name Brazil, India and South Africa as pivotal and UNDP/UNOSSC as
// facilitating, no beneficiary); UN-Habitat and WFP are not connected in the seed (UN-Habitat's
// component has five nodes), while UNDP reaches WFP through the IBSA Fund, Brazil and the WFP Centre of
// Excellence. Screenshots go to target/browser-artifacts/explore-*.png.
//
// Environment: PG_BIN, PG_WIDGETS, PG_ARTIFACTS, CHROMIUM (see harness.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations } from './checks.mjs';
import { artifacts, hostPage, launch, startServer } from './harness.mjs';

let work, server, api, browser, hostServer, host;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pg-explore-'));
  mkdirSync(artifacts, { recursive: true });
  ({ url: api, process: server } = await startServer(join(work, 'data')));
  ({ url: host, server: hostServer } = await hostPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner site</title></head>
<body style="font:16px Georgia,serif;max-width:1100px;margin:24px auto"><h1>Triangular cooperation with Brazil</h1>
<script src="${api}/embed.js" data-partnergraph="triangles" data-involving="country:BRA" async></script></body></html>`));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  hostServer?.close();
  server?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

async function open(path, locale = 'en-US') {
  // bypassCSP lets the accessibility test inject axe-core; nothing else depends on it.
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(`${api}${path}`);
  await page.waitForSelector('.pg-explore');
  return { page, errors, close: () => context.close() };
}

test('search with suggestions focuses the map and shows details with quoted sources; back works', async () => {
  const { page, errors, close } = await open('/explore?view=map&focus=network:wacap&lang=en');
  await page.waitForSelector('.pg-map[data-load="ready"]');
  await page.fill('#pg-search', 'ibsa');
  await page.waitForSelector('#pg-search-list [data-id="agreement:ibsa-fund"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.pg-map[data-focus="agreement:ibsa-fund"][data-load="ready"]');
  await page.waitForSelector('.pg-details[data-id="agreement:ibsa-fund"] .pg-quote');
  assert.match(page.url(), /focus=agreement:ibsa-fund/);
  await page.fill('#pg-search', 'india');
  await page.click('#pg-search-list [data-id="country:IND"]');
  await page.waitForSelector('.pg-map[data-focus="country:IND"][data-load="ready"]');
  await page.waitForSelector('.pg-details[data-id="country:IND"] .pg-partner[data-id="country:BRA"]');
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(artifacts, 'explore-search-focus.png'), fullPage: true });
  await page.goBack();
  await page.waitForSelector('.pg-map[data-focus="agreement:ibsa-fund"][data-load="ready"]');
  await page.goBack();
  await page.waitForSelector('.pg-map[data-focus="network:wacap"][data-load="ready"]');
  assert.deepEqual(errors, []);
  await close();
});

test('the IBSA Fund is drawn as a partial triangle: pivotal Brazil, India, South Africa; facilitating UNDP and UNOSSC; beneficiary not stated', async () => {
  const { page, errors, close } = await open('/explore?view=triangles&involving=agreement:ibsa-fund&lang=en');
  const tri = page.locator('.pg-tri[data-id="agreement:ibsa-fund"]');
  await tri.waitFor();
  assert.equal(await tri.getAttribute('data-partial'), 'true');
  const ids = async (role) => tri.locator(`.pg-corner[data-role="${role}"] .pg-actor`).evaluateAll((els) => els.map((el) => el.dataset.id));
  assert.deepEqual((await ids('PIVOTAL')).sort(), ['country:BRA', 'country:IND', 'country:ZAF']);
  assert.deepEqual((await ids('FACILITATING')).sort(), ['agency:undp', 'agency:unossc']);
  assert.deepEqual(await ids('BENEFICIARY'), []);
  assert.match(await tri.locator('.pg-corner[data-role="BENEFICIARY"]').innerText(), /not stated in the sources/);
  await page.screenshot({ path: join(artifacts, 'explore-triangle-ibsa.png'), fullPage: true });
  // All arrangements: the four complete triangulars of the seed, then the partial ones.
  await page.goto(`${api}/explore?view=triangles&lang=en`);
  await page.waitForSelector('.pg-tri-view[data-state="ready"]');
  for (const id of ['agreement:india-un-development-partnership-fund', 'agreement:wfp-coe-brazil', 'agreement:ilo-china-asean-regional-learning', 'network:unnext']) {
    assert.equal(await page.locator(`.pg-tri[data-id="${id}"]`).getAttribute('data-partial'), 'false', id);
  }
  await page.screenshot({ path: join(artifacts, 'explore-triangles-all.png'), fullPage: true });
  // Clicking a corner's actor opens the map focused on it.
  await page.locator('.pg-tri[data-id="agreement:wfp-coe-brazil"] .pg-actor[data-id="agency:wfp"] button').click();
  await page.waitForSelector('.pg-map[data-focus="agency:wfp"][data-load="ready"]');
  assert.deepEqual(errors, []);
  await close();
});

test('path finder: UN-Habitat to WFP says honestly there is no connection; UNDP to WFP is found and drawn', async () => {
  const { page, errors, close } = await open('/explore?view=path&from=agency:un-habitat&to=agency:wfp&lang=en');
  await page.waitForSelector('.pg-path-view[data-state="none"]');
  assert.match(await page.locator('.pg-empty').innerText(), /No connection within 6 hops/);
  await page.goto(`${api}/explore?view=path&from=agency:undp&to=agency:wfp&lang=en`);
  await page.waitForSelector('.pg-path-view[data-state="found"] .pg-path');
  const hops = await page.locator('.pg-path').first().locator('.pg-hop-node').evaluateAll((els) => els.map((el) => el.dataset.id));
  assert.deepEqual(hops, ['agency:undp', 'agreement:ibsa-fund', 'country:BRA', 'agreement:wfp-coe-brazil', 'agency:wfp']);
  assert.ok(await page.locator('.pg-path-view canvas').count(), 'the paths are drawn on the map');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(artifacts, 'explore-path-undp-wfp.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});

test('Arabic mirrors the layout, with Arabic interface text and country names; the embed dialog writes snippets', async () => {
  const { page, errors, close } = await open('/explore?view=triangles&involving=country:BRA', 'ar-EG');
  await page.waitForSelector('.pg-tri-view[data-state="ready"]');
  assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
  assert.equal(await page.locator('.pg-explore').getAttribute('dir'), 'rtl');
  await page.waitForFunction(() => document.querySelector('.pg-actor[data-id="country:BRA"]')?.innerText.includes('البرازيل'));
  const brand = await page.locator('.pg-brand').boundingBox();
  assert.ok(brand.x > 700, `the header starts on the right in Arabic (x=${brand.x})`);
  await page.screenshot({ path: join(artifacts, 'explore-arabic-rtl.png'), fullPage: true });
  await page.click('.pg-embed-btn');
  const script = await page.locator('#pg-embed-script').inputValue();
  assert.match(script, /data-partnergraph="triangles" data-involving="country:BRA"/);
  assert.match(await page.locator('#pg-embed-iframe').inputValue(), /\/embed\/triangles\?involving=country:BRA/);
  await page.screenshot({ path: join(artifacts, 'explore-embed-dialog.png'), fullPage: true });
  for (const [tag, word] of [['zh', '三方伙伴关系'], ['ru', 'Трёхсторонние'], ['fr', 'triangulaires'], ['es', 'triangulares']]) {
    await page.goto(`${api}/explore?view=triangles&lang=${tag}`);
    await page.waitForSelector('.pg-tri-view[data-state="ready"]');
    assert.match(await page.locator('.pg-tabs').innerText(), new RegExp(word));
  }
  assert.deepEqual(errors, []);
  await close();
});

test('embed.js with data-partnergraph="triangles" places the triangles of Brazil on another origin', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${host}/`);
  const frame = page.frameLocator('iframe[data-partnergraph-frame]');
  await frame.locator('.pg-tri[data-id="agreement:wfp-coe-brazil"]').waitFor();
  assert.ok(await frame.locator('.pg-tri[data-id="agreement:ibsa-fund"]').count());
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(artifacts, 'explore-embed-triangles.png'), fullPage: true });
  await context.close();
});

test('issue_22: axe-core finds no moderate, serious or critical violation on /explore in six languages and on /embed/triangles', async () => {
  for (const lang of ['ar', 'zh', 'en', 'fr', 'ru', 'es']) {
    const { page, close } = await open(`/explore?view=map&focus=network:wacap&lang=${lang}`);
    await page.waitForSelector('.pg-map[data-load="ready"]');
    await page.waitForSelector('.pg-details[data-id="network:wacap"]');
    assert.deepEqual(await axeViolations(page), [], `/explore in ${lang}`);
    await close();
  }
  const { page, close } = await open('/embed/triangles?involving=country:BRA&lang=en');
  await page.waitForSelector('.pg-tri-view[data-state="ready"]');
  assert.deepEqual(await axeViolations(page), [], '/embed/triangles');
  assert.equal(await page.textContent('main h1'), 'Triangular partnerships');
  await close();
});

test('issue_22: re-focusing inside the explorer map updates the URL and the details; back returns', async () => {
  const { page, errors, close } = await open('/explore?view=map&focus=network:wacap&lang=en');
  await page.waitForSelector('.pg-map[data-load="ready"]');
  await page.waitForFunction(() => document.querySelector('canvas.pg-canvas')?.dataset.state === 'still', null, { timeout: 15000 });
  const positions = JSON.parse(await page.$eval('canvas.pg-canvas', (canvas) => canvas.dataset.positions));
  const [x, y] = positions['agency:undp'];
  await page.hover('canvas.pg-canvas', { position: { x, y } });
  await page.dblclick('canvas.pg-canvas', { position: { x, y } });
  await page.waitForSelector('.pg-map[data-focus="agency:undp"][data-load="ready"]');
  assert.match(page.url(), /focus=agency:undp/);
  await page.waitForSelector('.pg-details[data-id="agency:undp"]');
  await page.goBack();
  await page.waitForSelector('.pg-map[data-focus="network:wacap"][data-load="ready"]');
  assert.deepEqual(errors, []);
  await close();
});

test('issue_22: the French toolbar fits at phone widths, in the explorer and the map embed (nothing overflows it)', async () => {
  const { page, close } = await open('/explore?view=map&focus=network:wacap&lang=fr');
  for (const path of ['/explore?view=map&focus=network:wacap&lang=fr', '/embed/map?focus=network:wacap&lang=fr&asOf=2010']) {
    await page.goto(`${api}${path}`);
    await page.waitForSelector('.pg-map[data-load="ready"]');
    for (const width of [300, 320, 360, 420]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      const over = await page.evaluate(() => {
        const bar = document.querySelector('.pg-toolbar').getBoundingClientRect();
        return [...document.querySelectorAll('.pg-toolbar *')]
          .filter((el) => el.getBoundingClientRect().right > bar.right + 0.5 || el.scrollWidth > el.clientWidth + 1)
          .map((el) => el.className);
      });
      assert.deepEqual(over, [], `${path} at ${width}px`);
    }
    await page.screenshot({ path: join(artifacts, `narrow-fr-${path.split('?')[0].replace(/\//g, '')}-420.png`), fullPage: true });
  }
  await close();
});

test('issue_22: the explorer map labels countries in the interface language', async () => {
  const { page, errors, close } = await open('/explore?view=map&focus=agreement:ibsa-fund&lang=ar');
  await page.waitForSelector('.pg-map[data-load="ready"]');
  await page.waitForFunction(
    () => {
      const labels = document.querySelector('canvas.pg-canvas')?.dataset.labels;
      return labels && JSON.parse(labels)['country:BRA']?.[4] === 'البرازيل';
    },
    null,
    { timeout: 15000 },
  );
  const labels = JSON.parse(await page.$eval('canvas.pg-canvas', (canvas) => canvas.dataset.labels));
  assert.equal(labels['country:IND'][4], 'الهند');
  await page.screenshot({ path: join(artifacts, 'explore-arabic-labels.png') });
  assert.deepEqual(errors, []);
  await close();
});
