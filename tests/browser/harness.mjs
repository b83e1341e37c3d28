// What every browser test file shares: where the binary, the built widgets and the artifacts are
// (PG_BIN, PG_WIDGETS, PG_ARTIFACTS, CHROMIUM), a real `partnergraph serve` on a temp data dir, and
// headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), and a partner's page on
// another origin.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before } from 'node:test';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const root = resolve(import.meta.dirname, '../..');
export const bin = process.env.PG_BIN || join(root, 'target/debug/partnergraph');
export const widgets = process.env.PG_WIDGETS || join(root, 'target/widgets');
export const artifacts = process.env.PG_ARTIFACTS || join(root, 'target/browser-artifacts');

/** Starts `partnergraph serve` on a free port over `dataDir`; resolves to `{ url, process }`. */
export function startServer(dataDir) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data', dataDir, '--widgets', widgets], {
      env: { ...process.env, PARTNERGRAPH_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (match) resolvePromise({ url: match[1], process: child });
    });
    child.on('exit', (code) => reject(new Error(`partnergraph serve exited with ${code}`)));
  });
}

/** Headless Chromium. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Waits until the map canvas in `scope` is still and returns its labels (id → [x, y, w, h, text]). */
export async function stillLabels(scope) {
  await scope.waitForFunction(() => {
    const canvas = document.querySelector('canvas.pg-canvas');
    return canvas && canvas.dataset.state === 'still' && canvas.dataset.labels;
  }, null, { timeout: 15000 });
  return JSON.parse(await scope.$eval('canvas.pg-canvas', (canvas) => canvas.dataset.labels));
}

/** A partner site on another origin answering every path with `html`; resolves to `{ url, server }`. */
export async function hostPage(html) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}`, server };
}

/**
 * Registers the test file's `before` and `after`: a server on a fresh data dir (seeded) and a browser,
 * then `more(env)` if given (in the same hook: hooks of one file are not ordered among themselves).
 * Returns the object they fill in: `{ api, browser, data }` (`data`: the server's data dir) once `before` has run.
 */
export function serverAndBrowser(prefix, more = async () => {}) {
  const env = {};
  let work, server;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(artifacts, { recursive: true });
    env.data = join(work, 'data');
    ({ url: env.api, process: server } = await startServer(env.data));
    env.browser = await launch();
    await more(env);
  });
  after(async () => {
    await env.browser?.close();
    server?.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });
  return env;
}
