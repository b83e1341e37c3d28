#!/usr/bin/env bash
# One Bolt benchmark run, as BENCHMARKS.md's "Bolt layout 3" section records it: a fresh database on a
# running Bolt server (scripts/bolt-server.sh), the bench data split into parts imported by one command
# (each file one transaction), the client's and the server's CPU during the import, then serve without
# response cache, each request of the mix alone (alone.py) and wrk rows. reads-only serves DB as an earlier
# run left it (no import); import-only stops after the import.
#
#   scripts/bench/bolt-run.sh BIN DB DATA_DIR LINES_PER_PART PORT [import-only | reads-only]
#
# BIN: a partnergraph binary; DB: the database to create (dropped first if present); DATA_DIR: a bench
# directory holding data.jsonl, mix.bodies and neighborhood2.bodies (target/bench/100000); PORT: where serve listens.
# Needs BOLT_HOME (and BOLT_PORT, BOLT_HTTP_PORT) of the running server, wrk, and PYTHON (python3 by
# default). Prints one line per measurement; the import's log goes to $OUT/import-DB.log (OUT: /tmp by
# default). BOLT_IMPORT_LOG sets PARTNERGRAPH_LOG for the import (e.g. partnergraph=debug for the
# per-statement timings).
set -euo pipefail
bin=$1 db=$2 data=$3 lines=$4 port=$5 mode=${6:-all}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python=${PYTHON:-python3}
out=${OUT:-/tmp}
parts="$out/parts-$lines"
bolt_port=${BOLT_PORT:?BOLT_PORT} server_pid=$(cat "$BOLT_HOME/server.pid")
say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

store=(--store "bolt://127.0.0.1:$bolt_port" --db-user root --db-password "${BOLT_PASSWORD:-partnergraph-test}" --db-name "$db" --db-timeout 120)
if [ "$mode" != reads-only ]; then
[ -d "$parts" ] || "$python" "$root/scripts/bench/split_parts.py" "$data/data.jsonl" "$parts" "$lines" > /dev/null
mapfile -t files < <(ls "$parts"/*.jsonl)
bash "$root/scripts/bolt-server.sh" drop-db "$db" > /dev/null 2>&1 || true
bash "$root/scripts/bolt-server.sh" create-db "$db" > /dev/null
edges=$(grep -c '^{"edge"' "$data/data.jsonl")
server_cpu() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
ticks=$(getconf CLK_TCK)
say "import $bin into $db, ${#files[@]} files of at most $lines lines, load $(cut -d' ' -f1-3 /proc/loadavg)"
before=$(server_cpu)
PARTNERGRAPH_LOG=${BOLT_IMPORT_LOG:-info} /usr/bin/time -f "%e %U %S %M" -o "$out/import-$db.time" \
  "$bin" import "${store[@]}" "${files[@]}" > "$out/import-$db.log" 2>&1 || { tail -5 "$out/import-$db.log"; exit 1; }
read -r seconds user sys rss_kb < "$out/import-$db.time"
say "import: ${seconds} s, $("$python" -c "print(round($edges / $seconds))") edges/s, client CPU $("$python" -c "print(round($user + $sys, 1))") s, \
server CPU $("$python" -c "print(round(($(server_cpu) - $before) / $ticks, 1))") s, client peak RSS $((rss_kb / 1024)) MiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$mode" = import-only ] && exit 0
fi

url="http://127.0.0.1:$port/graphql"
PARTNERGRAPH_LOG=warn "$bin" serve --addr "127.0.0.1:$port" "${store[@]}" --response-cache-mib 0 > "$out/serve-$db.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.05; done
say "alone (mean / p50 ms), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" "$root/scripts/bench/alone.py" "$url" "$data/mix.bodies" depth2,depth1,card,search,triangulars,paths,map 140
for c in 1 8 64; do
  for row in "depth2 $data/neighborhood2.bodies" "mix $data/mix.bodies"; do
    set -- $row
    result=$(wrk -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d 8s --latency -s "$root/scripts/bench/graphql.lua" "$url" -- "$2" | grep '^RESULT')
    say "$1 c=$c ${result#RESULT }"
  done
done
say "load $(cut -d' ' -f1-3 /proc/loadavg)"
