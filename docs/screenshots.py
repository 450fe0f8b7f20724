"""The README's map screenshots, taken in headless Chromium (playwright, /usr/bin/chromium).

Run from the repository after writing the maps (see the README's "Reading the map"):

    python -m geomap map examples/black_sea.jsonl -o maps/black_sea.html
    python -m geomap extract examples/black_sea.jsonl -o maps/black_sea.geojson
    python -m geomap extract examples/black_sea_day2.jsonl -o maps/black_sea_day2.geojson
    python -m geomap map --compare maps/black_sea.geojson maps/black_sea_day2.geojson \\
        -o maps/black_sea_changes.html
    python -m geomap map maps/black_sea.geojson --embed -o maps/black_sea_embed.html
    python docs/screenshots.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
MAPS = ROOT / "maps"
DOCS = ROOT / "docs"


def _open(browser, path: Path, width: int, height: int, hash_: str = ""):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
               else r.abort())
    page.goto(path.as_uri() + hash_)
    page.wait_for_function("() => window.geomapReady === true")
    return page


def main() -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        # reading the map: the table open, one event's popup
        page = _open(browser, MAPS / "black_sea.html", 1280, 800)
        page.locator(".geomap-table-toggle").click()
        page.locator(".geomap-table tbody tr").first.click()
        page.wait_for_timeout(600)
        page.screenshot(path=str(DOCS / "map-reading.png"))
        page.close()
        # comparing two runs: the table sorted by change
        page = _open(browser, MAPS / "black_sea_changes.html", 1280, 800)
        page.locator(".geomap-table-toggle").click()
        page.locator(".geomap-sort", has_text="Change").click()
        page.wait_for_timeout(300)
        page.screenshot(path=str(DOCS / "map-compare.png"))
        page.close()
        # embedding: a report with the map in a 350-pixel frame
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp, "report.html")
            embed = (MAPS / "black_sea_embed.html").resolve().as_uri()
            report.write_text(
                "<!DOCTYPE html><html><body style='font:16px Georgia,serif;margin:24px;"
                "max-width:760px'><h2>Weekly brief: Black Sea</h2><p>Drone strikes hit "
                "both shores this week; the map lists every event the articles report.</p>"
                f"<iframe src='{embed}' width='350' height='420' title='Black Sea events' "
                "style='border:1px solid #ccc;float:right;margin-left:16px'></iframe>"
                "<p>Click the map to zoom with the wheel; until then the wheel scrolls this "
                "page. The legend is folded in a narrow frame: the ☰ button opens it.</p>"
                "</body></html>", encoding="utf-8")
            page = browser.new_page(viewport={"width": 800, "height": 560})
            page.goto(report.as_uri())
            frame = page.frame_locator("iframe")
            frame.locator(".geomap-legend").wait_for()
            page.wait_for_timeout(800)
            page.screenshot(path=str(DOCS / "map-embed.png"))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
