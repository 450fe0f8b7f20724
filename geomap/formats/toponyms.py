"""The toponym record: one line of ``geomap toponyms`` output per document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from geomap.types import ResolvedPlace


def toponym_record(doc_id: str, places: Sequence[ResolvedPlace], *,
                   demonyms: bool = True) -> dict[str, Any]:
    """One line of ``geomap toponyms`` output (the format ../shared/eval/score.py reads).

    ``kind`` says what each mention is (place, demonym or facility); ``demonyms=False``
    leaves demonyms out.
    """
    return {"id": doc_id, "toponyms": [{
        "start": rp.mention.start, "end": rp.mention.end, "name": rp.mention.surface,
        "kind": rp.kind,
        "lat": round(rp.place.lat, 5) if rp.place else None,
        "lon": round(rp.place.lon, 5) if rp.place else None,
        "place_id": rp.place.place_id if rp.place else None,
        "score": rp.score,
        **({"reason": rp.reason} if rp.reason else {}),
    } for rp in places if demonyms or rp.kind != "demonym"]}
