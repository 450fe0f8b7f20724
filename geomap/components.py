"""spaCy components of geomap, registered as factories (importing this module registers them).

``geomap_gazetteer_ruler`` finds place names the statistical NER misses or mislabels:
facilities (air bases, mosques, palaces), and names the model tagged as an organisation or a
person although the gazetteer knows them as a facility. Add it to your own pipeline with
``nlp.add_pipe("geomap_gazetteer_ruler", after="ner")`` after ``import geomap.components``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

if TYPE_CHECKING:
    from gazetteer import Gazetteer

PLACE_LABELS = ("GPE", "LOC", "FAC")
#: Entity labels a gazetteer facility name may replace: the small model often calls a mosque
#: an ORG or an air base a PERSON.
RELABELLABLE = ("ORG", "PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT")
MAX_NAME_TOKENS = 5
#: Feature codes (GeoNames style) whose names are specific enough to tag without the model's help.
FACILITY_CLASSES = ("S",)
LABEL_BY_CLASS = {"S": "FAC", "H": "LOC", "T": "LOC", "L": "LOC", "A": "GPE", "P": "GPE"}


class GazetteerRuler:
    """Tag spans of capitalised tokens that the gazetteer knows as significant places."""

    def __init__(self, nlp: Language, name: str, *, gazetteer_path: str | None = None,
                 min_population: int = 100_000, gazetteer: Gazetteer | None = None) -> None:
        self.name = name
        self.gazetteer_path = gazetteer_path
        self.min_population = min_population
        self._gazetteer = gazetteer
        self._cache: dict[str, str | None] = {}

    def __getstate__(self) -> dict[str, object]:
        # spaCy's multiprocessing pickles the pipeline; a worker reopens the store by path.
        state = dict(self.__dict__)
        state["_gazetteer"] = None
        return state

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from gazetteer import Gazetteer, open_gazetteer

            self._gazetteer = (Gazetteer(self.gazetteer_path) if self.gazetteer_path
                               else open_gazetteer())
        return self._gazetteer

    def label_for(self, text: str, *, facilities_only: bool) -> str | None:
        """The entity label for ``text`` if the gazetteer knows it as a notable place."""
        key = f"{facilities_only}\x00{text}"
        if key in self._cache:
            return self._cache[key]
        label: str | None = None
        for match in self.gazetteer.lookup(text, fuzzy=False, limit=5):
            if match.match_type not in ("exact", "alternate", "folded"):
                continue
            place = match.place
            if place.feature_class in FACILITY_CLASSES:
                label = "FAC"
                break
            if facilities_only:
                continue
            if place.feature_class in ("A", "L") or place.population >= self.min_population:
                label = LABEL_BY_CLASS.get(place.feature_class, "GPE")
                break
        self._cache[key] = label
        return label

    def __call__(self, doc: Doc) -> Doc:
        taken = [False] * len(doc)
        for ent in doc.ents:
            if ent.label_ not in RELABELLABLE:
                for i in range(ent.start, ent.end):
                    taken[i] = True
        found: list[Span] = []
        for ent in doc.ents:
            if ent.label_ in RELABELLABLE and self.label_for(ent.text, facilities_only=True):
                found.append(Span(doc, ent.start, ent.end, label="FAC"))
        for start, token in enumerate(doc):
            if taken[start] or not (token.is_title or token.is_upper) or not token.is_alpha:
                continue
            if token.ent_type_ in RELABELLABLE or (token.is_sent_start and token.is_stop):
                continue
            for end in range(min(len(doc), start + MAX_NAME_TOKENS), start, -1):
                if any(taken[start:end]) or not (doc[end - 1].is_title or doc[end - 1].is_upper):
                    continue
                label = self.label_for(doc[start:end].text, facilities_only=True)
                if label:
                    found.append(Span(doc, start, end, label=label))
                    break
        if found:
            kept = [e for e in doc.ents if not any(e.start < f.end and f.start < e.end for f in found)]
            doc.ents = filter_spans(kept + found)
        return doc


@Language.factory(
    "geomap_gazetteer_ruler",
    default_config={"gazetteer_path": None, "min_population": 100_000},
)
def make_gazetteer_ruler(nlp: Language, name: str, gazetteer_path: str | None,
                         min_population: int) -> GazetteerRuler:
    return GazetteerRuler(nlp, name, gazetteer_path=gazetteer_path, min_population=min_population)
