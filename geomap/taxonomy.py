"""Event taxonomy: event types, sub-event types, colours and the trigger rules that find them.

The default taxonomy (``geomap/data/taxonomy.json``) is ACLED's six event types with their
sub-event types, plus *Movement* and *Statements*. A user file in the same format replaces it
(``geomap map --taxonomy FILE``). The format is documented in :func:`load_taxonomy`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from geomap.errors import TaxonomyError
from geomap.io import json_error
from geomap.textsafe import SURROGATE_ESCAPE, scrub_tree

FORMAT = "geomap-taxonomy/1"
CONTEXT_SCOPES = ("clause", "object")
MOVEMENT_ROLES = ("", "arrival", "departure")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")  # used with fullmatch: "$" would allow a newline


@dataclass(frozen=True, slots=True)
class TriggerRule:
    """One way of recognising a sub-event type.

    ``patterns`` and ``dependency_patterns`` hold JSON-encoded spaCy ``Matcher`` and
    ``DependencyMatcher`` patterns (strings keep the rule hashable and immutable).
    """

    event_type: str
    sub_event_type: str
    lemmas: tuple[str, ...] = ()
    pos: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    dependency_patterns: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    context_scope: str = "clause"
    exclude_context: tuple[str, ...] = ()
    weak: bool = False
    weight: float = 0.6
    movement: str = ""


@dataclass(frozen=True, slots=True)
class EventType:
    """An event type, its sub-event types (in escalation order) and how it is drawn."""

    name: str
    colour: str
    sub_event_types: tuple[str, ...]
    requires_place: bool = False
    merge_subtypes: bool = True
    sub_colours: tuple[tuple[str, str], ...] = ()  # (sub-event type, colour) where one is given


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A loaded taxonomy.

    Examples
    --------
    >>> tax = load_taxonomy()
    >>> tax.colour("Protests")
    '#2980b9'
    >>> "Movement" in tax.type_names
    True
    """

    name: str
    event_types: tuple[EventType, ...]
    rules: tuple[TriggerRule, ...]
    source: str = ""

    @property
    def type_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.event_types)

    @property
    def colours(self) -> dict[str, str]:
        """Event type name -> ``#rrggbb`` colour, in taxonomy order."""
        return {t.name: t.colour for t in self.event_types}

    def event_type(self, name: str) -> EventType:
        for t in self.event_types:
            if t.name == name:
                return t
        raise TaxonomyError(f"event type {name!r} is not in taxonomy {self.name!r}")

    def colour(self, name: str, sub_event_type: str | None = None,
               default: str = "#555555") -> str:
        """Colour of an event type, or of one of its sub-event types when the file gives one."""
        for t in self.event_types:
            if t.name == name:
                return dict(t.sub_colours).get(sub_event_type or "", t.colour)
        return default

    def subtype_rank(self, event_type: str, sub_event_type: str) -> int:
        """Position of a sub-event type within its type (later = more severe/specific)."""
        subs = self.event_type(event_type).sub_event_types
        return subs.index(sub_event_type) if sub_event_type in subs else -1

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<taxonomy>") -> Taxonomy:
        """Build and validate a taxonomy from parsed JSON; raise :class:`TaxonomyError`."""
        return _parse(data, source)


def load_taxonomy(path: str | os.PathLike[str] | None = None) -> Taxonomy:
    """Load a taxonomy JSON file (``None``: the packaged default).

    Format::

        {"format": "geomap-taxonomy/1", "name": "...",
         "event_types": [
           {"name": "Protests", "colour": "#2980b9",
            "requires_place": false,      # optional: only report with a syntactically tied place
            "merge_subtypes": true,       # optional: same type+place+date in one article -> one
            "sub_event_types": [
              {"name": "Peaceful protest",
               "colour": "#5dade2",                     # optional, else the type's colour
               "lemmas": ["protest", "rally"],          # single-token triggers (lemma or form)
               "pos": ["NOUN", "VERB"],                 # optional POS filter for "lemmas"
               "patterns": [[{"LEMMA": "take"}, {"LOWER": "to"}, {"LOWER": "the"},
                             {"LOWER": "streets"}]],    # spaCy Matcher patterns
               "dependency_patterns": [],               # spaCy DependencyMatcher patterns
               "context": ["crowd"],                    # optional: one must occur near the trigger
               "context_scope": "clause",               # or "object": in the trigger's object
               "exclude_context": ["troop"],            # optional: none may occur there
               "weak": false,                           # weak: dropped if a stronger trigger
               "weight": 0.6,                           #   shares the sentence; base confidence
               "movement": ""}]}]}                      # "arrival"/"departure" for movements

    A sub-event type may be listed several times with different triggers; its first listing
    fixes its position in the escalation order used when two reports are merged.

    Raises
    ------
    TaxonomyError
        The file is missing, not JSON, or does not follow the format (one-line message).
    """
    if path is None:
        ref = resources.files("geomap") / "data" / "taxonomy.json"
        text, source = ref.read_text(encoding="utf-8"), "default taxonomy"
    else:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TaxonomyError(f"cannot read taxonomy file {str(p)!r}: {exc}") from exc
        source = str(p)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TaxonomyError(f"{source}: not valid JSON (line {exc.lineno}: "
                            f"{json_error(exc)})") from None
    except (RecursionError, ValueError):
        raise TaxonomyError(f"{source}: not usable JSON (nested too deeply or a number too "
                            "large)") from None
    if SURROGATE_ESCAPE.search(text):
        data, _ = scrub_tree(data)
    return _parse(data, source)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TaxonomyError(f"{where} must be a list of non-empty strings")
    return tuple(v.lower() for v in value)


def _parse(data: Any, source: str) -> Taxonomy:
    if not isinstance(data, dict):
        raise TaxonomyError(f"{source}: top level must be a JSON object with 'event_types'")
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise TaxonomyError(f"{source}: unknown format {fmt!r} (expected {FORMAT!r})")
    raw_types = data.get("event_types")
    if not isinstance(raw_types, list) or not raw_types:
        raise TaxonomyError(f"{source}: 'event_types' must be a non-empty list")
    types: list[EventType] = []
    rules: list[TriggerRule] = []
    for i, rt in enumerate(raw_types):
        where = f"{source}: event_types[{i}]"
        if not isinstance(rt, dict) or not isinstance(rt.get("name"), str) or not rt["name"]:
            raise TaxonomyError(f"{where} needs a non-empty 'name'")
        name = rt["name"]
        if name in (t.name for t in types):
            raise TaxonomyError(f"{where}: event type {name!r} is listed twice")
        colour = rt.get("colour", rt.get("color", "#555555"))
        if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
            raise TaxonomyError(f"{where}: colour must look like '#rrggbb', got {colour!r}")
        subs = rt.get("sub_event_types")
        if not isinstance(subs, list) or not subs:
            raise TaxonomyError(f"{where}: 'sub_event_types' must be a non-empty list")
        sub_names: list[str] = []
        sub_colours: dict[str, str] = {}
        for j, rs in enumerate(subs):
            rule = _parse_rule(rs, name, f"{where}.sub_event_types[{j}]")
            if rule.sub_event_type not in sub_names:
                sub_names.append(rule.sub_event_type)
            sub_colour = rs.get("colour", rs.get("color"))
            if sub_colour is not None:
                if not isinstance(sub_colour, str) or not _COLOUR.fullmatch(sub_colour):
                    raise TaxonomyError(f"{where}.sub_event_types[{j}]: colour must look like "
                                        f"'#rrggbb', got {sub_colour!r}")
                sub_colours.setdefault(rule.sub_event_type, sub_colour.lower())
            rules.append(rule)
        types.append(EventType(name, colour.lower(), tuple(sub_names),
                               requires_place=bool(rt.get("requires_place", False)),
                               merge_subtypes=bool(rt.get("merge_subtypes", True)),
                               sub_colours=tuple(sub_colours.items())))
    _check_patterns(rules, source)
    return Taxonomy(str(data.get("name", source)), tuple(types), tuple(rules), source)


def _parse_rule(rs: Any, event_type: str, where: str) -> TriggerRule:
    if not isinstance(rs, dict) or not isinstance(rs.get("name"), str) or not rs["name"]:
        raise TaxonomyError(f"{where} needs a non-empty 'name'")
    unknown = set(rs) - {"name", "lemmas", "pos", "patterns", "dependency_patterns", "context",
                         "context_scope", "exclude_context", "weak", "weight", "movement",
                         "colour", "color", "description"}
    if unknown:
        raise TaxonomyError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    patterns = rs.get("patterns") or []
    dep_patterns = rs.get("dependency_patterns") or []
    for key, value in (("patterns", patterns), ("dependency_patterns", dep_patterns)):
        if not isinstance(value, list) or not all(
                isinstance(p, list) and p and all(isinstance(x, dict) for x in p) for p in value):
            raise TaxonomyError(f"{where}: '{key}' must be a list of non-empty lists of objects")
    lemmas = _strings(rs.get("lemmas"), f"{where}.lemmas")
    if not (lemmas or patterns or dep_patterns):
        raise TaxonomyError(f"{where}: give at least one of lemmas, patterns, dependency_patterns")
    scope = rs.get("context_scope", "clause")
    if scope not in CONTEXT_SCOPES:
        raise TaxonomyError(f"{where}: context_scope must be one of {CONTEXT_SCOPES}")
    movement = rs.get("movement", "arrival" if event_type == "Movement" else "")
    if movement not in MOVEMENT_ROLES:
        raise TaxonomyError(f"{where}: movement must be one of {MOVEMENT_ROLES}")
    weight = rs.get("weight", 0.6)
    if not isinstance(weight, int | float) or not 0.0 <= float(weight) <= 1.0:
        raise TaxonomyError(f"{where}: weight must be a number in [0, 1]")
    return TriggerRule(
        event_type=event_type, sub_event_type=rs["name"], lemmas=lemmas,
        pos=tuple(p.upper() for p in _strings(rs.get("pos"), f"{where}.pos")),
        patterns=tuple(json.dumps(p, sort_keys=True) for p in patterns),
        dependency_patterns=tuple(json.dumps(p, sort_keys=True) for p in dep_patterns),
        context=_strings(rs.get("context"), f"{where}.context"), context_scope=scope,
        exclude_context=_strings(rs.get("exclude_context"), f"{where}.exclude_context"),
        weak=bool(rs.get("weak", False)), weight=float(weight), movement=movement)


def _check_patterns(rules: list[TriggerRule], source: str) -> None:
    """Compile every pattern once against an empty vocabulary so errors surface at load time."""
    from spacy.matcher import DependencyMatcher, Matcher
    from spacy.vocab import Vocab

    vocab = Vocab()
    matcher, dep_matcher = Matcher(vocab, validate=True), DependencyMatcher(vocab, validate=True)
    for n, rule in enumerate(rules):
        try:
            for p in rule.patterns:
                matcher.add(f"r{n}", [json.loads(p)])
            for p in rule.dependency_patterns:
                dep_matcher.add(f"r{n}", [json.loads(p)])
        except Exception as exc:  # spaCy raises ValueError/MatchPatternError/KeyError here
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise TaxonomyError(
                f"{source}: bad pattern for {rule.event_type} / {rule.sub_event_type}: {first}"
            ) from exc
