"""The stateless file-reading helper: an article file with YAML front matter -> text and metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tally.core.errors import ExtractError
from tally.core.frontmatter import Article, parse_datetime, split_front_matter


def parse_article(raw: str) -> Article:
    """Split '---' front matter (title, outlet, published, url, language …) from the body."""
    try:
        meta, text = split_front_matter(raw)
        published = parse_datetime(meta.get("published") or meta.get("date"))
    except ValueError as exc:
        raise ExtractError(str(exc)) from exc
    return Article(text=text, title=_str(meta.get("title")), outlet=_str(meta.get("outlet")),
                   published=published, url=_str(meta.get("url")),
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
