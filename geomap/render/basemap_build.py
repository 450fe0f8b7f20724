"""Build the shipped offline basemap (``geomap/data/basemap_countries.json``, and from it
``basemap_paths.json``, see :mod:`geomap.render.basemap`).

Run once by a maintainer, never at import or render time::

    npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz
    python -m geomap.render.basemap_build package/countries-50m.json

The input is the TopoJSON of Natural Earth 1:50m admin-0 countries packaged by the
npm package ``world-atlas`` (ISC licence; the Natural Earth data is public domain).
Arcs are simplified one by one with shapely so that a border shared by two countries
stays shared (the topology survives), then quantized to 0.01 degree and delta-encoded.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pycountry
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.ops import unary_union

from geomap.render import basemap

OUT = Path(__file__).resolve().parent.parent / "data" / "basemap_countries.json"
QUANT = 100  # 0.01 degree: ~1 km, below what the simplification keeps anyway
TOLERANCE = 0.02


def _decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _ring(arc_ids: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for a in arc_ids:
        seg = arcs[a] if a >= 0 else list(reversed(arcs[~a]))
        pts.extend(seg if not pts else seg[1:])
    return pts


def _alpha2(numeric_id: str | None, name: str) -> str:
    if numeric_id:
        c = pycountry.countries.get(numeric=numeric_id.zfill(3))
        if c is not None:
            return str(c.alpha_2)
    special = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
    return special.get(name, "")


def _jumps(ring: list[tuple[float, float]]) -> bool:
    return any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:], strict=False))


def _unwrap(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = [ring[0]]
    shift = 0.0
    for a, b in zip(ring, ring[1:], strict=False):
        if b[0] - a[0] > 180:
            shift -= 360
        elif a[0] - b[0] > 180:
            shift += 360
        out.append((b[0] + shift, b[1]))
    return out


def _split_antimeridian(rings: list[list[tuple[float, float]]]) -> Polygon | MultiPolygon:
    """A polygon given on the sphere (crossing +-180, or around a pole) as planar pieces."""
    outer = _unwrap(rings[0])
    span = outer[-1][0] - outer[0][0]
    if abs(span) > 300:  # the ring goes round the pole (Antarctica): close it along the pole
        pole = -89.99 if sum(y for _, y in outer) < 0 else 89.99
        outer = outer + [(outer[-1][0], pole), (outer[0][0], pole)]
    poly = Polygon(outer, [_unwrap(r) for r in rings[1:] if len(r) >= 4]).buffer(0)
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        from shapely.affinity import translate
        from shapely.geometry import box

        part = translate(poly, xoff=shift).intersection(box(-180, -90, 180, 90))
        if not part.is_empty:
            pieces.append(part)
    merged = unary_union(pieces)
    return merged


def _encode_polygon(poly: Polygon | MultiPolygon) -> list[list[int]]:
    rings = []
    polys = list(poly.geoms) if isinstance(poly, MultiPolygon) else [poly]
    for p in polys:
        for ring in [p.exterior, *p.interiors]:
            flat: list[int] = []
            px = py = 0
            for x, y in ring.coords:
                qx, qy = round(x * QUANT), round(y * QUANT)
                flat += [qx - px, qy - py]
                px, py = qx, qy
            rings.append(flat)
    return rings


def build(src: Path) -> dict[str, Any]:
    topo = json.loads(src.read_text(encoding="utf-8"))
    raw = _decode_arcs(topo)
    simple: list[list[tuple[int, int]]] = []
    for pts in raw:
        line = LineString(pts)
        s = line.simplify(TOLERANCE, preserve_topology=False) if len(pts) > 2 else line
        q = [(round(x * QUANT), round(y * QUANT)) for x, y in s.coords]
        dedup = [q[0]] + [p for i, p in enumerate(q[1:], 1) if p != q[i - 1]]
        if len(dedup) == 1:
            dedup.append(dedup[0])
        simple.append(dedup)
    countries = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom["type"] not in ("Polygon", "MultiPolygon"):
            continue
        name = geom["properties"]["name"]
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        shapes = []
        for poly in polys:
            rings = [_ring(r, raw) for r in poly]
            if len(rings[0]) >= 4:
                shapes.append(Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4]))
        crosses = any(_jumps(_ring(r, raw)) for poly in polys for r in poly)
        if crosses:
            shapes = [_split_antimeridian([_ring(r, raw) for r in poly]) for poly in polys]
        merged = unary_union([s.buffer(0) for s in shapes]) if shapes else None
        if merged is None or merged.is_empty:
            continue
        parts = list(merged.geoms) if isinstance(merged, MultiPolygon) else [merged]
        biggest = max(parts, key=lambda p: p.area)
        label = biggest.representative_point()
        minx, miny, maxx, maxy = biggest.bounds
        entry: dict[str, Any] = {
            "n": name,
            "c": _alpha2(geom.get("id"), name),
            "l": [round(label.y, 2), round(label.x, 2)],
            "w": round(maxx - minx, 2),
        }
        if crosses:
            # filled from explicit rings cut at +-180; its borders still come from the arcs
            entry["r"] = [_encode_polygon(p.simplify(TOLERANCE)) for p in parts]
        else:
            entry["a"] = polys
        countries.append(entry)
    countries.sort(key=lambda c: (c["n"], c["c"]))
    arcs_out = []
    for q in simple:
        flat: list[int] = []
        px = py = 0
        for x, y in q:
            flat += [x - px, y - py]
            px, py = x, y
        arcs_out.append(flat)
    return {
        "source": "Natural Earth 1:50m admin-0 via npm world-atlas 2.0.2 (ISC); public domain",
        "quant": QUANT,
        "arcs": arcs_out,
        "countries": countries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("topojson", type=Path)
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = build(args.topojson)
    args.out.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes, {len(data['countries'])} countries)")
    if args.out == OUT:
        # the page ships the outlines as projected path text made from this file
        basemap.main()


if __name__ == "__main__":
    main()
