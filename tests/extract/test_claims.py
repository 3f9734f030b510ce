"""End to end: claims of an article, headline repeats, non-English text, robustness on any input."""

from __future__ import annotations

import datetime as dt
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tally.extract.claims import extract_claims

PUB = dt.datetime(2025, 6, 11, 9, 30)


def test_extract_claims_fills_every_field_of_a_wire_report() -> None:
    text = ("KHARKIV, Ukraine (AFP) — A Russian glide bomb struck an apartment block in Kharkiv on Tuesday, "
            "killing four people and wounding 21 others, regional governor Oleh Syniehubov said.")
    r = extract_claims(text, published=PUB, outlet="Kyiv Ledger")
    k, i = r.claims
    assert (k.event, k.count, k.best, k.victims, k.source) == ("killed", "four", 4.0, "people", "Oleh Syniehubov")
    assert (i.event, i.count, i.victims_text) == ("injured", "21", "others")
    assert (k.admin1, k.country, k.date_from, k.date_to, k.cumulative) == (["UA-63"], "UA", dt.date(2025, 6, 10),
                                                                          dt.date(2025, 6, 10), False)
    assert k.perpetrator == "Russian" and text[k.start:k.end] == k.quote
    assert [s.name for s in r.sources] == ["Oleh Syniehubov"] and r.language == "en"


def test_extract_claims_reports_a_headline_figure_once_but_keeps_equal_numbers_apart() -> None:
    text = "# Shelling kills 5 in Kherson\n\nShelling killed 5 people in Kherson on Monday. Another 5 were wounded."
    claims = extract_claims(text, published=PUB, outlet="X", title="Shelling kills 5 in Kherson").claims
    assert [(c.event, c.count) for c in claims] == [("killed", "5"), ("injured", "5")]
    assert all(not c.quote.startswith("Shelling kills") for c in claims)


def test_the_same_period_is_the_last_period_not_an_asides_day() -> None:
    """"over the same period" refers to the main figure's period, not to a one-day aside between them."""
    text = ("The Syrian Network has documented the killing of at least 2,493 civilians in Aleppo countryside since "
            "the start of December. It said 37 people were killed on Tuesday.\n\nThe UN mission said it had verified "
            "1,113 civilian deaths over the same period, cautioning that the real figure was likely higher.")
    network, day, un = extract_claims(text, published=dt.datetime(2025, 1, 22, 16), outlet="X").claims
    assert (day.best, day.date_from, day.date_to) == (37, dt.date(2025, 1, 21), dt.date(2025, 1, 21))
    assert (un.best, un.date_from, un.date_to, un.cumulative) == (1113, network.date_from, network.date_to, True)
    assert network.date_from == dt.date(2024, 12, 1)


def test_a_parallel_count_takes_the_last_figures_period_and_places() -> None:
    """"has verified N" with neither date nor place of its own counts what the main figure counts."""
    text = ("Thousands of families fled Aleppo and Latakia to Turkey over the past three days.\n\n"
            "The number of civilians killed across Syria since the beginning of December has reached around "
            "5,000, the Levant Observatory said. It said 93 people were killed yesterday in Homs.\n\n"
            "The UN Human Rights Monitoring Mission has verified 3,729 civilian deaths, a spokesperson said.")
    claims = extract_claims(text, published=dt.datetime(2025, 1, 15, 18), outlet="X", country="SY").claims
    main, day, un = (c for c in claims if c.event == "killed")
    assert (day.best, day.date_from, day.admin1) == (93, dt.date(2025, 1, 14), ["SY-HI"])
    assert (un.best, un.date_from, un.date_to, un.cumulative) == (3729, dt.date(2024, 12, 1), main.date_to, True)
    assert (un.admin1, un.country) == (main.admin1, "SY")


def test_another_sources_own_count_is_not_a_continuation_of_an_aside() -> None:
    text = ("The Levant Observatory for Human Rights said on Saturday that 1,905 people had been killed in Aleppo "
            "since the beginning of December. Yesterday alone, 19 people were killed, the group said. The Syrian "
            "Network for Casualty Documentation, which keeps its own list of names, put the figure at 2,789.")
    main, day, own = extract_claims(text, published=dt.datetime(2025, 1, 25, 13), outlet="X", country="SY").claims
    assert (day.best, day.date_from, day.date_to) == (19, dt.date(2025, 1, 24), dt.date(2025, 1, 24))
    assert (own.best, own.source, own.date_from, own.date_to) == (2789, "Syrian Network for Casualty Documentation",
                                                                  main.date_from, main.date_to)
    assert own.admin1 == main.admin1 == ["SY-HL"]


def test_a_countrywide_figure_is_the_countrys_and_of_those_keeps_its_place() -> None:
    """"nationwide", "across the country" and "across Syria, most of them in Homs" are the country's
    figures, not the governorate named later; "Of those, N were civilians" is a part of the figure before."""
    pub = dt.datetime(2025, 2, 5, 9)
    for lead in ("The Levant Monitor said Tuesday was the deadliest day of the month, with 212 people killed nationwide.",
                 "Across the country, 212 people were killed on Tuesday, according to the Levant Monitor.",
                 "The Levant Monitor recorded 212 deaths across Syria on Tuesday, most of them in Hama."):
        text = f"{lead} Of those, 140 were civilians, the group said. In Hama alone, 61 people were killed, it said."
        whole, civilians, hama = extract_claims(text, published=pub, outlet="X", country="SY").claims
        assert (whole.best, whole.places, whole.admin1, whole.pcodes, whole.country) == (212, ["Syria"], [], [], "SY"), lead
        assert (civilians.best, civilians.victims, civilians.admin1, civilians.country) == (140, "civilians", [], "SY")
        assert (hama.best, hama.admin1) == (61, ["SY-HM"])
    # a place named before the cue is the figure's own: Hama's, the highest across the country
    text = "In Hama, 61 people were killed on Tuesday, the highest toll across the country, the Levant Monitor said."
    (hama,) = extract_claims(text, published=pub, outlet="X", country="SY").claims
    assert hama.admin1 == ["SY-HM"]
    # another country "across" a border is not this article's country
    text = "Shelling killed 9 people in Daraa on Tuesday, and 30 families fled across Jordan's border, officials said."
    assert extract_claims(text, published=pub, outlet="X", country="SY").claims[0].admin1 == ["SY-DR"]


def test_extract_claims_skips_non_english_text_with_a_note() -> None:
    fr = ("Une frappe russe a tué trois personnes et en a blessé huit autres dans la nuit à Odessa, a annoncé le "
          "gouverneur de la région. Les secours sont toujours sur place et la ville reste sous le choc.")
    r = extract_claims(fr, published=PUB, outlet="X")
    assert r.claims == [] and r.language == "fr" and "not English" in r.notes[0]
    ar = "قتل خمسة مدنيين وأصيب عشرة آخرون في قصف على مدينة إدلب يوم الثلاثاء، بحسب الدفاع المدني السوري."
    assert extract_claims(ar, published=PUB, outlet="X").language == "ar"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_extract_claims_never_crashes_on_any_unicode(text: str) -> None:
    r = extract_claims(text, published=PUB, outlet="X")
    for c in r.claims:
        assert 0 <= c.start <= c.end <= len(text)


_PIECES = st.sampled_from([
    "At least 12 people were killed", " and 30 wounded", ", the ministry said.", " on Tuesday", "..........",
    "(((((", "     ", "\n\n", "KYIV (AFP) — ", "1,000,000,000", "a dozen", "dozens of", "Idlib", ",,,,", "—",
    "the network said", "since March 6", "aged 3 and 9", "'s", "\"", "ages", "أ", "ж", "🙂",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=80))
def test_extract_claims_never_crashes_on_news_like_fragments(parts: list[str]) -> None:
    text = "".join(parts)
    extract_claims(text, published=PUB, outlet="X")


def test_extract_claims_is_linear_on_a_one_megabyte_article() -> None:
    """Work grows linearly: 1 MB costs about 20x what 50 kB costs (not 400x), whatever the text.

    Seconds are measured in bench/extract.py (a 1 MB article in under 2 s); this test only guards
    against super-linear behaviour, with a generous factor so that machine load cannot fail it.
    """
    para = ("Russian shelling killed at least 12 people, including three children, in Kharkiv on Tuesday, "
            "regional governor Oleh Syniehubov said. Another eight succumbed to their injuries.\n\n")
    for unit in (para, ".", "a", "1, ", "Idlib ", "( "):
        big = unit * (1_000_000 // len(unit))
        small = big[:50_000]
        t0 = time.process_time()
        extract_claims(small, published=PUB, outlet="X")
        t_small = max(time.process_time() - t0, 0.01)
        t0 = time.process_time()
        r = extract_claims(big, published=PUB, outlet="X")
        t_big = time.process_time() - t0
        assert not any("only the first" in n for n in r.notes)  # the whole megabyte was read
        assert t_big < 80 * t_small, (unit, t_small, t_big)


_FOREIGN = st.sampled_from([
    "le", "la", "les", "des", "et", "est", "une", "personnes", "ont", "été", "tuées", "dans", "frappe", "12", "mardi",
    "el", "los", "de", "que", "murieron", "personas", "en", "ataque", "der", "die", "und", "wurden", "getötet",
    "قتل", "خمسة", "مدنيين", "في", "قصف", "загинули", "люди", "внаслідок", "обстрілу",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(_FOREIGN, min_size=25, max_size=120))
def test_extract_claims_skips_non_english_text(words: list[str]) -> None:
    r = extract_claims(" ".join(words) + ".", published=PUB, outlet="X")
    assert r.claims == [] and r.language != "en" and r.notes
