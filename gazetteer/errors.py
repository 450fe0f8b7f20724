"""Errors raised by the gazetteer package."""


class GazetteerError(RuntimeError):
    """Base class: the gazetteer could not do what was asked. The message says how to fix it."""


class GazetteerUnavailable(GazetteerError):
    """The store is missing, corrupt or cannot be built."""
