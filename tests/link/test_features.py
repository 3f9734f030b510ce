"""Records -> model columns."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tally.link.features import age_group, prepare


def test_prepare_derives_columns() -> None:
    df = pd.DataFrame([
        dict(record_key=1, source="a", name="Mohammed Hussein Al-Ali", sex="M", age="34", age_group=None,
             date_of_death="2014-03-02", governorate_code="ocha:SY01", district_code="", status="Civilian"),
        dict(record_key=2, source="b", name="محمد حسين العلي", sex="unknown", age=None, age_group="child",
             date_of_death=dt.date(2014, 3, 1), governorate_code=None, district_code=None, status=None),
    ])
    f, warnings = prepare(df)
    f = f.astype(object).where(f.notna(), None)
    assert list(f["given"]) == ["muhamad", "muhamad"] and list(f["family"]) == ["ali", "ali"]
    assert f["dod"].tolist() == [16131, 16130]
    assert f["sex"].tolist() == ["male", None]
    assert f["age"].tolist() == [34, None]
    assert f["age_group"].tolist() == ["adult", "child"]
    assert f["district_code"].tolist() == [None, None]
    assert f["status"].tolist() == ["civilian", None]
    assert not warnings


def test_age_group_from_text_or_age() -> None:
    assert age_group(None, "طفل") == "child"
    assert age_group(None, "60-69") == "elderly"
    assert age_group(12) == "child" and age_group(None) is None
