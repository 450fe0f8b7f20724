"""Errors raised by the gazetteer package, and the root of every error geomap raises on purpose."""


class GeomapBaseError(Exception):
    """The common base of :class:`GazetteerError` and :class:`geomap.errors.GeomapError`.

    Catch it to handle every error the gazetteer and geomap raise on purpose; each subclass
    also keeps a builtin base (``RuntimeError``, ``ValueError``, ``OSError``) that says what
    kind of failure it is, as geopy's errors do.
    """


class GazetteerError(GeomapBaseError, RuntimeError):
    """Base class: the gazetteer could not do what was asked. The message says how to fix it."""


class GazetteerUnavailable(GazetteerError):
    """The store is missing, corrupt or cannot be built."""
