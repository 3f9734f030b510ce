"""Reading bytes as text: encoding detection (UTF-8, BOMs, UTF-16, Windows-1256) and junk refusal."""

from __future__ import annotations

import codecs
from pathlib import Path

from tally.core.errors import IngestError

SAMPLE = 1 << 16


def detect_encoding(path: Path) -> str:
    """The encoding to read *path* with, decided on a sample; IngestError for binary junk."""
    with path.open("rb") as f:
        head = f.read(SAMPLE)
    if not head:
        raise IngestError(f"{path}: empty file")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        # UTF-16 without a BOM has a NUL in every other byte of ASCII text.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even < len(head) // 20:
            return "utf-16-le"
        if even > len(head) // 4 and odd < len(head) // 20:
            return "utf-16-be"
        raise IngestError(f"{path}: binary file (NUL bytes), not text")
    try:
        # A multi-byte character may be cut at the end of the sample: decode incrementally.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=["cp1256", "cp1252", "iso8859_6", "latin_1"]).best()
    if best is None:
        raise IngestError(f"{path}: unreadable encoding (not UTF-8, UTF-16 or Windows-1256)")
    text = str(best)
    if sum(c.isprintable() or c.isspace() for c in text) < 0.95 * len(text):
        raise IngestError(f"{path}: binary or unreadable content")
    return best.encoding


def read_text(path: Path) -> str:
    """The whole file as text, with its detected encoding; one-line IngestError on failure."""
    enc = detect_encoding(path)
    try:
        text = path.read_text(encoding=enc)
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: not valid {enc} at byte {exc.start}") from exc
    if enc.startswith("utf-16"):
        text = text.lstrip("\ufeff")
    return text
