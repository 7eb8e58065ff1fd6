"""Build ``data/europe.geojson`` from Natural Earth country boundaries.

Source: Natural Earth 1:50m Admin 0 countries (public domain), as packaged in the
npm package ``world-atlas`` (TopoJSON, numeric ISO 3166-1 ids).

Prerequisites, kept outside the project and its virtual environment::

    mkdir -p /tmp/geo-npm && cd /tmp/geo-npm && npm install world-atlas@2.0.2
    python3 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install shapely==2.2.0 pycountry==26.2.16

Rebuild (from the repository root)::

    /tmp/geo-venv/bin/python data/build_boundaries.py \\
        /tmp/geo-npm/node_modules/world-atlas/countries-50m.json

Arcs are simplified once each (Douglas-Peucker) before polygons are assembled, so
neighbouring countries keep identical shared borders. world-atlas stitches rings
across the antimeridian (Russia's Chukotka), so longitudes are unwrapped before the
polygons are clipped to a European bounding box (24.6W-50.5E, 34-72N by default),
which drops Russia east of 50.5E, French overseas departments, the Azores, Madeira,
the Canaries and Svalbard. Islets below a minimum area are dropped (each country
keeps its largest part), coordinates are snapped to a grid and rings are oriented
counter-clockwise as RFC 7946 recommends.
Each feature carries ``iso_a2`` (ISO 3166-1 alpha-2; ``XK`` for Kosovo) and ``name``
(English short name from pycountry). Northern Cyprus is merged into ``CY``, and
Crimea (with Sevastopol), which Natural Earth draws as Russian, is moved to ``UA``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pycountry
import shapely
from shapely.geometry import LineString, Polygon, box
from shapely.geometry.polygon import orient

Point = tuple[float, float]
Ring = list[Point]

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "europe.geojson"
DEFAULT_BBOX = (-24.6, 34.0, 50.5, 72.0)

EUROPE: frozenset[str] = frozenset(
    {
        # EU27
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
        "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES",
        "SE",
        # EFTA and the United Kingdom
        "IS", "LI", "NO", "CH", "GB",
        # Western Balkans
        "AL", "BA", "ME", "MK", "RS", "XK",
        # Eastern neighbours, Turkey and the South Caucasus
        "BY", "MD", "RU", "UA", "TR", "GE", "AM", "AZ",
        # Microstates and dependencies
        "AD", "MC", "SM", "VA", "AX", "FO", "GG", "JE", "IM", "GI",
    }
)  # fmt: skip

UNNUMBERED: dict[str, str] = {"Kosovo": "XK", "N. Cyprus": "CY"}
# Natural Earth draws Crimea as Russian; the EU and the UN recognise it as Ukrainian.
CRIMEA = Polygon(
    [(32.4, 44.3), (36.52, 44.3), (36.52, 45.2), (36.66, 45.32), (36.66, 46.25), (32.4, 46.25)]
)  # the peninsula with Sevastopol, stopping short of the Taman peninsula (Kerch strait)
EXTRA_NAMES: dict[str, str] = {"XK": "Kosovo"}


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Return the topology's arcs as absolute lon/lat coordinates."""
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points: Ring = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def unwrap(points: Ring) -> Ring:
    """Make longitudes continuous where a line crosses the antimeridian."""
    if not points:
        return points
    unwrapped: Ring = [points[0]]
    offset = 0.0
    for (x0, _), (x1, y1) in zip(points, points[1:], strict=False):
        if x1 - x0 > 180:
            offset -= 360
        elif x1 - x0 < -180:
            offset += 360
        unwrapped.append((x1 + offset, y1))
    return unwrapped


def shift(points: Ring, dx: float) -> Ring:
    """Translate points by dx degrees of longitude."""
    return points if dx == 0 else [(x + dx, y) for x, y in points]


def simplify_arc(points: Ring, tolerance: float) -> Ring:
    """Simplify one arc, keeping its end points and never collapsing a closed ring."""
    if tolerance <= 0 or len(points) < 3:
        return points
    simplified: Ring = list(LineString(points).simplify(tolerance).coords)
    if points[0] == points[-1] and len(simplified) < 4:
        return points
    return simplified


def assemble_ring(indices: Sequence[int], arcs: Sequence[Ring]) -> Ring:
    """Join the referenced arcs (negative index = reversed arc) into one ring.

    Arcs are shifted by whole turns so the ring stays continuous, then the ring is
    moved so that its westernmost longitude lies in [-180, 180).
    """
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        if ring:
            ring.extend(shift(arc, 360 * round((ring[-1][0] - arc[0][0]) / 360))[1:])
        else:
            ring.extend(arc)
    if not ring:
        return ring
    return shift(ring, -360 * ((min(x for x, _ in ring) + 180) // 360))


def build_polygons(geometry: dict[str, Any], arcs: Sequence[Ring]) -> list[Polygon]:
    """Turn one TopoJSON Polygon/MultiPolygon object into valid shapely polygons."""
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        return []
    polygons: list[Polygon] = []
    for part in parts:
        rings = [assemble_ring(ring, arcs) for ring in part]
        if len(rings[0]) < 4:
            continue
        holes = [ring for ring in rings[1:] if len(ring) >= 4]
        polygon = shapely.make_valid(Polygon(rings[0], holes))
        polygons.extend(polygon_parts(polygon))
    return polygons


def polygon_parts(geometry: Any) -> list[Polygon]:
    """Return the non-empty polygons contained in any shapely geometry."""
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    if hasattr(geometry, "geoms"):
        return [part for child in geometry.geoms for part in polygon_parts(child)]
    return []


def country_code(geometry: dict[str, Any]) -> str | None:
    """Return the ISO 3166-1 alpha-2 code of a world-atlas country object."""
    numeric = geometry.get("id")
    if numeric is None:
        return UNNUMBERED.get(geometry.get("properties", {}).get("name", ""))
    country = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return None if country is None else str(country.alpha_2)


def country_name(code: str) -> str:
    """Return the English short name for an alpha-2 code."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return EXTRA_NAMES[code]
    return str(getattr(country, "common_name", None) or country.name)


def transfer_region(
    grouped: dict[str, list[Polygon]], source: str, target: str, region: Polygon
) -> None:
    """Move the part of ``source``'s polygons inside ``region`` to ``target``."""
    kept: list[Polygon] = []
    for polygon in grouped.get(source, []):
        if not polygon.intersects(region):
            kept.append(polygon)
            continue
        grouped.setdefault(target, []).extend(polygon_parts(polygon.intersection(region)))
        kept.extend(polygon_parts(polygon.difference(region)))
    grouped[source] = kept


def finish_geometry(
    polygons: Iterable[Polygon],
    clip: Polygon,
    grid: float,
    min_area: float,
    inset: float = 0.0,
) -> list[Polygon]:
    """Union, clip, inset, snap to the grid and drop islets of one country's polygons."""
    clipped = shapely.unary_union(list(polygons)).intersection(clip)
    # Shrinking every country a little leaves a thin gap along each border, so the map
    # needs no outline layer (outlines are what makes deck.gl slow on software WebGL).
    if inset > 0:
        clipped = clipped.buffer(-inset, join_style="mitre")
    merged = shapely.set_precision(clipped, grid)
    parts = sorted(polygon_parts(merged), key=lambda part: part.area, reverse=True)
    kept = parts[:1] + [part for part in parts[1:] if part.area >= min_area]
    return [orient(part, sign=1.0) for part in kept]


def ring_coordinates(coords: Iterable[Sequence[float]], decimals: int) -> list[list[float]]:
    """Round one ring's coordinates to the requested number of decimals."""
    return [[round(x, decimals), round(y, decimals)] for x, y, *_ in coords]


def to_geojson_geometry(polygons: Sequence[Polygon], decimals: int) -> dict[str, Any]:
    """Serialise polygons as a GeoJSON Polygon or MultiPolygon."""
    rings = [
        [ring_coordinates(p.exterior.coords, decimals)]
        + [ring_coordinates(hole.coords, decimals) for hole in p.interiors]
        for p in polygons
    ]
    if len(rings) == 1:
        return {"type": "Polygon", "coordinates": rings[0]}
    return {"type": "MultiPolygon", "coordinates": rings}


def build_features(
    topology: dict[str, Any],
    bbox: tuple[float, float, float, float],
    tolerance: float,
    min_area: float,
    decimals: int,
    inset: float = 0.0,
) -> list[dict[str, Any]]:
    """Return the European country features of a world-atlas topology."""
    arcs = [simplify_arc(unwrap(arc), tolerance) for arc in decode_arcs(topology)]
    grouped: dict[str, list[Polygon]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = country_code(geometry)
        if code in EUROPE:
            grouped.setdefault(code, []).extend(build_polygons(geometry, arcs))
    transfer_region(grouped, "RU", "UA", CRIMEA)
    clip = box(*bbox)
    features: list[dict[str, Any]] = []
    for code in sorted(grouped):
        polygons = finish_geometry(grouped[code], clip, 10.0**-decimals, min_area, inset)
        if not polygons:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a2": code, "name": country_name(code)},
                "geometry": to_geojson_geometry(polygons, decimals),
            }
        )
    return features


def write_feature_collection(features: Sequence[dict[str, Any]], output: Path) -> None:
    """Write a compact FeatureCollection with one feature per line."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    body = ",\n".join(lines)
    output.write_text(
        '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n", encoding="utf-8"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--bbox",
        type=float,
        nargs=4,
        default=DEFAULT_BBOX,
        metavar=("WEST", "SOUTH", "EAST", "NORTH"),
    )
    parser.add_argument("--tolerance", type=float, default=0.01, help="degrees")
    parser.add_argument("--min-area", type=float, default=0.002, help="square degrees")
    parser.add_argument("--decimals", type=int, default=3)
    parser.add_argument("--inset", type=float, default=0.03, help="degrees cut from each border")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Build the GeoJSON file and print a one-line summary."""
    args = parse_args(argv)
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    features = build_features(
        topology, tuple(args.bbox), args.tolerance, args.min_area, args.decimals, args.inset
    )
    write_feature_collection(features, args.output)
    size_kb = args.output.stat().st_size / 1024
    print(f"{len(features)} features, {size_kb:.0f} KB -> {args.output}")


if __name__ == "__main__":
    main()
