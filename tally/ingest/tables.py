"""Row readers for victim lists: CSV, TSV, XLSX, JSON and JSON Lines, streamed.

Each reader yields ``(row_number, {header: value})`` with the file's own headers; row numbers are
what a person sees in a spreadsheet (the header is row 1).  Rows with the wrong number of fields
are yielded with the marker key :data:`BAD_WIDTH` so that every problem can be listed at once.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tally.core.errors import IngestError
from tally.ingest.text import detect_encoding

BAD_WIDTH = "\x00bad_width"
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".json", ".jsonl", ".ndjson")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

Row = tuple[int, dict[str, Any]]


def read_rows(path: Path) -> Iterator[Row]:
    """Stream the rows of a victim list, whatever its format."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return _read_delimited(path, "\t" if suffix == ".tsv" else None)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".jsonl", ".ndjson"):
        return _read_jsonl(path)
    if suffix == ".json":
        return _read_json(path)
    raise IngestError(f"{path}: unsupported table format {suffix!r}")


def _read_delimited(path: Path, delimiter: str | None) -> Iterator[Row]:
    enc = detect_encoding(path)
    with path.open(encoding=enc, newline="") as f:
        if delimiter is None:
            sample = f.read(8192)
            f.seek(0)
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            except csv.Error:
                delimiter = ","
        reader = csv.reader(f, delimiter=delimiter)
        try:
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise IngestError(f"{path}: empty file (no header row)")
            header = [h.strip().lstrip("\ufeff") for h in header]
            width = len(header)
            for rowno, row in enumerate(reader, start=2):
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != width:
                    yield rowno, {BAD_WIDTH: f"has {len(row)} fields, the header has {width}"}
                    continue
                yield rowno, dict(zip(header, row))
        except UnicodeDecodeError as exc:
            raise IngestError(f"{path}: not valid {enc} text ({exc.reason})") from exc
        except csv.Error as exc:
            raise IngestError(f"{path}, row {reader.line_num}: malformed CSV ({exc})") from exc


def _read_xlsx(path: Path) -> Iterator[Row]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise IngestError(f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__})") from exc
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or not any(h not in (None, "") for h in header):
            raise IngestError(f"{path}: empty file (no header row)")
        names = [str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header)]
        for rowno, row in enumerate(rows, start=2):
            if row is None or all(v in (None, "") for v in row):
                continue
            values = list(row) + [None] * (len(names) - len(row))
            if len(values) > len(names) and any(v not in (None, "") for v in values[len(names):]):
                yield rowno, {BAD_WIDTH: f"has values beyond the {len(names)} header columns"}
                continue
            yield rowno, {n: ("" if v is None else v) for n, v in zip(names, values)}
    finally:
        wb.close()


def _read_jsonl(path: Path) -> Iterator[Row]:
    enc = detect_encoding(path)
    with path.open(encoding=enc) as f:
        for rowno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield rowno, {BAD_WIDTH: f"is not valid JSON ({exc.msg})"}
                continue
            if not isinstance(obj, dict):
                yield rowno, {BAD_WIDTH: "is not a JSON object"}
                continue
            yield rowno, obj


def _read_json(path: Path) -> Iterator[Row]:
    enc = detect_encoding(path)
    try:
        data = json.loads(path.read_text(encoding=enc))
    except json.JSONDecodeError as exc:
        raise IngestError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    if isinstance(data, dict):
        data = data.get("records") or data.get("victims") or data.get("data")
    if not isinstance(data, list):
        raise IngestError(f"{path}: expected a JSON array of records (or an object with 'records')")
    for i, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            yield i, {BAD_WIDTH: "is not a JSON object"}
            continue
        yield i, obj
