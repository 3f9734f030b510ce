"""The stateless file-reading helper: an article file with YAML front matter -> text and metadata."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tally.core.errors import ExtractError


@dataclass(frozen=True)
class Article:
    """An article read from a file: body text and front-matter fields."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: dt.datetime | None = None
    url: str | None = None
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def parse_article(raw: str) -> Article:
    """Split '---' front matter (title, outlet, published, url, language …) from the body."""
    meta: dict[str, Any] = {}
    text = raw
    if raw.startswith("---"):
        end = raw.find("\n---", 3)
        if end != -1:
            try:
                loaded = yaml.safe_load(raw[3:end]) or {}
            except yaml.YAMLError as exc:
                raise ExtractError(f"front matter is not valid YAML ({exc.__class__.__name__})") from exc
            meta = loaded if isinstance(loaded, dict) else {}
            nl = raw.find("\n", end + 4)
            text = raw[nl + 1:] if nl != -1 else ""
    return Article(text=text, title=_str(meta.get("title")), outlet=_str(meta.get("outlet")),
                   published=_datetime(meta.get("published")), url=_str(meta.get("url")),
                   language=_str(meta.get("language")), meta=meta)


def read_article(path: str | Path) -> Article:
    """Read an article file (UTF-8, front matter as in ingest)."""
    try:
        raw = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ExtractError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        return parse_article(raw)
    except ExtractError as exc:
        raise ExtractError(f"{path}: {exc}") from exc


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def _datetime(v: Any) -> dt.datetime | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    try:
        return dt.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        return None
