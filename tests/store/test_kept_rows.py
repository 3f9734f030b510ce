"""Claim rows kept in a file: the same rows the database gives, never read once stale."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import random
import struct
from dataclasses import astuple

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from tally.core.models import Claim
from tally.pipeline import (
    add_manual_claim,
    keep_rows,
    kept_claims,
    open_workspace,
    run_extract,
    run_ingest,
    run_tolls,
    run_tolls_many,
)
from tally.pipeline import reject_claim as reject
from tally.pipeline import restore_claim as restore
from tally.reconcile.figures import ClaimRow
from tally.reconcile.scope import Scope, claim_filter, default_places
from tally.store.audit import append, revision
from tally.store.claims import insert_claims, load_claim_rows, reject_claim
from tally.store.documents import insert_document, mark_extracted
from tally.store.kept_rows import AS_STORED
from tally.store.schema import audit_events, claims, documents
from tally.store.sources import get_or_create
from tally.store.workspace import Workspace

D = dt.date
UTC = dt.UTC
# governorates, a district, a village the gazetteer lacks (coded under its district), the country
PLACES = [["ocha:SY06"], ["ocha:SY10"], ["ocha:SY04"], ["ocha:SY0400"], ["ocha:SY01"], ["ocha:SY06", "ocha:SY05"],
          ["iso:SY"], []]
VICTIMS = ["civilians", "children", "women", "security_forces", "fighters", "people"]
SCOPES = [Scope(), Scope.build(["iso:SY"]), Scope.build(["iso:SY"], victims="civilians"),
          Scope.build(["Latakia", "Tartus", "Hama", "Homs"], victims="civilians"),
          Scope.build(["Homs"]), Scope.build(["Latakia"], None, "2025-03-10", victims="children"),
          Scope.build([], victims="fighters"), Scope.build(["Damascus"], event="injured")]


def _fill(ws: Workspace, seed: int = 3, n: int = 60) -> None:
    """*n* figures of several sources on several places, categories, events and days, each relayed
    by up to three outlets (some a day later), a few rejected; the write audited."""
    rng = random.Random(seed)
    with ws.begin() as conn:
        outlets = [get_or_create(conn, f"Outlet {i}", kind="outlet") for i in range(4)]
        docs = 0
        for i in range(n):
            day = D(2025, 3, 1) + dt.timedelta(days=rng.randrange(20))
            cumulative = rng.random() < 0.3
            value = rng.randint(1, 400)
            fig = Claim(event=rng.choice(["killed", "killed", "killed", "injured"]), count=str(value),
                        qualifier=rng.choice(["exact", "at_least", "about"]), low=value, best=value,
                        victims=rng.choice(VICTIMS), source=rng.choice(["Levant Observatory", "Rescuers", None]),
                        pcodes=rng.choice(PLACES), date_from=D(2025, 3, 1) if cumulative else day, date_to=day,
                        cumulative=cumulative)
            ids = []
            for k in range(rng.randint(1, 3)):
                docs += 1
                doc = insert_document(conn, {
                    "sha256": f"{docs:064x}", "kind": "article", "media_type": "text/markdown", "size": 1,
                    "outlet": f"Outlet {k}", "published": dt.datetime.combine(day, dt.time(8 + i % 12), UTC)
                    + dt.timedelta(days=rng.randint(0, 1)), "source_id": outlets[k], "text": "…", "meta": {},
                    "ingested_at": dt.datetime.now(UTC), "ingested_by": "tester"})
                ids += insert_claims(conn, doc, [fig], actor="tester")
            if rng.random() < 0.1:
                reject_claim(conn, ids[0], "a test")
        # figures in Damascus without an end date, one relayed the next day: dated by each report
        for k, (count, relays) in enumerate([(12, 2), (30, 1)]):
            fig = Claim(event="killed", count=str(count), low=count, best=count, victims="civilians",
                        source="Rescuers", pcodes=["ocha:SY01"], date_from=D(2025, 3, 2))
            for j in range(relays):
                docs += 1
                doc = insert_document(conn, {
                    "sha256": f"{docs:064x}", "kind": "article", "media_type": "text/markdown", "size": 1,
                    "outlet": "Outlet 0", "published": dt.datetime(2025, 3, 4 + 2 * k + j, 9, tzinfo=UTC),
                    "source_id": outlets[0], "text": "…", "meta": {}, "ingested_at": dt.datetime.now(UTC),
                    "ingested_by": "tester"})
                insert_claims(conn, doc, [fig], actor="tester")
        append(conn, "tester", "claims.add", "claim", [])


def _rev(ws: Workspace) -> str:
    with ws.connect() as conn:
        return revision(conn)


def _both(ws: Workspace, scope: Scope, prepared=None):
    """The claim rows of *scope* from the database and from the kept rows, both as *prepared* (by
    default as the workspace keeps them: reconciliation's claim arguments) makes them."""
    prepared = prepared or kept_claims()
    with ws.connect() as conn:
        rev = revision(conn)
        db = prepared.convert(*load_claim_rows(conn, **claim_filter(scope)))
        kept = ws.kept_rows.load(conn, rev, claim_filter(scope), prepared)
        if kept is not None and prepared.name == kept_claims().name:
            # a question builds its claims from the kept columns: the same claims, in the same order
            built = ws.kept_rows.columns(conn, rev, claim_filter(scope), prepared).build(ClaimRow.from_columns)
            assert [astuple(c) for c in built] == [astuple(c) for c in ClaimRow.from_arguments(kept)]
        return db, kept


def test_kept_rows_are_the_rows_the_database_gives(ws):
    _fill(ws)
    assert keep_rows(ws, over=0)
    for scope in SCOPES:
        db, kept = _both(ws, scope)
        assert kept == db, scope.label()
    # a start date: served where no figure without an end date was reported twice (its reports are
    # tested one by one), else the database answers
    for where in (["Homs"], ["Latakia", "Aleppo"], ["Damascus"], ["iso:SY"]):
        db, kept = _both(ws, Scope.build(where, "2025-03-05", None))
        assert kept == (None if where in (["Damascus"], ["iso:SY"]) else db), where
    db, kept = _both(ws, Scope.build(["Damascus"], "2025-03-05", None, victims="fighters"))
    assert kept == db
    # rows kept as reconciliation's claims are not read as other rows; kept as the database gives
    # them, they are those rows
    assert _both(ws, Scope(), AS_STORED)[1] is None
    with ws.connect() as conn:
        assert ws.kept_rows.save(conn, prepared=AS_STORED) == "written"
    for scope in SCOPES:
        db, kept = _both(ws, scope, AS_STORED)  # db: the database's rows, as tuples
        assert kept == db, scope.label()
    assert _both(ws, Scope())[1] is None


_SHARED: dict[str, Workspace] = {}


def _shared_ws(tmp_path_factory) -> Workspace:
    if "ws" not in _SHARED:
        w = Workspace.open(tmp_path_factory.mktemp("kept") / "ws", create=True, actor="tester")
        _fill(w, seed=11, n=120)
        keep_rows(w, over=0)
        _SHARED["ws"] = w
    return _SHARED["ws"]


AREAS = ["Latakia", "Tartus", "Hama", "Homs", "Damascus", "Aleppo", "iso:SY"]


@given(st.lists(st.sampled_from(AREAS), max_size=3, unique=True),
       st.sampled_from(["all", "civilians", "children", "women", "security_forces", "fighters", "unknown"]),
       st.sampled_from(["killed", "injured"]), st.one_of(st.none(), st.integers(0, 25)),
       st.one_of(st.none(), st.integers(0, 10)))
def test_any_scope_loads_the_same_from_kept_rows(tmp_path_factory, where, victims, event, since, days):
    ws = _shared_ws(tmp_path_factory)
    until = None if days is None else (since or 0) + days
    day = [None if n is None else (D(2025, 3, 1) + dt.timedelta(days=n)).isoformat() for n in (since, until)]
    db, kept = _both(ws, Scope.build(where, day[0], day[1], victims=victims, event=event))
    assert kept == db or (kept is None and since is not None and ("Damascus" in where or "iso:SY" in where
                                                                   or not where))


def test_rows_of_another_revision_or_claims_changed_around_tally_are_not_read(ws):
    _fill(ws)
    assert keep_rows(ws, over=0)
    old = _rev(ws)
    # a write through tally moves the revision: the kept rows are filed under the old one
    with ws.begin() as conn:
        reject_claim(conn, 1, "a test")
        append(conn, "tester", "claims.reject", "claim", [1])
    assert _both(ws, Scope())[1] is None
    with ws.connect() as conn:
        assert ws.kept_rows.load(conn, old, {}, kept_claims()) is not None  # (still on disk until the next keep)
    assert keep_rows(ws, over=0)
    assert [p.name for p in ws.kept_rows.root.glob("*.rows")] == [ws.kept_rows.path(_rev(ws)).name]
    # claims inserted or deleted in plain SQL, without an audit event, are noticed all the same
    with ws.begin() as conn:
        row = dict(conn.execute(select(claims).where(claims.c.id == 2)).mappings().one())
        conn.execute(insert(claims).values({**row, "id": 10_000}))
    assert _both(ws, Scope())[1] is None
    with ws.begin() as conn:
        conn.execute(delete(claims).where(claims.c.id == 10_000))
    assert _both(ws, Scope())[1] is not None
    with ws.begin() as conn:
        conn.execute(delete(claims).where(claims.c.id == 2))
    assert _both(ws, Scope())[1] is None


def test_claims_changed_around_tally_are_noticed_by_the_kept_rows_and_answers(ws):
    _fill(ws)
    scope = Scope.build(["iso:SY"], victims="civilians")
    assert keep_rows(ws, over=0) == "written"
    before = run_tolls(ws, scope, cached=True)[0].to_dict()
    assert run_tolls(ws, scope, cached=True)[0].to_dict() == before  # read back
    # a figure changed in plain SQL, by another program: no audit event, no claim count moved
    top = max(before["sources"], key=lambda s: s["best"])["claim_id"]
    with ws.engine.begin() as conn:
        conn.execute(update(claims).where(claims.c.id == top).values(low=5000, best=5000, high=5000))
    assert _both(ws, scope)[1] is None  # the rows kept are not read at the revision the change makes
    after = run_tolls(ws, scope, cached=True)[0].to_dict()
    assert after != before and after["reported_high"] >= 5000
    assert after == run_tolls(ws, scope, cached=True, fresh=True)[0].to_dict()
    # tally's next write audits the change, and the rows are read again in full, not patched
    add_manual_claim(ws, source="Field team", count=3, victims="civilians", where=["ocha:SY10"],
                     date_from="2025-03-02", date_to="2025-03-02")
    with ws.connect() as conn:
        assert [e["action"] for e in conn.execute(select(audit_events.c.action).order_by(
            audit_events.c.id.desc()).limit(2)).mappings()] == ["claim.add", "changes.outside"]
    assert keep_rows(ws, over=0) == "written"
    _same_everywhere(ws)


def test_an_unreadable_file_is_ignored_and_replaced(ws):
    _fill(ws)
    assert keep_rows(ws, over=0)
    path = ws.kept_rows.path(_rev(ws))
    data = path.read_bytes()
    for broken in (b"", b"not rows at all", data[: len(data) // 2], data[:40] + b"\x00" * 40 + data[80:]):
        path.write_bytes(broken)
        db, kept = _both(ws, Scope())
        assert kept is None and db
    # a file made to run code when read (a workspace copied from elsewhere) is refused, not run
    class Payload:
        def __reduce__(self):
            return (os.system, ("touch " + str(ws.kept_rows.root / "pwned"),))

    head = pickle.dumps(Payload())
    magic = data[:data.index(b"\n") + 1]  # the format's first line
    path.write_bytes(magic + struct.pack(">Q", len(head)) + head)
    assert _both(ws, Scope())[1] is None and not (ws.kept_rows.root / "pwned").exists()
    assert keep_rows(ws, over=0)
    assert _both(ws, Scope())[1] == _both(ws, Scope())[0]


def test_small_workspaces_keep_no_rows_and_claims_without_keys_none(ws):
    _fill(ws, n=5)
    assert not keep_rows(ws)  # fewer claims than the setting's 20,000
    assert not list(ws.kept_rows.root.glob("*.rows"))
    with ws.begin() as conn:  # written around the store: no area keys
        conn.execute(update(claims).where(claims.c.id == 1).values(area_key=None))
    assert not keep_rows(ws, over=0)


def test_tolls_from_kept_rows_equal_those_from_the_database(ws):
    _fill(ws)
    # a village the gazetteer lacks, named as the reports write it (in the flag of a part exceeding
    # the whole: the governorate's figure that day)
    add_manual_claim(ws, source="Field team", count=9, victims="civilians", where=["Raqqa/Ain Zita"],
                     date_from="2025-03-03", date_to="2025-03-03")
    add_manual_claim(ws, source="Monitors", count=3, victims="civilians", where=["Raqqa"],
                     date_from="2025-03-03", date_to="2025-03-03")
    questions = [(s, None) for s in SCOPES] + [(Scope.build(["iso:SY"], victims="civilians"), "governorate"),
                                               (Scope.build(["Latakia"]), "week"),
                                               (Scope.build(["Raqqa"], victims="civilians"), None)]
    from_db = [[t.to_dict() for t in a.tolls] for a in run_tolls_many(ws, questions, rows=False)]
    assert "Ain Zita" in json.dumps(from_db[-1])
    assert keep_rows(ws, over=0)
    # read in a process that has met none of the claims' places (the kept rows carry their codes)
    default_places.cache_clear()
    from_rows = [[t.to_dict() for t in a.tolls] for a in run_tolls_many(ws, questions, rows=True)]
    assert from_rows == from_db
    # asked afresh, the tolls come from the database, and the rows (perhaps stale) are dropped
    assert [t.to_dict() for t in run_tolls(ws, SCOPES[1], cached=True, fresh=True)] == from_db[1]
    assert not list(ws.kept_rows.root.glob("*.rows"))


def test_a_write_through_the_cli_keeps_the_rows(tally_at, monkeypatch):
    monkeypatch.setenv("TALLY_ANSWERS_ROWS_OVER", "1")
    run, home = tally_at, tally_at.home
    run("init")
    r = run("claims", "add", "--source", "Levant Observatory", "--count", "1200", "--victims", "civilians", "--where",
            "Latakia", "--from", "2025-03-06", "--to", "2025-03-08", "--cumulative", "--date", "2025-03-08")
    assert "kept current: the claim rows, for fast loading" in r.stderr
    ws = open_workspace(home)
    assert ws.kept_rows.path(_rev(ws)).exists()
    [row] = json.loads(run("tolls", "--where", "Latakia", "--victims", "civilians", "--json").stdout)
    assert row["best"] == 1200
    ws.close()


def test_rows_outlive_writes_that_change_no_claim(ws):
    _fill(ws)
    assert keep_rows(ws, over=0)
    before = ws.kept_rows.path(_rev(ws)).stat().st_ino
    # an estimate or a linkage decision moves the revision but changes no claim: the same file is
    # filed under the new revision, not written again
    with ws.begin() as conn:
        append(conn, "tester", "estimate", "estimate", [1])
        append(conn, "tester", "link.decide", "victim_record", [1, 2])
    assert keep_rows(ws, over=0)
    [path] = ws.kept_rows.root.glob("*.rows")
    assert path == ws.kept_rows.path(_rev(ws)) and path.stat().st_ino == before
    assert _both(ws, Scope.build(["iso:SY"]))[1] == _both(ws, Scope.build(["iso:SY"]))[0]
    # a write that may change claims: written again
    with ws.begin() as conn:
        reject_claim(conn, 3, "a test")
        append(conn, "tester", "claim.reject", "claim", [3])
    assert keep_rows(ws, over=0)
    [path] = ws.kept_rows.root.glob("*.rows")
    assert path == ws.kept_rows.path(_rev(ws)) and path.stat().st_ino != before
    db, kept = _both(ws, Scope())
    assert kept == db and any(c.status == "rejected" and c.id == 3 for c in ClaimRow.from_arguments(db))
    # another history (the event the rows were kept at is not the log's any more): written again
    before = path.stat().st_ino
    last = int(_rev(ws).partition(":")[0])
    with ws.begin() as conn:
        conn.execute(update(audit_events).where(audit_events.c.id == last).values(hash="f" * 64))
        append(conn, "tester", "estimate", "estimate", [2])
    assert keep_rows(ws, over=0)
    [path] = ws.kept_rows.root.glob("*.rows")
    assert path.stat().st_ino != before


def _same_everywhere(ws: Workspace) -> None:
    for scope in [*SCOPES, Scope.build(["Homs"], "2025-03-05", None), Scope.build(["Hama"], victims="women")]:
        db, kept = _both(ws, scope)
        assert kept == db, scope.label()


def test_claims_added_rejected_or_restored_patch_their_shards(ws):
    _fill(ws)
    assert keep_rows(ws, over=0) == "written"
    # a figure where there were claims, one in a shard of its own, and a relay of the first
    # (manual claims identical in all but their document are one figure with two reports)
    first = add_manual_claim(ws, source="Field team", count=7, victims="civilians", where=["ocha:SY06"],
                             date_from="2025-03-04", date_to="2025-03-04", reported_at="2025-03-05")
    assert keep_rows(ws, over=0) == "patched"
    _same_everywhere(ws)
    add_manual_claim(ws, source="Field team", count=3, victims="women", where=["ocha:SY05"],
                     date_from="2025-03-06", date_to="2025-03-06", reported_at="2025-03-06")
    add_manual_claim(ws, source="Field team", count=7, victims="civilians", where=["ocha:SY06"],
                     date_from="2025-03-04", date_to="2025-03-04", reported_at="2025-03-06")
    assert keep_rows(ws, over=0) == "patched"
    _same_everywhere(ws)
    db, _kept = _both(ws, Scope())
    assert [len(c.members()) for c in ClaimRow.from_arguments(db) if c.id == first] == [2]
    # a rejection takes a claim out of its relays, a restoration puts it back
    with ws.connect() as conn:
        relayed = next(r for r in load_claim_rows(conn)[1] if len(r[-1]) > 1)
    reject(ws, relayed[-1][1][0], "a test")
    assert keep_rows(ws, over=0) == "patched"
    _same_everywhere(ws)
    restore(ws, relayed[-1][1][0], "a test")
    assert keep_rows(ws, over=0) == "patched"
    _same_everywhere(ws)
    # nothing written since: the same rows, filed again
    assert keep_rows(ws, over=0) == "refiled"


def test_other_writes_or_claims_inserted_around_tally_read_every_row(ws):
    _fill(ws)
    assert keep_rows(ws, over=0) == "written"
    add_manual_claim(ws, source="Field team", count=2, victims="children", where=["ocha:SY10"],
                     date_from="2025-03-02", date_to="2025-03-02")
    with ws.begin() as conn:  # a claim written in plain SQL beside the audited one
        [doc] = conn.execute(select(claims.c.document_id).where(claims.c.document_id.is_not(None)).limit(1)).one()
        insert_claims(conn, doc, [Claim(event="killed", count="5", low=5, best=5, victims="fighters",
                                        pcodes=["ocha:SY04"], date_from=D(2025, 3, 3), date_to=D(2025, 3, 3))],
                      actor="tester")
    assert keep_rows(ws, over=0) == "written"
    _same_everywhere(ws)
    # an action that may change any claim (an extraction) reads every row too
    add_manual_claim(ws, source="Field team", count=4, victims="children", where=["ocha:SY10"],
                     date_from="2025-03-02", date_to="2025-03-02")
    with ws.begin() as conn:
        append(conn, "tester", "extract", "document", [1])
    assert keep_rows(ws, over=0) == "written"
    _same_everywhere(ws)


def test_an_ingest_changes_no_claim_row(ws, tmp_path):
    _fill(ws)
    assert keep_rows(ws, over=0) == "written"
    before = ws.kept_rows.path(_rev(ws)).stat().st_ino
    # an article relayed by an outlet the claims know, and a victims list of a source they name
    (tmp_path / "a.md").write_text("---\ntitle: Toll rises\noutlet: Outlet 1\npublished: 2025-03-10T12:00:00Z\n"
                                   "source: Rescuers\n---\n\nAt least 870 civilians have been killed.\n",
                                   encoding="utf-8")
    (tmp_path / "Rescuers.csv").write_text("name,date_of_death,place\nAli Hassan,2025-03-04,Homs\n", encoding="utf-8")
    report = run_ingest(ws, [tmp_path])
    assert [f.status for f in report.files] == ["added", "added"]
    assert keep_rows(ws, over=0) == "refiled"
    assert ws.kept_rows.path(_rev(ws)).stat().st_ino == before
    _same_everywhere(ws)


def test_extracting_new_articles_patches_their_shards_and_extracting_again_reads_every_row(ws, tmp_path):
    _fill(ws)
    with ws.begin() as conn:  # the filled claims came from their articles already
        for (doc,) in conn.execute(select(documents.c.id)).all():
            mark_extracted(conn, doc)
    assert keep_rows(ws, over=0) == "written"
    (tmp_path / "a.md").write_text(
        "---\ntitle: Shelling in Homs\noutlet: Outlet 1\npublished: 2025-03-10T12:00:00Z\n---\n\n"
        "At least 14 civilians, including 5 children, were killed in shelling on Homs on Sunday, the "
        "Levant Observatory said.\n", encoding="utf-8")
    run_ingest(ws, [tmp_path])
    assert run_extract(ws).claims >= 2
    assert keep_rows(ws, over=0) == "patched"
    _same_everywhere(ws)
    run_extract(ws, again=True)  # replaces the claims of every article: every row read
    assert keep_rows(ws, over=0) == "written"
    _same_everywhere(ws)
