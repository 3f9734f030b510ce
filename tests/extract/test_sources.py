"""Attribution within a sentence and one source per entity within an article."""

from __future__ import annotations

import datetime as dt

from tally.extract.claims import extract_claims

PUB = dt.datetime(2025, 4, 14, 8, 0)


def _sources(text: str, outlet: str = "Nile Dispatch") -> list[str | None]:
    return [c.source for c in extract_claims(text, published=PUB, outlet=outlet).claims]


def test_sources_name_acronym_and_description_are_one_source() -> None:
    text = ("The Sudan Doctors Network (SDN) said 38 people were killed. The network said 17 were wounded. "
            "According to the medical group, 40 homes were burned. SDN said 5 were missing.")
    result = extract_claims(text, published=PUB, outlet="Nile Dispatch")
    assert {c.source for c in result.claims} == {"Sudan Doctors Network"}
    (src,) = result.sources
    assert {"SDN", "The network", "the medical group"} <= set(src.aliases)


def test_sources_dateline_agency_is_not_the_source() -> None:
    text = "KYIV (AFP) — Russian strikes killed 5 people on Tuesday, regional governor Oleh Syniehubov said."
    assert _sources(text) == ["Oleh Syniehubov"]


def test_sources_relaying_outlet_is_not_the_source_and_unattributed_is_the_outlet() -> None:
    assert _sources("Reuters reported, citing the health ministry, that 12 people were killed.") == ["health ministry"]
    assert _sources("Twelve people were killed in the attack.") == ["Nile Dispatch"]


def test_sources_an_outlet_naming_itself_is_the_outlet() -> None:
    # "the broadcaster" with nothing named before it: the outlet's own figure, not a source called "broadcaster"
    text = "About 230 security personnel and 250 fighters have been killed since 6 March, the broadcaster reported."
    assert _sources(text, outlet="Sham Broadcaster") == ["Sham Broadcaster", "Sham Broadcaster"]
    assert _sources("Five people were killed in Homs, the channel said.", outlet="Sham TV") == ["Sham TV"]
    # another outlet, described: its own source
    text = "The quake killed more than 2,000 people, according to the state broadcaster."
    assert _sources(text, outlet="Sham TV") == ["state broadcaster"]


def test_sources_attribution_in_the_neighbouring_sentence_is_used() -> None:
    text = "The Sudan Doctors Network said RSF fighters attacked the camp. At least 30 people were killed and 50 injured."
    assert _sources(text) == ["Sudan Doctors Network", "Sudan Doctors Network"]


def test_sources_description_before_the_name_takes_the_name() -> None:
    text = "More than 1,000 people have been killed, a war monitor said. The Syrian Observatory for Human Rights said 40 were police."
    assert _sources(text)[0] == "Syrian Observatory for Human Rights"


def test_sources_pronoun_and_appositive_person() -> None:
    text = ("About 3,000 people were evacuated, the regional governor, Vadym Filashkin, said. "
            "Shelling killed two people on Tuesday, he said.")
    assert _sources(text) == ["Vadym Filashkin", "Vadym Filashkin"]


def test_sources_statements_and_releases_name_their_author() -> None:
    assert _sources("According to a statement from the Ministry of Health, 19 people died.") == ["Ministry of Health"]
    text = "The figures, released by the Office of the UN High Commissioner for Human Rights, show that 300 civilians were killed."
    assert _sources(text) == ["Office of the UN High Commissioner for Human Rights"]
    assert _sources("Twelve people were killed in the strike, said Mohammed Ali, a doctor at the hospital.") == ["Mohammed Ali"]


def test_sources_a_nurse_at_a_named_hospital_is_the_whole_description() -> None:
    text = "The nurse at the Baniyas hospital said 14 civilians were killed in Baniyas on Friday."
    assert _sources(text) == ["nurse at the Baniyas hospital"]  # not "at the Baniyas hospital"
