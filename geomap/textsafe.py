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
