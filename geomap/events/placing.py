"""Where an event happened: a fitted ranker over the article's places.

Every distinct place the article names is an option for an event; each option is described by
how the parse ties it to the trigger (slot, rank among the syntactic candidates), how far
from the trigger it is named (same sentence, the ones before or after, the dateline), how
specific it is (facility, town, region, country, broad region), how often the article names
it, and whether it only describes a person ("a Mexico native", "of Coral Gables"). A linear
score fitted on annotated news (``tests/fit_events.py``, stored with the event model) picks
the option; the rules' own choice is one of the features, so the ranker learns when to
overrule it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gazetteer.geometry import place_distance_km
from geomap.events.places import (
    Candidate,
    PlaceIndex,
    admin_contains,
    is_broad_region,
    is_country,
    used_as_demonym,
)
from geomap.types import ResolvedPlace

if TYPE_CHECKING:
    from spacy.tokens import Token

    from gazetteer.model import Place

RESIDENT_NOUNS = frozenset({"man", "woman", "boy", "girl", "resident", "native", "teen", "teenager",
                            "couple", "family", "student", "driver", "mother", "father", "son",
                            "daughter", "officer", "official", "senator", "representative",
                            "company", "firm", "team", "police", "department", "sheriff",
                            "office", "school", "newspaper", "ambassador", "embassy", "consulate",
                            "minister", "president", "leader", "government", "citizen"})


def place_kind(place: Place) -> str:
    if is_broad_region(place):
        return "broad"
    if is_country(place):
        return "country"
    if place.feature_class == "A":
        return "admin1" if place.feature_code == "ADM1" else "admin2"
    if place.feature_class == "S":
        return "facility"
    return "town"


def _distance(option_sentence: int, trigger_sentence: int, order: Sequence[int]) -> str:
    try:
        delta = order.index(option_sentence) - order.index(trigger_sentence)
    except ValueError:
        return "far"
    if delta == 0:
        return "same"
    if delta < 0:
        return "prev1" if delta == -1 else "prev2" if delta == -2 else "before"
    return "next1" if delta == 1 else "after"


def describes_person(tok: Token) -> bool:
    """'a Mexico native', 'Coral Gables man', 'of Alexandria', 'Richmond police'."""
    head = tok.head
    if tok.dep_ in ("compound", "nmod", "amod") and head.lemma_.lower() in RESIDENT_NOUNS:
        return True
    if tok.dep_ == "appos" and head.ent_type_ == "PERSON":
        return True
    # "of Dover", "Smith, 26, of Dover", "of the 3200 block of Elm Avenue in Dover":
    # up through the noun phrase to an "of"/"from" that hangs on a person
    node = tok
    for _ in range(4):
        if node.dep_ in ("compound", "nmod"):
            node = node.head
            continue
        if node.dep_ != "pobj" or node.head.dep_ != "prep":
            return False
        prep = node.head
        if prep.lower_ in ("of", "from") and (prep.head.lemma_.lower() in RESIDENT_NOUNS
                                             or prep.head.ent_type_ == "PERSON"):
            return True
        node = prep.head
    return False


# Features also crossed with the event type: where the types differ in how they are placed.
TYPED = ("dateline", "demonym", "subject", "first_named", "most_named")


@dataclass(frozen=True, slots=True)
class Option:
    """One place an event may have happened at, with the mention nearest the trigger."""

    rp: ResolvedPlace
    token: Token
    sentence_index: int
    features: tuple[str, ...]
    syntactic: Candidate | None
    rule_pick: bool = False


def options(trigger: Token, event_type: str, sentence_index: int, index: PlaceIndex,
            order: Sequence[int], syntactic: Sequence[Candidate], rule_pick: ResolvedPlace | None,
            dateline: ResolvedPlace | None, excluded: set[int]) -> list[Option]:
    """Every distinct place of the article as an option for one event, with its features."""
    syn_by_place: dict[str, tuple[int, Candidate]] = {}
    for rank, c in enumerate(syntactic):
        assert c.rp.place is not None
        syn_by_place.setdefault(c.rp.place.place_id, (rank, c))
    nearest: dict[str, tuple[int, ResolvedPlace, int]] = {}
    first_id = None
    counts = index.counts
    sentence_of = {id(r): s for s, rps in index.by_sentence.items() for r in rps}
    for rp in index.all():
        if rp.place is None or id(rp) in excluded:
            continue
        if first_id is None:
            first_id = rp.place.place_id
        tok = index.token_of(rp)
        sidx = sentence_of.get(id(rp), rp.mention.sentence_index)
        gap = abs(tok.i - trigger.i) + (0 if sidx == sentence_index else 1000)
        pid = rp.place.place_id
        if pid not in nearest or gap < nearest[pid][0]:
            nearest[pid] = (gap, rp, sidx)
    top = max(counts.values(), default=0)
    rule_id = rule_pick.place.place_id if rule_pick is not None and rule_pick.place else None
    chosen = sorted(nearest.items(), key=lambda kv: kv[1][1].mention.start)
    # the article's places named as places (demonyms aside), and their rank by nearness
    named = [rp.place for _, (_, rp, _) in chosen
             if rp.place is not None and not used_as_demonym(rp, index.token_of(rp))]
    near_rank = {pid: n for n, (_, pid) in enumerate(sorted((g, pid) for pid, (g, _, _) in chosen))}
    out = []
    for pid, (_, rp, sidx) in chosen:
        place = rp.place
        assert place is not None
        tok = index.token_of(rp)
        kind = place_kind(place)
        dist = _distance(sidx, sentence_index, order)
        f = [f"kind={kind}", f"dist={dist}", f"kd={kind}/{dist}", f"tk={event_type}/{kind}",
             f"count={min(counts[pid], 4)}", f"near_rank={min(near_rank[pid], 3)}"]
        if kind in ("country", "admin1") and any(admin_contains(place, o) for o in named):
            f.append(f"contains_named/{kind}")  # "Connecticut" where "Fairfield" is named
        if kind not in ("country", "broad") and any(admin_contains(o, place) for o in named):
            f.append(f"inside_named/{kind}")
        if counts[pid] == top:
            f.append("most_named")
        if pid == first_id:
            f.append("first_named")
        if dateline is not None and dateline.place is not None and \
                dateline.place.place_id == pid:
            f.append("dateline")
            f.append(f"dateline/{kind}")
        if used_as_demonym(rp, tok):
            f.append("demonym")
        if describes_person(tok):
            f.append("describes_person")
            f.append(f"describes_person/{dist}")
        if dist == "same":
            if tok.dep_ in ("nsubj", "nsubjpass"):
                f.append("subject")
            if tok.dep_ == "pobj":
                f.append(f"prep={tok.head.lower_}")
        f.extend(f"tx={event_type}/{name}" for name in TYPED if name in f)
        syn = syn_by_place.get(pid)
        if syn is not None:
            rank, cand = syn
            f.append(f"syn_rank={min(rank, 2)}")
            f.append(f"syn_role={cand.role}")
            f.append(f"syn_score={min(int(cand.score), 3)}")
        if pid == rule_id:
            f.append("rule_pick")
            f.append(f"rule_pick/{kind}")
        elif rule_pick is not None and rule_pick.place is not None:
            if admin_contains(rule_pick.place, place):
                f.append(f"inside_rule_pick/{dist}")
            elif admin_contains(place, rule_pick.place):
                f.append("contains_rule_pick")
        out.append(Option(rp, tok, sidx, tuple(f), syn[1] if syn is not None else None,
                          pid == rule_id))
    return out


@dataclass(frozen=True)
class PlaceRanker:
    """A linear score over option features; the best-scoring option is the event's place."""

    weights: dict[str, float]

    def score(self, option: Option) -> float:
        return sum(self.weights.get(f, 0.0) for f in option.features)

    def best(self, opts: Sequence[Option], *, trigger_sentence: int | None = None
             ) -> Option | None:
        """The best-scoring option; when the rules chose a facility named in the event's own
        sentence within 25 km of the town the score prefers, that facility is the more
        specific place, and wins."""
        if not opts:
            return None
        top = max(opts, key=lambda o: (self.score(o), -o.rp.mention.start))
        top_place = top.rp.place
        assert top_place is not None
        if place_kind(top_place) not in ("town", "admin2", "admin1"):
            return top
        for o in opts:
            place = o.rp.place
            assert place is not None
            if (place_kind(place) == "facility" and o.rule_pick
                    and o.sentence_index == trigger_sentence
                    and place_distance_km(place, top_place) <= SPECIFIC_KM):
                return o
        return top


SPECIFIC_KM = 25.0
