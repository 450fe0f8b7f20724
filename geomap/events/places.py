"""Tie an event trigger to the place where it happened, by syntax first and context second."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from gazetteer.errors import GazetteerError
from gazetteer.geometry import ROUND_EARTH_RADIUS_KM, place_distance_km
from geomap.types import LocationPrecision, ResolvedPlace

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from gazetteer import Gazetteer
    from gazetteer.model import Place

LOC_PREPS = frozenset({"in", "at", "near", "into", "inside", "outside", "across", "around",
                       "throughout", "on", "onto", "over", "along", "toward", "towards", "to",
                       "within", "off", "between", "beyond", "through", "nearby",
                       "amid", "underneath", "below", "above", "among", "for"})
DEST_PREPS = frozenset({"to", "into", "in", "at", "toward", "towards", "for", "onto", "inside"})
ORIGIN_PREPS = frozenset({"from"})
AREA_NOUNS = frozenset({"outskirts", "suburb", "suburbs", "centre", "center", "city", "town",
                        "village", "province", "region", "district", "area", "part", "capital",
                        "streets", "street", "heart", "north", "south", "east", "west", "border",
                        "governorate", "state", "county", "neighbourhood", "neighborhood"})
DEPARTURE_VERBS = frozenset({"leave", "depart", "flee", "exit", "evacuate", "quit", "abandon",
                             "departure", "exodus"})
LIGHT_VERBS = frozenset({"make", "hold", "give", "stage", "deliver", "launch", "carry", "conduct",
                         "organise", "organize", "mount", "lead", "host", "report", "see",
                         "witness", "begin", "start", "continue"})
SPEECH_VERBS = frozenset({"say", "report", "announce", "claim", "accuse", "tell", "state",
                          "confirm", "deny", "warn", "cite", "condemn", "urge", "call", "insist",
                          "vow", "add", "note", "demand", "blame", "threaten", "reject", "welcome",
                          "criticise", "criticize", "praise", "allege", "argue", "declare"})
_SKIP_DEPS = frozenset({"relcl", "parataxis"})
_CONTAINER_DEPS = frozenset({"prep", "pobj", "appos", "poss", "acl", "npadvmod", "compound",
                             "punct", "amod", "nmod", "advmod", "case", "det"})
_SPECIFICITY = {"S": 4.0, "P": 3.0, "V": 2.5, "T": 2.5, "H": 2.5, "R": 2.5, "U": 2.5}


def is_broad_region(place: Place) -> bool:
    """Continents and large regions ("West Asia", "Middle East"): never a default location."""
    return place.feature_code in ("CONT", "RGN", "RGNE", "OCN") or place.feature_class == "L"


def is_country(place: Place) -> bool:
    return place.feature_code.startswith("PCL") or place.feature_code in ("TERR", "ZN")


def specificity(place: Place) -> float:
    """Larger is more specific: facility > settlement > admin region > country > broad region."""
    if is_broad_region(place):
        return 0.0
    if is_country(place):
        return 1.0
    if place.feature_class == "A":
        return 2.0 if place.feature_code == "ADM1" else 2.3
    return _SPECIFICITY.get(place.feature_class, 2.5)


def is_demonym(token: Token) -> bool:
    """A place mention used as an adjective ("Syrian", "Russian"): it names a party, not a site."""
    if token.pos_ == "ADJ":
        return True
    return token.ent_type_ == "NORP" and token.dep_ in ("amod", "compound", "nmod")


def _folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                   if not unicodedata.combining(c))


def used_as_demonym(rp: ResolvedPlace, token: Token) -> bool:
    """A mention that names a party, not a site: a demonym ("Syrian troops", "an Israeli air
    strike"), not a place's own name the tagger read as an adjective ("the Omdurman district")."""
    return is_demonym(token) and not (
        rp.place is not None and _folded(rp.mention.surface) == _folded(rp.place.name))


def location_precision(place: Place, *, attached: bool) -> LocationPrecision:
    """exact (tied by syntax to a settlement/facility), nearby, region or country."""
    if is_country(place):
        return "country"
    if place.feature_class in ("A", "L"):
        return "region"
    return "exact" if attached else "nearby"


def admin_contains(outer: Place, inner: Place) -> bool:
    """Whether the gazetteer says ``outer`` (a country or admin-1 region) contains ``inner``."""
    if outer.place_id == inner.place_id or not inner.country_code:
        return False
    if is_country(outer):
        return inner.country_code == outer.country_code and not is_country(inner)
    if outer.feature_code == "ADM1" and outer.admin1:
        return (inner.country_code == outer.country_code and inner.admin1 == outer.admin1
                and inner.feature_code != "ADM1" and not is_country(inner))
    return False


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place mention reached from a trigger through the parse."""

    rp: ResolvedPlace
    token: Token
    path: tuple[Token, ...]
    score: float
    role: str = "place"  # 'origin' or 'destination' for movements


@dataclass(frozen=True, slots=True)
class Attachment:
    """Where one event happened: the place, its containing region and (movements) the origin."""

    rp: ResolvedPlace
    region: str | None
    attached: bool
    origin: ResolvedPlace | None = None
    scope: str = "syntax"  # syntax | sentence | context | document


class PlaceIndex:
    """Resolved place mentions of one document, addressable by token."""

    def __init__(self, doc: Doc, places: list[ResolvedPlace]) -> None:
        self.doc = doc
        self.by_token: dict[int, ResolvedPlace] = {}
        self.top: dict[int, Token] = {}  # id(rp) -> the mention's syntactic head
        self.by_sentence: dict[int, list[ResolvedPlace]] = {}
        for rp in places:
            if rp.place is None:
                continue
            span = doc.char_span(rp.mention.start, rp.mention.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            if any(t.i in self.by_token for t in span):
                continue  # overlapping mentions: keep the first
            for t in span:
                self.by_token[t.i] = rp
            self.top[id(rp)] = span.root
            self.by_sentence.setdefault(rp.mention.sentence_index, []).append(rp)
        counts = Counter(rp.place.place_id for rp in self.all() if rp.place is not None)
        self.counts = counts
        #: The dateline's mention: where the story was filed, never a word of its sentence
        #: ("LEEDS — A student was stabbed in Headingley": the parser reads LEEDS as a subject).
        self.dateline = dateline_place(self, doc.text)

    def all(self) -> list[ResolvedPlace]:
        seen: dict[int, ResolvedPlace] = {}
        for rp in self.by_token.values():
            seen.setdefault(id(rp), rp)
        return sorted(seen.values(), key=lambda r: r.mention.start)

    def token_of(self, rp: ResolvedPlace) -> Token:
        return self.top[id(rp)]


def _relation_score(token: Token, trigger: Token) -> tuple[float, Token]:
    """How strongly the grammatical slot of a place mention says 'this happened here'."""
    q, penalty = token, 0.0
    for _ in range(4):
        if q == trigger or q.head == q or q.head == trigger and q.dep_ in ("compound", "amod"):
            break
        if q.dep_ in ("conj", "appos"):
            q = q.head
        elif q.dep_ in ("compound", "amod", "nmod") and q.head.pos_ in ("NOUN", "PROPN"):
            q, penalty = q.head, penalty + 0.1
        else:
            break
    dep = q.dep_
    if q == trigger:
        return 2.6 - penalty, q
    if dep == "pobj" and q.head.dep_ == "agent":
        return 0.0, q  # "condemned by the White House": who, not where
    if dep == "pobj":
        prep = q.head.lower_
        if prep in LOC_PREPS:
            return 3.0 - penalty, q
        if prep == "of":
            return (2.3 if q.head.head.lower_ in AREA_NOUNS else 1.5) - penalty, q
        if prep in ORIGIN_PREPS:
            return 1.5 - penalty, q
        return 0.5 - penalty, q
    if dep == "dobj":
        return 3.3 - penalty, q  # "entered the Damascus suburbs", "shelled Kharkiv"
    if dep in ("nsubjpass", "attr", "oprd", "npadvmod", "dative"):
        return 2.8 - penalty, q
    if dep in ("compound", "amod", "nmod") and q.head == trigger:
        return 2.6 - penalty, q
    if dep == "poss":
        return 2.4 - penalty, q
    if dep in ("nsubj", "agent", "csubj"):
        return 0.0, q
    return 1.0 - penalty, q


def _walk(trigger: Token, stop: set[int]) -> list[tuple[Token, tuple[Token, ...]]]:
    """Tokens of the trigger's own phrase (not other triggers' clauses), breadth first."""
    roots: list[Token] = [trigger]
    if (trigger.pos_ in ("NOUN", "PROPN") and trigger.dep_ in ("dobj", "attr", "nsubjpass")
            and trigger.head.lemma_.lower() in LIGHT_VERBS):
        roots.append(trigger.head)  # "made an appearance at X": X hangs on the light verb
    out: list[tuple[Token, tuple[Token, ...]]] = []
    seen = {trigger.i}
    queue: list[tuple[Token, tuple[Token, ...]]] = []
    for r in roots:
        for child in r.children:
            queue.append((child, (child,)))
    while queue:
        tok, path = queue.pop(0)
        if tok.i in seen or tok.i in stop or len(path) > 12:
            continue
        seen.add(tok.i)
        if tok.dep_ in _SKIP_DEPS or (tok.dep_ == "conj" and tok.pos_ in ("VERB", "AUX")):
            continue
        if tok.dep_ in ("ccomp", "acl") and (tok.head.lemma_.lower() in SPEECH_VERBS
                                              or tok.lemma_.lower() in SPEECH_VERBS):
            continue
        out.append((tok, path))
        for child in tok.children:
            queue.append((child, (*path, child)))
    return out


def _path_is_containment(upper: Token, lower: Token) -> bool:
    """``lower`` hangs under ``upper`` through modifiers only ("Hmeimim, located in Latakia")."""
    cur = lower
    for _ in range(8):
        if cur == upper:
            return True
        if cur.dep_ not in _CONTAINER_DEPS or cur.head == cur:
            return False
        cur = cur.head
    return False


def _coordinated(a: Token, b: Token) -> bool:
    """Whether two mentions are conjoined ("a base in Tartous and an airbase in Hmeimim")."""
    ancestors = {a.i: a}
    cur = a
    while cur.head != cur:
        cur = cur.head
        ancestors[cur.i] = cur
    path: list[Token] = []
    cur = b
    while cur.i not in ancestors and cur.head != cur:
        path.append(cur)
        cur = cur.head
    lca = cur
    cur = a
    while cur != lca and cur.head != cur:
        path.append(cur)
        cur = cur.head
    return any(t.dep_ == "conj" for t in path)


def syntactic_candidates(trigger: Token, index: PlaceIndex, stop: set[int],
                         movement: str = "") -> list[Candidate]:
    """Place mentions tied to ``trigger`` by the parse, best first."""
    found: dict[int, Candidate] = {}
    lemma = trigger.lemma_.lower()
    for tok, path in _walk(trigger, stop):
        rp = index.by_token.get(tok.i)
        if rp is None or id(rp) in found or rp.place is None or rp is index.dateline:
            continue
        head = index.token_of(rp)
        if used_as_demonym(rp, head):
            continue  # "Russian missiles", "an Israeli air strike": who, not where
        rel, slot = _relation_score(head, trigger)
        if rel <= 0.0:
            continue
        score = rel + 0.1 * specificity(rp.place) - 0.08 * max(0, len(path) - 2)
        if is_broad_region(rp.place):
            score -= 3.0
        role = "place"
        if any(t.dep_ in ("appos", "relcl") or (t.dep_ == "acl" and t.lemma_.lower() not in
                                                  ("locate", "situate", "base", "station"))
               for t in path[:-1]):
            # "Gomez, a native of Mexico, was arrested": a participant's attribute. Such places
            # only name the region of a real candidate ("Hmeimim, located in Latakia" is kept).
            role = "context"
        elif movement:
            prep = slot.head.lower_ if slot.dep_ == "pobj" else ""
            if prep in ORIGIN_PREPS or (slot.dep_ in ("dobj", "compound", "poss")
                                        and lemma in DEPARTURE_VERBS):
                role = "origin"
            elif prep in DEST_PREPS or prep in LOC_PREPS or slot.dep_ in (
                    "dobj", "compound", "poss", "npadvmod", "nsubjpass") or slot == trigger:
                role = "destination"
            else:
                continue
        found[id(rp)] = Candidate(rp, head, path, score, role)
    return sorted(found.values(), key=lambda c: (-c.score, c.token.i))


def region_name(c: Candidate, others: list[Candidate], gazetteer: Gazetteer | None) -> str | None:
    place = c.rp.place
    assert place is not None
    containers = [o for o in others if o is not c and o.rp.place is not None
                  and (admin_contains(o.rp.place, place) or (
                      _path_is_containment(c.token, o.token)
                      and specificity(o.rp.place) < specificity(place)))]
    containers.sort(key=lambda o: (-specificity(o.rp.place), o.token.i))  # type: ignore[arg-type]
    if containers and not is_country(containers[0].rp.place):  # type: ignore[arg-type]
        return containers[0].rp.place.name  # type: ignore[union-attr]
    named = admin_region(place, gazetteer)
    if named is not None:
        return named
    return containers[0].rp.place.name if containers else None  # type: ignore[union-attr]


def admin_region(place: Place, gazetteer: Gazetteer | None) -> str | None:
    """The admin-1 region a place lies in, by name (None for countries and regions)."""
    if is_country(place) or place.feature_code == "ADM1" or is_broad_region(place):
        return None
    if place.admin1_name:
        return place.admin1_name
    find_admin1 = getattr(gazetteer, "admin1", None)  # a plain name lookup has no regions
    if find_admin1 is not None and place.admin1 and place.country_code:
        # None for a region the gazetteer lacks; a failing store raises GazetteerError.
        region = find_admin1(place.country_code, place.admin1)
        return getattr(region, "name", None) or None
    return None


def choose_syntactic(cands: list[Candidate], *, gazetteer: Gazetteer | None = None,
                     movement: str = "") -> list[Attachment]:
    """The place(s) of one trigger from its candidates: the best, plus places conjoined with it."""
    if not cands:
        return []
    sites = [c for c in cands if c.role != "context"]
    pool = [c for c in sites if c.role != "origin"] if movement else sites
    origins = [c for c in sites if c.role == "origin"] if movement else []
    origin = _best_of(origins)
    if not pool:
        if origin is None or movement != "departure":
            return []  # "returned from Australia": where they went is not said
        # A departure with no destination happened at its origin.
        return [Attachment(origin.rp, region_name(origin, cands, gazetteer), True, None)]
    top = [c for c in pool if not any(
        o is not c and o.rp.place is not None and c.rp.place is not None and (
            admin_contains(c.rp.place, o.rp.place) or (_path_is_containment(o.token, c.token)
                                                 and specificity(c.rp.place) < specificity(o.rp.place)))
        for o in pool)]
    best = _best_of(top) or pool[0]
    chosen = [best] + [c for c in top if c is not best and c.score >= best.score - 1.0
                       and _coordinated(best.token, c.token)][:5]
    chosen.sort(key=lambda c: c.token.i)
    return [Attachment(c.rp, region_name(c, cands, gazetteer), True,
                       origin.rp if origin is not None and origin.rp is not c.rp else None)
            for c in chosen]


def prefer_settlement(rp: ResolvedPlace, surface: str, gazetteer: Gazetteer | None) -> ResolvedPlace:
    """'in Kano' resolved to Kano State: an event there is placed at the town of that name.

    Only when the gazetteer has a populated place of the same name in the same country, inside
    the region or within 150 km of its point; otherwise the region stays (reported as such).
    """
    place = rp.place
    if gazetteer is None or place is None or place.feature_code != "ADM1":
        return rp
    key = (id(gazetteer), place.place_id, surface)
    if key not in _TOWNS:
        if len(_TOWNS) > 4096:
            _TOWNS.clear()
        _TOWNS[key] = _same_named_town(place, surface, gazetteer)
    town = _TOWNS[key]
    return replace(rp, place=town) if town is not None else rp


# (gazetteer id, region id, name) -> town: lookups hit SQLite, and regions recur across articles.
_TOWNS: dict[tuple[int, str, str], Place | None] = {}


def _same_named_town(place: Place, surface: str, gazetteer: Gazetteer) -> Place | None:
    try:
        matches = gazetteer.lookup(surface, country=place.country_code,
                                   feature_class="P", fuzzy=False, limit=5)
    except GazetteerError:  # a store that cannot answer leaves the region as resolved
        return None
    for m in matches:
        town = m.place
        inside = town.admin1 == place.admin1 and bool(place.admin1)
        if m.match_type in ("exact", "alternate", "folded") and (inside or _km(town, place) <= 150):
            return town
    return None


def _km(a: Place, b: Place) -> float:
    return place_distance_km(a, b, radius_km=ROUND_EARTH_RADIUS_KM)


def _best_of(cands: list[Candidate]) -> Candidate | None:
    if not cands:
        return None
    return sorted(cands, key=lambda c: (-c.score, c.token.i))[0]


def fallback_place(trigger: Token, sentence_index: int, index: PlaceIndex, *,
                   claimed: set[int], movement_claimed: set[int],
                   sentence_order: list[int]) -> Attachment | None:
    """The sentence's, then the nearby sentences', then the document's most specific place."""

    def usable(rp: ResolvedPlace) -> bool:
        tok = index.token_of(rp)
        if id(rp) in movement_claimed:
            return False
        return not (tok.dep_ == "nsubj" and tok.head.lemma_.lower() in SPEECH_VERBS)

    here = [rp for rp in index.by_sentence.get(sentence_index, []) if usable(rp)]
    named = [rp for rp in here if not used_as_demonym(rp, index.token_of(rp))]
    def subject_like(rp: ResolvedPlace) -> bool:
        tok = index.token_of(rp)
        return tok.dep_ == "nsubj" or (tok.dep_ == "pobj" and tok.head.dep_ == "agent")

    for tier in ([rp for rp in named if not subject_like(rp)], named):
        pick = _most_specific(tier, index, near=trigger)
        if pick is not None:
            return Attachment(pick, _admin_name(pick), False, scope="sentence")
    pos = sentence_order.index(sentence_index) if sentence_index in sentence_order else -1
    for back in (1, 2):
        if pos - back < 0:
            break
        prev = [rp for rp in index.by_sentence.get(sentence_order[pos - back], [])
                if usable(rp) and not used_as_demonym(rp, index.token_of(rp))]
        pick = _most_specific(prev, index, near=None)
        if pick is not None:
            return Attachment(pick, _admin_name(pick), False, scope="context")
    everything = [rp for rp in index.all() if usable(rp)]
    # An adjective ("an Israeli air strike") names who acted, not where; it locates an event
    # only as the article's recurring country, never on its own.
    everything = [rp for rp in everything if not used_as_demonym(rp, index.token_of(rp))
                  or (rp.place is not None and index.counts[rp.place.place_id] >= 2)]
    narrow = [rp for rp in everything if rp.place is not None and not is_broad_region(rp.place)]
    pool = narrow or everything
    if not pool:
        return None
    pick = sorted(pool, key=lambda r: (-index.counts[r.place.place_id],  # type: ignore[union-attr]
                                       r.mention.start))[0]
    return Attachment(pick, _admin_name(pick), False, scope="document")


def _admin_name(rp: ResolvedPlace, gazetteer: Gazetteer | None = None) -> str | None:
    return admin_region(rp.place, gazetteer) if rp.place is not None else None


def _most_specific(pool: list[ResolvedPlace], index: PlaceIndex,
                   near: Token | None) -> ResolvedPlace | None:
    narrow = [rp for rp in pool if rp.place is not None and not is_broad_region(rp.place)]
    if not narrow:
        return None

    def key(rp: ResolvedPlace) -> tuple[float, int, int]:
        tok = index.token_of(rp)
        distance = abs(tok.i - near.i) if near is not None else -tok.i
        return (-specificity(rp.place), distance, tok.i)  # type: ignore[arg-type]

    return sorted(narrow, key=key)[0]


# Facility nouns and the gazetteer feature codes of that kind of facility.
FACILITY_KINDS: dict[str, frozenset[str]] = {
    "airbase": frozenset({"MILB", "AIRB", "AIRF"}),
    "base": frozenset({"MILB", "NVB", "AIRB", "AIRF", "INSM"}),
    "port": frozenset({"PRT", "NVB", "HBR"}),
    "harbour": frozenset({"PRT", "NVB", "HBR"}),
    "harbor": frozenset({"PRT", "NVB", "HBR"}),
    "airport": frozenset({"AIRP", "AIRF"}),
    "airfield": frozenset({"AIRF", "AIRB", "MILB", "AIRP"}),
    "prison": frozenset({"PRN"}),
    "jail": frozenset({"PRN"}),
    "mosque": frozenset({"MSQE"}),
    "palace": frozenset({"PAL"}),
    "crossing": frozenset({"BCN", "PSTB"}),
    "dam": frozenset({"DAM"}),
}
_NAVAL = frozenset({"naval", "navy"})
FACILITY_KM = 30.0


def facility_kind(place_token: Token) -> frozenset[str] | None:
    """Feature codes of the facility a place names the location of: 'a naval base in X',
    'an airbase near Y', 'the X airport' (None when the place is not a facility's location)."""
    noun = None
    head = place_token.head
    if place_token.dep_ == "pobj" and head.lower_ in ("in", "at", "near", "outside", "of") \
            and head.head.pos_ == "NOUN":
        noun = head.head
    elif place_token.dep_ == "pobj" and head.lower_ in ("in", "at", "near", "outside") \
            and head.head.pos_ == "VERB":
        # "use a naval base in X": the parser hangs 'in X' on the verb, not on the noun.
        noun = next((c for c in head.head.children
                     if c.dep_ == "dobj" and c.lemma_.lower() in FACILITY_KINDS), None)
    elif place_token.dep_ in ("compound", "nmod", "poss") and head.pos_ == "NOUN":
        noun = head
    if noun is None:
        return None
    lemma = noun.lemma_.lower()
    if lemma == "base" and any(c.lower_ in ("air",) for c in noun.children):
        lemma = "airbase"
    codes = FACILITY_KINDS.get(lemma)
    if codes is None:
        return None
    if lemma in ("base", "port") and any(c.lower_ in _NAVAL for c in noun.children):
        return frozenset({"NVB", "PRT"})
    return codes


def facility_in(place: Place, codes: frozenset[str], gazetteer: Gazetteer | None) -> Place | None:
    """The nearest gazetteer facility of one of ``codes`` within 30 km of a town or region."""
    near = getattr(gazetteer, "near", None)
    if near is None or place.feature_class == "S" or is_country(place) or is_broad_region(place):
        return None
    try:
        found = near(place.lat, place.lon, k=60, feature_class="S")
    except GazetteerError:
        return None
    for cand, km in found:
        if km <= FACILITY_KM and cand.feature_code in codes and \
                (not cand.country_code or cand.country_code == place.country_code):
            return cand
    return None


def narrower_place(att: Attachment, pools: Sequence[list[ResolvedPlace]], index: PlaceIndex,
                   trigger: Token, taken: set[int]) -> Attachment:
    """A country attachment gives way to the most specific place inside that country named in
    the nearest of ``pools`` (the sentence, then the sentences around it, then the dateline):
    the country is the event's place only when nothing inside it is named."""
    place = att.rp.place
    if place is None or not is_country(place):
        return att
    for n, pool in enumerate(pools):
        inside = [rp for rp in pool if rp.place is not None and id(rp) not in taken
                  and admin_contains(place, rp.place) and not used_as_demonym(rp, index.token_of(rp))]
        pick = _most_specific(inside, index, near=trigger if n == 0 else None)
        if pick is not None:
            return replace(att, rp=pick, region=_admin_name(pick), attached=False,
                           scope="sentence" if n == 0 else "context")
    return att


_AGENCIES = frozenset({"reuters", "ap", "afp", "xinhua", "upi", "dpa", "efe", "ians", "pti",
                       "anadolu", "tass", "bloomberg", "cnn", "bbc", "aa"})


DATELINE_LINES = 4  # a headline and a byline may stand above the dateline


def dateline_place(index: PlaceIndex, text: str) -> ResolvedPlace | None:
    """The place of a dateline ("NAIROBI, Kenya —", "BEIRUT (Reuters) -"): a place mention that
    opens the article or one of its first :data:`DATELINE_LINES` lines (below a headline),
    followed by proper names and commas only, then a dash or colon, or a news agency in
    brackets."""
    line_starts = [0]
    for _ in range(DATELINE_LINES - 1):
        nl = text.find("\n", line_starts[-1])
        if nl < 0:
            break
        line_starts.append(nl + 1)
    for rp in index.all():
        if rp.mention.start > line_starts[-1] + 3:
            break
        if rp.place is not None and any(
                0 <= rp.mention.start - a <= 3 and not text[a:rp.mention.start].strip()
                for a in line_starts):
            found = _dateline_at(index, text, rp)
            if found is not None:
                return found
    return None


def _dateline_at(index: PlaceIndex, text: str, first: ResolvedPlace) -> ResolvedPlace | None:
    tail = text[first.mention.end:first.mention.end + 60]
    cut = min((tail.find(m) for m in ("—", "--", " - ", "–", ":", "(") if m in tail), default=-1)
    if cut < 0:
        return None
    if tail[cut] == "(":
        inside = tail[cut + 1:].split(")", 1)[0].strip().lower()
        if inside not in _AGENCIES:
            return None
    if tail[:cut].strip() and not tail[:cut].lstrip().startswith(","):
        return None  # "Paris Hilton - ...": a dateline's place is followed by a comma or the mark
    doc = index.doc
    between = doc.char_span(first.mention.end, first.mention.end + cut, alignment_mode="expand")
    if between is None:
        return None
    for tok in between:
        if tok.is_space or tok.text in (",", ".") or tok.i in index.by_token \
                or tok.ent_type_ == "DATE" or tok.like_num:
            continue  # "KORRAN, Aug 5 (Reuters) -"
        if tok.pos_ != "PROPN" or tok.ent_type_ in ("PERSON",):
            return None
    return first
