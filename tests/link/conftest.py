"""Shared fixtures of the link tests: one small invented world, linked once per session."""

from __future__ import annotations

import pandas as pd
import pytest

from tally.link.linkage import LinkResult, link_records
from tally.link.spec import LinkSpec
from tests.link.world import World, make_world


@pytest.fixture(scope="session")
def world() -> World:
    return make_world(600, seed=7)


@pytest.fixture(scope="session")
def linked(world: World) -> LinkResult:
    return link_records(world.records, LinkSpec(memory_limit="1GB"))


def predicted_key(world: World, result: LinkResult) -> pd.DataFrame:
    """The run's persons in the key's shape (source, id, person)."""
    pred = world.records[["record_key", "source", "record_id"]].rename(columns={"record_id": "id"})
    pred["person"] = pred["record_key"].map(result.clusters)
    return pred[["source", "id", "person"]]
