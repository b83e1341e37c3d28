#!/usr/bin/env python3
"""Sends GraphQL bodies one at a time (nothing else in flight) and prints the mean time of each kind of
request, in milliseconds, as the client sees it (loopback HTTP included), and its median (`/p50`).

Usage: alone.py URL BODIES_FILE KINDS COUNT
Bodies are taken in file order; the i-th body is of kind i % len(KINDS) (bodies.py writes the mix that
way), KINDS being comma-separated names. The first pass over the bodies is not timed when the server's
response cache is on, so this measures the data work only when serve runs with --response-cache-mib 0.
"""
import http.client
import statistics
import sys
import time
import urllib.parse


def main():
    url, path, kinds, count = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])
    with open(path, encoding="utf-8") as lines:
        bodies = [line.strip() for line in lines if line.strip()][:count]
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    spent = {kind: [] for kind in kinds}
    for index, body in enumerate(bodies):
        started = time.perf_counter()
        connection.request("POST", url.path, body, headers)
        response = connection.getresponse()
        answer = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200 or b'"errors"' in answer:
            sys.exit(f"alone.py: {response.status} for {body[:120]}: {answer[:300]!r}")
        spent[kinds[index % len(kinds)]].append(elapsed)
    print(" ".join(f"{kind}={sum(times) / len(times) * 1000:.2f}/p50 {statistics.median(times) * 1000:.2f}" for kind, times in spent.items() if times))


if __name__ == "__main__":
    main()
