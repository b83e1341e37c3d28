// GraphQL-over-HTTP conformance audit of a running server, using the audits of graphql-http
// (the reference implementation of the GraphQL over HTTP spec).
//
//   cd tests/audit && npm ci && node audit.mjs http://127.0.0.1:PORT/graphql
//
// Prints one line per audit (`LEVEL  STATUS  name[  reason]`), then SHOULD/MAY counts, then the closing
// line `audit: N passed, M failed`, which counts MUST audits only. Exit code 1 if any MUST audit is not
// ok, 2 on bad usage, 0 otherwise.
// Env: AUDIT_REPORT=path writes every result (with the failing responses) as JSON;
//      AUDIT_TIMEOUT_MS (default 10000) bounds each request, so a hanging server fails instead of hanging.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { serverAudits } from 'graphql-http';

const USAGE = 'usage: node audit.mjs http://127.0.0.1:PORT/graphql   (env: AUDIT_REPORT=report.json, AUDIT_TIMEOUT_MS=10000)';

const args = process.argv.slice(2);
if (args.length !== 1 || args[0] === '-h' || args[0] === '--help') {
  console.log(USAGE);
  process.exit(args.length === 1 ? 0 : 2);
}
const url = args[0];
try {
  new URL(url);
} catch {
  console.error(`audit: not a URL: ${url}\n${USAGE}`);
  process.exit(2);
}

const version = createRequire(import.meta.url)('graphql-http/package.json').version;
const timeoutMs = Number(process.env.AUDIT_TIMEOUT_MS || 10000);
const fetchFn = (input, init = {}) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });

const LEVELS = ['MUST', 'SHOULD', 'MAY'];
const FAIL_STATUS = { MUST: 'error', SHOULD: 'warn', MAY: 'notice' };

// Same as graphql-http's auditServer (all audits concurrently), except that a fatal error of one audit
// (connection refused, timeout, ...) becomes a failed result of that audit instead of aborting the run.
const audits = serverAudits({ url, fetchFn });
const results = await Promise.all(
  audits.map(async ({ id, name, fn }) => {
    const level = name.split(' ', 1)[0];
    try {
      return { ...(await fn()), level };
    } catch (err) {
      const reason = `fatal: ${err?.cause?.message ?? err?.message ?? String(err)}`;
      return { id, name, level, status: FAIL_STATUS[level] ?? 'error', reason, response: null };
    }
  }),
);

const describe = async (res) => {
  if (!res) return null;
  const headers = {};
  for (const [key, val] of res.headers.entries()) headers[key] = key === 'date' ? '<timestamp>' : val;
  let body = null;
  try {
    const text = await res.clone().text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text.length > 5120 ? `${text.slice(0, 5120)}…` : text;
    }
  } catch {
    body = '<body already read>';
  }
  return { status: res.status, statusText: res.statusText, headers, body };
};

const report = [];
const counts = Object.fromEntries(LEVELS.map((l) => [l, { ok: 0, failed: 0 }]));
for (const r of results) {
  const title = r.name.slice(r.level.length + 1);
  const res = await describe(r.response);
  let line = `${r.level.padEnd(6)}  ${r.status.padEnd(6)}  ${title}`;
  if (r.status !== 'ok') {
    const got = res ? ` (got ${res.status}${res.headers['content-type'] ? ` ${res.headers['content-type']}` : ''})` : '';
    line += `  -- ${r.reason}${got}`;
  }
  console.log(line);
  (counts[r.level] ??= { ok: 0, failed: 0 })[r.status === 'ok' ? 'ok' : 'failed']++;
  report.push({ id: r.id, level: r.level, name: r.name, status: r.status, reason: r.reason ?? null, response: res });
}

const should = counts.SHOULD;
const may = counts.MAY;
console.log(`graphql-http ${version} against ${url}: ${results.length} audits`);
console.log(`SHOULD: ${should.ok} ok, ${should.failed} warn`);
console.log(`MAY: ${may.ok} ok, ${may.failed} notice`);

if (process.env.AUDIT_REPORT) {
  const doc = { tool: `graphql-http ${version}`, url, counts, results: report };
  writeFileSync(process.env.AUDIT_REPORT, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`report written to ${process.env.AUDIT_REPORT}`);
}

console.log(`audit: ${counts.MUST.ok} passed, ${counts.MUST.failed} failed`);
process.exit(counts.MUST.failed > 0 ? 1 : 0);
