#!/usr/bin/env python3
"""Posts every GraphQL body of the given files once (one JSON body per line), so the server's response
cache holds them before a benchmark of repeated requests. Fails on any answer that is not a 200 without
errors, or that the cache did not take (X-Cache must say miss or hit). With --gzip it asks for gzip, as
browsers do, so the cache keeps the gzip forms too, and checks the decompressed answers.

Usage: warm.py [--gzip] URL BODIES_FILE...
"""
import gzip
import http.client
import sys
import urllib.parse


def main():
    args = sys.argv[1:]
    compressed = args[0] == "--gzip"
    if compressed:
        args = args[1:]
    url = urllib.parse.urlsplit(args[0])
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if compressed:
        headers["Accept-Encoding"] = "gzip"
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    asked = 0
    for path in args[1:]:
        with open(path, encoding="utf-8") as bodies:
            for body in filter(None, (line.strip() for line in bodies)):
                connection.request("POST", url.path, body, headers)
                response = connection.getresponse()
                answer = response.read()
                if response.getheader("Content-Encoding") == "gzip":
                    answer = gzip.decompress(answer)
                cache = response.getheader("X-Cache")
                if response.status != 200 or b'"errors"' in answer or cache not in ("miss", "hit"):
                    sys.exit(f"warm.py: {response.status} X-Cache={cache} for {body[:120]}: {answer[:300]!r}")
                asked += 1
    print(f"warm.py: asked {asked} bodies once", file=sys.stderr)


if __name__ == "__main__":
    main()
