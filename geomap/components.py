"""spaCy components of geomap, registered as spaCy factories (``spacy_factories`` entry points).

``geomap_gazetteer_ruler`` decides which spans of a parsed document are place names and writes
them to ``doc.spans["geomap_places"]`` (a span group, so a place may sit inside an
organisation's name: "Texas" in "Texas Department of Health"). It starts from the model's
GPE/LOC/FAC entities and, with the gazetteer's help:

* adds adjectival and demonym mentions the model calls NORP ("Syrian", "Russians");
* adds places inside other entities ("Ohio" in "Ohio State University", "Oxford" in "Oxford
  Police") and entities that are wholly a known place although labelled ORG or PERSON
  ("Edmonton" for a sports team, a town the model took for a surname) when the document
  uses the same name as a place elsewhere or after a locative preposition;
* tags facilities (air bases, mosques, palaces) and significant places the model missed;
* drops place entities that are a part of a person's name in the same document ("Georgia"
  after "Georgia Stevens").

``doc.ents`` keeps the model's entities (so organisations and persons stay available to
other components), except that facility names the model mislabelled become FAC.
Add it to your own pipeline with ``nlp.add_pipe("geomap_gazetteer_ruler", after="ner")``:
spaCy finds the factory through geomap's ``spacy_factories`` entry point (config:
``spans_key``, ``gazetteer_path``, ``min_population``, ``min_inner_population``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy
import srsly
from spacy import util as spacy_util
from spacy.attrs import (
    ENT_IOB,
    IS_ALPHA,
    IS_DIGIT,
    IS_LOWER,
    IS_PUNCT,
    IS_STOP,
    IS_TITLE,
    IS_UPPER,
    LENGTH,
    LOWER,
    SENT_START,
)
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.pipeline.span_ruler import overlapping_labeled_spans_score
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from geomap.lexicon import (
    DATELINE_MARKS,
    DOTTED_COUNTRY_ABBREVIATIONS,
    GENERIC_WORDS,
    GROUP_NOUNS,
    INSIDE,
    LANGUAGE_CUES,
    LOCAL_NOUNS,
    LOCATIVE,
    REGION_ABBREVIATIONS,
    RELATIVE_NOUNS,
    RESIDENT_NOUNS,
    ROAD_WORDS,
    ROLE_NOUNS,
    SETTLEMENT_KINDS,
    SPEECH_VERBS,
    STREET_WORDS,
    THOROUGHFARE_WORDS,
    TITLES,
    demonym_stems,
)
from geomap.recognition import after_title, lower_case_words, rescue_candidates, split_title
from geomap.recognition import default_model as default_recogniser

if TYPE_CHECKING:
    from spacy.training import Example

    from gazetteer import Gazetteer
    from gazetteer.model import Match

#: The span group the ruler writes and :func:`geomap.mentions.extract_mentions` reads.
SPAN_KEY = "geomap_places"
PLACE_LABELS = ("GPE", "LOC", "FAC")
#: Label of adjectival/demonym place mentions ("Syrian") in the span group.
DEMONYM_LABEL = "NORP"
#: Entity labels a gazetteer facility name may replace: the small model often calls a mosque
#: an ORG or an air base a PERSON.
RELABELLABLE = ("ORG", "PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT")
#: Entities whose words may contain a place name ("Ohio" in "Ohio State University").
CONTAINERS = ("ORG", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "NORP", "PERSON")
MAX_NAME_TOKENS = 5
#: Names whose gazetteer readings the second look keeps at most (then it starts over).
READING_CACHE_SIZE = 20_000
#: Feature codes (GeoNames style) whose names are specific enough to tag without the model's help.
FACILITY_CLASSES = ("S",)
LABEL_BY_CLASS = {"S": "FAC", "H": "LOC", "T": "LOC", "L": "LOC", "A": "GPE", "P": "GPE"}
MATCH_OK = ("exact", "alternate", "abbreviation")


class GazetteerRuler(Pipe):
    """Find the place-name spans of a document (see the module docstring).

    A spaCy pipe in the manner of :class:`spacy.pipeline.SpanRuler`: it writes
    ``doc.spans[spans_key]``; :meth:`initialize` opens the gazetteer (building the store on
    first use) so that the first document does not wait for it; :meth:`to_disk` /
    :meth:`from_disk` save and load its settings with the pipeline (the gazetteer store is
    referred to by path, not copied); :meth:`score` scores its spans against gold spans.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> ruler = nlp.add_pipe("geomap_gazetteer_ruler", config={"spans_key": "places"})
    >>> ruler.spans_key
    'places'
    """

    def __init__(self, nlp: Language, name: str = "geomap_gazetteer_ruler", *,
                 spans_key: str = SPAN_KEY, gazetteer_path: str | None = None,
                 min_population: int = 100_000, min_inner_population: int = 15_000,
                 second_look: bool = True, gazetteer: Gazetteer | None = None,
                 scorer: Callable[..., dict[str, Any]] | None = overlapping_labeled_spans_score,
                 ) -> None:
        self.name = name
        self.spans_key = spans_key
        self.gazetteer_path = gazetteer_path
        self.min_population = min_population
        self.min_inner_population = min_inner_population
        self.scorer = scorer
        self._gazetteer = gazetteer
        self.second_look = second_look
        self._cache: dict[tuple[str, str], str | None] = {}
        self._reading_cache: dict[str, tuple[Match, ...]] = {}

    def __getstate__(self) -> dict[str, object]:
        # spaCy's multiprocessing pickles the pipeline; a worker reopens the store by path.
        state = dict(self.__dict__)
        state["_gazetteer"] = None
        state["_cache"] = {}  # a worker fills its own caches
        state["_reading_cache"] = {}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pipe is an extension type: pickle through __getstate__/__setstate__ explicitly.
        return (_new_ruler, (), self.__getstate__())

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from gazetteer import Gazetteer, open_gazetteer

            self._gazetteer = (Gazetteer(self.gazetteer_path) if self.gazetteer_path
                               else open_gazetteer())
        return self._gazetteer

    # -- spaCy's component protocol -------------------------------------------------------
    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, gazetteer_path: str | None = None) -> None:
        """Open the gazetteer now (``nlp.initialize()``), optionally from another store."""
        if gazetteer_path is not None and gazetteer_path != self.gazetteer_path:
            self.gazetteer_path = str(gazetteer_path)
            self._gazetteer = None
            self._cache.clear()
            self._reading_cache.clear()
        _ = self.gazetteer

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        """Precision, recall and F1 of the place spans (``spans_{spans_key}_p/r/f``)."""
        if self.scorer is None:
            return {}
        return self.scorer(examples, spans_key=self.spans_key, **kwargs)

    def _settings(self) -> dict[str, Any]:
        return {"spans_key": self.spans_key, "gazetteer_path": self.gazetteer_path,
                "min_population": self.min_population,
                "min_inner_population": self.min_inner_population,
                "second_look": self.second_look}

    def _apply(self, settings: dict[str, Any]) -> None:
        self.spans_key = str(settings.get("spans_key", self.spans_key))
        path = settings.get("gazetteer_path", self.gazetteer_path)
        if path != self.gazetteer_path:
            self._gazetteer = None
        self.gazetteer_path = path
        self.min_population = int(settings.get("min_population", self.min_population))
        self.min_inner_population = int(settings.get("min_inner_population",
                                                     self.min_inner_population))
        self.second_look = bool(settings.get("second_look", self.second_look))
        self._cache.clear()
        self._reading_cache.clear()

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return spacy_util.to_bytes({"cfg": lambda: srsly.json_dumps(self._settings())}, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> GazetteerRuler:
        spacy_util.from_bytes(bytes_data, {"cfg": lambda b: self._apply(srsly.json_loads(b))},
                              exclude)
        return self

    def to_disk(self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()) -> None:
        """Save the settings as ``cfg.json`` in the directory ``path``."""
        spacy_util.to_disk(spacy_util.ensure_path(path), {
            "cfg.json": lambda p: srsly.write_json(p, self._settings())}, exclude)

    def from_disk(self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()
                  ) -> GazetteerRuler:
        spacy_util.from_disk(spacy_util.ensure_path(path), {
            "cfg.json": lambda p: self._apply(srsly.read_json(p))}, exclude)
        return self

    # -- what the gazetteer says about a name ---------------------------------------------
    def label_for(self, text: str, *, facilities_only: bool = False, kind: str | None = None
                  ) -> str | None:
        """The label for ``text`` if the gazetteer knows it as a notable place, else None.

        ``kind`` selects the test: ``"facility"`` (curated facilities only), ``"admin"``
        (countries, regions, first-level divisions), ``"standalone"``
        (significant enough to tag wherever it is written: countries, regions, first-level
        divisions, cities of ``min_population``), ``"inner"`` (inside another entity: also
        towns of ``min_inner_population``), ``"evidenced"`` (as ``"inner"``, for a name the text
        writes as a place: a town's other spellings too), ``"dateline"`` and ``"settlement"``
        (a dateline's name, or one after "the town of": any town, in any spelling and case
        for a dateline) or ``"demonym"`` (an adjective or people of a country or region).
        """
        kind = kind or ("facility" if facilities_only else "standalone")
        key = (kind, text)
        if key in self._cache:
            return self._cache[key]
        label: str | None = None
        # Short all-capital words are mostly acronyms (CNN, PKK): as places only when they
        # abbreviate a country or a state ("US", "UAE").
        letters = text.replace(".", "")
        acronym = text.isupper() and len(letters) <= 4 and kind in (
            "inner", "evidenced", "settlement", "standalone", "admin")
        if kind == "facility" or text.lower() not in GENERIC_WORDS:
            for match in self.gazetteer.lookup(text, fuzzy=False, limit=8):
                # Two capital letters without dots are mostly initials (BA, MW): a country
                # only when it is one that prose abbreviates so ("US", "UK").
                if acronym and len(letters) == len(text) == 2 and (
                        match.place.population < 50_000_000 or match.match_type != "abbreviation"):
                    continue
                # A code written with dots ("T.R.", "D.E.") is a person's initials unless
                # prose abbreviates the country or state so ("U.S.", "U.K.", "S.C.").
                if (match.match_type == "abbreviation" and "." in text
                        and text not in DOTTED_COUNTRY_ABBREVIATIONS
                        and text.replace(" ", "") not in REGION_ABBREVIATIONS):
                    continue
                label = self._judge(match.place, match.match_type, "admin" if acronym else kind)
                if label:
                    break
        self._cache[key] = label
        return label

    def _judge(self, place: object, match_type: str, kind: str) -> str | None:
        from gazetteer import Place

        assert isinstance(place, Place)
        fcl, code = place.feature_class, place.feature_code
        if kind == "demonym":
            if match_type == "demonym" or (match_type in MATCH_OK and code.startswith("PCL")):
                return DEMONYM_LABEL
            return None
        # An all-capital dateline carries no case: its name matches however it is folded.
        if match_type not in MATCH_OK and not (match_type == "folded"
                                               and kind in ("facility", "dateline")):
            return None
        if fcl in FACILITY_CLASSES and place.source.startswith("curated"):
            return "FAC"
        if kind == "facility":
            return None
        if code.startswith("PCL") or code in ("CONT", "RGN", "ADM1", "TERR"):
            return LABEL_BY_CLASS.get(fcl, "GPE")
        if kind == "admin":
            return None
        # A dateline names the place the story comes from, and "the town of X" says what X is:
        # any town the gazetteer knows.
        floor = {"standalone": self.min_population, "dateline": 0, "settlement": 0}.get(
            kind, self.min_inner_population)
        # Alternate names of towns are mostly foreign spellings ("Hamas" for Hamm): only a
        # big city's alternate name is read as that city, or a town's where the text writes
        # the name as a place ("in Khan Yarin", the model having taken it for a person) or
        # as a dateline.
        if fcl in ("P", "A") and place.population >= floor and (
                match_type != "alternate" or place.population >= 1_000_000
                or kind in ("evidenced", "dateline", "settlement")):
            return "GPE"
        return None

    # -- the component --------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        flags = _Flags.of(doc)
        if self._relabel_facilities(doc, flags):
            flags = _Flags.of(doc)
        person_words = self._person_words(doc)
        places: list[Span] = []
        for ent in doc.ents:
            if (whole_word := self._hyphened_name(doc, ent)) is not None:
                places.append(whole_word)
                continue
            if (len(ent) == 1 and ent.label_ in ("FAC", "LOC") and ent[0].lower_ in GENERIC_WORDS
                    and not ent.text.isupper() and not self._water_or_region(ent.text)):
                # "Olympic", "Metro", "North", "Earth": a common word, not a place name.
                continue
            if (len(ent) == 1 and ent.label_ in PLACE_LABELS and not _after_locative(ent)
                    and not self._named_anything(ent.text)):
                # One word that no place is called, not even nearly ("Saakashvili", "meth",
                # "Petrojet"), and not written as a place ("in Kfraya"): a surname or a brand.
                continue
            if ent.label_ == "FAC" and not self._known(ent.text):
                # Streets, numbered roads and buildings are not places of their own; a town
                # in their name is.
                if ent[-1].lower_ in STREET_WORDS:
                    places.extend(self._inner_places(doc, flags, ent.start, ent.end - 1))
                elif ent[-1].like_num or ent[0].lower_ in ROAD_WORDS:
                    places.extend(self._inner_places(doc, flags, ent.start, ent.end))
                else:
                    places.append(ent)
            elif ent.label_ in PLACE_LABELS:
                if not (len(ent) == 1 and _hyphened_to_person(ent)):
                    places.append(ent)
            elif ent.label_ == "NORP":
                if self.label_for(ent.text, kind="demonym") or self._made_from_place(ent.text):
                    if not _language_use(ent):
                        places.append(Span(doc, ent.start, ent.end, label=DEMONYM_LABEL))
                elif whole := self.label_for(ent.text, kind="standalone"):
                    # A city or country name the model called a group ("the Sochi mayoral
                    # election"): not a demonym, so it is the place itself.
                    places.append(Span(doc, ent.start, ent.end, label=whole))
                else:
                    places.extend(self._inner_places(doc, flags, ent.start, ent.end))
        named = {p.text for p in places if p.label_ != DEMONYM_LABEL}
        for ent in doc.ents:
            if ent.label_ in PLACE_LABELS or ent.label_ == "NORP" or ent.label_ not in CONTAINERS:
                continue
            # A whole organisation entity named like a country, state or city is taken as
            # that place (a team called by its city); a smaller town, or a person entity, only
            # when the text says so: the same name is a place elsewhere in it, or it follows
            # "in", "at", "from"... (a town the model took for a surname).
            # A one-word "person" never named in full in the text, before "police", "schools",
            # "council" ("Alexandria police"), is the town: people are introduced by full name.
            named_as_place = ent.text in named or _before_resident_noun(ent) or (
                len(ent) == 1 and ent.text not in person_words
                and _before_resident_noun(ent, LOCAL_NOUNS))
            evidence = named_as_place or _after_locative(ent)
            whole = self.label_for(ent.text, kind="admin")
            if not whole and _after_settlement_kind(doc, ent.start):
                # "the town of Datu Kel", the model having taken the name for a person's
                whole = self.label_for(ent.text, kind="settlement")
                evidence = evidence or bool(whole)
            if not whole:
                # A town's other spelling too where the text writes it as a place ("in Khan
                # Yarin"), not after "to" or "from" alone ("a message to Hamas" is no Hamm).
                kind = ("evidenced" if named_as_place or _inside_place(ent) else "inner") \
                    if evidence else "standalone"
                whole = self.label_for(ent.text, kind=kind)
            if whole and (ent.label_ != "PERSON" or evidence):
                places.append(Span(doc, ent.start, ent.end, label=whole))
            elif ent.label_ != "PERSON":
                places.extend(self._inner_places(doc, flags, ent.start, ent.end))
        headline = _headline_mask(flags)
        places.extend(self._untagged_places(doc, flags, headline))
        places.extend(self._datelines(doc))
        places.extend(self._region_abbreviations(doc, places))
        places.extend(self._before_container(doc, flags, places))
        places.extend(self._repeated_places(doc, flags, places))
        # One word that is also a person's first or last name in this text ("Lincoln" after
        # "Abraham Lincoln"), or that follows a title ("President Saakashvili"), is a person.
        # So is one named as someone's relative ("his wife, Bethany,"), throughout the text,
        # unless it is a country's, a state's or a city's name ("her son, Jordan, …").
        relatives = {p.text for p in places if p.label_ != DEMONYM_LABEL and _after_relative(p)
                     and not self.label_for(p.text, kind="standalone")}
        places = [p for p in places if len(p) > 1 or p.label_ == DEMONYM_LABEL
                  or not (p.text in person_words or p.text in relatives
                          or after_title(p.doc, p.start))]
        # A name the text writes after a title ("Ms. Moayyad", "Gov. Pawlenty") is a surname
        # throughout, and a one-word "place" right before it is a first name ("Nadia Moayyad").
        # A city's name stays a place ("known as 'Mr. Arlington'").
        titled = _titled_names(doc)
        surnames = {w for w in titled if not self.label_for(w, kind="standalone")}
        if surnames:
            places = [p for p in places if len(p) > 1 or p.label_ == DEMONYM_LABEL
                      or not (p.text in surnames or _before_surname(p, surnames))]
        # A town's name before "militia", "gangs", "rebels" names a group ("Fano militia
        # fighters clashed"), throughout the text, unless it is a big city's or the text also
        # writes it as a place ("in Fano").
        groups = {p.text for p in places if p.label_ != DEMONYM_LABEL and p.end < len(doc)
                  and doc[p.end].lower_ in GROUP_NOUNS
                  and not self.label_for(p.text, kind="standalone")}
        groups -= {p.text for p in places if _after_locative(p, INSIDE)}
        if groups:
            places = [p for p in places if p.label_ == DEMONYM_LABEL or p.text not in groups]
        # A place name that opens a street's name ("6016 Dublin Road", "Augusta St.") or a
        # product's ("a Toyota Camry") is part of that name, not the place.
        places = [p for p in places if p.label_ == DEMONYM_LABEL
                  or not (_before_thoroughfare(p) or _before_product(p))]
        # A building that speaks, decides or employs is the institution in it ("the Kremlin
        # said", "the White House's decision", "Pentagon officials"): metonymy, not a place.
        places = [p for p in places if p.label_ != "FAC" or not _institution_use(p)]
        places = filter_spans(places)
        if self.second_look and (model := default_recogniser()) is not None:
            for start, end, fcl, feats in self._second_look(doc, flags, places, person_words,
                                                            headline, titled):
                if model.probability(feats) >= model.threshold:
                    places.append(Span(doc, start, end, label=LABEL_BY_CLASS.get(fcl, "GPE")))
        doc.spans[self.spans_key] = sorted(filter_spans(places), key=lambda s: s.start)
        return doc

    def second_look_candidates(self, doc: Doc) -> list[tuple[int, int, str, list[str]]]:
        """The names of a processed document that :mod:`geomap.recognition` would look at
        again, with their features (``tests/fit_recogniser.py`` fits on them). The document
        must have been processed with ``second_look`` off: names the second look added would
        be missing, and the features of the others would differ."""
        places = list(doc.spans[self.spans_key]) if self.spans_key in doc.spans else []
        flags = _Flags.of(doc)
        return self._second_look(doc, flags, places, self._person_words(doc),
                                 _headline_mask(flags), _titled_names(doc))

    def _second_look(self, doc: Doc, flags: _Flags, places: list[Span], person_words: set[str],
                     headline: list[bool], titled: set[str]
                     ) -> list[tuple[int, int, str, list[str]]]:
        return rescue_candidates(doc, places, known=self._readings, cap=flags.cap,
                                 stop_start=flags.stop_start, headline=headline,
                                 person_words=person_words, surnames=titled)

    def _readings(self, text: str) -> tuple[Match, ...]:
        """The gazetteer's readings of ``text`` as written (exact, alternate, abbreviation);
        none for common words ("Police", "University")."""
        if text not in self._reading_cache:
            if len(self._reading_cache) >= READING_CACHE_SIZE:
                self._reading_cache.clear()  # a long run: start over rather than grow
            self._reading_cache[text] = () if text.lower() in GENERIC_WORDS else tuple(
                m for m in self.gazetteer.lookup(text, fuzzy=False, limit=8)
                if m.match_type in MATCH_OK)
        return self._reading_cache[text]

    def _known(self, text: str) -> bool:
        """Whether the gazetteer has the name as written (any kind of place)."""
        key = ("known", text)
        if key not in self._cache:
            found = any(m.match_type in MATCH_OK
                        for m in self.gazetteer.lookup(text, fuzzy=False, limit=3))
            self._cache[key] = "yes" if found else None
        return self._cache[key] is not None

    def _relabel_facilities(self, doc: Doc, flags: _Flags) -> bool:
        """Curated facility names the model mislabelled (ORG, PERSON…) become FAC entities."""
        found = [Span(doc, e.start, e.end, label="FAC") for e in doc.ents
                 if e.label_ in RELABELLABLE and self.label_for(e.text, kind="facility")]
        taken = _token_mask(doc, (e for e in doc.ents if e.label_ not in RELABELLABLE))
        found.extend(self._scan(doc, flags, 0, len(doc), kind="facility", taken=taken))
        if found:
            kept = [e for e in doc.ents if not any(e.start < f.end and f.start < e.end for f in found)]
            doc.ents = filter_spans(kept + found)
        return bool(found)

    def _inner_places(self, doc: Doc, flags: _Flags, start: int, end: int) -> list[Span]:
        """Place names inside an entity, not the whole entity (that needs evidence).

        A continent, macro-region or ocean inside an organisation's name ("DKMS Americas",
        "Asia Pacific Fund") names the part of the world it serves, not a place of the story.
        """
        return [s for s in self._scan(doc, flags, start, end, kind="inner", demonyms=True)
                if (s.start, s.end) != (start, end)
                and (s.label_ == DEMONYM_LABEL or not self._macro_region(s.text))]

    def _untagged_places(self, doc: Doc, flags: _Flags, headline: list[bool]) -> list[Span]:
        """Significant places in text the model left untagged (not in title-case headlines,
        ``headline`` being :func:`_headline_mask` of ``flags``)."""
        taken = [e or u for e, u in zip(flags.in_entity, flags.short_upper, strict=True)]
        body = [t or h for t, h in zip(taken, headline, strict=True)]
        found = self._scan(doc, flags, 0, len(doc), kind="standalone", taken=body)
        # A smaller town where local news says "Winona man", "Lancaster woman", or where the
        # text names its kind: "the town of Dorra", "the port city of Mersa Kel".
        found += [s for s in self._scan(doc, flags, 0, len(doc), kind="inner", taken=taken)
                  if _before_resident_noun(s, LOCAL_NOUNS)
                  and not any(f.start < s.end and s.start < f.end for f in found)]
        # (scanned only where the kind's words end: the longest name that starts there)
        for i in (i for i in range(2, len(doc)) if _after_settlement_kind(doc, i)):
            found += [s for s in self._scan(doc, flags, i, min(len(doc), i + MAX_NAME_TOKENS),
                                            kind="settlement", taken=taken)
                      if s.start == i
                      and not any(f.start < s.end and s.start < f.end for f in found)]
        # In a title-case headline every word looks like a name: only countries and states.
        heads = [t or not h for t, h in zip(taken, headline, strict=True)]
        found += self._scan(doc, flags, 0, len(doc), kind="admin", taken=heads)
        # A capital that only opens the sentence, of a word the text also writes in lower case
        # ("Grenade blast wounds three … lobbed a grenade"), is that word, unless the place is
        # written so itself (not only in another language's spelling: Grenada's "Grenade").
        openers = {s.start for s in found if len(s) == 1 and flags.sent_start[s.start]}
        lower = lower_case_words(doc) if openers else set()
        return [s for s in found if not (
            len(s) == 1 and s.start in openers and s.text.lower() in lower
            and not self._exact_label(s.text, kind="standalone"))]

    def _exact_label(self, text: str, *, kind: str) -> str | None:
        """:meth:`label_for` over the places written exactly so (no other spellings)."""
        for match in self.gazetteer.lookup(text, fuzzy=False, limit=8):
            if match.match_type == "exact" and (label := self._judge(match.place, "exact", kind)):
                return label
        return None

    def _before_container(self, doc: Doc, flags: _Flags, places: list[Span]) -> list[Span]:
        """A town written before its state or country: "Greer, South Carolina", "Tega Cay, S.C."."""
        covered = _token_mask(doc, places)
        found: list[Span] = []
        for p in places:
            if (p.label_ != "GPE" or p.start < 2 or doc[p.start - 1].text != ","
                    or not self.label_for(p.text, kind="admin")):
                continue
            end = p.start - 1
            for start in range(max(0, end - 3), end):
                span = doc[start:end]
                if (not any(covered[start:end]) and all(flags.cap[k] for k in range(start, end))
                        and self.label_for(span.text, kind="inner")):
                    found.append(Span(doc, start, end, label="GPE"))
                    break
        return found

    def _named_anything(self, text: str) -> bool:
        """Whether any place is called ``text`` (as written, folded, fuzzily or abbreviated);
        all-capital short words are acronyms and are judged elsewhere."""
        if text.isupper() and len(text) <= 4 or text.replace(" ", "") in REGION_ABBREVIATIONS:
            return True
        key = ("anything", text)
        if key not in self._cache:
            self._cache[key] = "yes" if self.gazetteer.lookup(text, limit=1) else None
        return self._cache[key] is not None

    def _water_or_region(self, text: str) -> bool:
        """Whether the gazetteer has ``text`` itself as a sea, ocean, continent or region."""
        key = ("water", text)
        if key not in self._cache:
            self._cache[key] = "yes" if any(
                m.match_type in MATCH_OK and (m.place.feature_class == "H"
                                              or m.place.feature_code in ("CONT", "RGN"))
                for m in self.gazetteer.lookup(text, fuzzy=False, limit=8)) else None
        return self._cache[key] is not None

    def _macro_region(self, text: str) -> bool:
        """Whether the gazetteer's first reading of ``text`` is a continent, macro-region or
        body of water ("Americas", "Asia", "Pacific"; not "Ohio", "Jordan")."""
        key = ("macro", text)
        if key not in self._cache:
            found = [m for m in self.gazetteer.lookup(text, fuzzy=False, limit=3)
                     if m.match_type in MATCH_OK]
            self._cache[key] = "yes" if found and (
                found[0].place.feature_class == "H"
                or found[0].place.feature_code in ("CONT", "RGN", "RGNE")) else None
        return self._cache[key] is not None

    def _made_from_place(self, text: str) -> bool:
        """A people or adjective made from a country, state or region name the demonym table
        lacks ("Minnesotans", "Ohioans", "Texan", "European", "South Ossetians")."""
        if not text[:1].isupper() or text.isupper():
            return False
        return any(self.label_for(stem, kind="admin") for stem in demonym_stems(text))

    def _region_abbreviations(self, doc: Doc, places: list[Span]) -> list[Span]:
        """A state or province abbreviation after a place and a comma: "Fargo, N.D.",
        "Wheeling, W. Va.", "Red Deer, Alta." (the model often leaves it untagged)."""
        found: list[Span] = []
        covered = _token_mask(doc, places)
        for p in places:
            i = p.end
            if p.label_ == DEMONYM_LABEL or i + 1 >= len(doc) or doc[i].text != ",":
                continue
            for j in range(min(len(doc), i + 4), i + 1, -1):
                if any(covered[i + 1:j]):
                    continue
                if doc[i + 1:j].text.replace(" ", "") in REGION_ABBREVIATIONS:
                    found.append(Span(doc, i + 1, j, label="GPE"))
                    break
        return found

    def _hyphened_name(self, doc: Doc, ent: Span) -> Span | None:
        """The whole hyphenated word an entity is part of, when the gazetteer knows that word
        as a place ("Mazar" of "Mazar-i-Sharif", a Jordanian hamlet's name alone)."""
        start, end = ent.start, ent.end
        while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ \
                and not doc[start - 1].whitespace_ and doc[start - 2].is_alpha:
            start -= 2
        while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
                and not doc[end].whitespace_ and doc[end + 1].is_alpha:
            end += 2
        if (start, end) == (ent.start, ent.end):
            return None
        label = self.label_for(doc[start:end].text,
                               kind="evidenced" if ent.label_ in PLACE_LABELS else "standalone")
        return Span(doc, start, end, label=label) if label else None

    def _datelines(self, doc: Doc) -> list[Span]:
        """The place of a dateline: "BEIRUT: ...", "NEWARK -- ...", "COLUMBUS, Ohio (AP) —".

        Capital letters at the start of a sentence or line, then a colon, dash, comma or
        parenthesis; the name in title case must be a place the gazetteer knows.
        """
        found: list[Span] = []
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            starts = i == 0 or tok.is_sent_start or "\n" in doc[i - 1].text_with_ws[-1:] \
                or doc[i - 1].ent_type_ == "DATE"
            if not (starts and tok.is_alpha and tok.is_upper and len(tok) >= 3):
                i += 1
                continue
            j = i + 1
            while j < n and sum(t.text != "-" for t in doc[i:j]) < 4 and (
                    (doc[j].is_alpha and doc[j].is_upper)
                    or (doc[j].text == "-" and not doc[j - 1].whitespace_ and j + 1 < n
                        and doc[j + 1].is_alpha and doc[j + 1].is_upper)):  # WINSTON-SALEM
                j += 1
            if j < n and doc[j].text in DATELINE_MARKS:
                name = "".join(t.text.capitalize() + t.whitespace_ for t in doc[i:j]).strip()
                label = self.label_for(name, kind="dateline")
                if label:
                    found.append(Span(doc, i, j, label=label))
            i = j
        return found

    def _repeated_places(self, doc: Doc, flags: _Flags, places: list[Span]) -> list[Span]:
        """Other occurrences of names already found as places ("Alexandria woman charged…"
        in a headline the model read as a person, when the story says "in Alexandria")."""
        names: dict[str, set[int]] = {}
        for p in places:
            # Only names the gazetteer knows: a surname the model once took for a place
            # must not spread through the whole article.
            if p.label_ != DEMONYM_LABEL and len(p) <= MAX_NAME_TOKENS and self._known(p.text):
                names.setdefault(p[0].text, set()).add(len(p))
        if not names:
            return []
        covered = _token_mask(doc, places)
        person = _token_mask(doc, (e for e in doc.ents if e.label_ == "PERSON" and len(e) > 1))
        texts = {p.text: p.label_ for p in places if p.label_ != DEMONYM_LABEL}
        found: list[Span] = []
        for i in range(len(doc)):
            if covered[i] or person[i] or not flags.cap[i]:
                continue
            first = doc[i].text
            if first not in names:
                continue
            for n in sorted(names[first], reverse=True):
                if i + n <= len(doc) and not any(covered[i:i + n]) and not any(person[i:i + n]):
                    span = doc[i:i + n]
                    if span.text in texts:
                        found.append(Span(doc, i, i + n, label=texts[span.text]))
                        covered[i:i + n] = [True] * n
                        break
        return found

    def _scan(self, doc: Doc, flags: _Flags, start: int, end: int, *, kind: str,
              demonyms: bool = False, taken: list[bool] | None = None) -> list[Span]:
        """Longest capitalised n-grams in tokens [start, end) that pass ``kind``."""
        found: list[Span] = []
        cap = flags.cap
        i = start
        while i < end:
            if (taken is not None and taken[i]) or not cap[i] or flags.stop_start[i]:
                i += 1
                continue
            hit = None
            for j in range(min(end, i + MAX_NAME_TOKENS), i, -1):
                if not cap[j - 1] or (taken is not None and any(taken[i:j])):
                    continue
                text = doc[i:j].text
                label = self.label_for(text, kind=kind)
                if label is None and demonyms:
                    label = self.label_for(text, kind="demonym")
                if label:
                    hit = Span(doc, i, j, label=label)
                    break
            if hit is not None:
                found.append(hit)
                i = hit.end
            else:
                i += 1
        return found

    @staticmethod
    def _person_words(doc: Doc) -> set[str]:
        """First and last words of multi-word person names in the document."""
        words: set[str] = set()
        for ent in doc.ents:
            # Only names that open with a proper noun: "Rethinking Egypt" (a headline the model
            # read as a person) must not turn every "Egypt" of the story into a person.
            if ent.label_ == "PERSON" and len(ent) > 1 and ent[0].pos_ in ("PROPN", ""):
                words.add(ent[0].text)
                words.add(ent[-1].text)
        return words


@dataclass(frozen=True, slots=True)
class _Flags:
    """Per-token flags of a document, read once through ``Doc.to_array`` (Token objects are slow)."""

    cap: list[bool]          # capitalised word of two or more characters ("Paris", "U.S.")
    alpha: list[bool]
    stop_start: list[bool]   # a stop word opening a sentence ("The", "In")
    sent_start: list[bool]
    in_entity: list[bool]
    short_upper: list[bool]  # all-capital word of at most four characters (mostly acronyms)

    @classmethod
    def of(cls, doc: Doc) -> _Flags:
        cap, alpha, stop_start, sent_start, in_entity, short_upper = [], [], [], [], [], []
        rows = doc.to_array([IS_TITLE, IS_UPPER, IS_ALPHA, IS_STOP, SENT_START, LENGTH, IS_DIGIT,
                             IS_PUNCT, ENT_IOB, IS_LOWER]).tolist() if len(doc) else []
        for i, (title, upper, is_alpha, stop, sstart, length, digit, punct, iob, lower) in \
                enumerate(rows):
            first = i == 0 or sstart == 1
            # Mixed case that opens with a capital is a name too: "DeKalb", "McLean", "LaGrange".
            mixed = bool(is_alpha) and not (title or upper or lower) and doc[i].text[:1].isupper()
            cap.append(bool(title or upper or mixed) and length > 1
                       and bool(is_alpha or not (digit or punct)))
            alpha.append(bool(is_alpha))
            stop_start.append(first and bool(stop))
            sent_start.append(first)
            in_entity.append(iob in (1, 3))
            short_upper.append(bool(upper) and length <= 4)
        return cls(cap, alpha, stop_start, sent_start, in_entity, short_upper)


def _headline_mask(flags: _Flags) -> list[bool]:
    """Tokens of title-case sentences (headlines), where every word looks like a name."""
    n = len(flags.cap)
    headline = [False] * n
    bounds = [i for i, s in enumerate(flags.sent_start) if s] + [n]
    for a, b in zip(bounds, bounds[1:], strict=False):
        words = [i for i in range(a, b) if flags.alpha[i]]
        if len(words) >= 4 and sum(flags.cap[i] for i in words) >= 0.7 * len(words):
            headline[a:b] = [True] * (b - a)
    return headline


def _hyphened_to_person(span: Span) -> bool:
    """'Al' in 'Al-Assad': a name glued by a hyphen to a person's name is part of that name."""
    doc = span.doc
    for hyphen, other in ((span.end, span.end + 1), (span.start - 1, span.start - 2)):
        if 0 <= other < len(doc) and 0 <= hyphen < len(doc) and doc[hyphen].text == "-" \
                and doc[other].ent_type_ == "PERSON" and not doc[min(hyphen, other)].whitespace_:
            return True
    return False


def _language_use(span: Span) -> bool:
    """'spoke French', 'French language': a demonym naming a language, not a place."""
    doc = span.doc
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    return before in LANGUAGE_CUES or after in ("language", "languages", "speaker", "speakers",
                                                "speaking", "translation", "subtitles")


def _after_relative(span: Span) -> bool:
    """Whether one word stands in apposition to a word for a relative ("his wife, Bethany,")."""
    doc, i = span.doc, span.start - 1
    return (len(span) == 1 and i > 0 and doc[i].text == "," and span.root.dep_ == "appos"
            and doc[i - 1].lower_ in RELATIVE_NOUNS)


def _titled_names(doc: Doc) -> set[str]:
    """Capitalised words written right after a title ("Ms. Moayyad"): people's names."""
    strings = doc.vocab.strings
    titles = {strings.add(t) for t in TITLES} | {strings.add(t + ".") for t in TITLES}
    rows = doc.to_array([LOWER, IS_TITLE, IS_ALPHA]).tolist()
    found: set[str] = set()
    dot = strings.add(".")
    for i in range(len(rows) - 1):
        # Read through the array: Token objects are slow, and titles are rare.
        if rows[i][0] not in titles:
            continue
        j = i + 2 if rows[i + 1][0] == dot and split_title(doc, i + 1) else i + 1
        if rows[j][1] and rows[j][2]:
            title, name = doc[i], doc[j]
            if title.text[:1].isupper() and name.ent_type_ not in ("GPE", "LOC", "FAC"):
                found.add(name.text)
    return found


def _before_surname(span: Span, surnames: set[str]) -> bool:
    doc = span.doc
    return (span.end < len(doc) and bool(span[-1].whitespace_)
            and doc[span.end].text in surnames)


def _before_thoroughfare(span: Span) -> bool:
    """Whether a capitalised street word ("Road", "St.") follows: the span names a street.

    A county's name stays a place ("Freestone County Road 360").
    """
    doc = span.doc
    if span.end >= len(doc) or span[-1].text in ("County", "Parish", "Township"):
        return False
    nxt = doc[span.end]
    return nxt.text[:1].isupper() and nxt.lower_ in THOROUGHFARE_WORDS


def _institution_use(span: Span) -> bool:
    """Whether a facility name stands for the institution it houses, by its syntax."""
    if any(t.text in ("County", "Parish") for t in span):
        return False  # "the Vanderburgh County Sheriff's report": the county's office
    root = span.root
    head = root.head
    if root.dep_ == "nsubj" and head.pos_ == "VERB":
        return head.lemma_.lower() in SPEECH_VERBS
    if root.dep_ == "poss":
        return True
    return root.dep_ == "compound" and head.lower_ in ROLE_NOUNS


def _before_product(span: Span) -> bool:
    """Whether a one-word span opens a product entity ("a Toyota Camry"): a brand."""
    doc = span.doc
    if len(span) != 1 or span.end >= len(doc):
        return False
    nxt = doc[span.end]
    return nxt.ent_type_ == "PRODUCT" and nxt.ent_iob_ == "B"


def _token_mask(doc: Doc, spans: Iterable[Span]) -> list[bool]:
    """For each token of ``doc``, whether one of ``spans`` covers it."""
    mask = [False] * len(doc)
    for span in spans:
        mask[span.start:span.end] = [True] * len(span)
    return mask


def _before_resident_noun(span: Span, nouns: frozenset[str] = RESIDENT_NOUNS) -> bool:
    """Local-news usage: "Winona man found", "Alexandria woman charged", "Dublin schools"."""
    if span.end >= len(span.doc):
        return False
    nxt = span.doc[span.end]
    return nxt.text in nouns  # lower case as written: "Lancaster woman", not "Woman"


def _after_settlement_kind(doc: Doc, i: int) -> bool:
    """Whether token ``i`` follows 'the town of', 'the port city of', 'the village of'."""
    return i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in SETTLEMENT_KINDS


def _inside_place(span: Span) -> bool:
    """'in Khan Yarin', not 'in Smith's office' (a possessive is mostly a person's)."""
    doc = span.doc
    return _after_locative(span, INSIDE) and not (
        span.end < len(doc) and doc[span.end].lower_ in ("'s", "’s"))


def _after_locative(span: Span, words: frozenset[str] = LOCATIVE) -> bool:
    if span.start == 0:
        return False
    prev = span.doc[span.start - 1]
    return prev.lower_ in words


def place_spans(doc: Doc, labels: Iterable[str] = (*PLACE_LABELS, DEMONYM_LABEL), *,
                spans_key: str = SPAN_KEY) -> list[Span]:
    """The place spans of ``doc``: the ruler's span group if it ran, else the place entities."""
    wanted = set(labels)
    if spans_key in doc.spans:
        return [s for s in doc.spans[spans_key] if s.label_ in wanted]
    return [e for e in doc.ents if e.label_ in wanted and e.label_ != DEMONYM_LABEL]


def _new_ruler() -> GazetteerRuler:
    return GazetteerRuler.__new__(GazetteerRuler)


# Found by spaCy through the ``spacy_factories`` entry point in pyproject.toml, so
# ``nlp.add_pipe("geomap_gazetteer_ruler")`` works without importing geomap first.
@Language.factory(
    "geomap_gazetteer_ruler",
    assigns=["doc.spans", "doc.ents"],
    requires=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"spans_key": SPAN_KEY, "gazetteer_path": None, "min_population": 100_000,
                    "min_inner_population": 15_000, "second_look": True,
                    "scorer": {"@scorers": "spacy.overlapping_labeled_spans_scorer.v1"}},
    default_score_weights={f"spans_{SPAN_KEY}_f": 1.0, f"spans_{SPAN_KEY}_p": 0.0,
                           f"spans_{SPAN_KEY}_r": 0.0},
)
def make_gazetteer_ruler(nlp: Language, name: str, spans_key: str, gazetteer_path: str | None,
                         min_population: int, min_inner_population: int, second_look: bool,
                         scorer: Callable[..., dict[str, Any]] | None) -> GazetteerRuler:
    return GazetteerRuler(nlp, name, spans_key=spans_key, gazetteer_path=gazetteer_path,
                          min_population=min_population,
                          min_inner_population=min_inner_population, second_look=second_look,
                          scorer=scorer)


#: What may end a line that ends a sentence: a full stop, question or exclamation mark, maybe
#: inside a closing quote or bracket ("... he said." / "... Mr Trump?")
_LINE_END = re.compile(r"[.!?][\"'”’)\]]*$")


@Language.component("geomap_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line that starts with a capital, a digit or a quote starts a sentence when the line
    before it ends one or is a line of its own (not a wrapped line's indented continuation).

    News copy puts a headline without a full stop on its own line, then the dateline and the
    first sentence ("Gunmen abduct 12 near Brindle\nBRINDLE, Norland — ..."); the parser joins
    them into one sentence, so the headline's verbs take the body's places. Hard-wrapped text
    ("... to serve\n            three terms") is left to the parser. Add it before the parser:
    ``nlp.add_pipe("geomap_line_breaks", before="parser")``.
    """
    for tok in doc[1:-1]:
        if not (tok.is_space and "\n" in tok.text):
            continue
        nxt, prev = doc[tok.i + 1], doc[tok.i - 1]
        first = nxt.text[:1]
        if not (first.isupper() or first.isdigit() or first in "\"'“‘"):
            continue
        indented = tok.text.rsplit("\n", 1)[1] != ""
        if not indented or _LINE_END.search(prev.text):
            nxt.is_sent_start = True
    return doc


@Language.component("geomap_release_tensor")
def release_tensor(doc: Doc) -> Doc:
    """Drop the tok2vec output once the model's components are done with it.

    Nothing after parsing reads ``doc.tensor``, and it is three quarters of a serialised doc:
    without it spaCy's worker processes (``n_process``) send docs back about 4x smaller.
    """
    doc.tensor = numpy.zeros((0,), dtype="float32")
    return doc


#: Worker plumbing that lived here until it moved to :mod:`geomap.workers`.
_MOVED_TO_WORKERS = frozenset((
    "INPUT_KEY", "ANALYZER_KEY", "RESULT_KEY", "ERROR_KEY", "placeholder_doc", "DeferredInput",
    "FinishInWorker", "make_deferred_input", "make_finish_in_worker", "cheap_doc_serialization",
))


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_WORKERS:
        from geomap import workers

        return getattr(workers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
