"""The map in real headless Chromium: drawing, filters, popups, hostile text, embed, PNG."""
# ruff: noqa: F811  (fixtures imported from browser_support are used as parameters)

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest
from browser_support import (  # noqa: F401
    OfflinePage,
    chromium_browser,
    offline_page,
    symbol_popups,
)
from render_fixtures import hostile, seed_like

from geomap.render import embed_snippet, render_png, save_map

pytestmark = pytest.mark.browser

API = "window.geomapMaps[0]"
COUNT_COLOR = """([r, g, b]) => {
  const c = document.querySelector('.leaflet-geomapEvents-pane canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4)
    if (Math.abs(d[i] - r) < 6 && Math.abs(d[i + 1] - g) < 6 && Math.abs(d[i + 2] - b) < 6
        && d[i + 3] > 200) n++;
  return n;
}"""


def _hex(color: str) -> list[int]:
    return [int(color[i:i + 2], 16) for i in (1, 3, 5)]


def _legend_button(page: Any, name: str) -> Any:
    return page.locator(".geomap-types > .geomap-row .geomap-toggle",
                        has=page.locator(".geomap-name", has_text=name)).first


def _open_popup_at(page: Any, name: str) -> str:
    """Click the symbol of place ``name`` until its popup opens (clusters zoom in first)."""
    for _ in range(8):
        pt = page.evaluate(f"{API}.pointOfPlace({name!r})")
        assert pt is not None, f"{name} is not drawn"
        page.mouse.click(pt["x"], pt["y"])
        page.wait_for_timeout(700)
        if page.locator(".leaflet-popup-content").count():
            return str(page.locator(".leaflet-popup-content").inner_text())
    raise AssertionError(f"no popup opened for {name}")


def test_offline_page_draws_every_event(offline_page: OfflinePage, tmp_path: Path) -> None:
    path = save_map(seed_like(), tmp_path / "m.html")
    page = offline_page.open_map(path)
    assert page.evaluate(f"{API}.drawnCount()") == 4
    assert page.evaluate(f"{API}.drawnEvents()") == [0, 1, 2, 3]
    assert page.evaluate(f"{API}.arcCount()") == 1, "the Damascus to Moscow arc"
    assert offline_page.blocked == [], "the page asked the network for something"
    assert offline_page.errors == []
    # the basemap canvas is not blank: land is drawn without any tiles
    land = page.evaluate("""() => {
      const c = document.querySelector('.leaflet-geomapBase-pane canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")
    assert land > 10000
    assert "4 of 4 events shown" in page.inner_text(".geomap-legend")


def test_toggling_a_type_hides_exactly_its_markers(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    c = seed_like()
    path = save_map(c, tmp_path / "m.html")
    page = offline_page.open_map(path)
    colors = page.evaluate(f"{API}.view.D.colors")
    types = page.evaluate(f"{API}.view.D.types")
    target = "Strategic developments"
    rgb = _hex(colors[types.index(target)])
    before = page.evaluate(COUNT_COLOR, rgb)
    assert before > 0
    _legend_button(page, target).click()
    expected = [i for i, e in enumerate(c.events) if e.event_type != target]
    assert page.evaluate(f"{API}.drawnEvents()") == expected
    assert page.evaluate(COUNT_COLOR, rgb) == 0
    # the other types' markers are all still there
    for t in ("Protests", "Movement"):
        assert page.evaluate(COUNT_COLOR, _hex(colors[types.index(t)])) > 0
    assert _legend_button(page, target).get_attribute("aria-pressed") == "false"
    assert "2 of 4 events shown" in page.inner_text(".geomap-legend")
    _legend_button(page, target).click()
    assert page.evaluate(f"{API}.drawnEvents()") == [0, 1, 2, 3]
    assert page.evaluate(COUNT_COLOR, rgb) > 0


def test_sub_type_toggle(offline_page: OfflinePage, tmp_path: Path) -> None:
    path = save_map(seed_like(), tmp_path / "m.html")
    page = offline_page.open_map(path)
    page.locator(".geomap-expand").nth(1).click()
    page.locator(".geomap-subs .geomap-toggle", has_text="Agreement").click()
    assert page.evaluate(f"{API}.drawnEvents()") == [0, 1, 3]


def test_clicking_a_marker_opens_its_popup(offline_page: OfflinePage, tmp_path: Path) -> None:
    path = save_map(seed_like(), tmp_path / "m.html")
    page = offline_page.open_map(path)
    text = _open_popup_at(page, "Damascus")
    assert "Damascus" in text and "Dimashq, Syria" in text
    assert "Protests · Peaceful protest" in text
    assert "2024-12-08 (day)" in text
    assert "Crowds celebrated in the streets of Damascus." in text
    assert "Confidence 70%" in text
    assert page.locator(".leaflet-popup-content mark").first.inner_text() == "Damascus"
    link = page.locator(".leaflet-popup-content a").first
    assert link.get_attribute("href") == "https://example.org/story"
    assert link.inner_text() == "Example News"


def test_movement_popup_and_arc(offline_page: OfflinePage, tmp_path: Path) -> None:
    path = save_map(seed_like(), tmp_path / "m.html")
    page = offline_page.open_map(path)
    text = _open_popup_at(page, "Moscow")
    assert "Movement · Arrival" in text and "From Damascus" in text
    assert "Bashar al-Assad (subject)" in text
    page.evaluate(f"{API}.openArc(0)")
    page.wait_for_timeout(300)  # the previous popup fades out for 200 ms
    assert "Damascus → Moscow" in page.inner_text(".leaflet-popup-content")


def test_search_and_time_filters_drive_counts(offline_page: OfflinePage, tmp_path: Path) -> None:
    path = save_map(seed_like(), tmp_path / "m.html")
    page = offline_page.open_map(path)
    page.fill(".geomap-search", "assad")
    page.wait_for_timeout(400)
    assert page.evaluate(f"{API}.drawnEvents()") == [0]
    assert _legend_button(page, "Protests").locator(".geomap-count").inner_text() == "0"
    page.fill(".geomap-search", "tartus")
    page.wait_for_timeout(400)
    assert page.evaluate(f"{API}.drawnEvents()") == [2]
    page.fill(".geomap-search", "")
    page.wait_for_timeout(400)
    # move the start of the date range past the week of 2024-12-01: Tartus goes
    page.evaluate("""() => { const r = document.querySelector('.geomap-from');
      r.value = String(Date.UTC(2024, 11, 8) / 86400000); r.dispatchEvent(new Event('input')); }""")
    page.wait_for_timeout(200)
    assert page.evaluate(f"{API}.drawnEvents()") == [0, 1, 3]
    assert _legend_button(page, "Strategic developments").locator(
        ".geomap-count").inner_text() == "1"
    page.locator(".geomap-time input[type=checkbox]").uncheck()
    page.wait_for_timeout(200)
    assert page.evaluate(f"{API}.drawnEvents()") == [0, 1]


def test_hostile_text_stays_inert(offline_page: OfflinePage, tmp_path: Path) -> None:
    c = hostile()
    path = save_map(c, tmp_path / "h.html")
    page = offline_page.open_map(path)
    for btn in page.locator(".geomap-expand").all():
        btn.click()
    popups = symbol_popups(page)
    assert len(popups) >= 1
    seen = [text for text, _ in popups]
    for _, hrefs in popups:
        assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    if page.evaluate(f"{API}.arcCount()"):
        page.evaluate(f"{API}.openArc(0)")
        page.wait_for_timeout(300)
        seen.append(page.inner_text(".leaflet-popup-content"))
    page.fill(".geomap-search", "<img src=x onerror=alert(1)>")
    page.wait_for_timeout(300)
    text = "\n".join(seen) + page.inner_text(".geomap-legend") + page.title()
    assert "<img src=x onerror=" in text and "</script><script>" in text
    assert "${window.__pwned_tpl=1}" in text and "{{ 7*7 }}" in text
    assert "javascript:window.__pwned_link=1" in text, "a bad URL is shown as text, not a link"
    assert page.locator(".leaflet-popup-content img, .geomap-legend img").count() == 0
    flags = page.evaluate("""() => ['__pwned_img', '__pwned_script', '__pwned_tpl', '__pwned_link',
                                     '__pwned_link2'].filter(k => k in window)""")
    assert flags == [] and offline_page.dialogs == [] and offline_page.errors == []


def test_embed_fragment_in_host_page(offline_page: OfflinePage, tmp_path: Path) -> None:
    save_map(seed_like(), tmp_path / "map.html", embed=True, width=640, height=420)
    host = tmp_path / "report.html"
    host.write_text(
        "<!DOCTYPE html><html><head><style>body{background:rgb(250,240,230);"
        "font-family:serif;margin:30px}</style></head><body><h1>Report</h1>"
        + embed_snippet("map.html", width=640, height=420)
        + "<p id=after>after</p></body></html>",
        encoding="utf-8",
    )
    page = offline_page.page
    page.goto(host.resolve().as_uri())
    frame = page.frame_locator("iframe")
    frame.locator(".geomap-legend").wait_for()
    inner = next(f for f in page.frames if f != page.main_frame)
    inner.wait_for_function("() => window.geomapReady === true")
    assert inner.evaluate(f"{API}.drawnCount()") == 4
    size = inner.evaluate("""() => { const r = document.querySelector('.geomap-map')
                                       .getBoundingClientRect(); return [r.width, r.height]; }""")
    assert size == [640, 420]
    style = page.evaluate("""() => { const s = getComputedStyle(document.body);
                                     return [s.backgroundColor, s.fontFamily, s.margin]; }""")
    assert style == ["rgb(250, 240, 230)", "serif", "30px"]
    box = page.locator("iframe").bounding_box()
    assert box is not None and (box["width"], box["height"]) == (640, 420)
    assert offline_page.blocked == []


def test_png_export(tmp_path: Path, chromium_browser: Any) -> None:  # noqa: F811
    out = render_png(seed_like(), tmp_path / "m.png", width=800, height=500)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (800, 500)


def test_png_command_from_events_file(tmp_path: Path, chromium_browser: Any) -> None:
    import argparse
    import json

    from geomap.cli_render import register
    from geomap.render import event_to_properties

    events = tmp_path / "events.geojson"
    events.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [e.place.lon, e.place.lat]},
         "properties": event_to_properties(e)} for e in seed_like().events]}))
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    out = tmp_path / "events.png"
    args = parser.parse_args(["png", str(events), "-o", str(out), "--width", "640",
                              "--height", "400"])
    assert args.func(args) == 0
    assert struct.unpack(">II", out.read_bytes()[16:24]) == (640, 400)


def test_hover_shows_place_and_count(offline_page: OfflinePage, tmp_path: Path) -> None:
    path = save_map(seed_like(), tmp_path / "m.html")
    page = offline_page.open_map(path)
    pt = page.evaluate(f"{API}.pointOfPlace('Moscow')")
    page.mouse.move(pt["x"], pt["y"])
    tip = page.locator(".geomap-tip")
    tip.wait_for()
    assert tip.inner_text() == "Moscow · 1 event"


def test_online_tiles_fall_back_to_outlines_offline(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    path = save_map(seed_like(), tmp_path / "m.html", tiles="osm")
    page = offline_page.open_map(path)
    page.wait_for_timeout(300)
    assert offline_page.blocked, "the tiles were requested"
    assert all(u.startswith("https://tile.openstreetmap.org/") for u in offline_page.blocked)
    assert "OpenStreetMap" in page.inner_text(".leaflet-control-attribution")
    assert page.evaluate(f"{API}.drawnCount()") == 4


def test_non_asserted_events_toggle(offline_page: OfflinePage, tmp_path: Path) -> None:
    from geomap.types import Event, EventCollection

    base = seed_like()
    neg = Event("Battles", "Armed clash", base.events[1].place, base.events[1].quotes,
                modality="hypothetical")
    path = save_map(EventCollection(base.events + (neg,)), tmp_path / "m.html",
                    include_non_asserted=True)
    page = offline_page.open_map(path)
    assert page.evaluate(f"{API}.drawnEvents()") == [0, 1, 2, 3, 4]
    page.locator("label.geomap-check", has_text="not asserted").locator("input").uncheck()
    assert page.evaluate(f"{API}.drawnEvents()") == [0, 1, 2, 3]
