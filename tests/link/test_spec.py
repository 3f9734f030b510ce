"""LinkSpec: files, validation of everything at once."""

from __future__ import annotations

import pytest

from tally.core.errors import LinkError
from tally.link.spec import LinkSpec


def test_link_spec_loads_toml_and_json(tmp_path) -> None:
    t = tmp_path / "spec.toml"
    t.write_text('engine = "spark"\nthreshold = 0.95\nreview_band = [0.2, 0.9]\n')
    spec = LinkSpec.load(t)
    assert spec.engine == "spark" and spec.threshold == 0.95 and spec.review_band == (0.2, 0.9)
    j = tmp_path / "spec.json"
    j.write_text('{"max_cluster_size": 6}')
    assert LinkSpec.load(j).max_cluster_size == 6


def test_link_spec_reports_every_problem() -> None:
    with pytest.raises(LinkError) as exc:
        LinkSpec.parse({"threshold": 2, "engine": "oracle", "colour": "red"})
    msg = str(exc.value)
    assert "threshold" in msg and "engine" in msg and "colour" in msg


def test_link_spec_round_trips() -> None:
    spec = LinkSpec(threshold=0.8)
    assert LinkSpec.parse(spec.to_dict()) == spec
