#!/usr/bin/env bash
# The soak benchmark of BENCHMARKS.md (issue 17): the release server on scripts/bench.sh's synthetic graph
# (default 1M nodes / 5M edges, made and imported if missing), the widget-query mix with the response
# cache off (every request does its data work), first at full load for 30 s to measure capacity, then at
# about 80 % of it for SOAK_MINUTES (default 10) one-minute wrk runs in a row: each minute's rate,
# p50/p99, errors, and the server's RSS at its end. The pause between a connection's requests is adjusted
# after each minute to keep the rate near the target.
#   scripts/soak.sh [NODES] [EDGES]
# Needs wrk (Debian). Prints a table and writes it to target/bench/NODES/soak.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-1000000}
edges=${2:-5000000}
minutes=${SOAK_MINUTES:-10}
connections=8
command -v wrk >/dev/null || { echo "soak: needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -p partnergraph
bin=target/release/partnergraph
dir=target/bench/$nodes
mkdir -p "$dir"
out="$dir/soak.txt"
: > "$out"
say() { printf '%s\n' "$*" | tee -a "$out"; }
say "# soak $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $nodes nodes / $edges edges; build $(git rev-parse --short HEAD)"
[ -f "$dir/data.jsonl" ] || "$bin" bench-data --nodes "$nodes" --edges "$edges" --seed 1 --out "$dir/data.jsonl"
[ -d "$dir/store" ] || "$bin" import --data "$dir/store" "$dir/data.jsonl" > /dev/null
python3 scripts/bench/bodies.py "$nodes" mix "$dir/mix.bodies"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PARTNERGRAPH_LOG=warn,partnergraph::store=info "$bin" serve --addr "127.0.0.1:$port" --data "$dir/store" --response-cache-mib 0 > "$dir/soak-serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.05; done
# A first start after an import builds the in-memory topology in the background: wait for it.
until grep -qE "in-memory topology ready|loaded from its snapshot" "$dir/soak-serve.log"; do sleep 0.5; kill -0 $pid; done
url="http://127.0.0.1:$port/graphql"
rss() { echo $(($(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024)); }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

full=$(wrk -t 2 -c "$connections" -d 30s --latency -s scripts/bench/graphql.lua "$url" -- "$dir/mix.bodies" | grep '^RESULT')
capacity=$(field rps "$full")
target=$(python3 -c "print(round($capacity * 0.8))")
say "capacity (c=$connections, 30 s, no pause): ${full#RESULT }; RSS $(rss) MiB"
say "soak: target $target req/s (80 %), $minutes one-minute runs"
say "minute  req/s  p50_ms  p99_ms  errors  socket_errors  rss_mib  pause_ms"
# The pause that would give the target if each request took its full-load latency.
pause=$(python3 -c "print(max(0, round($connections / $target * 1000 - $connections / $capacity * 1000)))")
for minute in $(seq 1 "$minutes"); do
  result=$(wrk -t 2 -c "$connections" -d 60s --latency -s scripts/bench/paced.lua "$url" -- "$dir/mix.bodies" "$pause" | grep '^RESULT')
  rate=$(field rps "$result")
  say "$(printf '%6s %6s %7s %7s %7s %14s %8s %9s' "$minute" "$rate" "$(field p50_ms "$result")" "$(field p99_ms "$result")" \
    "$(field errors "$result")" "$(field socket_errors "$result")" "$(rss)" "$pause")"
  # rate = c / (latency + pause): keep the measured latency, aim the pause at the target.
  pause=$(python3 -c "print(max(0, round($connections / $target * 1000 - $connections / $rate * 1000 + $pause)))")
done
say "server log warnings and errors: $(grep -ciE 'warn|error' "$dir/soak-serve.log" || true)"
echo "results in $out"
