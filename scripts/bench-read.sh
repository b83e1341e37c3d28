#!/usr/bin/env bash
# The read path's benchmark (issue 19): uncached against cached throughput for the same answers, each
# request alone, restart and memory, on one synthetic graph, all in one run with one binary.
#   scripts/bench-read.sh [NODES] [EDGES]      (default 100000 500000; results in target/bench/NODES/read.txt)
# For each of three rounds: wrk at c=8 for 10 s (BENCH_SECONDS) on depth-2 neighbourhoods of agreements
# and on the widget mix, against `serve --response-cache-mib 0` (every answer computed) and against a
# server whose cache holds every answer (warmed first). Then each request of the mix alone, uncached
# (scripts/bench/alone.py, and each kind through wrk at c=1 beside `{ __typename }` and the HTTP floor of
# api/examples/http_floor.rs), the restart time (process start to accepting, topology loaded from its
# snapshot) and the RSS. Reuses the generated graph and store of scripts/bench.sh when present.
# BENCH_BIN=PATH runs that binary instead of building one (to compare two builds in one session), and
# BENCH_OUT=NAME writes target/bench/NODES/NAME instead of read.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-100000}
edges=${2:-500000}
seconds=${BENCH_SECONDS:-10}
command -v wrk >/dev/null || { echo "bench-read: needs wrk (apt-get install wrk)" >&2; exit 1; }
bin=${BENCH_BIN:-target/release/partnergraph}
[ -n "${BENCH_BIN:-}" ] || cargo build --release --locked -p partnergraph --bin partnergraph --example http_floor
dir=target/bench/$nodes
mkdir -p "$dir"
out="$dir/${BENCH_OUT:-read.txt}"
: > "$out"
say() { printf '%s\n' "$*" | tee -a "$out"; }
say "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $nodes nodes / $edges edges; $(git rev-parse --short HEAD)"
[ -f "$dir/data.jsonl" ] || "$bin" bench-data --nodes "$nodes" --edges "$edges" --seed 1 --out "$dir/data.jsonl"
[ -d "$dir/store" ] || "$bin" import --data "$dir/store" "$dir/data.jsonl" > /dev/null
for kind in neighborhood2 mix; do python3 scripts/bench/bodies.py "$nodes" "$kind" "$dir/$kind.bodies"; done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pid=
stop() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=
}
trap stop EXIT
# Starts serve with `$@`, waits until it accepts and its topology is current (built or loaded).
start() {
  local started
  started=$(date +%s.%N)
  PARTNERGRAPH_LOG=warn,partnergraph::store=info "$bin" serve --addr "127.0.0.1:$port" --data "$dir/store" "$@" > "$dir/read-serve.log" 2>&1 &
  pid=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.01; done
  accepting=$(python3 -c "print(round($(date +%s.%N) - $started, 2))")
  until grep -qE "loaded from its snapshot|topology snapshot written" "$dir/read-serve.log"; do sleep 0.2; done
}
run() { wrk -t2 -c8 -d"${seconds}s" -s scripts/bench/graphql.lua "http://127.0.0.1:$port/graphql" -- "$1" | sed -n 's/^RESULT //p'; }
rps() { sed 's/.*rps=\([0-9]*\).*/\1/'; }

# A first start builds the topology and writes its snapshot; the restarts below load it.
start --response-cache-mib 0; stop
for round in 1 2 3; do
  for kind in neighborhood2 mix; do
    start --response-cache-mib 0
    if [ "$round" = 1 ] && [ "$kind" = neighborhood2 ]; then
      loaded=$(sed 's/\x1b\[[0-9;]*m//g' "$dir/read-serve.log" | grep -o 'loaded from its snapshot.*seconds=[0-9.]*' | grep -o '[0-9.]*$')
      say "restart: accepting after ${accepting}s, topology loaded from its snapshot after ${loaded}s; RSS $(($(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024)) MiB"
    fi
    cold=$(run "$dir/$kind.bodies")
    cold_rss=$(($(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024))
    stop
    start --response-cache-mib 512
    python3 scripts/bench/warm.py "http://127.0.0.1:$port/graphql" "$dir/$kind.bodies" 2>/dev/null
    cached=$(run "$dir/$kind.bodies")
    stop
    ratio=$(python3 -c "print(round($(echo "$cold" | rps) / $(echo "$cached" | rps), 3))")
    say "round $round $kind c=8: uncached [$cold] RSS ${cold_rss} MiB | cached [$cached] | uncached/cached $ratio"
  done
done
start --response-cache-mib 0
say "each request of the mix alone, uncached, mean/median ms (700 bodies): $(python3 scripts/bench/alone.py "http://127.0.0.1:$port/graphql" "$dir/mix.bodies" depth2,depth1,card,search,triangulars,paths,map 700)"
# The same kinds alone through a C client (wrk, one connection, so one request at a time; python's own
# share above is about 0.15 ms), each kind's bodies in turn for BENCH_ALONE_SECONDS, and `{ __typename }`:
# what any GraphQL answer of this server costs.
kinds=(depth2 depth1 card search triangulars paths map)
alone_seconds=${BENCH_ALONE_SECONDS:-5}
tmp=$(mktemp -d)
for at in "${!kinds[@]}"; do awk -v k="$at" '(NR - 1) % 7 == k' "$dir/mix.bodies" > "$tmp/${kinds[$at]}"; done
for _ in $(seq 200); do echo '{"query":"{ __typename }"}'; done > "$tmp/typename"
one() { wrk -t1 -c1 -d"${alone_seconds}s" -s scripts/bench/graphql.lua "$1" -- "$2" | sed -n 's/^RESULT .*\(p50_ms=[0-9.]*\) \(p90_ms=[0-9.]*\).*/\1 \2/p'; }
line=""
for kind in "${kinds[@]}" typename; do line="$line $kind [$(one "http://127.0.0.1:$port/graphql" "$tmp/$kind")]"; done
say "each kind alone, uncached, wrk c=1:$line"
say "RSS after: $(($(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024)) MiB"
stop
# The floor of any answer over HTTP on this machine (api/examples/http_floor.rs): axum alone, and with the
# hand-off to a blocking pool that serve makes for every uncached request.
floor=${BENCH_FLOOR:-target/release/examples/http_floor}
if [ -x "$floor" ]; then
  line=""
  for hop in "" --hop; do
    "$floor" "127.0.0.1:$port" $hop > /dev/null &
    pid=$!
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.01; done
    line="$line ${hop:-direct} [$(one "http://127.0.0.1:$port/graphql" "$tmp/typename")]"
    stop
  done
  say "HTTP floor (http_floor), wrk c=1:$line"
else
  say "HTTP floor: $floor not built (cargo build --release -p partnergraph --example http_floor)"
fi
rm -rf "$tmp"
