#!/usr/bin/env bash
# Runs every check of partnergraph, as CI does (.ci/run calls this): formatting, clippy (native and
# wasm), the whole test suite in one cargo invocation against both stores (a real Bolt server is started
# for it and stopped after), the GraphQL-over-HTTP audit against the real server, the widgets' browser
# tests (release wasm build, then headless Chromium against a real server and a host page on another origin),
# and a bounded, seeded GraphQL fuzzing run against a real server. Installs what it needs on a fresh
# machine (scripts/setup.sh, scripts/bolt-server.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
step() { printf '\n==> %s\n' "$*"; }

step "setup"
PARTNERGRAPH_SETUP_TESTS=1 bash scripts/setup.sh

step "format and lints"
cargo fmt --all -- --check
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked -p partnergraph-schema -p partnergraph-widgets --target wasm32-unknown-unknown -- -D warnings
cargo clippy --locked -p partnergraph-widgets --target wasm32-unknown-unknown --no-default-features --features map -- -D warnings
cargo clippy --locked -p partnergraph-widgets --target wasm32-unknown-unknown --no-default-features --features dashboard -- -D warnings

step "a real Bolt server for the Neo4j backend's tests (scripts/bolt-server.sh)"
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  BOLT_HOME="$work/bolt" bash "$root/scripts/bolt-server.sh" stop || true
  rm -rf "$work"
}
trap cleanup EXIT
read -r bolt_port bolt_http_port < <(bash scripts/bolt-server.sh free-port 2 | paste -s -d ' ')
export PARTNERGRAPH_TEST_BOLT_PASSWORD=partnergraph-test
PARTNERGRAPH_TEST_BOLT_URL=$(BOLT_HOME="$work/bolt" BOLT_PORT=$bolt_port BOLT_HTTP_PORT=$bolt_http_port \
  BOLT_PASSWORD=$PARTNERGRAPH_TEST_BOLT_PASSWORD bash scripts/bolt-server.sh start)
export PARTNERGRAPH_TEST_BOLT_URL PARTNERGRAPH_TEST_BOLT_HTTP="http://127.0.0.1:$bolt_http_port"

step "tests (both stores)"
cargo test --locked --workspace --no-fail-fast

step "GraphQL-over-HTTP audit (graphql-http) against the real server"
PARTNERGRAPH_LOG=warn target/debug/partnergraph serve --addr 127.0.0.1:0 --data "$work/data" > "$work/serve.out" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -n 1)
[ -n "$url" ] || { echo "the server did not start" >&2; exit 1; }
(cd "$root/tests/audit" && AUDIT_REPORT="$work/audit.json" node audit.mjs "$url/graphql")

step "widgets: release wasm build (scripts/build-widgets.sh) and browser tests in headless Chromium"
bash scripts/build-widgets.sh
(cd "$root/tests/browser" && PG_BIN="$root/target/debug/partnergraph" PG_WIDGETS="$root/target/widgets" \
  PG_ARTIFACTS="$root/target/browser-artifacts" node --test --test-concurrency=1)
echo "screenshots: target/browser-artifacts/"

step "GraphQL fuzzer (hypothesis-graphql, tests/fuzz/) against a real server of its own"
target/pyenv/bin/python tests/fuzz/fuzz.py --bin target/debug/partnergraph
