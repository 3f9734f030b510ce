"""The truth's shape: bursts, families, waves, statuses and displacement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tally.simulate import SimulationResult, SimulationSpec
from tally.simulate.geography import load_geography
from tally.simulate.world import ROLE_CHILD, ROLE_FATHER, build_world


@pytest.fixture(scope="module")
def world():
    spec = SimulationSpec(victims=20_000, seed=3).resolved()
    return build_world(spec, load_geography("SY", np.random.default_rng([3, 0])), np.random.default_rng([3, 1]))


def test_bursts_hold_the_configured_share(world) -> None:
    in_burst = (world.ev_size[world.event] >= world.spec.burst_min).mean()
    assert in_burst == pytest.approx(world.spec.burst_share, abs=0.01)


def test_bursts_are_heavy_tailed(world) -> None:
    sizes = np.sort(world.ev_size[world.ev_size > 1])[::-1]
    top = sizes[: max(1, len(sizes) // 10)].sum() / sizes.sum()
    assert top > 0.3 and sizes[0] >= 50


def test_burst_is_one_day_one_village(small: SimulationResult, victims: pd.DataFrame) -> None:
    per_event = victims.groupby("event_id").agg(dates=("date", "nunique"), places=("place", "nunique"),
                                                districts=("district_pcode", "nunique"))
    assert (per_event.dates == 1).all() and (per_event.places == 1).all() and (per_event.districts == 1).all()


def test_siblings_share_father_and_family_names(world) -> None:
    ch = np.flatnonzero(world.role == ROLE_CHILD)
    assert len(ch) > 500
    df = pd.DataFrame({"hh": world.household[ch], "father": world.father[ch], "family": world.family[ch],
                       "given": world.given[ch], "sex": world.sex[ch]})
    per = df.groupby("hh").agg(fathers=("father", "nunique"), families=("family", "nunique"), n=("given", "size"))
    assert (per.fathers == 1).all() and (per.families == 1).all()
    assert (per.n >= 2).mean() > 0.3
    # brothers do not share a given name
    assert not df.duplicated(["hh", "sex", "given"]).any()
    # a father killed with his children: his given name is theirs as father's name
    fa = np.flatnonzero(world.role == ROLE_FATHER)
    dad = dict(zip(world.household[fa], world.given[fa]))
    kids = [(h, f) for h, f in zip(df.hh, df.father) if h in dad]
    assert kids and all(dad[h] == f for h, f in kids)


def test_family_share_of_family_events(world) -> None:
    in_hh = (world.household >= 0).mean()
    assert 0.1 < in_hh < world.spec.burst_share * world.spec.family_share + 0.05


def test_violence_comes_in_waves(world) -> None:
    daily = np.bincount(world.day, minlength=world.spec.days)
    assert daily.max() > 2 * daily.mean()
    by_gov = np.bincount(world.governorate)
    assert by_gov.max() > 2 * by_gov.mean()


def test_status_sex_and_age_are_plausible(world) -> None:
    civ = world.status == 0
    assert 0.6 < civ.mean() < 0.95
    assert (world.sex[~civ] == 1).mean() > 0.95
    assert 0.05 < (world.age < 18).mean() < 0.4
    assert world.age.min() >= 0 and world.age.max() <= 100


def test_displacement_follows_violence(world) -> None:
    assert len(world.disp_day) > 0 and (world.disp_people >= world.disp_families).all()
    deaths = np.zeros((world.spec.days, len(world.geo.governorates)))
    np.add.at(deaths, (world.day, world.governorate), 1)
    crossed = np.zeros_like(deaths)
    np.add.at(crossed, (world.disp_day, world.disp_gov), world.disp_people)
    border = crossed.sum(axis=0) > 0
    assert np.corrcoef(deaths[:, border].ravel(), crossed[:, border].ravel())[0, 1] > 0.3


def test_grandfather_known_at_configured_rate(world) -> None:
    assert (world.grandfather >= 0).mean() == pytest.approx(world.spec.grandfather_rate, abs=0.02)
