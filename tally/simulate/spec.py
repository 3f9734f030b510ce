"""``SimulationSpec``: every knob of the simulated documentation world, with defaults.

A spec is what a user writes; :meth:`SimulationSpec.resolved` fills in the organisations for the
requested number of lists, and the resolved spec is kept with the output as
``truth/spec.json`` so that a world can be regenerated and its configured rates compared with
what was measured.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tally.core.errors import InputError, Problem

Habit = Literal["arabic", "english", "french", "scholarly"]
NameForm = Literal["full", "given_family", "family_given", "bin", "given_father_family"]
AgeStyle = Literal["age", "age_group", "both"]
AgeGroups = Literal["decades", "child_adult"]
DateFormat = Literal["iso", "dmy"]
Vocab = Literal["english", "short", "arabic"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganisationSpec(_Spec):
    """One documenting organisation: who it is, what it sees and how it writes it down."""

    name: str = Field(description="Full name; also the list's file stem and the source name in articles.")
    acronym: str = Field(description="Short form used in articles.")
    coverage: float = Field(0.5, ge=0, le=1, description="Share of all victims this list records on its own.")
    scripts: dict[Habit, float] = Field(default_factory=lambda: {"english": 1.0},
                                        description="Writing habits of names and places and their shares.")
    name_forms: dict[NameForm, float] = Field(default_factory=lambda: {"full": 1.0},
                                              description="Name orders/completeness and their shares.")
    grandfather_rate: float = Field(0.3, ge=0, le=1, description="Share of full names that keep the grandfather's name when known.")
    vocab: Vocab = Field("english", description="Words for sex and status: male/civilian, M/civilian or ذكر/مدني.")
    arabic_headers: bool = Field(False, description="Write the column headers in Arabic.")
    date_format: DateFormat = "iso"
    age_style: AgeStyle = "age"
    age_groups: AgeGroups = "decades"
    id_prefix: str = Field("", description="Prefix of record ids, e.g. 'SNCD-'.")
    date_error_rate: float = Field(0.08, ge=0, le=1, description="Share of records whose date is off by 1–3 days.")
    missing_rate: float = Field(0.08, ge=0, le=1, description="Share of empty optional fields (age, sex, district, place).")
    typo_rate: float = Field(0.04, ge=0, le=1, description="Share of records with a typing error in the name.")
    duplicate_rate: float = Field(0.02, ge=0, le=1, description="Share of records entered twice.")
    spelling_consistency: float = Field(0.9, ge=0, le=1, description="Share of place names in the list's usual spelling.")
    region_bias: dict[str, float] = Field(default_factory=dict,
                                          description="Coverage multiplier per governorate P-code (e.g. {'SY07': 2.0}).")
    status_bias: dict[str, float] = Field(default_factory=dict,
                                          description="Coverage multiplier per status (civilian, security_forces, fighter).")
    time_trend: float = Field(0.0, ge=-0.9, le=0.9, description="Relative change of coverage from first to last day.")
    copies_from: str | None = Field(None, description="Name of an earlier organisation whose list this one copies from.")
    copy_rate: float = Field(0.0, ge=0, le=1, description="Share of that list's records copied in.")
    publishes_tolls: bool = Field(True, description="Whether news outlets relay this organisation's running toll.")


DEFAULT_ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec(
        name="Syrian Network for Casualty Documentation", acronym="SNCD", coverage=0.55,
        scripts={"arabic": 0.85, "english": 0.15}, name_forms={"full": 0.8, "given_father_family": 0.2},
        grandfather_rate=0.45, vocab="arabic", arabic_headers=True, date_format="dmy", age_style="age",
        id_prefix="", region_bias={"SY07": 1.6, "SY02": 1.3, "SY09": 0.6, "SY08": 0.5},
        status_bias={"civilian": 1.3, "fighter": 0.2, "security_forces": 0.2},
        date_error_rate=0.05, typo_rate=0.03, duplicate_rate=0.02),
    OrganisationSpec(
        name="Levant Observatory for Human Rights", acronym="LOHR", coverage=0.45,
        scripts={"english": 1.0}, name_forms={"given_family": 0.55, "full": 0.35, "bin": 0.1},
        grandfather_rate=0.1, vocab="english", date_format="iso", age_style="age_group", age_groups="child_adult",
        id_prefix="LOHR-", region_bias={"SY06": 1.5, "SY10": 1.5, "SY04": 1.2},
        status_bias={"civilian": 1.0, "fighter": 1.2, "security_forces": 1.2}, time_trend=0.4,
        date_error_rate=0.12, typo_rate=0.05, duplicate_rate=0.03, missing_rate=0.15),
    OrganisationSpec(
        name="Centre for Documentation of Violations", acronym="CDV", coverage=0.35,
        scripts={"french": 0.9, "arabic": 0.1}, name_forms={"family_given": 0.7, "full": 0.3},
        grandfather_rate=0.0, vocab="short", date_format="dmy", age_style="both", age_groups="decades",
        id_prefix="CDV/", region_bias={"SY12": 1.8, "SY13": 1.8, "SY03": 1.4, "SY01": 1.4},
        status_bias={"civilian": 1.2, "fighter": 0.6, "security_forces": 0.8}, time_trend=-0.3,
        copies_from="Syrian Network for Casualty Documentation", copy_rate=0.15,
        date_error_rate=0.1, typo_rate=0.06, duplicate_rate=0.01),
    OrganisationSpec(
        name="Syria Victims Archive", acronym="SVA", coverage=0.3,
        scripts={"scholarly": 0.75, "arabic": 0.25}, name_forms={"full": 0.6, "given_family": 0.4},
        grandfather_rate=0.3, vocab="english", date_format="iso", age_style="age",
        id_prefix="SVA", region_bias={"SY08": 2.0, "SY09": 2.0, "SY11": 2.0},
        status_bias={"civilian": 1.0, "fighter": 1.0, "security_forces": 1.0},
        date_error_rate=0.06, typo_rate=0.03, duplicate_rate=0.02, missing_rate=0.12),
    OrganisationSpec(
        name="Free Syrian Documentation Committees", acronym="FSDC", coverage=0.25,
        scripts={"english": 0.6, "arabic": 0.4}, name_forms={"full": 0.5, "given_family": 0.5},
        vocab="short", date_format="dmy", age_style="age", id_prefix="F",
        region_bias={"SY05": 1.8, "SY07": 1.4}, copies_from="Levant Observatory for Human Rights", copy_rate=0.2),
    OrganisationSpec(
        name="Humanitarian Monitoring Unit", acronym="HMU", coverage=0.2,
        scripts={"english": 0.5, "french": 0.5}, name_forms={"given_family": 1.0},
        vocab="english", date_format="iso", age_style="age_group", age_groups="decades", id_prefix="HMU-",
        status_bias={"civilian": 1.0, "fighter": 0.0, "security_forces": 0.0}),
)


class EventKind(_Spec):
    """A kind of killing event: how often it occurs, whom it kills and who commits it."""

    weight: float = Field(description="Relative frequency among burst (or background) events.")
    status: dict[str, float] = Field(description="Shares of civilian, security_forces, fighter among its victims.")
    families: bool = Field(False, description="Whether whole families die in it.")
    perpetrators: dict[str, float]
    cause: str = Field(description="Cause of death as lists write it (English).")


DEFAULT_BURST_KINDS: dict[str, EventKind] = {
    "massacre": EventKind(weight=0.25, status={"civilian": 0.95, "fighter": 0.05}, families=True,
                          perpetrators={"pro-government militias": 0.6, "armed opposition groups": 0.25,
                                        "unidentified gunmen": 0.15}, cause="shooting"),
    "airstrike": EventKind(weight=0.3, status={"civilian": 0.85, "fighter": 0.15}, families=True,
                           perpetrators={"government forces": 0.7, "foreign air forces": 0.3}, cause="airstrike"),
    "shelling": EventKind(weight=0.2, status={"civilian": 0.8, "fighter": 0.1, "security_forces": 0.1}, families=True,
                          perpetrators={"government forces": 0.6, "armed opposition groups": 0.4}, cause="shelling"),
    "clashes": EventKind(weight=0.2, status={"fighter": 0.55, "security_forces": 0.4, "civilian": 0.05},
                         perpetrators={"government forces": 0.5, "armed opposition groups": 0.5}, cause="clashes"),
    "execution": EventKind(weight=0.05, status={"civilian": 0.5, "security_forces": 0.35, "fighter": 0.15},
                           perpetrators={"armed opposition groups": 0.4, "pro-government militias": 0.4,
                                         "Islamic State": 0.2}, cause="execution"),
}
DEFAULT_SINGLE_KINDS: dict[str, EventKind] = {
    "shooting": EventKind(weight=0.35, status={"civilian": 0.7, "security_forces": 0.15, "fighter": 0.15},
                          perpetrators={"unidentified gunmen": 0.5, "government forces": 0.25,
                                        "armed opposition groups": 0.25}, cause="shooting"),
    "shelling": EventKind(weight=0.25, status={"civilian": 0.85, "fighter": 0.15},
                          perpetrators={"government forces": 0.6, "armed opposition groups": 0.4}, cause="shelling"),
    "explosion": EventKind(weight=0.15, status={"civilian": 0.8, "security_forces": 0.2},
                           perpetrators={"unknown": 0.7, "Islamic State": 0.3}, cause="explosion"),
    "torture": EventKind(weight=0.1, status={"civilian": 0.9, "fighter": 0.1},
                         perpetrators={"government forces": 0.8, "armed opposition groups": 0.2}, cause="torture in detention"),
    "clashes": EventKind(weight=0.15, status={"fighter": 0.6, "security_forces": 0.4},
                         perpetrators={"government forces": 0.5, "armed opposition groups": 0.5}, cause="clashes"),
}


class SimulationSpec(_Spec):
    """Every knob of ``tally simulate``; the defaults make a plausible two-month world."""

    seed: int = Field(0, description="Seed of every random draw; the same seed gives byte-identical output.")
    country: str = Field("SY", description="ISO alpha-2 code of the country (needs an in-depth gazetteer file).")
    victims: int = Field(10_000, ge=1, description="Number of people killed in the period.")
    lists: int = Field(4, ge=1, le=len(DEFAULT_ORGANISATIONS),
                       description="Number of organisations publishing victim lists (when organisations is empty).")
    articles: int = Field(200, ge=0, description="Number of news articles.")
    start: dt.date = Field(dt.date(2024, 12, 1), description="First day of the period.")
    days: int = Field(60, ge=1, description="Length of the period in days.")
    burst_share: float = Field(0.7, ge=0, le=1, description="Share of victims killed in bursts (events of 3+).")
    burst_min: int = Field(3, ge=2, description="Smallest burst.")
    burst_alpha: float = Field(1.6, gt=1, description="Pareto tail index of burst sizes (smaller: bigger massacres).")
    burst_max: int = Field(600, ge=3, description="Largest burst.")
    family_share: float = Field(0.5, ge=0, le=1, description="Share of victims of family-killing events who die with family members.")
    grandfather_rate: float = Field(0.5, ge=0, le=1, description="Share of victims whose grandfather's name is known.")
    waves: int = Field(3, ge=0, description="Offensives: regional waves of violence over a few weeks.")
    wave_share: float = Field(0.55, ge=0, le=1, description="Share of bursts that belong to a wave.")
    local_family_share: float = Field(0.45, ge=0, le=1, description="Share of victims bearing one of their village's clan names.")
    burst_kinds: dict[str, EventKind] = Field(default_factory=lambda: dict(DEFAULT_BURST_KINDS))
    single_kinds: dict[str, EventKind] = Field(default_factory=lambda: dict(DEFAULT_SINGLE_KINDS))
    displaced_per_death: float = Field(12.0, ge=0, description="People crossing a border per person killed nearby.")
    organisations: list[OrganisationSpec] = Field(default_factory=list,
                                                  description="The documenting organisations (default: the first `lists` of the built-in ones).")
    un_verified_share: float = Field(0.35, ge=0, le=1, description="Share of civilian deaths the UN office has verified.")

    @model_validator(mode="after")
    def _check(self) -> SimulationSpec:
        names = [o.name for o in self.organisations]
        problems = []
        if len(set(names)) != len(names):
            problems.append("organisation names must be unique")
        for i, o in enumerate(self.organisations):
            if o.copies_from is not None and o.copies_from not in names[:i]:
                problems.append(f"{o.name}: copies_from {o.copies_from!r} is not an earlier organisation")
        if self.burst_max < self.burst_min:
            problems.append("burst_max must be at least burst_min")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def resolved(self) -> SimulationSpec:
        """This spec with its organisations filled in (the built-in ones, when none are given)."""
        if self.organisations:
            return self
        names = {o.name for o in DEFAULT_ORGANISATIONS[: self.lists]}
        orgs = [o.model_copy(update={"copies_from": None, "copy_rate": 0.0}) if o.copies_from and o.copies_from not in names
                else o for o in DEFAULT_ORGANISATIONS[: self.lists]]
        return self.model_copy(update={"organisations": orgs})

    @property
    def end(self) -> dt.date:
        """Last day of the period."""
        return self.start + dt.timedelta(days=self.days - 1)


def make_spec(base: dict[str, object] | None = None, **overrides: object) -> SimulationSpec:
    """A validated spec from *base* (e.g. a spec.json's content) and *overrides*; every problem at once.

    Raises :class:`~tally.core.errors.InputError` listing each bad field.
    """
    data = {**(base or {}), **{k: v for k, v in overrides.items() if v is not None}}
    try:
        return SimulationSpec.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(e["msg"], field=".".join(str(x) for x in e["loc"]) or None) for e in exc.errors()]
        raise InputError("invalid simulation spec", problems) from exc


def demo_spec() -> SimulationSpec:
    """The world ``make demo`` builds: 5,000 victims, four lists, 120 articles, seed 1."""
    return SimulationSpec(seed=1, victims=5_000, lists=4, articles=120).resolved()
