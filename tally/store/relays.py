"""Relay keys: one stored value that the claims of one relayed figure share.

Outlets relay a source's figure word for word, so a workspace holds many claims identical in
everything but their document (rule R2 of ``tally.reconcile``).  Each claim stores a key computed
from those fields when it is written: equal fields, equal key.  Loading a scope then groups its
claims by one short string instead of hashing a tuple of seventeen values per claim, and fetches
the fields of each group once.  A claim that is not active (rejected) gets a key of its own, so it
is never grouped.

The key is the BLAKE2b-128 digest of the fields in a canonical JSON form: two different sets of
fields share a key with probability about n²/2¹²⁹ for n groups, nil for any real workspace.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

# The fields that make two claims the same report of one figure (the source's kind follows its id).
RELAY_FIELDS = ("source_id", "source_text", "event", "victims", "qualifier", "low", "high", "best", "pcodes",
                "admin1", "country", "date_from", "date_to", "cumulative", "manual", "status")
_FLOATS = frozenset({"low", "high", "best"})
_BOOLS = frozenset({"cumulative", "manual"})
_DATES = frozenset({"date_from", "date_to"})
_JSON = frozenset({"pcodes", "admin1"})


def _canonical(name: str, v: Any) -> Any:
    if v is None:
        return None
    if name in _FLOATS:
        return float(v) + 0.0  # 12 and 12.0 are one number; + 0.0 folds -0.0 into 0.0
    if name in _BOOLS:
        return bool(v)
    if name in _DATES:
        return str(v)[:10]  # a date, or a date's ISO text as the column stores it
    if name in _JSON:
        return list(v) if isinstance(v, tuple) else v  # as JSON, a tuple is a list
    return v


def relay_key(values: Mapping[str, Any]) -> str:
    """The relay key of a claim given its column values (a fresh unique key unless it is active)."""
    if (values.get("status") or "active") != "active":
        return uuid.uuid4().hex
    fields = [_canonical(k, values.get(k)) for k in RELAY_FIELDS]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def relay_key_default(context: Any) -> str:
    """Column default: the key of the row being inserted (any insert into ``claims`` gets one)."""
    return relay_key(context.get_current_parameters())
