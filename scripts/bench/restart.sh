#!/usr/bin/env bash
# Restarts `serve` on an embedded store once and prints how long loading its in-memory topology took (as
# serve logs it), serve's CPU time and peak RSS at that moment (BENCHMARKS.md, issue 19's restart target).
#
#   scripts/bench/restart.sh BIN DATA_DIR [cold] [PORT]
#
# With `cold`, the store's files are first dropped from the page cache (posix_fadvise DONTNEED, which needs
# no root), so the snapshot is read from the disk. Prints `seconds=S cpu_ms=C hwm_mib=M`.
set -euo pipefail
bin=$1 data=$2 temperature=${3:-warm} port=${4:-18399}
if [[ $temperature == cold ]]; then
  python3 - "$data/topology.bin" "$data/partnergraph.redb" <<'PY'
import os, sys
for name in sys.argv[1:]:
    fd = os.open(name, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
PY
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$bin" serve --data "$data" --addr "127.0.0.1:$port" --response-cache-mib 0 > "$log" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do
  grep -q "topology ready\|topology loaded" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.05
done
hwm=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
cpu_ms=$((ticks * 1000 / $(getconf CLK_TCK)))
seconds=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'topology.*seconds=[0-9.]*' | head -1 | grep -o '[0-9.]*$')
kill "$pid"
wait "$pid" 2>/dev/null || true
printf 'seconds=%.3f cpu_ms=%s hwm_mib=%s\n' "$seconds" "$cpu_ms" "$hwm"
