"""Controlled vocabularies shared by every stage (``Literal`` types and their value tuples)."""

from __future__ import annotations

from typing import Literal, get_args

Sensitivity = Literal["public", "restricted", "protected"]
SourceKind = Literal["organisation", "outlet", "authority", "person", "unknown"]
DocumentKind = Literal["article", "victims"]
NameScript = Literal["arabic", "latin", "other", "unknown"]
Sex = Literal["male", "female", "unknown"]
Status = Literal["civilian", "security_forces", "fighter", "unknown"]

Event = Literal[
    "killed", "injured", "executed", "displaced", "detained", "missing", "homes_destroyed", "other"
]
Qualifier = Literal["exact", "at_least", "more_than", "about", "up_to", "between", "vague"]
VictimCategory = Literal[
    "civilians", "security_forces", "fighters", "children", "women", "families", "people", "other"
]

SENSITIVITIES: tuple[str, ...] = get_args(Sensitivity)
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
SEXES: tuple[str, ...] = get_args(Sex)
STATUSES: tuple[str, ...] = get_args(Status)
EVENTS: tuple[str, ...] = get_args(Event)
QUALIFIERS: tuple[str, ...] = get_args(Qualifier)
VICTIM_CATEGORIES: tuple[str, ...] = get_args(VictimCategory)
