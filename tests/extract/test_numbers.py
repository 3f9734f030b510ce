"""Quantities as written: numbers, qualifiers, vague words, and numbers that count no one."""

from __future__ import annotations

import pytest

from tally.extract.numbers import find_quantities


def _counts(s: str) -> list[tuple[str | None, str, str | None]]:
    return [(q.count, q.qualifier, q.vague_word) for q in find_quantities(s)]


@pytest.mark.parametrize(("text", "expected"), [
    ("seven people died", [("seven", "exact", None)]),
    ("at least 1,400 were killed", [("1,400", "at_least", None)]),
    ("1,400+ civilians", [("1,400+", "at_least", None)]),
    ("more than 1.2 million people", [("1.2 million", "more_than", None)]),
    ("some 40 police officers", [("40", "about", None)]),
    ("up to 200 people", [("200", "up_to", None)]),
    ("a dozen men", [("a dozen", "exact", None)]),
    ("twenty-three soldiers", [("twenty-three", "exact", None)]),
    ("dozens of people", [(None, "vague", "dozens")]),
    ("tens of thousands of people fled", [(None, "vague", "tens of thousands")]),
])
def test_find_quantities_reads_numbers_qualifiers_and_vague_words(text: str, expected: list) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize("text", [
    "A 65-year-old woman was hurt.",
    "two girls, ages 3 and 9, survived",
    "after 14 years of war",
    "since 2011",
    "on March 6",
    "about 16 kilometres from the hospital",
    "bread rose by 103 percent",
    "at 3 p.m.",
])
def test_find_quantities_skips_ages_years_durations_dates_and_distances(text: str) -> None:
    assert [q.count for q in find_quantities(text) if q.count not in ("two",)] == []


def test_number_scan_finds_what_finditer_finds() -> None:
    """The word-start scan is an exact, faster ``_NUMBER.finditer`` (Unicode case folding included)."""
    from tally.extract.numbers import _NUMBER, _numbers

    for s in ["1,400 people, 1.2 million, 1,400+ and twenty-three others", "a dozen, two hundred and tens of thousands",
              "x3 3x 12th ,5 .5 (12) -3 A Dozen ſeven İ ın", "several hundreds of thousands; a handful of a number",
              "twelve-year-old ninety-nine one-hundred ONE", "1,00 12,3456 1,000,000.5 3bn 5m"]:
        assert [(m.span(), m.lastgroup) for m in _numbers(s)] == [(m.span(), m.lastgroup) for m in _NUMBER.finditer(s)], s


def test_thousands_grouped_by_dots_or_thin_spaces_are_thousands() -> None:
    from tally.core.quantities import parse_number

    # "1.200 civilians" (a translation's grouping) is 1,200 people, never 1.2; "1.2 million" stays 1.2 million
    assert [parse_number(t) for t in ("1.200", "12.000", "1.234.567", "1\u202f200", "1.2 million", "12.5")] == [
        1200, 12000, 1234567, 1200, 1_200_000, 12.5]
    got = [(q.count, q.qualifier) for q in find_quantities("At least 1.200 civilians and 1\u202f300 others")]
    assert got == [("1.200", "at_least"), ("1\u202f300", "exact")]


def test_the_ends_of_a_range_are_one_quantity() -> None:
    from tally.core.quantities import interpret

    def found(s: str) -> list[tuple[str | None, str]]:
        return [(q.count, q.qualifier) for q in find_quantities(s)]

    assert found("Between 1,200 and 1,500 civilians were killed.") == [("1,200–1,500", "between")]
    assert found("Ten to fifteen people were killed.") == [("Ten–fifteen", "between")]
    assert found("Some 200 to 300 civilians were killed.") == [("200–300", "between")]  # the high end alone was kept
    assert found("The toll rose from 1,200 to 1,383.") == [("1,200", "exact"), ("1,383", "exact")]  # a change
    assert found("Between 40 and 30 were killed.") == [("40", "exact"), ("30", "exact")]  # not a range
    # with a dash (both numbers were dropped with a hyphen; with an en dash only the high end was kept)
    assert found("The strike killed 30-40 people.") == [("30–40", "between")]
    assert found("An estimated 1,200–1,500 civilians were killed.") == [("1,200–1,500", "between")]
    assert found("Between 2011-2015, 12 were killed; the score was 3-1; a 20-30 km convoy; on 10-12 March.") == [
        ("12", "exact")]
    assert interpret("1,200–1,500", "between") == (1200, 1500, 1200)  # best: the low end, conservative
    with pytest.raises(ValueError):
        interpret("1,200", "between")


def test_the_second_day_of_a_span_is_no_count() -> None:
    # "between March 6 and 10" was read as 10 more killings
    got = [q.count for q in find_quantities("It documented 803 killings between March 6 and 10.")]
    assert got == ["803"]
    assert [q.count for q in find_quantities("On March 7 and 12 more were killed.")] == ["12"]  # a count after all
