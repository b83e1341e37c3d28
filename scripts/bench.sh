#!/usr/bin/env bash
# Reproduces the HTTP and import benchmarks of BENCHMARKS.md on this machine:
#   scripts/bench.sh [NODES] [EDGES] [--bolt]      (default 1000000 5000000)
# Generates the synthetic graph (partnergraph bench-data, seed 1), imports it into a fresh embedded store
# (import throughput, RSS, size on disk), measures restart to ready, then runs wrk against the running
# server for `{ __typename }`, neighbourhood depth 2 around median nodes, and the widget-query mix, at
# concurrency 1, 8 and 64, reporting p50/p90/p99, throughput, errors and RSS under load: first with the
# response cache off (the data work), then with it on after every body was asked once (identity, then
# gzip as browsers ask). With --bolt the
# same runs go against a fresh Bolt server (scripts/bolt-server.sh) in the same run. Needs wrk (Debian).
# BENCH_SKIP_IMPORT=1 reuses an existing store; BENCH_SECONDS sets each wrk run's length (default 10);
# BENCH_CACHE_MIB the response cache of the cached runs (default 256, which holds the answers of all the
# bodies at 1M: about 190 MB; serve's own default is 64).
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-1000000}
edges=${2:-5000000}
with_bolt=${3:-}
duration=${BENCH_SECONDS:-10}
cache_mib=${BENCH_CACHE_MIB:-256}
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -p partnergraph
bin=target/release/partnergraph
dir=target/bench/$nodes
mkdir -p "$dir"
out="$dir/results.txt"
: > "$out"
say() { printf '%s\n' "$*" | tee -a "$out"; }

say "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $nodes nodes / $edges edges"
[ -f "$dir/data.jsonl" ] || "$bin" bench-data --nodes "$nodes" --edges "$edges" --seed 1 --out "$dir/data.jsonl"
if [ "${BENCH_SKIP_IMPORT:-0}" != 1 ] || [ ! -d "$dir/store" ]; then
  rm -rf "$dir/store"
  /usr/bin/time -f "%e %M" -o "$dir/import.time" "$bin" import --data "$dir/store" "$dir/data.jsonl" > /dev/null
  read -r seconds rss_kb < "$dir/import.time"
  say "import: ${seconds}s, $(python3 -c "print(round($edges / $seconds))") edges/s, peak RSS $((rss_kb / 1024)) MiB, store $(du -sm "$dir/store" | cut -f1) MiB on disk"
fi

for kind in typename neighborhood2 mix; do
  python3 scripts/bench/bodies.py "$nodes" "$kind" "$dir/$kind.bodies"
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# First start after an import: the in-memory topology is built in the background and its snapshot
# written; wait for that (timed), then stop, so the measured start below is a real restart.
if [ ! -f "$dir/store/topology.bin" ] || [ "${BENCH_SKIP_IMPORT:-0}" != 1 ]; then
  built=$(date +%s.%N)
  PARTNERGRAPH_LOG=warn,partnergraph::store=info "$bin" serve --addr "127.0.0.1:$port" --data "$dir/store" > "$dir/warmup.log" 2>&1 &
  pid=$!
  until grep -q "topology snapshot written" "$dir/warmup.log"; do sleep 0.5; kill -0 $pid || { cat "$dir/warmup.log"; exit 1; }; done
  say "first start: topology built and snapshot written after $(python3 -c "print(round($(date +%s.%N) - $built, 1))")s ($(sed 's/\x1b\[[0-9;]*m//g' "$dir/warmup.log" | grep -o 'mib=[0-9]*' | head -1) in memory, snapshot $(du -m "$dir/store/topology.bin" | cut -f1) MiB)"
  kill $pid; wait $pid 2>/dev/null || true
fi
start=$(date +%s.%N)
PARTNERGRAPH_LOG=warn,partnergraph::store=info "$bin" serve --addr "127.0.0.1:$port" --data "$dir/store" --response-cache-mib 0 > "$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.02; done
# serve listens before it opens the store: give the log line a moment on a loaded machine.
for _ in $(seq 100); do grep -q "loaded from its snapshot" "$dir/serve.log" && break; sleep 0.1; done
grep -q "loaded from its snapshot" "$dir/serve.log" || { echo "bench: the restart did not load the topology snapshot" >&2; cat "$dir/serve.log" >&2; exit 1; }
say "restart to ready (process start to accepting): $(python3 -c "print(round($(date +%s.%N) - $start, 2))")s; RSS after start $(($(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024)) MiB"

run() { # label url bodies concurrency [accept-encoding]
  local result
  result=$(wrk -t "$(( $4 < 2 ? 1 : 2 ))" -c "$4" -d "${duration}s" -H "Accept-Encoding: ${5:-identity}" --latency -s scripts/bench/graphql.lua "$2" -- "$3" | grep '^RESULT')
  say "$1 c=$4 ${result#RESULT }"
}
for target in embedded cached cached-gzip ${with_bolt:+bolt}; do
  url="http://127.0.0.1:$port/graphql"
  encoding=identity
  if [ "$target" = cached ]; then
    # The same server with its response cache on, after every body was asked once: what repeated widget
    # requests cost. The "embedded" rows above ran with the cache off: the data work.
    kill $pid; wait $pid 2>/dev/null || true
    PARTNERGRAPH_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --data "$dir/store" --response-cache-mib "$cache_mib" > "$dir/serve-cached.log" 2>&1 &
    pid=$!
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.02; done
    python3 scripts/bench/warm.py "$url" "$dir/typename.bodies" "$dir/neighborhood2.bodies" "$dir/mix.bodies"
    say "cached: --response-cache-mib $cache_mib, every body asked once before; RSS $(($(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024)) MiB"
  fi
  if [ "$target" = cached-gzip ]; then
    # The same cached server, asked for gzip as browsers ask: answers of 1 KiB or more go out in the gzip
    # form the cache keeps.
    python3 scripts/bench/warm.py --gzip "$url" "$dir/typename.bodies" "$dir/neighborhood2.bodies" "$dir/mix.bodies"
    encoding=gzip
  fi
  if [ "$target" = bolt ]; then
    kill $pid; wait $pid 2>/dev/null || true
    export BOLT_HOME="$dir/bolt" BOLT_HEAP=${BOLT_HEAP:-2g}
    read -r bp hp < <(bash scripts/bolt-server.sh free-port 2 | paste -s -d ' ')
    export BOLT_PORT=$bp BOLT_HTTP_PORT=$hp
    rm -rf "$BOLT_HOME"; bolt_url=$(bash scripts/bolt-server.sh start)
    trap 'kill $pid 2>/dev/null || true; bash scripts/bolt-server.sh stop' EXIT
    store=(--store "$bolt_url" --db-user root --db-password partnergraph-test --db-name graph --db-timeout 120)
    # The same records in files of at most BENCH_BOLT_PART_LINES lines (default 500,000), imported in
    # order by one command: each file is its own all-or-nothing transaction, as the contract says, and
    # scripts/bench/split_parts.py orders them so that each passes the import's checks (places and their
    # LOCATED_IN edges, then agreements, then the other edges). ArcadeDB cannot hold 1M nodes and 5M
    # edges in one transaction in a heap this machine can give it (BENCHMARKS.md).
    rm -rf "$dir/bolt-parts"
    mapfile -t parts < <(python3 scripts/bench/split_parts.py "$dir/data.jsonl" "$dir/bolt-parts" "${BENCH_BOLT_PART_LINES:-500000}")
    /usr/bin/time -f "%e %M" -o "$dir/bolt-import.time" "$bin" import "${store[@]}" "${parts[@]}" > "$dir/bolt-import.log"
    read -r seconds rss_kb < "$dir/bolt-import.time"
    say "bolt import: ${seconds}s (${#parts[@]} files), $(python3 -c "print(round($edges / $seconds))") edges/s, client peak RSS $((rss_kb / 1024)) MiB, server heap $BOLT_HEAP"
    rm -rf "$dir/bolt-parts"
    PARTNERGRAPH_LOG=warn "$bin" serve --addr "127.0.0.1:$port" "${store[@]}" > "$dir/serve-bolt.log" 2>&1 &
    pid=$!
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.05; done
  fi
  for c in 1 8 64; do
    run "$target typename" "$url" "$dir/typename.bodies" "$c" "$encoding"
    run "$target neighborhood-depth2" "$url" "$dir/neighborhood2.bodies" "$c" "$encoding"
    run "$target mix" "$url" "$dir/mix.bodies" "$c" "$encoding"
  done
  say "$target RSS under load $(($(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024)) MiB"
done
echo "results in $out"
