"""Close calls between namesakes: the exclusive probability, and links queued for review."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tally.link.ambiguity import exclusive_probability
from tally.link.linkage import link_records
from tally.link.spec import LinkSpec
from tests.link.world import World


def _excl(pairs: list[tuple[int, int, float]], src: dict[int, str], twins: tuple[tuple[int, int], ...] = ()
          ) -> list[float]:
    kl = np.array([a for a, _, _ in pairs])
    kr = np.array([b for _, b, _ in pairs])
    p = np.array([x for _, _, x in pairs])
    twin = np.array([(a, b) in twins for a, b, _ in pairs])
    out = exclusive_probability(kl, kr, p, np.array([src[k] for k in kl]), np.array([src[k] for k in kr]),
                                p >= 0.6, twin=twin)
    return out.tolist()


def test_exclusive_probability_of_a_pair_without_rivals_is_its_probability() -> None:
    assert _excl([(1, 2, 0.9), (3, 4, 0.7)], {1: "A", 2: "B", 3: "A", 4: "C"}) == pytest.approx([0.9, 0.7])


def test_exclusive_probability_halves_two_namesakes_scored_alike() -> None:
    # record 1 of list A scores 0.99 with records 2 and 3 of list B, two people (their pair is weak)
    got = _excl([(1, 2, 0.99), (1, 3, 0.99), (2, 3, 0.1)], {1: "A", 2: "B", 3: "B"})
    assert got[0] == pytest.approx(99 / 199) and got[1] == pytest.approx(99 / 199)
    assert got[2] == pytest.approx(0.1)  # within one list: as given
    # a clearly stronger candidate keeps most of its probability
    strong = _excl([(1, 2, 0.999), (1, 3, 0.7)], {1: "A", 2: "B", 3: "B"})
    assert strong[0] > 0.99 and strong[1] < 0.01


def test_exclusive_probability_a_twin_is_no_rival() -> None:
    # records 2 and 3 of list B are one person entered twice
    got = _excl([(1, 2, 0.99), (1, 3, 0.99), (2, 3, 0.995)], {1: "A", 2: "B", 3: "B"}, twins=((2, 3),))
    assert got[:2] == pytest.approx([0.99, 0.99])


def test_exclusive_probability_counts_rivals_on_both_sides() -> None:
    # 1 (A) - 2 (B) has a rival on B's side (1 - 3) and on A's side (4 - 2)
    got = _excl([(1, 2, 0.9), (1, 3, 0.9), (4, 2, 0.9)], {1: "A", 2: "B", 3: "B", 4: "A"})
    assert got[0] == pytest.approx(9 / (1 + 9 + 9 + 9))


def test_link_records_queues_a_namesake_link_that_was_a_coin_toss(world: World) -> None:
    """Two cousins of one name and family, killed together, named with their fathers in one list;
    a second list names one of them without his father: its link is queued for review."""
    base = int(world.records["record_key"].max()) + 1
    common = {"sex": "male", "age": None, "age_group": None, "date_of_death": "2015-06-02",
              "governorate_code": "ocha:SY09", "district_code": "ocha:SY0902", "place": None, "status": "civilian"}
    extra = pd.DataFrame([
        {"record_key": base, "source": "arabic_list", "record_id": "x1", "name": "نزار سعيد القباني", **common},
        {"record_key": base + 1, "source": "arabic_list", "record_id": "x2", "name": "نزار وليد القباني", **common},
        {"record_key": base + 2, "source": "english_list", "record_id": "x3", "name": "Nizar al-Qabbani", **common},
    ])
    result = link_records(pd.concat([world.records, extra], ignore_index=True), LinkSpec(memory_limit="1GB"))
    persons = result.clusters
    assert persons[base] != persons[base + 1]  # the two cousins stay two people
    linked = [k for k in (base, base + 1) if persons[k] == persons[base + 2]]
    assert linked, "the record without a father's name joins one of them, as scored"
    review = {(min(a, b), max(a, b)) for a, b in zip(result.review["key_l"], result.review["key_r"], strict=True)}
    assert (linked[0], base + 2) in review
    assert result.metrics["review_close_calls"] >= 1
    off = link_records(pd.concat([world.records, extra], ignore_index=True),
                       LinkSpec(memory_limit="1GB", review_close_calls=False))
    assert off.clusters.equals(result.clusters)  # queueing changes no person
    assert "review_close_calls" not in off.metrics
