// Browser test of the explorer's "Find a partner" view (issue 23), in real headless Chromium against a
// real `partnergraph serve` on the seed data with the hand-made needs and offers of
// tests/data/matching/ imported beside it by the CLI (as an analyst would). The expected order and scores
// are those of tests/data/matching/expected.json, written by hand before the code.
//
// Environment: PG_BIN, PG_WIDGETS, PG_ARTIFACTS, CHROMIUM (see harness.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations } from './checks.mjs';
import { artifacts, bin, root, serverAndBrowser } from './harness.mjs';

const fixture = join(root, 'tests/data/matching');
const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8'));
const handMade = readFileSync(join(fixture, 'dataset.jsonl'), 'utf8');

const env = serverAndBrowser('pg-matching-', async ({ data }) => {
  execFileSync(bin, ['import', '--data', data, join(fixture, 'dataset.jsonl')], { stdio: 'pipe' });
});

async function open(path) {
  const context = await env.browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-US', bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err));
  await page.goto(`${env.api}${path}`);
  await page.waitForSelector('.pg-explore');
  return { page, errors, close: () => context.close() };
}

/** The ranked offers on the page that belong to the hand-made set, as [id, score]. */
async function rankedOffers(page) {
  const all = await page.$$eval('.pg-match', (items) => items.map((item) => [item.dataset.offer, Number(item.dataset.score)]));
  const scores = all.map(([, score]) => score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'offers are shown best first');
  return all.filter(([id]) => handMade.includes(`"id": "${id}"`));
}

test('picking a need ranks the offers as written by hand, explains each score and draws the introduction path', async () => {
  const { page, errors, close } = await open('/explore?view=match&lang=en');
  await page.waitForSelector('.pg-match-view[data-state="idle"]');
  await page.waitForSelector('#pg-need option[value="need:kenya-drought-resilience"]', { state: 'attached' });
  await page.selectOption('#pg-need', 'need:kenya-drought-resilience');
  await page.waitForSelector('.pg-match-view[data-state="found"]');
  assert.match(page.url(), /view=match&need=need:kenya-drought-resilience/);
  assert.deepEqual(await rankedOffers(page), expected.matches['need:kenya-drought-resilience']);

  const best = page.locator('.pg-match[data-offer="offer:embrapa-drought-tolerant-crops"]');
  const reasons = await best.locator('.pg-reason').evaluateAll((items) => items.map((item) => [item.dataset.kind, item.querySelector('.pg-reason-points').textContent.trim()]));
  assert.deepEqual(reasons, [['SECTOR', '20 / 20'], ['SDG', '12.5 / 25'], ['SUPPORT', '10 / 10'], ['LANGUAGE', '10 / 10'], ['TRACK_RECORD', '10 / 15'], ['PATH', '10 / 10'], ['REGION', '5 / 10']]);
  assert.match(await best.locator('.pg-reason[data-kind="SUPPORT"]').innerText(), /Technical assistance/);
  assert.match(await best.locator('.pg-intro').innerText(), /Kenya Ministry of Agriculture \(test\) → Drought-tolerant seed exchange \(test\) → Embrapa \(test\)/);

  // The first match is chosen: its introduction path is on the map, seeker, agreement and provider.
  await page.waitForFunction(() => document.querySelector('.pg-match-body canvas.pg-canvas')?.dataset.state === 'still', null, { timeout: 15000 });
  const drawn = JSON.parse(await page.$eval('.pg-match-body canvas.pg-canvas', (canvas) => canvas.dataset.positions));
  assert.deepEqual(Object.keys(drawn).sort(), expected.introductions['need:kenya-drought-resilience offer:embrapa-drought-tolerant-crops'].slice().sort());
  await page.screenshot({ path: join(artifacts, 'explore-find-a-partner.png'), fullPage: true });

  // A match without a path offers none to draw.
  assert.equal(await page.locator('.pg-match[data-offer="offer:icar-solar-irrigation"] .pg-intro').count(), 0);

  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await close();
});

test('the view reads in French and right to left in Arabic, from a deep link', async () => {
  const { page, errors, close } = await open('/explore?view=match&need=need:lima-solid-waste&lang=fr');
  await page.waitForSelector('.pg-match-view[data-state="found"]');
  assert.equal(await page.locator('#pg-match-title').innerText(), 'Trouver un partenaire');
  assert.deepEqual(await rankedOffers(page), expected.matches['need:lima-solid-waste']);
  assert.match(await page.locator('.pg-reason[data-kind="SUPPORT"]').first().innerText(), /Partage de connaissances/);
  // Lima's best match has no introduction path: the map's place says so.
  assert.match(await page.locator('.pg-no-intro').innerText(), /Aucun chemin de mise en relation/);
  await page.goto(`${env.api}/explore?view=match&need=need:lima-solid-waste&lang=ar`);
  await page.waitForSelector('.pg-match-view[data-state="found"]');
  assert.equal(await page.locator('.pg-explore').getAttribute('dir'), 'rtl');
  assert.equal(await page.locator('#pg-match-title').innerText(), 'ابحث عن شريك');
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await close();
});

test("a need's details on the map open Find a partner for it", async () => {
  const { page, errors, close } = await open('/explore?view=map&focus=need:kenya-drought-resilience&lang=en');
  await page.waitForSelector('.pg-details[data-id="need:kenya-drought-resilience"] .pg-find-partner');
  await page.click('.pg-find-partner');
  await page.waitForSelector('.pg-match-view[data-state="found"]');
  assert.match(page.url(), /view=match&need=need:kenya-drought-resilience/);
  assert.equal(await page.locator('#pg-need').inputValue(), 'need:kenya-drought-resilience');
  // An offer's details have no such button.
  await page.goto(`${env.api}/explore?view=map&focus=offer:cassava-processing&lang=en`);
  await page.waitForSelector('.pg-details[data-id="offer:cassava-processing"]');
  assert.equal(await page.locator('.pg-find-partner').count(), 0);
  assert.deepEqual(errors, []);
  await close();
});
