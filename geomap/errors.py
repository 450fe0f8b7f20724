"""The one error hierarchy of geomap. Every message says what to do about it."""

from gazetteer.errors import GazetteerError, GeomapBaseError


class GeomapError(GeomapBaseError):
    """Base class for every error geomap raises on purpose."""


class InputError(GeomapError, ValueError):
    """An input file, line or option is not usable (missing, empty, binary, malformed)."""


class InputTypeError(InputError, TypeError):
    """A value of the wrong type was given (a number where a string goes, a list for a date)."""


class OutputError(GeomapError, OSError):
    """An output cannot be written."""


class ModelError(GeomapError, RuntimeError):
    """The spaCy model cannot be loaded."""


class TaxonomyError(GeomapError, ValueError):
    """An event taxonomy file is malformed."""


__all__ = [
    "GazetteerError",
    "GeomapBaseError",
    "GeomapError",
    "InputError",
    "InputTypeError",
    "ModelError",
    "OutputError",
    "TaxonomyError",
]
