"""tally.extract — casualty claims from English news text; pure functions, no database.

``extract_claims(text, published=…, outlet=…)`` is the entry point; ``extract_file(path)`` reads an
article file with front matter first.  ``evaluate`` scores extraction against gold claims.
"""

from __future__ import annotations

from pathlib import Path

from tally.extract.articles import Article, parse_article, read_article
from tally.extract.claims import ExtractionResult, extract_claims


def extract_file(path: str | Path) -> ExtractionResult:
    """Read an article file (front matter as in ingest) and extract its claims."""
    art = read_article(path)
    return extract_claims(art.text, published=art.published, outlet=art.outlet, title=art.title)


__all__ = ["Article", "ExtractionResult", "extract_claims", "extract_file", "parse_article", "read_article"]
