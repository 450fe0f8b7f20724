"""Event detection: what happened, where, when and who, each once.

>>> from geomap.events import detect_events, merge_events
"""

from geomap.events.detect import detect_events
from geomap.events.merge import merge_events

__all__ = ["detect_events", "merge_events"]
