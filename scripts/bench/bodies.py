#!/usr/bin/env python3
"""Writes the GraphQL request bodies of the HTTP benchmark for a graph made by `partnergraph bench-data`.

Usage: bodies.py NODES KIND OUT   with KIND one of typename, neighborhood2, mix.
The ids follow bench-data's layout (api/src/io/synthetic.rs): agreements are the median nodes (degree
2-8); agencies are Zipf-ranked, so `agency:s0` is the biggest hub and high ranks are typical agencies.
"""
import json
import random
import sys


def layout(nodes):
    countries = min(200, nodes // 10)
    cities = max(nodes // 200, 10)
    agencies = max(nodes // 20, 20)
    networks = max(nodes // 1000, 2)
    events = max(nodes // 100, 5)
    agreements = nodes - countries - cities - agencies - networks - events
    return agencies, agreements


def main():
    nodes, kind, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    agencies, agreements = layout(nodes)
    rng = random.Random(42)
    agreement = lambda: f"agreement:s{rng.randrange(agreements)}"
    typical_agency = lambda: f"agency:s{rng.randrange(agencies // 2, agencies)}"
    neighborhood2 = lambda: f'{{ neighborhood(id: "{agreement()}", depth: 2, limit: 500) {{ nodes {{ id name kind }} edges {{ source target type }} truncated }} }}'
    # The map widget's own request (widgets/src/gql.rs MAP_QUERY, with its defaults: depth 1, limit 500).
    map_query = (
        "query PartnergraphMap($id: ID!, $depth: Int!, $asOf: Date, $limit: Int!) { neighborhood(id: $id, depth: $depth, asOf: $asOf, limit: $limit) "
        "{ truncated nodes { id kind name acronym description degree location { lat lon } sources { document paragraph } "
        "... on Agreement { start end } ... on Event { start end } } edges { id type source target role iatiRole from to sources { document paragraph } } } }"
    )
    widget_map = lambda: {"query": map_query, "operationName": "PartnergraphMap", "variables": {"id": typical_agency(), "depth": 1, "asOf": None, "limit": 500}}
    makers = {
        "typename": [lambda: "{ __typename }"],
        "neighborhood2": [neighborhood2],
        "mix": [
            neighborhood2,
            lambda: f'{{ neighborhood(id: "{typical_agency()}", depth: 1, limit: 200) {{ nodes {{ id name kind degree }} edges {{ source target type from to }} }} }}',
            lambda: f'{{ node(id: "{agreement()}") {{ id name ... on Agreement {{ start end participants {{ actor {{ id name }} role iatiRole }} }} sources {{ document }} }} }}',
            lambda: f'{{ search(text: "{rng.choice(["ministry", "agency ka", "fund lo", "institute", "bank of"])}", first: 10) {{ id name kind }} }}',
            lambda: f'{{ triangulars(involving: "{typical_agency()}", first: 10) {{ agreement {{ id }} beneficiary {{ id }} pivotal {{ id }} facilitating {{ id }} }} }}',
            lambda: f'{{ paths(from: "{agreement()}", to: "{agreement()}", maxHops: 4, first: 3) {{ nodes {{ id }} }} }}',
            widget_map,
        ],
    }[kind]
    with open(out, "w") as file:
        for i in range(2000):
            made = makers[i % len(makers)]()
            file.write(json.dumps(made if isinstance(made, dict) else {"query": made}) + "\n")


if __name__ == "__main__":
    main()
