"""tally.link — victim records into persons with Splink (the only package importing splink).

The core is store-agnostic: :func:`link_records` takes a pandas frame of records and returns a
frozen :class:`LinkResult`; the pipeline stores it.
"""

from __future__ import annotations

from tally.link.evaluate import LinkScore, read_truth, score_clusters
from tally.link.features import prepare
from tally.link.linkage import LinkResult, Waterfall, explain_pair, link_records
from tally.link.names import NameParts, normalise_name
from tally.link.spec import LinkSpec

__all__ = [
    "LinkResult",
    "LinkScore",
    "LinkSpec",
    "NameParts",
    "Waterfall",
    "explain_pair",
    "link_records",
    "normalise_name",
    "prepare",
    "read_truth",
    "score_clusters",
]
