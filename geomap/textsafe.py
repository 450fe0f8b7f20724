"""Untrusted text made safe for where it goes: a UTF-8 file, an XML file, a terminal.

News text and the files users paste can hold what no output accepts: unpaired surrogates
(``"\\udc00"`` in a JSON string) that UTF-8 cannot encode, characters XML 1.0 forbids
(NUL, form feed, ESC), and terminal escape sequences. Imports nothing of geomap.

>>> scrub_surrogates("a\\udc00b")
'a\\ufffdb'
>>> xml_safe("page\\x0cbreak\\x00")
'page break'
>>> terminal_safe("\\x1b[31mred")
'\\\\x1b[31mred'
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
#: Characters XML 1.0 does not allow in a document (``Char`` production), surrogates included.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Control characters (C0, DEL, C1) and the bidirectional controls that reorder a line.
_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds surrogate code points (which UTF-8 cannot encode)."""
    return _SURROGATE.search(text) is not None


def scrub_surrogates(text: str) -> str:
    """``text`` with surrogate pairs joined and unpaired surrogates replaced by U+FFFD."""
    if not has_surrogates(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (vertical tab and form feed become
    spaces, the others are dropped)."""
    return _XML_FORBIDDEN.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)


def terminal_safe(text: str) -> str:
    """``text`` with control and bidi characters shown as escapes (``\\x1b``, ``\\u202e``),
    so that printing it cannot move the cursor, recolour or reorder a terminal line."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                                text)


#: A JSON string escape of a surrogate (``\ud800``-``\udfff``): what puts one into parsed text.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")


def scrub_tree(value: object) -> tuple[object, int]:
    """Parsed JSON with :func:`scrub_surrogates` applied to every string (keys too), and how
    many strings changed."""
    if isinstance(value, str):
        clean = scrub_surrogates(value)
        return clean, int(clean is not value)
    if isinstance(value, list):
        items = [scrub_tree(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        changed = 0
        out = {}
        for k, v in value.items():
            (key, n1), (val, n2) = scrub_tree(k), scrub_tree(v)
            out[key] = val
            changed += n1 + n2
        return out, changed
    return value, 0
