"""Resolve date expressions found in news text ("on Sunday", "last week", "7 Dec 2024").

Relative expressions are resolved against the article's publication date. A weekday name
means the most recent such day on or before the publication date ("Saturday" in an article
published on Sunday 2024-12-08 is 2024-12-07; "Sunday" is the publication day itself).
Weeks start on Monday: "last week" is the Monday of the previous week, precision ``week``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geomap.types import DatePrecision

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "several": 3}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")(?![a-z])\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_ABSOLUTE = (
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:\s*,\s*|\s+){_YEAR}\b"),
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}(?:\s*,\s*|\s+){_YEAR}\b"),
)
_DAY_MONTH = (re.compile(rf"\b{_MONTH}\s+{_DAY}\b"), re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}"))
_MONTH_YEAR = re.compile(rf"\b{_MONTH}(?:\s*,\s*|\s+){_YEAR}\b")
_MONTH_ONLY = re.compile(rf"^(?:(?:in|during|since|by|early|late|mid|mid-|the|of|end)\s*-?\s*)*"
                         rf"{_MONTH}$")
_YEAR_ONLY = re.compile(rf"^(?:(?:in|during|since|by|early|late|the|year|of)\s+)*{_YEAR}$")
_WEEKDAY = re.compile(r"\b(?:(?P<rel>last|this past|past|this|next|previous)\s+)?"
                      r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b")
_AGO = re.compile(r"\b(?P<n>\d+|a couple of|several|an|a|one|two|three|four|five|six|seven|"
                  r"eight|nine|ten)\s+(?P<unit>day|week|month|year)s?\s+ago\b")
_RELATIVE_UNIT = re.compile(r"\b(?P<rel>last|this|next|past|previous|earlier this|later this)\s+"
                            r"(?P<unit>week|month|year|weekend)\b")

Precision = str


def resolve_date(expression: str, published: dt.date | None) -> tuple[dt.date | None, DatePrecision | None]:
    """Resolve a date expression to ``(date, precision)``; ``(None, None)`` if it is not a date.

    Precision is one of ``day``, ``week``, ``month``, ``year``. Relative expressions need
    ``published``; without it they resolve to ``(None, None)``.

    Examples
    --------
    >>> resolve_date("early Sunday", dt.date(2024, 12, 8))
    (datetime.date(2024, 12, 8), 'day')
    >>> resolve_date("Saturday", dt.date(2024, 12, 8))
    (datetime.date(2024, 12, 7), 'day')
    >>> resolve_date("last month", dt.date(2024, 12, 8))
    (datetime.date(2024, 11, 1), 'month')
    >>> resolve_date("7 Dec 2024", None)
    (datetime.date(2024, 12, 7), 'day')
    """
    text = " ".join(expression.lower().replace("\u2019", "'").split()).strip(" .,;:")
    if not text:
        return None, None
    absolute = _absolute(text)
    if absolute is not None:
        return absolute
    if published is None:
        return None, None
    try:
        return _relative(text, published)
    except (OverflowError, ValueError):  # beyond year 1 or 9999: no date, not a crash
        return None, None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _absolute(text: str) -> tuple[dt.date | None, DatePrecision | None] | None:
    for rx in _ABSOLUTE:
        m = rx.search(text)
        if m:
            month = int(m["mnum"]) if "mnum" in m.groupdict() else MONTHS[m["month"]]
            day = _safe_date(int(m["year"]), month, int(m["day"]))
            if day is not None:
                return day, "day"
    m = _MONTH_YEAR.search(text)
    if m:
        return dt.date(int(m["year"]), MONTHS[m["month"]], 1), "month"
    m = _YEAR_ONLY.match(text)
    if m:
        return dt.date(int(m["year"]), 1, 1), "year"
    return None


def _relative(text: str, published: dt.date) -> tuple[dt.date | None, DatePrecision | None]:
    pub = published
    if re.search(r"\bday before yesterday\b", text):
        return pub - dt.timedelta(days=2), "day"
    if re.search(r"\b(yesterday|last night|overnight)\b", text):
        return pub - dt.timedelta(days=1), "day"
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening)|earlier today)\b", text):
        return pub, "day"
    if re.search(r"\btomorrow\b", text):
        return pub + dt.timedelta(days=1), "day"
    m = _WEEKDAY.search(text)
    if m:
        return _weekday(WEEKDAYS.index(m["wd"]), m["rel"], pub), "day"
    for rx in _DAY_MONTH:
        m = rx.search(text)
        if m is None or (m["month"] == "may" and not re.search(r"\bmay \d|\d may\b", text)):
            continue
        day = _month_day(MONTHS[m["month"]], int(m["day"]), pub)
        if day is not None:
            return day, "day"
    m = _AGO.search(text)
    if m:
        n = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"]]
        unit = m["unit"]
        if unit == "day":
            return pub - dt.timedelta(days=n), "day"
        if unit == "week":
            return _monday(pub - dt.timedelta(weeks=n)), "week"
        if unit == "month":
            return _add_months(pub.replace(day=1), -n), "month"
        return dt.date(pub.year - n, 1, 1), "year"
    m = _RELATIVE_UNIT.search(text)
    if m:
        rel, unit = m["rel"], m["unit"]
        step = -1 if rel in ("last", "past", "previous") else 1 if rel == "next" else 0
        if unit == "weekend":
            saturday = _weekday(5, "this" if step == 0 else None, pub)
            return saturday + dt.timedelta(weeks=step if step > 0 else 0), "week"
        if unit == "week":
            return _monday(pub) + dt.timedelta(weeks=step), "week"
        if unit == "month":
            return _add_months(pub.replace(day=1), step), "month"
        return dt.date(pub.year + step, 1, 1), "year"
    m = _MONTH_ONLY.match(text)
    if m and m["month"] != "may":
        month = MONTHS[m["month"]]
        year = pub.year if month <= pub.month else pub.year - 1
        return dt.date(year, month, 1), "month"
    return None, None


def _weekday(target: int, rel: str | None, pub: dt.date) -> dt.date:
    back = (pub.weekday() - target) % 7
    if rel == "next":
        return pub + dt.timedelta(days=(target - pub.weekday()) % 7 or 7)
    if rel in ("last", "previous", "this past", "past") and back == 0:
        back = 7
    return pub - dt.timedelta(days=back)


def _month_day(month: int, day: int, pub: dt.date) -> dt.date | None:
    """A day-month without a year: this year's, unless that lies well after publication."""
    candidate = _safe_date(pub.year, month, day)
    if candidate is not None and (candidate - pub).days > 31:
        candidate = _safe_date(pub.year - 1, month, day)
    return candidate


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
