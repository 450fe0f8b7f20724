"""Benchmark: geomap's map page against naive folium (one Marker + Popup per event).

Run:  python tests/benchmarks/bench_map.py [--sizes 1000,10000,100000,1000000] [--naive-max 10000]
      python tests/benchmarks/bench_map.py --file-only --sizes 100000 [--baseline ../main] [--repeats 5]
      python tests/benchmarks/bench_map.py --sizes 1000000 --baseline ../main [--repeats 5]

For each size it builds synthetic events (each with its own ~80-character quote), renders
them with geomap and with naive folium (Leaflet inlined the same way, and a two-line stand-in
for the one jQuery call folium's popups make), loads both in
headless Chromium with every non-file request blocked, and prints:
- Python build time from the events in memory, and of ``geomap map events.geojson`` (read
  the file ``geomap extract`` writes, then build and write the page) up to --file-max events,
- HTML bytes per event beyond the events' own quote text,
- time from navigation until every event is drawn and a popup is open,
- the time of a pan/zoom redraw (synchronous JS, and until the next frame),
- the time of a filter change (a type toggled) and of a time-slider change, from the input
  until the next frame is drawn,
and the ratios naive/geomap measured in this same run. Nothing here asserts a time.

With --baseline (and without --file-only) it builds each size's page with this checkout and
with the baseline checkout (another geomap tree, in a subprocess), then opens the two pages
--repeats times each, alternating, and prints the medians of each measurement for both, so
that both see the same machine load.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import io
import random
import statistics
import sys
import time
from pathlib import Path

import folium
from branca.element import Element

# measure the geomap of the checkout this file is in, whatever an installed copy points to
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from gazetteer.model import Place  # noqa: E402
from geomap.render import render_map  # noqa: E402
from geomap.render.page import _asset  # noqa: E402
from geomap.render.png import CHROMIUM_ARGS, chromium_path  # noqa: E402
from geomap.types import Actor, Event, EventCollection, Quote  # noqa: E402

TYPES = {
    "Battles": ["Armed clash", "Government regains territory"],
    "Explosions/Remote violence": ["Air/drone strike", "Shelling/artillery/missile attack"],
    "Violence against civilians": ["Attack", "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Agreement", "Arrests", "Looting/property destruction"],
    "Movement": ["Arrival", "Departure"],
    "Statements": ["Public statement"],
}
WORDS = [
    "officials", "said", "forces", "crowds", "gathered", "near", "the", "city", "after",
    "reports", "of", "clashes", "overnight", "while", "residents", "described", "heavy",
    "damage", "and", "local", "authorities", "promised", "an", "inquiry", "into", "events",
    "that", "followed", "the", "announcement", "by", "the", "ministry", "on", "state",
    "television",
]


def synthetic(n: int, seed: int = 7) -> EventCollection:
    rng = random.Random(seed)
    n_places = max(10, n // 10)
    places = []
    for i in range(n_places):
        lat = max(-60.0, min(70.0, rng.gauss(25, 18)))
        lon = max(-170.0, min(170.0, rng.gauss(30, 50)))
        places.append(
            Place(f"synthetic:{i}", f"Town {i}", round(lat, 4), round(lon, 4),
                  country_code="XX", admin1_name=f"Province {i % 300}")
        )
    actors = [Actor(f"Group {i}", "actor") for i in range(500)]
    sources = [f"Outlet {i}" for i in range(20)]
    types = list(TYPES)
    start = dt.date(2024, 1, 1)
    events = []
    for i in range(n):
        place = places[rng.randrange(n_places)]
        words = []
        while sum(len(w) + 1 for w in words) < 60:
            words.append(rng.choice(WORDS))
        text = f"In {place.name} " + " ".join(words) + f" (report {i})."
        span = ((3, 3 + len(place.name)),)
        doc = i // 10
        et = types[i % len(types)]
        events.append(
            Event(
                event_type=et,
                sub_event_type=TYPES[et][i % len(TYPES[et])],
                place=place,
                quotes=(Quote(text, f"doc{doc}", 0, source=sources[doc % 20],
                              url=f"https://news.example/{doc}", place_spans=span),),
                date=start + dt.timedelta(days=rng.randrange(366)),
                date_precision="day",
                actors=(actors[rng.randrange(500)],),
                origin=places[rng.randrange(n_places)] if et == "Movement" else None,
                confidence=round(rng.random(), 2),
            )
        )
    return EventCollection(events=tuple(events), title=f"{n} synthetic events")


def own_text_bytes(c: EventCollection) -> int:
    return sum(len(q.text.encode("utf-8")) for e in c.events for q in e.quotes)


def build_naive(c: EventCollection) -> str:
    m = folium.Map(location=[25, 30], zoom_start=2, tiles=None, max_zoom=18)
    m.default_js = []
    m.default_css = []
    root = m.get_root()
    root.header.add_child(Element("<style>" + _asset("leaflet.css") + "</style>"))
    root.header.add_child(Element("<script>" + _asset("leaflet.js") + "</script>"))
    # folium's popups call jQuery only as $(`<div>…</div>`)[0]; this stand-in does that much
    # (the test environment has no jQuery package, and the page must not use a CDN)
    root.header.add_child(Element(
        "<script>window.$ = window.jQuery = function (html) { var t = "
        "document.createElement('template'); t.innerHTML = html.trim(); "
        "return [t.content.firstChild]; };</script>"))
    for e in c.events:
        text = html.escape(e.quotes[0].text).replace("${", "$\\{")
        folium.Marker(
            [e.place.lat, e.place.lon],
            popup=folium.Popup(f"<b>{html.escape(e.event_type)}</b><br>{text}"),
        ).add_to(m)
    return root.render()


# Installed before any page script: the first frame after the load event is when the
# page is drawn (folium's markers are DOM nodes laid out at that frame; geomap has drawn
# its canvas before load). Measured inside the page, so playwright's polling adds nothing.
FRAME_AFTER_LOAD = """
window.addEventListener('load', () => requestAnimationFrame(() => {
  window.__benchFrameAt = performance.now();
}));
"""

GEOMAP_POPUP = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const api = window.geomapMaps[0];
  const t0 = performance.now();
  const shown = api.openSymbol(0);
  await frame();
  return {popup: performance.now() - t0, frameAt: window.__benchFrameAt,
          drawn: api.drawnCount(), popupEvents: shown, readyAt: window.geomapReadyAt};
}"""

NAIVE_POPUP = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const icons = document.querySelectorAll('.leaflet-marker-icon');
  const t0 = performance.now();
  icons[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));
  await frame();
  return {popup: performance.now() - t0, frameAt: window.__benchFrameAt, drawn: icons.length,
          popupEvents: document.querySelectorAll('.leaflet-popup-content').length,
          readyAt: window.__benchFrameAt};
}"""

REDRAW = """async (kind) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const map = window.geomapMaps ? window.geomapMaps[0].view.map
                                : Object.values(window).find(v => v instanceof L.Map);
  const sync = [], framed = [];
  const ops = [() => map.setZoom(map.getZoom() + 1, {animate: false}),
               () => map.panBy([200, 120], {animate: false}),
               () => map.setZoom(map.getZoom() - 1, {animate: false}),
               () => map.panBy([-200, -120], {animate: false})];
  for (let round = 0; round < 3; round++) {
    for (const op of ops) {
      await frame();
      const t0 = performance.now();
      op();
      sync.push(performance.now() - t0);
      await frame();
      framed.push(performance.now() - t0);
    }
  }
  return {sync: sync, framed: framed};
}"""


FILTER = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const view = window.geomapMaps[0].view, m = view.model, out = {type: [], time: []};
  const btn = document.querySelector('.geomap-types .geomap-toggle');
  const from = document.querySelector('.geomap-from');
  for (let round = 0; round < 6; round++) {
    await frame();
    let t0 = performance.now();
    btn.click();
    await frame();
    out.type.push(performance.now() - t0);
    await frame();
    t0 = performance.now();
    from.value = String(m.minDay + (round % 2 ? 0 : 30));
    from.dispatchEvent(new Event('input'));
    await frame(); await frame();  // the slider redraws on the next animation frame
    out.time.push(performance.now() - t0);
  }
  return out;
}"""


def build_from_file(c: EventCollection, out: Path) -> float:
    """Seconds for ``geomap map events.geojson -o map.html`` (in process, no interpreter start)."""
    from geomap.cli import main as cli_main
    from geomap.export import dumps_geojson

    events = out / f"events_{len(c.events)}.geojson"
    events.write_text(dumps_geojson(c.events), encoding="utf-8")
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        cli_main(["map", str(events), "-o", str(out / f"from_file_{len(c.events)}.html")])
    return time.perf_counter() - t0


_TIME_MAP = """
import contextlib, io, sys, time
from geomap.cli import main
import geomap.formats, geomap.render, geomap.taxonomy  # imported, as in the full benchmark
t0 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    main(["map", sys.argv[1], "-o", sys.argv[2]])
print(time.perf_counter() - t0)
"""


def file_only(sizes: list[int], out: Path, baseline: str | None, repeats: int) -> int:
    """Time ``geomap map events.geojson`` alone (no browser), each run in a fresh interpreter
    (modules imported before the clock starts) with geomap from this checkout, and from
    ``baseline`` (another checkout) in alternation when given, so that both see the same
    load; prints the medians."""
    import subprocess

    here = Path(__file__).resolve().parents[2]
    trees = [("this", here)] + ([("baseline", Path(baseline).resolve())] if baseline else [])
    for n in sizes:
        c = synthetic(n)
        events = out / f"events_{n}.geojson"
        from geomap.export import dumps_geojson

        events.write_text(dumps_geojson(c.events), encoding="utf-8")
        del c
        times: dict[str, list[float]] = {name: [] for name, _ in trees}
        for _ in range(repeats):
            for name, tree in trees:
                res = subprocess.run(
                    [sys.executable, "-c", _TIME_MAP, str(events), str(out / f"file_{name}_{n}.html")],
                    cwd=tree, capture_output=True, text=True, check=True)
                times[name].append(float(res.stdout.strip().splitlines()[-1]))
        line = ", ".join(f"{name} ({tree}) median {statistics.median(times[name]):.2f} s "
                         f"[{' '.join(f'{t:.2f}' for t in times[name])}]" for name, tree in trees)
        print(f"n={n}: geomap map events.geojson, {repeats} runs each: {line}")
        sys.stdout.flush()
    return 0


_BUILD_PAGE = """
import sys
from pathlib import Path
# geomap and gazetteer of the tree (the cwd), imported before bench_map puts its own first
import gazetteer.model
from geomap.render import render_map
assert Path(render_map.__code__.co_filename).resolve().is_relative_to(Path.cwd().resolve())
sys.path.insert(1, sys.argv[3])  # this benchmark's synthetic()
from bench_map import synthetic
Path(sys.argv[2]).write_text(render_map(synthetic(int(sys.argv[1])), title="x"), encoding="utf-8")
"""


def browser_ab(sizes: list[int], out: Path, baseline: str, repeats: int) -> int:
    """Open the page of this checkout and of ``baseline`` in alternation, ``repeats`` times
    each, and print the medians (same measurements as the full run)."""
    import subprocess

    from playwright.sync_api import sync_playwright

    here = Path(__file__).resolve().parents[2]
    trees = [("this", here), ("baseline", Path(baseline).resolve())]
    keys = [("g_tti", "interactive"), ("g_ready", "ready"), ("g_popup_ms", "popup"),
            ("g_redraw", "redraw"), ("g_filter", "filter change"), ("g_slider", "time slider")]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for n in sizes:
            pages = {}
            for name, tree in trees:
                pages[name] = out / f"ab_{name}_{n}.html"
                subprocess.run([sys.executable, "-c", _BUILD_PAGE, str(n), str(pages[name]),
                                str(Path(__file__).resolve().parent)], cwd=tree, check=True)
            warm = browser.new_context()
            wpage = warm.new_page()
            wpage.goto(pages["this"].resolve().as_uri(), timeout=120000)
            wpage.wait_for_function("() => window.geomapReady === true", timeout=120000)
            warm.close()
            got: dict[str, list[dict]] = {name: [] for name, _ in trees}
            for _ in range(repeats):
                for name, _tree in trees:
                    ctx = browser.new_context(viewport={"width": 1200, "height": 800})
                    ctx.route("**/*", _offline)
                    ctx.add_init_script(FRAME_AFTER_LOAD)
                    page = ctx.new_page()
                    g = measure(page, pages[name], GEOMAP_POPUP, "() => window.geomapReady === true", 120)
                    flt = page.evaluate(FILTER)
                    got[name].append({"g_tti": g["t"], "g_ready": g["readyAt"], "g_popup_ms": g["popup"],
                                      "g_redraw": g["redraw_sync"], "drawn": g["drawn"],
                                      "popup_rows": g["popupEvents"],
                                      "g_filter": statistics.median(flt["type"]),
                                      "g_slider": statistics.median(flt["time"])})
                    ctx.close()
            size = {name: pages[name].stat().st_size for name, _ in trees}
            print(f"n={n}: {repeats} loads each, alternating, medians:")
            for name, tree in trees:
                runs = got[name]
                meds = ", ".join(f"{label} {fmt_ms(statistics.median(r[k] for r in runs))}"
                                 for k, label in keys)
                print(f"  {name:8s} ({tree}): {size[name] / 1e6:.1f} MB, {meds}; drawn "
                      f"{runs[0]['drawn']}, popup rows {runs[0]['popup_rows']}; interactive runs "
                      + " ".join(fmt_ms(r["g_tti"]) for r in runs))
            sys.stdout.flush()
        browser.close()
    return 0


def _offline(route) -> None:  # type: ignore[no-untyped-def]
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def measure(page, path: Path, popup_js: str, wait_js: str, timeout_s: float) -> dict:
    page.goto(path.resolve().as_uri(), wait_until="commit", timeout=timeout_s * 1000)
    page.wait_for_function(f"() => window.__benchFrameAt !== undefined && ({wait_js})",
                           timeout=timeout_s * 1000, polling=100)
    res = page.evaluate(popup_js)
    res["t"] = res["frameAt"] + res["popup"]
    red = page.evaluate(REDRAW, "x")
    res["redraw_sync"] = statistics.median(red["sync"])
    res["redraw_frame"] = statistics.median(red["framed"])
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--naive-max", type=int, default=10000,
                    help="largest size to try naive folium at (its build alone is ~0.7 ms/event)")
    ap.add_argument("--naive-timeout", type=float, default=120.0)
    ap.add_argument("--file-max", type=int, default=100000,
                    help="largest size to time 'geomap map events.geojson' at")
    ap.add_argument("--out", default="/tmp/geomap-bench")
    ap.add_argument("--file-only", action="store_true",
                    help="time only 'geomap map events.geojson' (no browser), at --sizes")
    ap.add_argument("--baseline", metavar="CHECKOUT",
                    help="also measure another checkout's geomap, alternating: its "
                         "'geomap map' build with --file-only, else its page in the browser")
    ap.add_argument("--repeats", type=int, default=5, help="with --baseline: runs per checkout")
    args = ap.parse_args()
    if args.file_only:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        return file_only([int(s) for s in args.sizes.split(",")], out, args.baseline, args.repeats)
    exe = chromium_path()
    if exe is None:
        print("no Chromium found (apt-get install chromium)")
        return 2
    if args.baseline:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        return browser_ab([int(s) for s in args.sizes.split(",")], out, args.baseline, args.repeats)
    from playwright.sync_api import TimeoutError as PwTimeout
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    empty = len(render_map(EventCollection(events=(), title="x")).encode())
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        # warm-up: the first page of a fresh browser pays for process start-up
        warm = out / "warmup.html"
        warm.write_text(render_map(synthetic(100), title="x"), encoding="utf-8")
        wctx = browser.new_context()
        wpage = wctx.new_page()
        wpage.goto(warm.resolve().as_uri())
        wpage.wait_for_function("() => window.geomapReady === true")
        wctx.close()
        for n in [int(s) for s in args.sizes.split(",")]:
            c = synthetic(n)
            text = own_text_bytes(c)
            t0 = time.perf_counter()
            page_html = render_map(c, title="x")
            build = time.perf_counter() - t0
            size = len(page_html.encode())
            g_path = out / f"geomap_{n}.html"
            g_path.write_text(page_html, encoding="utf-8")
            row = {"n": n, "g_build": build, "g_bytes": size,
                   "g_over": (size - empty - text) / n, "text": text / n}
            if n <= args.file_max:
                row["g_file"] = build_from_file(c, out)
            ctx = browser.new_context(viewport={"width": 1200, "height": 800})
            ctx.route("**/*", _offline)
            ctx.add_init_script(FRAME_AFTER_LOAD)
            page = ctx.new_page()
            g = measure(page, g_path, GEOMAP_POPUP, "() => window.geomapReady === true", 60)
            flt = page.evaluate(FILTER)
            g["filter"] = statistics.median(flt["type"])
            g["slider"] = statistics.median(flt["time"])
            ctx.close()
            row.update(g_tti=g["t"], g_ready=g["readyAt"], g_drawn=g["drawn"], g_popup=g["popupEvents"],
                       g_redraw=g["redraw_sync"], g_redraw_frame=g["redraw_frame"],
                       g_filter=g["filter"], g_slider=g["slider"])
            if n <= args.naive_max:
                t0 = time.perf_counter()
                naive_html = build_naive(c)
                row["f_build"] = time.perf_counter() - t0
                row["f_bytes"] = len(naive_html.encode())
                f_empty = len(build_naive(EventCollection(events=())).encode())
                row["f_over"] = (row["f_bytes"] - f_empty - text) / n
                f_path = out / f"naive_{n}.html"
                f_path.write_text(naive_html, encoding="utf-8")
                ctx = browser.new_context(viewport={"width": 1200, "height": 800})
                ctx.route("**/*", _offline)
                ctx.add_init_script(FRAME_AFTER_LOAD)
                page = ctx.new_page()
                try:
                    f = measure(page, f_path, NAIVE_POPUP,
                                f"document.querySelectorAll('.leaflet-marker-icon').length >= {n}",
                                args.naive_timeout)
                    row.update(f_tti=f["t"], f_drawn=f["drawn"], f_redraw=f["redraw_sync"],
                               f_redraw_frame=f["redraw_frame"])
                except PwTimeout:
                    row["f_tti"] = None
                    row["f_timeout"] = args.naive_timeout
                ctx.close()
            rows.append(row)
            print_row(row)
            sys.stdout.flush()
        browser.close()
    print()
    print_table(rows)
    return 0


def fmt_ms(x: float | None) -> str:
    return "-" if x is None else (f"{x / 1000:.2f} s" if x >= 1000 else f"{x:.1f} ms")


def print_row(r: dict) -> None:
    print(f"n={r['n']}: geomap build {r['g_build']:.2f} s, {r['g_bytes'] / 1e6:.2f} MB, "
          f"{r['g_over']:.1f} B/event overhead (quote {r['text']:.0f} B), "
          f"ready {fmt_ms(r['g_ready'])}, interactive {fmt_ms(r['g_tti'])} "
          f"(drawn {r['g_drawn']}, popup rows {r['g_popup']}), "
          f"redraw {fmt_ms(r['g_redraw'])} (to next frame {fmt_ms(r['g_redraw_frame'])}), "
          f"filter change {fmt_ms(r['g_filter'])}, time slider {fmt_ms(r['g_slider'])}"
          + (f", geomap map events.geojson {r['g_file']:.2f} s" if "g_file" in r else ""))
    if "f_build" in r:
        tti = fmt_ms(r.get("f_tti")) if r.get("f_tti") is not None else \
            f"did not become usable in {r['f_timeout']:.0f} s"
        print(f"        naive folium build {r['f_build']:.2f} s, {r['f_bytes'] / 1e6:.2f} MB, "
              f"{r['f_over']:.0f} B/event overhead, interactive {tti}, "
              f"redraw {fmt_ms(r.get('f_redraw'))} (to next frame {fmt_ms(r.get('f_redraw_frame'))})")


def print_table(rows: list[dict]) -> None:
    print("| events | build geomap / folium | geomap map events.geojson | "
          "B/event over text geomap / folium | "
          "interactive geomap / folium | redraw geomap / folium (sync, to frame) | "
          "filter change, time slider (to frame) | "
          "ratio interactive | ratio build | ratio bytes |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        f_tti = r.get("f_tti")
        naive = "f_build" in r
        ratio_tti = f"{f_tti / r['g_tti']:.0f}x" if f_tti else (
            f"> {r['f_timeout'] * 1000 / r['g_tti']:.0f}x" if naive else "naive skipped")
        print(
            f"| {r['n']:,} | {r['g_build']:.2f} s / "
            f"{(str(round(r['f_build'], 2)) + ' s') if naive else 'skipped'} | "
            f"{(format(r['g_file'], '.2f') + ' s') if 'g_file' in r else '-'} | "
            f"{r['g_over']:.1f} / {round(r['f_over']) if naive else '-'} | "
            f"{fmt_ms(r['g_tti'])} / {fmt_ms(f_tti) if naive else 'skipped'} | "
            f"{fmt_ms(r['g_redraw'])}, {fmt_ms(r['g_redraw_frame'])} / "
            f"{fmt_ms(r.get('f_redraw'))}, {fmt_ms(r.get('f_redraw_frame'))} | "
            f"{fmt_ms(r['g_filter'])}, {fmt_ms(r['g_slider'])} | {ratio_tti} | "
            f"{(str(round(r['f_build'] / r['g_build'])) + 'x') if naive else '-'} | "
            f"{(str(round(r['f_over'] / r['g_over'])) + 'x') if naive else '-'} |"
        )


if __name__ == "__main__":
    sys.exit(main())
