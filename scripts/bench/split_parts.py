"""Splits a dataset file into parts that import one after another, each its own all-or-nothing file.

Usage: python3 split_parts.py DATA.jsonl OUT_DIR LINES_PER_PART

The Bolt server cannot hold a 1M-node / 5M-edge file in one transaction (BENCHMARKS.md), so `bench.sh
--bolt` imports the same records as several files, in order. A file is checked against itself and the
store, so the parts are ordered to pass those checks: first every node that is not an agreement with
every LOCATED_IN edge (a city must come with its edge to its country), then the agreements, then the
other edges; each group is cut into parts of at most LINES_PER_PART lines. Prints the part files.
"""

import os
import sys


def main():
    source, out_dir, per_part = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(out_dir, exist_ok=True)
    groups = {"places": [], "agreements": [], "edges": []}
    with open(source, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip() or line.startswith("//"):
                continue
            if line.startswith('{"node"'):
                group = "agreements" if '"kind":"AGREEMENT"' in line else "places"
            elif '"type":"LOCATED_IN"' in line:
                group = "places"
            else:
                group = "edges"
            groups[group].append(line)
    total = sum(len(group) for group in groups.values())
    number = 0
    for name in ("places", "agreements", "edges"):
        group = groups[name]
        for start in range(0, len(group), per_part):
            path = os.path.join(out_dir, f"part-{number:03}-{name}.jsonl")
            with open(path, "w", encoding="utf-8") as part:
                part.writelines(group[start:start + per_part])
            print(path)
            number += 1
    sys.stderr.write(f"split_parts: {total} records into {number} files\n")


if __name__ == "__main__":
    main()
