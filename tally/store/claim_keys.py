"""Keys stored with each claim when it is written, so that loading a scope's claims does less.

* ``relay_key``: outlets relay a source's figure word for word, so a workspace holds many claims
  identical in everything but their document (rule R2 of ``tally.reconcile``).  Equal fields,
  equal key: loading groups a scope's claims by one short string instead of hashing a tuple of
  sixteen values per claim, and fetches the fields of each group once.  A claim that is not active
  (rejected) gets a key of its own, so it is never grouped.  The key is the BLAKE2b-128 digest of
  the fields in a canonical JSON form: two different sets of fields share a key with probability
  about n²/2¹²⁹ for n groups, nil for any real workspace.
* ``area_key``: the claim's ``pcodes`` and ``admin1`` as one JSON text.  A workspace holds few
  distinct ones, so the place pre-filter is decided once per distinct key (read from the column's
  index) and the claims are then found by the index, instead of matching a dozen patterns against
  the codes of every claim.  A key too long to index is :data:`ANY_AREA`, which every place
  pre-filter admits (the pre-filter is loose: reconciliation decides exactly).

* ``named``: whether the figure counts individually named or verified victims, as its victims
  text or sentence says (``tally.core.quantities.counts_named``): read once when written, so that
  loading a scope's claims neither fetches nor searches their sentences.

The column defaults compute these from the row being inserted, so every insert into ``claims``
gets them; ``tally.store.claims.reject_claim`` renews the relay key.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tally.core.quantities import counts_named

if TYPE_CHECKING:
    from sqlalchemy import RowMapping

# The fields that make two claims the same report of one figure (the source's kind follows its id).
RELAY_FIELDS = ("source_id", "source_text", "event", "victims", "qualifier", "low", "high", "best", "pcodes",
                "admin1", "country", "date_from", "date_to", "cumulative", "manual", "status")
ANY_AREA = "*"
AREA_KEY_MAX = 1000  # characters; longer keys are ANY_AREA (PostgreSQL cannot index long values)
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


def relay_key(values: Mapping[str, Any] | RowMapping) -> str:
    """The relay key of a claim given its column values (a fresh unique key unless it is active)."""
    if (values.get("status") or "active") != "active":
        return uuid.uuid4().hex
    fields = [_canonical(k, values.get(k)) for k in RELAY_FIELDS]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def area_key(values: Mapping[str, Any] | RowMapping) -> str:
    """The area key of a claim given its column values: ``[pcodes, admin1]`` as JSON, or :data:`ANY_AREA`."""
    # absent columns take their default, an empty list
    pair = [_canonical(k, values[k]) if k in values else [] for k in ("pcodes", "admin1")]
    text = json.dumps(pair, separators=(",", ":"))
    return text if len(text) <= AREA_KEY_MAX else ANY_AREA


def area_texts(key: str) -> tuple[str, str] | None:
    """The ``pcodes`` and ``admin1`` JSON texts the claims of an area key store (None for :data:`ANY_AREA`)."""
    if key == ANY_AREA:
        return None
    pcodes, admin1 = json.loads(key)
    return json.dumps(pcodes), json.dumps(admin1)  # as SQLAlchemy's JSON type writes them


def relay_key_default(context: Any) -> str:
    """Column default: the relay key of the row being inserted."""
    return relay_key(context.get_current_parameters())


def area_key_default(context: Any) -> str:
    """Column default: the area key of the row being inserted."""
    return area_key(context.get_current_parameters())


def named_default(context: Any) -> bool:
    """Column default: whether the row being inserted counts named or verified victims."""
    p = context.get_current_parameters()
    return counts_named(p.get("victims_text"), p.get("quote"))
