"""Date expressions resolved against a publication date (no model needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from geomap.dates import resolve_date

SUNDAY = dt.date(2024, 12, 8)  # a Sunday


@pytest.mark.parametrize(
    ("expression", "expected", "precision"),
    [
        ("Sunday", dt.date(2024, 12, 8), "day"),
        ("on Sunday", dt.date(2024, 12, 8), "day"),
        ("early Sunday", dt.date(2024, 12, 8), "day"),
        ("Saturday", dt.date(2024, 12, 7), "day"),
        ("on Monday night", dt.date(2024, 12, 2), "day"),
        ("Friday morning", dt.date(2024, 12, 6), "day"),
        ("last Sunday", dt.date(2024, 12, 1), "day"),
        ("next Monday", dt.date(2024, 12, 9), "day"),
        ("yesterday", dt.date(2024, 12, 7), "day"),
        ("last night", dt.date(2024, 12, 7), "day"),
        ("today", dt.date(2024, 12, 8), "day"),
        ("three days ago", dt.date(2024, 12, 5), "day"),
        ("last week", dt.date(2024, 11, 25), "week"),
        ("this week", dt.date(2024, 12, 2), "week"),
        ("last month", dt.date(2024, 11, 1), "month"),
        ("earlier this month", dt.date(2024, 12, 1), "month"),
        ("last year", dt.date(2023, 1, 1), "year"),
        ("in March", dt.date(2024, 3, 1), "month"),
        ("Nov. 30", dt.date(2024, 11, 30), "day"),
        ("30 November", dt.date(2024, 11, 30), "day"),
    ],
)
def test_relative_expressions(expression: str, expected: dt.date, precision: str) -> None:
    assert resolve_date(expression, SUNDAY) == (expected, precision)


@pytest.mark.parametrize(
    "expression", ["December 7, 2024", "Dec. 7, 2024", "7 Dec 2024", "7th of December 2024",
                   "2024-12-07", "on 7 December, 2024"])
def test_absolute_dates_need_no_publication_date(expression: str) -> None:
    assert resolve_date(expression, None) == (dt.date(2024, 12, 7), "day")


def test_month_and_year_precision() -> None:
    assert resolve_date("December 2024", None) == (dt.date(2024, 12, 1), "month")
    assert resolve_date("in 2023", None) == (dt.date(2023, 1, 1), "year")


def test_weekday_is_the_most_recent_on_or_before_publication() -> None:
    wednesday = dt.date(2024, 12, 11)
    assert resolve_date("Thursday", wednesday) == (dt.date(2024, 12, 5), "day")
    assert resolve_date("Wednesday", wednesday) == (wednesday, "day")


def test_day_month_without_year_does_not_land_far_in_the_future() -> None:
    january = dt.date(2025, 1, 3)
    assert resolve_date("December 30", january) == (dt.date(2024, 12, 30), "day")


@pytest.mark.parametrize("expression", ["50 years", "years ago", "may", "", "the rule", "a decade"])
def test_non_dates(expression: str) -> None:
    assert resolve_date(expression, SUNDAY) == (None, None)


def test_relative_without_publication_date_is_unknown() -> None:
    assert resolve_date("Saturday", None) == (None, None)
    assert resolve_date("last week", None) == (None, None)
