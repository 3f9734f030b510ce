"""Flags for reading: all when few, grouped by kind with the rest counted when many."""

from __future__ import annotations

import json

from markupsafe import escape
from typer.testing import CliRunner

from tally.cli import app
from tally.core.flags import flag_kind, summarise_flags
from tally.pipeline import add_manual_claim, init_workspace, open_workspace, run_report
from tally.reconcile.scope import default_places


def _many() -> list[str]:
    # as R5 and the toll write them, one or two per cluster of a country-wide toll
    flags = []
    for i in range(40):
        flags.append(f"no single source covers all of civilians killed in District {i} (2025-03-0{i % 9 + 1} to "
                     f"2025-03-0{i % 9 + 1}) (3 sources): Agency {i}'s {i + 5} taken as low and best, high the sum of all")
        flags.append(f"category mismatch: Agency {i} gives {i + 2} for children killed in District {i}, above "
                     f"Agency {i + 1}'s {i + 1} for civilians killed in District {i}")
    flags += [f"figures more than an order of magnitude apart ({k}x) among Agency 1, Agency 2" for k in (11, 14)]
    flags += ["Levant Observatory's figure 1,200 is below the 1,383 named victims documented in scope",
              "Rescuers' figure 12 for a wider scope (2025-03-08) is below this scope's low 20",
              "correction: Agency 3 lowered its figure from 5,025 (2025-01-02) to 5,015 (2025-01-09)",
              "7 claim(s) discounted"]
    return flags


def test_few_flags_are_shown_as_they_are():
    flags = _many()[:12]
    [group] = summarise_flags(flags)
    assert group.shown == flags and group.more == 0
    assert summarise_flags([]) == []


def test_many_flags_are_grouped_by_kind_and_nothing_is_lost():
    flags = _many()
    groups = summarise_flags(flags, each=3)
    assert [g.kind for g in groups] == [
        "no single source covers all", "category mismatch", "figures more than an order of magnitude apart",
        "a source's figure below the named victims", "a wider figure below this scope's low", "correction",
        "7 claim(s) discounted"]
    assert [(len(g.shown), g.more) for g in groups] == [(3, 37), (3, 37), (2, 0), (1, 0), (1, 0), (1, 0), (1, 0)]
    assert sum(len(g.shown) + g.more for g in groups) == len(flags)
    for g in groups:
        assert all(flag_kind(f) == g.kind for f in g.shown)


def test_the_table_summarises_and_the_json_keeps_every_flag(tmp_path):
    # in each of 16 districts, one source's 5 civilians and another's 7 children killed that day:
    # a part above its whole, flagged once per district
    pl = default_places()
    districts = [d for g in ("ocha:SY02", "ocha:SY07", "ocha:SY04") for d in pl.children(g, "admin2")][:16]
    home = tmp_path / "ws"
    ws = init_workspace(home, actor="tester")
    for d in districts:
        add_manual_claim(ws, source="Field team", count=5, victims="civilians", where=[d], date_from="2025-03-06",
                         date_to="2025-03-06", cumulative=False)
        add_manual_claim(ws, source="Rescuers", count=7, victims="children", where=[d], date_from="2025-03-06",
                         date_to="2025-03-06", cumulative=False)
    ws.close()
    runner = CliRunner()
    out = runner.invoke(app, ["--workspace", str(home), "tolls", "--where", "Syria", "--json"], catch_exceptions=False)
    [toll] = json.loads(out.stdout)
    mismatches = [f for f in toll["flags"] if f.startswith("category mismatch: Rescuers gives 7")]
    assert len(mismatches) == 16 and len(toll["flags"]) > 12  # the JSON keeps every flag
    table = runner.invoke(app, ["--workspace", str(home), "tolls", "--where", "Syria"], catch_exceptions=False)
    text = " ".join(table.stdout.split())
    assert "… and 13 more “category mismatch” flags (--json lists them all)" in text
    assert sum(m in text for m in mismatches) == 3
    # the report shows its headline toll's flags the same way
    ws = open_workspace(home)
    html = run_report(ws, tmp_path / "r.html").read_text(encoding="utf-8")
    ws.close()
    assert "… and 13 more “category mismatch” flags (the tolls export lists them all)" in html
    assert sum(str(escape(m)) in html for m in mismatches) == 3
