#!/usr/bin/env python3
"""Matching at scale (issue 23): writes needs and offers onto a bench-data graph, then times `matches` and
`seekers` against a running `partnergraph serve`, one request at a time.

  matching.py data OUT.jsonl [NEEDS] [OFFERS] [AGENCIES] [COUNTRIES]   needs and offers as JSON Lines
  matching.py run URL NEEDS OFFERS [ROUNDS]                             mean / p50 / p95 / max ms

The data is seeded (random.Random(23)): providers and seekers are bench-data agencies (agency:s<N>) and
countries (country:AAA…), each offer LOCATED_IN a country and PIVOTAL-provided by one actor, each need
asked for by one actor; SDGs, DAC sectors, kinds of support and languages drawn from small lists so that
many offers fit each need (the ranking's bounds are exercised, not avoided).
"""
import json
import random
import statistics
import sys
import time
import urllib.request

SECTORS = ["11110", "11220", "12220", "12240", "14020", "14030", "15110", "15150", "21020", "23210",
           "23230", "31120", "31140", "31161", "31320", "32130", "41010", "43040", "43072", "72010"]
SUPPORT = ["TECHNICAL_ASSISTANCE", "CAPACITY_BUILDING", "KNOWLEDGE_SHARING", "POLICY_ADVICE", "TECHNOLOGY_TRANSFER", "FINANCE"]
LANGUAGES = ["en", "fr", "es", "pt", "ar", "ru", "zh"]
SOURCE = [{"document": "scripts/bench/matching.py"}]


def country(rng, countries):
    index = rng.randrange(countries)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "country:AA" + letters[index] if index < 26 else "country:A" + letters[index // 26] + letters[index % 26]


def actor(rng, agencies, countries):
    return f"agency:s{rng.randrange(agencies)}" if rng.random() < 0.5 else country(rng, countries)


def data(out, needs=200, offers=2000, agencies=5000, countries=200):
    rng = random.Random(23)
    with open(out, "w") as f:
        def line(kind, record):
            f.write(json.dumps({kind: record}) + "\n")

        for kind, count, role in (("offer", offers, "PIVOTAL"), ("need", needs, "BENEFICIARY")):
            for n in range(count):
                node = f"{kind}:{kind[0]}{n}"
                line("node", {
                    "id": node, "kind": kind.upper(), "name": f"{kind.title()} {n}",
                    "sdgs": sorted(rng.sample(range(1, 18), rng.randint(1, 3))),
                    "sectors": sorted(rng.sample(SECTORS, rng.randint(1, 2))),
                    "support": sorted(rng.sample(SUPPORT, rng.randint(1, 2)), key=SUPPORT.index),
                    "languages": sorted(rng.sample(LANGUAGES, rng.randint(1, 2))),
                    "sources": SOURCE,
                })
                who = actor(rng, agencies, countries)
                line("edge", {"id": f"{who}>participates_in>{node}", "type": "PARTICIPATES_IN", "source": who,
                              "target": node, "role": role, "sources": SOURCE})
                place = country(rng, countries)
                line("edge", {"id": f"{node}>located_in>{place}", "type": "LOCATED_IN", "source": node,
                              "target": place, "sources": SOURCE})


def post(url, query):
    body = json.dumps({"query": query}).encode()
    request = urllib.request.Request(url, body, {"content-type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        answer = json.loads(response.read())
    elapsed = (time.perf_counter() - started) * 1000
    if "errors" in answer:
        raise SystemExit(f"{query}: {answer['errors']}")
    return elapsed, answer["data"]


def run(url, needs, offers, rounds=2):
    fields = "considered truncated matches { score offer { id } need { id } reasons { kind points } introduction { hops } }"
    for field, argument, count, prefix in (("matches", "need", needs, "need:n"), ("seekers", "offer", offers, "offer:o")):
        times, truncated, found = [], 0, []
        for _ in range(rounds):
            for n in range(count):
                elapsed, data = post(url, f'{{ {field}({argument}: "{prefix}{n}") {{ {fields} }} }}')
                times.append(elapsed)
                truncated += data[field]["truncated"]
                found.append(len(data[field]["matches"]))
        times.sort()
        print(f"{field}: {len(times)} requests, mean {statistics.mean(times):.1f} ms, p50 {times[len(times) // 2]:.1f}, "
              f"p95 {times[int(len(times) * 0.95)]:.1f}, max {times[-1]:.1f}; matches per answer {statistics.mean(found):.1f}; "
              f"truncated {truncated}")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "data":
        data(sys.argv[2], *map(int, sys.argv[3:]))
    elif command == "run":
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), *map(int, sys.argv[5:]))
    else:
        raise SystemExit(__doc__)
