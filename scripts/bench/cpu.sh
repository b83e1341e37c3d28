#!/usr/bin/env bash
# CPU time of serve per request, for one kind of request alone, uncached: the measure that stays honest
# when other work loads the machine (wall times and throughput then vary by tens of percent).
#   scripts/bench/cpu.sh BIN STORE BODIES [COUNT]      (paths from the repository root)
# Starts BIN serve on STORE with the response cache off, sends the first COUNT (default all) bodies of
# BODIES one at a time (scripts/bench/alone.py) after 50 unmeasured ones, and prints serve's user+system
# CPU milliseconds per request with the client's mean and median wall milliseconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$1 store=$2 bodies=$3 count=${4:-$(wc -l < "$3")}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
PARTNERGRAPH_LOG=warn,partnergraph::store=info "$bin" serve --addr "127.0.0.1:$port" --data "$store" --response-cache-mib 0 > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.05; done
until grep -qE "loaded from its snapshot|topology snapshot written" "$log"; do sleep 0.2; done
url="http://127.0.0.1:$port/graphql"
python3 scripts/bench/alone.py "$url" "$bodies" x 50 > /dev/null
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(cpu)
wall=$(python3 scripts/bench/alone.py "$url" "$bodies" x "$count")
after=$(cpu)
sent=$(head -n "$count" "$bodies" | grep -c .)
echo "cpu_ms_per_request=$(python3 -c "print(round(($after - $before) * 1000 / $(getconf CLK_TCK) / $sent, 3))") wall_ms ${wall#x=} requests=$sent"
