"""Unit tests of the compare map's matching, and of the palette under colour-blindness."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import re

from render_fixtures import DAMASCUS, MOSCOW, seed_like

from gazetteer.model import Place
from geomap.render.compare import compare_counts, match_runs, render_compare
from geomap.render.data import DEFAULT_COLORS, DEFAULT_SHAPES
from geomap.types import Actor, EventCollection

BASE = seed_like().events[1]  # Protests in Damascus on 2024-12-08


def _moved(km_north: float) -> Place:
    return Place("x:moved", "Nearby", DAMASCUS.lat + km_north / 111.2, DAMASCUS.lon,
                 country_code="SY")


def test_same_type_close_in_space_and_time_is_the_same_event() -> None:
    near = dataclasses.replace(BASE, place=_moved(20), event_id="other id")
    (c,) = match_runs([BASE], [near])
    assert c.status == "changed" and c.fields == (("place", "Damascus", "Nearby"),)
    next_day = dataclasses.replace(BASE, date=BASE.date + dt.timedelta(days=1))
    assert [c.status for c in match_runs([BASE], [next_day])] == ["changed"]
    assert [c.status for c in match_runs([BASE], [BASE])] == ["unchanged"]


def test_too_far_too_late_or_another_type_do_not_match() -> None:
    for new in (dataclasses.replace(BASE, place=_moved(30)),
                dataclasses.replace(BASE, date=BASE.date + dt.timedelta(days=2)),
                dataclasses.replace(BASE, event_type="Riots"),
                dataclasses.replace(BASE, date=None)):
        assert sorted(c.status for c in match_runs([BASE], [new])) == ["added", "removed"]


def test_closest_pairs_match_first_and_fields_are_listed() -> None:
    far = dataclasses.replace(BASE, place=_moved(15), actors=(Actor("Crowd", "actor"),))
    near = dataclasses.replace(BASE, sub_event_type="Protest with intervention")
    changes = match_runs([BASE], [far, near])
    assert [c.status for c in changes] == ["added", "changed"]
    assert changes[1].fields == (("sub-type", "Peaceful protest", "Protest with intervention"),)
    assert compare_counts(changes) == {"unchanged": 0, "added": 1, "removed": 0, "changed": 1}
    moved = dataclasses.replace(BASE, place=MOSCOW)
    assert [c.status for c in match_runs([BASE, moved], [moved])] == ["unchanged", "removed"]


def test_compare_page_is_deterministic_and_carries_the_changes() -> None:
    old = seed_like()
    new = EventCollection(old.events[1:], title="new")
    html = render_compare(old, new)
    assert html == render_compare(old, new)
    assert re.search(r'"counts":\{"unchanged":3,"added":0,"removed":1,"changed":0\}', html)


def _deuteranope(color: str) -> list[float]:
    # Machado, Oliveira & Fernandes (2009), deuteranopia at severity 1, on linear RGB
    m = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
         (-0.011820, 0.042940, 0.968881))
    rgb = []
    for i in (1, 3, 5):
        c = int(color[i:i + 2], 16) / 255
        rgb.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return [sum(row[k] * rgb[k] for k in range(3)) for row in m]


def test_palette_is_told_apart_by_deuteranopes_and_shapes_back_it_up() -> None:
    def dist(a: str, b: str) -> float:
        return math.dist(_deuteranope(a), _deuteranope(b))

    old = dist("#d62728", "#2ca02c")  # the palette before: Battles red, Protests green
    new = dist(DEFAULT_COLORS["Battles"], DEFAULT_COLORS["Protests"])
    assert new > 0.15 and new > 2.5 * old
    assert len(set(DEFAULT_SHAPES.values())) == len(DEFAULT_SHAPES) == len(DEFAULT_COLORS)
    for a, b in itertools.combinations(DEFAULT_COLORS, 2):
        assert dist(DEFAULT_COLORS[a], DEFAULT_COLORS[b]) > 0.1 or \
            DEFAULT_SHAPES[a] != DEFAULT_SHAPES[b]
