"""The offline basemap as the page draws it: land and borders as SVG path data, projected.

``geomap/data/basemap_countries.json`` (written by :mod:`geomap.render.basemap_build`) keeps
the outlines as shared, delta-encoded arcs in degrees. Building a ``Path2D`` from them in
the page took one ``moveTo``/``lineTo`` call per vertex, 80 to 190 ms on every load; a
``Path2D`` made from SVG path text takes under 10 ms. So the arcs are projected here, once,
to Web Mercator world pixels (the 256-pixel world of zoom 0) times :data:`SCALE`, rounded to
integers and written as relative SVG path commands, into ``geomap/data/basemap_paths.json``,
which the page ships. ``1/SCALE`` of a zoom-0 pixel (under 0.01 degree) is finer than the
arcs' own 0.01-degree quantization. A test checks that the shipped file is
:func:`page_basemap` of the shipped arcs.

Run ``python -m geomap.render.basemap`` after rebuilding ``basemap_countries.json``.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

SCALE = 200  # path units per zoom-0 world pixel
MAXLAT = 85.0511287798
OUT = Path(__file__).resolve().parent.parent / "data" / "basemap_paths.json"


def _proj(lon: float, lat: float) -> tuple[int, int]:
    """Web Mercator world pixels at zoom 0 (as the page's projX/projY), times SCALE."""
    lat = max(-MAXLAT, min(MAXLAT, lat))
    s = math.sin(lat * math.pi / 180)
    x = (lon + 180) / 360 * 256
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * 256
    return round(x * SCALE), round(y * SCALE)


class _Path:
    """SVG path text in relative commands: ``m`` and ``l`` with integer offsets, ``z``."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.x = self.y = 0  # the current point
        self.sx = self.sy = 0  # the start of the current subpath (where z returns)
        self.cmd = ""

    def _pair(self, cmd: str, x: int, y: int) -> None:
        dx, dy = x - self.x, y - self.y
        # a repeated l needs no letter; a minus sign separates numbers by itself
        lead = cmd if cmd != self.cmd or cmd == "m" else "" if dx < 0 else " "
        self.parts.append(f"{lead}{dx}{dy}" if dy < 0 else f"{lead}{dx} {dy}")
        self.cmd = "l" if cmd == "m" else cmd  # pairs after m are implicit l
        self.x, self.y = x, y

    def move(self, x: int, y: int) -> None:
        self._pair("m", x, y)
        self.sx, self.sy = x, y

    def line(self, x: int, y: int) -> None:
        self._pair("l", x, y)

    def close(self) -> None:
        self.parts.append("z")
        self.cmd = "z"
        self.x, self.y = self.sx, self.sy

    def text(self) -> str:
        return "".join(self.parts)


def page_basemap(countries: dict[str, Any]) -> dict[str, Any]:
    """The page's basemap from the arcs file: ``land`` and ``borders`` path text, the
    ``scale`` of their units, and ``labels`` as ``[name, lat, lon, width in degrees]``."""
    q = countries["quant"]
    arcs: list[list[tuple[int, int, float]]] = []
    for flat in countries["arcs"]:
        x = y = 0
        pts = []
        for i in range(0, len(flat), 2):
            x += flat[i]
            y += flat[i + 1]
            px, py = _proj(x / q, y / q)
            pts.append((px, py, (x / q + 180) / 360 * 256))
        arcs.append(pts)

    def add_arc(path: _Path, arc_id: int, first: bool) -> None:
        pts = arcs[arc_id] if arc_id >= 0 else arcs[~arc_id][::-1]
        last = 0.0
        for i, (px, py, wx) in enumerate(pts):
            # a jump across the antimeridian is a break in the line, not a line across the world
            if (i == 0 and first) or (i > 0 and abs(wx - last) > 128):
                path.move(px, py)
            elif i > 0:
                path.line(px, py)
            last = wx

    land = _Path()
    for c in countries["countries"]:
        if "r" in c:
            for part in c["r"]:
                for flat in part:
                    x = y = 0
                    for i in range(0, len(flat), 2):
                        x += flat[i]
                        y += flat[i + 1]
                        (land.move if i == 0 else land.line)(*_proj(x / q, y / q))
                    land.close()
            continue
        for poly in c["a"]:
            for ring in poly:
                for j, arc_id in enumerate(ring):
                    add_arc(land, arc_id, j == 0)
                land.close()
    borders = _Path()
    for i in range(len(arcs)):
        add_arc(borders, i, True)
    return {
        "source": countries["source"],
        "scale": SCALE,
        "land": land.text(),
        "borders": borders.text(),
        "labels": [[c["n"], c["l"][0], c["l"][1], c["w"]] for c in countries["countries"]],
    }


def shipped_countries() -> dict[str, Any]:
    raw = resources.files("geomap").joinpath("data", "basemap_countries.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n"


def main() -> None:
    OUT.write_text(dumps(page_basemap(shipped_countries())), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
