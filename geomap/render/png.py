"""PNG export of a map page with headless Chromium (Debian's ``/usr/bin/chromium``)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.errors import InputError, OutputError

if TYPE_CHECKING:
    from geomap.types import EventCollection

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The Chromium executable to drive: ``$GEOMAP_CHROMIUM``, /usr/bin/chromium, or on PATH."""
    for candidate in (os.environ.get("GEOMAP_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch_chromium(playwright: Any) -> Any:
    exe = chromium_path()
    if exe is None:
        raise OutputError("PNG export needs Chromium: install it with 'apt-get install chromium'")
    return playwright.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)


def render_png(
    html_path_or_collection: str | Path | EventCollection,
    png_path: str | Path,
    *,
    width: int = 1200,
    height: int = 800,
    timeout_s: float = 60.0,
    allow_network: bool = False,
) -> Path:
    """Screenshot a map page (an HTML file, or an event collection rendered first) to a PNG.

    The page is loaded from a file with network requests blocked unless ``allow_network``
    (set it for maps with online tiles). Written atomically; raises
    :class:`~geomap.errors.OutputError` when Chromium or playwright is missing or the page
    never reports that it is drawn.
    """
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        # playwright's sync API refuses to run under an event loop (Jupyter, or another
        # playwright session in this thread): do the work in a thread of its own
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(
                render_png,
                html_path_or_collection,
                png_path,
                width=width,
                height=height,
                timeout_s=timeout_s,
                allow_network=allow_network,
            ).result()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise OutputError("PNG export needs playwright: pip install playwright") from None
    from geomap.io import atomic_writer, check_writable, write_text_atomic
    from geomap.render.page import render_page
    from geomap.types import EventCollection

    out = Path(png_path)
    check_writable(out)  # fail before spending seconds on Chromium
    with tempfile.TemporaryDirectory(prefix="geomap-png-") as tmp:
        if isinstance(html_path_or_collection, EventCollection):
            page_path = Path(tmp, "map.html")
            write_text_atomic(page_path, render_page(html_path_or_collection))
        else:
            page_path = Path(html_path_or_collection)
            if not page_path.is_file():
                raise InputError(f"{page_path}: no such map file")
        shot = Path(tmp, "shot.png")
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                try:
                    page = browser.new_page(viewport={"width": width, "height": height})
                    if not allow_network:
                        page.route(
                            "**/*",
                            lambda route: route.continue_()
                            if route.request.url.startswith(("file:", "data:"))
                            else route.abort(),
                        )
                    page.goto(page_path.resolve().as_uri(), wait_until="load")
                    # a function, not an expression string: playwright polls expression
                    # strings through eval(), which the page's CSP forbids
                    page.wait_for_function(
                        "() => window.geomapReady === true", timeout=timeout_s * 1000
                    )
                    if allow_network:
                        # tiles that never arrive still leave the outlines
                        with contextlib.suppress(PlaywrightError):
                            page.wait_for_load_state("networkidle", timeout=10_000)
                    page.screenshot(path=str(shot))
                finally:
                    browser.close()
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise OutputError(f"PNG export failed: {first}") from None
        with atomic_writer(out, binary=True) as fh:
            fh.write(shot.read_bytes())
    return out


