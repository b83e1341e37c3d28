// Page weight of the map embed (issue 22): what a partner page's visitor downloads for a map, as the
// browser transfers it (encoded bytes, asking for gzip only), part by part. A force-layout map must stay
// within 250 KB and fetch nothing it does not show: not the base map (the geographic layout's), not the
// explorer's build, not the explorer's country files. Writes target/browser-artifacts/weight.json.
//
// Environment: PG_BIN, PG_WIDGETS, PG_ARTIFACTS, CHROMIUM (see harness.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, serverAndBrowser } from './harness.mjs';

/** Bytes a force-layout map embed may download, its data answer aside. */
const BUDGET = 250 * 1000;

const env = serverAndBrowser('pg-weight-');

/** Loads `path` in a fresh context (empty cache) and returns the bytes of each response, by path. */
async function downloads(path, ready) {
  const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 }, extraHTTPHeaders: { 'accept-encoding': 'gzip' } });
  const page = await context.newPage();
  const responses = [];
  page.on('requestfinished', (request) => responses.push(request));
  await page.goto(`${env.api}${path}`);
  await page.waitForSelector(ready);
  await page.waitForFunction(() => document.querySelector('canvas.pg-canvas')?.dataset.state === 'still', null, { timeout: 15000 });
  await page.waitForTimeout(500);
  const parts = {};
  for (const request of responses) {
    const { responseBodySize } = await request.sizes();
    const response = await request.response();
    const name = new URL(request.url()).pathname;
    parts[name] = { bytes: responseBodySize, encoding: (await response.allHeaders())['content-encoding'] || 'identity' };
  }
  await context.close();
  return parts;
}

test('issue_22: a force-layout map embed downloads at most 250 KB, and nothing it does not show', async () => {
  const force = await downloads('/embed/map?focus=network:wacap', 'section.pg-map[data-load="ready"]');
  const geo = await downloads('/embed/map?focus=network:wacap&layout=geo', 'section.pg-map[data-load="ready"]');
  writeFileSync(join(artifacts, 'weight.json'), JSON.stringify({ force, geo }, null, 2));
  const names = Object.keys(force);
  assert.ok(names.includes('/widgets/partnergraph_map_bg.wasm'), `the map's own build: ${names}`);
  for (const absent of ['/widgets/partnergraph_widgets_bg.wasm', '/widgets/partnergraph_widgets.js', '/widgets/countries-110m.json', '/widgets/explore.css']) {
    assert.ok(!names.includes(absent), `${absent} is not downloaded by a force-layout map`);
  }
  assert.ok(!names.some((name) => name.startsWith('/widgets/countries-')), 'no country name file');
  assert.equal(force['/widgets/partnergraph_map_bg.wasm'].encoding, 'gzip');
  const total = Object.entries(force).filter(([name]) => name !== '/graphql').reduce((sum, [, part]) => sum + part.bytes, 0);
  assert.ok(total <= BUDGET, `a force-layout map downloads ${total} bytes (budget ${BUDGET}): ${JSON.stringify(force)}`);
  // The geographic layout adds the base map, and only that.
  assert.ok(geo['/widgets/countries-110m.json'], 'the geographic layout fetches the base map');
  assert.deepEqual(Object.keys(geo).filter((name) => !(name in force)), ['/widgets/countries-110m.json']);
});
