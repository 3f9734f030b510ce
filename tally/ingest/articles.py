"""Articles: Markdown/text with a YAML front matter header, and HTML pages (via trafilatura)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tally.core.errors import IngestError
from tally.core.frontmatter import Article, parse_datetime, split_front_matter
from tally.ingest.text import read_text

FRONT_KEYS = ("title", "outlet", "published", "url", "language", "source", "sensitivity")


def read_article(path: Path) -> Article:
    """Read one article file (``.md``, ``.txt``, ``.html``)."""
    raw = read_text(path)
    if path.suffix.lower() in (".html", ".htm"):
        return _read_html(path, raw)
    try:
        meta, body = split_front_matter(raw)
        published = parse_datetime(meta.get("published") or meta.get("date"))
    except ValueError as exc:
        raise IngestError(f"{path}: {exc}") from exc
    if not body.strip():
        raise IngestError(f"{path}: article has no text")
    return Article(
        text=body,
        title=_s(meta.get("title")),
        outlet=_s(meta.get("outlet")),
        published=published,
        url=_s(meta.get("url")),
        language=_s(meta.get("language")),
        source=_s(meta.get("source")),
        sensitivity=_s(meta.get("sensitivity")),
        meta={k: v for k, v in meta.items() if k not in FRONT_KEYS},
    )


def _read_html(path: Path, raw: str) -> Article:
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    if doc is None:
        raise IngestError(f"{path}: no article text found in the HTML")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    if not text.strip():
        raise IngestError(f"{path}: no article text found in the HTML")
    try:
        published = parse_datetime(data.get("date"))
    except ValueError:
        published = None
    return Article(
        text=text,
        title=_s(data.get("title")),
        outlet=_s(data.get("sitename")),
        published=published,
        url=_s(data.get("url")),
        language=_s(data.get("language")),
        source=None,
        meta={k: data[k] for k in ("author", "hostname", "description") if data.get(k)},
    )


def _s(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
