"""Articles and their gold claims: quotes, offsets, interpretations, sources and dates."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.core.quantities import interpret, parse_number
from tally.simulate import SimulationResult, article_body
from tally.simulate.news import LOCAL_SOURCES
from tally.simulate.newsroom import Draft


def _articles(small: SimulationResult) -> list[tuple[str, dict, list[dict]]]:
    out = []
    for line in (small.out / "truth" / "claims.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = (small.out / row["file"]).read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n")[1])
        out.append((article_body(text), front, row["claims"]))
    return out


def test_claim_quotes_are_at_their_offsets(small: SimulationResult) -> None:
    n = 0
    for body, _, claims in _articles(small):
        for c in claims:
            assert body[c["start"]:c["end"]] == c["quote"]
            n += 1
    assert n >= 30


def test_body_starts_after_front_matter(small: SimulationResult) -> None:
    for body, _, _ in _articles(small):
        assert body and not body.startswith("\n") and not body.startswith("---")


def test_claim_numbers_occur_in_quotes(small: SimulationResult) -> None:
    for _, _, claims in _articles(small):
        for c in claims:
            if c["count"] is None:
                assert c["qualifier"] == "vague" and c["vague_word"].lower() in c["quote"].lower()
            else:
                assert c["count"] in c["quote"]
                assert parse_number(c["count"]) > 0
            assert (c["low"], c["high"], c["best"]) == interpret(c["count"], c["qualifier"], c["vague_word"])


def test_claim_sources_are_known(small: SimulationResult) -> None:
    sources = pd.read_csv(small.out / "truth" / "sources.csv")
    known = set(sources.name) | set(LOCAL_SOURCES) | {None}
    seen = set()
    for _, _, claims in _articles(small):
        for c in claims:
            assert c["source"] in known
            seen.add(c["source"])
    assert seen & set(small.lists)  # the lists' organisations are cited by name


def test_claim_dates_precede_publication(small: SimulationResult) -> None:
    for _, front, claims in _articles(small):
        published = front["published"]
        pub = published.date() if isinstance(published, dt.datetime) else dt.date.fromisoformat(str(published)[:10])
        for c in claims:
            assert c["date_from"] <= c["date_to"] <= pub.isoformat()
            assert all(code.startswith("SY") and ":" not in code for code in c["pcodes"])
            assert all(code.startswith("SY-") for code in c["admin1"])


def test_articles_mix_numbers_that_are_not_claims(small: SimulationResult) -> None:
    import re

    outside = 0
    for body, _, claims in _articles(small):
        spans = [(c["start"], c["end"]) for c in claims]
        for m in re.finditer(r"\d+", body):
            if not any(s <= m.start() < e for s, e in spans):
                outside += 1
    assert outside >= 20


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.text(min_size=1, max_size=40).map(lambda s: s.replace("\n", " ")), st.booleans()),
                         min_size=1, max_size=4), min_size=1, max_size=4))
def test_draft_offsets_hold_for_any_sentences(paragraphs: list[list[tuple[str, bool]]]) -> None:
    d = Draft()
    for para in paragraphs:
        d.para()
        for sentence, has_claim in para:
            claims = [{"event": "killed", "count": "3", "qualifier": "exact", "victims": "people"}] if has_claim else []
            d.say(sentence, *claims)
    body, claims = d.render()
    assert all(body[c.start:c.end] == c.quote for c in claims)
    assert len(claims) == sum(h for p in paragraphs for _, h in p)


def test_list_vocabularies_follow_the_contract(small: SimulationResult) -> None:
    from .conftest import column, read_list

    sexes = {"male", "female", "M", "F", "ذكر", "أنثى", ""}
    statuses = {"civilian", "security forces", "fighter", "مدني", "عسكري", "مقاتل", ""}
    for name in small.lists:
        rows = read_list(small.out, name)
        assert set(column(rows, "sex")) <= sexes
        assert set(column(rows, "status")) <= statuses
