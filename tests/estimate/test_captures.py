"""Capture histories: reading the reference format, building from records, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.core.errors import EstimateError, InputError
from tally.estimate import CaptureHistory

from .conftest import load


def test_captures_reads_kosovo(kosovo: CaptureHistory) -> None:
    """The LCMCR package's kosovo_aggregate: 4 lists, 15 patterns, 4,400 people."""
    assert kosovo.lists == ("EXH", "ABA", "OSCE", "HRW")
    assert kosovo.observed == 4400
    assert kosovo.list_sizes() == {"EXH": 1910, "ABA": 1528, "OSCE": 1786, "HRW": 685}
    assert kosovo.table()[0] == 0 and kosovo.table()[0b1111] == 27


def test_captures_keeps_zero_count_patterns() -> None:
    """HIV has patterns seen by no one (count 0): they stay zero cells."""
    hiv = load("rcapture_HIV_rome.csv")
    assert hiv.observed == 1896
    assert hiv.table()[0b1011] == 0 and hiv.table()[0b1111] == 0


def test_captures_rejects_bad_cells_naming_row_and_column(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("A,B,count\n1,0,5\n2,1,3\n0,1,x\n")
    with pytest.raises(InputError) as err:
        CaptureHistory.from_csv(path)
    problems = [str(p) for p in err.value.problems]
    assert any("row 3" in p and "column 'A'" in p for p in problems)
    assert any("row 4" in p and "column 'count'" in p for p in problems)
    assert str(path) in str(err.value)


def test_captures_rejects_missing_count_column_and_frequency_data(tmp_path) -> None:
    path = tmp_path / "nocount.csv"
    path.write_text("A,B\n1,0\n")
    with pytest.raises(InputError, match="no 'count' column"):
        CaptureHistory.from_csv(path)
    with pytest.raises(InputError, match="no list identities"):
        load("rcapture_ill_netherlands_counts.csv")


def test_captures_rejects_counted_unobserved(tmp_path) -> None:
    path = tmp_path / "zero.csv"
    path.write_text("A,B,count\n0,0,4\n1,1,2\n")
    with pytest.raises(InputError) as err:
        CaptureHistory.from_csv(path)
    assert "row 2" in str(err.value.problems[0]) and "all-zero" in str(err.value.problems[0])


def test_captures_missing_file_is_one_line_error(tmp_path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        CaptureHistory.from_csv(tmp_path / "absent.csv")


def test_captures_from_records_tabulates_patterns() -> None:
    h = CaptureHistory.from_records([{"a"}, {"a", "b"}, {"b"}, {"a", "b"}, set()], lists=["a", "b"])
    assert h.observed == 4
    assert list(h.table()) == [0, 1, 1, 2]  # cells: first list is the top bit
    with pytest.raises(EstimateError, match="not in"):
        CaptureHistory.from_records([{"z"}], lists=["a"])


def test_captures_select_drops_people_on_neither(kosovo: CaptureHistory) -> None:
    pair = kosovo.select(["EXH", "ABA"])
    assert pair.observed == 3035 and pair.table()[3] == 403


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sets(st.sampled_from("abcd"), min_size=1), min_size=1, max_size=60))
def test_captures_from_records_roundtrips_through_table(rows: list[set[str]]) -> None:
    h = CaptureHistory.from_records(rows, lists=list("abcd"))
    assert h.observed == len(rows)
    back = CaptureHistory.from_table(h.lists, h.table())
    assert np.array_equal(back.table(), h.table())
    assert h.list_sizes() == {x: sum(x in r for r in rows) for x in "abcd"}
