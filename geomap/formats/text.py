"""The text formats, each one streaming writer: GeoJSON (RFC 7946), JSON Lines, CSV and KML.

A writer takes events one at a time and writes them to a text file handle as they come
(constant memory); :func:`geomap.formats.dumps` is the same writer aimed at a buffer.
Coordinates are ``(lat, lon)`` inside geomap; GeoJSON and KML get ``(lon, lat)`` here only.
"""

from __future__ import annotations

import html
import json
import unicodedata
from collections.abc import Iterable
from typing import IO, Any
from xml.etree import ElementTree as ET

from geomap.formats.schema import actors_text, event_to_properties, quotes_text
from geomap.textsafe import xml_safe
from geomap.types import Event

CSV_COLUMNS = ("event_id", "event_type", "sub_event_type", "date", "date_precision", "place_name",
               "place_id", "lat", "lon", "country_code", "admin1_name", "location_precision",
               "region", "origin_name", "origin_lat", "origin_lon", "actors", "quotes", "sources",
               "doc_ids", "confidence", "modality")
#: Cells holding numbers; every other cell may hold news text.
NUMERIC_COLUMNS = frozenset({"lat", "lon", "origin_lat", "origin_lon", "confidence"})
KML_NAMESPACE = "http://www.opengis.net/kml/2.2"


# -- GeoJSON ----------------------------------------------------------------------------------
def geojson_feature(event: Event) -> dict[str, Any]:
    """One Point feature: the event's properties at its place."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point",
                     "coordinates": [round(event.place.lon, 6), round(event.place.lat, 6)]},
        "properties": event_to_properties(event),
    }


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def write_geojson(events: Iterable[Event], fh: IO[str], title: str = "geomap") -> None:
    """A FeatureCollection written as header, features, footer: the bytes of
    ``json.dumps(collection, indent=1)``, one feature in memory at a time."""
    fh.write('{\n "type": "FeatureCollection",\n "features": [')
    first = True
    for e in events:
        fh.write(("\n" if first else ",\n")
                 + _indent(json.dumps(geojson_feature(e), ensure_ascii=False, indent=1), "  "))
        first = False
    fh.write("]\n}\n" if first else "\n ]\n}\n")


# -- JSON Lines -------------------------------------------------------------------------------
def jsonl_record(event: Event) -> dict[str, Any]:
    """One line of an events JSON Lines file: the properties plus ``lat`` and ``lon``."""
    record = event_to_properties(event)
    record["lat"] = round(event.place.lat, 6)
    record["lon"] = round(event.place.lon, 6)
    return record


def write_jsonl(events: Iterable[Event], fh: IO[str], title: str = "geomap") -> None:
    for e in events:
        fh.write(json.dumps(jsonl_record(e), ensure_ascii=False) + "\n")


# -- CSV --------------------------------------------------------------------------------------
#: Characters a spreadsheet reads as the start of a formula.
_FORMULA_STARTS = ("=", "+", "-", "@")
#: Characters that make a CSV cell need quotes: a reader would split the cell on them.
_CSV_SPECIAL = frozenset(',"\r\n')


def _ignorable(ch: str) -> bool:
    # What a spreadsheet skips before it looks for a formula sign: spaces and controls.
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def _csv_safe(value: object) -> str:
    # Spreadsheets run cells that start with = + - @ as formulas (also after leading spaces
    # or control characters); news text must stay text.
    text = "" if value is None else str(value)
    i = 0
    while i < len(text) and _ignorable(text[i]):
        i += 1
    if text[i:i + 1] in _FORMULA_STARTS or (i and text[:1] in ("\t", "\r")):
        return "'" + text
    return text


def _csv_cell(text: str) -> str:
    """A cell as CSV: quoted when it holds a comma, a quote, CR or LF (a bare CR too)."""
    if _CSV_SPECIAL.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def csv_row(event: Event) -> dict[str, str]:
    """One flat row of an event; text cells are guarded against formula injection."""
    p = event_to_properties(event)
    origin = event.origin
    row = {
        **{k: p.get(k) for k in CSV_COLUMNS if k in p},
        "lat": f"{event.place.lat:.6f}", "lon": f"{event.place.lon:.6f}",
        "origin_name": origin.name if origin else "",
        "origin_lat": f"{origin.lat:.6f}" if origin else "",
        "origin_lon": f"{origin.lon:.6f}" if origin else "",
        "actors": actors_text(event),
        "quotes": quotes_text(event),
        "sources": "; ".join(event.sources),
        "doc_ids": "; ".join(event.doc_ids),
    }
    return {k: ("" if row.get(k) is None else str(row[k])) if k in NUMERIC_COLUMNS
            else _csv_safe(row.get(k)) for k in CSV_COLUMNS}


def write_csv(events: Iterable[Event], fh: IO[str], title: str = "geomap") -> None:
    """A header and one row per event (RFC 4180 quoting, LF line ends)."""
    fh.write(",".join(CSV_COLUMNS) + "\n")
    for e in events:
        row = csv_row(e)
        fh.write(",".join(_csv_cell(row[k]) for k in CSV_COLUMNS) + "\n")


# -- KML --------------------------------------------------------------------------------------
def _kml_placemark(e: Event) -> ET.Element:
    # Elements without a namespace: inside the <kml xmlns=...> root they serialise as the
    # default namespace's, without prefixes.
    # Every text goes through xml_safe: XML 1.0 forbids most control characters, and one
    # of them makes the whole file unreadable.
    pm = ET.Element("Placemark")
    ET.SubElement(pm, "name").text = xml_safe(f"{e.event_type}: {e.place.name}")
    # KML viewers render descriptions as HTML: news text must arrive as text.
    ET.SubElement(pm, "description").text = xml_safe(
        "<br>".join(html.escape(q.text) for q in e.quotes))
    if e.date:
        ts = ET.SubElement(pm, "TimeStamp")
        ET.SubElement(ts, "when").text = e.date.isoformat()
    ext = ET.SubElement(pm, "ExtendedData")
    for key, value in csv_row(e).items():
        data = ET.SubElement(ext, "Data", name=key)
        ET.SubElement(data, "value").text = xml_safe(value)
    point = ET.SubElement(pm, "Point")
    ET.SubElement(point, "coordinates").text = f"{e.place.lon:.6f},{e.place.lat:.6f}"
    return pm


def write_kml(events: Iterable[Event], fh: IO[str], title: str = "geomap") -> None:
    """A KML document, one Placemark at a time, indented by two spaces per level."""
    name = ET.Element("name")
    name.text = xml_safe(title)
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
             f'<kml xmlns="{KML_NAMESPACE}">\n  <Document>\n    '
             + ET.tostring(name, encoding="unicode"))
    for e in events:
        pm = _kml_placemark(e)
        ET.indent(pm, level=2)
        pm.tail = None
        fh.write("\n    " + ET.tostring(pm, encoding="unicode"))
    fh.write("\n  </Document>\n</kml>\n")
