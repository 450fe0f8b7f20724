"""Name normalisation shared by the store builder and the lookup path.

Both sides must fold names with the very same function, otherwise a name that
was indexed cannot be found again.
"""

from __future__ import annotations

import re
import unicodedata

# Apostrophe-like marks vanish (Sana'a = Sanaa, ʿAyn = Ayn); dashes and
# slashes split words (Al-Udeid = Al Udeid).
_DROP = dict.fromkeys(map(ord, "'’‘`´ʻʼʽʾʿˈ.\u02bf\u02be\u0301"), None)
_SPACE = dict.fromkeys(map(ord, "-‐‑‒–—―_/,;:()[]{}\"“”«»!?"), " ")
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d",
                          "Đ": "d", "ł": "l", "Ł": "l", "ı": "i", "œ": "oe", "Œ": "oe",
                          "þ": "th", "ð": "d", "ħ": "h"})
_ASCII = {**_DROP, **_SPACE}


def fold(name: str) -> str:
    """Return the lookup key of a name: case-, diacritic- and punctuation-insensitive.

    Examples
    --------
    >>> fold("Ṭarṭūs") == fold("Tartus") == fold("TARTUS")
    True
    >>> fold("Al-Udeid"), fold("U.S."), fold("Sana'a")
    ('al udeid', 'us', 'sanaa')
    """
    if name.isascii():
        # Fast path (most names): no diacritics to strip, and casefold() == lower().
        return " ".join(name.translate(_ASCII).split()).lower()
    text = name.translate(_SPECIAL).translate(_DROP).translate(_SPACE)
    text = unicodedata.normalize("NFKD", text)
    if not text.isascii():
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split()).casefold()


_ARTICLES = ("al ", "el ", "ad ", "ar ", "as ", "ash ", "at ", "az ", "an ", "ath ")


def spelling_variants(key: str) -> list[str]:
    """Other common romanisations of a folded Arabic-style place name, most alike first:
    the final "-a" / "-ah" (Hawija, Hawijah), then without or with the article "al-"
    (Al-Qusayr, Qusayr). For a lookup that finds nothing under ``key`` itself.

    >>> spelling_variants("al hawija")
    ['al hawijah', 'hawija', 'hawijah']
    >>> spelling_variants("hamah"), spelling_variants("qusayr")
    (['hama', 'al hamah', 'al hama'], ['al qusayr'])
    >>> spelling_variants("gaza city"), spelling_variants("ba")
    ([], [])
    """
    def ending(base: str) -> list[str]:
        last = base.rsplit(" ", 1)[-1]
        if len(last) > 4 and last.endswith("ah"):
            return [base[:-1]]
        if len(last) > 3 and last.endswith("a"):
            return [base + "h"]
        return []

    if len(key) < 4:
        return []
    article = next((a for a in _ARTICLES if key.startswith(a) and len(key) > len(a) + 2), None)
    bases = [key[len(article):]] if article else (["al " + key] if " " not in key else [])
    out = ending(key)
    for base in bases:
        out += [base, *ending(base)]
    return [v for v in dict.fromkeys(out) if v != key]


#: Generic words of administrative units, often left off in running text ("deputies in
#: Ouachita" for Ouachita Parish, "Kandiyohi" for Kandiyohi County).
ADMIN_GENERICS = ("county", "parish", "district", "province", "governorate", "region")

#: Every generic word that may end a place's name in running text ("Gaza city", "the Aleppo
#: governorate", "the Tampa metro area"): the administrative ones above and the rest. The
#: resolver strips them from a mention that finds nothing as written.
PLACE_GENERICS = (*ADMIN_GENERICS, "city", "village", "town", "township", "area", "state",
                  "municipality", "metro area", "borough")


def admin_variants(key: str) -> list[str]:
    """The folded name with each generic word of an administrative unit added, for a lookup
    that finds nothing under ``key`` itself (only administrative units may answer them).

    >>> admin_variants("ouachita")[:2]
    ['ouachita county', 'ouachita parish']
    >>> admin_variants("kandiyohi county"), admin_variants("ba")
    ([], [])
    """
    if len(key) < 4 or key.rsplit(" ", 1)[-1] in ADMIN_GENERICS:
        return []
    return [f"{key} {g}" for g in ADMIN_GENERICS]


def compact(name: str) -> str:
    """Strip dots and spaces but keep case: the key for case-sensitive codes.

    >>> compact("U.S."), compact("U. K.")
    ('US', 'UK')
    """
    return name.replace(".", "").replace(" ", "")


def slugify(name: str) -> str:
    """Return an ASCII slug for ids, e.g. ``slugify("Hmeimim Air Base") == "hmeimim-air-base"``."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(name))) or "place"
