#!/usr/bin/env python3
"""Times curation against a running server, one request at a time, as the client sees it (loopback HTTP
included), and what a write does to the reads that follow it.

Usage: curation.py URL TOKEN COUNT READ_BODY_FILE
- COUNT batches, each one mutation `applyChanges` with a new agency and its PARTICIPATES_IN edge to an
  agreement of the graph, then COUNT renames of those agencies (`upsertNode` with `expectedVersion`);
- the read (the first body of READ_BODY_FILE, a depth-2 neighbourhood) alone, 30 times back to back
  before any write; at once after each rename (the in-memory topology is then being rebuilt, and reads
  go to the tables); and one second after it, five times back to back (the median of the five).
  How long the rebuild takes is in the server's log (`in-memory topology ready … seconds`).
Prints the medians and the 90th percentiles in milliseconds.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

SOURCE = [{"document": "bench-curation", "paragraph": 1, "quote": "benchmark write"}]


def post(connection, path, body, token=None):
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    connection.request("POST", path, body, headers)
    response = connection.getresponse()
    answer = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200 or b'"errors"' in answer:
        sys.exit(f"curation.py: {response.status} for {body[:160]}: {answer[:300]!r}")
    return elapsed, json.loads(answer)


def summary(name, times):
    times = sorted(times)
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    return f"{name}: median {statistics.median(times):.2f} ms, p90 {p90:.2f} ms (n={len(times)})"


def main():
    url, token, count, read_file = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with open(read_file, encoding="utf-8") as lines:
        read = next(line.strip() for line in lines if line.strip())
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    _, agreements = post(connection, url.path, json.dumps({"query": "{ agreements(first: 50) { edges { node { id } } } }"}))
    targets = [edge["node"]["id"] for edge in agreements["data"]["agreements"]["edges"]]
    reads = [post(connection, url.path, read)[0] for _ in range(30)]
    creates, renames, first_reads, settle = [], [], [], []
    batch = "mutation($c: [ChangeInput!]!) { applyChanges(changes: $c) { id version } }"
    for index in range(count):
        agency = f"agency:bench-curation-{time.time_ns()}-{index}"
        target = targets[index % len(targets)]
        changes = [
            {"upsertNode": {"input": {"id": agency, "kind": "AGENCY", "name": f"Bench agency {index}", "sources": SOURCE}, "expectedVersion": 0}},
            {"upsertEdge": {"input": {"id": f"{agency}>participates_in>{target}", "type": "PARTICIPATES_IN", "source": agency, "target": target, "sources": SOURCE}}},
        ]
        creates.append(post(connection, url.path, json.dumps({"query": batch, "variables": {"c": changes}}), token)[0])
        rename = {"query": "mutation($n: NodeInput!) { upsertNode(input: $n, expectedVersion: 1) { version } }",
                  "variables": {"n": {"id": agency, "kind": "AGENCY", "name": f"Bench agency {index}, renamed", "sources": SOURCE}}}
        renames.append(post(connection, url.path, json.dumps(rename), token)[0])
        first_reads.append(post(connection, url.path, read)[0])
        time.sleep(1)
        settle.append(statistics.median(post(connection, url.path, read)[0] for _ in range(5)))
    print(summary("read before any write", reads))
    print(summary("applyChanges (a node and an edge)", creates))
    print(summary("upsertNode with expectedVersion", renames))
    print(summary("the read at once after a write", first_reads))
    print(summary("the read a second after a write", settle))


if __name__ == "__main__":
    main()
