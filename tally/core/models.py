"""Domain records of tally.

These are plain validated values (pydantic) that every stage speaks; the store maps them to
tables, the CLI and web render them.  They carry no behaviour beyond validation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tally.core.types import (
    DocumentKind,
    Event,
    NameScript,
    Qualifier,
    Sensitivity,
    Sex,
    SourceKind,
    Status,
    VictimCategory,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Source(_Model):
    """An organisation, outlet, authority or person that reports."""

    id: int | None = None
    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: SourceKind = "unknown"


class Document(_Model):
    """One ingested file (article or victim list) with its provenance."""

    id: int | None = None
    sha256: str
    kind: DocumentKind
    media_type: str
    path: str | None = None  # where it was ingested from (as given)
    size: int = 0
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: dt.datetime | None = None
    retrieved: dt.datetime | None = None
    language: str | None = None
    source: str | None = None
    sensitivity: Sensitivity = "public"
    text: str | None = None  # the main text of an article (None for lists)
    meta: dict[str, Any] = Field(default_factory=dict)


class VictimRecord(_Model):
    """One row of a victim list, as the list wrote it, plus resolved place codes."""

    id: int | None = None
    source: str
    record_id: str
    name: str | None = None
    name_script: NameScript = "unknown"
    sex: Sex = "unknown"
    age: int | None = None
    age_group: str | None = None
    date_of_death: dt.date | None = None
    governorate: str | None = None  # as written
    district: str | None = None  # as written
    place: str | None = None  # as written (village, town, neighbourhood)
    governorate_code: str | None = None  # scheme-qualified, e.g. "ocha:SY07"
    district_code: str | None = None  # e.g. "ocha:SY0702"
    country: str | None = None  # ISO 3166-1 alpha-2
    status: Status = "unknown"
    cause: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    document_id: int | None = None
    row: int | None = None
    person_id: int | None = None
    sensitivity: Sensitivity = "restricted"


class Claim(_Model):
    """A casualty figure stated in a text: who says how many of whom, what, where, when.

    The field names are the claim JSON format of ``tally extract --json`` exactly.
    """

    event: Event
    count: str | None = None  # the number as written, None for a vague quantity
    qualifier: Qualifier = "exact"
    vague_word: str | None = None
    low: float | None = None
    high: float | None = None
    best: float | None = None
    victims: VictimCategory = "people"
    victims_text: str | None = None
    source: str | None = None
    places: list[str] = Field(default_factory=list)
    country: str | None = None
    admin1: list[str] = Field(default_factory=list)
    pcodes: list[str] = Field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    cumulative: bool | None = None
    perpetrator: str | None = None
    quote: str = ""
    start: int = 0
    end: int = 0


class Person(_Model):
    """One victim as established by linkage: a cluster of victim records."""

    id: int | None = None
    records: list[int] = Field(default_factory=list)
    name: str | None = None
    sex: Sex = "unknown"
    age: int | None = None
    date_of_death: dt.date | None = None
    governorate_code: str | None = None
    district_code: str | None = None
    status: Status = "unknown"
