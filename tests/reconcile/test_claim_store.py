"""Store side: inserting, loading, rejecting claims; documented counts; matching estimates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, update

from tally.core.errors import InputError, NotFoundError
from tally.core.models import Claim
from tally.pipeline import add_manual_claim, record_claims, reject_claim, restore_claim, run_tolls
from tally.reconcile.scope import Scope, claim_filter
from tally.store import audit
from tally.store.claims import claim_rows, get_claim, insert_claims, load_claims
from tally.store.documents import insert_document, insert_records
from tally.store.schema import claims, estimates, link_runs, persons, victim_records
from tally.store.scopes import documented_count, latest_estimate
from tally.store.sources import get_or_create

D = dt.date
UTC = dt.UTC


def _doc(conn, name="Coast TV", published=dt.datetime(2025, 3, 8, tzinfo=UTC), sha="a" * 64):
    sid = get_or_create(conn, name, kind="outlet")
    now = dt.datetime.now(UTC)
    return insert_document(conn, {"sha256": sha, "kind": "article", "media_type": "text/markdown", "size": 1,
                                  "outlet": name, "published": published, "source_id": sid, "text": "…", "meta": {},
                                  "ingested_at": now, "ingested_by": "tester"})


def test_insert_claims_files_attributed_claims_under_their_source(ws):
    with ws.begin() as conn:
        doc = _doc(conn)
        ids = insert_claims(conn, doc, [
            Claim(event="killed", count="1,200", qualifier="at_least", low=1200, best=1200, victims="civilians",
                  source="Levant Observatory", pcodes=["ocha:SY06"], date_from=D(2025, 3, 6), cumulative=True),
            Claim(event="killed", count="230", qualifier="about", low=230, high=230, best=230, victims="security_forces",
                  pcodes=["ocha:SY06"]),
        ], actor="tester")
    with ws.connect() as conn:
        a, b = get_claim(conn, ids[0]), get_claim(conn, ids[1])
    assert a["source_name"] == "Levant Observatory" and a["source_text"] == "Levant Observatory"
    assert b["source_name"] == "Coast TV" and b["source_text"] is None
    assert a["reported_at"] is not None and a["outlet"] == "Coast TV" and a["count_text"] == "1,200"


def test_load_claims_prefilters_by_place_period_and_category(ws):
    with ws.begin() as conn:
        doc = _doc(conn)
        mk = lambda **kw: Claim(event="killed", count="5", low=5, high=5, best=5, **kw)  # noqa: E731
        insert_claims(conn, doc, [
            mk(victims="civilians", pcodes=["ocha:SY0602"], date_from=D(2025, 3, 7)),   # district of Latakia
            mk(victims="civilians", pcodes=["ocha:SY07"], date_from=D(2025, 3, 7)),     # Idlib: out
            mk(victims="fighters", pcodes=["ocha:SY06"], date_from=D(2025, 3, 7)),      # fighters: out
            mk(victims="people", country="SY", date_from=D(2025, 3, 1)),                 # country-wide: bounds
            mk(victims="civilians", admin1=["iso:SY-LA"], date_from=D(2025, 3, 7)),     # ISO code of Latakia
            mk(victims="civilians", pcodes=["ocha:SY06"], date_from=D(2025, 2, 1), date_to=D(2025, 2, 2)),  # before
        ], actor="tester")
    scope = Scope(places=("ocha:SY06",), date_from=D(2025, 3, 6), victims="civilians")
    with ws.connect() as conn:
        got = load_claims(conn, **claim_filter(scope))
    assert sorted((r["victims"], tuple(r["pcodes"]), tuple(r["admin1"])) for r in got) == [
        ("civilians", (), ("iso:SY-LA",)), ("civilians", ("ocha:SY0602",), ()), ("people", (), ())]


def test_manual_claim_and_reject_are_audited_and_discounted(ws):
    cid = add_manual_claim(ws, source="Field team", count=12, qualifier="exact", victims="civilians",
                           where=["Jablah"], date_from="2025-03-07", date_to="2025-03-07", note="phone call",
                           reported_at="2025-03-07")
    scope = Scope.build(["Latakia"], "2025-03-06", None, victims="civilians")
    [t] = run_tolls(ws, scope)
    assert t.best == 12 and t.sources[0]["manual"] and t.grade == "weak"
    reject_claim(ws, cid, "the caller retracted it")
    [t] = run_tolls(ws, scope)
    assert t.best is None and t.grade == "discounted"
    assert t.discounted == [{"claim_id": cid, "reason": "rejected: the caller retracted it"}]
    with ws.connect() as conn:
        assert audit.verify(conn).ok
        assert [r["status"] for r in claim_rows(conn)] == ["rejected"]
        log = [r for r in conn.execute(audit.audit_events.select()).mappings()]
    assert [e["action"] for e in log][-2:] == ["claim.add", "claim.reject"]
    with pytest.raises(InputError):
        reject_claim(ws, cid, " ")
    with pytest.raises(NotFoundError):
        reject_claim(ws, 999, "no such claim")


def test_a_rejection_made_in_error_is_undone_and_the_relays_group_again(ws):
    """On SQLite and PostgreSQL: a restored claim is counted again, with its relays, and both steps are audited."""
    day = dict(source="Field team", count=12, qualifier="exact", victims="civilians", where=["Jablah"],
               date_from="2025-03-07", date_to="2025-03-07", reported_at="2025-03-07")
    first, relay = add_manual_claim(ws, **day), add_manual_claim(ws, **day)
    scope = Scope.build(["Latakia"], "2025-03-06", None, victims="civilians")
    [before] = run_tolls(ws, scope)
    assert before.best == 12 and before.sources[0]["reports"] == 2
    with ws.connect() as conn:
        keys = {r["id"]: r["relay_key"] for r in conn.execute(claims.select()).mappings()}
    reject_claim(ws, first, "typed into the wrong village")
    [t] = run_tolls(ws, scope)
    assert t.best == 12 and t.sources[0]["reports"] == 1 and [d["claim_id"] for d in t.discounted] == [first]
    restore_claim(ws, first, "it was the right village after all")
    [after] = run_tolls(ws, scope)
    assert after.to_dict() == before.to_dict()
    with ws.connect() as conn:
        assert {r["id"]: r["relay_key"] for r in conn.execute(claims.select()).mappings()} == keys
        assert [r["status_reason"] for r in claim_rows(conn)] == [None, None]
        assert audit.verify(conn).ok
        log = [r for r in conn.execute(audit.audit_events.select()).mappings()]
    assert [e["action"] for e in log][-2:] == ["claim.reject", "claim.restore"]
    with pytest.raises(InputError, match=f"claim {relay} is not rejected"):
        restore_claim(ws, relay, "it was never rejected")
    with pytest.raises(InputError, match="say why the claim is restored"):
        restore_claim(ws, first, "")
    with pytest.raises(NotFoundError):
        restore_claim(ws, 999, "no such claim")


def _records(conn, rows, source="UN"):
    sid = get_or_create(conn, source, kind="organisation")
    now = dt.datetime.now(UTC)
    doc = insert_document(conn, {"sha256": (source * 64)[:64], "kind": "victims", "media_type": "text/csv", "size": 1,
                                 "source_id": sid, "meta": {}, "ingested_at": now, "ingested_by": "tester"})
    insert_records(conn, [{"document_id": doc, "source_id": sid, "record_id": str(i), "row": i + 2, "name": name,
                           "status": status, "sex": sex, "age": age, "date_of_death": day,
                           "governorate_code": gov, "extra": {}}
                          for i, (name, status, sex, age, day, gov) in enumerate(rows)])


def test_documented_count_counts_persons_or_records_and_says_which(ws):
    rows = [("Ali Hassan", "civilian", "male", 40, D(2025, 3, 7), "ocha:SY06"),
            ("Ali Hasan", "civilian", "male", 40, D(2025, 3, 7), "ocha:SY06"),
            ("Huda Saleh", "civilian", "female", 9, D(2025, 3, 8), "ocha:SY10"),
            (None, "civilian", "male", None, D(2025, 3, 8), "ocha:SY06"),
            ("Omar Ziad", "fighter", "male", 25, D(2025, 3, 8), "ocha:SY06")]
    with ws.begin() as conn:
        _records(conn, rows)
    coast = Scope(places=("ocha:SY06", "ocha:SY10"), date_from=D(2025, 3, 6), victims="civilians")
    with ws.connect() as conn:
        d = documented_count(conn, coast)
        assert (d.count, d.persons) == (3, False) and "no linkage has run" in d.note
        assert documented_count(conn, coast.with_(victims="children")).count == 1
        assert documented_count(conn, coast.with_(victims="all")).count == 4
    with ws.begin() as conn:
        run = conn.execute(insert(link_runs).values(created_at=dt.datetime.now(UTC), created_by="t", engine="x",
                                                    spec={})).inserted_primary_key[0]
        pid = conn.execute(insert(persons).values(link_run_id=run)).inserted_primary_key[0]
        conn.execute(update(victim_records).where(victim_records.c.name.like("Ali%")).values(person_id=pid))
        for i, rid in enumerate(conn.execute(victim_records.select().where(victim_records.c.person_id.is_(None)))
                                .mappings()):
            p = conn.execute(insert(persons).values(link_run_id=run)).inserted_primary_key[0]
            conn.execute(update(victim_records).where(victim_records.c.id == rid["id"]).values(person_id=p))
    with ws.connect() as conn:
        d = documented_count(conn, coast)
    assert (d.count, d.persons, d.note) == (2, True, None)


def test_documented_unknown_status_counts_persons_no_list_gives_a_status(ws):
    """One list's civilian whom another list records without a status is a civilian, not also one of
    the unknown: the categories' documented counts then add up to the persons."""
    rows = [("Ali Hassan", "civilian", "male", 40, D(2025, 3, 7), "ocha:SY06"),
            ("Ali Hasan", "unknown", "male", 40, D(2025, 3, 7), "ocha:SY06"),
            ("Rami Daher", "unknown", "male", 30, D(2025, 3, 7), "ocha:SY06"),
            ("Sami Nour", "unknown", "male", 22, D(2025, 3, 7), "ocha:SY06")]  # not linked: a record of its own
    with ws.begin() as conn:
        _records(conn, rows)
        run = conn.execute(insert(link_runs).values(created_at=dt.datetime.now(UTC), created_by="t", engine="x",
                                                    spec={})).inserted_primary_key[0]
        for names in (("Ali Hassan", "Ali Hasan"), ("Rami Daher",)):
            pid = conn.execute(insert(persons).values(link_run_id=run)).inserted_primary_key[0]
            conn.execute(update(victim_records).where(victim_records.c.name.in_(names)).values(person_id=pid))
    scope = Scope(places=("ocha:SY06",))
    with ws.connect() as conn:
        counts = {v: documented_count(conn, scope.with_(victims=v)).count for v in ("all", "civilians", "unknown")}
    assert counts == {"all": 3, "civilians": 1, "unknown": 2}


def test_latest_estimate_matches_the_exact_stratum(ws):
    res = {"method": "dga", "lists": ["a", "b", "c"], "observed": 900, "estimate": 1500.0, "lower": 1200.0,
           "upper": 2100.0, "level": 0.95, "details": {}, "warnings": []}
    with ws.begin() as conn:
        for stratum in ({"governorate": "ocha:SY06"}, {"where": ["SY06", "SY10"], "from": "2025-03-06",
                                                       "victims": "civilians"}):
            conn.execute(insert(estimates).values(created_at=dt.datetime.now(UTC), created_by="t", method="dga",
                                                  stratum=stratum, spec={}, result=res))
    from tally.reconcile.scope import default_places

    canon = default_places().canonical
    with ws.connect() as conn:
        assert latest_estimate(conn, Scope(places=("ocha:SY06",)), canon)["estimate"] == 1500.0
        assert latest_estimate(conn, Scope(places=("ocha:SY06", "ocha:SY10"), date_from=D(2025, 3, 6),
                                           victims="civilians"), canon)["id"] == 2
        assert latest_estimate(conn, Scope(places=("ocha:SY06",), victims="civilians"), canon) is None


def test_record_claims_marks_the_document_extracted_and_audits(ws):
    with ws.begin() as conn:
        doc = _doc(conn)
    ids = record_claims(ws, doc, [Claim(event="killed", count="3", low=3, high=3, best=3, pcodes=["ocha:SY06"])])
    with ws.connect() as conn:
        assert get_claim(conn, ids[0])["document_id"] == doc
        assert audit.verify(conn).ok


def test_a_range_is_one_claim_and_its_toll_is_the_range(ws, tmp_path):
    """"Between 1,200 and 1,500 civilians" was two claims, 1,200 people and 1,500 civilians, and the toll of
    civilians (1,500) came out above the toll of everyone (1,200)."""
    from tally.pipeline import run_extract, run_ingest

    article = tmp_path / "estimate.md"
    article.write_text("---\nsource: Rights Watch Levant\npublished: 2025-03-12\n---\n"
                       "Rights groups estimate that between 1,200 and 1,500 civilians were killed in Latakia and "
                       "Tartus since 6 March.\n", encoding="utf-8")
    run_ingest(ws, [article], country="SY")
    assert run_extract(ws).claims == 1
    for victims in ("all", "civilians"):
        [t] = run_tolls(ws, Scope.build(["Latakia", "Tartus"], victims=victims))
        assert (t.reported_low, t.best, t.reported_high) == (1200, 1200, 1500), victims


def test_a_typed_figure_reads_as_an_extracted_one(ws):
    cid = add_manual_claim(ws, source="Field team", count=1_200_000, event="displaced", qualifier="more_than")
    with ws.connect() as conn:
        [row] = [r for r in claim_rows(conn) if r["id"] == cid]
    from tally.core.quantities import interpret

    assert row["count_text"] == "1200000"  # not "1.2e+06"
    assert (row["low"], row["high"], row["best"]) == interpret("1200000", "more_than") == (1_200_001, None, 1_200_000)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_documented_counts_of_groups_equal_each_groups_own_count(ws, seed):
    """On SQLite and PostgreSQL: the groups of a --by governorate, district or day are counted in one
    grouped query; each group's count and note are those its own query gives, whatever the records
    (linked or not, nameless, of several statuses, without a country, outside every group)."""
    import random

    from tally.reconcile.scope import default_places
    from tally.store.scopes import documented_counts

    rng = random.Random(seed)
    pl = default_places()
    govs = ["ocha:SY06", "ocha:SY10", "ocha:SY04"]
    dists = {g: pl.children(g, "admin2")[:3] for g in govs}
    days = [D(2025, 3, 5) + dt.timedelta(days=k) for k in range(6)]
    rows = []
    for i in range(60):
        g = rng.choice(govs)
        rows.append((rng.choice([f"Person {i}", f"Person {i}", None, ""]), rng.choice(["civilian", "fighter", "unknown", "security_forces"]),
                     rng.choice(["male", "female", "unknown"]), rng.choice([None, 9, 30]), rng.choice([*days, None]), g,
                     rng.choice([*dists[g], None]), rng.choice(["SY", None])))
    with ws.begin() as conn:
        sid = get_or_create(conn, "UN", kind="organisation")
        doc = insert_document(conn, {"sha256": "u" * 64, "kind": "victims", "media_type": "text/csv", "size": 1,
                                     "source_id": sid, "meta": {}, "ingested_at": dt.datetime.now(UTC),
                                     "ingested_by": "tester"})
        insert_records(conn, [{"document_id": doc, "source_id": sid, "record_id": str(i), "row": i + 2, "name": name,
                               "status": status, "sex": sex, "age": age, "date_of_death": day, "governorate_code": gov,
                               "district_code": dist, "country": country, "extra": {}}
                              for i, (name, status, sex, age, day, gov, dist, country) in enumerate(rows)])
        if seed > 1:  # linked: some persons on two records, some records left unlinked
            run = conn.execute(insert(link_runs).values(created_at=dt.datetime.now(UTC), created_by="t", engine="x",
                                                        spec={})).inserted_primary_key[0]
            ids = [r.id for r in conn.execute(victim_records.select())]
            rng.shuffle(ids)
            for a, b in zip(ids[:20:2], ids[1:20:2], strict=True):
                pid = conn.execute(insert(persons).values(link_run_id=run)).inserted_primary_key[0]
                conn.execute(update(victim_records).where(victim_records.c.id.in_([a, b] if seed == 2 else [a]))
                             .values(person_id=pid))
    groupings = []
    for victims in ("all", "civilians", "women", "children", "unknown", "fighters"):
        for when in ((None, None), (days[1], days[4])):
            groupings.append([Scope(places=(g,), date_from=when[0], date_to=when[1], victims=victims) for g in govs])
            groupings.append([Scope(places=(d,), date_from=when[0], date_to=when[1], victims=victims)
                              for g in govs for d in dists[g]])
        for where in ((), ("iso:SY",), ("ocha:SY06",), (dists["ocha:SY10"][0],)):
            groupings.append([Scope(places=where, date_from=d, date_to=d, victims=victims) for d in days])
        groupings.append([Scope(places=("iso:SY",), victims=victims), Scope(places=("ocha:SY06",), victims=victims)])
    groupings.append([Scope(places=("iso:SY",), victims=v) for v in ("civilians", "fighters", "unknown")])
    groupings.append([Scope(places=("ocha:SY06",), event="injured"), Scope(places=("ocha:SY10",))])
    counted = 0
    with ws.connect() as conn:
        for scopes in groupings:
            got = documented_counts(conn, scopes)
            assert got == [documented_count(conn, s) for s in scopes], scopes
            counted += sum(d.count for d in got)
    assert counted > 100
