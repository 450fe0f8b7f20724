"""The reference text through the whole pipeline onto the map, checked in headless Chromium.

Issue 8: ``geomap map`` on the reference text shows an arc from Syria/Damascus to Moscow
and filters by type.
"""
# ruff: noqa: F811  (fixtures imported from browser_support are used as parameters)

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import OfflinePage, chromium_browser, offline_page  # noqa: F401

from geomap.render import save_map

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.slow]
API = "window.geomapMaps[0]"


@pytest.fixture(scope="module")
def seed_collection(seed_path: Path, pipeline: Any) -> Any:
    from geomap.api import process

    return process([seed_path.read_text(encoding="utf-8")], published="2024-12-08",
                   pipeline=pipeline, title="Reference text")


def test_seed_map_arc_to_moscow_and_type_filter(
    seed_collection: Any, offline_page: OfflinePage, tmp_path: Path
) -> None:
    moves = [e for e in seed_collection.events
             if e.origin is not None and e.place.name == "Moscow"]
    assert moves, "the pipeline found no movement to Moscow with an origin"
    assert all(e.origin.country_code == "SY" for e in moves)
    path = save_map(seed_collection, tmp_path / "seed.html")
    page = offline_page.open_map(path)
    # the old basing agreement is background: off the map by default
    shown = [i for i, e in enumerate(seed_collection.events) if e.modality == "asserted"]
    assert page.evaluate(f"{API}.drawnCount()") == len(shown)
    assert page.evaluate(f"{API}.arcCount()") >= 1
    page.evaluate(f"{API}.openArc(0)")
    page.wait_for_timeout(300)
    head = page.inner_text(".leaflet-popup-content .geomap-place")
    assert head.endswith("→ Moscow")
    # hiding Movement removes its marker and its arc
    legend = page.locator(".geomap-types > .geomap-row .geomap-toggle",
                          has=page.locator(".geomap-name", has_text="Movement")).first
    legend.click()
    assert page.evaluate(f"{API}.arcCount()") == 0
    kept = [i for i in shown if seed_collection.events[i].event_type != "Movement"]
    assert page.evaluate(f"{API}.drawnEvents()") == kept
    assert offline_page.blocked == [] and offline_page.errors == []
