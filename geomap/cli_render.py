"""``geomap png``: a PNG of a map, for documents that cannot hold HTML."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from geomap.errors import InputError
from geomap.io import check_output


def cmd_png(args: argparse.Namespace) -> int:
    from geomap.render import read_events, render_png

    src = Path(args.input)
    if not src.exists():
        raise InputError(f"{src}: no such file")
    out = Path(args.output) if args.output else src.with_suffix(".png")
    check_output(out, [src])
    suffix = src.suffix.lower()
    if suffix in (".html", ".htm"):
        target: Any = src
        network = args.allow_network
    elif suffix in (".geojson", ".jsonl", ".ndjson", ".json"):
        target = read_events(src, title=args.title)
        network = False
    else:
        raise InputError(f"{src}: expected a map (.html) or an events file (.geojson, .jsonl)")
    render_png(target, out, width=args.width, height=args.height, allow_network=network)
    print(f"png: {out}")
    return 0


def register(subparsers: Any) -> None:
    """Add the ``png`` command to the ``geomap`` CLI."""
    p = subparsers.add_parser(
        "png",
        help="render a map (HTML) or an events file to a PNG with headless Chromium",
        description="Render MAP.html (written by 'geomap map') or EVENTS.geojson|.jsonl "
        "(written by 'geomap extract') to a PNG with headless Chromium (/usr/bin/chromium).",
    )
    p.add_argument("input", metavar="MAP.html|EVENTS.geojson")
    p.add_argument("-o", "--output", metavar="OUT.png", help="default: INPUT with .png")
    p.add_argument("--width", type=int, default=1200, help="pixels (default 1200)")
    p.add_argument("--height", type=int, default=800, help="pixels (default 800)")
    p.add_argument("--title", help="map title when rendering an events file")
    p.add_argument(
        "--allow-network",
        action="store_true",
        help="let the page load online tiles (maps made with --tiles); default: offline",
    )
    p.set_defaults(func=cmd_png)
