"""Issue 15, the analyst's map, in real headless Chromium: one test (or more) per point.

1 popups clear of the controls, 2 embedding, 3 table, downloads and links, 4 time axis,
5 location precision, 6 labels and scale, 7 search, 8 shapes, 9 cluster lists,
10 provenance; then the compare map, and bidirectional text (issue 14, item 14).
"""
# ruff: noqa: F811  (fixtures imported from browser_support are used as parameters)

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser_support import OfflinePage, chromium_browser, offline_page  # noqa: F401
from render_fixtures import analyst_corpus, export_edge_cases, hostile, seed_like

from geomap.export import dumps_csv, dumps_geojson
from geomap.render import embed_snippet, render_map
from geomap.render.compare import render_compare
from geomap.types import EventCollection

pytestmark = pytest.mark.browser
API = "window.geomapMaps[0]"

CONTROL_BOXES = """() => Array.from(document.querySelectorAll('.leaflet-control'))
  .filter(c => c.offsetParent !== null)
  .map(c => { const r = c.getBoundingClientRect();
              return {cls: c.className, x: r.left, y: r.top, r: r.right, b: r.bottom}; })"""
POPUP_BOX = """() => { const r = document.querySelector('.leaflet-popup-content-wrapper')
  .getBoundingClientRect(); return {x: r.left, y: r.top, r: r.right, b: r.bottom}; }"""


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["r"] and b["x"] < a["r"] and a["y"] < b["b"] and b["y"] < a["b"]


def _open(offline_page: OfflinePage, html: str, tmp_path: Path, name: str = "m.html",
          hash_: str = "") -> Any:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    page = offline_page.page
    page.goto(path.resolve().as_uri() + hash_)
    page.wait_for_function("() => window.geomapReady === true", timeout=30_000)
    return page


def _move_place_to(page: Any, name: str, x: float, y: float) -> None:
    pt = page.evaluate(f"{API}.pointOfPlace({name!r})")
    page.evaluate(f"([dx, dy]) => {API}.view.map.panBy([dx, dy], {{animate: false}})",
                  [pt["x"] - x, pt["y"] - y])
    page.wait_for_timeout(100)


def _wait_popup(page: Any) -> str:
    page.locator(".leaflet-popup-content").wait_for()
    page.wait_for_timeout(350)  # auto-pan and the fade-in
    return str(page.inner_text(".leaflet-popup-content"))


# 1 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("where", "size"), [("legend", (1280, 800)), ("zoom", (1280, 800)),
                                             ("legend", (390, 844))])
def test_popup_opened_next_to_a_control_overlaps_none(
    offline_page: OfflinePage, tmp_path: Path, where: str, size: tuple[int, int]
) -> None:
    offline_page.page.set_viewport_size({"width": size[0], "height": size[1]})
    page = _open(offline_page, render_map(seed_like()), tmp_path)
    legend = page.locator(".geomap-legend").bounding_box()
    # put Moscow just left of the legend's lower half, or right under the zoom buttons
    if where == "legend":
        target = (legend["x"] - 25, legend["y"] + min(legend["height"] - 20, 200))
    else:
        target = (40, 100)
    _move_place_to(page, "Moscow", *target)
    pt = page.evaluate(f"{API}.pointOfPlace('Moscow')")
    page.mouse.click(pt["x"], pt["y"])
    assert "Moscow" in _wait_popup(page)
    popup = page.evaluate(POPUP_BOX)
    for ctl in page.evaluate(CONTROL_BOXES):
        assert not _overlap(popup, ctl), f"popup {popup} under {ctl['cls']} {ctl}"
    assert popup["x"] >= 0 and popup["r"] <= size[0] and popup["y"] >= 0
    # the close button is reachable: it is the element on top at its own centre
    box = page.locator(".leaflet-popup-close-button").bounding_box()
    on_top = page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.leaflet-popup-close-button')",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert on_top


# 2 ---------------------------------------------------------------------------------------
INSIDE = """() => { const W = innerWidth, H = innerHeight;
  return Array.from(document.querySelectorAll('.leaflet-control, .geomap-legend'))
    .filter(c => c.offsetParent !== null)
    .map(c => { const r = c.getBoundingClientRect();
                return [c.className.split(' ').slice(0, 2).join(' '),
                        r.left >= 0 && r.top >= 0 && r.right <= W + 0.5 && r.bottom <= H + 0.5]; })
    .filter(x => !x[1]).map(x => x[0]); }"""


def test_phone_viewport_keeps_every_control_inside(offline_page: OfflinePage,
                                                   tmp_path: Path) -> None:
    offline_page.page.set_viewport_size({"width": 390, "height": 844})
    page = _open(offline_page, render_map(analyst_corpus()), tmp_path)
    assert page.evaluate(INSIDE) == []
    assert "geomap-collapsed" in page.locator(".geomap-legend").get_attribute("class")
    # unfolded, the legend and its table still fit
    page.locator(".geomap-collapse").click()
    assert page.evaluate(INSIDE) == []
    page.locator(".geomap-table-toggle").click()
    assert page.evaluate(INSIDE) == []
    panel = page.locator(".geomap-table-panel").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 390


def _host(tmp_path: Path, snippet: str) -> Path:
    host = tmp_path / "report.html"
    host.write_text("<!DOCTYPE html><html><body style='margin:20px'><h1>Report</h1>"
                    "<p style='height:300px'>text</p>" + snippet +
                    "<p style='height:2000px'>more text</p></body></html>", encoding="utf-8")
    return host


def test_narrow_iframe_fills_frame_folds_controls_and_wheel_waits_for_a_click(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    (tmp_path / "map.html").write_text(render_map(analyst_corpus(), embed=True),
                                       encoding="utf-8")
    host = _host(tmp_path, embed_snippet("map.html", width=350, height=420, title="Corpus map"))
    page = offline_page.page
    page.goto(host.resolve().as_uri())
    frame = next(f for f in page.frames if f != page.main_frame) if len(page.frames) > 1 else None
    page.wait_for_function("() => document.querySelector('iframe').contentWindow !== null")
    page.wait_for_timeout(500)
    frame = next(f for f in page.frames if f != page.main_frame)
    frame.wait_for_function("() => window.geomapReady === true")
    assert page.locator("iframe").get_attribute("title") == "Corpus map"
    size = frame.evaluate("""() => { const r = document.querySelector('.geomap-map')
                                      .getBoundingClientRect(); return [r.width, r.height]; }""")
    assert size == [350, 420], "the page fills its frame"
    assert frame.evaluate(INSIDE) == []
    assert "geomap-collapsed" in frame.locator(".geomap-legend").get_attribute("class")
    # the wheel scrolls the report until the map is clicked
    box = page.locator("iframe").bounding_box()
    page.evaluate("() => window.scrollTo(0, 0)")
    zoom0 = frame.evaluate(f"{API}.view.map.getZoom()")
    page.mouse.move(box["x"] + 175, box["y"] + 300)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(600)
    assert frame.evaluate(f"{API}.view.map.getZoom()") == zoom0
    assert page.evaluate("window.scrollY") > 0, "the wheel scrolled the report"
    page.evaluate("() => window.scrollTo(0, 0)")  # the frame back in view before the click
    box = page.locator("iframe").bounding_box()
    page.mouse.click(box["x"] + 175, box["y"] + 300)
    for _ in range(5):  # a busy machine may drop a wheel event; the map must zoom on one
        page.mouse.wheel(0, -300)
        try:
            frame.wait_for_function(f"() => {API}.view.map.getZoom() > {zoom0}", timeout=3_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; try the wheel again
            continue
    assert frame.evaluate(f"{API}.view.map.getZoom()") > zoom0, "a click enables wheel zoom"


def test_cli_embed_snippet_is_relative_with_size_and_title(tmp_path: Path, capsys: Any) -> None:
    from geomap.cli import main

    events = tmp_path / "events.geojson"
    events.write_text(dumps_geojson(seed_like().events), encoding="utf-8")
    out = tmp_path / "report" / "syria map.html"
    assert main(["map", str(events), "-o", str(out), "--embed", "--width", "640",
                 "--height", "400"]) == 0
    printed = capsys.readouterr().out
    snippet = printed.splitlines()[-1]
    assert snippet.startswith('<iframe src="syria%20map.html" width="640" height="400" '
                              'title="events"')
    assert str(tmp_path) not in snippet
    assert main(["map", str(events), "-o", str(out), "--embed", "--embed-src",
                 "https://reports.example/m.html"]) == 0
    assert 'src="https://reports.example/m.html"' in capsys.readouterr().out


def test_cli_refuses_a_non_html_map_name(tmp_path: Path, capsys: Any) -> None:
    from geomap.cli import main

    events = tmp_path / "events.geojson"
    events.write_text(dumps_geojson(seed_like().events), encoding="utf-8")
    assert main(["map", str(events), "-o", str(tmp_path / "x.geojson")]) == 1
    err = capsys.readouterr().err
    assert "writes an HTML page" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.geojson").exists()


# 3 ---------------------------------------------------------------------------------------
def _table_events(page: Any) -> list[int]:
    return [int(x) for x in page.eval_on_selector_all(
        ".geomap-table tbody tr", "rs => rs.map(r => r.dataset.event)")]


def test_table_lists_the_filtered_events_and_a_row_opens_its_event(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    c = analyst_corpus()
    page = _open(offline_page, render_map(c), tmp_path)
    page.locator(".geomap-table-toggle").click()
    assert sorted(_table_events(page)) == page.evaluate(f"{API}.visibleEvents()")
    page.locator(".geomap-types > .geomap-row .geomap-toggle",
                 has=page.locator(".geomap-name", has_text="Battles")).click()
    shown = page.evaluate(f"{API}.visibleEvents()")
    assert sorted(_table_events(page)) == shown
    assert all(c.events[i].event_type != "Battles" for i in shown)
    assert page.inner_text(".geomap-table-count") == f"{len(shown)} events"
    # sorted by place, both ways
    page.locator(".geomap-sort", has_text="Place").click()
    places = page.eval_on_selector_all(".geomap-table tbody tr td:nth-child(4)",
                                       "ts => ts.map(t => t.textContent.toLowerCase())")
    assert places == sorted(places)
    page.locator(".geomap-sort", has_text="Place").click()
    assert page.locator("th[aria-sort=descending]").count() == 1
    # a click on a row opens that event
    row = page.locator(".geomap-table tbody tr").first
    e = int(row.get_attribute("data-event"))
    row.click()
    text = _wait_popup(page)
    assert c.events[e].quotes[0].text in text
    # and so does the keyboard
    second = page.locator(".geomap-table tbody tr").nth(1)
    e2 = int(second.get_attribute("data-event"))
    second.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert c.events[e2].quotes[0].text in page.inner_text(".leaflet-popup-content")
    # limited to the map's view
    page.evaluate(f"{API}.view.map.setView([34.8, 36.7], 10, {{animate: false}})")
    page.locator(".geomap-view-only").check()
    in_view = _table_events(page)
    b = page.evaluate(f"""() => {{ const b = {API}.view.map.getBounds();
        return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }}""")
    inside = [i for i in page.evaluate(f"{API}.visibleEvents()")
              if b[0] <= c.events[i].place.lat <= b[2] and b[1] <= c.events[i].place.lon <= b[3]]
    assert in_view and sorted(in_view) == inside
    names = {c.events[i].place.name for i in in_view}
    assert "Homs" in names and "Aleppo" not in names and "Russia" not in names


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_download_holds_exactly_the_filtered_events_as_the_python_writer_writes_them(
    offline_page: OfflinePage, tmp_path: Path, fmt: str
) -> None:
    c = analyst_corpus()
    page = _open(offline_page, render_map(c), tmp_path)
    page.locator(".geomap-all-dates").check()
    page.fill(".geomap-search", "aleppo")
    page.wait_for_timeout(400)
    page.locator(".geomap-table-toggle").click()
    page.locator(".geomap-sort", has_text="Date").click()
    order = _table_events(page)
    assert len(order) == 3
    with page.expect_download() as info:
        page.locator(f".geomap-download[data-format={fmt}]").click()
    got = Path(info.value.path()).read_text(encoding="utf-8")
    events = [c.events[i] for i in order]
    assert got == (dumps_csv(events) if fmt == "csv" else dumps_geojson(events))


@pytest.mark.parametrize("fixture", [seed_like, hostile, export_edge_cases])
def test_page_writers_match_python_writers_byte_for_byte(
    offline_page: OfflinePage, tmp_path: Path, fixture: Any
) -> None:
    c = fixture()
    page = _open(offline_page, render_map(c, include_non_asserted=True), tmp_path)
    page.locator(".geomap-collapse").click() if page.locator(
        ".geomap-legend.geomap-collapsed").count() else None
    everything = page.evaluate(f"{API}.view.model.geojson([...Array({len(c.events)}).keys()])")
    assert everything == dumps_geojson(c.events)
    assert page.evaluate(f"{API}.view.model.csv([...Array({len(c.events)}).keys()])") == \
        dumps_csv(c.events)
    assert offline_page.errors == [] and offline_page.dialogs == []


def test_url_restores_the_view_and_opens_the_event(offline_page: OfflinePage,
                                                   tmp_path: Path) -> None:
    c = analyst_corpus()
    html = render_map(c)
    page = _open(offline_page, html, tmp_path,
                 hash_="#map=7/34.8000/36.5000&types=Protests,Strategic%20developments"
                       "&from=2024-12-02&to=2024-12-05&event=s1")
    view = page.evaluate(f"""() => {{ const m = {API}.view.map, c = m.getCenter();
        return [m.getZoom(), +c.lat.toFixed(2), +c.lng.toFixed(2)]; }}""")
    assert view == [7, 34.8, 36.5]
    assert page.evaluate(f"{API}.range()") == ["2024-12-02", "2024-12-05"]
    shown = page.evaluate(f"{API}.visibleEvents()")
    assert {c.events[i].event_type for i in shown} <= {"Protests", "Strategic developments"}
    assert c.events[3].quotes[0].text in _wait_popup(page)
    # the page's own link says the same, and reopens the same view in a fresh page
    page.locator(".geomap-link").first.click()
    link = page.locator(".geomap-link-note").input_value()
    assert "event=s1" in link and "types=Protests,Strategic%20developments" in link
    assert "from=2024-12-02&to=2024-12-05" in link and link.startswith("file://")
    fresh = OfflinePage(offline_page.context.browser)
    try:
        p2 = fresh.page
        p2.goto(link)
        p2.wait_for_function("() => window.geomapReady === true")
        assert p2.evaluate(f"{API}.range()") == ["2024-12-02", "2024-12-05"]
        assert c.events[3].quotes[0].text in _wait_popup(p2)
        assert p2.evaluate(f"{API}.view.map.getZoom()") == 7
    finally:
        fresh.close()


def test_event_link_alone_opens_the_popup(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = _open(offline_page, render_map(seed_like()), tmp_path, hash_="#event=e3")
    assert "Russia keeps access to its naval base at Tartus." in _wait_popup(page)


# 4 ---------------------------------------------------------------------------------------
def test_time_axis_covers_the_day_dated_events_with_ticks_spans_and_play(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    c = analyst_corpus()
    page = _open(offline_page, render_map(c), tmp_path)
    assert page.evaluate(f"{API}.range()") == ["2024-12-01", "2024-12-07"]
    ticks = page.evaluate(f"{API}.ticks()")
    assert 2 <= len(ticks) <= 8 and ticks[0] == "Dec 1"
    # the month-dated vigil (December 2024) overlaps the range and is shown; 1984 and 2018 not
    shown = {c.events[i].event_id for i in page.evaluate(f"{API}.visibleEvents()")}
    assert "p4" in shown and "b3" not in shown and "p3" not in shown
    assert "1984\u20132024" in page.inner_text(".geomap-time")
    page.locator(".geomap-all-dates").check()
    assert page.evaluate(f"{API}.range()") == ["1984-01-01", "2024-12-31"]
    assert len(page.evaluate(f"{API}.visibleEvents()")) == len(c.events)
    assert page.evaluate(f"{API}.ticks()")[0] in ("1990", "1985", "2000")
    page.locator(".geomap-all-dates").uncheck()
    # play steps by day: one day at a time
    page.locator(".geomap-play").click()
    assert page.evaluate(f"{API}.range()") == ["2024-12-01", "2024-12-01"]
    page.locator(".geomap-play").click()  # pause
    assert page.evaluate(f"{API}.playStep()") is True
    assert page.evaluate(f"{API}.range()") == ["2024-12-02", "2024-12-02"]
    shown = {c.events[i].event_id for i in page.evaluate(f"{API}.visibleEvents()")}
    assert shown == {"b2", "p4"}
    page.select_option(".geomap-step", "7")
    page.locator(".geomap-play").click()
    assert page.evaluate(f"{API}.range()") == ["2024-12-01", "2024-12-07"]
    page.locator(".geomap-play").click()


# 5 ---------------------------------------------------------------------------------------
def test_country_level_events_are_hollow_rings_with_a_caption(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    page = _open(offline_page, render_map(analyst_corpus()), tmp_path)
    caption = page.inner_text(".geomap-precision")
    assert caption.startswith("2 of 7 located only to a country or region")
    assert page.evaluate(f"{API}.coarseSymbols()") >= 1
    pt = page.evaluate(f"{API}.pointOfPlace('Russia')")
    centre = page.evaluate("""([x, y]) => {
      const c = document.querySelector('.leaflet-geomapEvents-pane canvas');
      const r = c.getBoundingClientRect(), k = c.width / r.width;
      return Array.from(c.getContext('2d').getImageData((x - r.left) * k, (y - r.top) * k, 1, 1)
        .data); }""", [pt["x"], pt["y"]])
    assert centre[3] < 255 or min(centre[:3]) > 150, f"the centre of a ring is light: {centre}"
    assert page.locator(".geomap-key").inner_text().startswith("hollow")


# 6 ---------------------------------------------------------------------------------------
def test_event_places_are_labelled_at_analytic_zooms_with_a_scale_bar(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    page = _open(offline_page, render_map(analyst_corpus()), tmp_path)
    page.evaluate(f"{API}.view.map.setView([34.8, 36.7], 9, {{animate: false}})")
    page.wait_for_timeout(200)
    assert page.evaluate(f"{API}.labelCount()") >= 2
    assert page.locator(".leaflet-control-scale-line").count() == 1
    assert page.locator(".leaflet-control-scale-line").inner_text().endswith(("km", "m"))


# 7 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "ids"), [
    ("Tartous", {"s1"}), ("tartus", {"s1"}), ("Lavrov", {"s1"}), ("tahrir", {"b1"}),
    ("naval base", {"s1"}), ("at dawn", {"b1"})])
def test_search_finds_text_spellings_aliases_actors_and_quotes(
    offline_page: OfflinePage, tmp_path: Path, query: str, ids: set[str]
) -> None:
    c = analyst_corpus()
    page = _open(offline_page, render_map(c), tmp_path)
    page.fill(".geomap-search", query)
    page.wait_for_timeout(400)
    assert {c.events[i].event_id for i in page.evaluate(f"{API}.visibleEvents()")} == ids


# 8 ---------------------------------------------------------------------------------------
def test_each_type_has_its_own_shape_in_legend_and_on_the_map(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    page = _open(offline_page, render_map(analyst_corpus()), tmp_path)
    shapes = page.eval_on_selector_all(".geomap-types > .geomap-row .geomap-swatch",
                                       "cs => cs.map(c => c.dataset.shape)")
    assert len(shapes) == 3 and len(set(shapes)) == 3
    # Battles (diamond) and Protests (circle) fill different pixels at the same size
    mask = """([x, y]) => {
      const c = document.querySelector('.leaflet-geomapEvents-pane canvas');
      const r = c.getBoundingClientRect(), k = c.width / r.width, out = [];
      const d = c.getContext('2d').getImageData((x - r.left - 9) * k, (y - r.top - 9) * k,
                                                18 * k, 18 * k).data;
      for (let i = 3; i < d.length; i += 4) out.push(d[i] > 128 ? 1 : 0);
      return out; }"""
    page.locator(".geomap-types > .geomap-row .geomap-toggle",
                 has=page.locator(".geomap-name", has_text="Protests")).click()
    page.evaluate(f"{API}.view.map.setView([34.92667, 36.73241], 12, {{animate: false}})")
    battle = page.evaluate(mask, list(page.evaluate(f"{API}.pointOfPlace('Ar Rastan')").values()))
    page.locator(".geomap-types > .geomap-row .geomap-toggle",
                 has=page.locator(".geomap-name", has_text="Protests")).click()
    page.locator(".geomap-types > .geomap-row .geomap-toggle",
                 has=page.locator(".geomap-name", has_text="Battles")).click()
    page.evaluate(f"{API}.view.map.setView([34.72682, 36.72339], 12, {{animate: false}})")
    protest = page.evaluate(mask, list(page.evaluate(f"{API}.pointOfPlace('Homs')").values()))
    assert sum(battle) > 20 and sum(protest) > 20
    assert sum(a != b for a, b in zip(battle, protest, strict=True)) > 20


# 9 ---------------------------------------------------------------------------------------
def test_a_cluster_click_lists_its_events_and_offers_to_zoom(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    c = analyst_corpus()
    page = _open(offline_page, render_map(c), tmp_path)
    page.evaluate(f"{API}.view.map.setView([35, 37], 5, {{animate: false}})")
    page.wait_for_timeout(200)
    pt = page.evaluate(f"{API}.pointOfPlace('Homs')")
    rastan = page.evaluate(f"{API}.pointOfPlace('Ar Rastan')")
    assert pt == rastan, "Homs and Ar Rastan share one symbol at zoom 5"
    page.mouse.click(pt["x"], pt["y"])
    text = _wait_popup(page)
    head = page.inner_text(".geomap-cluster-head")
    assert "more place" in head and head.endswith("events")
    n = int(head.split("·")[1].split()[0])
    assert page.locator(".leaflet-popup-content .geomap-ev").count() == n
    assert "Fighters clashed" in text and "Shelling was reported" in text
    zoom = page.evaluate(f"{API}.view.map.getZoom()")
    page.locator(".geomap-zoom-in").click()
    page.wait_for_timeout(900)
    assert page.evaluate(f"{API}.view.map.getZoom()") > zoom


# 10 --------------------------------------------------------------------------------------
def test_a_source_is_named_once_per_document(offline_page: OfflinePage, tmp_path: Path) -> None:
    page = _open(offline_page, render_map(analyst_corpus()), tmp_path)
    page.evaluate(f"{API}.view.map.setView([34.73, 36.72], 13, {{animate: false}})")
    page.wait_for_timeout(200)
    pt = page.evaluate(f"{API}.pointOfPlace('Homs')")
    page.mouse.click(pt["x"], pt["y"])
    text = _wait_popup(page)
    assert page.locator(".leaflet-popup-content .geomap-ev").count() == 2
    assert text.count("Wire") == 1 and "Source: Wire" in text
    assert page.locator(".leaflet-popup-content a").first.get_attribute("href") == \
        "https://wire.example/a"


def test_cli_map_title_defaults_to_the_input_name(tmp_path: Path, monkeypatch: Any) -> None:
    from geomap import cli

    monkeypatch.setattr(cli, "_collect", lambda args: EventCollection(seed_like().events))
    article = tmp_path / "tartus_report.txt"
    article.write_text("text", encoding="utf-8")
    out = tmp_path / "m.html"
    assert cli.main(["map", str(article), "-o", str(out)]) == 0
    assert "<title>tartus_report</title>" in out.read_text(encoding="utf-8")


# issue 14, item 14 -----------------------------------------------------------------------
def test_right_to_left_override_in_source_or_id_cannot_reorder_a_popup(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    from geomap.types import Quote

    base = seed_like().events[1]
    bad = Quote(base.quotes[0].text, "doc\u202eid", 0, source="Evil\u202e News",
                url=None, place_spans=base.quotes[0].place_spans)
    ev = type(base)(base.event_type, "Sub\u202etype", base.place, (bad,), date=base.date,
                    date_precision="day", event_id="x")
    page = _open(offline_page, render_map(EventCollection((ev,))), tmp_path)
    page.evaluate(f"{API}.openEvent(0)")
    _wait_popup(page)
    # each user string sits in its own isolate, after the words that introduce it
    order = page.evaluate("""() => {
      const line = document.querySelector('.geomap-src'), out = [];
      for (const n of line.childNodes) {
        const r = document.createRange(); r.selectNodeContents(n);
        out.push([n.nodeName, n.textContent, r.getBoundingClientRect().left]);
      }
      return out; }""")
    names = [n for n, _, _ in order]
    assert names == ["#text", "BDI", "#text", "BDI"], order
    lefts = [x for _, _, x in order]
    assert lefts == sorted(lefts), f"fields drawn out of order: {order}"
    head = page.locator(".geomap-ev-head bdi")
    assert head.count() == 2
    assert page.evaluate("() => getComputedStyle(document.querySelector('.geomap-src bdi'))"
                         ".unicodeBidi") == "isolate"


# compare ---------------------------------------------------------------------------------
def _runs() -> tuple[EventCollection, EventCollection]:
    import dataclasses
    import datetime as dt

    old = analyst_corpus()
    ev = list(old.events)
    new = [
        ev[0],                                                          # unchanged
        dataclasses.replace(ev[1], event_id="b2-new"),                  # unchanged, new id
        dataclasses.replace(ev[2], sub_event_type="Protest with intervention",
                            event_id="p1x"),                            # changed sub-type
        dataclasses.replace(ev[3], date=ev[3].date + dt.timedelta(days=1)),  # changed date
        ev[4], ev[5], ev[6],                                            # unchanged
        # ev[7] and ev[8] removed; one added, and one of another type at the same place
        dataclasses.replace(ev[0], event_type="Riots", sub_event_type="Mob violence",
                            event_id="r1"),
        dataclasses.replace(ev[0], date=ev[0].date + dt.timedelta(days=5), event_id="b9"),
    ]
    return old, EventCollection(tuple(new), title="today")


def test_compare_map_counts_and_lists_added_removed_changed(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    old, new = _runs()
    page = _open(offline_page, render_compare(old, new), tmp_path)
    counts = dict(zip(
        page.eval_on_selector_all(".geomap-status", "bs => bs.map(b => b.dataset.status)"),
        [int(x) for x in page.eval_on_selector_all(
            ".geomap-status .geomap-count", "cs => cs.map(c => c.textContent)")],
        strict=True))
    assert counts == {"added": 2, "removed": 2, "changed": 2, "unchanged": 5}
    assert page.locator(".geomap-changes").inner_text().startswith(
        "Changes from Analyst corpus to today")
    page.locator(".geomap-all-dates").check()
    page.locator(".geomap-table-toggle").click()
    page.locator(".geomap-sort", has_text="Change").click()
    changes = page.eval_on_selector_all(".geomap-table tbody tr td:last-child",
                                        "ts => ts.map(t => t.textContent)")
    assert len(changes) == 11
    assert "changed: sub-type Peaceful protest → Protest with intervention" in changes
    assert "changed: date 2024-12-04 → 2024-12-05" in changes
    # only the changes: hide unchanged
    page.locator(".geomap-status[data-status=unchanged]").click()
    assert len(_table_events(page)) == 6
    page.locator(".geomap-table tbody tr").first.click()
    assert "added" in _wait_popup(page)
    assert offline_page.errors == []


def test_cli_compare(tmp_path: Path, capsys: Any) -> None:
    from geomap.cli import main

    old, new = _runs()
    (tmp_path / "old.geojson").write_text(dumps_geojson(old.events), encoding="utf-8")
    (tmp_path / "new.geojson").write_text(dumps_geojson(new.events), encoding="utf-8")
    out = tmp_path / "diff.html"
    assert main(["map", "--compare", str(tmp_path / "old.geojson"),
                 str(tmp_path / "new.geojson"), "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith("2 added, 2 removed, 2 changed, 5 unchanged")
    assert "<title>old → new</title>" in out.read_text(encoding="utf-8")


# hostile text in the new views ------------------------------------------------------------
def test_hostile_text_stays_inert_in_table_search_downloads_and_compare(
    offline_page: OfflinePage, tmp_path: Path
) -> None:
    h = hostile()
    both = EventCollection(h.events + seed_like().events, title=h.title)
    for html in (render_map(both), render_compare(seed_like(), both)):
        page = _open(offline_page, html, tmp_path)
        if "geomap-collapsed" in (page.locator(".geomap-legend").get_attribute("class") or ""):
            page.locator(".geomap-collapse").click()
        page.locator(".geomap-table-toggle").click()
        table = page.inner_text(".geomap-table")
        assert "<img src=x onerror=" in table and "</script><script>" in table
        for i in range(page.locator(".geomap-table tbody tr").count()):
            page.locator(".geomap-table tbody tr").nth(i).click()
            page.wait_for_timeout(250)
        page.fill(".geomap-search", "<img src=x onerror=alert(1)>")
        page.wait_for_timeout(300)
        page.fill(".geomap-search", "onerror")
        page.wait_for_timeout(300)
        assert page.evaluate(f"{API}.visibleEvents()"), "hostile text is searchable as text"
        for fmt in ("csv", "geojson"):
            with page.expect_download() as info:
                page.locator(f".geomap-download[data-format={fmt}]").click()
            text = Path(info.value.path()).read_text(encoding="utf-8")
            assert "</script><script>" in text
        json.loads(page.evaluate(f"{API}.exportText('geojson')"))
        assert page.locator(".geomap-table img, .leaflet-popup-content img, "
                            ".geomap-legend img").count() == 0
        assert page.locator("#pwned_comment").count() == 0, "text closed a data comment"
        flags = page.evaluate("""() => ['__pwned_img', '__pwned_script', '__pwned_tpl',
                                         '__pwned_link', '__pwned_link2']
                                        .filter(k => k in window)""")
        assert flags == [] and offline_page.dialogs == [] and offline_page.errors == []


def test_quote_text_survives_html_parsing_exactly(offline_page: OfflinePage,
                                                  tmp_path: Path) -> None:
    import dataclasses

    base = seed_like().events[1]
    texts = ["a\r\nb\rc", "\nleading newline", "</script><b>&amp;</b> &lt;", "nul\x00",
             "tab\tend", "\u2028\u2029 \U0001F600 Damascus", "\U0001F600\U0001F4A5 a<b>c --!> \r -->",
             "<", ">\r\x00<"]
    events = tuple(dataclasses.replace(base, quotes=(dataclasses.replace(
        base.quotes[0], text=t, place_spans=()),)) for t in texts)
    page = _open(offline_page, render_map(EventCollection(events)), tmp_path)
    got = page.evaluate(f"[0, 1, 2, 3, 4, 5, 6, 7, 8].map(i => {API}.view.model.quoteText(i))")
    assert got == texts
    assert page.locator("b").count() == 0


def test_columns_decode_without_uint8array_frombase64(offline_page: OfflinePage,
                                                      tmp_path: Path) -> None:
    """Browsers before 2025 lack Uint8Array.fromBase64: the atob path gives the same map."""
    offline_page.context.add_init_script("delete Uint8Array.fromBase64;")
    c = analyst_corpus()
    page = _open(offline_page, render_map(c), tmp_path)
    assert page.evaluate("typeof Uint8Array.fromBase64") == "undefined"
    assert page.evaluate(f"{API}.view.model.csv([...Array({len(c.events)}).keys()])") == \
        dumps_csv(c.events)


@pytest.mark.parametrize("from_base64", [True, False])
def test_wide_columns_and_runs_decode_to_the_same_events(offline_page: OfflinePage, tmp_path: Path,
                                                         from_base64: bool) -> None:
    """70,000 places need 24-bit columns; documents of five events ship as runs. The page's
    CSV of a sample equals the Python writer's, with and without Uint8Array.fromBase64."""
    import dataclasses

    from gazetteer.model import Place

    base = seed_like().events[1]
    events = []
    for i in range(70_000):
        place = Place(f"t:{i}", f"Town {i}", -60 + (i % 1200) / 10, -170 + i / 250,
                      country_code="XX", admin1_name=f"Province {i % 7}")
        q = dataclasses.replace(base.quotes[0], text=f"Report {i} from Town {i}.",
                                doc_id=f"doc{i // 5}", place_spans=((17, 17 + len(str(i)) + 5),))
        events.append(dataclasses.replace(base, place=place, quotes=(q,), event_id=f"e{i}"))
    if not from_base64:
        offline_page.context.add_init_script("delete Uint8Array.fromBase64;")
    page = _open(offline_page, render_map(EventCollection(tuple(events))), tmp_path)
    sample = [0, 1, 4, 5, 12345, 65535, 65536, 69999]
    assert page.evaluate(f"{API}.view.model.csv({sample})") == dumps_csv([events[i] for i in sample])
    assert page.evaluate(f"{API}.drawnCount()") == 70_000
    # a popup finds its quote and document without the full offset arrays
    page.evaluate(f"{API}.openEvent(65537)")
    popup = page.inner_text(".leaflet-popup-content")
    assert "Report 65537 from Town 65537." in popup and "doc13107" in popup
    # ids ship as one string: a key finds only a whole id
    keys = ["e1", "e10", "e65536", "e69999", "1e", "e7000", "e700000"]
    assert page.evaluate(f"{keys}.map(k => {API}.view.model.eventByKey(k))") == \
        [1, 10, 65536, 69999, -1, 7000, -1]
