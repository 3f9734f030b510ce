"""Dates resolved against the publication date; the report's date is not the event's."""

from __future__ import annotations

import datetime as dt

import pytest

from tally.extract.claims import extract_claims
from tally.extract.dates import resolve_dates

PUB = dt.date(2025, 3, 10)  # a Monday

D = dt.date


@pytest.mark.parametrize(("text", "expected"), [
    ("12 were killed on Tuesday", (D(2025, 3, 4), D(2025, 3, 4), False)),
    ("12 were killed this past weekend", (D(2025, 3, 8), D(2025, 3, 9), False)),
    ("12 have been killed since Thursday", (D(2025, 3, 6), PUB, True)),
    ("12 were killed on March 6", (D(2025, 3, 6), D(2025, 3, 6), False)),
    ("12 were killed yesterday", (D(2025, 3, 9), D(2025, 3, 9), False)),
    ("12 were killed last week", (D(2025, 3, 3), D(2025, 3, 9), False)),
    ("12 were killed in December", (D(2024, 12, 1), D(2024, 12, 31), False)),
    ("12 were killed between Friday and Sunday", (D(2025, 3, 7), D(2025, 3, 9), False)),
    ("12 have died since the start of the year", (D(2025, 1, 1), PUB, True)),
    ("since the start of 2025, 12 have died", (D(2025, 1, 1), PUB, True)),
    ("12 were killed three days ago", (D(2025, 3, 7), D(2025, 3, 7), False)),
    ("12 were killed in late January", (D(2025, 1, 1), D(2025, 1, 31), False)),
    ("12 were killed between 10 May and 30 September 2024", (D(2024, 5, 10), D(2024, 9, 30), False)),
    ("12 were detained between January 28 and February 2", (D(2025, 1, 28), D(2025, 2, 2), False)),
])
def test_resolve_dates_reads_relative_and_absolute_expressions(text: str, expected: tuple) -> None:
    assert resolve_dates(text, PUB, 3) == expected


def test_resolve_dates_ignores_the_date_of_the_report() -> None:
    assert resolve_dates("12 were killed, the ministry said on Monday.", PUB, 0) == (None, None, False)
    assert resolve_dates("The highest monthly toll since September 2024 was 12.", PUB, 40)[2] is False


def test_claims_without_time_have_no_dates_and_follow_the_paragraph() -> None:
    text = "Shelling killed 5 people on Tuesday, officials said. Another 12 were wounded.\n\nSome 3,000 remain missing."
    c1, c2, c3 = extract_claims(text, published=dt.datetime(2025, 3, 10), outlet="X").claims
    assert (c1.date_from, c2.date_from, c3.date_from) == (D(2025, 3, 4), D(2025, 3, 4), None)
    assert (c1.cumulative, c3.cumulative) == (False, True)


def test_scan_finds_what_finditer_finds() -> None:
    """The word-start scan is an exact, faster ``_PATTERNS.finditer`` (Unicode case folding included)."""
    from tally.extract.dates import _PATTERNS, _scan

    for s in ["Since March 6 and between 3 and 5 March 2024, 12 were killed", "mid-March, early April", "3rd of May",
              "since 2023 and since the start of 2024", "2 weeks ago, a day ago, last night, this morning",
              "ſince Monday", "İn 2024", "sınce Tuesday", "Mondays and Sunday's strike", "Sept. 4th, Sep 5, jan 1",
              "from Monday to Friday; over the weekend; the past 24 hours", "x_3 March", "Dec. 12-14, 2023",
              "At the weekend, this afternoon, a week ago, One day ago", "in the start of 2024, during 2023, OF 2022",
              "the end of March, THE middle of May, over the weekend, the-start of 2024",
              "3 and5 March, 3to5 May, 12th of May, 7 days ago, 5–7 Sept. 2024, 1,000 people, 19 March, since 2021"]:
        assert [(m.span(), m.lastgroup) for m in _scan(s)] == [(m.span(), m.lastgroup) for m in _PATTERNS.finditer(s)], s
