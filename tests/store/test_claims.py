"""Claims in the workspace: run_extract stores them with their sources, once per document."""

from __future__ import annotations

from pathlib import Path

from tally.pipeline import list_claims, run_extract, run_ingest, verify_audit

GOLD = Path(__file__).resolve().parents[1] / "extract" / "gold"


def test_run_extract_stores_claims_and_sources_once(ws) -> None:
    run_ingest(ws, [GOLD / "dev" / "d01-sy-coast.md", GOLD / "dev" / "d21-cd-es.md"])
    report = run_extract(ws)
    assert report.documents == 2 and report.claims >= 2 and len(report.skipped) == 1
    claims = list_claims(ws)
    assert len(claims) == report.claims
    assert {c["source"] for c in claims} == {"Syrian Observatory for Human Rights"}
    assert claims[0]["admin1"] == ["SY-LA", "SY-TA"] and claims[0]["date_from"] == "2025-03-06"
    assert claims[0]["count"] == "1,000" and claims[0]["qualifier"] == "more_than"
    assert run_extract(ws).documents == 0  # already extracted
    again = run_extract(ws, again=True)
    assert again.documents == 2 and len(list_claims(ws)) == again.claims == report.claims  # replaced, not doubled
    # Re-extraction replaces the claims (new ids on PostgreSQL, reused ones on SQLite): compare content.
    def content(rows):
        return [{k: v for k, v in r.items() if k != "id"} for r in rows]

    assert content(list_claims(ws, event="killed")) == content(claims)
    assert verify_audit(ws).ok


def test_run_extract_remembers_proper_aliases_only(ws) -> None:
    from tally.store.sources import list_sources

    run_ingest(ws, [GOLD / "dev" / "d06-mm-rakhine.md", GOLD / "dev" / "d01-sy-coast.md"])
    run_extract(ws)
    with ws.connect() as conn:
        by_name = {s["name"]: s["aliases"] for s in list_sources(conn)}
    assert by_name["UN Office for the Coordination of Humanitarian Affairs"] == ["OCHA"]
    assert by_name["Syrian Observatory for Human Rights"] == []  # not "the monitor": that is one article's wording


def test_villages_the_gazetteer_lacks_keep_the_names_reports_give_them(ws) -> None:
    """A village's code is stored with its claim; tolls name it as the reports most often write it
    (``tally.store.claims.locality_names``, a JSON text match that must hold on SQLite and PostgreSQL)."""
    from tally.pipeline import add_manual_claim, run_tolls
    from tally.reconcile.scope import Scope, default_places
    from tally.store.claims import locality_names

    day = dict(victims="civilians", date_from="2025-01-21", date_to="2025-01-21", reported_at="2025-01-21")
    add_manual_claim(ws, source="Rescuers", count=7, where=["Raqqa/Ain Zita"], **day)
    add_manual_claim(ws, source="Civil defence", count=9, where=["Raqqa/Ain Zita"], **day)
    add_manual_claim(ws, source="Medical sources", count=31, where=["Raqqa/Tell al-Gharbi"], **day)
    with ws.connect() as conn:
        names = locality_names(conn)
    assert names == {"ocha:SY11/ain-zt": "Ain Zita", "ocha:SY11/tell-ghrb": "Tell al-Gharbi"}
    [toll] = run_tolls(ws, Scope.build(["Raqqa"], victims="civilians"))
    assert (toll.reported_low, toll.reported_high) == (38, 40)  # Ain Zita 7–9, Tell al-Gharbi 31
    assert default_places().name("ocha:SY11/tell-ghrb") == "Tell al-Gharbi"


def test_extracting_again_keeps_a_rejection(ws, tmp_path) -> None:
    """A reviewer's rejection is not undone by extracting the document again (on SQLite and PostgreSQL)."""
    from tally.pipeline import reject_claim, run_tolls
    from tally.reconcile.scope import Scope
    from tally.store import audit
    from tally.store.claims import claim_rows

    article = tmp_path / "day2.md"
    article.write_text("---\nsource: Levant Observatory for Human Rights\npublished: 2025-03-10\n---\n"
                       "The observatory said 1,383 civilians have been killed in Latakia since 6 March. "
                       "Separately, 12 civilians were killed in Homs on Sunday, the observatory said.\n",
                       encoding="utf-8")
    run_ingest(ws, [article], country="SY")
    run_extract(ws)
    [misread] = [c for c in list_claims(ws) if c["count"] == "1,383"]
    reject_claim(ws, misread["id"], "the figure is Homs and Latakia together")
    was = misread["id"]
    for _ in range(2):
        assert run_extract(ws, again=True).claims == 2
        with ws.connect() as conn:
            rows = {r["count_text"]: r for r in claim_rows(conn, status=None)}
            [kept] = [e["details"]["rejections_kept"] for e in conn.execute(audit.audit_events.select()).mappings()
                      if e["action"] == "extract" and "rejections_kept" in e["details"]][-1:]
        assert len(rows) == 2 and rows["12"]["status"] == "active"
        assert (rows["1,383"]["status"], rows["1,383"]["status_reason"]) == (
            "rejected", "the figure is Homs and Latakia together")
        assert kept == [{"claim": was, "why": "the figure is Homs and Latakia together"}]  # audited, by the old id
        was = rows["1,383"]["id"]
    [toll] = run_tolls(ws, Scope.build(["Latakia"], "2025-03-06", None, victims="civilians"))
    assert toll.best is None and [d["reason"] for d in toll.discounted] == [
        "rejected: the figure is Homs and Latakia together"]
    assert verify_audit(ws).ok


def test_a_claim_is_as_sensitive_as_what_it_came_from(ws, tmp_path) -> None:
    import pytest

    from tally.core.errors import InputError
    from sqlalchemy import select

    from tally.pipeline import add_manual_claim
    from tally.store.schema import claims

    article = tmp_path / "testimony.md"
    article.write_text("---\nsource: Field team\npublished: 2025-03-10\nsensitivity: protected\n---\n"
                       "The witness said 14 civilians were killed in Baniyas on Friday.\n", encoding="utf-8")
    run_ingest(ws, [article], country="SY")
    run_extract(ws)
    run_extract(ws, again=True)
    call = add_manual_claim(ws, source="Field team", count=9, where=["Jablah"], note="phone call with a nurse",
                            sensitivity="restricted")
    with ws.connect() as conn:
        got = {r.id: (r.count_text, r.sensitivity) for r in conn.execute(select(claims.c.id, claims.c.count_text,
                                                                                 claims.c.sensitivity))}
    assert sorted(got.values()) == [("14", "protected"), ("9", "restricted")] and got[call] == ("9", "restricted")
    with pytest.raises(InputError, match="--sensitivity 'secret'"):
        add_manual_claim(ws, source="Field team", count=9, sensitivity="secret")
