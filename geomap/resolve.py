"""Choosing, for each place mention, the gazetteer place it refers to.

The resolver scores every candidate of a mention with a linear model over features — how well
the name matched, how important the place is (population, country / first-level division /
capital), whether its country and region are the document's, whether the text puts it inside
another mentioned place ("Paris, Texas"; "Hmeimim, located in Latakia"), how close it is to the
document's other places — keeps the best, and reports a confidence in [0, 1] (the softmax
probability of the chosen candidate). A name is read the same way throughout a document (one
sense per discourse) unless a containment cue says otherwise.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from gazetteer.geometry import distance_km as haversine_km
from gazetteer.geometry import plausibly_contains
from gazetteer.model import Match
from gazetteer.text import fold
from geomap.lexicon import GENERIC_WORDS
from geomap.types import Mention, ResolvedPlace

if TYPE_CHECKING:
    from gazetteer import Gazetteer, Place

MATCH_QUALITY = {"exact": 1.0, "alternate": 0.85, "abbreviation": 0.95, "folded": 0.8,
                 "demonym": 0.9, "fuzzy": 0.3, "bare county": 0.6}
#: Importance of administrative and named regions, on the scale of log10(population) / 7.
LEVEL_IMPORTANCE = {"PCLI": 1.35, "PCLD": 1.1, "PCLS": 1.1, "PCLIX": 1.1, "PCL": 1.1, "PCLF": 1.0,
                    "TERR": 1.0, "CONT": 1.2, "RGN": 1.0, "ADM1": 1.05, "ADM2": 0.75}
CITY_BONUS = {"PPLC": 0.3, "PPLA": 0.12, "PPLA2": 0.04}
#: "X, located in Y", "X in Y", "X, Y", "X near Y" — a place followed by the place containing it.
CONTAINMENT = re.compile(r"^\s*(?:,\s*(?:located |situated |which is |just )?(?:in |near |outside )?"
                         r"|\s+(?:in|near|outside of|outside)\s+)(?:the\s+)?$")
CONTAINMENT_WINDOW = 40
EPONYM_MIN_POPULATION = 50_000
#: How far a province's same-named seat outranks the province without context.
EPONYM_MARGIN = 0.15
NEAR_KM = 400.0
#: A fuzzy name match this close is accepted anywhere; weaker ones only in the article's countries.
FUZZY_ACCEPT_SCORE = 0.9
#: AP-style abbreviations of US states, common in US news ("Kan.", "W.Va.").
US_STATE_ABBREVIATIONS = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida",
    "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas", "Kans.": "Kansas",
    "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts",
    "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nebr.": "Nebraska", "Nev.": "Nevada",
    "N.H.": "New Hampshire", "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York",
    "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon",
    "Pa.": "Pennsylvania", "R.I.": "Rhode Island", "S.C.": "South Carolina",
    "S.D.": "South Dakota", "Tenn.": "Tennessee", "Tex.": "Texas", "Vt.": "Vermont",
    "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia", "W. Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wisc.": "Wisconsin", "Wyo.": "Wyoming", "D.C.": "District of Columbia",
}
_QUALIFIERS = re.compile(r"^(?:north|south|east|west|northeast|northwest|southeast|southwest|"
                         r"north-east|north-west|south-east|south-west|central|northern|southern|"
                         r"eastern|western|upper|lower|greater|downtown|metro|metropolitan|"
                         r"inner|outer|rural|suburban|mid|coastal|historic)\s+"
                         # "Town of Groton", "the City of Atlanta": the place itself
                         r"|^(?:the\s+)?(?:city|town|village|borough|township|county|state)\s+of\s+",
                         re.IGNORECASE)
#: An adjective made from a place name ending in -ia/-ea plus "n": Ossetia-n, Crimea-n, Korea-n
#: (not any name that ends in -an: "Susan" is not of a place "Susa").
_ADJECTIVE_OF_PLACE = re.compile(r"^([A-Z][\w' -]*[ie]a)ns?$")
_GENERIC_TAIL = re.compile(r"\s+(?:city|village|town|township|area|region|province|governorate|"
                           r"state|district|municipality|metro area|county|parish|borough)$",
                           re.IGNORECASE)


class Resolver(Protocol):
    """What the pipeline needs from a resolver: mentions of one document in, resolutions out."""

    def resolve(self, mentions: Sequence[Mention], *, text: str) -> list[ResolvedPlace]: ...


def importance(place: Place) -> float:
    """How likely a news text means this place before reading the text (about 0 … 1.6).

    Cities score log10(population) / 7 plus a bonus for capitals; countries, regions and
    first-level divisions score by level (their population is often unknown).
    """
    code = place.feature_code
    if code in LEVEL_IMPORTANCE:
        return LEVEL_IMPORTANCE[code]
    if place.feature_class == "S" and place.source.startswith("curated"):
        return 1.0
    pop = min(math.log10(place.population + 1) / 7.0, 1.1)
    return pop + CITY_BONUS.get(code, 0.0)


#: Weights of the linear candidate score (features are described in :class:`ContextResolver`).
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "match": 1.0, "importance": 1.0, "country": 1.1, "admin1": 0.6, "contained": 2.0,
    "near": 0.5, "mentioned_country": 0.4,
}


@dataclass(frozen=True, slots=True)
class _Cand:
    match: Match
    base: float  # name quality + importance


@dataclass(frozen=True)
class ContextResolver:
    """Feature-based resolver using the document's other mentions as context.

    Features of a candidate place for a mention:

    ``match``       quality of the name match (exact > alternate > folded > fuzzy)
    ``importance``  :func:`importance` (population, capital, administrative level)
    ``country``     share of the document's other names that have a reading in this country
    ``admin1``      the same for the first-level division (state, province)
    ``contained``   the text puts the mention inside another place that contains it
    ``near``        closeness to the places chosen for the document's other names
    ``mentioned_country``  the document names the candidate's country itself

    A fuzzy (misspelling-tolerant) match scoring below ``FUZZY_ACCEPT_SCORE`` is accepted only
    in a country of the article's other, non-fuzzy names; otherwise the mention stays
    unresolved with a reason.
    """

    gazetteer: Gazetteer
    candidates_per_mention: int = 20
    min_confidence: float = 0.0
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    # -- candidates -----------------------------------------------------------------------
    def candidates(self, mention: Mention) -> list[Match]:
        """Gazetteer candidates of a mention, with fall-backs for names it lacks as written."""
        surface = mention.surface
        if mention.label == "NORP":
            found = [m for m in self.gazetteer.lookup(surface, fuzzy=False, limit=5)
                     if m.match_type == "demonym" or m.place.feature_class in ("A", "L")]
            if found:
                return found
        found = list(self.gazetteer.lookup(surface, limit=self.candidates_per_mention))
        state = US_STATE_ABBREVIATIONS.get(surface) or US_STATE_ABBREVIATIONS.get(
            surface.replace(" ", "") + ("" if surface.endswith(".") else "."))
        if state:
            states = [Match(m.place, surface, "abbreviation", m.score) for m in self.gazetteer.lookup(
                state, country="US", feature_class="A", fuzzy=False, limit=2)]
            return states + [m for m in found if m.match_type in ("exact", "abbreviation")]
        if found and found[0].match_type != "fuzzy":
            return found + self._bare_county(surface, found)
        variants: list[tuple[str, str | None, str | None]] = []
        stripped = _QUALIFIERS.sub("", surface)
        if stripped != surface:
            variants.append((stripped, None, None))
        tail = _GENERIC_TAIL.sub("", surface)
        if tail != surface:
            variants.append((tail, None, None))
        for name, cc, fcl in variants:
            alt = self.gazetteer.lookup(name, country=cc, feature_class=fcl, fuzzy=False,
                                        limit=self.candidates_per_mention)
            if alt:
                return [m if m.match_type != "exact" else _as_variant(m) for m in alt]
        adjectival = _ADJECTIVE_OF_PLACE.match(surface)
        if adjectival and not any(m.match_type != "fuzzy" for m in found):
            # "South Ossetian", "Crimean", "Siberian": the adjective of a region or country
            # that the demonym table lacks is the region's name plus "-n".
            alt = [m for m in self.gazetteer.lookup(adjectival.group(1), feature_class=("A", "L"),
                                                    fuzzy=False, limit=3)
                   if m.match_type == "exact"]
            if alt:
                return [Match(m.place, surface, "demonym", m.score) for m in alt]
        if not found or found[0].match_type == "fuzzy":
            # "Newark Live Bait", "Henderson County Sheriff's Department": the place that
            # opens a longer name.
            words = surface.split()
            for k in range(len(words) - 1, 0, -1):
                head = " ".join(words[:k])
                if k == 1 and head.lower() in GENERIC_WORDS:
                    break
                alt = [m for m in self.gazetteer.lookup(head, fuzzy=False,
                                                        limit=self.candidates_per_mention)
                       if m.match_type in ("exact", "abbreviation", "demonym")]
                if alt:
                    return [_as_variant(m) if m.match_type == "exact" else m for m in alt]
        return found

    def _bare_county(self, surface: str, found: Sequence[Match]) -> list[Match]:
        """"DeKalb" for DeKalb County: local news names counties without the word "County".

        Offered as a weak reading (match quality "bare county"), so it wins only where the
        article's state or neighbours point to it.
        """
        if not surface[:1].isupper() or " " in surface.strip() or _GENERIC_TAIL.search(surface):
            return []
        have = {m.place.place_id for m in found}
        return [Match(m.place, surface, "bare county", m.score) for m in self.gazetteer.lookup(
            f"{surface} County", feature_class="A", fuzzy=False, limit=3)
            if m.match_type == "exact" and m.place.feature_code == "ADM2"
            and m.place.place_id not in have]

    # -- resolution -----------------------------------------------------------------------
    def resolve(self, mentions: Sequence[Mention], *, text: str) -> list[ResolvedPlace]:
        if not mentions:
            return []
        w = self.weights
        by_key: dict[tuple[str, str], list[_Cand]] = {}
        for m in mentions:
            key = (m.surface, m.label)
            if key not in by_key:
                by_key[key] = self._base_scores(self.candidates(m))
        # Context: for every distinct name, which countries and regions its readings are in,
        # weighted by how plausible each reading is on its own (softmax of the base score).
        country_of: dict[tuple[str, str], dict[str, float]] = {}
        admin_of: dict[tuple[str, str], dict[tuple[str, str], float]] = {}
        named_countries: set[str] = set()
        for key, cands in by_key.items():
            probs = _softmax([c.base for c in cands], temperature=0.35)
            cc: dict[str, float] = defaultdict(float)
            a1: dict[tuple[str, str], float] = defaultdict(float)
            for c, p in zip(cands, probs, strict=True):
                place = c.match.place
                if place.country_code:
                    cc[place.country_code] += p
                    if place.admin1:
                        a1[(place.country_code, place.admin1)] += p
            country_of[key], admin_of[key] = cc, a1
            if cands and probs[0] > 0.5 and cands[0].match.place.feature_code.startswith("PCL"):
                named_countries.add(cands[0].match.place.country_code)
        total_cc: Counter[str] = Counter()
        total_a1: Counter[tuple[str, str]] = Counter()
        for key in by_key:
            total_cc.update(country_of[key])
            total_a1.update(admin_of[key])
        n_keys = len(by_key)

        containers = [self._container(m, mentions, i, text, by_key) for i, m in enumerate(mentions)]

        def score(key: tuple[str, str], c: _Cand, container: Place | None,
                  chosen: Mapping[tuple[str, str], Place] | None) -> float:
            place = c.match.place
            s = c.base
            if n_keys > 1 and place.country_code:
                own = country_of[key].get(place.country_code, 0.0)
                s += w["country"] * (total_cc[place.country_code] - own) / (n_keys - 1)
                if place.admin1:
                    k = (place.country_code, place.admin1)
                    s += w["admin1"] * (total_a1[k] - admin_of[key].get(k, 0.0)) / (n_keys - 1)
                if place.country_code in named_countries and not place.feature_code.startswith("PCL"):
                    s += w["mentioned_country"]
            if container is not None and plausibly_contains(container, place):
                s += w["contained"]
            if chosen:
                others = [p for k, p in chosen.items() if k != key and p.place_id != place.place_id
                          and not p.feature_code.startswith("PCL")
                          and p.feature_code not in ("CONT", "RGN")]
                if others:
                    near = min(haversine_km(p.lat, p.lon, place.lat, place.lon) for p in others)
                    s += w["near"] * max(0.0, 1.0 - near / NEAR_KM)
            return s

        # Pass 1 without proximity; pass 2 with proximity to the other names' pass-1 choices.
        chosen: dict[tuple[str, str], Place] = {}
        for key, cands in by_key.items():
            if cands:
                chosen[key] = max(cands, key=lambda c: (score(key, c, None, None),
                                                        c.match.place.place_id)).match.place
        # The countries the article is about: those of its confidently matched names.
        context_countries = set(named_countries) | {
            chosen[key].country_code for key, cands in by_key.items()
            if key in chosen and chosen[key].country_code
            and any(c.match.match_type != "fuzzy" and c.match.place == chosen[key] for c in cands)}
        order = sorted(range(len(mentions)), key=lambda i: (containers[i] is None, i))
        results: dict[int, ResolvedPlace] = {}
        sense: dict[tuple[str, str], ResolvedPlace] = {}
        for i in order:
            m, container = mentions[i], containers[i]
            key = (m.surface, m.label)
            cands = by_key[key]
            if not cands:
                results[i] = ResolvedPlace(m, None, 0.0, reason="no gazetteer entry for this name")
                continue
            if container is None and key in sense:
                prev = sense[key]
                results[i] = ResolvedPlace(m, prev.place, prev.score)
                continue
            scored = sorted(((score(key, c, container, chosen), c.match.place.place_id, c)
                             for c in cands), key=lambda t: (-t[0], t[1]))
            probs = _softmax([t[0] for t in scored], temperature=0.25)
            top = scored[0][2]
            confidence = round(probs[0] * min(1.0, MATCH_QUALITY.get(top.match.match_type, 0.5)
                                              * top.match.score / 0.8), 4)
            if (top.match.match_type == "fuzzy" and top.match.score < FUZZY_ACCEPT_SCORE
                    and top.match.place.country_code not in context_countries):
                # A spelling near-miss far from the story ("Koulouba" → Koulouan, Côte
                # d'Ivoire) misplaces the event; unresolved is the honest answer.
                results[i] = ResolvedPlace(
                    m, None, 0.0, reason=f"only a fuzzy match ({top.match.place.name}, "
                                         f"{top.match.place.country_code or '?'}, "
                                         f"{top.match.score:.2f}) outside the article's countries")
                continue
            if confidence < self.min_confidence:
                results[i] = ResolvedPlace(m, None, confidence,
                                           reason=f"no reading is confident enough "
                                                  f"(best {top.match.place.name}, {confidence:.2f})")
                continue
            rp = ResolvedPlace(m, top.match.place, confidence)
            results[i] = rp
            sense.setdefault(key, rp)
        return [results[i] for i in range(len(mentions))]

    def _base_scores(self, matches: Sequence[Match]) -> list[_Cand]:
        w = self.weights
        # A province and its same-named capital ("Latakia", "Aleppo"): news means the city
        # unless the text says "province"; the capital inherits the province's weight and the
        # quality of the province's name match (the name is the province's own even where the
        # gazetteer lists it only as the city's alternate name: "Chittagong" for Chattogram).
        regions: dict[tuple[str, str], float] = {}
        provinces: set[tuple[str, str]] = set()
        for m in matches:
            if m.place.feature_code in ("ADM1", "ADM2") and m.place.admin1:
                k = (m.place.country_code, m.place.admin1)
                regions[k] = max(regions.get(k, 0.0), _quality(m))
                if m.place.feature_code == "ADM1":
                    provinces.add(k)
        cities = [m for m in matches if m.place.feature_class == "P" and m.match_type != "fuzzy"
                  and m.place.population >= EPONYM_MIN_POPULATION]
        out = []
        for c in matches:
            imp, quality = importance(c.place), _quality(c)
            place = c.place
            if (place.feature_class == "P" and place.population >= EPONYM_MIN_POPULATION
                    and (place.country_code, place.admin1) in regions):
                k = (place.country_code, place.admin1)
                if _extends(place.name, c.matched_name):
                    # "New York City", "Oklahoma City": the city's own name sets it apart,
                    # so the bare name leans to the region.
                    imp = max(imp, LEVEL_IMPORTANCE["ADM1"] + 0.05)
                elif k in provinces:
                    imp = max(imp, LEVEL_IMPORTANCE["ADM1"] + EPONYM_MARGIN)
                    quality = max(quality, regions[k])
                else:
                    # A county named like its town (Arlington County, Virginia) lends the
                    # town its name match, not a province's weight: a larger namesake
                    # elsewhere (Arlington, Texas) still wins without context.
                    quality = max(quality, regions[k])
            elif place.feature_code in ("ADM1", "ADM2") and place.population > 0:
                # A region's flat level weight must not beat a more populous same-named city
                # in another country (Gaza Province, Mozambique vs. Gaza): without context the
                # city is meant; the country and containment features can still pick the region.
                rivals = [importance(m.place) for m in cities
                          if m.place.country_code != place.country_code
                          and m.place.population >= place.population]
                if rivals:
                    imp = min(imp, max(rivals) - 0.05)
            out.append(_Cand(c, w["match"] * quality + w["importance"] * imp))
        return out

    def _container(self, m: Mention, mentions: Sequence[Mention], i: int, text: str,
                   by_key: Mapping[tuple[str, str], list[_Cand]]) -> Place | None:
        """The place that the text says contains mention ``i`` ("X, located in Y"), if any."""
        for nxt in mentions[i + 1: i + 3]:
            gap = text[m.end:nxt.start]
            if nxt.label == "NORP" or len(gap) > CONTAINMENT_WINDOW or not CONTAINMENT.match(gap):
                continue
            cands = by_key.get((nxt.surface, nxt.label)) or []
            # The container is a larger unit than the contained name: prefer regions.
            regional = [c for c in cands if c.match.place.feature_class == "A"
                        or c.match.place.feature_code in ("PPLC", "PPLA")]
            pool = regional or cands
            if pool:
                return max(pool, key=lambda c: (c.base, c.match.place.place_id)).match.place
        return None


def _quality(match: Match) -> float:
    q = MATCH_QUALITY.get(match.match_type, 0.5)
    if match.match_type == "fuzzy":
        return q * match.score
    if match.match_type in ("alternate", "folded") and fold(match.matched_name) == fold(match.place.name):
        # "Cancun" for Cancún: the place's own name without accents, not one of the many
        # alternate names another place also carries (Changchun lists "Cancun" too).
        return MATCH_QUALITY["exact"] - 0.03
    return q


def _extends(name: str, mention: str) -> bool:
    """Whether a place's own ``name`` is ``mention`` plus more words ("New York City")."""
    n, m = fold(name), fold(mention)
    return n != m and bool(re.search(rf"(?:^|\s){re.escape(m)}(?:\s|$)", n))


def _as_variant(match: Match) -> Match:
    return Match(match.place, match.matched_name, "alternate", match.score)


def _softmax(xs: Sequence[float], *, temperature: float) -> list[float]:
    if not xs:
        return []
    top = max(xs)
    es = [math.exp((x - top) / temperature) for x in xs]
    total = sum(es)
    return [e / total for e in es]
