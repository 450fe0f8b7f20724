"""The fitted event decision: is a candidate word an event, and of which type and sub-type?

Candidates are the taxonomy's rule matches plus every word of a broad lexicon written from
ACLED's definitions (``geomap/data/event_lexicon.json``) and the trigger words of the
annotated tune split. Each candidate is described by sparse features (its lemma, part of
speech and dependency, its head and arguments, the entities around it, modality cues, whether
a place hangs on it, the rule that matched it) and two linear models fitted on annotated news
(``tests/fit_events.py`` writes ``geomap/data/event_model.json``) weigh it: one the event type
or *none*, one the sub-type within that type. Two article models weigh the whole text (does it
report any event, and one of each type?), and a small combiner fitted on their
cross-validated predictions (:class:`Combiner`) takes the last word from what all of them say.
Adding annotated articles and refitting improves the decision without touching code.

The model applies to taxonomies that hold its types (the default one); with another taxonomy
the rules decide alone.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING

from geomap.errors import ModelError
from geomap.events.placing import PlaceRanker
from geomap.events.triggers import Trigger
from geomap.linear import finite, logistic, read_logistic, sigmoid
from geomap.taxonomy import Taxonomy, TriggerRule

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

NONE = "none"
_MODALS = frozenset({"will", "would", "could", "may", "might", "should", "can", "must", "shall"})
_NEG = frozenset({"not", "n't", "never", "no"})
_SPEECH = frozenset({"say", "tell", "report", "announce", "claim", "state", "add", "confirm"})
_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "agent", "attr", "dative", "poss",
                       "compound", "amod"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A word that may report an event: its token and the rule that matched it, if any."""

    token: Token
    rule: TriggerRule | None
    span_start: int
    span_end: int


def candidate_words(extra: Iterable[str] = ()) -> frozenset[str]:
    data = json.loads(resources.files("geomap").joinpath("data/event_lexicon.json")
                      .read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in (*data["lemmas"], *extra))


def candidates(doc: Doc, rule_triggers: Sequence[Trigger], words: frozenset[str],
               ruled: frozenset[str] = frozenset()) -> list[Candidate]:
    """The rule matches plus every lexicon word (nouns, verbs, adjectives) not matched by a rule.

    Words the taxonomy's rules know (``ruled``) are candidates only where a rule matched them:
    where a rule's context excluded them ("shares rallied"), the rule's judgement stands.
    """
    out = {t.token.i: Candidate(t.token, t.rule, t.span_start, t.span_end) for t in rule_triggers}
    for tok in doc:
        if tok.i in out or tok.pos_ not in ("VERB", "NOUN", "ADJ", "PROPN"):
            continue
        lemma = tok.lemma_.lower()
        if lemma in ruled or tok.lower_ in ruled:
            continue
        if lemma in words or tok.lower_ in words:
            out[tok.i] = Candidate(tok, None, tok.i, tok.i + 1)
    return [out[i] for i in sorted(out)]


BAGS = True
_BAG_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV"})


def headline_words(doc: Doc) -> list[str]:
    """The headline's (first sentence's) content-word features, the same for every candidate
    of the document: computed once per document by the caller of :func:`features`."""
    for sent in doc.sents:
        return [f"hw={t.lemma_.lower()}" for t in sent if t.pos_ in _BAG_POS and not t.is_stop]
    return []


_DOC_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "PROPN"})
DOC_CHARS = 5000  # the article's start says what kind of story it is


def document_features(doc: Doc) -> list[str]:
    """Features of a whole article for the document model: the content words of its first
    :data:`DOC_CHARS` characters and of its headline (first sentence), each once."""
    f = {"bias"}
    for t in doc:
        if t.idx >= DOC_CHARS:
            break
        if t.pos_ in _DOC_POS and t.is_alpha and not t.is_stop:
            f.add(f"dw={t.lemma_.lower()}")
    for sent in doc.sents:
        f.update(f"dh={t.lemma_.lower()}" for t in sent if t.pos_ in _DOC_POS and not t.is_stop)
        break
    return sorted(f)


@dataclass(frozen=True)
class DocumentModel:
    """Does the article report any event at all? A logistic regression over
    :func:`document_features`; an article whose probability is below ``gate`` yields no event
    the model would decide (most local news reports none: a crash, a trial, a budget)."""

    weights: dict[str, float]
    bias: float
    gate: float

    def probability(self, feats: Iterable[str]) -> float:
        return logistic(self.bias, self.weights, feats)

    def admits(self, probability: float) -> bool:
        """Whether an article of this :meth:`probability` may report events."""
        return self.gate <= 0.0 or probability >= self.gate

    def reports_events(self, doc: Doc, feats: Sequence[str] | None = None) -> bool:
        """``feats``: :func:`document_features` of ``doc`` when the caller has them."""
        return self.gate <= 0.0 or self.admits(self.probability(
            document_features(doc) if feats is None else feats))


def type_features(doc: Doc, cands: Iterable[Candidate],
                  base: Iterable[str] | None = None) -> list[str]:
    """Features of a whole article for the type models: :func:`document_features` (``base``,
    when the caller has them) plus what its candidate words say: each lemma, each rule match's
    type and type/lemma, and which lemmas and rule types stand in the headline (first
    sentence)."""
    f = set(document_features(doc) if base is None else base)
    first = next(iter(doc.sents)).end if len(doc) else 0
    for cand in cands:
        lemma = cand.token.lemma_.lower()
        headline = cand.token.i < first
        f.add(f"cl={lemma}")
        if headline:
            f.add(f"hl={lemma}")
        if cand.rule is not None:
            f.add(f"r={cand.rule.event_type}")
            f.add(f"rl={cand.rule.event_type}/{lemma}")
            if headline:
                f.add(f"rh={cand.rule.event_type}")
    return sorted(f)


@dataclass(frozen=True)
class TypeModel:
    """Which event types does the article report? One logistic regression per type over
    :func:`type_features`. A candidate decided as an event of a type whose probability for
    the article is below that type's ``gate`` is dropped, unless an :class:`EventModel`'s
    combiner decides it (the combiner weighs this probability itself): the article as a whole judges the
    word ("shot" in a basketball story, "arrest" in a crash report). Types it has no model
    for are never dropped. Where the article is likely (``rescue``) to report a type that no
    candidate was decided as, its likeliest candidate of that type becomes the event: the
    article as a whole is surer than any one of its words (0 turns this off)."""

    models: dict[str, tuple[dict[str, float], float, float]]  # type: (weights, bias, gate)
    rescue: float = 0.0
    rule_gate: float | None = None  # the gate of a rule match kept as its rule's type

    def probabilities(self, feats: Sequence[str]) -> dict[str, float]:
        return {name: logistic(bias, weights, feats)
                for name, (weights, bias, _) in self.models.items()}

    def allows(self, probabilities: dict[str, float], event_type: str, *,
               ruled: bool = False) -> bool:
        """Whether the article may report ``event_type``; ``ruled``: the decision is a rule
        match of that type, held to ``rule_gate`` when one is set."""
        model = self.models.get(event_type)
        if model is None:
            return True
        gate = self.rule_gate if ruled and self.rule_gate is not None else model[2]
        return probabilities[event_type] >= gate


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


def combine_values(p_none: float, p_type: float, present: float | None, document: float,
                   ruled: bool) -> dict[str, float]:
    """What the fitted models say of one candidate as an event of one type, as the
    :class:`Combiner` reads it: the log-odds that it is an event at all, that it is of this
    type, that its article reports this type (``present``; None when no model judges the
    type) and any event (``document``), and whether it is a rule match of that type."""
    rule = 1.0 if ruled else 0.0
    event, typed = _logit(1.0 - p_none), _logit(p_type)
    article = 0.0 if present is None else _logit(present)
    return {"event": event, "type": typed, "present": article, "document": _logit(document),
            "rule": rule, "rule*event": rule * event, "rule*present": rule * article}


@dataclass(frozen=True)
class Combiner:
    """The last word on a candidate: a logistic regression over :func:`combine_values`,
    fitted on cross-validated predictions of the other models (stacking), so that how far to
    trust the word's own model, the article's type model and a rule match is learned from the
    annotated articles rather than set by hand. A candidate is an event when its probability
    reaches ``threshold``."""

    weights: dict[str, float]
    bias: float
    threshold: float
    rules: bool = True  # False: a rule match kept as its rule's type is left to the thresholds

    def probability(self, values: dict[str, float]) -> float:
        return sigmoid(self.bias + sum(w * values.get(name, 0.0)
                                       for name, w in self.weights.items()))


def _ent(tok: Token) -> str:
    return tok.ent_type_ or ("PRON" if tok.pos_ == "PRON" else tok.pos_)


def _verb_governor(tok: Token, hops: int = 4) -> Token | None:
    """The nearest verb above ``tok``'s own head (the head itself is a feature already)
    within ``hops`` steps, None when there is none."""
    node = tok.head
    for _ in range(hops):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None


def features(cand: Candidate, *, place_slots: Sequence[str], sentence_index: int,
             lemma_count: int = 1, first_of_lemma: bool = True,
             headline: Sequence[str] | None = None) -> list[str]:
    """Sparse features of one candidate. ``place_slots`` are the kinds of place mentions tied to
    it by the parse ('town', 'country', 'facility', ...), empty when none is; ``headline`` is
    :func:`headline_words` of its document (computed here when not given)."""
    tok = cand.token
    lemma = tok.lemma_.lower()
    head = tok.head
    f = [f"l={lemma}", f"lp={lemma}/{tok.pos_}", f"p={tok.pos_}", f"d={tok.dep_}",
         f"ld={lemma}/{tok.dep_}", f"h={head.lemma_.lower()}", f"dh={tok.dep_}/{head.lemma_.lower()}",
         f"tag={tok.tag_}", f"lt={lemma}/{tok.tag_}"]
    if cand.rule is not None:
        f.append(f"rule={cand.rule.event_type}")
        f.append(f"rsub={cand.rule.event_type}|{cand.rule.sub_event_type}")
        if cand.rule.weak:
            f.append("rule_weak")
    else:
        f.append("lexicon_only")
    for child in tok.children:
        dep = child.dep_
        cl = child.lemma_.lower()
        if dep in _ARG_DEPS:
            f.append(f"c={dep}/{cl}")
            f.append(f"ce={dep}/{_ent(child)}")
            f.append(f"lce={lemma}/{dep}/{_ent(child)}")
        elif dep == "prep":
            f.append(f"prep={cl}")
            f.append(f"lprep={lemma}/{cl}")
            for g in child.children:
                if g.dep_ == "pobj":
                    f.append(f"pobj={cl}/{g.lemma_.lower()}")
                    f.append(f"pobje={cl}/{_ent(g)}")
        elif dep in ("aux", "auxpass"):
            if child.lower_ in _MODALS:
                f.append(f"modal={child.lower_}")
            if dep == "auxpass":
                f.append("passive")
        elif dep == "neg" or child.lower_ in _NEG:
            f.append("neg")
        elif dep == "advmod":
            f.append(f"adv={cl}")
        elif dep == "det" and cl == "no":
            f.append("neg")
    if head.lemma_.lower() in _SPEECH and tok.dep_ in ("ccomp", "xcomp", "advcl"):
        f.append("reported")
    if head != tok and tok.dep_ in ("xcomp",):
        f.append(f"xh={head.lemma_.lower()}")
    # the verb that governs the word from further up ("accused of stabbing", "information
    # leading to the arrest", "charges against a man accused of abusing"): shared by every
    # trigger word, so what it says about one word carries to words never seen under it
    governor = _verb_governor(tok)
    if governor is not None:
        f.append(f"va={governor.lemma_.lower()}")
    sent = tok.sent
    for w in (-2, -1, 1, 2):
        j = tok.i + w
        if sent.start <= j < sent.end:
            f.append(f"w{w}={tok.doc[j].lower_}")
    # the sentence's and the headline's content words: what the story is about (a crash, a
    # trial, a game, a storm) says whether an event word reports an event here
    if BAGS:
        for t in sent:
            if t.i != tok.i and t.pos_ in _BAG_POS and not t.is_stop:
                f.append(f"sw={t.lemma_.lower()}")
        f.extend(headline_words(tok.doc) if headline is None else headline)
    ents = {e.label_ for e in sent.ents}
    f.extend(f"se={e}" for e in sorted(ents))
    if any(t.like_num and len(t.text) == 4 and t.text.isdigit() and 1900 <= int(t.text) <= 2100
           for t in sent):
        f.append("year_in_sentence")
    if any(t.lower_ in ("since", "ago", "previously", "formerly", "earlier") for t in sent):
        f.append("past_cue")
    if any(t.lower_ in ('"', "“", "”") for t in sent):
        f.append("quoted_sentence")
    position = ("s0" if sentence_index == 0 else "s1-2" if sentence_index <= 2
                else "s3-5" if sentence_index <= 5 else "s6+")
    f.append(f"pos={position}")
    f.append(f"lpos={lemma}/{position}")
    f.append(f"count={min(lemma_count, 4)}")
    if first_of_lemma:
        f.append("first_of_lemma")
    if not place_slots:
        f.append("no_syn_place")
        f.append(f"nsp/{lemma}")
    for slot in sorted(set(place_slots)):
        f.append(f"place={slot}")
        f.append(f"lplace={lemma}/{slot}")
    if cand.rule is not None:
        f.append(f"rpos={cand.rule.event_type}/{position}")
        for slot in sorted(set(place_slots))[:1]:
            f.append(f"rplace={cand.rule.event_type}/{slot}")
    f.append("bias")
    return list(dict.fromkeys(f))  # each feature once, as the fit counts them


def rule_stands(cand: Candidate, event_type: str) -> bool:
    """Whether a decision of ``event_type`` is the candidate's rule match standing as its
    rule's type (not retyped by the model)."""
    return cand.rule is not None and cand.rule.event_type == event_type


@dataclass(frozen=True)
class _Linear:
    labels: tuple[str, ...]
    weights: dict[str, list[float]]
    bias: list[float]

    def probabilities(self, feats: Sequence[str]) -> list[float]:
        scores = list(self.bias)
        for name in feats:
            w = self.weights.get(name)
            if w is not None:
                for k, v in enumerate(w):
                    scores[k] += v
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]


@dataclass(frozen=True)
class EventModel:
    """The two fitted linear models and the candidate words they were fitted with."""

    types: _Linear
    subtypes: _Linear
    words: frozenset[str]
    threshold: float  # a lexicon word is an event when P(none) is below this
    places: PlaceRanker | None = None
    rule_threshold: float = 0.9  # a taxonomy rule's match is dropped only when P(none) reaches this
    override: float = 4.0  # the model retypes a rule match when its type is this many times likelier
    documents: DocumentModel | None = None  # gates whole articles (None: every article may)
    present: TypeModel | None = None  # gates each type per article (None: every type may)
    combiner: Combiner | None = None  # the stacked last word (None: thresholds decide)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> EventModel:
        """Load a model written by ``tests/fit_events.py``; ModelError when it is malformed."""

        def linear(d: object, what: str) -> _Linear:
            if not (isinstance(d, dict) and isinstance(d.get("labels"), list)
                    and isinstance(d.get("weights"), dict) and isinstance(d.get("bias"), list)):
                raise ModelError(f"event model: '{what}' needs labels, weights and bias")
            k = len(d["labels"])
            if len(d["bias"]) != k or any(not isinstance(w, list) or len(w) != k
                                          for w in d["weights"].values()):
                raise ModelError(f"event model: '{what}' has weights of the wrong length")
            return _Linear(tuple(d["labels"]), dict(d["weights"]), list(d["bias"]))

        def number(key: str, default: float) -> float:
            value = data.get(key, default)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ModelError(f"event model: '{key}' must be a number")
            return float(value)

        if not isinstance(data, dict):
            raise ModelError("event model: not a JSON object")
        extra = data.get("extra_lemmas", [])
        if not isinstance(extra, list):
            raise ModelError("event model: 'extra_lemmas' must be a list")
        threshold, rule_threshold = number("threshold", 0.5), number("rule_threshold", 0.9)
        override = number("override", 4.0)
        places = data.get("places")
        ranker = PlaceRanker(dict(places["weights"])) if isinstance(places, dict) and \
            isinstance(places.get("weights"), dict) else None
        types, subtypes = linear(data.get("types"), "types"), linear(data.get("subtypes"), "subtypes")
        if not all(isinstance(lab, str) and "|" in lab for lab in subtypes.labels):
            raise ModelError("event model: 'subtypes' labels must read 'type|sub-type'")
        combiner = _combiner(data.get("combiner"))
        if combiner is not None and data.get("documents") is None:
            raise ModelError("event model: a 'combiner' needs the 'documents' model")
        return cls(types, subtypes, candidate_words(extra), threshold, ranker, rule_threshold,
                   override, _document_model(data.get("documents")),
                   _type_model(data.get("present")), combiner)

    def reports_events(self, doc: Doc, feats: Sequence[str] | None = None) -> bool:
        """False when the document model judges the article to report no event (``feats``:
        :func:`document_features` of ``doc`` when the caller has them)."""
        return self.documents is None or self.documents.reports_events(doc, feats)

    def compatible(self, taxonomy: Taxonomy) -> bool:
        names = set(taxonomy.type_names)
        return all(label == NONE or label in names for label in self.types.labels)

    def decide(self, cand: Candidate, feats: Sequence[str], taxonomy: Taxonomy, *,
               present: dict[str, float] | None = None, document: float | None = None
               ) -> tuple[str, str, float] | None:
        """(type, sub-type, probability) of an event, or None when it is none.

        A match of the taxonomy's rules keeps its type and stays an event unless the model is
        confident otherwise (``rule_threshold``, ``override``) — and it always does when the
        model has no weight for its trigger word (never or once seen in training, or learned
        as neutral): context alone does not overrule a rule. A word of the broad lexicon alone
        becomes an event only when the model says so (``threshold``). With a
        :attr:`combiner`, ``present`` (the article's probability of each type) and
        ``document`` (of any event), the combiner decides instead of the two thresholds.
        """
        chosen = self.choice(cand, feats)
        if chosen is None:
            # a rule match of a type the model never saw (a taxonomy that adds types), or whose
            # trigger word it has no weight for ("ransacked"): its context alone does not
            # overrule the rule
            assert cand.rule is not None
            return cand.rule.event_type, cand.rule.sub_event_type, cand.rule.weight
        etype, probs = chosen
        labels = self.types.labels
        p_none = probs[labels.index(NONE)] if NONE in labels else 0.0
        stacked = document is not None and self.combines(cand, etype)
        if not stacked and p_none >= (self.threshold if cand.rule is None
                                      else self.rule_threshold):
            return None
        sub = self.sub_event_type(cand, feats, etype, taxonomy)
        if sub is None:
            return None
        if stacked and self.combiner is not None and document is not None:
            q = self.combiner.probability(self.combine_values(
                cand, probs, etype, present or {}, document))
            return (etype, sub, q) if q >= self.combiner.threshold else None
        p_type = probs[labels.index(etype)]
        return etype, sub, (max(p_type, 1.0 - p_none) if rule_stands(cand, etype) else p_type)

    def combines(self, cand: Candidate, event_type: str) -> bool:
        """Whether the combiner decides ``cand`` as an event of ``event_type`` (else the
        thresholds and the article's type gates do)."""
        return self.combiner is not None and (self.combiner.rules
                                              or not rule_stands(cand, event_type))

    def choice(self, cand: Candidate, feats: Sequence[str]) -> tuple[str, list[float]] | None:
        """The type :meth:`decide` weighs the candidate as, and the type model's probabilities;
        None for a rule match the model cannot judge (it stands as its rule)."""
        probs = self.types.probabilities(feats)
        labels = self.types.labels
        rule = cand.rule
        if rule is not None and (rule.event_type not in labels
                                 or f"l={cand.token.lemma_.lower()}" not in self.types.weights):
            return None
        best = max((k for k in range(len(labels)) if labels[k] != NONE), key=probs.__getitem__)
        if rule is not None and rule.event_type in labels:
            own = labels.index(rule.event_type)
            if probs[best] < self.override * probs[own]:
                best = own
        return labels[best], probs

    def combine_values(self, cand: Candidate, probs: Sequence[float], event_type: str,
                       present: dict[str, float], document: float) -> dict[str, float]:
        """:func:`combine_values` of the candidate as an event of ``event_type``."""
        labels = self.types.labels
        p_none = probs[labels.index(NONE)] if NONE in labels else 0.0
        return combine_values(p_none, probs[labels.index(event_type)], present.get(event_type),
                              document, rule_stands(cand, event_type))

    def sub_event_type(self, cand: Candidate, feats: Sequence[str], event_type: str,
                       taxonomy: Taxonomy) -> str | None:
        """The sub-type of the candidate as an event of ``event_type``: its rule's when it is a
        rule match of that type, else the likeliest the taxonomy allows (None when the model
        knows none of them)."""
        if cand.rule is not None and rule_stands(cand, event_type):
            return cand.rule.sub_event_type
        allowed = set(taxonomy.event_type(event_type).sub_event_types)
        options = [(p, lab.split("|", 1)[1]) for p, lab in zip(
            self.subtypes.probabilities(feats), self.subtypes.labels, strict=True)
            if lab.split("|", 1)[0] == event_type and lab.split("|", 1)[1] in allowed]
        return max(options)[1] if options else None

    def ranked(self, described: Sequence[tuple[Candidate, Sequence[str]]], event_type: str,
               taxonomy: Taxonomy) -> list[tuple[Candidate, str, float]]:
        """The candidates as events of ``event_type`` with their sub-type and the type model's
        probability, likeliest first (ties in text order). A rule match of that type keeps its
        rule's sub-type; a candidate no allowed sub-type fits is left out, and so is every one
        when the model does not know the type."""
        labels = self.types.labels
        if event_type not in labels:
            return []
        k = labels.index(event_type)
        out = []
        for cand, feats in described:
            sub = self.sub_event_type(cand, feats, event_type, taxonomy)
            if sub is not None:
                out.append((cand, sub, self.types.probabilities(feats)[k]))
        return sorted(out, key=lambda o: (-o[2], o[0].token.i))


def _document_model(d: object) -> DocumentModel | None:
    if d is None:
        return None
    return DocumentModel(*read_logistic(d, "gate", "event model: 'documents' needs finite "
                                        "weights and bias and a gate between 0 and 1"))


def _combiner(d: object) -> Combiner | None:
    if d is None:
        return None
    weights, bias, threshold = read_logistic(d, "threshold", "event model: 'combiner' needs "
                                             "finite weights and bias and a threshold between "
                                             "0 and 1")
    assert isinstance(d, dict)
    rules = d.get("rules", True)
    if not isinstance(rules, bool):
        raise ModelError("event model: the combiner's 'rules' must be true or false")
    return Combiner(weights, bias, threshold, rules)


def _type_model(d: object) -> TypeModel | None:
    if d is None:
        return None
    if not (isinstance(d, dict) and isinstance(d.get("types"), dict)
            and all(finite(d.get(k) or 0.0) and 0.0 <= (d.get(k) or 0.0) <= 1.0
                    for k in ("rescue", "rule_gate"))):
        raise ModelError("event model: 'present' needs 'types' (event types to logistic "
                         "models), and a 'rescue' and 'rule_gate' between 0 and 1")
    models = {str(name): read_logistic(m, "gate", f"event model: 'present' of '{name}' needs "
                                       "finite weights and bias and a gate between 0 and 1")
              for name, m in sorted(d["types"].items())}
    rule_gate = d.get("rule_gate")
    return TypeModel(models, float(d.get("rescue") or 0.0),
                     None if rule_gate is None else float(rule_gate))


_MODEL: dict[str, EventModel | None] = {}
_MODEL_LOCK = threading.Lock()


def default_model() -> EventModel | None:
    """The shipped model (None when the package carries none)."""
    with _MODEL_LOCK:
        if "default" not in _MODEL:
            path = resources.files("geomap").joinpath("data/event_model.json")
            _MODEL["default"] = (EventModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
                                 if path.is_file() else None)
        return _MODEL["default"]


def rule_for(taxonomy: Taxonomy, event_type: str, sub_event_type: str,
             matched: TriggerRule | None) -> TriggerRule:
    """A taxonomy rule that stands for the decided (type, sub-type): the matched one when it
    agrees, else the first of that sub-type (movement roles and weights come from it)."""
    if matched is not None and matched.event_type == event_type \
            and matched.sub_event_type == sub_event_type:
        return matched
    for rule in taxonomy.rules:
        if rule.event_type == event_type and rule.sub_event_type == sub_event_type:
            return replace(rule, weak=False)
    for rule in taxonomy.rules:
        if rule.event_type == event_type:
            return replace(rule, sub_event_type=sub_event_type, weak=False)
    return TriggerRule(event_type, sub_event_type)


def to_trigger(cand: Candidate, rule: TriggerRule) -> Trigger:
    return Trigger(cand.token, rule, cand.span_start, cand.span_end)
