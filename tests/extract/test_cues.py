"""The cheap pre-tests never turn away a sentence that the costly pattern would match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.extract import claims, dates, events, numbers, perpetrators, places, sources
from tally.extract.cues import folded, may_hold
from tally.extract.sentences import split_sentences

_GOLD = Path(__file__).parent / "gold"
_WORDS = st.sampled_from(
    "according to by the count of citing figures from said since so far to date in total a total of totalled overall toll "
    "cumulative altogether all told throughout war tally running remained this year past weeks over last documented "
    "have been killed during month in March same period separate own put later raised verified confirmed a second group "
    "rose territory strip country nationwide across Russian forces struck army junta air force shelling killed hit "
    "wounded by at least more than about nearly up to as many as approx. under aged in 2023 no. route $ - "
    "ſince İn ın ACCORDING Citing K , . 12 Syrian Observatory's figures put figure set fire burned down raising "
    "bringing death toll reached passed has verified recorded counts among dead were was twenty-three a dozen "
    "thirteen hundreds of thousands a handful a few tens".split())


def _gates() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    return [(sources._ACCORDING, sources._ACCORDING_WORDS), (dates._CUMULATIVE, dates._CUMULATIVE_WORDS),
            (dates._WEAK_CUMULATIVE, dates._WEAK_CUMULATIVE_WORDS), (dates._COMPARISON, ("since",)),
            (claims._SAME_PERIOD, claims._SAME_PERIOD_WORDS), (claims._AREA_WIDE, claims._AREA_WIDE_WORDS),
            (claims._SINCE, ("since",)), (perpetrators._BY, ("by",)), (perpetrators._SUBJ, perpetrators._VERB_WORDS),
            (perpetrators._BARE, perpetrators._BARE_WORDS)]


def _holds(rx: re.Pattern[str], words: tuple[str, ...], s: str) -> bool:
    return may_hold(s, words) if rx.flags & re.IGNORECASE else any(w in s for w in words)


def _ends_ok(s: str, ends: tuple[str, ...]) -> bool:
    end = folded(s.rstrip())
    return end is None or end.endswith(ends)


def _check(s: str, monkeypatch: pytest.MonkeyPatch | None = None) -> None:
    for rx, words in _gates():
        if rx.search(s):
            assert _holds(rx, words, s), (rx.pattern[:40], s)
    if numbers._NUMBER.search(s):  # extract_claims asks find_quantities without this pre-test
        assert claims._HAS_DIGIT_OR_WORD.search(s), s
    for k in range(len(s) + 1):
        before = s[:k]
        if numbers._QUAL_RE.search(before[-30:]):
            assert _ends_ok(before[-30:], numbers._QUAL_ENDS) and before[-30:].rstrip() != before[-30:], before
        if numbers._BEFORE_SKIP.search(before[-25:]):
            assert _ends_ok(before[-25:], numbers._BEFORE_ENDS), before
        if places._OFFICE_IN.search(before[-40:]):
            assert _ends_ok(before[-40:], ("in", "of", "the")) and before[-40:].rstrip() != before[-40:], before
        if dates._REPORT_DATE.search(before[-60:]):
            assert any(w in before[-60:] for w in dates._REPORT_WORDS), before
        if dates._CLAUSE_BREAK.search(before):
            assert "," in before or ";" in before, before
        if dates._SINCE_BEFORE.search(before[-75:]):
            assert may_hold(before[-75:], ("since",)), before
        if events._TOLL.search(before[-140:]):
            assert _ends_ok(before[-140:], events._TOLL_ENDS), before
        if monkeypatch is not None:
            got = events._phrase_before(before[-90:])
            with monkeypatch.context() as m:
                m.setattr(events, "_LEFT_ENDS", ("",))  # every text ends with "": no pre-test
                assert events._phrase_before(before[-90:]) == got, before


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=14))
def test_cue_words_cover_every_match(words: list[str]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _check(" ".join(words) + " ", monkeypatch)


_PHRASES = ["The network put the figure at around 100.", "It puts the toll to at least 12.", "They set fire to 30 homes.",
            "Troops burned down 12 houses.", "Shelling killed 3, raising the overall toll to more than 40.",
            "The monitor has verified 120 deaths and counts about 300.", "Among the dead were 12 children.",
            "The death toll has risen by 14 to 90.", "The number of people killed passed 1,000.",
            "No fewer than 12, upwards of 30, in excess of 5, approx. 7, as many as 9 and just under 10 died.",
            "The ministry in Damascus and the embassy of the UK; officials of Gaza.",
            "Aged 12 and born in 2001, no. 5 route 7 in March 2024 mid-2023 $5 #3 -4."]


def test_cue_words_cover_every_match_in_gold_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    for text in _PHRASES:
        _check(text, monkeypatch)
    for path in sorted(_GOLD.glob("*/*.md"))[:40]:
        for s in split_sentences(path.read_text(encoding="utf-8"))[0]:
            _check(s.text, monkeypatch)


def test_folded_refuses_letters_that_ignorecase_matches_to_ascii() -> None:
    assert folded("Since Monday") == "since monday"
    assert all(folded(f"x{c}y") is None for c in "\u0130\u0131\u017f\u212a")
    assert may_hold("ſince", ("since",)) and not may_hold("Monday", ("since",))


def test_words_at_gives_each_word_and_its_offset() -> None:
    from tally.extract.cues import words_at

    for s in ["", "Killed 12, at least.", "—x— é a", "  U.N. says 1,400", "x_3 March"]:
        assert words_at(s) == ([m.group().lower() for m in re.finditer(r"\w+", s)], [m.start() for m in re.finditer(r"\w+", s)])
    assert words_at("ſince") is None


def test_bracket_acronyms_found_as_by_finditer() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(_GOLD.glob("*/*.md"))]
    texts += ["the Syrian Network for Human Rights (SNHR), “Doctors Without Borders (MSF)” and (WHO) World (Health) (OCHA)",
              "Médecins Sans Frontières\n(MSF); O'Brien’s Group & Co. (OBG) - the U.N. Office (UNO)"]
    for t in texts:
        assert [m.span() for m in sources._bracket_acronyms(t)] == [m.span() for m in sources._BRACKET_ACRONYM.finditer(t)]


def test_strip_adverbs_is_the_pattern_substitution() -> None:
    for x in ["the ministry also ", "the ministry", "officials on Monday", "Reuters late Sunday had earlier ", "it has",
              "the governor also later ", "  ", "", "the army now\n", "X on", "they would Also", "group, on Monday,"]:
        assert sources._strip_adverbs(x) == sources._PRE.sub("", x), x


def test_np_at_end_is_the_pattern_search() -> None:
    for x in ["Russian shelling killed 12 people, including three children, in Kharkiv on Tuesday, regional governor Oleh",
              "the Syrian Observatory for Human Rights (SOHR)", "“It was a massacre,” he", "Gaza's health ministry",
              "a war monitor; officials in the city of Gaza", "", "12, 13", "the U.N. Office & Co.-op"]:
        a, b = sources._NP.search(x), sources._np_at_end(x)
        assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup)), x
