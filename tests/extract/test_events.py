"""Each count is attached to its own verb or noun by clause structure."""

from __future__ import annotations

from tally.extract.events import attach
from tally.extract.numbers import find_quantities


def _attached(s: str) -> list[tuple[str | None, str | None, str]]:
    return [(a.quantity.count or a.quantity.vague_word, a.event, a.victims) for a in attach(s, find_quantities(s))]


def test_attach_gives_coordinated_subjects_their_shared_verb() -> None:
    got = _attached("Some 40 police officers and 65 militiamen also died.")
    assert got == [("40", "killed", "security_forces"), ("65", "killed", "fighters")]


def test_attach_takes_the_first_predicate_not_a_neighbouring_event_word() -> None:
    assert _attached("Another eight succumbed to their injuries.") == [("eight", "killed", "people")]


def test_attach_gives_an_active_verb_to_the_count_after_it() -> None:
    got = _attached("Shelling killed 12 people, including three children, and wounded 30 others.")
    assert got == [("12", "killed", "people"), ("three", "killed", "children"), ("30", "injured", "people")]


def test_attach_rejects_counts_of_things_and_witnesses() -> None:
    got = _attached("Two witnesses said 200 airstrikes destroyed 15 homes and killed 7 people.")
    assert got == [("Two", None, "people"), ("200", None, "people"), ("15", "homes_destroyed", "other"),
                   ("7", "killed", "people")]


def test_attach_reads_toll_constructions_and_gapping() -> None:
    assert _attached("The death toll has risen to 1,400 civilians.") == [("1,400", "killed", "civilians")]
    assert _attached("12 people were killed in Kharkiv and five in Sumy.") == [("12", "killed", "people"),
                                                                              ("five", "killed", "people")]


def test_attach_reads_breakdowns_and_adjective_events() -> None:
    assert _attached("killing 20 people, 18 of them women") == [("20", "killed", "people"), ("18", "killed", "women")]
    assert _attached("The rescuers pulled 23 injured people from the rubble.") == [("23", "injured", "people")]


def test_attach_keeps_the_vague_quantity_and_its_event() -> None:
    assert _attached("Dozens more were wounded, some of them critically.") == [("dozens", "injured", "people")]


def test_attach_reads_of_whom_breakdowns_and_hyphenated_event_adjectives() -> None:
    assert _attached("we received 132 wounded, 26 of whom died") == [("132", "injured", "people"), ("26", "killed", "people")]
    assert _attached("MSF treated more than 130 war-wounded patients.") == [("130", "injured", "other")]


def test_attach_reads_cases_of_victims_and_of_events() -> None:
    got = _attached("The office documented 111 named cases of civilians killed in Latakia since 6 March.")
    assert got == [("111", "killed", "civilians")]
    assert _attached("OHCHR verified 57 cases of civilian deaths in Idlib.") == [("57", "killed", "civilians")]
    assert _attached("The group recorded 12 cases of enforced disappearance in Raqqa.") == [("12", "missing", "people")]
    assert _attached("The network documented 45 cases of killing by government forces.") == [("45", "killed", "people")]
    assert _attached("Officials reported 300 cases of cholera in Deir ez-Zor.")[0][1] is None  # no casualty
    assert _attached("It named 111 verified cases killed in the shelling.") == [("111", "killed", "people")]


def test_a_count_of_named_cases_is_a_count_of_named_victims() -> None:
    import datetime as dt

    from tally.core.quantities import counts_named
    from tally.extract.claims import extract_claims

    text = ("The UN Human Rights Office said it had documented 111 named cases of civilians killed in Latakia, "
            "Tartus, Hama and Homs since 6 March, and expects the real toll to be significantly higher.")
    [c] = extract_claims(text, published=dt.date(2025, 3, 11), outlet="UN Human Rights Office", country="SY").claims
    assert (c.count, c.event, c.victims, c.source) == ("111", "killed", "civilians", "UN Human Rights Office")
    assert counts_named(c.victims_text, c.quote)  # a floor (rule R5), never the whole toll


def test_attach_takes_the_victims_a_toll_phrase_names() -> None:
    got = _attached("The number of civilians killed in Tartus since Thursday has reached 214, the network said.")
    assert got == [("214", "killed", "civilians")]
    assert _attached("The number of people killed has risen to 52.") == [("52", "killed", "people")]
    assert _attached("The death toll has risen to 1,400.") == [("1,400", "killed", "people")]


def test_attach_gives_a_part_the_count_it_is_part_of_not_a_date_between() -> None:
    got = _attached("SNHR documented the killing of 803 people between 6 and 10 March, including 39 children and 49 women.")
    assert [g for g in got if g[1] is not None] == [("803", "killed", "people"), ("39", "killed", "children"),
                                                    ("49", "killed", "women")]


def test_attach_reads_a_toll_revised_down() -> None:
    # a correction is a figure too: reconciliation's R3 flags it (and discounts the higher earlier ones)
    assert _attached("The group revised its toll down to 1,130 from 1,225.")[0] == ("1,130", "killed", "people")
    assert _attached("The death toll fell to 1,130 after duplicates were removed.") == [("1,130", "killed", "people")]
    assert all(event is None for _n, event, _v in _attached("Prices went down to 1,130 pounds."))


def test_attach_reads_stacked_modifiers_and_a_predicate_naming_the_victims() -> None:
    assert _attached("At least 125 government security personnel were among the dead.") == [
        ("125", "killed", "security_forces")]  # "government" before "security" made it an unknown noun
    assert _attached("Of the 1,383 killed, 973 were civilians.")[1] == ("973", "killed", "civilians")
    assert _attached("Twelve government buildings were destroyed.")[0][1] is None
