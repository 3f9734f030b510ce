"""A workspace's claim rows, kept in a file so that large scopes load without the database.

Loading every claim of a country for reconciliation (:func:`tally.store.claims.load_claim_rows`)
costs 0.6–0.8 s per 100,000 claims, nearly all of it SQLite handing some two million values to
Python.  After a write, a command keeps those rows in one file of the workspace
(``answers/<key>.rows``), each place's rows apart (by ``claims.area_key``), and a question about
any scope reads just the places it admits: all of Syria in a fifth of the time, a province in
less.

The rows are kept as their reader will build from them (a :class:`Preparation`: reconciliation keeps
each claim's :func:`~tally.reconcile.figures.claim_arguments`, so reading all of Syria builds its
claims at once, without converting a value), by column, equal texts and days written once, and a
shard's column of one value (its event, victims, places, most often its status) written once for
all its rows.  A question reads them by column too (:meth:`KeptRows.columns`) and builds each
shard's claims from its columns (``ClaimRow.from_columns``: no tuple per row).  They are
exactly what the preparation makes of what ``load_claim_rows`` gives for the same filters (the tests
compare them).  The file is filed under a key made, as the kept answers are
(``tally.store.answers``), of the workspace's revision and the code's fingerprint, so a write
through tally or new code makes it unreadable.  A write that changes no claim's row (an estimate, a
linkage run or decision, an ingest, which only adds documents, sources and records:
:data:`ROWS_UNCHANGED`) does not: the next keeping files the same file under the new revision, as
long as the audit log still holds the revision it was kept at (the same history).  Writes that add,
reject or restore single claims (:data:`CLAIM_ACTIONS`, each naming its claims in the audit log), or
extract new documents (:data:`EXTRACT_ACTIONS`, naming the documents), read again only the shards
those claims are in and copy the others' bytes: a claim added to 100,000 keeps the rows in a tenth
of the time it takes to read them all.  An extraction that replaces claims (``--again``) reads every
row. The file also records how many claims there were and the largest claim id, so claims inserted
or deleted around tally, in plain SQL, are noticed; claims *changed* so move the revision itself
(``tally.store.audit.revision``: the database counts every change, tally's transactions count theirs
as audited), and tally's next write logs them as an action that no rows outlive.

The file is read with an unpickler that builds nothing but plain values and dates (a file
crafted to run code when read, in a workspace copied from elsewhere, fails to load and is
ignored).

The place, event and victim filters and the dates are served from the file, but for one case: a
start date tests a figure without an end date report by report (by each report's time), so a
load with a start date that needs such a figure reported more than once goes to the database.
An unreadable file is ignored and replaced.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, func, select

from tally.store.answers import Answers, code_fingerprint
from tally.store.audit import GENESIS, revision
from tally.store.claims import IDS_PER_QUERY, admitted_area_keys, load_claim_rows
from tally.store.schema import audit_events, claims

_MAGIC = b"tally-rows 3\n"
# audited actions that change no claim's row, so rows kept before them still hold: an ingest adds
# documents, sources and aliases, and victim records, and changes none a claim refers to
ROWS_UNCHANGED = frozenset({"estimate", "link.run", "link.decide", "ingest"})
# audited actions on single claims (their ids in the event): the rows of their shards are read again
CLAIM_ACTIONS = frozenset({"claim.add", "claim.reject", "claim.restore"})
# audited extractions of documents (their ids in the event): the rows of their claims' shards are
# read again, if every claim of those documents is new (a first extraction: nothing replaced)
EXTRACT_ACTIONS = frozenset({"extract", "claims.extract"})
_Shard = tuple[str, str | None, str | None]  # (area key, event, victims)
_SERVED = frozenset({"events", "victims", "date_from", "date_to", "area_prefixes", "area_exact"})


@dataclass(frozen=True)
class Preparation:
    """How the rows are kept: as *convert* makes them of the keys and rows the database gives
    (``load_claim_rows``), a tuple of plain values per row, the claim id first, in the rows' order.
    Its reader builds from them at once (reconciliation keeps the arguments of its claims); the
    *name* is written in the file, and rows kept by another preparation are never read as these."""

    name: str
    convert: Callable[[list[str], list[list[Any]]], list[tuple[Any, ...]]]


# the rows as the database gives them, as tuples
AS_STORED = Preparation("rows", lambda keys, rows: [tuple(r) for r in rows])


class KeptRows:
    """The claim rows of one workspace, kept in its *root* directory (a file per revision)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def key(rev: str) -> str:
        """The key of the rows of a workspace at revision *rev*, read by this code."""
        return Answers.key("rows", {"format": 3}, rev)

    def path(self, rev: str) -> Path:
        """Where the rows of revision *rev* are kept."""
        return self.root / f"{self.key(rev)}.rows"

    def origin(self, rev: str) -> str | None:
        """The revision at which the rows kept at revision *rev* were read (written or patched: a
        write that changes no claim files them under its own revision as they are, :meth:`save`),
        so what is worked out of the rows alone can be kept under it and hold as long as they do;
        None when no rows are kept at *rev*."""
        head = _head(self.path(rev))
        return None if head is None or not isinstance(head.get("revision"), str) else head["revision"]

    def save(self, conn: Connection, *, at_least: int = 0, prepared: Preparation = AS_STORED) -> str | None:
        """Keep the rows of every claim the workspace holds now, if there are *at_least* that many,
        as *prepared* makes them.

        Returns how: ``"refiled"`` (the rows kept before a write that changed no claim, filed under
        the new revision), ``"patched"`` (the rows kept before writes that added, rejected or
        restored claims or extracted new documents, with the shards of those claims read again:
        :data:`CLAIM_ACTIONS`, :data:`EXTRACT_ACTIONS`) or
        ``"written"`` (every row read); None when they are not kept (fewer claims, the workspace
        changed while they were read, claims lack area keys, or the directory cannot be written).
        """
        rev = revision(conn)
        stamp = _stamp(conn)
        if stamp[0] < at_least:
            return None
        for p in self.root.glob("*.rows"):
            head = _head(p)
            events = (None if head is None or head.get("code") != code_fingerprint()
                      or head.get("prepared") != prepared.name else _since(conn, head))
            if events is None:
                continue
            assert head is not None
            if head.get("stamp") == stamp and all(action in ROWS_UNCHANGED for action, _ids in events):
                try:
                    os.replace(p, self.path(rev))
                except OSError:
                    return None
                return "refiled"
            if all(action in ROWS_UNCHANGED or action in CLAIM_ACTIONS or action in EXTRACT_ACTIONS
                   for action, _ids in events):
                return ("patched" if self._patch(conn, rev, stamp, p, head, events, prepared)
                        else self._write_all(conn, rev, stamp, prepared))
        return self._write_all(conn, rev, stamp, prepared)

    def _write_all(self, conn: Connection, rev: str, stamp: tuple[int, int], prepared: Preparation) -> str | None:
        """Keep every claim's rows, read from the database (see :meth:`save`)."""
        keys, rows = load_claim_rows(conn)
        area = dict(_pairs(conn))
        if revision(conn) != rev or _stamp(conn) != stamp or any(area.get(r[0]) is None for r in rows):
            return None
        # One shard per place, event and victims: what the filters select by
        i_event, i_victims = keys.index("event"), keys.index("victims")
        shards: dict[_Shard, list[list[Any]]] = {}
        for r in rows:
            shards.setdefault((str(area[r[0]]), r[i_event], r[i_victims]), []).append(r)
        blobs = {k: _blob(keys, part, prepared) for k, part in shards.items()}
        return "written" if self._write(rev, keys, stamp, blobs, prepared) else None

    def _patch(self, conn: Connection, rev: str, stamp: tuple[int, int], path: Path, head: dict[str, Any],
               events: list[tuple[str, list[int]]], prepared: Preparation) -> bool:
        """Keep the rows kept in *path* (at an earlier revision of the same history) with the shards of
        the claims that *events* added, rejected or restored, or extracted from documents, read again
        from the database, if nothing else changed the claims: there are as many claims more as were
        added or extracted, and no other largest id, and the extracted documents have no claim as old
        as the rows (one an extraction kept or replaced).  True if they were kept so."""
        count, top = head["stamp"]
        if head.get("keys") is None:
            return False
        ids = sorted({i for action, got in events if action in CLAIM_ACTIONS for i in got})
        docs = sorted({i for action, got in events if action in EXTRACT_ACTIONS for i in got})
        found: list[Any] = []
        for by_document, wanted in ((False, ids), (True, docs)):
            column = claims.c.document_id if by_document else claims.c.id
            for i in range(0, len(wanted), IDS_PER_QUERY):
                chunk = wanted[i:i + IDS_PER_QUERY]
                got = conn.execute(select(claims.c.id, claims.c.area_key, claims.c.event, claims.c.victims)
                                   .where(column.in_(chunk))).all()
                if not by_document and len(got) != len(chunk):
                    return False  # a claim gone
                if by_document and any(r[0] <= top for r in got):
                    return False  # an extraction kept or replaced claims the rows hold
                found += got
        added = {r[0] for r in found if r[0] > top}  # the claims added or extracted since
        if stamp != (count + len(added), max([top, *added])) or any(None in tuple(r) for r in found):
            return False  # claims written otherwise, or one without an area key, event or victims
        affected: set[_Shard] = {(str(a), str(e), str(v)) for _i, a, e, v in found}
        keys: list[str] = head["keys"]
        blobs: dict[_Shard, tuple[bytes, bool]] = {}
        for shard in affected:
            area, event, victims = shard
            got_keys, rows = load_claim_rows(conn, area_keys=[area], events=[event], victims=[victims])
            if got_keys != keys:
                return False
            blobs[shard] = _blob(keys, rows, prepared)
        if revision(conn) != rev or _stamp(conn) != stamp:
            return False
        index: dict[_Shard, tuple[int, int, bool]] = head["index"]
        try:  # the other shards' bytes, as they are
            with path.open("rb") as f:
                if _read_head(f) is None:
                    return False
                start = f.tell()
                for shard, (at, n, dated) in index.items():
                    if shard not in blobs:
                        f.seek(start + at)
                        data = f.read(n)
                        if len(data) != n:
                            return False
                        blobs[shard] = (data, dated)
        except (OSError, EOFError, ValueError, KeyError, TypeError, struct.error, pickle.UnpicklingError):
            return False
        return self._write(rev, keys, stamp, blobs, prepared)

    def _write(self, rev: str, keys: list[str], stamp: tuple[int, int],
               blobs: dict[_Shard, tuple[bytes, bool]], prepared: Preparation) -> bool:
        """Write the rows file of revision *rev* from each shard's pickled rows and whether a start
        date can be tested on them, and remove the files of other revisions; False if it cannot be
        written."""
        index: dict[_Shard, tuple[int, int, bool]] = {}
        at = 0
        order = sorted(blobs, key=lambda k: tuple((v is not None, v or "") for v in k))
        for k in order:
            data, dated = blobs[k]
            index[k] = (at, len(data), dated)
            at += len(data)
        head = pickle.dumps({"keys": keys, "stamp": stamp, "index": index, "revision": rev, "code": code_fingerprint(),
                             "prepared": prepared.name, "bytes": at}, protocol=pickle.HIGHEST_PROTOCOL)
        target = self.path(rev)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(_MAGIC + struct.pack(">Q", len(head)) + head)
                    for k in order:
                        out.write(blobs[k][0])
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            for p in self.root.glob("*.rows"):  # other revisions' rows can never be read again
                if p != target:
                    p.unlink(missing_ok=True)
        except OSError:
            return False
        return True

    def drop(self) -> None:
        """Forget the kept rows (of every revision)."""
        for p in self.root.glob("*.rows"):
            p.unlink(missing_ok=True)

    def load(self, conn: Connection, rev: str, filters: dict[str, Any], prepared: Preparation = AS_STORED
             ) -> list[tuple[Any, ...]] | None:
        """The rows ``load_claim_rows(conn, **filters)`` gives, as *prepared* makes them, read from the
        rows kept at revision *rev*; None when there are none for it (or none so prepared), they are
        unreadable, claims were inserted or deleted since, or *filters* are not ones the file serves
        (see the module)."""
        got = self.columns(conn, rev, filters, prepared)
        return None if got is None else got.build(_rows)

    def columns(self, conn: Connection, rev: str, filters: dict[str, Any], prepared: Preparation = AS_STORED
                ) -> KeptColumns | None:
        """What :meth:`load` reads, by column (:class:`KeptColumns`), so that a reader builds its
        objects without a tuple per row (``tally.reconcile.figures.ClaimRow.from_columns``); None as
        :meth:`load`."""
        if not _SERVED.issuperset(filters):
            return None
        date_from: dt.date | None = filters.get("date_from")
        date_to: dt.date | None = filters.get("date_to")
        parts: list[tuple[list[list[Any]], list[int] | None]] = []
        try:
            with self.path(rev).open("rb") as f:
                head = _read_head(f)
                if head is None or head.get("prepared") != prepared.name or head["stamp"] != _stamp(conn):
                    return None
                index: dict[tuple[str, str | None, str | None], tuple[int, int, bool]] = head["index"]
                start = f.tell()
                # the database's conditions on place, event and victims (_claims_query), shard by shard
                places = set(admitted_area_keys(dict.fromkeys(k[0] for k in index), filters))
                events = set(filters.get("events") or ())
                victims = set(filters.get("victims") or ())
                chosen = [(at, n, dated) for (area, event, kind), (at, n, dated) in index.items()
                          if area in places and (not events or event in events) and (not victims or kind in victims)]
                if date_from is not None and not all(dated for _at, _n, dated in chosen):
                    return None
                for at, n, _dated in chosen:
                    f.seek(start + at)
                    starts, ends, packed = _loads(f.read(n))
                    columns = [c if type(c) is list else [c[0]] * len(starts) for c in packed]  # one value: see _blob
                    picked = None
                    if date_to is not None or date_from is not None:
                        # as the database's: a claim without a start, or one starting by then; a claim
                        # whose end, else report, else start is unknown or then or later
                        picked = [i for i, (s, e) in enumerate(zip(starts, ends, strict=True))
                                  if (date_to is None or s is None or s <= date_to)
                                  and (date_from is None or e is None or e >= date_from)]
                    parts.append((columns, picked))
        except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, struct.error, pickle.UnpicklingError):
            return None
        return KeptColumns(parts)


@dataclass(frozen=True)
class KeptColumns:
    """Kept rows as :meth:`KeptRows.columns` reads them: each shard's columns (the values of each
    field, the claim id first) with the positions of the rows the filters select (None: all)."""

    parts: list[tuple[list[list[Any]], list[int] | None]]

    def build(self, make: Callable[[list[list[Any]], list[int] | None], list[Any]]) -> list[Any]:
        """What *make* builds of each shard's columns and selected positions, one object per row, in
        the database's order (by claim id: each shard is, not the shards together).  The shards are
        built apart, not joined column by column first: on 100,000 claims that join cost more than a
        tenth of the reading."""
        out: list[Any] = []
        ids: list[Any] = []
        for columns, picked in self.parts:
            out += make(columns, picked)
            if len(self.parts) > 1 and columns:
                ids += columns[0] if picked is None else map(columns[0].__getitem__, picked)
        if len(self.parts) > 1:
            out = [out[i] for i in sorted(range(len(out)), key=ids.__getitem__)]
        return out


def _rows(columns: list[list[Any]], picked: list[int] | None) -> list[tuple[Any, ...]]:
    """The rows of *columns* at *picked* (default: all), as tuples."""
    rows = list(zip(*columns, strict=True))
    return rows if picked is None else [rows[i] for i in picked]


class _Unpickler(pickle.Unpickler):
    """Plain values and dates only: any other class a file names is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("datetime", "date"):
            return dt.date
        raise pickle.UnpicklingError(f"kept rows may not hold {module}.{name}")


def _loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


def _read_head(f: BinaryIO) -> dict[str, Any] | None:
    """The header of a rows file open at its start (left at the end of the header), or None if the
    file is not one, or not whole."""
    if f.read(len(_MAGIC)) != _MAGIC:
        return None
    (size,) = struct.unpack(">Q", f.read(8))
    head = _loads(f.read(size))
    if not isinstance(head, dict) or f.tell() + head.get("bytes", -1) != os.fstat(f.fileno()).st_size:
        return None
    return head


def _head(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as f:
            return _read_head(f)
    except (OSError, EOFError, ValueError, KeyError, TypeError, struct.error, pickle.UnpicklingError):
        return None


def _blob(keys: list[str], rows: list[list[Any]], prepared: Preparation) -> tuple[bytes, bool]:
    """One shard's rows, as *prepared* makes them, pickled by column with the days its date filters
    test (see :meth:`KeptRows.load`); and whether a start date can be tested on them (see the
    module): no figure without an end date reported more than once.

    Equal texts and days of a column are one object, so the pickle writes each once and reading
    it builds each once, not once per row."""
    i_from, i_to, i_reported = keys.index("date_from"), keys.index("date_to"), keys.index("reported_at")
    dated = all(r[i_to] is not None or len(r[-1]) == 1 for r in rows)
    starts = [r[i_from] for r in rows]
    ends = [r[i_to] if r[i_to] is not None else r[i_reported] if r[i_reported] is not None else r[i_from]
            for r in rows]
    columns = [_packed(_shared(list(c))) for c in zip(*prepared.convert(keys, rows), strict=True)]
    payload = (_shared(starts), _shared(ends), columns)
    return pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), dated


def _packed(column: list[Any]) -> list[Any] | tuple[Any]:
    """*column*, or its one value as a 1-tuple when every row has the same (a shard's event, victims,
    places and status, most often): read back as that value repeated, without one per row in the file."""
    if column and all(v is column[0] for v in column):
        return (column[0],)
    return column


def _shared(column: list[Any]) -> list[Any]:
    """*column* with equal texts or days as one object (a column of other values, or of mixed types,
    as it is: equal values of two types, 1 and True, must not become one)."""
    kinds = set(map(type, column)) - {type(None)}
    if kinds != {str} and kinds != {dt.date}:
        return column
    one = dict(zip(column, column))
    return list(map(one.__getitem__, column))


def _since(conn: Connection, head: dict[str, Any]) -> list[tuple[str, list[int]]] | None:
    """The audited actions, with their objects' ids, written since the rows of *head* were kept, or
    None if the audit log no longer holds the event they were kept at (another history; or rows
    kept while changes made around tally were pending: their revision's digest carries ``+`` and
    the count, which no event's hash equals)."""
    last, _sep, digest = str(head.get("revision", "")).partition(":")
    if not last.isdigit():
        return None
    same = (digest == GENESIS if int(last) == 0 else
            conn.execute(select(audit_events.c.hash).where(audit_events.c.id == int(last))).scalar() == digest)
    if not same:
        return None
    q = select(audit_events.c.action, audit_events.c.object_type, audit_events.c.object_ids).where(
        audit_events.c.id > int(last)).order_by(audit_events.c.id)
    out = []
    for action, kind, ids in conn.execute(q):
        expected = "claim" if action in CLAIM_ACTIONS else "document" if action in EXTRACT_ACTIONS else None
        if expected is not None and (kind != expected or not isinstance(ids, list)
                                     or not all(isinstance(i, int) for i in ids)):
            action = f"{action} (of {kind})"  # not what :meth:`KeptRows.save` can patch
        out.append((str(action), list(ids) if isinstance(ids, list) else []))
    return out


def _stamp(conn: Connection) -> tuple[int, int]:
    """How many claims there are and the largest id: claims inserted or deleted around tally change it."""
    n, top = conn.execute(select(func.count(), func.max(claims.c.id)).select_from(claims)).one()
    return int(n or 0), int(top or 0)


def _pairs(conn: Connection) -> list[tuple[int, str | None]]:
    result = conn.execute(select(claims.c.id, claims.c.area_key))
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()
