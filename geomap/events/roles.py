"""Who took part (actors), whether it happened (modality) and when (dates) for one trigger."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from typing import TYPE_CHECKING

from geomap.dates import WEEKDAYS, resolve_date
from geomap.types import Actor, DatePrecision, Modality

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

NEGATING_HEADS = frozenset({"deny", "refute", "reject", "dismiss", "fail", "avoid", "prevent",
                            "foil", "thwart", "avert", "stop", "block", "halt", "cancel",
                            "postpone"})
HYPOTHETICAL_HEADS = frozenset({"threaten", "warn", "fear", "consider", "propose", "demand", "urge",
                                "call", "risk", "vow", "pledge", "seek", "want", "hope", "may",
                                "could", "might", "would", "should", "possible", "potential",
                                "threat", "plot", "ask", "request", "suggest", "rumour", "rumor",
                                "unless", "if", "whether", "able", "ready", "prepared",
                                "willing", "try", "attempt", "proposal", "plan", "offer",
                                "bid", "draft", "initiative", "idea", "option"})
FUTURE_HEADS = frozenset({"plan", "intend", "schedule", "expect", "prepare", "set", "due", "aim",
                          "poise", "upcoming", "future", "next", "will", "shall", "forthcoming",
                          "decide", "agree"})
_TIGHT = frozenset({"xcomp", "conj", "amod", "compound", "pcomp", "pobj", "prep", "dobj", "acl",
                    "nsubjpass", "nsubj", "attr", "advcl", "ccomp", "oprd", "appos"})
_NOBODY = frozenset({"no-one", "nobody", "none", "noone"})
_ARGUMENT_PREPS = frozenset({"for", "to", "of", "on", "against", "about", "from", "into", "over"})
_HYPO_AUX = frozenset({"could", "might", "may", "would", "should", "must", "can"})
_FUTURE_AUX = frozenset({"will", "shall", "wo", "'ll"})
ACTOR_LABELS = ("PERSON", "ORG", "NORP")
GROUP_NOUNS = frozenset({"rebel", "police", "army", "troop", "soldier", "militant", "insurgent",
                         "gunman", "protester", "demonstrator", "fighter", "militia", "rioter",
                         "government", "force", "mob", "crowd", "student", "worker", "jihadist",
                         "official", "authority", "settler", "villager", "resident", "farmer",
                         "bandit", "kidnapper", "attacker", "assailant", "youth", "activist"})
_PRONOUNS = frozenset({"he", "she", "him", "her"})


def modality(trigger: Token) -> Modality:
    """'asserted', or 'negated' / 'hypothetical' / 'future' when the text does not say it happened.

    Looks at the trigger's own auxiliaries, negation and markers ("will travel", "could march",
    "no clashes", "if ...") and at the words governing it ("denied attacking", "threatened to
    strike", "plans to visit", "a ceasefire proposal").
    """
    cur, tight, via_argument = trigger, True, True
    for child in trigger.children:
        if child.dep_ in ("nsubj", "nsubjpass") and (
                child.lower_ in _NOBODY or any(g.dep_ == "det" and g.lower_ == "no"
                                               for g in child.children)):
            return "negated"  # "no one was injured", "no soldiers were killed"
    for _ in range(5):
        if tight:
            for child in cur.children:
                low, lemma = child.lower_, child.lemma_.lower()
                if child.dep_ == "neg" or (child.dep_ == "det" and low == "no" and cur == trigger):
                    return "negated"
                if child.dep_ in ("aux", "auxpass") and low in _FUTURE_AUX | {"will"}:
                    return "future"
                if child.dep_ == "aux" and lemma in _HYPO_AUX:
                    return "hypothetical"
                if child.dep_ == "mark" and low in ("if", "unless", "whether"):
                    return "hypothetical"
                if child.dep_ in ("amod", "compound") and lemma in (
                        "planned", "plan", "planning", "proposed", "upcoming", "future", "possible",
                        "potential", "threatened", "expected", "scheduled", "alleged"):
                    return "future" if lemma in ("planned", "plan", "planning", "upcoming", "future",
                                                 "expected", "scheduled") else "hypothetical"
        if cur != trigger and via_argument:
            lemma = cur.lemma_.lower()
            if lemma in NEGATING_HEADS:
                return "negated"
            if lemma in FUTURE_HEADS and cur.pos_ in ("VERB", "ADJ", "AUX") and _governs_to(cur):
                return "future"
            if lemma in HYPOTHETICAL_HEADS:
                return "hypothetical"
            if lemma == "ahead":
                return "future"  # "arrests ahead of the rally": the rally has not happened yet
        if cur.head == cur or cur.dep_ not in _TIGHT:
            break
        if cur.dep_ == "conj" and any(c.dep_ == "cc" and c.lower_ in ("but", "yet", "while")
                                      for c in cur.head.children):
            break  # "the case is not linked ..., but offices were raided"
        # Clauses reported by someone else keep their own modality: stop after one hop.
        tight = cur.dep_ in ("xcomp", "conj", "amod", "compound", "pobj", "prep", "pcomp",
                             "dobj", "acl", "nsubjpass", "attr", "oprd", "appos")
        if cur.dep_ == "conj" and cur.pos_ in ("VERB", "AUX"):
            tight = True
        # "blocked roads, clashing with police": an adverbial clause is not what 'block' blocks;
        # "called for unity in an address": 'in' does not make the address what was called for.
        via_argument = cur.dep_ not in ("advcl", "conj", "nsubj", "relcl") and not (
            cur.dep_ == "prep" and cur.lower_ not in _ARGUMENT_PREPS)
        cur = cur.head
    return "asserted"


def _governs_to(token: Token) -> bool:
    """'is set to', 'due to', 'poised to': these only look ahead when they take a clause."""
    if token.lemma_.lower() not in ("set", "due", "poise", "aim"):
        return True
    return any(c.dep_ in ("xcomp", "ccomp", "prep") for c in token.children)


class EntityIndex:
    """A document's named entities, read once (``Doc.ents`` builds new spans on every access)."""

    def __init__(self, doc: Doc) -> None:
        self.ents: tuple[Span, ...] = tuple(doc.ents)
        self.starts = [e.start for e in self.ents]


def _in_range(index: EntityIndex, start: int, end: int) -> list[Span]:
    """Entities lying within tokens [start, end)."""
    out = []
    ents = index.ents
    for k in range(bisect_left(index.starts, start), len(ents)):
        ent = ents[k]
        if ent.start >= end:
            break
        if ent.end <= end:
            out.append(ent)
    return out


def _entity_for(arg: Token, doc: Doc, ents: EntityIndex) -> tuple[str, str] | None:
    """Name and label of the PERSON/ORG/NORP entity heading or modifying ``arg``'s phrase."""
    if arg.pos_ == "PROPN":
        # "Amir Khan Muttaqi" where NER tags only part of the name: take the proper-noun run.
        start = arg.i
        while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i in (
                arg.i, doc[start].i) and doc[start - 1].dep_ in ("compound", "flat", "punct"):
            start -= 1
        labels = [t.ent_type_ for t in doc[start:arg.i + 1] if t.ent_type_ in ACTOR_LABELS]
        if labels and start < arg.i:
            return doc[start:arg.i + 1].text, labels[-1]
    near = _in_range(ents, arg.left_edge.i, arg.right_edge.i + 1)
    if arg.ent_type_ in ACTOR_LABELS:
        for ent in near:
            if ent.start <= arg.i < ent.end:
                return ent.text, ent.label_
    candidates: list[Span] = []
    allowed = {"compound", "appos", "amod", "poss", "nmod", "det", "punct", "flat", "case"}
    for ent in near:
        if ent.label_ not in ACTOR_LABELS:
            continue
        root = ent.root
        cur, ok = root, False
        for _ in range(4):
            if cur == arg:
                ok = True
                break
            if cur.dep_ not in allowed or cur.head == cur:
                break
            cur = cur.head
        if ok:
            candidates.append(ent)
    if not candidates:
        return None
    rank = {"PERSON": 0, "ORG": 1, "NORP": 2}
    ent = sorted(candidates, key=lambda e: (rank[e.label_], e.start))[0]
    if ent.label_ == "NORP" and arg.pos_ == "NOUN":
        return f"{ent.text} {arg.text}", "NORP"  # "Israeli troops", not just "Israeli"
    return ent.text, ent.label_


def _pronoun_antecedent(token: Token, ents: EntityIndex) -> tuple[str, str] | None:
    """The most recent PERSON before a he/she subject, within a few sentences."""
    for ent in reversed(_in_range(ents, max(0, token.i - 120), token.i)):
        if ent.label_ == "PERSON":
            return ent.text, "PERSON"
    return None


def actors(trigger: Token, doc: Doc, *, ents: EntityIndex,
           light_verb: Token | None = None) -> tuple[Actor, ...]:
    """Actors tied to the trigger: subject, object, agent (by-phrase) and possessor."""
    found: list[Actor] = []
    heads = [trigger] + ([light_verb] if light_verb is not None else [])
    args: list[tuple[Token, str]] = []
    for h in heads:
        for child in h.children:
            if child.dep_ == "nsubj":
                args.append((child, "subject"))
            elif child.dep_ == "nsubjpass" or (child.dep_ == "dobj" and h == trigger):
                args.append((child, "object"))
            elif child.dep_ == "agent":
                args.extend((g, "agent") for g in child.children if g.dep_ == "pobj")
            elif h == trigger and (child.dep_ == "poss" or (
                    child.dep_ in ("amod", "compound") and child.ent_type_ in ACTOR_LABELS)):
                args.append((child, "subject"))
            elif child.dep_ == "prep" and child.lower_ == "by" and h == trigger:
                args.extend((g, "agent") for g in child.children if g.dep_ == "pobj")
    if not any(role in ("subject", "agent") for _, role in args):
        # "landed in Madrid after leaving Caracas": the subject sits on a governing verb.
        cur = trigger if light_verb is None else light_verb
        for _ in range(3):
            if cur.dep_ not in ("conj", "xcomp", "advcl", "pcomp", "prep") or cur.head == cur:
                break
            cur = cur.head
            subjects = [c for c in cur.children if c.dep_ == "nsubj"]
            if subjects:
                args.extend((c, "subject") for c in subjects)
                break
    for arg, role in args:
        named = _entity_for(arg, doc, ents)
        if named is None and arg.lower_ in _PRONOUNS:
            named = _pronoun_antecedent(arg, ents)
        if named is None and arg.lemma_.lower() in GROUP_NOUNS:
            mods = [c for c in arg.children if c.dep_ in ("amod", "compound")
                    and c.ent_type_ in ("NORP", "GPE", "ORG")]
            name = " ".join([*(m.text for m in mods), arg.text])
            named = (name, "group")
        if named is None:
            continue
        actor = Actor(named[0], role, named[1])
        if actor not in found:
            found.append(actor)
    return tuple(found)


def date_expressions(doc: Doc, start: int, end: int, published: dt.date | None, *,
                     ents: EntityIndex) -> list[tuple[Token, dt.date, DatePrecision, bool]]:
    """Dates in tokens [start, end): (root token, date, precision, explicit_year)."""
    out: list[tuple[Token, dt.date, DatePrecision, bool]] = []
    covered: set[int] = set()
    for ent in _in_range(ents, start, end):
        if ent.label_ not in ("DATE", "TIME"):
            continue
        covered.update(range(ent.start, ent.end))
        day, precision = resolve_date(ent.text, published)
        if day is not None and precision is not None:
            out.append((ent.root, day, precision, True))
    words = set(WEEKDAYS) | {"yesterday", "today", "tonight", "overnight"}
    for tok in doc[start:end]:
        if tok.i not in covered and tok.lower_ in words:
            day, precision = resolve_date(tok.text, published)
            if day is not None and precision is not None:
                out.append((tok, day, precision, True))
    out.sort(key=lambda x: x[0].i)
    return out


def governing_trigger(token: Token, triggers: set[int]) -> int | None:
    """The nearest trigger token above ``token`` in the parse (None if none)."""
    cur = token
    for _ in range(10):
        if cur.i in triggers:
            return cur.i
        if cur.head == cur:
            return None
        cur = cur.head
    return None


_PERIOD_NOUNS = frozenset({"rule", "reign", "presidency", "tenure", "era", "regime", "government",
                           "administration", "leadership", "term", "dictatorship", "mandate",
                           "premiership", "years", "decades"})
_PAST_MARKS = frozenset({"former", "late", "previous", "old", "earlier", "past", "ousted"})
_FRAME_PREPS = frozenset({"during", "under", "throughout"})
_DURATION_UNITS = frozenset({"year", "decade", "century", "month", "generation"})


def _old_year(tokens: Span | list[Token], published: dt.date | None) -> bool:
    """A four-digit year before the publication year (any year before 2000 without one)."""
    limit = published.year if published is not None else 2000
    return any(t.is_digit and len(t.text) == 4 and 1000 < int(t.text) < limit for t in tokens)


def frames_period(sentence: Span, published: dt.date | None = None) -> bool:
    """Whether a sentence opens with a frame that sets what follows in a past period: "During
    al-Assad's rule, ...", "Under the former regime, ...", "Throughout the 1990s, ...". A frame
    that shows no past ("Under the new regime", "During the war") is not one."""
    first = [t for t in sentence if not t.is_punct][:1]
    if not first or first[0].lower_ not in _FRAME_PREPS:
        return False
    phrase = list(first[0].subtree)
    if _old_year(phrase, published):
        return True
    # a ruler's period ("al-Assad's rule") or one marked as past ("the former regime")
    return any((t.lemma_.lower() in _PERIOD_NOUNS or t.lower_ in _PERIOD_NOUNS) and (
        any(c.dep_ == "poss" and c.pos_ == "PROPN" for c in t.children)
        or any(c.lower_ in _PAST_MARKS for c in t.children)) for t in phrase)


def _since_is_old(prep: Token, published: dt.date | None) -> bool:
    """'since 2015', 'since the 1990s': a state kept over years, not 'since Tuesday'."""
    return _old_year(list(prep.subtree), published)


def is_background(trigger: Token, *, own_date: bool, previous: Span | None,
                  published: dt.date | None = None) -> bool:
    """Whether the trigger tells background rather than news: a state kept since an earlier
    year or for years ("has kept a presence since 2015", "have fled since the war began in
    2023", "have hosted troops for decades"), a
    habit ("used to patrol"), or a fact inside a past period frame of its own or the previous
    sentence when it carries no date of its own ("During the president's rule, ... agreed to").
    Ongoing news stays news: "have gathered since Tuesday", "used live rounds to disperse"."""
    perfect = any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in trigger.children)
    for child in trigger.children:
        low = child.lower_
        if child.dep_ == "prep" and low == "since" and perfect and _since_is_old(child, published):
            return True
        if child.dep_ == "advcl" and perfect and any(
                m.dep_ == "mark" and m.lower_ == "since" for m in child.children) \
                and _since_is_old(child, published):
            return True  # "have fled since the war began in 2023": a tally over years
        if child.dep_ == "prep" and low == "for" and perfect and any(
                g.lemma_.lower() in _DURATION_UNITS and g.tag_ == "NNS" for g in child.subtree):
            return True
    if trigger.dep_ == "xcomp" and trigger.head.lower_ == "used" and not any(
            c.dep_ == "dobj" for c in trigger.head.children) and trigger.i == trigger.head.i + 2 \
            and trigger.doc[trigger.head.i + 1].lower_ == "to":
        return True  # "used to patrol": a habit, not an occasion
    if own_date:
        return False
    if frames_period(trigger.sent, published):
        return True
    return previous is not None and frames_period(previous, published) and not any(
        t.ent_type_ == "DATE" for t in trigger.sent)
