"""The lists' statistical shape: coverage, overlap, scripts, typos, duplicates, conventions."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from tally.core.gazetteer import Gazetteer
from tally.simulate import SimulationResult, SimulationSpec
from tally.simulate.lists import make_typo
from tally.simulate.names import ARTICLES, FAMILY_NAMES, FEMALE_NAMES, HABITS, MALE_NAMES, SON_OF, is_arabic

from .conftest import column, read_list

# Attested spellings the gazetteer resolves wrongly: it drops "countryside" as a generic word,
# so "Damascus Countryside" (Rural Damascus, SY03) becomes Damascus (SY01).  Reported; remove when fixed.
GAZETTEER_GAPS: set[str] = set()


def _known_tokens() -> set[str]:
    words: set[str] = set()
    for table in (MALE_NAMES, FEMALE_NAMES, FAMILY_NAMES):
        forms = list(table.arabic) + [s for h in HABITS[1:] for s in table.latin[h].ravel()]
        words.update(forms)
        words.update(s.removeprefix("ال") for s in table.arabic)
        words.update(a + s for s in forms for forms_ in ARTICLES.values() for a in forms_)
    words.update(w for pair in SON_OF.values() for w in pair)
    # everyday Arabic variation: hamza left off, compounds joined
    arabic = {w for w in words if is_arabic(w)}
    words.update(w.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})) for w in list(arabic))
    words.update(w.replace(" ", "") for w in list(words) if w.startswith(("عبد ", "أبو ", "ابو ", "العبد ")))
    return {t.casefold() for w in words for t in w.split()}


def test_coverage_per_list_near_configured(records: pd.DataFrame, small_spec: SimulationSpec) -> None:
    own = records[(records.copied == 0) & (records.duplicate == 0)]
    for org in small_spec.organisations:
        share = own.loc[own.source == org.name, "person"].nunique() / small_spec.victims
        assert share == pytest.approx(org.coverage, abs=0.04), org.name


def test_lists_overlap_more_than_independence(records: pd.DataFrame, small_spec: SimulationSpec) -> None:
    n = small_spec.victims
    sets = {o.name: set(records.loc[records.source == o.name, "person"]) for o in small_spec.organisations}
    for a, b in itertools.combinations(sets, 2):
        assert len(sets[a] & sets[b]) > len(sets[a]) * len(sets[b]) / n, (a, b)


def test_copying_list_depends_on_its_source(records: pd.DataFrame, small_spec: SimulationSpec) -> None:
    org = next(o for o in small_spec.organisations if o.copies_from)
    copied = records[(records.source == org.name) & (records.copied == 1)]
    source = set(records.loc[records.source == org.copies_from, "person"])
    assert len(copied) > 0 and set(copied.person) <= source
    rate = copied.person.nunique() / len(source)
    assert 0.3 * org.copy_rate < rate < 1.5 * org.copy_rate


def test_arabic_share_per_list(small: SimulationResult, small_spec: SimulationSpec) -> None:
    for org in small_spec.organisations:
        names = read_list(small.out, org.name).iloc[:, 1]
        share = names.map(is_arabic).mean()
        assert share == pytest.approx(org.scripts.get("arabic", 0.0), abs=0.05), org.name


def test_typo_rate_measured_from_names(small: SimulationResult, small_spec: SimulationSpec, records: pd.DataFrame) -> None:
    known = _known_tokens()
    for org in small_spec.organisations:
        names = read_list(small.out, org.name).iloc[:, 1]
        flagged = records.loc[records.source == org.name, "typo"].to_numpy() == 1
        unknown = names.map(lambda s: any(t.casefold() not in known for t in s.split())).to_numpy()
        assert not unknown[~flagged].any(), names[~flagged & unknown].head().tolist()
        measured = unknown.mean()
        sd = np.sqrt(org.typo_rate / len(names))
        assert 0.6 * org.typo_rate - 3 * sd < measured < org.typo_rate + 3 * sd, org.name


def test_duplicate_rate_near_configured(records: pd.DataFrame, small_spec: SimulationSpec) -> None:
    for org in small_spec.organisations:
        rows = records[records.source == org.name]
        extra = rows.person.duplicated().mean()
        assert extra == pytest.approx(org.duplicate_rate, abs=0.015), org.name


def test_dates_follow_each_lists_format(small: SimulationResult, small_spec: SimulationSpec) -> None:
    pattern = {"iso": r"\d{4}-\d{2}-\d{2}", "dmy": r"\d{2}/\d{2}/\d{4}"}
    for org in small_spec.organisations:
        dates = column(read_list(small.out, org.name), "date_of_death")
        dates = dates[dates != ""]
        assert dates.str.fullmatch(pattern[org.date_format]).all(), org.name


def test_date_errors_are_a_few_days(records: pd.DataFrame, small_spec: SimulationSpec) -> None:
    assert records.date_shift.abs().max() <= 4
    for org in small_spec.organisations:
        own = records[(records.source == org.name) & (records.copied == 0) & (records.duplicate == 0)]
        assert (own.date_shift != 0).mean() == pytest.approx(org.date_error_rate, abs=0.03)


def test_governorate_spellings_resolve_to_truth(small: SimulationResult, small_spec: SimulationSpec,
                                                records: pd.DataFrame, victims: pd.DataFrame) -> None:
    gaz = Gazetteer.default()
    truth = victims.set_index("person").governorate_pcode
    for org in small_spec.organisations:
        rows = read_list(small.out, org.name)
        persons = records.loc[records.source == org.name, "person"].to_numpy()
        spellings = set()
        for value, person in list(zip(column(rows, "governorate"), persons))[:400]:
            if value in GAZETTEER_GAPS:
                continue
            m = gaz.resolve(value, country="SY", kind="admin1")
            assert m is not None and m.area.code == f"ocha:{truth[person]}", (org.name, value)
            spellings.add(value)
        assert len(spellings) > 5


def test_name_conventions_differ_between_lists(small: SimulationResult, small_spec: SimulationSpec) -> None:
    cdv = read_list(small.out, "Centre for Documentation of Violations").iloc[:, 1]
    assert cdv.str.match(r"^[A-Z' -]{3,} ").mean() > 0.4  # "FAMILY Given"
    assert cdv.str.contains(r"\bEl[- ]").mean() > 0.05
    lohr = read_list(small.out, "Levant Observatory for Human Rights").iloc[:, 1]
    assert lohr.str.contains(r"\bbin\b|\bbint\b").mean() > 0.03
    sva = read_list(small.out, "Syria Victims Archive").iloc[:, 1]
    assert sva.str.contains(r"\bal-").mean() > 0.2


def test_make_typo_changes_the_name() -> None:
    rng = np.random.default_rng(0)
    for name in ("Mohammed Al-Halabi", "محمد أحمد الحلبي", "Abd al-Rahman", "Li"):
        assert make_typo(name, rng) != name


@pytest.fixture(scope="module")
def big_lists():
    """30,000 victims and their lists, not written: enough victims to see coverage biases through event noise."""
    from tally.simulate.geography import load_geography
    from tally.simulate.lists import build_lists
    from tally.simulate.world import build_world

    spec = SimulationSpec(victims=30_000, seed=5).resolved()
    world = build_world(spec, load_geography("SY", np.random.default_rng([5, 0])), np.random.default_rng([5, 1]))
    return world, build_lists(world, spec.organisations, 5)


def test_coverage_is_heterogeneous_by_status_region_and_time(big_lists) -> None:
    world, lists = big_lists
    sncd, lohr, _, sva = lists
    civilian = world.status == 0
    assert sncd.own[civilian].mean() > 2 * sncd.own[~civilian].mean()  # civilians first
    codes = np.array([g.pcode for g in world.geo.governorates])[world.governorate]
    northeast = np.isin(codes, ["SY08", "SY09", "SY11"])
    assert sva.own[northeast].mean() > 1.3 * sva.own[~northeast].mean()  # its network is in the northeast
    early, late = world.day < world.spec.days * 0.3, world.day > world.spec.days * 0.7
    assert lohr.own[late].mean() > 1.2 * lohr.own[early].mean()  # it grows over the period
    for vl in lists:
        assert vl.own.mean() == pytest.approx(vl.org.coverage, abs=0.02)
