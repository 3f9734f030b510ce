"""Relay and area keys: stored when claims are written, backfilled by migration 0002, loading as the fields do."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from alembic import command
from sqlalchemy import create_engine, insert, select, text, update

from tally.core.models import Claim
from tally.reconcile.scope import Scope, claim_filter
from tally.store.claims import insert_claims, load_claim_rows, reject_claim, save_claims
from tally.store.documents import insert_document
from tally.store.claim_keys import ANY_AREA, area_key, relay_key
from tally.store.schema import claims
from tally.store.sources import get_or_create
from tally.store.workspace import Workspace, _alembic_config

D = dt.date
UTC = dt.UTC


def _doc(conn, name, hour, sha):
    sid = get_or_create(conn, name, kind="outlet")
    now = dt.datetime.now(UTC)
    return insert_document(conn, {"sha256": sha * 64, "kind": "article", "media_type": "text/markdown", "size": 1,
                                  "outlet": name, "published": dt.datetime(2025, 3, 8, hour, tzinfo=UTC),
                                  "source_id": sid, "text": "…", "meta": {}, "ingested_at": now,
                                  "ingested_by": "tester"})


def _figure(**kw):
    base = dict(event="killed", count="1,200", qualifier="at_least", low=1200, best=1200, victims="civilians",
                source="Levant Observatory", pcodes=["ocha:SY06"], date_from=D(2025, 3, 6), date_to=D(2025, 3, 8),
                cumulative=True)
    return Claim(**{**base, **kw})


def _fill(ws):
    """Four outlets relay one figure (one of them twice), plus figures that differ in one field each."""
    with ws.begin() as conn:
        docs = [_doc(conn, f"Outlet {i}", 10 - i, "abcde"[i]) for i in range(5)]
        ids = []
        for doc in docs[:3]:
            ids += insert_claims(conn, doc, [_figure()], actor="tester")
        ids += insert_claims(conn, docs[2], [_figure()], actor="tester", reported_at=dt.datetime(2025, 3, 7, tzinfo=UTC))
        ids += insert_claims(conn, docs[3], [_figure(best=1300, low=1300), _figure(source=None),
                                             _figure(pcodes=["ocha:SY06", "ocha:SY05"]), _figure(victims="children"),
                                             _figure(date_to=None)], actor="tester")
        save_claims(conn, docs[4], [_figure().model_dump(mode="json"),  # no source: the document's
                                    _figure(source=None, low=7, best=7).model_dump(mode="json")], [], actor="tester",
                    reported_at=dt.datetime(2025, 3, 9, tzinfo=UTC))  # a fifth report
    return ids


def _rows(ws, scope=Scope()):
    with ws.connect() as conn:
        keys, rows = load_claim_rows(conn, **claim_filter(scope))
    return [dict(zip(keys, r)) for r in rows]


def _without_keys(ws, scope=Scope()):
    """The same claims grouped field by field: as if written without relay keys (in id order, which
    PostgreSQL does not keep without the keys once a claim is updated)."""
    with ws.begin() as conn:
        conn.execute(update(claims).values(relay_key=None, area_key=None))
    got = sorted(_rows(ws, scope), key=lambda r: r["id"])
    with ws.begin() as conn:  # and back
        for r in conn.execute(select(claims)).mappings().all():
            conn.execute(update(claims).where(claims.c.id == r["id"]).values(relay_key=relay_key(r), area_key=area_key(r)))
    return got


def test_relays_share_a_key_and_other_figures_do_not(ws):
    ids = _fill(ws)
    with ws.connect() as conn:
        key = dict(conn.execute(select(claims.c.id, claims.c.relay_key)).all())
    assert len({key[i] for i in ids[:4]}) == 1 and len(set(key.values())) == 7  # one figure, five reports
    assert len({key[i] for i in ids[4:]}) == len(ids[4:]) and key[ids[0]] not in {key[i] for i in ids[4:]}
    assert all(len(k) == 32 for k in key.values())


def test_grouping_by_relay_key_equals_grouping_by_fields(ws):
    _fill(ws)
    for scope in (Scope(), Scope(places=("ocha:SY06",), date_from=D(2025, 3, 8)), Scope(victims="children"),
                  Scope(places=("ocha:SY05",)), Scope(places=("ocha:SY07",)), Scope(places=("iso:SY",))):
        assert _rows(ws, scope) == _without_keys(ws, scope)
    rows = _rows(ws)
    assert next(r for r in rows if r["best"] == 7)["document_source"] == "Outlet 4"
    first = next(r for r in rows if r["best"] == 1200 and r["victims"] == "civilians" and r["source_text"]
                 and r["pcodes"] == ("ocha:SY06",) and r["date_to"] == D(2025, 3, 8))
    # one row for the five reports: the smallest id, dated by the earliest report (the one given 7 March)
    assert len(first["reports"]) == 5 and first["reported_at"] == D(2025, 3, 7)


def test_a_rejected_claim_leaves_its_relay_group(ws):
    ids = _fill(ws)
    with ws.begin() as conn:
        reject_claim(conn, ids[1], "misread")
        key = dict(conn.execute(select(claims.c.id, claims.c.relay_key)).all())
    assert key[ids[1]] != key[ids[0]] and key[ids[0]] == key[ids[2]] == key[ids[3]]
    rows = _rows(ws)
    rejected = [r for r in rows if r["status"] == "rejected"]
    assert [(r["id"], len(r["reports"])) for r in rejected] == [(ids[1], 1)]
    assert next(r for r in rows if r["id"] == ids[0])["reports"][1][0] == ids[2]
    assert rows == _without_keys(ws)


def test_claims_inserted_around_the_store_get_a_key(ws):
    now = dt.datetime.now(UTC)
    row = dict(event="killed", qualifier="exact", low=5.0, high=5.0, best=5, victims="civilians", places=[],
               pcodes=["ocha:SY06"], admin1=[], date_from=D(2025, 3, 7), date_to=D(2025, 3, 7), cumulative=False,
               quote="", reported_at=now, manual=False, status="active", created_at=now, created_by="tester")
    with ws.begin() as conn:
        conn.execute(insert(claims), [row, {**row, "best": 5.0}, {**row, "best": 6.0}])
        keys = conn.execute(select(claims.c.relay_key, claims.c.area_key).order_by(claims.c.id)).all()
    assert keys[0][0] == keys[1][0] != keys[2][0] and keys[0][0] == relay_key(row)
    assert keys[0][1] == keys[2][1] == area_key(row) == '[["ocha:SY06"],[]]'


def test_the_place_prefilter_by_area_key_admits_what_the_patterns_admit(ws):
    mk = lambda **kw: Claim(event="killed", count="5", low=5, high=5, best=5, victims="civilians", **kw)  # noqa: E731
    with ws.begin() as conn:
        doc = _doc(conn, "Coast TV", 9, "f")
        ids = insert_claims(conn, doc, [
            mk(pcodes=["ocha:SY0602"]), mk(pcodes=["SY0602"]), mk(admin1=["iso:SY-LA"]), mk(pcodes=["ocha:SY07"]),
            mk(country="SY"), mk(pcodes=["region:SY-COAST"]), mk(pcodes=["ocha:sy06"]),
            mk(pcodes=[f"ocha:SY07{i:02d}" for i in range(80)] + ["ocha:SY0601"]),  # too long to index
        ], actor="tester")
        assert ANY_AREA in {k for (k,) in conn.execute(select(claims.c.area_key))}
    # Loose either way: the long one passes every place condition, and lower case passes where
    # the database's LIKE ignores case (SQLite) and by area key everywhere.
    looser = {ids[-1], ids[-2]}
    for places in (("ocha:SY06",), ("ocha:SY0602",), ("ocha:SY07",), ("ocha:SY06", "ocha:SY07"), ("iso:SY",)):
        scope = Scope(places=places)
        keyed, plain = _rows(ws, scope), _without_keys(ws, scope)
        assert [r for r in keyed if r["id"] not in looser] == [r for r in plain if r["id"] not in looser], places
        assert {r["id"] for r in plain} <= {r["id"] for r in keyed} and ids[-1] in {r["id"] for r in keyed}
    assert {r["id"] for r in _rows(ws, Scope(places=("ocha:SY06",)))} == set(ids) - {ids[3]}  # all but Idlib's


@contextmanager
def _made_at(home, revision):
    """A connection to a new SQLite workspace at *home* whose schema stops at migration *revision*."""
    home.mkdir()
    url = f"sqlite:///{home / 'tally.db'}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            cfg = _alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            yield conn
    finally:
        engine.dispose()


def test_migration_0002_backfills_relay_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("TALLY_DATABASE_URL", raising=False)
    home = tmp_path / "ws"
    with _made_at(home, "0001") as conn:  # a workspace made before relay keys
        conn.execute(text("INSERT INTO sources (id, name, kind, created_at) VALUES (1, 'Levant Observatory', "
                          "'organisation', '2025-03-08 00:00:00')"))
        for i, (best, status) in enumerate([(1200, "active"), (1200.0, "active"), (1300, "active"),
                                            (1200, "rejected")], start=1):
            conn.execute(text(
                "INSERT INTO claims (id, source_id, source_text, event, qualifier, low, best, victims, places, admin1, "
                "pcodes, date_from, date_to, cumulative, quote, start, \"end\", manual, status, sensitivity, "
                "created_at, created_by) VALUES (:id, 1, 'Levant Observatory', 'killed', 'at_least', :best, :best, "
                "'civilians', '[]', '[]', '[\"ocha:SY06\"]', '2025-03-06', '2025-03-08', 1, '', 0, 0, 0, :status, "
                "'public', '2025-03-08 00:00:00', 'tester')"), {"id": i, "best": best, "status": status})
    ws = Workspace.open(home, actor="tester")  # opening migrates
    try:
        with ws.connect() as conn:
            key = dict(conn.execute(select(claims.c.id, claims.c.relay_key)).all())
            areas = {k for (k,) in conn.execute(select(claims.c.area_key))}
        assert key[1] == key[2] and len({key[1], key[3], key[4]}) == 3 and None not in key.values()
        assert areas == {'[["ocha:SY06"],[]]'}
        # the same key as a claim written now
        assert key[1] == relay_key(dict(source_id=1, source_text="Levant Observatory", event="killed",
                                        victims="civilians", qualifier="at_least", low=1200, high=None, best=1200,
                                        pcodes=["ocha:SY06"], admin1=[], country=None, date_from=D(2025, 3, 6),
                                        date_to=D(2025, 3, 8), cumulative=True, manual=False, status="active"))
        assert [len(r["reports"]) for r in _rows(ws)] == [2, 1, 1]
    finally:
        ws.close()


def test_whether_a_claim_counts_named_victims_is_kept_with_it(ws):
    from tally.reconcile.figures import ClaimRow

    with ws.begin() as conn:
        doc = _doc(conn, "UN News", 9, "9")
        ids = insert_claims(conn, doc, [
            _figure(count="111", low=111, best=111, qualifier="exact", source="United Nations",
                    quote="The UN human rights office has documented the names of 111 victims so far."),
            _figure(victims_text="verified deaths", quote="", best=90, low=90),
            _figure(quote="At least 1,200 civilians were killed, the observatory said."),
        ], actor="tester")
        assert dict(conn.execute(select(claims.c.id, claims.c.named)).all()) == {ids[0]: True, ids[1]: True, ids[2]: False}
        # a claim written around the store without the flag: its sentence is fetched and read instead
        conn.execute(update(claims).where(claims.c.id == ids[0]).values(named=None))
    rows = {r["id"]: r for r in _rows(ws)}
    assert (rows[ids[0]]["named"], rows[ids[0]]["quote"]) == (None, "The UN human rights office has documented the "
                                                                      "names of 111 victims so far.")
    assert (rows[ids[1]]["named"], rows[ids[1]]["quote"]) == (True, None)  # kept: no sentence fetched
    with ws.connect() as conn:
        got = {c.id: c.named for c in ClaimRow.from_rows(*load_claim_rows(conn, **claim_filter(Scope())))}
    assert got == {ids[0]: True, ids[1]: True, ids[2]: False}


def test_migration_0003_backfills_named(tmp_path, monkeypatch):
    monkeypatch.delenv("TALLY_DATABASE_URL", raising=False)
    home = tmp_path / "ws"
    with _made_at(home, "0002") as conn:  # a workspace made before the flag
        for i, (victims_text, quote) in enumerate([(None, "Rights groups identified 40 of the dead by name."),
                                                   ("civilians", "At least 1,200 civilians were killed."),
                                                   (None, "")], start=1):
            conn.execute(text(
                "INSERT INTO claims (id, event, qualifier, low, best, victims, victims_text, places, admin1, pcodes, "
                "quote, start, \"end\", manual, status, sensitivity, created_at, created_by) VALUES (:id, 'killed', "
                "'exact', 40, 40, 'civilians', :vt, '[]', '[]', '[]', :quote, 0, 0, 0, 'active', 'public', "
                "'2025-03-08 00:00:00', 'tester')"), {"id": i, "vt": victims_text, "quote": quote})
    ws = Workspace.open(home, actor="tester")  # opening migrates
    try:
        with ws.connect() as conn:
            assert dict(conn.execute(select(claims.c.id, claims.c.named)).all()) == {1: True, 2: False, 3: False}
    finally:
        ws.close()
