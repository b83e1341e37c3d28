// Browser tests of the embeds' last rough edges (issue 22): oEmbed for the triangles embed and its
// discovery link, the explorer's answer to a focus that is not a node. Screenshots go to
// target/browser-artifacts/embeds-*.png.
//
// Environment: PG_BIN, PG_WIDGETS, PG_ARTIFACTS, CHROMIUM (see harness.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations } from './checks.mjs';
import { artifacts, launch, startServer } from './harness.mjs';

let work, server, api, browser, cms, cmsUrl;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pg-embeds-'));
  mkdirSync(artifacts, { recursive: true });
  ({ url: api, process: server } = await startServer(join(work, 'data')));
  // What a CMS does with a pasted link: find the oEmbed endpoint from the page's discovery link, ask it,
  // and insert its html.
  cms = createServer(async (req, res) => {
    const pasted = new URL(req.url, 'http://x').searchParams.get('paste');
    if (!pasted) {
      res.writeHead(404).end();
      return;
    }
    const page = await (await fetch(pasted)).text();
    const href = page.match(/<link rel="alternate" type="application\/json\+oembed" href="([^"]+)">/)[1].replace(/&amp;/g, '&');
    const oembed = await (await fetch(href)).json();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CMS</title></head><body><h1>${oembed.title.replace(/</g, '&lt;')}</h1>${oembed.html}</body></html>`);
  });
  await new Promise((ok) => cms.listen(0, '127.0.0.1', ok));
  cmsUrl = `http://127.0.0.1:${cms.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  cms?.close();
  server?.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
});

async function open(url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1, bypassCSP: true, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

function oembed(url, extra = '') {
  return fetch(`${api}/oembed?url=${encodeURIComponent(url)}${extra}`);
}

test('issue_22: oEmbed for the triangles embed, found through the page discovery link, shows the triangles', async () => {
  const res = await oembed(`${api}/embed/triangles?involving=country:BRA&role=PIVOTAL&evil=<x>`, '&maxwidth=640');
  assert.equal(res.status, 200);
  const answer = await res.json();
  assert.equal(answer.type, 'rich');
  assert.equal(answer.version, '1.0');
  assert.equal(answer.width, 640);
  assert.equal(answer.title, 'Triangular partnerships: Brazil');
  assert.ok(answer.html.startsWith(`<iframe src="${api}/embed/triangles?involving=country:BRA&amp;role=PIVOTAL"`), answer.html);
  assert.match(answer.html, /sandbox="allow-scripts allow-same-origin allow-downloads"/);
  assert.ok(!answer.html.includes('evil'));
  // Without `involving` it is every triangle; an `involving` that is no node is refused.
  assert.equal((await (await oembed(`${api}/embed/triangles`)).json()).title, 'Triangular partnerships');
  const unknown = await oembed(`${api}/embed/triangles?involving=country:XXX`);
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).errors[0].extensions.code, 'NOT_FOUND');

  // The page names its oEmbed answer, for this page's options; the map page does too.
  const page = await (await fetch(`${api}/embed/triangles?involving=country:BRA&lang=fr`)).text();
  const href = page.match(/<link rel="alternate" type="application\/json\+oembed" href="([^"]+)">/)[1].replace(/&amp;/g, '&');
  assert.equal(new URL(href).searchParams.get('url'), `${api}/embed/triangles?involving=country:BRA&lang=fr`);
  assert.equal((await (await fetch(href)).json()).title, 'Triangular partnerships: Brazil');
  assert.match(await (await fetch(`${api}/embed/map?focus=agency:undp`)).text(), /application\/json\+oembed" href="[^"]*embed%2Fmap%3Ffocus%3Dagency:undp/);

  // A CMS page built from a pasted link shows the triangles of Brazil.
  const { page: cmsPage, errors, close } = await open(`${cmsUrl}/?paste=${encodeURIComponent(`${api}/embed/triangles?involving=country:BRA`)}`);
  const frame = await (await cmsPage.waitForSelector('iframe[data-partnergraph-frame]')).contentFrame();
  await frame.waitForSelector('.pg-tri-view[data-state="ready"]');
  assert.ok(await frame.locator('.pg-tri[data-id="agreement:ibsa-fund"]').count(), 'the IBSA Fund is among the triangles');
  assert.equal(await cmsPage.textContent('h1'), 'Triangular partnerships: Brazil');
  await cmsPage.waitForTimeout(400);
  await cmsPage.screenshot({ path: join(artifacts, 'embeds-oembed-triangles.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});
