// Browser tests of the embeddable network map, in real headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core). A real `partnergraph serve` (temp data dir, seeded, plus a node whose
// name is an HTML injection attempt) is one origin; a small host server on another port is another
// origin and embeds the map with the script tag (iframe and direct mount), a plain iframe, and pasted
// oEmbed HTML. Screenshots go to target/browser-artifacts/.
//
// Environment: PG_BIN (the partnergraph binary), PG_WIDGETS (built widgets), PG_ARTIFACTS, CHROMIUM (see harness.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, unisolatedBidi } from './checks.mjs';
import { artifacts, bin, launch, root, startServer } from './harness.mjs';

const XSS_NAME = '<img src=x onerror=alert(1)>';
// A name with an unmatched right-to-left override (U+202E), as in display spoofing, and an Arabic name.
const SPOOF_NAME = 'Spoof \u202Egnp.exe';
const ARABIC_NAME = 'منظمة الاختبار العربية';

let work, server, api, host, hostServer, browser;
const dialogs = [];

function gql(query, variables = {}) {
  return fetch(`${api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  }).then((res) => res.json());
}

async function neighbourhood(id, extra = '') {
  const res = await gql(`query($id: ID!) { neighborhood(id: $id, depth: 1, limit: 500${extra}) { nodes { id } } }`, { id });
  return res.data.neighborhood.nodes.map((node) => node.id).sort();
}

function hostPages() {
  const pages = {
    '/script.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>City network — partner site</title>
<style>body{font:16px/1.5 Georgia,serif;max-width:980px;margin:24px auto;padding:0 16px;color:#222}h1{font-size:26px}</style></head>
<body><h1>Our city in the World Alliance of Cities Against Poverty</h1>
<p>The map below is provided by partnergraph and embedded with one script tag.</p>
<script src="${api}/embed.js" data-partnergraph="map" data-focus="network:wacap" async></script>
<p id="after">Text after the map.</p>
</body></html>`,
    '/direct.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Direct mount</title></head>
<body><h1>Two maps, mounted directly</h1><div id="first"></div><div id="second"></div>
<script src="${api}/embed.js" data-partnergraph="map" data-focus="network:wacap" data-target="#first" data-controls="simple" data-height="360" async></script>
<script src="${api}/embed.js" data-partnergraph="map" data-focus="agency:unossc" data-target="#second" data-controls="bare" data-height="300" async></script>
</body></html>`,
    '/iframe.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain iframe</title></head>
<body><h1>A plain iframe</h1>
<iframe id="plain" src="${api}/embed/map?focus=agency:unossc&depth=2&layout=geo&lang=fr" title="Carte" width="900" height="300" data-partnergraph-frame style="border:0"></iframe>
<script src="${api}/embed.js" async></script></body></html>`,
  };
  return new Promise((resolvePromise) => {
    hostServer = createServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      if (path === '/oembed.html') {
        // What a CMS does with a pasted link: ask /oembed and insert its html.
        fetch(`${api}/oembed?url=${encodeURIComponent(`${api}/embed/map?focus=network:wacap&depth=1`)}&maxwidth=700`)
          .then((r) => r.json())
          .then((oembed) => {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            res.end(`<!doctype html><html><head><meta charset="utf-8"><title>CMS</title></head><body><h1>${oembed.title.replace(/</g, '&lt;')}</h1>${oembed.html}</body></html>`);
          });
        return;
      }
      const page = pages[path];
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page || 'not found');
    });
    hostServer.listen(0, '127.0.0.1', () => resolvePromise(`http://127.0.0.1:${hostServer.address().port}`));
  });
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pg-browser-'));
  mkdirSync(artifacts, { recursive: true });
  ({ url: api, process: server } = await startServer(join(work, 'data')));
  // A node whose name is markup, linked to WACAP so it shows in the map (imported while serve runs).
  const wacap = readFileSync(join(root, 'schema/data/seed.jsonl'), 'utf8').split('\n').find((line) => line.includes('"id": "network:wacap"'));
  const source = [{ document: 'browser-test.jsonl', paragraph: 1, quote: 'test' }];
  const xss = [
    wacap,
    JSON.stringify({ node: { id: 'agency:xss-test', kind: 'AGENCY', name: XSS_NAME, sources: source } }),
    JSON.stringify({ edge: { id: 'agency:xss-test>member_of>network:wacap', type: 'MEMBER_OF', source: 'agency:xss-test', target: 'network:wacap', sources: source } }),
    JSON.stringify({ node: { id: 'agency:bidi-test', kind: 'AGENCY', name: SPOOF_NAME, acronym: 'SPF', description: 'Runs \u202Eevil text', sources: source } }),
    JSON.stringify({ edge: { id: 'agency:bidi-test>member_of>network:wacap', type: 'MEMBER_OF', source: 'agency:bidi-test', target: 'network:wacap', sources: source } }),
    JSON.stringify({ node: { id: 'agency:arabic-test', kind: 'AGENCY', name: ARABIC_NAME, sources: source } }),
    JSON.stringify({ edge: { id: 'agency:arabic-test>member_of>network:wacap', type: 'MEMBER_OF', source: 'agency:arabic-test', target: 'network:wacap', sources: source } }),
  ].join('\n');
  writeFileSync(join(work, 'xss.jsonl'), xss + '\n');
  execFileSync(bin, ['import', '--data', join(work, 'data'), join(work, 'xss.jsonl')], { stdio: 'inherit' });
  host = await hostPages();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  hostServer?.close();
  server?.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A fresh page that records every request and every dialog. */
async function open(path, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1, ...options });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (req) => requests.push(req.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss();
  });
  page.on('pageerror', (err) => dialogs.push(`pageerror: ${err.message}`));
  await page.goto(path.startsWith('http') ? path : `${host}${path}`);
  return { context, page, requests };
}

async function mapFrame(page, selector = 'iframe[data-partnergraph-frame]') {
  const element = await page.waitForSelector(selector);
  const frame = await element.contentFrame();
  await frame.waitForSelector('section.pg-map[data-load="ready"]');
  return { element, frame };
}

async function shownNodes(scope) {
  return (await scope.$$eval('table.pg-nodes tr[data-node-id]', (rows) => rows.map((row) => row.dataset.nodeId))).sort();
}

async function still(scope, ids) {
  // The canvas records its nodes' screen positions once the layout is still.
  await scope.waitForFunction(
    (expected) => {
      const canvas = document.querySelector('canvas.pg-canvas');
      if (!canvas || canvas.dataset.state !== 'still' || !canvas.dataset.positions) return false;
      const shown = Object.keys(JSON.parse(canvas.dataset.positions)).sort();
      return expected === null || JSON.stringify(shown) === JSON.stringify(expected);
    },
    ids,
    { timeout: 15000 },
  );
  return JSON.parse(await scope.$eval('canvas.pg-canvas', (canvas) => canvas.dataset.positions));
}

test('one script tag on another origin shows the WACAP map, equal to the API neighbourhood', async () => {
  const { context, page, requests } = await open('/script.html');
  const { element, frame } = await mapFrame(page);
  assert.deepEqual(await shownNodes(frame), await neighbourhood('network:wacap'));
  await still(frame, await neighbourhood('network:wacap'));
  // The iframe stands where the tag stood.
  assert.equal(await page.evaluate(() => document.querySelector('iframe').nextElementSibling.tagName), 'SCRIPT');
  const legend = await frame.$$eval('.pg-legend li', (items) => items.map((item) => item.textContent));
  assert.ok(legend.includes('Network') && legend.includes('hosted by'), `legend: ${legend}`);
  assert.match(await frame.textContent('.pg-attrib'), /Natural Earth.*GeoNames/s);
  await page.screenshot({ path: join(artifacts, 'script-tag-force.png'), fullPage: true });
  // Read-only and private: only the two origins are contacted, and no cookies are set.
  for (const url of requests) assert.ok(url.startsWith(host) || url.startsWith(api), `unexpected request ${url}`);
  assert.deepEqual(await context.cookies(), []);
  await context.close();
});

test('the iframe resizes itself to its content', async () => {
  const { context, page } = await open('/script.html');
  const { element, frame } = await mapFrame(page);
  const fits = async () => {
    const frameHeight = (await element.boundingBox()).height;
    const content = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    return Math.abs(frameHeight - content) <= 2 ? frameHeight : null;
  };
  await page.waitForFunction(() => true);
  let before = null;
  for (let i = 0; i < 50 && !(before = await fits()); i++) await page.waitForTimeout(100);
  assert.ok(before, 'the iframe height matches its content');
  await frame.click('button.pg-table-toggle');
  await frame.waitForSelector('.pg-table:not(.pg-sr-only)');
  let grown = null;
  for (let i = 0; i < 50; i++) {
    grown = await fits();
    if (grown && grown > before + 50) break;
    await page.waitForTimeout(100);
  }
  assert.ok(grown > before + 50, `the iframe grew with the table (${before} → ${grown})`);
  await page.screenshot({ path: join(artifacts, 'script-tag-table.png'), fullPage: true });
  await context.close();
});

test('clicking a node re-focuses the map on it', async () => {
  const { context, page } = await open('/script.html');
  const { element, frame } = await mapFrame(page);
  const positions = await still(frame, await neighbourhood('network:wacap'));
  const [x, y] = positions['agency:undp'];
  await frame.hover('canvas.pg-canvas', { position: { x, y } });
  await frame.waitForSelector('aside.pg-card[data-node-id="agency:undp"]');
  const card = await frame.textContent('aside.pg-card');
  assert.match(card, /United Nations Development Programme/);
  assert.match(card, /UNDP/);
  assert.match(card, /\.txt/);
  await page.screenshot({ path: join(artifacts, 'hover-card.png'), fullPage: true });
  await frame.click('canvas.pg-canvas', { position: { x, y } });
  await frame.waitForSelector('section.pg-map[data-focus="agency:undp"][data-load="ready"]');
  assert.deepEqual(await shownNodes(frame), await neighbourhood('agency:undp'));
  await still(frame, await neighbourhood('agency:undp'));
  await page.screenshot({ path: join(artifacts, 'refocused-undp.png'), fullPage: true });
  await context.close();
});

test('the layout switches between force and geographic without reload', async () => {
  const { context, page } = await open('/script.html');
  const { frame } = await mapFrame(page);
  const requests = [];
  page.on('request', (req) => requests.push(req.url()));
  const basemap = page.waitForResponse((res) => res.url().endsWith('/widgets/countries-110m.json'));
  await frame.click('button.pg-seg[data-layout="geo"]');
  await frame.waitForSelector('section.pg-map[data-layout="geo"]');
  await basemap;
  await frame.waitForSelector('.pg-rail');
  // Nodes without a location (WACAP itself is a network) are listed in the side rail.
  const rail = await frame.$$eval('.pg-rail [data-node-id]', (items) => items.map((item) => item.dataset.nodeId));
  assert.ok(rail.includes('network:wacap'), `rail: ${rail}`);
  await frame.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'geo-layout.png'), fullPage: true });
  assert.ok(!requests.some((url) => url.includes('/embed/map')), 'no reload of the page');
  await frame.click('button.pg-seg[data-layout="force"]');
  await frame.waitForSelector('section.pg-map[data-layout="force"]');
  assert.equal(await frame.$('.pg-rail'), null);
  await context.close();
});

test('the time slider replays WACAP moving from UNDP to UNOSSC in 2014', async () => {
  const { context, page } = await open('/script.html');
  const { frame } = await mapFrame(page);
  const hosts = () => frame.$$eval('table.pg-edges tr[data-edge-type="HOSTED_BY"][data-source="network:wacap"]', (rows) => rows.map((row) => row.dataset.target).sort());
  assert.deepEqual(await hosts(), ['agency:undp', 'agency:unossc']);
  for (const [year, expected] of [[2010, ['agency:undp']], [2016, ['agency:unossc']], [2012, ['agency:undp']]]) {
    await frame.fill('input.pg-year', String(year));
    await frame.waitForFunction((y) => document.querySelector('.pg-year-value').textContent === String(y), year);
    await frame.waitForSelector('section.pg-map[data-load="ready"]');
    assert.deepEqual(await hosts(), expected, `host in ${year}`);
    assert.deepEqual(await shownNodes(frame), await neighbourhood('network:wacap', `, asOf: "${year}"`));
  }
  await frame.fill('input.pg-year', '2016');
  await frame.waitForSelector('section.pg-map[data-load="ready"]');
  await still(frame, null);
  await page.screenshot({ path: join(artifacts, 'as-of-2016.png'), fullPage: true });
  await context.close();
});

test('the map works with the keyboard alone', async () => {
  const { context, page } = await open('/script.html');
  const { frame } = await mapFrame(page);
  await still(frame, await neighbourhood('network:wacap'));
  // Tab from the top of the host page into the frame until the canvas has focus.
  let reached = false;
  for (let i = 0; i < 25 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await frame.evaluate(() => document.activeElement?.classList.contains('pg-canvas'));
  }
  assert.ok(reached, 'Tab reaches the map canvas');
  const outline = await frame.$eval('canvas.pg-canvas', (canvas) => getComputedStyle(canvas).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused canvas shows a focus outline');
  await page.keyboard.press('ArrowRight');
  await frame.waitForSelector('aside.pg-card');
  const first = await frame.$eval('aside.pg-card', (card) => card.dataset.nodeId);
  assert.equal(first, 'network:wacap', 'the first arrow selects the focus');
  let chosen = first;
  for (const key of ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp', 'ArrowRight']) {
    await page.keyboard.press(key);
    chosen = await frame.$eval('aside.pg-card', (card) => card.dataset.nodeId);
    if (chosen !== first) break;
  }
  assert.notEqual(chosen, first, 'arrow keys move to another node');
  assert.match(await frame.textContent('.pg-live'), /network:wacap|World Alliance/);
  await page.screenshot({ path: join(artifacts, 'keyboard-selection.png'), fullPage: true });
  await page.keyboard.press('Enter');
  await frame.waitForSelector(`section.pg-map[data-focus="${chosen}"][data-load="ready"]`);
  assert.deepEqual(await shownNodes(frame), await neighbourhood(chosen));
  // The data view's buttons are reachable by keyboard too (the table becomes visible when focused).
  await frame.focus('table.pg-nodes button.pg-link');
  assert.ok(await frame.$eval('.pg-table', (table) => table.getBoundingClientRect().height > 20));
  await context.close();
});

test('a node named like markup renders as text and runs nothing', async () => {
  const { context, page } = await open('/script.html');
  const { frame } = await mapFrame(page);
  const row = await frame.$eval('tr[data-node-id="agency:xss-test"] th', (th) => th.textContent);
  assert.equal(row, XSS_NAME);
  const positions = await still(frame, await neighbourhood('network:wacap'));
  const [x, y] = positions['agency:xss-test'];
  await frame.hover('canvas.pg-canvas', { position: { x, y } });
  await frame.waitForSelector('aside.pg-card[data-node-id="agency:xss-test"]');
  assert.equal(await frame.textContent('aside.pg-card .pg-card-title'), XSS_NAME);
  assert.equal(await frame.evaluate(() => document.querySelectorAll('img').length), 0);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
  await page.screenshot({ path: join(artifacts, 'xss-as-text.png'), fullPage: true });
  assert.deepEqual(dialogs.filter((message) => message.includes('1') && !message.startsWith('pageerror')), []);
  await context.close();
});

test('direct mount: several maps on one page, into given elements', async () => {
  const { context, page } = await open('/direct.html');
  await page.waitForSelector('#first section.pg-map[data-load="ready"]');
  await page.waitForSelector('#second section.pg-map[data-load="ready"]');
  assert.equal(await page.$('iframe'), null);
  const first = (await page.$$eval('#first table.pg-nodes tr[data-node-id]', (rows) => rows.map((row) => row.dataset.nodeId))).sort();
  assert.deepEqual(first, await neighbourhood('network:wacap'));
  const second = (await page.$$eval('#second table.pg-nodes tr[data-node-id]', (rows) => rows.map((row) => row.dataset.nodeId))).sort();
  assert.deepEqual(second, await neighbourhood('agency:unossc'));
  assert.equal(await page.$('#second .pg-toolbar'), null, 'controls=bare has no toolbar');
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(artifacts, 'direct-mount.png'), fullPage: true });
  await context.close();
});

test('a plain iframe and pasted oEmbed HTML both show the map and resize', async () => {
  const oembed = await fetch(`${api}/oembed?url=${encodeURIComponent(`${api}/embed/map?focus=network:wacap`)}&maxwidth=600`).then((res) => res.json());
  assert.equal(oembed.type, 'rich');
  assert.equal(oembed.version, '1.0');
  assert.equal(oembed.width, 600);
  assert.match(oembed.title, /World Alliance of Cities Against Poverty/);
  assert.match(oembed.html, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\/map\?focus=network:wacap"/);
  assert.equal((await fetch(`${api}/oembed?url=${encodeURIComponent('https://elsewhere.example/embed/map?focus=x')}`)).status, 404);

  for (const [path, name] of [['/iframe.html', 'plain-iframe-geo-fr.png'], ['/oembed.html', 'oembed.png']]) {
    const { context, page } = await open(path);
    const { element, frame } = await mapFrame(page);
    await page.waitForFunction(() => {
      const frame = document.querySelector('iframe');
      return frame && Math.abs(frame.getBoundingClientRect().height - 300) > 50 && frame.getBoundingClientRect().height > 500;
    });
    assert.ok((await element.boundingBox()).height > 500);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(artifacts, name), fullPage: true });
    await context.close();
  }
});

test('the server serves the widget with the right types, caching, compression and CSP, and no cookies', async () => {
  const wasm = await fetch(`${api}/widgets/partnergraph_widgets_bg.wasm`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('content-encoding'), 'gzip');
  assert.match(wasm.headers.get('cache-control'), /max-age=\d+/);
  const js = await fetch(`${api}/embed.js`);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  const page = await fetch(`${api}/embed/map?focus=network:wacap`);
  const csp = page.headers.get('content-security-policy');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors \*/);
  for (const res of [wasm, js, page]) assert.equal(res.headers.get('set-cookie'), null);
  assert.equal((await fetch(`${api}/widgets/..%2FCargo.toml`)).status, 404);
});

test('reduced motion: the layout is still as soon as it is shown', async () => {
  const { context, page } = await open('/script.html', { reducedMotion: 'reduce' });
  const { frame } = await mapFrame(page);
  await still(frame, await neighbourhood('network:wacap'));
  const states = await frame.evaluate(async () => {
    const canvas = document.querySelector('canvas.pg-canvas');
    const seen = [];
    for (let i = 0; i < 10; i++) {
      seen.push(canvas.dataset.state);
      await new Promise((r) => requestAnimationFrame(r));
    }
    return seen;
  });
  assert.ok(states.every((state) => state === 'still'), states.join(','));
  await context.close();
});

/** The embed page itself (no host page), ready and still. */
async function openEmbed(query, options = {}) {
  const opened = await open(`${api}/embed/map?${query}`, { bypassCSP: true, ...options });
  await opened.page.waitForSelector('section.pg-map[data-load="ready"]');
  await still(opened.page, null);
  return opened;
}

/** Pixels of the focus label's colour (style::INK) inside a box of the canvas: the label is drawn there. */
function inkIn(page, [x, y, w, h]) {
  return page.$eval(
    'canvas.pg-canvas',
    (canvas, box) => {
      const data = canvas.getContext('2d').getImageData(box[0], box[1], box[2], box[3]).data;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - 0x1b) < 12 && Math.abs(data[i + 1] - 0x27) < 12 && Math.abs(data[i + 2] - 0x33) < 12) ink++;
      }
      return ink;
    },
    [x, y, w, h],
  );
}

test('issue_22: map labels sit beside their node on the reading side, inside the view, drawn where placed', async () => {
  for (const [lang, focus] of [['ar', 'agency:arabic-test'], ['en', 'agency:arabic-test'], ['ar', 'network:wacap'], ['en', 'network:wacap']]) {
    const { context, page } = await openEmbed(`focus=${focus}&lang=${lang}`);
    const { width, height } = await page.$eval('canvas.pg-canvas', (canvas) => canvas.getBoundingClientRect());
    const labels = JSON.parse(await page.$eval('canvas.pg-canvas', (canvas) => canvas.dataset.labels));
    const positions = JSON.parse(await page.$eval('canvas.pg-canvas', (canvas) => canvas.dataset.positions));
    const [x, y, w, h] = labels[focus];
    const [nx] = positions[focus];
    if (lang === 'ar') assert.ok(x + w <= nx, `${lang} ${focus}: the label is left of its node (${x}+${w} <= ${nx})`);
    else assert.ok(x >= nx, `${lang} ${focus}: the label is right of its node (${x} >= ${nx})`);
    for (const [id, [lx, ly, lw, lh]] of Object.entries(labels)) {
      assert.ok(lx >= 0 && ly >= 0 && lx + lw <= width + 1 && ly + lh <= height + 1, `${lang} ${id}'s label is inside the view`);
    }
    // The text is drawn in its box, not centred on the node or leftwards from the box's edge.
    assert.ok((await inkIn(page, [x, y, w, h])) > 25, `${lang} ${focus}: the label's ink is in its box`);
    await page.screenshot({ path: join(artifacts, `labels-${lang}-${focus.replace(':', '-')}.png`) });
    await context.close();
  }
});

test('issue_22: data text keeps its own direction; a right-to-left override in a name reorders nothing around it', async () => {
  const { context, page } = await open('/script.html');
  const { frame } = await mapFrame(page);
  await frame.click('button.pg-table-toggle');
  await frame.waitForSelector('.pg-table:not(.pg-sr-only)');
  const row = await frame.$eval('tr[data-node-id="agency:bidi-test"] th', (th) => {
    const after = [...th.childNodes].find((node) => node.nodeType === Node.TEXT_NODE && node.textContent.includes('('));
    const range = document.createRange();
    range.selectNodeContents(after);
    return { text: th.textContent, nameRight: th.querySelector('bdi').getBoundingClientRect().right, parenLeft: range.getBoundingClientRect().left };
  });
  assert.equal(row.text, `${SPOOF_NAME} (SPF)`);
  assert.ok(row.parenLeft >= row.nameRight - 0.5, `" (SPF)" stays after the name (${row.parenLeft} >= ${row.nameRight})`);
  assert.deepEqual(await unisolatedBidi(frame), []);
  await context.close();
  // The explorer, in Arabic: details, partners, search suggestions.
  const explorer = await open(`${api}/explore?view=map&focus=agency:bidi-test&lang=ar`);
  await explorer.page.waitForSelector('.pg-details[data-id="agency:bidi-test"] .pg-desc');
  await explorer.page.fill('#pg-search', 'Spoof');
  await explorer.page.waitForSelector('#pg-search-list [data-id="agency:bidi-test"]');
  assert.deepEqual(await unisolatedBidi(explorer.page), []);
  const title = await explorer.page.$eval('.pg-details-title bdi', (bdi) => ({ text: bdi.textContent, bidi: getComputedStyle(bdi).unicodeBidi }));
  assert.deepEqual(title, { text: SPOOF_NAME, bidi: 'isolate' });
  await explorer.page.screenshot({ path: join(artifacts, 'bidi-explore-ar.png') });
  await explorer.context.close();
});

test('issue_17: a focus id over 200 characters shows an error in the widget, not another map', async () => {
  for (const focus of [`agency:${'a'.repeat(300)}`, 'agency:not%20an%20id']) {
    const { context, page, requests } = await open(`${api}/embed/map?focus=${focus}&lang=en`);
    await page.waitForSelector('section.pg-map[data-load="bad-focus"]');
    assert.match(await page.textContent('.pg-bad-focus'), /focus id is too long or not valid/);
    assert.equal(await page.$('canvas.pg-canvas'), null);
    assert.ok(!requests.some((url) => url.endsWith('/graphql')), 'no map is asked for');
    await page.screenshot({ path: join(artifacts, `bad-focus-${focus.length}.png`) });
    await context.close();
  }
});

test('issue_22: axe-core finds no moderate, serious or critical violation on /embed/map in both layouts', async () => {
  for (const query of ['focus=network:wacap&layout=force', 'focus=network:wacap&layout=geo&lang=ar']) {
    const { context, page } = await openEmbed(query);
    assert.deepEqual(await axeViolations(page), [], query);
    // A main landmark and a heading for screen-reader navigation.
    assert.match(await page.textContent('main h1'), /WACAP|World Alliance/);
    if (!query.includes('layout=force')) {
      await context.close();
      continue;
    }
    // With a node's card open too (its headings follow the page's h1).
    const positions = JSON.parse(await page.$eval('canvas.pg-canvas', (canvas) => canvas.dataset.positions));
    const [x, y] = positions['agency:undp'];
    await page.hover('canvas.pg-canvas', { position: { x, y } });
    await page.waitForSelector('aside.pg-card[data-node-id="agency:undp"]');
    assert.deepEqual(await axeViolations(page), [], `${query}, with a card`);
    await context.close();
  }
});
