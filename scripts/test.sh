#!/usr/bin/env bash
# Runs every check of partnergraph, as CI does (.ci/run calls this): formatting, clippy (native and
# wasm), the whole test suite in one cargo invocation, and the GraphQL-over-HTTP audit against the real
# server. Installs what it needs on a fresh machine (scripts/setup.sh).
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

step "tests"
cargo test --locked --workspace --no-fail-fast

step "GraphQL-over-HTTP audit (graphql-http) against the real server"
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
PARTNERGRAPH_LOG=warn target/debug/partnergraph serve --addr 127.0.0.1:0 --data "$work/data" > "$work/serve.out" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -n 1)
[ -n "$url" ] || { echo "the server did not start" >&2; exit 1; }
(cd "$root/tests/audit" && AUDIT_REPORT="$work/audit.json" node audit.mjs "$url/graphql")
