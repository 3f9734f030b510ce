"""Front matter: the ``---`` YAML header of an article file, shared by ingest and extraction.

The body is what follows the closing ``---`` line with its leading newlines dropped; claim offsets
(``start``, ``end``) are offsets into that body wherever the article is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass
class Article:
    """The text of one article file and its front-matter fields."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: dt.datetime | None = None
    url: str | None = None
    language: str | None = None
    source: str | None = None
    sensitivity: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def split_front_matter(raw: str) -> tuple[dict[str, Any], str]:
    """Split ``---`` YAML front matter from the body; the body's leading newlines are dropped."""
    if not raw.startswith("---"):
        return {}, raw
    lines = raw.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            try:
                meta = yaml.safe_load("\n".join(lines[1:i])) or {}
            except yaml.YAMLError as exc:
                raise ValueError(f"front matter is not valid YAML ({str(exc).splitlines()[0]})") from exc
            if not isinstance(meta, dict):
                raise ValueError("front matter is not a mapping of keys to values")
            return meta, "\n".join(lines[i + 1:]).lstrip("\n")
    raise ValueError("front matter opened with '---' is never closed")


def parse_datetime(value: Any) -> dt.datetime | None:
    """A front-matter date or datetime as an aware datetime (UTC when no zone is given)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        out = value
    elif isinstance(value, dt.date):
        out = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            out = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            import dateparser

            parsed = dateparser.parse(str(value), settings={"DATE_ORDER": "DMY"})
            if parsed is None:
                raise ValueError(f"cannot read date {value!r}") from None
            out = parsed
    return out if out.tzinfo else out.replace(tzinfo=dt.UTC)
