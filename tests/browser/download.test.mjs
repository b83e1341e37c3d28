// Browser tests of the Download menu (issue 18 "Out"): in the explorer and in the map embed's full
// controls, the shown neighbourhood as JSON Lines, CSV (two sheets), GraphML and GEXF from the server's
// /export, and the current view as PNG and SVG drawn by the widget. Each download must arrive (playwright's
// download event) and hold what the map shows. Screenshots go to target/browser-artifacts/download-*.png.
//
// Environment: PG_BIN, PG_WIDGETS, PG_ARTIFACTS, CHROMIUM (see harness.mjs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations } from './checks.mjs';
import { artifacts, hostPage, serverAndBrowser, stillLabels } from './harness.mjs';

let hostServer, host;
const env = serverAndBrowser('pg-download-', async ({ api }) => {
  ({ url: host, server: hostServer } = await hostPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner site</title></head>
<body><h1>A map in a sandboxed iframe</h1><script src="${api}/embed.js" data-partnergraph="map" data-focus="agency:unossc" async></script></body></html>`));
});

after(() => hostServer?.close());

async function open(url, viewport = { width: 1280, height: 900 }) {
  const context = await env.browser.newContext({ viewport, deviceScaleFactor: 1, bypassCSP: true, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

/** Clicks `selector` in `scope` (page or frame) and returns the download it starts: name and bytes. */
async function download(page, scope, selector) {
  const [event] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), scope.click(selector)]);
  const path = await event.path();
  return { name: event.suggestedFilename(), bytes: readFileSync(path) };
}

/** Opens the Download menu of the map in `scope`. */
async function openMenu(scope) {
  if (!(await scope.$('details.pg-download[open]'))) await scope.click('summary.pg-download-btn');
  await scope.waitForSelector('.pg-download-menu', { state: 'visible' });
}

test('issue_18: the explorer downloads the neighbourhood in four formats and the view as PNG and SVG', async () => {
  const { page, errors, close } = await open(`${env.api}/explore?view=map&focus=network:wacap&lang=en&asOf=2016`);
  await page.waitForSelector('section.pg-map[data-load="ready"]');
  const labels = await stillLabels(page);
  const shown = (await page.$$eval('table.pg-nodes tr[data-node-id]', (rows) => rows.map((row) => row.dataset.nodeId))).sort();
  await openMenu(page);
  await page.screenshot({ path: join(artifacts, 'download-menu-en.png') });

  const json = await download(page, page, 'a.pg-download-item[data-format="json"]');
  assert.equal(json.name, 'partnergraph-network-wacap-depth1.jsonl');
  // The format allows `//` comment lines (a header saying what the file is).
  const records = json.bytes.toString('utf8').trim().split('\n').filter((line) => !line.startsWith('//')).map((line) => JSON.parse(line));
  assert.deepEqual(records.filter((record) => record.node).map((record) => record.node.id).sort(), shown, 'the file holds the nodes the map shows');
  // asOf=2016 is passed on: WACAP is hosted by UNOSSC then, not by UNDP.
  const hosts = records.filter((record) => record.edge?.type === 'HOSTED_BY' && record.edge.source === 'network:wacap').map((record) => record.edge.target);
  assert.deepEqual(hosts, ['agency:unossc']);

  for (const [format, name, start] of [
    ['csv-elements', 'partnergraph-network-wacap-depth1-elements.csv', /^\uFEFF?[A-Za-z]/],
    ['csv-connections', 'partnergraph-network-wacap-depth1-connections.csv', /^\uFEFF?[A-Za-z]/],
    ['graphml', 'partnergraph-network-wacap-depth1.graphml', /<graphml[\s>]/],
    ['gexf', 'partnergraph-network-wacap-depth1.gexf', /<gexf[\s>]/],
  ]) {
    await openMenu(page);
    const file = await download(page, page, `a.pg-download-item[data-format="${format}"]`);
    assert.equal(file.name, name);
    const text = file.bytes.toString('utf8');
    assert.match(text, start, `${format} starts as it should`);
    assert.ok(text.includes('network:wacap'), `${format} holds the focus`);
  }

  // The PNG is the view: a PNG of the canvas's size.
  const canvas = await page.$eval('canvas.pg-canvas', (element) => ({ width: element.clientWidth, height: element.clientHeight }));
  await openMenu(page);
  const png = await download(page, page, 'button.pg-download-item[data-format="png"]');
  assert.equal(png.name, 'partnergraph-network-wacap-depth1-2016.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  assert.deepEqual({ width: png.bytes.readUInt32BE(16), height: png.bytes.readUInt32BE(20) }, canvas);

  // The SVG parses, is of the view's size, and holds every label the canvas shows, each in its box.
  await openMenu(page);
  const svg = await download(page, page, 'button.pg-download-item[data-format="svg"]');
  assert.equal(svg.name, 'partnergraph-network-wacap-depth1-2016.svg');
  const check = await svgCheck(page, svg.bytes.toString('utf8'), labels);
  assert.deepEqual(check.size, [canvas.width, canvas.height]);
  assert.deepEqual(check.missing, [], 'every visible label is in the SVG');
  assert.deepEqual(check.outside, [], 'every SVG label is drawn in the box the canvas placed it in');
  assert.equal(check.texts, Object.keys(labels).length);
  assert.ok(check.texts >= 2, `${check.texts} labels`);
  assert.deepEqual(errors, []);
  await close();
});

/**
 * Parses `text` in the page (no parser error), shows it, and compares its labels with the canvas's
 * `labels`: those missing from the SVG, and those whose drawn box strays over 3 px from the canvas's box.
 */
function svgCheck(page, text, labels) {
  return page.evaluate(
    ([source, expected]) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      if (doc.querySelector('parsererror')) return { error: doc.querySelector('parsererror').textContent };
      const svg = document.body.appendChild(document.importNode(doc.documentElement, true));
      svg.style.cssText = 'position:fixed;left:0;top:0';
      const texts = [...svg.querySelectorAll('text')];
      const byId = Object.fromEntries(texts.map((element) => [element.dataset.nodeId, element]));
      const missing = Object.entries(expected).filter(([id, box]) => byId[id]?.textContent !== box[4]).map(([id]) => id);
      const outside = [];
      for (const [id, [x, y, w, h]] of Object.entries(expected)) {
        const bbox = byId[id]?.getBBox();
        if (!bbox) continue;
        if (bbox.x < x - 3 || bbox.x + bbox.width > x + w + 3 || bbox.y < y - 3 || bbox.y + bbox.height > y + h + 3) {
          outside.push(`${id}: ${[bbox.x, bbox.y, bbox.width, bbox.height].map(Math.round)} not in ${[x, y, w, h]}`);
        }
      }
      svg.remove();
      return { size: [Number(svg.getAttribute('width')), Number(svg.getAttribute('height'))], missing, outside, texts: texts.length };
    },
    [text, labels],
  );
}

test('issue_18: in Arabic the menu is translated, and the SVG keeps right-to-left labels in their boxes', async () => {
  const { page, close } = await open(`${env.api}/explore?view=map&focus=country:BRA&lang=ar`);
  await page.waitForSelector('section.pg-map[data-load="ready"]');
  const labels = await stillLabels(page);
  assert.ok(Object.values(labels).some((box) => /[\u0600-\u06FF]/.test(box[4])), 'some labels are Arabic');
  assert.equal(await page.textContent('summary.pg-download-btn'), 'تنزيل');
  await openMenu(page);
  assert.deepEqual(await axeViolations(page), [], 'axe, menu open, Arabic');
  await page.screenshot({ path: join(artifacts, 'download-menu-ar.png') });
  const svg = await download(page, page, 'button.pg-download-item[data-format="svg"]');
  const check = await svgCheck(page, svg.bytes.toString('utf8'), labels);
  assert.deepEqual(check.missing, []);
  assert.deepEqual(check.outside, []);
  await close();
});

test('issue_18: the menu speaks six languages and works with the keyboard alone, axe clean', async () => {
  const words = { en: 'Download', fr: 'Télécharger', es: 'Descargar', ar: 'تنزيل', zh: '下载', ru: 'Скачать' };
  for (const [lang, word] of Object.entries(words)) {
    const { page, close } = await open(`${env.api}/embed/map?focus=network:wacap&lang=${lang}`);
    await page.waitForSelector('section.pg-map[data-load="ready"]');
    assert.equal(await page.textContent('summary.pg-download-btn'), word, lang);
    await close();
  }
  const { page, close } = await open(`${env.api}/embed/map?focus=network:wacap&lang=en`);
  await page.waitForSelector('section.pg-map[data-load="ready"]');
  await stillLabels(page);
  let reached = false;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.classList.contains('pg-download-btn'));
  }
  assert.ok(reached, 'Tab reaches the Download button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.pg-download-menu', { state: 'visible' });
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.format), 'json', 'Tab goes into the menu');
  assert.deepEqual(await axeViolations(page), [], 'axe, menu open');
  // Enter on a menu item downloads it.
  const [event] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.equal(event.suggestedFilename(), 'partnergraph-network-wacap-depth1.jsonl');
  await page.click('summary.pg-download-btn');
  await page.waitForSelector('.pg-download-menu', { state: 'visible' });
  await page.focus('button.pg-download-item[data-format="svg"]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.pg-download-menu', { state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('pg-download-btn')), true, 'Escape closes and returns to the button');
  await close();
});

test('issue_18: the map embed in a sandboxed iframe on another origin downloads too', async () => {
  const { page, close } = await open(`${host}/`);
  const frame = await (await page.waitForSelector('iframe[data-partnergraph-frame]')).contentFrame();
  await frame.waitForSelector('section.pg-map[data-load="ready"]');
  const labels = await stillLabels(frame);
  await openMenu(frame);
  const gexf = await download(page, frame, 'a.pg-download-item[data-format="gexf"]');
  assert.equal(gexf.name, 'partnergraph-agency-unossc-depth1.gexf');
  assert.match(gexf.bytes.toString('utf8'), /<gexf[\s>]/);
  await openMenu(frame);
  const svg = await download(page, frame, 'button.pg-download-item[data-format="svg"]');
  const check = await svgCheck(frame, svg.bytes.toString('utf8'), labels);
  assert.deepEqual(check.missing, []);
  await openMenu(frame);
  const png = await download(page, frame, 'button.pg-download-item[data-format="png"]');
  assert.equal(png.bytes.subarray(1, 4).toString('latin1'), 'PNG');
  await close();
});
