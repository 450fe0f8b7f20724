"""A hostile article through the real pipeline and CLI, opened in headless Chromium.

News text is untrusted: markup and script in an article must show as literal text in the
map's popups, and nothing may run.
"""
# ruff: noqa: F811  (fixtures imported from browser_support are used as parameters)

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser_support import (  # noqa: F401
    OfflinePage,
    chromium_browser,
    offline_page,
    symbol_popups,
)

from geomap.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.slow]

PAYLOADS = (
    "<img src=x onerror=window.__pwned_img=1>",
    "</script><script>window.__pwned_script=1</script>",
    "${window.__pwned_tpl=1}",
)


def _article() -> dict[str, Any]:
    text = (f"Thousands of protesters gathered in Nairobi on Friday chanting {PAYLOADS[0]} "
            f"outside parliament. Police arrested dozens of people in Mombasa on Thursday after "
            f"a rally where banners read {PAYLOADS[1]}. The governor arrived in Kisumu on "
            f"Saturday with a message: {PAYLOADS[2]}.")
    return {"id": "hostile-1", "text": text, "published": "2024-06-29",
            "source": "<b onmouseover=window.__pwned_src=1>Wire</b>",
            "url": "javascript:window.__pwned_link=1"}


def test_hostile_article_renders_inert(tmp_path: Path, offline_page: OfflinePage,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "hostile.jsonl"
    src.write_text(json.dumps(_article()) + "\n", encoding="utf-8")
    out = tmp_path / "hostile.html"
    assert main(["map", str(src), "-o", str(out)]) == 0
    assert "events" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    # The payloads never appear as live markup in the file.
    assert "<img src=x" not in html and "<script>window.__pwned" not in html

    page = offline_page.open_map(out)
    popups = symbol_popups(page)
    assert len(popups) >= 2, "the article names three cities with events"
    for _, hrefs in popups:
        assert not any(h.startswith("javascript:") for h in hrefs), hrefs
    text = "\n".join(t for t, _ in popups)
    shown = [p for p in PAYLOADS if p in text]
    assert len(shown) >= 2, f"payloads should show literally in popups; saw {text!r}"
    assert page.locator(".leaflet-popup-content img, .leaflet-popup-content b").count() == 0
    flags = page.evaluate("""() => ['__pwned_img', '__pwned_script', '__pwned_tpl',
                                     '__pwned_src', '__pwned_link'].filter(k => k in window)""")
    assert flags == [] and offline_page.dialogs == [] and offline_page.errors == []
