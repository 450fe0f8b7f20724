"""What a corpus run did: running counts in constant memory, and the summary they make."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geomap.textsafe import terminal_safe
from geomap.types import Event

if TYPE_CHECKING:
    from geomap.pipeline import AnalyzedDocument

#: Unresolved names kept for the summary (the alphabetically first ones).
MAX_UNRESOLVED_NAMES = 8


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """What a corpus run did: counts for the summary line, not the results themselves."""

    documents: int = 0
    resumed: int = 0
    places: int = 0
    unresolved: int = 0
    unresolved_names: tuple[str, ...] = ()
    events: int = 0
    merged_events: int = 0
    event_types: tuple[tuple[str, int], ...] = ()
    seconds: float = 0.0

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        """Three lines for a terminal: events by type, places, throughput."""
        lines = [f"{self.merged_events} events"
                 + (": " + ", ".join(f"{t} {n}" for t, n in self.event_types)
                    if self.event_types else "")
                 + (f" (from {self.events} reports)" if self.events != self.merged_events else "")]
        lines.append(f"{self.places} place mentions resolved, {self.unresolved} unresolved"
                     + (" (" + ", ".join(terminal_safe(n) for n in self.unresolved_names) + ")"
                        if self.unresolved_names else ""))
        lines.append(f"{self.documents} documents in {self.seconds:.1f} s "
                     f"({self.docs_per_second:.1f} docs/s)"
                     + (f"; {self.resumed} more from the earlier partial run"
                        if self.resumed else ""))
        return "\n".join(lines)


@dataclass
class Tally:
    """Running counts; memory stays constant (the unresolved names are capped)."""

    documents: int = 0
    resumed: int = 0
    places: int = 0
    unresolved: int = 0
    names: list[str] = field(default_factory=list)

    def add_names(self, names: Iterable[str]) -> None:
        for name in names:
            if name not in self.names:
                self.names = heapq.nsmallest(MAX_UNRESOLVED_NAMES, [*self.names, name])

    def add(self, result: AnalyzedDocument) -> None:
        self.documents += 1
        self.places += sum(1 for rp in result.places if rp.resolved)
        bad = [rp.mention.surface for rp in result.places if not rp.resolved]
        self.unresolved += len(bad)
        self.add_names(bad)

    def add_counts(self, *, documents: int = 0, places: int = 0,
                   unresolved_names: Sequence[str] = (), unresolved: int | None = None) -> None:
        """Counts from elsewhere (a resumed record, a Dask partition)."""
        self.documents += documents
        self.places += places
        self.unresolved += len(unresolved_names) if unresolved is None else unresolved
        self.add_names(unresolved_names)

    def stats(self, *, events: Sequence[Event] = (), merged: Sequence[Event] = (),
              seconds: float) -> CorpusStats:
        types_ = Counter(e.event_type for e in merged)
        return CorpusStats(self.documents, self.resumed, self.places, self.unresolved,
                           tuple(self.names), len(events), len(merged),
                           tuple(sorted(types_.items())), seconds)
