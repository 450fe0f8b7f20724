"""A fitted second look at names the rules did not take for places.

The small spaCy model often labels a town it has never seen as a person or an organisation
("clashed on the outskirts of Lalibela", "a motel in Checotah") or leaves it untagged ("the
village of Tegh"). :class:`~geomap.components.GazetteerRuler` takes such a name only on its
rules' evidence. This module looks again at every remaining name the gazetteer knows (a whole
entity of another label, or a capitalised run of words outside any entity) and decides with a
logistic regression over the words around it (the preposition or noun before, the word after,
a place listed beside it), the model's label, what the gazetteer knows of the name (kind of
place, population, how many places share it) and what the document says elsewhere (the name
as a person's, after a title, as a place).

The weights are fitted on annotated news by ``tests/fit_recogniser.py`` and ship as
``geomap/data/recogniser_weights.json``; refitting on more annotated text improves the
decision without touching code.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from geomap.lexicon import LOCAL_NOUNS, LOCATIVE, PLACE_KIND_NOUNS, TITLES
from geomap.linear import logistic, read_logistic

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from gazetteer.model import Match

WEIGHTS_FILE = "recogniser_weights.json"
MAX_TOKENS = 3
#: Entity labels never reconsidered (numbers, dates) or already places.
_SKIP_LABELS = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY",
                          "ORDINAL", "CARDINAL"})
_LIST_WORDS = frozenset({",", "and", "or", "&"})


@dataclass(frozen=True)
class RecogniserModel:
    """Logistic regression over :func:`candidate_features`; a name becomes a place when its
    probability reaches ``threshold``."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, feats: Iterable[str]) -> float:
        return logistic(self.bias, self.weights, feats)

    @classmethod
    def from_dict(cls, data: object) -> RecogniserModel:
        return cls(*read_logistic(data, "threshold", "recogniser weights: need finite weights "
                                  "and bias and a threshold between 0 and 1"))


_DEFAULT: dict[str, RecogniserModel | None] = {}
_LOCK = threading.Lock()


def default_model() -> RecogniserModel | None:
    """The shipped weights (None when the package carries none)."""
    with _LOCK:
        if "default" not in _DEFAULT:
            path = resources.files("geomap").joinpath("data", WEIGHTS_FILE)
            _DEFAULT["default"] = (RecogniserModel.from_dict(json.loads(
                path.read_text(encoding="utf-8"))) if path.is_file() else None)
        return _DEFAULT["default"]


def _code_group(code: str) -> str:
    if code.startswith("PCL") or code == "TERR":
        return "country"
    if code in ("ADM1", "ADM2", "PPLC"):
        return code
    if code.startswith("PPLA"):
        return "PPLA"
    if code.startswith("PPL"):
        return "PPL"
    if code in ("CONT", "RGN", "RGNE"):
        return "region"
    return "other"


def gazetteer_features(matches: Sequence[Match]) -> tuple[str, ...]:
    """What the gazetteer knows of a name: its first reading's kind and population, the
    largest population of any reading, and how many places share the name."""
    first = matches[0].place
    pops = [m.place.population for m in matches]
    top = max(pops)
    n = len(matches)
    return (f"fc={first.feature_class}", f"code={_code_group(first.feature_code)}",
            f"pop={_bucket(first.population)}", f"maxpop={_bucket(top)}",
            f"mt={matches[0].match_type}", f"n={'1' if n == 1 else '2-3' if n <= 3 else '4+'}",
            f"fcpop={first.feature_class}/{_bucket(first.population)}")


def _bucket(pop: int) -> int:
    return 0 if pop <= 0 else min(7, int(math.log10(pop)))


def candidate_features(doc: Doc, start: int, end: int, *, label: str,
                       gazetteer: Sequence[str], place_starts: set[int], place_ends: set[int],
                       place_texts: set[str], person_words: set[str], surnames: set[str],
                       lower_words: set[str], headline: bool) -> list[str]:
    """Sparse features of the name ``doc[start:end]`` (see the module docstring)."""
    text = doc[start:end].text
    before = doc[start - 1].lower_ if start > 0 else "<s>"
    before2 = doc[start - 2].lower_ if start > 1 else "<s>"
    after = doc[end].lower_ if end < len(doc) else "</s>"
    after2 = doc[end + 1].lower_ if end + 1 < len(doc) else "</s>"
    f = ["bias", f"lab={label}", f"p1={before}", f"p2={before2}|{before}", f"n1={after}",
         f"n2={after}|{after2}", f"ntok={min(end - start, 3)}", *gazetteer]
    f.extend(f"lab={label}/{g}" for g in gazetteer[:2])
    if before in LOCATIVE:
        f.append("locative")
        f.extend(f"locative/{g}" for g in gazetteer if g.startswith("pop="))
    if before == "of" and before2 in PLACE_KIND_NOUNS:
        f.append("kind_of")  # "the town of X", "the outskirts of X"
    if after in PLACE_KIND_NOUNS:
        f.append("kind_after")  # "the X district"
    if after in LOCAL_NOUNS:
        f.append("local_after")  # "X police", "X man"
    if (start - 1) in place_ends:
        f.append("after_place")
    if before in _LIST_WORDS and (start - 2) in place_ends or before2 in _LIST_WORDS and \
            start > 2 and (start - 3) in place_ends:
        f.append("listed_after_place")
    if after in _LIST_WORDS and (end + 1) in place_starts:
        f.append("listed_before_place")
    if after == "," and (end + 1) in place_starts:
        f.append("comma_place")
    if text in place_texts:
        f.append("place_elsewhere")
    if text in person_words or any(t.text in person_words for t in doc[start:end]):
        f.append("person_word")
    if text in surnames:
        f.append("surname")
    if after_title(doc, start):
        f.append("after_title")
    if doc[start].is_sent_start:
        f.append("sentence_start")
    if headline:
        f.append("headline")
    if text.isupper():
        f.append("upper")
    if after in ("'s", "’s"):
        f.append("possessive")
    if text.lower() in lower_words:
        f.append("common_word")
    return list(dict.fromkeys(f))


def lower_case_words(doc: Doc) -> set[str]:
    """The words the text writes in lower case: a capitalised one of them may only open its
    sentence ("Grenade blast … a grenade")."""
    return {t.lower_ for t in doc if t.is_lower and t.is_alpha}


def split_title(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is the dot the tokenizer split off an abbreviated title ("Lt" "."
    "Dana"), not a sentence's end ("… named a new president. DOVER —")."""
    return (0 < i < len(doc) - 1 and doc[i].text == "." and not doc[i - 1].whitespace_
            and len(doc[i - 1]) <= 4 and doc[i - 1].lower_ in TITLES
            and not doc[i + 1].is_sent_start)


def after_title(doc: Doc, start: int) -> bool:
    """Whether a title ("Gov.", "Lt.", also split as "Lt" ".") comes right before token
    ``start``."""
    i = start - 1
    if i > 0 and doc[i].text == ".":
        return split_title(doc, i)
    return i >= 0 and doc[i].lower_.rstrip(".") in TITLES


def rescue_candidates(doc: Doc, places: Sequence[Span], *, known: Callable[[str], Sequence[Match]],
                      cap: Sequence[bool], stop_start: Sequence[bool], headline: Sequence[bool],
                      person_words: set[str], surnames: set[str]
                      ) -> list[tuple[int, int, str, list[str]]]:
    """(start, end, label, features) of each name outside ``places`` that the gazetteer knows:
    whole entities of another label (all words capitalised, at most ``MAX_TOKENS`` + 2 words,
    a leading "the" dropped) and capitalised runs of at most ``MAX_TOKENS`` words outside
    entities (longest first).
    ``known`` gives the gazetteer's exact, alternate or abbreviation readings of a name."""
    covered = [False] * len(doc)
    for p in places:
        covered[p.start:p.end] = [True] * (p.end - p.start)
    place_starts = {p.start for p in places}
    place_ends = {p.end - 1 for p in places}
    place_texts = {p.text for p in places}
    lower_words = lower_case_words(doc)
    out: list[tuple[int, int, str, list[str]]] = []
    in_entity = [False] * len(doc)

    def add(start: int, end: int, label: str) -> bool:
        matches = known(doc[start:end].text)
        if not matches:
            return False
        feats = candidate_features(
            doc, start, end, label=label, gazetteer=gazetteer_features(matches),
            place_starts=place_starts, place_ends=place_ends, place_texts=place_texts,
            person_words=person_words, surnames=surnames, lower_words=lower_words,
            headline=headline[start])
        out.append((start, end, matches[0].place.feature_class, feats))
        return True

    for ent in doc.ents:
        in_entity[ent.start:ent.end] = [True] * (ent.end - ent.start)
        if ent.label_ in _SKIP_LABELS:
            continue
        start = ent.start + 1 if ent[0].lower_ == "the" and len(ent) > 1 else ent.start
        if ent.end - start > MAX_TOKENS + 2 or any(covered[start:ent.end]) \
                or not all(cap[start:ent.end]):
            continue
        add(start, ent.end, ent.label_)
    i = 0
    while i < len(doc):
        if in_entity[i] or covered[i] or not cap[i] or stop_start[i]:
            i += 1
            continue
        for j in range(min(len(doc), i + MAX_TOKENS), i, -1):
            if any(in_entity[i:j]) or any(covered[i:j]) or not all(cap[i:j]):
                continue
            if add(i, j, "NONE"):
                i = j
                break
        else:
            i += 1
    return sorted(out)
