// Live updates (issue 20): a map open in the browser (the embed page under its own strict CSP, and the
// explorer) subscribes over WebSocket to the changes near its node, and redraws after a mutation made
// elsewhere with an API token, without reloading the page.
//
// Environment: PG_BIN, PG_WIDGETS, PG_ARTIFACTS, CHROMIUM (see harness.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { artifacts, bin, serverAndBrowser } from './harness.mjs';

const env = serverAndBrowser('pg-live-', async (env) => {
  // Made by the command line while the server runs, as an operator would.
  env.token = execFileSync(bin, ['token', 'create', '--data', env.data, '--name', 'browser-test', '--scope', 'write'], {
    env: { ...process.env, PARTNERGRAPH_LOG: 'warn' },
  }).toString().trim();
});

const SOURCE = [{ document: 'secretariat-minutes.pdf', paragraph: 2, quote: 'admitted as a member' }];

async function mutate(changes) {
  const res = await fetch(`${env.api}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.token}` },
    body: JSON.stringify({ query: 'mutation($c: [ChangeInput!]!) { applyChanges(changes: $c) { id version } }', variables: { c: changes } }),
  });
  const answer = await res.json();
  assert.equal(res.status, 200, JSON.stringify(answer));
  assert.equal(answer.errors, undefined, JSON.stringify(answer));
  return answer.data.applyChanges;
}

function member(id, name) {
  return [
    { upsertNode: { input: { id, kind: 'AGENCY', name, agencyType: 'LOCAL_GOVERNMENT', sources: SOURCE } } },
    { upsertEdge: { input: { id: `${id}>member_of>network:wacap`, type: 'MEMBER_OF', source: id, target: 'network:wacap', sources: SOURCE } } },
  ];
}

async function shownNodes(page) {
  return (await page.$$eval('table.pg-nodes tr[data-node-id]', (rows) => rows.map((row) => row.dataset.nodeId))).sort();
}

async function openMap(path) {
  const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const sockets = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  await page.goto(`${env.api}${path}`);
  await page.waitForSelector('section.pg-map[data-load="ready"][data-live="on"]', { timeout: 15000 });
  // A mark that a reload would wipe.
  await page.evaluate(() => { window.pgNotReloaded = true; });
  return { context, page, errors, sockets };
}

test('an open map embed shows a new member after a mutation made elsewhere, without reloading', async () => {
  const { context, page, errors, sockets } = await openMap('/embed/map?focus=network:wacap&depth=1&lang=en');
  const before = await shownNodes(page);
  assert.ok(!before.includes('agency:city-of-live'), before.join());
  assert.deepEqual(sockets, [`${env.api.replace('http://', 'ws://')}/graphql`]);

  await mutate(member('agency:city-of-live', 'City of Live Updates'));
  await page.waitForFunction(() => document.querySelector('tr[data-node-id="agency:city-of-live"]'), null, { timeout: 15000 });
  const after = await shownNodes(page);
  assert.deepEqual(after, [...before, 'agency:city-of-live'].sort());
  assert.equal(await page.evaluate(() => window.pgNotReloaded), true, 'the page was not reloaded');
  assert.equal(await page.getAttribute('section.pg-map', 'data-changes'), '1');
  await page.screenshot({ path: join(artifacts, 'live-embed-after-mutation.png'), fullPage: true });

  // A change far from WACAP does not redraw it.
  await mutate([{ upsertNode: { input: { id: 'agency:far-away', kind: 'AGENCY', name: 'Far away', sources: SOURCE } } }]);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(await page.getAttribute('section.pg-map', 'data-changes'), '1');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the explorer redraws its map when a shown node is renamed, and its details when a partner joins', async () => {
  const { context, page, errors } = await openMap('/explore?view=map&focus=network:wacap&lang=en');
  await mutate([{ upsertNode: { input: { id: 'agency:city-of-live', kind: 'AGENCY', name: 'City of Live Updates, renamed', agencyType: 'LOCAL_GOVERNMENT', sources: SOURCE } } }]);
  await page.waitForFunction(
    () => document.querySelector('tr[data-node-id="agency:city-of-live"]')?.textContent.includes('renamed'),
    null,
    { timeout: 15000 },
  );
  assert.equal(await page.evaluate(() => window.pgNotReloaded), true, 'the page was not reloaded');
  // A new agreement of WACAP and the city: the details panel lists the city among WACAP's partners.
  const partnersBefore = await page.$$eval('.pg-details li.pg-partner', (items) => items.map((item) => item.dataset.id));
  assert.ok(!partnersBefore.includes('agency:city-of-live'), partnersBefore.join());
  await mutate([
    { upsertNode: { input: { id: 'agreement:live-pact', kind: 'AGREEMENT', name: 'Live pact', sources: SOURCE } } },
    ...['network:wacap', 'agency:city-of-live'].map((actor) => ({
      upsertEdge: { input: { id: `${actor}>participates_in>agreement:live-pact`, type: 'PARTICIPATES_IN', source: actor, target: 'agreement:live-pact', sources: SOURCE } },
    })),
  ]);
  await page.waitForFunction(
    () => [...document.querySelectorAll('.pg-details li.pg-partner')].some((item) => item.dataset.id === 'agency:city-of-live'),
    null,
    { timeout: 15000 },
  );
  assert.equal(await page.evaluate(() => window.pgNotReloaded), true, 'the page was not reloaded');
  await page.screenshot({ path: join(artifacts, 'live-explorer-after-rename.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
