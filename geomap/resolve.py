"""Choosing, for each place mention, the gazetteer place it refers to.

The resolver scores every candidate of a mention from features (how well the name matched,
how important the place is, whether its country is the document's, whether the text puts it
inside another mentioned place) and keeps the best, with a confidence in [0, 1].
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from geomap.types import Mention, ResolvedPlace

if TYPE_CHECKING:
    from gazetteer import Gazetteer, Match, Place

MATCH_QUALITY = {"exact": 1.0, "alternate": 0.95, "abbreviation": 0.95, "folded": 0.9,
                 "demonym": 0.85, "fuzzy": 0.5}
FEATURE_BONUS = {"PCLI": 0.9, "PCLD": 0.6, "PCLS": 0.6, "PCLIX": 0.6, "PCL": 0.6, "PCLF": 0.5,
                 "CONT": 0.6, "RGN": 0.3, "ADM1": 0.45, "PPLC": 0.5, "PPLA": 0.25, "PPLA2": 0.1}
#: "X, located in Y", "X in Y", "X, Y" — a place followed by the place that contains it.
CONTAINMENT = re.compile(r"^\s*(?:,\s*(?:located |situated |which is )?(?:in |near )?|\s+in\s+|\s+near\s+)"
                         r"(?:the\s+)?$")
CONTAINMENT_WINDOW = 40
NEAR_KM = 250.0


class Resolver(Protocol):
    """What the pipeline needs from a resolver: mentions of one document in, resolutions out."""

    def resolve(self, mentions: Sequence[Mention], *, text: str) -> list[ResolvedPlace]: ...


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km.

    >>> round(haversine_km(33.51, 36.29, 55.75, 37.62))
    2470
    """
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def prior(place: Place) -> float:
    """How likely a news text means this place, before reading the text (0 … ~1.6)."""
    pop = min(math.log10(place.population + 1) / 7.0, 1.0)
    bonus = FEATURE_BONUS.get(place.feature_code, 0.0)
    if place.feature_class == "S" and place.source.startswith("curated"):
        bonus = max(bonus, 0.7)
    return pop + bonus


def contains(outer: Place, inner: Place) -> bool:
    """Whether ``outer`` plausibly contains ``inner`` (country, region or nearby city)."""
    if outer.place_id == inner.place_id:
        return False
    if outer.feature_code.startswith("PCL"):
        return bool(outer.country_code) and outer.country_code == inner.country_code
    if outer.feature_code == "ADM1" and outer.admin1 and outer.country_code == inner.country_code:
        return outer.admin1 == inner.admin1 or haversine_km(outer.lat, outer.lon, inner.lat, inner.lon) < 150
    return haversine_km(outer.lat, outer.lon, inner.lat, inner.lon) < 60


@dataclass(frozen=True, slots=True)
class ContextResolver:
    """Feature-based resolver using the document's other mentions as context."""

    gazetteer: Gazetteer
    candidates_per_mention: int = 12
    min_confidence: float = 0.0

    def _candidates(self, surface: str) -> list[Match]:
        return list(self.gazetteer.lookup(surface, limit=self.candidates_per_mention))

    def resolve(self, mentions: Sequence[Mention], *, text: str) -> list[ResolvedPlace]:
        by_surface: dict[str, list[Match]] = {}
        for m in mentions:
            if m.surface not in by_surface:
                by_surface[m.surface] = self._candidates(m.surface)
        # Document context: countries of confidently named places (a mention whose best
        # candidate by prior is a country, or whose candidates all share one country).
        context = Counter[str]()
        anchors: list[Place] = []
        for cands in by_surface.values():
            if not cands:
                continue
            best = max(cands, key=lambda c: MATCH_QUALITY.get(c.match_type, 0.5) * c.score + prior(c.place))
            countries = {c.place.country_code for c in cands if c.place.country_code}
            if best.place.feature_code.startswith("PCL") or len(countries) == 1:
                context[best.place.country_code] += 1
                anchors.append(best.place)
        containers = [self._container(m, mentions, i, text, by_surface) for i, m in enumerate(mentions)]
        # Mentions with a containment cue ("Paris, Texas") go first, so that their reading
        # becomes the document's sense of that name (one sense per discourse).
        order = sorted(range(len(mentions)), key=lambda i: (containers[i] is None, i))
        results: dict[int, ResolvedPlace] = {}
        chosen_by_surface: dict[str, ResolvedPlace] = {}
        for i in order:
            m, container = mentions[i], containers[i]
            cands = by_surface[m.surface]
            if not cands:
                results[i] = ResolvedPlace(m, None, 0.0, reason="no gazetteer entry for this name")
                continue
            if container is None and m.surface in chosen_by_surface:
                prev = chosen_by_surface[m.surface]
                results[i] = ResolvedPlace(m, prev.place, prev.score)
                continue
            scored = []
            for c in cands:
                s = MATCH_QUALITY.get(c.match_type, 0.5) * c.score + prior(c.place)
                if c.place.country_code and context:
                    s += 0.6 * context[c.place.country_code] / max(context.values())
                if container is not None and contains(container, c.place):
                    s += 1.5
                if len(anchors) > 1 and c.place.feature_class != "A":
                    near = min((haversine_km(a.lat, a.lon, c.place.lat, c.place.lon) for a in anchors
                                if a.place_id != c.place.place_id), default=NEAR_KM)
                    if near < NEAR_KM:
                        s += 0.3 * (1 - near / NEAR_KM)
                scored.append((s, c.place.place_id, c))
            scored.sort(key=lambda t: (-t[0], t[1]))
            top = scored[0]
            margin = top[0] - scored[1][0] if len(scored) > 1 else 1.0
            confidence = max(0.0, min(1.0, 0.5 + margin / 2)) * MATCH_QUALITY.get(top[2].match_type, 0.5)
            rp = ResolvedPlace(m, top[2].place, round(confidence, 4))
            results[i] = rp
            chosen_by_surface.setdefault(m.surface, rp)
        return [results[i] for i in range(len(mentions))]

    def _container(self, m: Mention, mentions: Sequence[Mention], i: int, text: str,
                   by_surface: dict[str, list[Match]]) -> Place | None:
        """The place that the text says contains mention ``i`` ("X, located in Y"), if any."""
        for nxt in mentions[i + 1: i + 3]:
            gap = text[m.end:nxt.start]
            if len(gap) > CONTAINMENT_WINDOW or not CONTAINMENT.match(gap):
                continue
            cands = by_surface.get(nxt.surface) or []
            if cands:
                return max(cands, key=lambda c: MATCH_QUALITY.get(c.match_type, 0.5) + prior(c.place)).place
        return None


def resolve_mentions(mentions: Sequence[Mention], *, text: str, gazetteer: Gazetteer) -> list[ResolvedPlace]:
    """Resolve the mentions of one document with the default :class:`ContextResolver`."""
    return ContextResolver(gazetteer).resolve(mentions, text=text)
