"""Grades: each rule of GRADE_RULE, first that applies."""

from __future__ import annotations

from tally.reconcile.grade import GRADE_RULE, GRADES, Evidence, grade


def _ev(**kw):
    base = dict(active=1, discounted=0, sources=("A",), corroborated_clusters=0, clusters=1, max_ratio=1.0)
    return Evidence(**{**base, **kw})


def test_grade_discounted_when_nothing_stands():
    assert grade(_ev(active=0, discounted=2, sources=(), clusters=0))[0] == "discounted"
    assert grade(_ev(active=0, discounted=2, sources=(), clusters=0, documented=3))[0] == "confirmed"


def test_grade_contested_beyond_the_ratio():
    g, why = grade(_ev(sources=("A", "B"), corroborated_clusters=1, max_ratio=3.0, contested_between=("A", "B")))
    assert g == "contested" and "3.0x" in why


def test_grade_confirmed_by_two_sources_or_named_victims():
    assert grade(_ev(sources=("A", "B"), corroborated_clusters=1))[0] == "confirmed"
    assert grade(_ev(documented=5))[0] == "confirmed"


def test_grade_fair_when_partly_corroborated_or_inside_estimate():
    assert grade(_ev(sources=("A", "B"), corroborated_clusters=1, clusters=2))[0] == "fair"
    assert grade(_ev(estimate_contains_best=True))[0] == "fair"


def test_grade_weak_for_a_single_source():
    g, why = grade(_ev())
    assert g == "weak" and "single source (A)" in why


def test_grade_rule_names_every_grade():
    assert all(g in GRADE_RULE for g in GRADES)
