// The monitoring dashboard (issue 23): placed by one script tag on a partner's page of another origin,
// its four charts show what `statistics` answers for the node (each chart's table compared with the
// API's own answer), each chart's CSV downloads, the words follow the page language, axe-core finds no
// violation, and only the API's origin is asked. It downloads its own build and at most 250 KB (written
// to target/browser-artifacts/dashboard-weight.json).
//
// Environment: PG_BIN, PG_WIDGETS, PG_ARTIFACTS, CHROMIUM (see harness.mjs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations } from './checks.mjs';
import { artifacts, hostPage, serverAndBrowser } from './harness.mjs';

const FOCUS = 'agency:unossc';
let host;
const env = serverAndBrowser('pg-dashboard-', async (env) => {
  host = await hostPage(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Page partenaire</title></head>
<body><main><h1>Notre coopération Sud-Sud</h1>
<script src="${env.api}/embed.js" data-partnergraph="dashboard" data-focus="${FOCUS}" data-lang="fr" async></script>
</main></body></html>`);
});
after(() => host?.server.close());

async function statistics(by, first = 1000) {
  const res = await fetch(`${env.api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ statistics(by: [${by}], involving: "${FOCUS}", first: ${first}) { rows { keys labels agreements } } }` }),
  });
  return (await res.json()).data.statistics.rows;
}

test('issue_23: a dashboard on another origin shows the statistics of its node, in French, with tables and CSV', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 1400 }, acceptDownloads: true });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(host.url);
  const frame = await (await page.waitForSelector('iframe[data-partnergraph-frame]')).contentFrame();
  await frame.waitForSelector('main.pg-dash[data-load="ready"][data-map="ready"]', { timeout: 20000 });
  assert.equal(await frame.getAttribute('main.pg-dash', 'lang'), 'fr');
  assert.match(await frame.textContent('h1'), /La coopération en un coup d’œil — United Nations Office for South-South Cooperation/);
  const charts = await frame.$$eval('figure.pg-dash-chart', (figures) => figures.map((figure) => figure.dataset.chart));
  assert.deepEqual(charts, ['per-year', 'top-partners', 'sdgs', 'countries']);
  assert.equal(await frame.textContent('figure[data-chart="per-year"] h2'), 'Accords par année, par rôle');

  // Each table says what the API says.
  const tableRows = (chart) =>
    frame.$$eval(`figure[data-chart="${chart}"] tbody tr`, (rows) => rows.map((row) => [...row.cells].map((cell) => cell.textContent)));
  const perYear = await statistics('YEAR, ROLE');
  const shown = await tableRows('per-year');
  assert.equal(shown.length, perYear.length);
  assert.deepEqual(shown.map((row) => [row[0], row[2]]), perYear.map((row) => [row.keys[0], String(row.agreements)]));
  assert.ok(shown.some((row) => row[1] === 'Pivot'), `roles in French: ${JSON.stringify(shown)}`);
  const agencies = (await statistics('AGENCY', 11)).filter((row) => row.keys[0] !== FOCUS).slice(0, 10);
  assert.deepEqual((await tableRows('top-partners')).map((row) => row[1]), agencies.map((row) => row.keys[0]));
  assert.equal((await tableRows('sdgs')).length, 17);
  const countries = await statistics('COUNTRY', 300);
  assert.deepEqual((await tableRows('countries')).map((row) => [row[1], row[2]]), countries.map((row) => [row.keys[0], String(row.agreements)]));
  // The choropleth shades the partner countries, and only as many outlines as it has partners (or more, for islands).
  const shaded = await frame.$$eval('path.pg-dash-land:not(.pg-shade-0)', (paths) => paths.length);
  assert.ok(countries.length > 0 && shaded >= 1, `${shaded} shaded outlines for ${countries.length} partner countries`);

  // A chart's CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), frame.click('figure[data-chart="countries"] button.pg-dash-csv')]);
  assert.equal(download.suggestedFilename(), 'partnergraph-countries.csv');
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  assert.equal(csv[0], 'Pays,id,Accords');
  assert.equal(csv.length, countries.length + 1);

  assert.deepEqual(await axeViolations(frame), []);
  for (const url of requests) assert.ok(url.startsWith(host.url) || url.startsWith(env.api), `unexpected request ${url}`);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(artifacts, 'dashboard-fr.png'), fullPage: true });
  await context.close();
});

test('issue_23: the dashboard about everyone, in Arabic, right to left; its download weight is recorded', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 1400 }, extraHTTPHeaders: { 'accept-encoding': 'gzip' } });
  const page = await context.newPage();
  const finished = [];
  page.on('requestfinished', (request) => finished.push(request));
  await page.goto(`${env.api}/embed/dashboard?lang=ar`);
  await page.waitForSelector('main.pg-dash[data-load="ready"][data-map="ready"]', { timeout: 20000 });
  assert.equal(await page.getAttribute('main.pg-dash', 'dir'), 'rtl');
  assert.match(await page.textContent('h1'), /جميع الجهات/);
  const total = Number(await page.textContent('.pg-dash-totals dd'));
  const res = await fetch(`${env.api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ statistics(by: [MODALITY]) { total { agreements } } }' }),
  });
  assert.equal(total, (await res.json()).data.statistics.total.agreements);
  assert.deepEqual(await axeViolations(page), []);
  await page.screenshot({ path: join(artifacts, 'dashboard-ar.png'), fullPage: true });
  const parts = {};
  for (const request of finished) {
    const { responseBodySize } = await request.sizes();
    parts[new URL(request.url()).pathname] = (parts[new URL(request.url()).pathname] || 0) + responseBodySize;
  }
  const bytes = Object.entries(parts).filter(([name]) => name !== '/graphql').reduce((sum, [, size]) => sum + size, 0);
  writeFileSync(join(artifacts, 'dashboard-weight.json'), JSON.stringify({ bytes, parts }, null, 2));
  assert.ok(parts['/widgets/countries-110m.json'], 'the base map for the choropleth');
  // Its own build: neither the map's nor the explorer's code, and within the embeds' budget.
  assert.ok(parts['/widgets/partnergraph_dashboard_bg.wasm'], JSON.stringify(parts));
  assert.ok(!parts['/widgets/partnergraph_widgets_bg.wasm'] && !parts['/widgets/partnergraph_map_bg.wasm'], JSON.stringify(parts));
  assert.ok(bytes <= 250 * 1000, `the dashboard downloads ${bytes} bytes (budget 250 KB): ${JSON.stringify(parts)}`);
  await context.close();
});
