"""Linkage of the simulator's default world, through ingest (gazetteer codes) and the store."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from tally.pipeline import evaluate_link, init_workspace, run_ingest, run_link


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory):
    from tally.simulate import simulate
    from tally.simulate.spec import make_spec

    root = tmp_path_factory.mktemp("sim")
    simulate(make_spec(None, seed=0), root / "world")
    ws = init_workspace(root / "ws")
    run_ingest(ws, sorted((root / "world" / "lists").glob("*.csv")))
    run_id, result = run_link(ws)
    return root, ws, result


def test_simulated_world_pairwise_f1(simulated) -> None:
    root, ws, _ = simulated
    score = evaluate_link(ws, root / "world" / "truth" / "key.csv")
    # acceptance asks 0.97: 0.9734 through the store, 0.9732-0.9737 over u-sampling seeds 1, 2, 3, 42
    # (exact u for most comparisons; it was 0.969-0.972 with every u sampled)
    assert score.f1 >= 0.97, score.summary()
    assert score.precision >= 0.96, score.summary()
    assert score.recall >= 0.96, score.summary()


def test_simulated_world_siblings_not_merged(simulated) -> None:
    root, ws, result = simulated
    victims = pd.read_csv(root / "world" / "truth" / "victims.csv", dtype=str, keep_default_na=False)
    key = pd.read_csv(root / "world" / "truth" / "key.csv", dtype=str)
    fam = victims[(victims["father"] != "") & (victims["family"] != "")]
    pairs = [
        (a, b)
        for _, g in fam.groupby(["father", "family", "event_id"])
        if len(g) > 1 and g["given"].nunique() == len(g)
        for a, b in itertools.combinations(g["person"], 2)
    ]
    from tally.store import links

    with ws.connect() as conn:
        rows = pd.DataFrame(links.link_input_rows(conn))
    rows["person_pred"] = rows["record_key"].map(result.clusters)
    got = rows.merge(key, left_on=["source", "record_id"], right_on=["source", "id"])
    persons = got.groupby("person")["person_pred"].apply(set)
    listed = [(a, b) for a, b in pairs if a in persons.index and b in persons.index]
    merged = sum(1 for a, b in listed if persons[a] & persons[b])
    assert len(listed) > 50
    assert merged / len(listed) <= 0.01, f"{merged} of {len(listed)} sibling pairs merged"
