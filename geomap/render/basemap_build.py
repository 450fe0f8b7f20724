"""Build the shipped offline basemap (``geomap/data/basemap_countries.json``).

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

OUT = Path(__file__).resolve().parent.parent / "data" / "basemap_countries.json"
QUANT = 100  # 0.01 degree: ~1 km, below what the simplification keeps anyway
TOLERANCE = 0.04


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
        merged = unary_union([s.buffer(0) for s in shapes]) if shapes else None
        if merged is None or merged.is_empty:
            continue
        parts = list(merged.geoms) if isinstance(merged, MultiPolygon) else [merged]
        biggest = max(parts, key=lambda p: p.area)
        label = biggest.representative_point()
        minx, miny, maxx, maxy = biggest.bounds
        countries.append(
            {
                "n": name,
                "c": _alpha2(geom.get("id"), name),
                "a": polys,
                "l": [round(label.y, 2), round(label.x, 2)],
                "w": round(maxx - minx, 2),
            }
        )
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


if __name__ == "__main__":
    main()
