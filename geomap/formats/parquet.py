"""GeoParquet 1.1 (WKB points, CRS84): opens in QGIS, GeoPandas and DuckDB. Needs pyarrow."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from geomap.errors import OutputError
from geomap.formats.schema import actors_text, event_to_properties, quotes_text
from geomap.types import Event


def require_pyarrow() -> Any:
    try:
        import pyarrow
    except ModuleNotFoundError:
        raise OutputError("writing GeoParquet needs pyarrow: pip install 'geomap-events[dask]' "
                          "(or pip install pyarrow)") from None
    return pyarrow


def wkb_points(events: list[Event]) -> list[bytes]:
    """ISO WKB of each event's place (little endian; x = lon, y = lat)."""
    if not events:
        return []
    import shapely

    points = shapely.points([e.place.lon for e in events], [e.place.lat for e in events])
    return list(shapely.to_wkb(points, byte_order=1))


def geoparquet_table(events: Iterable[Event]) -> Any:
    """The events as a pyarrow Table with GeoParquet 1.1 metadata (WKB points, CRS84)."""
    pa = require_pyarrow()
    events = list(events)

    def col(key: str) -> list[Any]:
        return [p.get(key) for p in props]

    props = [event_to_properties(e) for e in events]
    columns: dict[str, Any] = {
        "event_id": pa.array(col("event_id"), pa.string()),
        "event_type": pa.array(col("event_type"), pa.string()),
        "sub_event_type": pa.array(col("sub_event_type"), pa.string()),
        "date": pa.array([e.date for e in events], pa.date32()),
        "date_precision": pa.array([e.date_precision for e in events], pa.string()),
        "place_name": pa.array([e.place.name for e in events], pa.string()),
        "place_id": pa.array([e.place.place_id for e in events], pa.string()),
        "country_code": pa.array([e.place.country_code for e in events], pa.string()),
        "admin1_name": pa.array([e.place.admin1_name for e in events], pa.string()),
        "lat": pa.array([e.place.lat for e in events], pa.float64()),
        "lon": pa.array([e.place.lon for e in events], pa.float64()),
        "location_precision": pa.array([e.location_precision for e in events], pa.string()),
        "origin_name": pa.array([e.origin.name if e.origin else None for e in events],
                                pa.string()),
        "actors": pa.array([actors_text(e) for e in events], pa.string()),
        "quotes": pa.array([quotes_text(e) for e in events], pa.string()),
        "sources": pa.array(["; ".join(e.sources) for e in events], pa.string()),
        "doc_ids": pa.array(["; ".join(e.doc_ids) for e in events], pa.string()),
        "confidence": pa.array([e.confidence for e in events], pa.float64()),
        "modality": pa.array([e.modality for e in events], pa.string()),
        "geometry": pa.array(wkb_points(events), pa.binary()),
    }
    lons = [e.place.lon for e in events]
    lats = [e.place.lat for e in events]
    geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": {
        "encoding": "WKB", "geometry_types": ["Point"],
        **({"bbox": [min(lons), min(lats), max(lons), max(lats)]} if events else {})}}}
    table = pa.table(columns)
    return table.replace_schema_metadata({b"geo": json.dumps(geo).encode()})


def write_parquet(events: Iterable[Event], fh: IO[bytes], title: str = "geomap") -> None:
    """Write the events as GeoParquet (zstd) to a binary file handle.

    GeoParquet's metadata (the bounding box) precedes the rows, so the events are gathered
    into one table first.
    """
    import pyarrow.parquet as pq

    pq.write_table(geoparquet_table(events), fh, compression="zstd")
