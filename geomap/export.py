"""Events as data: GeoJSON (RFC 7946), CSV, JSON Lines and KML, and toponym records.

Coordinates are ``(lat, lon)`` inside geomap; GeoJSON and KML get ``(lon, lat)`` here only.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from geomap.errors import InputError
from geomap.io import atomic_writer
from geomap.types import Event, EventCollection, ResolvedPlace

FORMATS = ("geojson", "csv", "jsonl", "kml")
CSV_COLUMNS = ("event_id", "event_type", "sub_event_type", "date", "date_precision", "place_name",
               "place_id", "lat", "lon", "country_code", "admin1_name", "location_precision",
               "region", "origin_name", "origin_lat", "origin_lon", "actors", "quotes", "sources",
               "doc_ids", "confidence", "modality")


def event_properties(event: Event) -> dict[str, Any]:
    """The properties every export shares (the schema the map reader reads back)."""
    from geomap.render.schema import event_to_properties

    return event_to_properties(event)



def to_geojson(collection: EventCollection | Sequence[Event]) -> dict[str, Any]:
    """A FeatureCollection of Point features, one per event."""
    events = collection.events if isinstance(collection, EventCollection) else collection
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(e.place.lon, 6), round(e.place.lat, 6)]},
        "properties": event_properties(e),
    } for e in events]
    return {"type": "FeatureCollection", "features": features}


def dumps_geojson(collection: EventCollection | Sequence[Event]) -> str:
    return json.dumps(to_geojson(collection), ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def jsonl_record(event: Event) -> dict[str, Any]:
    record = event_properties(event)
    record["lat"] = round(event.place.lat, 6)
    record["lon"] = round(event.place.lon, 6)
    return record


#: Cells holding numbers; every other cell may hold news text.
NUMERIC_COLUMNS = frozenset({"lat", "lon", "origin_lat", "origin_lon", "confidence"})


def _csv_safe(value: object) -> str:
    # Spreadsheets run cells that start with = + - @ as formulas; news text must stay text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_row(event: Event) -> dict[str, str]:
    """One flat row of an event; text cells are guarded against formula injection."""
    p = event_properties(event)
    origin = event.origin
    row = {
        **{k: p.get(k) for k in CSV_COLUMNS if k in p},
        "lat": f"{event.place.lat:.6f}", "lon": f"{event.place.lon:.6f}",
        "origin_name": origin.name if origin else "",
        "origin_lat": f"{origin.lat:.6f}" if origin else "",
        "origin_lon": f"{origin.lon:.6f}" if origin else "",
        "actors": "; ".join(f"{a.name} ({a.role})" for a in event.actors),
        "quotes": " | ".join(q.text for q in event.quotes),
        "sources": "; ".join(event.sources),
        "doc_ids": "; ".join(event.doc_ids),
    }
    return {k: ("" if row.get(k) is None else str(row[k])) if k in NUMERIC_COLUMNS
            else _csv_safe(row.get(k)) for k in CSV_COLUMNS}


def dumps_csv(events: Iterable[Event]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in events:
        writer.writerow(csv_row(e))
    return buf.getvalue()


def dumps_kml(events: Iterable[Event], *, title: str = "geomap") -> str:
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)
    kml = ET.Element(f"{{{ns}}}kml")
    document = ET.SubElement(kml, f"{{{ns}}}Document")
    ET.SubElement(document, f"{{{ns}}}name").text = title
    for e in events:
        pm = ET.SubElement(document, f"{{{ns}}}Placemark")
        ET.SubElement(pm, f"{{{ns}}}name").text = f"{e.event_type}: {e.place.name}"
        # KML viewers render descriptions as HTML: news text must arrive as text.
        ET.SubElement(pm, f"{{{ns}}}description").text = "<br>".join(
            html.escape(q.text) for q in e.quotes)
        if e.date:
            ts = ET.SubElement(pm, f"{{{ns}}}TimeStamp")
            ET.SubElement(ts, f"{{{ns}}}when").text = e.date.isoformat()
        ext = ET.SubElement(pm, f"{{{ns}}}ExtendedData")
        for key, value in csv_row(e).items():
            data = ET.SubElement(ext, f"{{{ns}}}Data", name=key)
            ET.SubElement(data, f"{{{ns}}}value").text = value
        point = ET.SubElement(pm, f"{{{ns}}}Point")
        ET.SubElement(point, f"{{{ns}}}coordinates").text = f"{e.place.lon:.6f},{e.place.lat:.6f}"
    ET.indent(kml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode") + "\n"


def dumps(collection: EventCollection, fmt: str) -> str:
    """Serialise the events of ``collection`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "geojson":
        return dumps_geojson(collection)
    if fmt == "csv":
        return dumps_csv(collection.events)
    if fmt == "jsonl":
        return "".join(json.dumps(jsonl_record(e), ensure_ascii=False) + "\n" for e in collection.events)
    if fmt == "kml":
        return dumps_kml(collection.events, title=collection.title)
    raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def format_for_path(path: str | os.PathLike[str], default: str | None = None) -> str:
    """The export format an output file name asks for (``.geojson``/``.json``, ``.csv``, …)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    fmt = {"json": "geojson", "ndjson": "jsonl", "geoparquet": "parquet"}.get(suffix, suffix)
    if fmt in (*FORMATS, "parquet"):
        return fmt
    if default is not None:
        return default
    raise InputError(f"{path}: cannot tell the format from the extension; use .geojson, .csv, "
                     ".jsonl, .kml, .parquet or .html, or pass --format")


def save(collection: EventCollection, path: str | os.PathLike[str], *, fmt: str | None = None,
         **map_options: Any) -> Path:
    """Write ``collection`` to ``path`` atomically; the format follows the file extension."""
    target = Path(path)
    if target.suffix.lower() in (".html", ".htm"):
        from geomap.render import save_map

        save_map(collection, target, **map_options)
        return target
    fmt = fmt or format_for_path(target)
    if fmt == "parquet":
        from geomap.corpus import write_geoparquet

        return write_geoparquet(collection.events, target)
    text = dumps(collection, fmt)
    with atomic_writer(target) as fh:
        fh.write(text)
    return target


def toponym_record(doc_id: str, places: Sequence[ResolvedPlace]) -> dict[str, Any]:
    """One line of ``geomap toponyms`` output (the format ../shared/eval/score.py reads)."""
    return {"id": doc_id, "toponyms": [{
        "start": rp.mention.start, "end": rp.mention.end, "name": rp.mention.surface,
        "lat": round(rp.place.lat, 5) if rp.place else None,
        "lon": round(rp.place.lon, 5) if rp.place else None,
        "place_id": rp.place.place_id if rp.place else None,
        "score": rp.score,
        **({"reason": rp.reason} if rp.reason else {}),
    } for rp in places]}
