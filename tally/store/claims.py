"""Claims: save extracted claims, insert manual ones, reject them, list them, load them for reconciliation.

Callers audit their writes (``tally.store.audit.append``) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Text, and_, case, cast, delete, func, insert, null, or_, select, update

from tally.core.errors import InputError, NotFoundError
from tally.core.gazetteer import LOCALITY_SEP, locality_key
from tally.store.claim_keys import area_texts, relay_key
from tally.store.schema import claims, documents, sources
from tally.store.sources import get_or_create

if TYPE_CHECKING:  # (pydantic's models: imported by the commands that make claims, not by every question)
    from tally.core.models import Claim

# Claim JSON key -> claims column, where they differ.
_COLUMN = {"count": "count_text", "source": "source_text"}
CLAIM_KEYS = ("event", "count", "qualifier", "vague_word", "low", "high", "best", "victims", "victims_text", "source",
              "places", "country", "admin1", "pcodes", "date_from", "date_to", "cumulative", "perpetrator", "quote",
              "start", "end")


def unextracted_articles(conn: Connection, *, again: bool = False) -> list[dict[str, Any]]:
    """Articles with text that have not been through extraction yet (with *again*: all of them), in id order."""
    q = (select(documents.c.id, documents.c.text, documents.c.title, documents.c.outlet, documents.c.published,
                documents.c.language, documents.c.meta)
         .where(documents.c.kind == "article", documents.c.text.is_not(None))
         .order_by(documents.c.id))
    if not again:
        q = q.where(documents.c.extracted_at.is_(None))
    return [dict(r) for r in conn.execute(q).mappings()]


def save_claims(conn: Connection, document_id: int, found: Iterable[dict[str, Any]],
                found_sources: Iterable[dict[str, Any]], *, actor: str, reported_at: dt.datetime | None = None,
                carried: list[tuple[int, str]] | None = None) -> int:
    """Replace the extracted claims of *document_id* with *found* (claim JSON dicts) and mark it extracted;
    returns how many were found.

    A rejection survives extracting the document again: a claim found again (the same figure of the
    same event in the same sentence) stays rejected, with its reason, and one no longer found stays
    as it was, rejected. Each carried rejection is appended to *carried* as ``(old id, reason)``.

    A claim is as sensitive as the document it was read from. Read from a document that is not public
    (a witness's account), it is filed under the document's own source, never under the people the
    text names ("the nurse at the Baniyas hospital said …" could identify her): their words stay in
    ``source_text``, and no source is made of them.
    """
    ids: dict[str, int] = {}
    now = dt.datetime.now(dt.UTC)
    sensitivity = conn.execute(select(documents.c.sensitivity).where(documents.c.id == document_id)).scalar() or "public"
    public = sensitivity == "public"
    for s in found_sources if public else ():
        ids[s["name"]] = get_or_create(conn, s["name"], kind=s.get("kind") or "unknown", aliases=s.get("aliases") or ())
    extracted = (claims.c.document_id == document_id) & claims.c.manual.is_(False)
    rejected = {(r.event, r.count_text, r.quote): (r.id, r.status_reason) for r in conn.execute(
        select(claims.c.id, claims.c.event, claims.c.count_text, claims.c.quote, claims.c.status_reason)
        .where(extracted, claims.c.status != "active").order_by(claims.c.id))}
    conn.execute(delete(claims).where(extracted, claims.c.status == "active"))
    rows = []
    kept: list[tuple[int, str]] = []  # the rejections found again: (old id, reason)
    for c in found:
        row: dict[str, Any] = {_COLUMN.get(k, k): c.get(k) for k in CLAIM_KEYS}
        for k in ("date_from", "date_to"):
            if isinstance(row[k], str):
                row[k] = dt.date.fromisoformat(row[k])
        name = c.get("source") if public else None
        if name and name not in ids:
            ids[name] = get_or_create(conn, name)
        row.update(document_id=document_id, source_id=ids.get(name) if name else None, reported_at=reported_at,
                   manual=False, status="active", status_reason=None, sensitivity=sensitivity, created_at=now,
                   created_by=actor)
        was = rejected.pop((row["event"], row["count_text"], row["quote"]), None)
        if was is not None:  # the reviewer's decision stands for the same reading of the same sentence
            row.update(status="rejected", status_reason=was[1])
            kept.append(was)
        rows.append(row)
    if kept:
        conn.execute(delete(claims).where(claims.c.id.in_([i for i, _why in kept])))
        if carried is not None:
            carried += kept
    if rows:
        conn.execute(insert(claims), rows)
    conn.execute(update(documents).where(documents.c.id == document_id).values(extracted_at=now))
    return len(rows)


def list_claims(conn: Connection, *, event: str | None = None, document_id: int | None = None) -> list[dict[str, Any]]:
    """Active claims as claim JSON dicts plus ``id``, ``document_id`` and the source's canonical name."""
    q = (select(claims, sources.c.name.label("source_name"))
         .select_from(claims.outerjoin(sources, claims.c.source_id == sources.c.id))
         .where(claims.c.status == "active").order_by(claims.c.id))
    if event:
        q = q.where(claims.c.event == event)
    if document_id is not None:
        q = q.where(claims.c.document_id == document_id)
    out = []
    for r in conn.execute(q).mappings():
        d: dict[str, Any] = {"id": r["id"], "document_id": r["document_id"]}
        for k in CLAIM_KEYS:
            v = r[_COLUMN.get(k, k)]
            d[k] = v.isoformat() if isinstance(v, dt.date) else v
        d["source"] = r["source_name"] or r["source_text"]
        out.append(d)
    return out


CLAIM_FIELDS = ("event", "qualifier", "vague_word", "low", "high", "best", "victims", "victims_text", "places",
                "country", "admin1", "pcodes", "date_from", "date_to", "cumulative", "perpetrator", "quote",
                "start", "end")


def _row(claim: Claim) -> dict[str, Any]:
    d = claim.model_dump()
    row = {k: d[k] for k in CLAIM_FIELDS}
    row["count_text"] = d["count"]
    row["source_text"] = d["source"]
    return row


def insert_claims(conn: Connection, document_id: int | None, items: Sequence[Claim], *, actor: str,
                  source_id: int | None = None, reported_at: dt.datetime | None = None,
                  manual: bool = False, sensitivity: str = "public") -> list[int]:
    """Insert *items* (claims of one document, or manual ones) and return their ids.

    A claim that names its source (``claim.source``) is filed under that source (created, or
    found by alias); otherwise under *source_id* (default: the document's source).  ``reported_at``
    defaults to the document's publication time.
    """
    if document_id is not None and (source_id is None or reported_at is None):
        doc = conn.execute(select(documents.c.source_id, documents.c.published, documents.c.sensitivity)
                           .where(documents.c.id == document_id)).first()
        if doc is None:
            raise NotFoundError(f"no document with id {document_id}")
        source_id = source_id if source_id is not None else doc.source_id
        reported_at = reported_at or doc.published
        sensitivity = doc.sensitivity or sensitivity
    now = dt.datetime.now(dt.UTC)
    cache: dict[str, int] = {}
    ids = []
    for c in items:
        row = _row(c)
        sid = source_id
        if c.source:
            if c.source not in cache:
                cache[c.source] = get_or_create(conn, c.source)
            sid = cache[c.source]
        row.update(document_id=document_id, source_id=sid, reported_at=reported_at, manual=manual, status="active",
                   sensitivity=sensitivity, created_at=now, created_by=actor)
        ids.append(int(conn.execute(insert(claims).values(**row)).inserted_primary_key[0]))  # type: ignore[index]  # SQLAlchemy: Optional, but a one-row insert always has its key
    return ids


def reject_claim(conn: Connection, claim_id: int, why: str) -> dict[str, Any]:
    """Mark a claim rejected with a reason (it stays visible, as discounted); returns the old status."""
    return _set_status(conn, claim_id, "rejected", why)


def restore_claim(conn: Connection, claim_id: int, why: str) -> dict[str, Any]:
    """Make a rejected claim active again (a rejection made in error); returns the old status."""
    return _set_status(conn, claim_id, "active", why)


def _set_status(conn: Connection, claim_id: int, status: str, why: str) -> dict[str, Any]:
    done = "rejected" if status == "rejected" else "restored"
    if not why or not why.strip():
        raise InputError(f"say why the claim is {done} (--why)")
    row = conn.execute(select(claims).where(claims.c.id == claim_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no claim with id {claim_id}")
    if status == "active" and row["status"] == "active":
        raise InputError(f"claim {claim_id} is not rejected: nothing to restore")
    # A rejected claim is never grouped with its relays (it takes a key of its own); a restored one
    # takes its relay key again, worked out from its columns as when it was written.
    conn.execute(update(claims).where(claims.c.id == claim_id).values(
        status=status, status_reason=why.strip() if status == "rejected" else None,
        relay_key=relay_key({**row, "status": status})))
    return {"status": row["status"], "status_reason": row["status_reason"]}


_US, _RS = "\x1f", "\x1e"  # unit and record separators inside the aggregated member list
_JSON_COLUMNS = ("places", "admin1", "pcodes")
_DATE_COLUMNS = ("date_from", "date_to")
_TIME_COLUMNS = ("reported_at", "published")


def _columns(fast: bool = False, lean: bool = False) -> list[Any]:
    """The claim columns with source name, publication time and outlet.

    With *fast*, JSON and date columns come back as text (parsed by :func:`_parse_fast` with
    caches, since a scope's claims repeat few distinct place lists and dates): loading 100,000
    claims is then bound by the database, not by per-value type processing.  With *lean*, without
    the claim's place names (reconciliation reads the codes).
    """
    def c(col: Any) -> Any:
        if fast and (col.name in _JSON_COLUMNS or col.name in _DATE_COLUMNS or col.name in _TIME_COLUMNS):
            return cast(col, Text).label(col.name)
        return col

    return [claims.c.id, claims.c.document_id, claims.c.source_id, sources.c.name.label("source_name"),
            sources.c.kind.label("source_kind"), claims.c.source_text, claims.c.event, claims.c.count_text, claims.c.qualifier, claims.c.low, claims.c.high,
            claims.c.best, claims.c.victims, claims.c.victims_text, *([] if lean else [c(claims.c.places)]), claims.c.country,
            c(claims.c.admin1), c(claims.c.pcodes), c(claims.c.date_from), c(claims.c.date_to), claims.c.cumulative,
            c(claims.c.reported_at), claims.c.manual, claims.c.status, claims.c.status_reason,
            _QUOTE_IF_UNKNOWN if lean else claims.c.quote, claims.c.named,
            c(documents.c.published), documents.c.outlet, document_sources.c.name.label("document_source")]


# Reconciliation reads a claim's sentence only to tell whether it counts named victims, which the
# store keeps (claims.named): the sentence comes along only for claims written without it.
_QUOTE_IF_UNKNOWN = case((claims.c.named.is_(None), claims.c.quote), else_=null()).label("quote")


_GROUP_KEYS = ("source_id", "source_kind", "source_text", "event", "victims", "qualifier", "low", "high", "best",
               "pcodes", "admin1", "country", "date_from", "date_to", "cumulative", "manual", "status")


def _group_relays(raw: Iterable[Sequence[Any]], pos: dict[str, int]
                  ) -> tuple[list[list[Any]], list[list[tuple[int, int | None, Any, str | None]]]]:
    """Rows of one claim relayed by several documents (same figure, source, scope and status) as one
    row each, holding the earliest report, with the (claim id, document, time, outlet) of every
    report in *members* (rule R2 of ``tally.reconcile``)."""
    getkey = operator.itemgetter(*[pos[k] for k in _GROUP_KEYS])
    i_id, i_status, i_text = pos["id"], pos["status"], pos["source_text"]
    i_doc, i_rep, i_pub, i_out = pos["document_id"], pos["reported_at"], pos["published"], pos["outlet"]
    groups: dict[tuple[Any, ...], int] = {}
    rows: list[list[Any]] = []
    members: list[list[tuple[int, int | None, Any, str | None]]] = []
    for r in raw:
        key = (getkey(r), r[i_text] is None, 0 if r[i_status] == "active" else r[i_id])
        member = (r[i_id], r[i_doc], r[i_rep] or r[i_pub], r[i_out])
        g = groups.get(key)
        if g is None:
            groups[key] = len(rows)
            rows.append(list(r))
            members.append([member])
        else:
            members[g].append(member)
            first = rows[g]
            if r[i_id] < first[i_id]:
                first[i_id] = r[i_id]
            if (r[i_rep] or "") < (first[i_rep] or "~"):
                first[i_rep], first[i_doc], first[i_out], first[i_pub] = r[i_rep], r[i_doc], r[i_out], r[i_pub]
    return rows, members


def _parse_fast(result: Any) -> list[dict[str, Any]]:
    """Rows as dicts with JSON, dates and times parsed, each distinct text once (the claims of a
    scope repeat few place lists, dates and document times)."""
    keys = list(result.keys())
    pos = {k: i for i, k in enumerate(keys)}
    json_idx = [pos[k] for k in _JSON_COLUMNS if k in pos]
    date_idx = [pos[k] for k in _DATE_COLUMNS if k in pos]
    time_idx = [pos[k] for k in _TIME_COLUMNS if k in pos]
    days, parsed = _Days(), _Tuples({None: None})
    times: dict[str, dt.datetime] = {}

    def when(v: Any) -> Any:
        if isinstance(v, str) and v:
            t = times.get(v)
            if t is None:  # the claims of one document share its time: parse each string once
                t = dt.datetime.fromisoformat(v.replace(" ", "T", 1) if len(v) > 10 else v)
                t = times[v] = t if t.tzinfo else t.replace(tzinfo=dt.UTC)
            return t
        return v

    out = []
    for r in result.fetchall():
        row = list(r)
        for i in json_idx:
            if isinstance(row[i], str):
                row[i] = list(parsed[row[i]])
        for i in date_idx:
            if isinstance(row[i], str):
                row[i] = days[row[i]]
        for i in time_idx:
            row[i] = when(row[i])
        out.append(dict(zip(keys, row)))
    return out


class _Days(dict[Any, "dt.date | None"]):
    """Date or time text -> its day, parsed on first sight (a plain look-up afterwards)."""

    def __missing__(self, v: Any) -> dt.date | None:
        got = dt.date.fromisoformat(v[:10]) if isinstance(v, str) else (v.date() if isinstance(v, dt.datetime) else v)
        self[v] = got
        return got


class _Tuples(dict[Any, Any]):
    """JSON list text -> a tuple, parsed on first sight."""

    def __missing__(self, v: Any) -> Any:
        got = self[v] = tuple(json.loads(v)) if isinstance(v, str) else tuple(v)
        return got


document_sources = sources.alias("doc_sources")  # the source of a claim's document


def with_documents() -> Any:
    """Claims joined to their source, their document and their document's source (:data:`document_sources`)."""
    return claims.outerjoin(sources, claims.c.source_id == sources.c.id).outerjoin(
        documents, claims.c.document_id == documents.c.id).outerjoin(
        document_sources, documents.c.source_id == document_sources.c.id)


def load_claims(conn: Connection, *, events: Iterable[str] = (), victims: Iterable[str] = (),
                date_from: dt.date | None = None, date_to: dt.date | None = None,
                area_prefixes: Iterable[str] = (), area_exact: Iterable[str] = (),
                source: str | None = None) -> list[dict[str, Any]]:
    """Claims (any status) that may bear on a scope, with source name, outlet and publication time.

    A loose pre-filter: event and victim category in the given sets, a period that reaches the
    scope's, and places whose codes start with one of *area_prefixes* or equal one of *area_exact*
    (plus claims with no coded place).  Reconciliation decides exactly; :func:`load_claim_rows`
    gives the same claims with relays merged.
    """
    q = _claims_query(events=events, victims=victims, date_from=date_from, date_to=date_to,
                      area_prefixes=area_prefixes, area_exact=area_exact, source=source)
    return _parse_fast(conn.execute(q.order_by(claims.c.id)))


def load_claim_rows(conn: Connection, **filters: Any) -> tuple[list[str], list[list[Any]]]:
    """:func:`load_claims` with relays merged, as keys and rows of values (no dict per row: the fast path).

    Active claims identical in everything but their document (the same figure of the same source,
    relayed: rule R2) come back as one row whose ``reports`` lists every member as ``(claim id,
    document id, reported at, outlet)``; the row's ``id`` is the smallest member id and its
    ``reported_at`` the earliest.  Rejected claims are never grouped.

    Unlike :func:`load_claims`: JSON columns come back as tuples (shared between rows: do not
    change them), ``reported_at`` and ``published`` as the day only (a ``datetime.date``), the
    claim's ``places`` names are left out, and each ``reports`` entry is a tuple.

    Relays are grouped by their stored key (``claims.relay_key``): one narrow query reads every
    report (key, id, document, times, outlet, the document's source), a second the other columns
    of each group's first report only, by id; the place pre-filter is decided by area key
    (:func:`_by_area_key`).
    Claims written around the store without keys are grouped field by field.
    """
    reports = _fetch(conn, _claims_query(columns=_REPORT_COLUMNS, **_by_area_key(conn, filters)).order_by(claims.c.id))
    if any(r[0] is None for r in reports):
        return _grouped_rows(*_fetch_keyed(conn, _claims_query(lean=True, **filters)))
    groups: dict[str, int] = {}
    # per group: first id, then the earliest report's time, document, outlet, publication, then the
    # first report's document's source
    firsts: list[list[Any]] = []
    members: list[list[tuple[int, int | None, Any, str | None]]] = []
    days, parsed = _Days({None: None, "": None}), _Tuples({None: None})
    # A time's day is parsed from its first ten characters, looked up among a few hundred days
    # (the times themselves are nearly all distinct).
    for key, cid, doc, rep, pub, out, doc_source in reports:
        w = rep or pub
        g = groups.get(key)
        if g is None:
            groups[key] = len(firsts)
            firsts.append([cid, rep, doc, out, pub, doc_source])
            members.append([(cid, doc, days[w[:10]] if w else None, out)])
        else:
            members[g].append((cid, doc, days[w[:10]] if w else None, out))
            first = firsts[g]
            if (rep or "") < (first[1] or "~"):  # as _group_relays: the earliest report dates the group
                first[1], first[2], first[3], first[4] = rep, doc, out, pub
    # The other columns, from each group's first report, fetched by id (the ids of a scope are
    # scattered over the table: looking them up is cheaper than filtering the table again).
    # The statement is compiled once and handed to the driver with its placeholders: SQLAlchemy's
    # expanding IN would process every id again (a tenth of the time of this query).
    heads: dict[int, Any] = {}
    ids = [f[0] for f in firsts]
    head_sql = str(select(*_HEAD_COLUMNS).compile(dialect=conn.dialect))
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for i in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[i:i + IDS_PER_QUERY]
        result = conn.exec_driver_sql(f"{head_sql} WHERE claims.id IN ({', '.join([mark] * len(chunk))})", tuple(chunk))
        try:
            heads.update((r[0], r) for r in result.cursor.fetchall())
        finally:
            result.close()
    names = {r[0]: (r[1], r[2]) for r in conn.execute(select(sources.c.id, sources.c.name, sources.c.kind))}
    no_source = (None, None)
    rows = []
    for (cid, rep, doc, out, pub, doc_source), ms in zip(firsts, members):
        row = list(heads[cid])  # laid out as _KEYS, with the places below to fill
        row[_DOCUMENT_ID] = doc
        row[_SOURCE_NAME], row[_SOURCE_KIND] = names.get(row[_SOURCE_ID], no_source)
        row[_ADMIN1] = parsed[row[_ADMIN1]]
        row[_PCODES] = parsed[row[_PCODES]]
        row[_DATE_FROM] = days[row[_DATE_FROM]]
        row[_DATE_TO] = days[row[_DATE_TO]]
        row[_REPORTED_AT] = days[rep[:10]] if rep else None
        row[_PUBLISHED] = days[pub[:10]] if pub else None
        row[_OUTLET] = out
        row[_DOCUMENT_SOURCE] = names.get(doc_source, no_source)[0]
        row.append(ms)
        rows.append(row)
    return [*_KEYS, "reports"], rows


def locality_names(conn: Connection) -> dict[str, str]:
    """The name reports most often give each unlisted locality (``tally.core.gazetteer.LOCALITY_SEP``
    codes in ``pcodes``), by its bare code: what tolls and reports call it."""
    counts: dict[str, Counter[str]] = {}
    q = select(cast(claims.c.pcodes, Text), cast(claims.c.places, Text)).where(
        cast(claims.c.pcodes, Text).like(f"%{LOCALITY_SEP}%"))
    for pcodes, names in conn.execute(q):
        written = {locality_key(n): n for n in json.loads(names or "[]")}
        for code in json.loads(pcodes or "[]"):
            _parent, sep, key = code.rpartition(LOCALITY_SEP)
            if sep and key in written:
                counts.setdefault(code, Counter())[written[key]] += 1
    return {code: c.most_common(1)[0][0] for code, c in counts.items()}


def claim_countries(conn: Connection) -> list[str]:
    """The country codes (ISO 3166 alpha-2, as claims record them) of the active claims, sorted."""
    q = select(claims.c.country).where(claims.c.status == "active", claims.c.country.is_not(None)).distinct()
    return sorted({str(c).upper() for (c,) in conn.execute(q) if c})


IDS_PER_QUERY = 900  # ids in one IN (...): SQLite before 3.32 allows 999 parameters
# load_claim_rows: every report of a group with its document's, and the first report's other
# columns laid out as _KEYS (a NULL where the earliest report's values, a source's name and kind,
# or its document's source go: the claims table alone, no join)
_REPORT_COLUMNS = [claims.c.relay_key, claims.c.id, claims.c.document_id, cast(claims.c.reported_at, Text),
                   cast(documents.c.published, Text), documents.c.outlet, documents.c.source_id]
_HEAD_COLUMNS = [claims.c.id, null().label("document_id"), claims.c.source_id, null().label("source_name"),
                 null().label("source_kind"), claims.c.source_text, claims.c.event, claims.c.count_text,
                 claims.c.qualifier, claims.c.low, claims.c.high, claims.c.best, claims.c.victims,
                 claims.c.victims_text, claims.c.country, cast(claims.c.admin1, Text).label("admin1"),
                 cast(claims.c.pcodes, Text).label("pcodes"), cast(claims.c.date_from, Text).label("date_from"),
                 cast(claims.c.date_to, Text).label("date_to"), claims.c.cumulative, null().label("reported_at"),
                 claims.c.manual, claims.c.status, claims.c.status_reason, _QUOTE_IF_UNKNOWN, claims.c.named,
                 null().label("published"), null().label("outlet"), null().label("document_source")]
_KEYS = ("id", "document_id", "source_id", "source_name", "source_kind", "source_text", "event", "count_text",
         "qualifier", "low", "high", "best", "victims", "victims_text", "country", "admin1", "pcodes", "date_from",
         "date_to", "cumulative", "reported_at", "manual", "status", "status_reason", "quote", "named", "published",
         "outlet", "document_source")
(_DOCUMENT_ID, _SOURCE_ID, _SOURCE_NAME, _SOURCE_KIND, _ADMIN1, _PCODES, _DATE_FROM, _DATE_TO, _REPORTED_AT, _PUBLISHED,
 _OUTLET, _DOCUMENT_SOURCE) = (_KEYS.index(k) for k in (
    "document_id", "source_id", "source_name", "source_kind", "admin1", "pcodes", "date_from", "date_to", "reported_at",
    "published", "outlet", "document_source"))
assert [c.name for c in _HEAD_COLUMNS] == list(_KEYS)  # the head query's columns are laid out as _KEYS


def _fetch(conn: Connection, q: Any) -> Sequence[Any]:
    """The DBAPI rows of *q*: every column is text, a number or a flag here, so SQLAlchemy's row
    objects and result processing would only add a pass over 100,000 rows."""
    return _fetch_keyed(conn, q)[1]


def _fetch_keyed(conn: Connection, q: Any) -> tuple[list[str], Sequence[Any]]:
    result = conn.execute(q)
    try:
        return list(result.keys()), result.cursor.fetchall()
    finally:
        result.close()


def _grouped_rows(keys: list[str], raw: Sequence[Sequence[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Relays merged in one pass (:func:`_group_relays`), then JSON and dates parsed once
    per distinct value and only for the rows kept."""
    rows, members = _group_relays(raw, {k: i for i, k in enumerate(keys)})
    for row, ms in zip(rows, members):
        row.append(ms)
    return _parsed_rows(keys, rows)


def _parsed_rows(keys: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """*rows* (each ending with its reports) with JSON and dates parsed, once per distinct value."""
    pos = {k: i for i, k in enumerate(keys)}
    json_idx = [pos[k] for k in _JSON_COLUMNS if k in pos]
    date_idx = [pos[k] for k in (*_DATE_COLUMNS, *_TIME_COLUMNS) if k in pos]
    days, parsed = _Days({None: None, "": None}), _Tuples({None: None})
    for row in rows:
        for i in json_idx:
            row[i] = parsed[row[i]]
        for i in date_idx:
            row[i] = days[row[i]]
        row[-1] = [(cid, doc, days[w], o) for cid, doc, w, o in row[-1]]
    return [*keys, "reports"], rows


def _claims_query(*, events: Iterable[str] = (), victims: Iterable[str] = (), date_from: dt.date | None = None,
                  date_to: dt.date | None = None, area_prefixes: Iterable[str] = (), area_exact: Iterable[str] = (),
                  source: str | None = None, lean: bool = False, columns: list[Any] | None = None,
                  area_keys: list[str] | None = None) -> Any:
    """The pre-filter query (see :func:`load_claims`); with *area_keys* (:func:`_by_area_key`), its place
    condition as the stored area keys it admits."""
    q = select(*(columns or _columns(fast=True, lean=lean))).select_from(with_documents())
    ev, vi = list(events), list(victims)
    if ev:
        # With area keys, the claims are found by that index: without statistics SQLite would take
        # the event's, which nearly every claim shares (an expression on the column is not indexed).
        q = q.where((claims.c.event + "" if area_keys is not None else claims.c.event).in_(ev))
    if vi:
        q = q.where(claims.c.victims.in_(vi))
    if date_from is not None:
        q = q.where(or_(func.coalesce(claims.c.date_to, claims.c.reported_at, claims.c.date_from).is_(None),
                        func.coalesce(claims.c.date_to, claims.c.reported_at, claims.c.date_from) >= date_from))
    if date_to is not None:
        q = q.where(or_(claims.c.date_from.is_(None), claims.c.date_from <= date_to))
    if area_keys is not None:
        q = q.where(claims.c.area_key.in_(area_keys))
    elif area_prefixes or area_exact:
        pc, a1 = cast(claims.c.pcodes, Text), cast(claims.c.admin1, Text)
        q = q.where(or_(*[col.like(p) for p in _area_patterns(area_prefixes, area_exact) for col in (pc, a1)],
                        and_(pc == "[]", a1 == "[]")))
    if source:
        q = q.where(sources.c.name == source)
    return q


def _area_patterns(area_prefixes: Iterable[str], area_exact: Iterable[str]) -> list[str]:
    """LIKE patterns on the JSON text of a claim's codes for the place pre-filter."""
    # A code starting with "ocha:SY06" or "SY06" contains "SY06": one pattern for both spellings
    # halves the patterns every row is scanned with (a looser filter; reconciliation decides).
    bare = dict.fromkeys(p.split(":", 1)[-1] for p in area_prefixes)
    return [f"%{p}%" for p in bare] + [f'%"{p}"%' for p in dict.fromkeys(area_exact)]


def _by_area_key(conn: Connection, filters: dict[str, Any]) -> dict[str, Any]:
    """*filters* with the place condition as the stored area keys (``tally.store.claim_keys``) it admits.

    The LIKE patterns are matched once per distinct key (the column's index holds them) as the
    database would match them against the codes, and the claims are then found by the index.
    Unchanged when claims lack keys or too many keys pass; without a place condition when all do.
    LIKE is matched without regard to case (SQLite's way; PostgreSQL's is stricter, so a few more
    claims may pass there than with the patterns: the pre-filter is loose either way).
    """
    if not _area_patterns(filters.get("area_prefixes", ()), filters.get("area_exact", ())):
        return filters
    keys = [k for (k,) in conn.execute(select(claims.c.area_key).distinct())]
    if None in keys:
        return filters
    admitted = admitted_area_keys(keys, filters)
    if len(admitted) == len(keys):
        return {**filters, "area_prefixes": (), "area_exact": ()}
    if len(admitted) > IDS_PER_QUERY:
        return filters
    return {**filters, "area_keys": admitted}


def admitted_area_keys(keys: Iterable[str], filters: dict[str, Any]) -> list[str]:
    """The area keys among *keys* whose claims the place condition of *filters* admits, in order
    (all of them without a place condition): the LIKE patterns matched as the database matches
    them, without regard to case."""
    patterns = _area_patterns(filters.get("area_prefixes", ()), filters.get("area_exact", ()))
    if not patterns:
        return list(keys)
    like = [re.compile("".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in p),
                       re.IGNORECASE | re.DOTALL) for p in patterns]
    admitted = []
    for key in keys:
        texts = area_texts(key)
        if texts is None or texts == ("[]", "[]") or any(m.fullmatch(t) for m in like for t in texts):
            admitted.append(key)
    return admitted


def claim_rows(conn: Connection, *, status: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Claims of any status as stored rows with their source, newest first."""
    q = select(*_columns()).select_from(with_documents()).order_by(claims.c.id.desc())
    if status:
        q = q.where(claims.c.status == status)
    if limit:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def get_claim(conn: Connection, claim_id: int) -> dict[str, Any]:
    """One claim with its source; NotFoundError if absent."""
    row = conn.execute(select(*_columns()).select_from(with_documents()).where(claims.c.id == claim_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no claim with id {claim_id}")
    return dict(row)
