"""Choosing, for each place mention, the gazetteer place it refers to.

Every candidate place of a mention gets a row of features (:data:`FEATURES`): how well the
name matched; what kind of place it is (country, first-level division, county, capital, town,
facility) and its population; whether another reading of the name is a country or a state;
and from the document — the share of its other names with a reading in the same country or
state, whether it names that country or state, how many other countries it names, whether it
puts the mention inside another place ("Paris, Texas"; "Hmeimim, located in Latakia"), lists
it with local towns or with countries, writes a street address or "police"/"residents"
beside it, and how close the candidate is to the places chosen for the other names — plus
interactions of the kind of candidate with the kind of evidence. Two conditional logit
models score the rows: a *prior* model on the context-free features (its readings make the
document's country and state context) and a *full* model. Their weights are fitted on
annotated news by ``tests/fit_resolver.py`` and ship as ``geomap/data/resolver_weights.json``.
The best candidate wins; its softmax probability is the confidence. A name is read the same
way throughout a document (one sense per discourse) unless a containment cue says otherwise.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Protocol

from gazetteer.geometry import haversine_km, plausibly_contains
from gazetteer.model import Match
from gazetteer.text import PLACE_GENERICS, fold
from geomap.errors import InputError
from geomap.lexicon import (
    CA_PROVINCE_ABBREVIATIONS,
    GENERIC_WORDS,
    LOCAL_NOUNS,
    US_STATE_ABBREVIATIONS,
    demonym_stems,
)
from geomap.types import Mention, ResolvedPlace

if TYPE_CHECKING:
    from gazetteer import Gazetteer, Place

MATCH_QUALITY = {"exact": 1.0, "alternate": 0.85, "abbreviation": 0.95, "folded": 0.8,
                 "demonym": 0.9, "fuzzy": 0.3, "bare county": 0.6}
#: "X, located in Y", "X in Y", "X, Y", "X near Y" — a place followed by the place containing it.
CONTAINMENT = re.compile(r"^\s*(?:,\s*(?:located |situated |which is |just )?(?:in |near |outside )?"
                         r"|\s+(?:in|near|outside of|outside)\s+)(?:the\s+)?$")
CONTAINMENT_WINDOW = 40
#: A thing named after a town lies in the town the text places it in when that is this far off
#: (in a county or state the text places it in when that does not hold the town).
NAMED_AFTER_KM = 25.0
#: "X, Y", "X in Y", "X, located in Y": the text names Y as holding X.
HELD_IN = re.compile(r"^(?:,\s*(?:located |situated |which is )?(?:in )?|\s+in\s+)(?:the\s+)?$")
#: "X in Y", "X, Y": how the text places a thing named after a town in another town.
NAMED_IN = re.compile(r"^(?:,\s*|\s+(?:in|near|outside)\s+)$")
EPONYM_MIN_POPULATION = 50_000
NEAR_KM = 400.0
#: A fuzzy name match this close is accepted anywhere; weaker ones only in the article's countries.
FUZZY_ACCEPT_SCORE = 0.9
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
_GENERIC_TAIL = re.compile(r"\s+(?:" + "|".join(map(re.escape, PLACE_GENERICS)) + r")$",
                           re.IGNORECASE)


class Resolver(Protocol):
    """What the pipeline needs from a resolver: mentions of one document in, resolutions out."""

    def resolve(self, mentions: Sequence[Mention], *, text: str) -> list[ResolvedPlace]: ...


#: The fitted weights, a data file of the package (refit with ``python tests/fit_resolver.py``).
WEIGHTS_FILE = "resolver_weights.json"
#: Features of a candidate that need no context: how the name matched and what kind of place it is.
PRIOR_FEATURES = (
    "match_exact", "match_alternate", "match_own_name", "match_folded", "match_abbreviation",
    "match_demonym", "match_fuzzy", "match_bare_county",
    "log_population", "no_population", "population_gap",
    # The kind of place, one-hot with a plain town as the reference (a softmax over candidates
    # cannot tell a weight shared by every kind from none).
    "is_country", "is_dependency", "is_admin1", "is_admin2", "is_region", "is_capital",
    "is_admin1_seat", "is_admin2_seat", "is_facility", "is_water", "is_land", "curated",
    "name_extends_region",
    "region_outranked_by_city", "rival_country", "rival_admin1", "demonym_mention_x_country",
    "admin1_x_rival_capital", "capital_x_rival_admin1",
)
#: Features from the rest of the document, and their interactions with the kind of candidate.
CONTEXT_FEATURES = (
    "country_share", "country_named", "admin1_named", "contained",
    "list_admin1", "address_local", "near",
    "country_share_x_country", "country_share_x_rival_country",
    "admin1_named_x_rival_country", "list_admin1_x_rival_country", "contained_x_rival_country",
    "admin1_named_x_rival_admin1", "near_x_area", "country_support", "near_x_gap",
    "near_x_rival_country", "country_support_x_rival_country",
    "address_x_rival_country", "list_countries_x_country", "list_countries_x_town",
    "resident_noun_x_local", "gap_x_rival_country", "repeats_x_rival_country",
    "admin1_cover", "admin1_uniform_share", "admin1_cover_x_gap",
    "abroad_x_national", "abroad_x_rival_national",
)
FEATURES = PRIOR_FEATURES + CONTEXT_FEATURES
_N_PRIOR = len(PRIOR_FEATURES)
#: The number of other names in a country or state beyond which more add no evidence.
SUPPORT_SATURATION = 10.0
#: The number of times a name is repeated beyond which more repeats add no evidence.
REPEATS_SATURATION = 5.0
_COUNTRY_CODES = ("PCLI", "PCL")
_DEPENDENCY_CODES = ("PCLD", "PCLS", "PCLIX", "PCLF", "TERR")
#: Two mentions in a list of places: "Decatur, Athens and Madison".
_LIST_GAP = re.compile(r"^\s*(?:,|;|&|and|or|,\s*and|,\s*or)\s*$")
#: A street address just before a name: "1200 Main St., Springfield", "at 40 Elm Road in Dover".
_ADDRESS_BEFORE = re.compile(
    r"\b\d+[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w'.-]*\s+){1,4}"
    r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Hwy|Highway|Ct|Court|"
    r"Pl|Place|Pkwy|Parkway|Pike|Circle|Terrace|Trail)\b\.?,?\s*(?:in\s+)?$")
_ADDRESS_WINDOW = 80


@dataclass(frozen=True)
class RankingWeights:
    """Weights of the two linear rankers: ``prior`` (name and kind of place only) and ``full``.

    The prior ranker weighs each name's readings before the document is read; the document's
    country and region context is the mix of its names' prior readings. The full ranker scores
    a candidate on every feature of :data:`FEATURES`. Both are conditional logit models fitted
    by ``tests/fit_resolver.py``; a missing feature weighs 0.

    >>> w = RankingWeights.from_mapping({"prior": {"log_population": 2.0}, "full": {}})
    >>> w.prior[PRIOR_FEATURES.index("log_population")]
    2.0
    """

    prior: tuple[float, ...]
    full: tuple[float, ...]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RankingWeights:
        try:
            prior, full = data["prior"], data["full"]
            unknown = (set(prior) - set(PRIOR_FEATURES)) | (set(full) - set(FEATURES))
            if unknown:
                raise ValueError(f"unknown features {sorted(unknown)}")
            return cls(tuple(float(prior.get(f, 0.0)) for f in PRIOR_FEATURES),
                       tuple(float(full.get(f, 0.0)) for f in FEATURES))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"resolver weights need 'prior' and 'full' feature maps ({exc})") from None

    def to_mapping(self) -> dict[str, dict[str, float]]:
        return {"prior": dict(zip(PRIOR_FEATURES, self.prior, strict=True)),
                "full": dict(zip(FEATURES, self.full, strict=True))}


@functools.cache
def shipped_weights() -> RankingWeights:
    """The weights fitted on both development corpora, shipped in ``geomap/data``."""
    resource = resources.files("geomap").joinpath("data", WEIGHTS_FILE)
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the resolver weights {WEIGHTS_FILE} ({exc}); "
                         f"reinstall geomap or refit them with tests/fit_resolver.py") from None
    return RankingWeights.from_mapping(data)


@dataclass(frozen=True, slots=True)
class CandidateRows:
    """The candidates of one mention and their feature rows (in :data:`FEATURES` order)."""

    index: int
    matches: tuple[Match, ...]
    rows: tuple[tuple[float, ...], ...]


@dataclass
class _Name:
    """One distinct name of a document: its candidates, prior rows and prior reading mix."""

    matches: list[Match]
    prior_rows: list[list[float]]
    prior_scores: list[float]
    probs: list[float]
    countries: dict[str, float]
    admin1s: dict[tuple[str, str], float]
    top_is_country: bool = False


def _dot(ws: Sequence[float], xs: Sequence[float]) -> float:
    return sum(w * x for w, x in zip(ws, xs, strict=False) if x)


@dataclass(frozen=True)
class ContextResolver:
    """Feature-based resolver using the document's other mentions as context.

    Each candidate place of a mention gets a feature row (:data:`FEATURES`): how the name
    matched, the kind of place (country, first-level division, county, capital, town,
    facility…), its population, whether another reading of the name is a country or a state
    ("China" the country vs. China, Texas); and from the document: the share of its other
    names with a reading in the same country or state, whether the text names that country or
    state, whether it puts the mention inside another place ("Mexico, Missouri"), lists it
    with other local towns, or gives a street address before it, and how close the candidate
    is to the places chosen for the other names — plus interactions of the kind of candidate
    with the kind of evidence, so that mere state context does not turn a country into a
    same-named town. The weights are fitted (:class:`RankingWeights`); the best candidate wins
    and its softmax probability is the confidence.

    A fuzzy (misspelling-tolerant) match scoring below ``FUZZY_ACCEPT_SCORE`` is accepted only
    in a country of the article's other, non-fuzzy names; otherwise the mention stays
    unresolved with a reason.
    """

    gazetteer: Gazetteer
    candidates_per_mention: int = 20
    min_confidence: float = 0.0
    weights: RankingWeights | None = None

    # -- candidates -----------------------------------------------------------------------
    def candidates(self, mention: Mention) -> list[Match]:
        """Gazetteer candidates of a mention, with fall-backs for names it lacks as written."""
        surface = mention.surface
        if mention.label == "NORP":
            found = [m for m in self.gazetteer.lookup(surface, fuzzy=False, limit=5)
                     if m.match_type == "demonym" or m.place.feature_class in ("A", "L")]
            if found:
                return found
            # "Minnesotans", "Texan", "European": the people of a state, country or region
            # that the demonym table lacks.
            for stem in demonym_stems(surface):
                found = [Match(m.place, surface, "demonym", m.score) for m in self.gazetteer.lookup(
                    stem, feature_class=("A", "L"), fuzzy=False, limit=3)
                    if m.match_type == "exact" and (m.place.feature_code.startswith("PCL")
                                                    or m.place.feature_code in ("ADM1", "CONT", "RGN"))]
                if found:
                    return found
        found = list(self.gazetteer.lookup(surface, limit=self.candidates_per_mention))
        dotted = surface.replace(" ", "") + ("" if surface.endswith(".") else ".")
        for country, table in (("US", US_STATE_ABBREVIATIONS), ("CA", CA_PROVINCE_ABBREVIATIONS)):
            state = table.get(surface) or table.get(dotted)
            if state:
                states = [Match(m.place, surface, "abbreviation", m.score)
                          for m in self.gazetteer.lookup(state, country=country, feature_class="A",
                                                         fuzzy=False, limit=2)]
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
        weights = self.weights or shipped_weights()
        names, container_at, per_mention = self._analyse(mentions, text, weights)
        context_countries = self._context_countries(names, per_mention, weights)
        order = sorted(range(len(mentions)), key=lambda i: (container_at[i] is None, i))
        results: dict[int, ResolvedPlace] = {}
        sense: dict[tuple[str, str], ResolvedPlace] = {}
        longer: set[tuple[str, str]] = set()  # names read as the place opening a longer name
        named_after: dict[int, tuple[Place, int]] = {}  # ... that the text places in another
        for i in order:
            m, container = mentions[i], container_at[i]
            key = (m.surface, m.label)
            matches, rows = per_mention[i]
            if not matches:
                results[i] = ResolvedPlace(m, None, 0.0, reason="no gazetteer entry for this name")
                continue
            if container is None and key in sense:
                prev = sense[key]
                results[i] = ResolvedPlace(m, prev.place, prev.score)
                continue
            scores = [_dot(weights.full, r) for r in rows]
            probs = _softmax(scores, temperature=1.0)
            best = min(range(len(matches)), key=lambda j: (-scores[j], matches[j].place.place_id))
            top = matches[best]
            confidence = round(probs[best] * min(1.0, MATCH_QUALITY.get(top.match_type, 0.5)
                                                 * top.score / 0.8), 4)
            if (top.match_type == "fuzzy" and top.score < FUZZY_ACCEPT_SCORE
                    and top.place.country_code not in context_countries):
                # A spelling near-miss far from the story ("Koulouba" → Koulouan, Côte
                # d'Ivoire) misplaces the event; unresolved is the honest answer.
                results[i] = ResolvedPlace(
                    m, None, 0.0, reason=f"only a fuzzy match ({top.place.name}, "
                                         f"{top.place.country_code or '?'}, "
                                         f"{top.score:.2f}) outside the article's countries")
                continue
            if confidence < self.min_confidence:
                results[i] = ResolvedPlace(m, None, confidence,
                                           reason=f"no reading is confident enough "
                                                  f"(best {top.place.name}, {confidence:.2f})")
                continue
            rp = ResolvedPlace(m, top.place, confidence)
            results[i] = rp
            sense.setdefault(key, rp)
            if _opens_longer_name(top, m.surface):
                longer.add(key)
                if container is not None:
                    named_after[i] = (top.place, container)
        # "Lincoln Park in Dover", "120 Lincoln St., Dover": a park, street or shop
        # named after a town, that the text places in another town, lies in that other town
        # (or, placed in a county or state that does not hold the town, in that county or state)
        moved: dict[tuple[str, str], tuple[Place, Place]] = {}
        for i, (town, j) in named_after.items():
            if (mentions[j].surface, mentions[j].label) in longer or \
                    not NAMED_IN.match(text[mentions[i].end:mentions[j].start]):
                continue
            inside = results[j].place
            if inside is None or inside.feature_class not in ("P", "A"):
                continue
            far = haversine_km(town.lat, town.lon, inside.lat, inside.lon) > NAMED_AFTER_KM \
                if inside.feature_class == "P" else not plausibly_contains(inside, town)
            if far:
                results[i] = ResolvedPlace(mentions[i], inside, results[i].score)
                moved.setdefault((mentions[i].surface, mentions[i].label), (town, inside))
        # "Brazzaville, Congo", "Tbilisi, Georgia", "X in Y": a country or state the text names
        # as holding a place is the reading of its name that holds it, when another reading was
        # preferred (the other mentions of the name follow, as below)
        held: set[int] = set()  # holders whose reading holds the place the text puts in them
        for i, at in enumerate(container_at):
            inner, outer = results[i].place, None if at is None else results[at].place
            if at is None or inner is None or outer is None or _is_country(inner) \
                    or not _holds_places(outer) \
                    or not HELD_IN.match(text[mentions[i].end:mentions[at].start]):
                continue
            if plausibly_contains(outer, inner):
                held.add(at)
                continue
            holder = next((c.place for c in per_mention[at][0] if _holds_places(c.place)
                           and plausibly_contains(c.place, inner)), None)
            if holder is not None:
                results[at] = ResolvedPlace(mentions[at], holder, results[at].score)
                held.add(at)
                moved.setdefault((mentions[at].surface, mentions[at].label), (outer, holder))
        # one sense per discourse: the name's other mentions that took the replaced reading
        # follow, unless the text places a town in that reading ("Atlanta, Georgia")
        for i, m in enumerate(mentions):
            if i in held:
                continue
            got = moved.get((m.surface, m.label))
            rp = results[i]
            if got is not None and rp.place is not None and rp.place.place_id == got[0].place_id:
                results[i] = ResolvedPlace(m, got[1], rp.score)
        return [results[i] for i in range(len(mentions))]

    def candidate_rows(self, mentions: Sequence[Mention], *, text: str) -> list[CandidateRows]:
        """Every mention's candidates with their feature rows (what the weights are fitted on)."""
        weights = self.weights or shipped_weights()
        _, _, per_mention = self._analyse(mentions, text, weights)
        return [CandidateRows(i, tuple(ms), tuple(tuple(r) for r in rows))
                for i, (ms, rows) in enumerate(per_mention)]

    @staticmethod
    def _context_countries(names: Mapping[tuple[str, str], _Name],
                           per_mention: Sequence[tuple[list[Match], list[list[float]]]],
                           weights: RankingWeights) -> set[str]:
        """The countries the article is about: those of its confidently matched names."""
        out: set[str] = set()
        for matches, rows in per_mention:
            if not matches:
                continue
            j = max(range(len(matches)), key=lambda k: _dot(weights.full, rows[k]))
            if matches[j].match_type != "fuzzy" and matches[j].place.country_code:
                out.add(matches[j].place.country_code)
        for name in names.values():
            if name.matches and name.probs[0] > 0.5 and _is_country(name.matches[0].place):
                out.add(name.matches[0].place.country_code)
        return out

    def _analyse(self, mentions: Sequence[Mention], text: str, weights: RankingWeights,
                 ) -> tuple[dict[tuple[str, str], _Name], list[int | None],
                            list[tuple[list[Match], list[list[float]]]]]:
        names: dict[tuple[str, str], _Name] = {}
        for m in mentions:
            key = (m.surface, m.label)
            if key not in names:
                matches = self.candidates(m)
                rows = _prior_rows(matches, m.label)
                scores = [_dot(weights.prior, r) for r in rows]
                probs = _softmax(scores, temperature=1.0)
                cc: dict[str, float] = defaultdict(float)
                a1: dict[tuple[str, str], float] = defaultdict(float)
                for match, p in zip(matches, probs, strict=True):
                    place = match.place
                    if place.country_code:
                        cc[place.country_code] += p
                        if place.admin1:
                            a1[(place.country_code, place.admin1)] += p
                top = max(range(len(matches)), key=lambda k: scores[k]) if matches else -1
                names[key] = _Name(matches, rows, scores, probs, dict(cc), dict(a1),
                                   top >= 0 and probs[top] > 0.5 and _is_country(matches[top].place))
        n_keys = len(names)
        total_cc: Counter[str] = Counter()
        cover_a1: Counter[tuple[str, str]] = Counter()
        uniform_a1: dict[tuple[str, str], float] = defaultdict(float)
        named_countries: set[str] = set()
        # The countries each name reads as (its top prior reading): how international the story is.
        country_of_key: dict[tuple[str, str], str] = {}
        named_admin1: set[tuple[str, str]] = set()
        for name_key, name in names.items():
            total_cc.update(name.countries)
            cover_a1.update(name.admin1s.keys())
            for k in name.admin1s:
                uniform_a1[k] += 1.0 / len(name.admin1s)
            if name.matches:
                j = max(range(len(name.matches)), key=lambda k: name.prior_scores[k])
                place = name.matches[j].place
                if name.probs[j] > 0.5 and _is_country(place):
                    named_countries.add(place.country_code)
                    if place.country_code:
                        country_of_key[name_key] = place.country_code
                elif name.probs[j] > 0.5 and place.feature_code == "ADM1" and place.admin1:
                    named_admin1.add((place.country_code, place.admin1))
        counts = Counter((m.surface, m.label) for m in mentions)
        # the mention the text says contains each one ("X, located in Y"), and its place
        container_at = [self._container_index(m, mentions, i, text, names)
                        for i, m in enumerate(mentions)]
        containers = [None if j is None else
                      _container_place(names[(mentions[j].surface, mentions[j].label)])
                      for j in container_at]
        siblings = _list_siblings(mentions, text)

        def context_rows(i: int, near_of: Mapping[str, float] | None) -> list[list[float]]:
            m = mentions[i]
            key = (m.surface, m.label)
            name = names[key]
            address = bool(_ADDRESS_BEFORE.search(text[max(0, m.start - _ADDRESS_WINDOW):m.start]))
            sib_keys = [k for k in siblings[i] if k != key]
            # A small namesake is the subject of a local story, named again and again.
            repeats = min(1.0, math.log(counts[key]) / math.log(REPEATS_SATURATION))
            # A list of countries ("exports to China, Mexico and Canada") is not a list of towns.
            list_countries = (sum(1 for k in sib_keys if names[k].top_is_country) / len(sib_keys)
                              if sib_keys else 0.0)
            # "Jordan resident", "Lebanon schools": the town, not the country.
            after = text[m.end:m.end + 16].split()
            resident = bool(after) and after[0].lower().strip(".,;:") in LOCAL_NOUNS
            # A country or national capital among the readings of this name ("Lebanon", "Paris").
            national = [_is_country(c.place) or c.place.feature_code == "PPLC" for c in name.matches]
            # Other countries the story names (not those of this name's readings): evidence
            # for a country or capital reading, against a town that shares its name.
            own = {c.place.country_code for c in name.matches}
            abroad = _support(len({cc for k, cc in country_of_key.items() if k != key and cc not in own}))
            out: list[list[float]] = []
            for j, (match, prior_row) in enumerate(zip(name.matches, name.prior_rows, strict=True)):
                place = match.place
                country = _is_country(place)
                admin1 = place.feature_code == "ADM1"
                rival_country = prior_row[PRIOR_FEATURES.index("rival_country")]
                rival_admin1 = prior_row[PRIOR_FEATURES.index("rival_admin1")]
                cc_share = cc_support = a1_cover = a1_uniform = 0.0
                container = containers[i]
                contained = float(container is not None and plausibly_contains(container, place))
                state = place.admin1
                if not state and container is not None and contained \
                        and container.country_code == place.country_code:
                    # A place whose state the gazetteer does not record (a curated facility)
                    # is in the state of the place the text puts it in ("Hmeimim, in Latakia").
                    state = container.admin1
                k1 = (place.country_code, state)
                if n_keys > 1 and place.country_code:
                    others_cc = total_cc[place.country_code] - name.countries.get(place.country_code, 0.0)
                    cc_share = others_cc / (n_keys - 1)
                    cc_support = _support(others_cc)
                    if state:
                        # Names with any reading in this state, however unlikely on its own:
                        # "New London" and "Mt. Pleasant" together point to Iowa. (Not weighted
                        # by the other names' prior readings: how peaked those are depends on
                        # the corpus the prior was fitted on, and a state's evidence should not.)
                        own_any = k1 in name.admin1s
                        a1_cover = (cover_a1[k1] - own_any) / (n_keys - 1)
                        a1_uniform = (uniform_a1[k1] - (1.0 / len(name.admin1s) if own_any else 0.0)
                                      ) / (n_keys - 1)
                gap = prior_row[PRIOR_FEATURES.index("population_gap")]
                country_named = float(place.country_code in named_countries and not country)
                admin1_named = float(bool(state) and k1 in named_admin1 and not admin1)
                list_a1 = (sum(names[k].admin1s.get(k1, 0.0) for k in sib_keys) / len(sib_keys)
                           if sib_keys and state else 0.0)
                local = not (country or admin1 or place.feature_code in _AREA_CODES)
                near = near_of.get(place.place_id, 0.0) if near_of else 0.0
                area = float(country or admin1)
                is_national = national[j]
                rival_national = not is_national and any(national)
                out.append(prior_row + [
                    cc_share, country_named, admin1_named, contained, list_a1,
                    float(address and local), near,
                    cc_share * country, cc_share * rival_country,
                    admin1_named * rival_country, list_a1 * rival_country,
                    contained * rival_country,
                    admin1_named * rival_admin1, near * area,
                    cc_support, near * gap,
                    near * rival_country, cc_support * rival_country,
                    float(address and local) * rival_country,
                    list_countries * country, list_countries * float(place.feature_class == "P"),
                    float(resident and local), gap * rival_country, repeats * rival_country,
                    a1_cover, a1_uniform, a1_cover * gap,
                    abroad * is_national, abroad * rival_national,
                ])
            return out

        # Pass 1 without proximity; pass 2 with proximity to the other names' pass-1 choices.
        first = [context_rows(i, None) for i in range(len(mentions))]
        chosen: dict[tuple[str, str], Place] = {}
        for i, m in enumerate(mentions):
            key = (m.surface, m.label)
            matches = names[key].matches
            if matches and key not in chosen:
                j = min(range(len(matches)), key=lambda k: (-_dot(weights.full, first[i][k]),
                                                            matches[k].place.place_id))
                chosen[key] = matches[j].place
        per_mention: list[tuple[list[Match], list[list[float]]]] = []
        near_by_key: dict[tuple[str, str], dict[str, float]] = {}
        for i, m in enumerate(mentions):
            key = (m.surface, m.label)
            if key not in near_by_key:
                others = [p for k, p in chosen.items() if k != key and not _is_country(p)
                          and p.feature_code not in _AREA_CODES and p.feature_class != "H"]
                near_of: dict[str, float] = {}
                for match in names[key].matches:
                    place = match.place
                    # The plain formula, not geopy's: this loop runs for every candidate and
                    # every other name, and geopy builds two Point objects per call.
                    d = min((haversine_km(p.lat, p.lon, place.lat, place.lon) for p in others
                             if p.place_id != place.place_id), default=NEAR_KM)
                    near_of[place.place_id] = max(0.0, 1.0 - d / NEAR_KM)
                near_by_key[key] = near_of
            per_mention.append((names[key].matches, context_rows(i, near_by_key[key])))
        return names, container_at, per_mention

    @staticmethod
    def _container_index(m: Mention, mentions: Sequence[Mention], i: int, text: str,
                         names: Mapping[tuple[str, str], _Name]) -> int | None:
        """The index of the mention that the text says contains mention ``i`` ("X, located in
        Y"), if any."""
        for j in range(i + 1, min(i + 3, len(mentions))):
            nxt = mentions[j]
            gap = text[m.end:nxt.start]
            if nxt.label == "NORP" or len(gap) > CONTAINMENT_WINDOW or not CONTAINMENT.match(gap):
                continue
            name = names.get((nxt.surface, nxt.label))
            if name is None or not name.matches:
                continue
            return j
        return None


def _container_place(name: _Name) -> Place:
    """The reading of a containing name: the larger unit, so regions (and capitals) first."""
    pool = [j for j, c in enumerate(name.matches) if c.place.feature_class == "A"
            or c.place.feature_code in ("PPLC", "PPLA")] or list(range(len(name.matches)))
    j = min(pool, key=lambda k: (-name.prior_scores[k], name.matches[k].place.place_id))
    return name.matches[j].place


_AREA_CODES = frozenset({"CONT", "RGN", "RGNE", "OCN", "SEA", "GULF"})


def _holds_places(place: Place) -> bool:
    """A country or a first-level region: what "X, Y" names as holding X."""
    return _is_country(place) or place.feature_code == "ADM1"


def _is_country(place: Place) -> bool:
    return place.feature_code in _COUNTRY_CODES or place.feature_code in _DEPENDENCY_CODES


def _list_siblings(mentions: Sequence[Mention], text: str) -> list[list[tuple[str, str]]]:
    """For each mention, the names listed with it ("Decatur, Athens and Madison")."""
    groups: list[list[int]] = []
    for i, m in enumerate(mentions):
        if (groups and i > 0 and len(text[mentions[i - 1].end:m.start]) < 8
                and _LIST_GAP.match(text[mentions[i - 1].end:m.start])):
            groups[-1].append(i)
        else:
            groups.append([i])
    out: list[list[tuple[str, str]]] = [[] for _ in mentions]
    for g in groups:
        if len(g) > 2:  # two names joined by a comma are as often "Paris, Texas"
            keys = [(mentions[j].surface, mentions[j].label) for j in g]
            for j in g:
                out[j] = keys
    return out


def _prior_rows(matches: Sequence[Match], label: str) -> list[list[float]]:
    """Context-free features (:data:`PRIOR_FEATURES`) of each candidate of one name."""
    # A province or county and its same-named seat ("Latakia", "Aleppo"): the name is the
    # seat's own too, even where the gazetteer lists it only as the city's alternate name
    # ("Chittagong" for Chattogram), so the seat takes the region's name match.
    # (Whether a seat of a same-named region is likelier than the region is left to the name
    # match and the kind of place: as a feature of its own its weight changed sign between
    # international and local news.)
    regions: dict[tuple[str, str], Match] = {}
    for m in matches:
        # A county read from a bare town name ("Charleston" -> Charleston County) is a
        # fall-back of the resolver, not a sign that the name is a county's too.
        if m.place.feature_code in ("ADM1", "ADM2") and m.place.admin1 and m.match_type != "bare county":
            k = (m.place.country_code, m.place.admin1)
            if k not in regions or _quality(m) > _quality(regions[k]):
                regions[k] = m
    solid = [m for m in matches if m.match_type != "fuzzy"]
    cities = [m for m in solid if m.place.feature_class == "P"
              and m.place.population >= EPONYM_MIN_POPULATION]
    countries = {m.place.place_id for m in solid if _is_country(m.place)}
    admin1s = {m.place.place_id: m.place.population for m in solid if m.place.feature_code == "ADM1"}
    capitals = {m.place.place_id for m in solid if m.place.feature_code == "PPLC"}
    # The population gap is measured among places whose population is known: a state with no
    # population figure is not "smaller" than its towns.
    top_pop = max((_log_population(m.place) for m in matches if m.place.population > 0),
                  default=0.0)
    rows = []
    for c in matches:
        place, code, fclass = c.place, c.place.feature_code, c.place.feature_class
        k = (place.country_code, place.admin1)
        big_city = fclass == "P" and place.population >= EPONYM_MIN_POPULATION and k in regions
        extends = big_city and _extends(place.name, c.matched_name)
        named = regions[k] if big_city and not extends and _quality(regions[k]) > _quality(c) else c
        t = named.match_type
        own = t in ("alternate", "folded") and fold(named.matched_name) == fold(named.place.name)
        outranked = code in ("ADM1", "ADM2") and place.population > 0 and any(
            m.place.country_code != place.country_code and m.place.population >= place.population
            for m in cities)
        country = _is_country(place)
        log_pop = _log_population(place)
        rows.append([
            float(t == "exact"), float(t == "alternate" and not own), float(own),
            float(t == "folded" and not own), float(t == "abbreviation"), float(t == "demonym"),
            named.score if t == "fuzzy" else 0.0, float(t == "bare county"),
            log_pop, float(place.population <= 0), log_pop - top_pop if place.population > 0 else 0.0,
            float(code in _COUNTRY_CODES), float(code in _DEPENDENCY_CODES),
            float(code == "ADM1"), float(code == "ADM2"), float(code in _AREA_CODES),
            float(code == "PPLC"), float(code == "PPLA"), float(code == "PPLA2"),
            float(fclass == "S"), float(fclass == "H"),
            float(fclass in ("T", "L", "V", "U") and code not in _AREA_CODES),
            float(place.source.startswith("curated")),
            float(extends),
            float(outranked),
            float(not country and bool(countries - {place.place_id})),
            # a state or province of this name that this place does not outnumber
            float(code != "ADM1" and not country and any(
                pop <= 0 or pop >= place.population for pid, pop in admin1s.items()
                if pid != place.place_id)),
            float(label == "NORP" and country),
            float(code == "ADM1" and bool(capitals)),
            float(code == "PPLC" and bool(admin1s)),
        ])
    return rows


def _support(n: float) -> float:
    """How many other names back a country or state, on a saturating 0 … 1 scale."""
    return min(1.0, math.log1p(max(0.0, n)) / math.log1p(SUPPORT_SATURATION))


def _log_population(place: Place) -> float:
    return math.log10(place.population + 1) / 7.0


def _quality(match: Match) -> float:
    q = MATCH_QUALITY.get(match.match_type, 0.5)
    if match.match_type == "fuzzy":
        return q * match.score
    if match.match_type in ("alternate", "folded") and fold(match.matched_name) == fold(match.place.name):
        # "Cancun" for Cancún: the place's own name without accents, not one of the many
        # alternate names another place also carries (Changchun lists "Cancun" too).
        return MATCH_QUALITY["exact"] - 0.03
    return q


def _opens_longer_name(match: Match, surface: str) -> bool:
    """Whether ``match`` reads only the first words of the mention ("Lincoln" of "Lincoln
    Park"), and the words after it name something other than a town or a division of one
    ("Maple Township", "Maple Village" are places of their own)."""
    name, whole = fold(match.matched_name), fold(surface)
    if match.match_type != "alternate" or not whole.startswith(name + " "):
        return False
    # "Maple Township", "the Dover area": a division or the area of the place itself
    return not _GENERIC_TAIL.search(surface)


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
