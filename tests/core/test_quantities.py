"""Number parsing and the conservative interpretation rules shared by simulate and extract."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tally.core.quantities import interpret, parse_number, to_words


@pytest.mark.parametrize("text,value", [
    ("seven", 7), ("Seven", 7), ("forty-seven", 47), ("1,400", 1400), ("1,400+", 1400), ("1.2 million", 1_200_000),
    ("two hundred", 200), ("two hundred and five", 205), ("a dozen", 12), ("3k", 3000), ("2 million", 2_000_000),
    ("one thousand two hundred", 1200), ("half a million", 500_000), ("870", 870), ("12,000", 12_000),
])
def test_parse_number_reads_digits_and_words(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["dozens", "", "many", "1,2,3x"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("count,qualifier,vague,expected", [
    ("47", "exact", None, (47, 47, 47)),
    ("870", "at_least", None, (870, None, 870)),
    ("200", "more_than", None, (201, None, 200)),
    ("95", "about", None, (95, 95, 95)),
    ("30", "up_to", None, (None, 30, 30)),
    (None, "vague", "dozens", (12, None, 12)),
    (None, "vague", "hundreds", (100, None, 100)),
    (None, "vague", "several", (3, None, 3)),
    ("a dozen", "exact", None, (12, 12, 12)),
])
def test_interpret_follows_conservative_rules(count, qualifier, vague, expected) -> None:
    assert interpret(count, qualifier, vague) == expected


@given(st.integers(min_value=0, max_value=999_999_999))
def test_to_words_round_trips(n: int) -> None:
    assert parse_number(to_words(n)) == n


def test_format_count_prints_whole_persons_from_a_hundred():
    from tally.core.quantities import format_count

    assert format_count(None) == "—"
    assert format_count(16366) == "16,366"
    assert format_count(20000.0) == "20,000"
    assert format_count(19670.5) in ("19,670", "19,671")  # a posterior median: whole persons
    assert format_count(12.5) == "12.5"  # small figures keep their decimal (shares, rates)
    assert format_count(float("nan")) == "—"


def test_format_range_prints_one_figure_when_the_ends_agree():
    from tally.core.quantities import format_range

    assert format_range(10805.0, 10805.0) == "10,805"
    assert format_range(1200, 1450) == "1,200–1,450"
    assert format_range(5, None) == "5–?" and format_range(None, None) == "—"


def test_counts_named_reads_the_victims_text_and_the_sentence():
    from tally.core.quantities import counts_named

    assert counts_named(None, "The UN has documented the names of 111 victims.")
    assert counts_named("verified deaths", None)
    assert counts_named(None, "40 of the dead were identified")
    assert not counts_named(None, "At least 1,200 civilians were killed, unnamed sources said.")
    assert not counts_named(None, None) and not counts_named("", "")
