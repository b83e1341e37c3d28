"""Reads a partnergraph GraphML or GEXF export with networkx and prints it back as dataset records.

Usage: read_export.py graphml|gexf FILE. Prints one JSON object: {"directed", "nodes": [...], "edges": [...],
"positions": {id: [x, y]}}, where each node and edge is rebuilt in the dataset format's spelling
(schema/data/README.md) from the attributes networkx read, so the test compares it with the store's own
JSON export. A consumer's view: nothing here knows how partnergraph wrote the file.
"""

import json
import sys

import networkx as nx

LISTS = {"aliases", "sectors", "support", "languages"}


def cell_list(value):
    """A list cell: a JSON array, or items joined by '|'."""
    if value.startswith("["):
        return json.loads(value)
    return [item.strip() for item in value.split("|") if item.strip()]


def sources(value):
    if value.startswith("["):
        return json.loads(value)
    return [{"document": document} for document in cell_list(value)]


def identifiers(value):
    """`scheme:value` items joined by '|' (a scheme holds no ':'), or a JSON array of objects."""
    if value.startswith("["):
        return json.loads(value)
    return [dict(zip(("scheme", "value"), item.split(":", 1))) for item in cell_list(value)]


def record(attrs, skip):
    out = {}
    lat, lon = attrs.get("lat"), attrs.get("lon")
    for key, value in attrs.items():
        if key in skip or key in ("lat", "lon"):
            continue
        if key == "label":
            out["name"] = value
        elif key in LISTS:
            out[key] = cell_list(value)
        elif key == "sdgs":
            out[key] = [int(sdg) for sdg in cell_list(value)]
        elif key == "sources":
            out[key] = sources(value)
        elif key == "identifiers":
            out[key] = identifiers(value)
        else:
            out[key] = value
    if lat is not None or lon is not None:
        out["location"] = {"lat": lat, "lon": lon}
    return out


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path, version="1.3")
    nodes, positions = [], {}
    for node_id, attrs in graph.nodes(data=True):
        attrs = dict(attrs)
        viz = attrs.pop("viz", None)
        if viz and "position" in viz:
            positions[node_id] = [viz["position"]["x"], viz["position"]["y"]]
        node = record(attrs, skip=set())
        node["id"] = node_id
        nodes.append(node)
    edges = []
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        attrs = dict(attrs)
        if fmt == "gexf":
            # GEXF labels an edge with its type, which is also an attribute.
            assert attrs.pop("label") == attrs["type"], attrs
        edge = record(attrs, skip={"id"})
        edge.update({"id": attrs.get("id", key), "source": source, "target": target})
        edges.append(edge)
    json.dump({"directed": graph.is_directed(), "nodes": nodes, "edges": edges, "positions": positions}, sys.stdout)


if __name__ == "__main__":
    main()
