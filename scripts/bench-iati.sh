#!/usr/bin/env bash
# The IATI import benchmark of BENCHMARKS.md (issue 18): generates ACTIVITIES synthetic IATI activities
# (`partnergraph bench-data --format iati`, seed 1; default 1,000,000), imports the seed dataset into a
# fresh embedded store (by starting `serve` once, so the file's UNDP activities attach to agency:undp, as real ones would), then
# imports the file, timed, with peak memory (GNU time): MB/s, activities/s, and the import's own summary.
# A second import of the same file is timed too (it changes nothing). Last, in the same run, the floor:
# `examples/iati_floor.rs` only parses the XML and writes the records (no checks, resolution, terms or sorting).
#   scripts/bench-iati.sh [ACTIVITIES]
set -euo pipefail
cd "$(dirname "$0")/.."
activities=${1:-1000000}
cargo build --release --locked -p partnergraph
cargo build --release --locked -p partnergraph --example iati_floor
bin=target/release/partnergraph
dir=target/bench/iati-$activities
mkdir -p "$dir"
out="$dir/results.txt"
: > "$out"
say() { printf '%s\n' "$*" | tee -a "$out"; }
say "# iati import $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $activities activities; build $(git rev-parse --short HEAD)"
[ -f "$dir/activities.xml" ] || "$bin" bench-data --format iati --activities "$activities" --seed 1 --out "$dir/activities.xml"
megabytes=$(python3 -c "import os; print(round(os.path.getsize('$dir/activities.xml') / 1e6, 1))")
rm -rf "$dir/store"
# `serve` loads the seed dataset into an empty store: start it once, then stop it.
"$bin" serve --addr 127.0.0.1:0 --data "$dir/store" > "$dir/seed.log" 2>&1 &
seeding=$!
until grep -q "listening on" "$dir/seed.log"; do sleep 0.1; kill -0 $seeding; done
kill $seeding; wait $seeding 2>/dev/null || true
for run in first again; do
  /usr/bin/time -f "%e %M %U %S" -o "$dir/import.time" "$bin" import --data "$dir/store" "$dir/activities.xml" > "$dir/import-$run.log" 2> "$dir/import-$run.err"
  read -r seconds rss_kb user sys < "$dir/import.time"
  say "$run import of $megabytes MB: ${seconds}s (CPU ${user} + ${sys} s), $(python3 -c "print(round($megabytes / $seconds, 1))") MB/s, $(python3 -c "print(round($activities / $seconds))") activities/s, peak RSS $((rss_kb / 1024)) MiB"
  say "  $(grep -v '^$' "$dir/import-$run.log" | tail -n 2 | tr '\n' ' ')"
done
say "store $(du -sm "$dir/store" | cut -f1) MiB on disk"
rm -rf "$dir/floor"
/usr/bin/time -f "%e %M %U %S" -o "$dir/floor.time" target/release/examples/iati_floor "$dir/activities.xml" "$dir/floor" > "$dir/floor.log"
read -r seconds rss_kb user sys < "$dir/floor.time"
say "floor (parse and write only): ${seconds}s (CPU ${user} + ${sys} s), $(python3 -c "print(round($activities / $seconds))") activities/s, peak RSS $((rss_kb / 1024)) MiB, $(du -sm "$dir/floor" | cut -f1) MiB on disk; $(cat "$dir/floor.log")"
rm -rf "$dir/floor"
echo "results in $out"
