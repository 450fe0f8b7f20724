"""Unit tests of the map renderer: data blob, escaping, determinism, reader/schema, output."""

from __future__ import annotations

import array
import base64
import dataclasses
import json
import os
import re
import stat
from pathlib import Path

import pytest
from render_fixtures import HOSTILE, hostile, seed_like

from geomap.errors import InputError, OutputError
from geomap.formats import dumps
from geomap.render import (
    embed_snippet,
    event_to_properties,
    properties_to_event,
    read_events,
    render_map,
    save_map,
)
from geomap.render.data import pack_column, pack_events, script_json
from geomap.types import Event, EventCollection

GOLDEN = Path(__file__).parent / "golden" / "render_seed_like.html"


def _blob(html: str) -> dict:
    blocks = re.findall(r'<div hidden id="json-data-\d+"><!--(.*?)--></div>', html, re.S)
    assert blocks, "no data block"
    blob = json.loads(blocks[0])
    if blob["q"]["text"] is None:
        # the base64 columns travel as one string in the next block, the quotes' text and the
        # ids in the one after (not JSON: the characters in textFix were taken out for it)
        cols = blocks[1].encode("utf-16-le", "surrogatepass")
        units = bytearray(blocks[2].encode("utf-16-le", "surrogatepass"))
        for pos, code in blob["textFix"]:
            assert units[2 * pos:2 * pos + 2] == b" \0"
            units[2 * pos:2 * pos + 2] = chr(code).encode("utf-16-le")
        blob["q"]["text"] = units[:2 * blob["q"]["textLen"]].decode("utf-16-le")
        if "idAt" in blob["ev"]:
            at, n = blob["ev"]["idAt"], blob["ev"]["idChars"]
            blob["ev"]["ids"] = units[2 * at:2 * (at + n)].decode("utf-16-le")
        stack = [blob.get(group) or {} for group in ("ev", "q", "places", "sites", "docs", "changes")]
        while stack:
            for col in stack.pop().values():
                if isinstance(col, dict) and "at" in col:
                    col["b"] = cols[2 * col["at"]:2 * (col["at"] + col["n"])].decode("utf-16-le")
                elif isinstance(col, dict):
                    stack.append(col)
    return blob


def test_same_input_same_bytes() -> None:
    assert render_map(seed_like()) == render_map(seed_like())


def test_no_random_ids_and_no_network_links() -> None:
    html = render_map(seed_like())
    assert not re.search(r"[0-9a-f]{32}", html), "branca's random ids leaked into the page"
    assert not re.search(r'<(script|link)[^>]+(src|href)=', html), "external resource referenced"
    assert "cdn." not in html and "code.jquery.com" not in html


def test_golden_html() -> None:
    html = render_map(seed_like())
    if os.environ.get("GEOMAP_REGEN_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
    assert GOLDEN.exists(), "golden file missing: run with GEOMAP_REGEN_GOLDEN=1"
    assert html == GOLDEN.read_text(encoding="utf-8"), (
        "map HTML changed; if intended, regenerate with GEOMAP_REGEN_GOLDEN=1"
    )


def _col(c: dict, n: int) -> list[int]:
    """Decode a pack_column column the way geomap.js does."""
    if "c" in c:
        return [c["c"]] * n
    if "r" in c:
        vals, lens = _col(c["r"], c["nr"]), _col(c["l"], c["nr"])
        return [v for v, k in zip(vals, lens, strict=True) for _ in range(k)]
    raw = base64.b64decode(c["b"])
    if c["t"] == "u24":
        raw = b"".join(raw[i:i + 3] + b"\0" for i in range(0, len(raw), 3))
    code = {"u8": "B", "u16": "H", "u24": "I", "u32": "I"}[c["t"]]
    values = list(array.array(code, raw))[:n]
    return values if c.get("o") == 0 else [v - 1 for v in values]


def test_blob_contents() -> None:
    blob = _blob(render_map(seed_like()))
    assert blob["types"] == ["Protests", "Strategic developments", "Movement"]
    assert blob["ev"]["n"] == 4 and blob["q"]["n"] == 4
    lens = _col(blob["q"]["len"], 4)
    assert blob["q"]["text"][:lens[0]] == "The former president landed in Moscow with his family."
    assert _col(blob["q"]["span"], 8)[:2] == [31, 6]  # "Moscow" at 31, length 6
    assert _col(blob["q"]["nspan"], 4) == [1, 1, 1, 1]
    assert _col(blob["ev"]["date"], 4)[3] == -1 or blob["dates"][_col(blob["ev"]["date"], 4)[3]][0] is None
    # one movement with its origin place
    assert blob["ev"]["nOrigin"] == 1
    (ev_index,) = _col(blob["ev"]["originEv"], 1)
    (origin_place,) = _col(blob["ev"]["originPlace"], 1)
    names = _col(blob["places"]["name"], blob["places"]["n"])
    assert ev_index == 0 and blob["strs"][names[origin_place]] == "Damascus"
    # place names and sources shipped once however many events use them
    assert blob["strs"].count("Example News") == 1 and blob["strs"].count("Damascus") == 1
    assert blob["ev"]["ids"] == "e1e2e3e4" and _col(blob["ev"]["idLen"], 4) == [2, 2, 2, 2]
    assert blob["shapes"] == ["circle", "square", "hexagon"]


@pytest.mark.parametrize("values", [[0, 1, 2], [-1, 5, 300], [7, 7, 7], [-1, 70000, 3], [],
                                    [0, 16777214, 5], [-1, 16777214], [0, 16777215, 9],
                                    [-1, 2**32 - 2], [4] * 9 + [70000] * 3 + [-1] * 4])
def test_pack_column_round_trip(values: list[int]) -> None:
    assert _col(pack_column(values), len(values)) == values
    packed = pack_column(values, runs=True)
    assert _col(packed, len(values)) == values
    assert ("r" in packed) == (values == [4] * 9 + [70000] * 3 + [-1] * 4)


def test_hostile_text_cannot_close_script_or_become_markup() -> None:
    html = render_map(hostile())
    clean = render_map(seed_like())
    # the hostile page has exactly the script elements and data comments of a clean page,
    # and no raw markup
    assert html.lower().count("<script") == clean.lower().count("<script") == 3
    assert html.lower().count("</script") == 3
    assert html.count("<!--") == clean.count("<!--") == 4
    assert html.count("-->") == clean.count("-->") == 4 and "--!>" not in html
    assert "<img" not in html and "<b id=pwned" not in html and "${window" in html  # inert in JSON
    blob = _blob(html)
    assert all(bad in blob["q"]["text"] for bad in HOSTILE), "text must survive literally"
    assert "{{ 7*7 }}" in blob["q"]["text"], "Jinja syntax in data must not be evaluated"
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and "<img" not in title.group(1) and "&lt;img" in title.group(1)


def test_script_json_escapes() -> None:
    s = script_json({"a": "</script><!-- & \u2028\u2029 >"})
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"a": "</script><!-- & \u2028\u2029 >"}


def test_non_asserted_hidden_by_default() -> None:
    base = seed_like()
    neg = Event("Battles", "Armed clash", base.events[1].place, base.events[1].quotes,
                modality="negated")
    c = EventCollection(base.events + (neg,))
    assert "Battles" not in _blob(render_map(c))["types"]
    blob = _blob(render_map(c, include_non_asserted=True))
    assert "Battles" in blob["types"]
    assert blob["modalities"][blob["ev"]["modality"][0][1]] == "negated"


def test_colors_validated_and_used() -> None:
    blob = _blob(render_map(seed_like(), colors={"Movement": "#123456"}))
    assert blob["colors"][blob["types"].index("Movement")] == "#123456"
    with pytest.raises(InputError):
        render_map(seed_like(), colors={"Movement": "red;background:url(x)"})


def test_tiles_options() -> None:
    assert "tile.openstreetmap.org" in render_map(seed_like(), tiles="osm")
    assert "tile.openstreetmap.org" not in render_map(seed_like())
    with pytest.raises(InputError):
        render_map(seed_like(), tiles="javascript:alert(1)")
    with pytest.raises(InputError):  # a host that would smuggle a CSP directive
        render_map(seed_like(), tiles="https://a.example;script-src */{z}/{x}/{y}.png")
    csp = re.search(r'Content-Security-Policy" content="([^"]*)"',
                    render_map(seed_like(), tiles="https://{s}.t.example/{z}/{x}/{y}.png"))
    assert csp and "img-src data: https://*.t.example;" in csp.group(1)
    csp = re.search(r'Content-Security-Policy" content="([^"]*)"', render_map(seed_like()))
    assert csp and "default-src 'none'" in csp.group(1) and "img-src data:;" in csp.group(1)
    html = render_map(seed_like(), tiles="https://t.example/{z}/{x}/{y}.png",
                      attribution="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in html or "\\u0026lt;b" in html


def test_template_syntax_in_options_is_not_evaluated() -> None:
    html = render_map(seed_like(), title="{{ 6*7 }}",
                      tiles="https://t.example/{{6*7}}/{z}/{x}/{y}.png",
                      attribution="{{ 6*7 }}{% if 1 %}x{% endif %}")
    init = re.search(r"geomap\.init\([^)]*\);", html)
    assert init and "42" not in init.group(0)
    view = _blob(html)["view"]
    assert view["tiles"]["attribution"] == "{{ 6*7 }}{% if 1 %}x{% endif %}"
    assert view["tiles"]["url"] == "https://t.example/{{6*7}}/{z}/{x}/{y}.png"
    assert _blob(html)["title"] == "{{ 6*7 }}" and "<title>{{ 6*7 }}</title>" in html


def test_embed_page_fills_its_frame_and_snippet() -> None:
    html = render_map(seed_like(), embed=True, width=640, height=400)
    assert "geomap-embed" in html and "640px" not in html
    assert _blob(html)["view"]["embed"] is True
    snip = embed_snippet('maps/a "b".html', width=640, height=400, title="Syria <map>")
    assert snip.startswith('<iframe src="maps/a%20&#34;b&#34;.html" width="640" height="400"')
    assert 'title="Syria &lt;map&gt;"' in snip
    assert 'sandbox="allow-scripts' in snip and "allow-downloads" in snip
    assert 'src="https://example.org/m.html"' in embed_snippet("https://example.org/m.html")


def test_one_public_function_with_options_written_once(tmp_path: Path) -> None:
    from geomap.render import MapOptions, build_figure, render_page

    html = render_map(seed_like(), tmp_path / "m.html", options=MapOptions(title="A"), tiles="osm")
    assert (tmp_path / "m.html").read_text(encoding="utf-8") == html
    assert "<title>A</title>" in html and "tile.openstreetmap.org" in html
    # the old names still work and give the same page
    assert render_page(seed_like(), title="A", tiles="osm") == html
    assert build_figure(seed_like(), title="A", tiles="osm").render() == html
    assert save_map(seed_like(), tmp_path / "s.html", title="A", tiles="osm").read_text(
        encoding="utf-8") == html
    with pytest.raises(InputError, match="unknown map option"):
        render_map(seed_like(), colour="red")


def test_save_map_atomic_and_errors(tmp_path: Path) -> None:
    out = save_map(seed_like(), tmp_path / "m.html")
    assert out.read_text(encoding="utf-8") == render_map(seed_like())
    assert [p.name for p in tmp_path.iterdir()] == ["m.html"]
    # a missing output folder is created; a file where a folder should be is an error
    assert save_map(seed_like(), tmp_path / "new" / "m.html").exists()
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file"):
        save_map(seed_like(), tmp_path / "plain" / "m.html")
    with pytest.raises(OutputError, match="is a folder"):
        save_map(seed_like(), tmp_path)
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
        with pytest.raises(OutputError):
            save_map(seed_like(), ro / "m.html")


def test_schema_round_trip() -> None:
    for ev in seed_like().events + hostile().events:
        props = json.loads(json.dumps(event_to_properties(ev)))
        assert properties_to_event(props, ev.place.lat, ev.place.lon) == ev


def _geojson(c: EventCollection) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [e.place.lon, e.place.lat]},
         "properties": event_to_properties(e)} for e in c.events]})


def test_read_events_geojson_and_jsonl(tmp_path: Path) -> None:
    c = seed_like()
    g = tmp_path / "ev.geojson"
    g.write_text(_geojson(c), encoding="utf-8")
    assert read_events(g).events == c.events
    j = tmp_path / "ev.jsonl"
    j.write_text("".join(json.dumps({**event_to_properties(e), "lat": e.place.lat,
                                     "lon": e.place.lon}) + "\n" for e in c.events))
    assert read_events(j).events == c.events
    # re-rendered from the file, the map is the same as from the collection
    assert render_map(read_events(g), title="t") == render_map(c, title="t")


def test_read_events_spreadsheet_edits(tmp_path: Path) -> None:
    j = tmp_path / "ev.jsonl"
    j.write_text(json.dumps({"event_type": "Protests", "lat": "33.5", "lon": 36.3,
                             "quotes": ["Crowds in Damascus"], "place_name": "Damascus"}) + "\n")
    (ev,) = read_events(j).events
    assert ev.place.place_id.startswith("point:") and ev.quotes[0].text == "Crowds in Damascus"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ('{"event_type": "Protests", "lat": 1, "lon": 2, "quotes": ["q"]}\n{bad\n', "line 2"),
        ('{"event_type": "Protests", "lat": 91, "lon": 2, "quotes": ["q"]}\n', "line 1"),
        ('{"event_type": "Protests", "lat": 1, "lon": 2}\n', "quote"),
        ('{"lat": 1, "lon": 2, "quotes": ["q"]}\n', "event_type"),
        ('[1, 2]\n', "line 1"),
    ],
)
def test_read_events_errors(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_events(p)
    assert "\n" not in str(info.value)


def test_read_events_missing_and_binary(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_events(tmp_path / "none.geojson")
    b = tmp_path / "b.geojson"
    b.write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        read_events(b)
    g = tmp_path / "g.geojson"
    g.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                 '"geometry": {"type": "LineString", "coordinates": []}, "properties": {}}]}')
    with pytest.raises(InputError, match="feature 1: geometry must be a Point"):
        read_events(g)


def test_pack_dictionary_encodes_shared_strings() -> None:
    c = seed_like()
    many = tuple(c.events[1] for _ in range(50))
    packed = pack_events(list(many), title="t")
    assert packed.blob["places"]["n"] == 1 and packed.blob["docs"]["n"] == 1
    assert packed.blob["q"]["n"] == 50

    def page_text(text: str) -> str:
        q = dataclasses.replace(c.events[1].quotes[0], text=text, place_spans=())
        ev = dataclasses.replace(c.events[1], quotes=(q,))
        return _blob(render_map(EventCollection((ev,))))["q"]["text"]

    for text in ("a\r\nb\rc", "\nleading newline", "</script><b>&amp;</b>", "nul\x00"):
        assert page_text(text) == text
    assert packed.blob["q"]["text"] == c.events[1].quotes[0].text * 50


def test_png_command_registered() -> None:
    import argparse

    from geomap.cli_render import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["png", "m.html", "-o", "x.png", "--width", "640"])
    assert args.width == 640 and args.output == "x.png" and callable(args.func)


@pytest.mark.parametrize("fmt", ["geojson", "jsonl"])
def test_extract_output_renders_the_same_map(tmp_path: Path, fmt: str) -> None:
    c = seed_like()
    path = tmp_path / f"events.{fmt}"
    path.write_text(dumps(c, fmt), encoding="utf-8")
    assert render_map(read_events(path), title="t") == render_map(c, title="t")


def _svg_subpaths(d: str) -> list[list[tuple[int, int]]]:
    """Absolute vertices of relative SVG path text made of m, l (implicit after m/l) and z."""
    subs: list[list[tuple[int, int]]] = []
    toks = re.findall(r"[mlz]|-?\d+", d)
    x = y = sx = sy = 0
    cmd, i = "", 0
    while i < len(toks):
        if toks[i] in ("m", "l", "z"):
            cmd = toks[i]
            if cmd == "z":
                x, y = sx, sy
            i += 1
            continue
        x, y = x + int(toks[i]), y + int(toks[i + 1])
        i += 2
        if cmd == "m":
            subs.append([(x, y)])
            sx, sy, cmd = x, y, "l"
        else:
            subs[-1].append((x, y))
    return subs


def test_basemap_paths_are_the_projected_arcs() -> None:
    """The shipped path text is made from the shipped arcs; its vertices are the arcs'
    points in Web Mercator world pixels (times the scale), one subpath per arc piece."""
    import math

    from geomap.render import basemap

    shipped = json.loads((Path(basemap.__file__).parent.parent / "data" / "basemap_paths.json")
                         .read_text("utf-8"))
    countries = basemap.shipped_countries()
    assert shipped == basemap.page_basemap(countries), (
        "basemap_paths.json is stale: run python -m geomap.render.basemap")
    borders = _svg_subpaths(shipped["borders"])
    q, k = countries["quant"], shipped["scale"]
    points = []
    for flat in countries["arcs"]:
        lon = lat = 0
        for i in range(0, len(flat), 2):
            lon += flat[i]
            lat += flat[i + 1]
            points.append((lon / q, lat / q))
    decoded = [p for sub in borders for p in sub]
    assert len(decoded) == len(points) > 40000
    for (lon, lat), (x, y) in list(zip(points, decoded, strict=True))[::997]:
        phi = math.radians(max(-85.0511, min(85.0511, lat)))
        want_y = (1 - math.log(math.tan(math.pi / 4 + phi / 2)) / math.pi) / 2 * 256 * k
        assert abs(x - (lon + 180) / 360 * 256 * k) <= 0.5 and abs(y - want_y) <= 0.5
    assert len(shipped["labels"]) == len(countries["countries"]) > 200


def test_comment_text_takes_out_and_lists_what_a_comment_cannot_hold() -> None:
    from geomap.render.page import comment_text

    assert comment_text("plain text") == ("plain text", [])
    text = "\U0001F600a<b>\r\n\0 -->"
    safe, fixes = comment_text(text)
    assert safe == "\U0001F600a b  \n  --" + " "
    # positions count UTF-16 units (the emoji takes two), as JS string indexes do
    assert fixes == [[3, 60], [5, 62], [6, 13], [8, 0], [12, 62]]
    units = list(safe.encode("utf-16-le", "surrogatepass"))
    for pos, code in fixes:
        units[2 * pos:2 * pos + 2] = list(chr(code).encode("utf-16-le"))
    assert bytes(units).decode("utf-16-le") == text
