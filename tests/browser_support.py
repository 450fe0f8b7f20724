"""Browser fixtures for the map tests: real headless Chromium driven by playwright.

Skipped with a reason when Chromium or playwright is missing; under ``CI=true`` a missing
browser is a failure, so CI cannot pass without running them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI=true: {reason}")
    pytest.skip(reason)


_SHARED: dict[str, Any] = {}


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """One Chromium for the whole run.

    Each test module that imports this fixture gets its own session-scoped instance, but
    playwright's sync API allows one running instance per thread, so they share a
    reference-counted browser.
    """
    if _SHARED:
        _SHARED["users"] += 1
        try:
            yield _SHARED["browser"]
        finally:
            _SHARED["users"] -= 1
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    from geomap.render.png import CHROMIUM_ARGS, chromium_path

    exe = chromium_path()
    if exe is None:
        _unavailable("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        _SHARED.update(browser=browser, users=1)
        try:
            yield browser
        finally:
            _SHARED.clear()
            browser.close()


class OfflinePage:
    """A page whose non-file requests are aborted and recorded, and whose dialogs are caught."""

    def __init__(self, browser: Any, width: int = 1200, height: int = 800) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

        def route(r: Any) -> None:
            if r.request.url.startswith(("file:", "data:", "about:")):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._on_dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open_map(self, path: Path) -> Any:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("() => window.geomapReady === true", timeout=30_000)
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline_page(chromium_browser: Any) -> Iterator[OfflinePage]:
    p = OfflinePage(chromium_browser)
    yield p
    p.close()


def symbol_popups(page: Any) -> list[tuple[str, list[str]]]:
    """Open every symbol's popup in turn; return each popup's text and link targets."""
    api = "window.geomapMaps[0]"
    out = []
    for s in range(page.evaluate(f"{api}.symbolCount()")):
        page.evaluate(f"{api}.openSymbol({s})")
        page.wait_for_timeout(300)  # the previous popup fades out for 200 ms
        hrefs = page.eval_on_selector_all(".leaflet-popup-content a", "as => as.map(a => a.href)")
        out.append((page.inner_text(".leaflet-popup-content"), hrefs))
    return out
