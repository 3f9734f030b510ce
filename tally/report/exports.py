"""Open files out of a workspace: claims, records, persons, tolls and estimates as CSV, JSON Lines,
Parquet or HXL-tagged CSV.

Each kind has one column list (:data:`COLUMNS`): name, type, HXL hashtag and meaning; the README's
export section is that list.  Claims follow ACLED's event fields where they apply (``event_date``,
``year``, ``actor1``, ``admin1``, ``location``, ``source``, ``notes``, ``fatalities``,
``timestamp``, ``iso``); tolls carry UCDP-style ``low``/``best``/``high``.  Row functions only
rename and flatten what the orchestrator hands them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tally.core.errors import InputError, ReportError

KINDS = ("claims", "records", "persons", "tolls", "estimates")
FORMATS = ("csv", "json", "parquet", "hxl")


@dataclass(frozen=True)
class Column:
    """One exported column."""

    name: str
    type: str  # str | int | float | date | bool
    hxl: str
    doc: str


def _c(name: str, type: str, hxl: str, doc: str) -> Column:
    return Column(name, type, hxl, doc)


COLUMNS: dict[str, tuple[Column, ...]] = {
    "records": (
        _c("source", "str", "#org+name", "the list (source) the record comes from"),
        _c("id", "str", "#meta+id", "the record's id in its list"),
        _c("person", "int", "#meta+person+id", "the person it was linked to (newest link run), if any"),
        _c("name", "str", "#affected+name", "name as written"),
        _c("sex", "str", "#affected+sex", "male, female or unknown"),
        _c("age", "int", "#affected+age", "age in years"),
        _c("age_group", "str", "#affected+age+group", "age group as the list gives it"),
        _c("date_of_death", "date", "#date+death", "date of death (ISO 8601)"),
        _c("governorate", "str", "#adm1+name", "governorate / first-level area as written"),
        _c("district", "str", "#adm2+name", "district / second-level area as written"),
        _c("place", "str", "#loc+name", "village, town or neighbourhood as written"),
        _c("governorate_code", "str", "#adm1+code", "resolved first-level code, e.g. ocha:SY07"),
        _c("district_code", "str", "#adm2+code", "resolved second-level code, e.g. ocha:SY0702"),
        _c("country", "str", "#country+code", "ISO 3166-1 alpha-2"),
        _c("status", "str", "#affected+type", "civilian, security_forces, fighter or unknown"),
        _c("cause", "str", "#description+cause", "cause of death as written"),
    ),
    "claims": (
        _c("event_id_cnty", "str", "#event+id", "claim id, as ISO-country + number (ACLED)"),
        _c("claim_id", "int", "#meta+id", "claim id in the workspace"),
        _c("event_date", "date", "#date+occurred", "first day the claim covers (ACLED event_date)"),
        _c("date_to", "date", "#date+occurred+end", "last day the claim covers"),
        _c("year", "int", "#date+year", "year of event_date (ACLED)"),
        _c("event", "str", "#event+type", "killed, injured, executed, displaced, detained, missing, ..."),
        _c("fatalities", "float", "#affected+killed", "best figure when event is killed or executed (ACLED)"),
        _c("low", "float", "#affected+min", "lowest figure the wording allows"),
        _c("best", "float", "#affected+best", "best figure"),
        _c("high", "float", "#affected+max", "highest figure the wording allows (empty: unbounded)"),
        _c("qualifier", "str", "#meta+qualifier", "exact, at_least, more_than, about, up_to, between, vague"),
        _c("count_text", "str", "#meta+count+text", "the number as written"),
        _c("victims", "str", "#affected+type", "civilians, children, women, fighters, ..."),
        _c("cumulative", "bool", "#meta+cumulative", "true when the figure is a running total"),
        _c("actor1", "str", "#group+perpetrator", "perpetrator named in the text (ACLED actor1)"),
        _c("iso", "str", "#country+code", "ISO 3166-1 alpha-2 country (ACLED uses numeric; alpha-2 here)"),
        _c("admin1", "str", "#adm1+name", "first-level areas named, ';'-separated (ACLED admin1)"),
        _c("admin1_code", "str", "#adm1+code", "area codes (P-codes), ';'-separated"),
        _c("location", "str", "#loc+name", "places named, ';'-separated (ACLED location)"),
        _c("source", "str", "#org", "who makes the claim (ACLED source)"),
        _c("outlet", "str", "#org+outlet", "the outlet that published the document"),
        _c("date_reported", "date", "#date+reported", "when the claim was reported"),
        _c("timestamp", "int", "#date+timestamp", "reported time as Unix seconds (ACLED timestamp)"),
        _c("notes", "str", "#description+quote", "the sentence quoted (ACLED notes); withheld unless the claim is "
                                                    "public"),
        _c("document_id", "int", "#meta+document+id", "the document the claim was read from"),
        _c("url", "str", "#meta+url", "the document's address; withheld unless the claim is public"),
        _c("status", "str", "#status", "active, superseded, retracted, ... (review status)"),
        _c("sensitivity", "str", "#meta+sensitivity", "public, restricted or protected"),
    ),
    "persons": (
        _c("id", "int", "#meta+person+id", "person id"),
        _c("link_run", "int", "#meta+link+id", "the link run that made the person"),
        _c("name", "str", "#affected+name", "a representative name"),
        _c("sex", "str", "#affected+sex", "male, female or unknown"),
        _c("age", "int", "#affected+age", "age in years"),
        _c("date_of_death", "date", "#date+death", "date of death"),
        _c("governorate_code", "str", "#adm1+code", "first-level code"),
        _c("district_code", "str", "#adm2+code", "second-level code"),
        _c("status", "str", "#affected+type", "civilian, security_forces, fighter or unknown"),
        _c("sources", "str", "#org+list", "the lists the person is on, ';'-separated"),
        _c("records", "int", "#meta+records", "how many records were linked into the person"),
    ),
    "tolls": (
        _c("where", "str", "#loc+code", "the row's area codes, ';'-separated; empty for everywhere"),
        _c("where_names", "str", "#loc+name", "their names, ';'-separated"),
        _c("from", "date", "#date+start", "first day of the period; empty for from the start"),
        _c("to", "date", "#date+end", "last day of the period; empty for to date"),
        _c("victims", "str", "#affected+type", "victim category: all, civilians, women, children, security_forces, "
                                               "fighters or unknown"),
        _c("event", "str", "#event+type", "what is counted: killed, injured, …"),
        _c("by", "str", "#meta+by", "the grouping the row belongs to (governorate, …); empty for the whole scope"),
        _c("low", "float", "#affected+killed+min", "lowest reported toll (UCDP low)"),
        _c("best", "float", "#affected+killed+best", "best figure (UCDP best), raised to the documented count when "
                                                      "below it"),
        _c("high", "float", "#affected+killed+max", "highest reported toll (UCDP high)"),
        _c("documented", "int", "#affected+killed+documented", "named victims documented"),
        _c("estimate", "float", "#affected+killed+estimated", "estimated total (multiple systems estimation)"),
        _c("estimate_lower", "float", "#affected+killed+estimated+min", "lower end of the estimate's interval"),
        _c("estimate_upper", "float", "#affected+killed+estimated+max", "upper end of the estimate's interval"),
        _c("estimate_level", "float", "#meta+level", "the interval's level, e.g. 0.95"),
        _c("estimate_method", "str", "#meta+method", "the estimation method"),
        _c("grade", "str", "#meta+grade", "confidence grade"),
        _c("grade_reason", "str", "#meta+grade+reason", "why that grade"),
        _c("sources", "str", "#org", "sources reporting, ';'-separated"),
        _c("claims", "str", "#meta+claims", "claim ids behind the range, ';'-separated"),
        _c("flags", "str", "#meta+flags", "reconciliation flags, ';'-separated"),
    ),
    "estimates": (
        _c("id", "int", "#meta+id", "estimate id"),
        _c("stratum", "str", "#meta+stratum", "stratum as key=value pairs, ';'-separated; empty for all"),
        _c("method", "str", "#meta+method", "estimation method"),
        _c("lists", "str", "#org+list", "the lists used, ';'-separated"),
        _c("observed", "int", "#affected+killed+documented", "people on at least one list"),
        _c("estimate", "float", "#affected+killed+estimated", "estimated total"),
        _c("lower", "float", "#affected+killed+estimated+min", "interval lower end"),
        _c("upper", "float", "#affected+killed+estimated+max", "interval upper end"),
        _c("level", "float", "#meta+level", "interval level"),
        _c("link_run", "int", "#meta+link+id", "the link run the capture histories came from"),
        _c("warnings", "str", "#meta+warnings", "statistical caveats, ' | '-separated"),
    ),
}


def _join(values: Iterable[Any] | None, sep: str = ";") -> str | None:
    vals = [str(v) for v in (values or []) if v not in (None, "")]
    return sep.join(vals) if vals else None


def record_row(r: dict[str, Any]) -> dict[str, Any]:
    """A store victim record as an export row."""
    return {"source": r["source"], "id": r["record_id"], "person": r.get("person_id"),
            **{c.name: r.get(c.name) for c in COLUMNS["records"][3:]}}


def publishable(claim: dict[str, Any]) -> bool:
    """True if a claim's words and origin (its sentence, its document's title and address) may be published:
    it is public. One read from a restricted or protected document (a witness's account), or a manual
    one so marked, still counts; only its words are withheld (the report and the exports)."""
    return (claim.get("sensitivity") or "public") == "public"


def withheld(claim: dict[str, Any], value: Any) -> Any:
    """*value* (a claim's sentence or its document's address) as it may be published (:func:`publishable`)."""
    return value if publishable(claim) or value in (None, "") else f"withheld ({claim.get('sensitivity')})"


def claim_row(r: dict[str, Any]) -> dict[str, Any]:
    """A store claim (with source, outlet, url) as an ACLED-shaped export row."""
    date_from = r.get("date_from")
    reported = r.get("reported_at") or r.get("published")
    killed = r.get("event") in ("killed", "executed")
    return {
        "event_id_cnty": f"{r.get('country') or 'XX'}{r['id']}", "claim_id": r["id"], "event_date": date_from,
        "date_to": r.get("date_to"), "year": date_from.year if date_from else None, "event": r.get("event"),
        "fatalities": r.get("best") if killed else None, "low": r.get("low"), "best": r.get("best"),
        "high": r.get("high"), "qualifier": r.get("qualifier"), "count_text": r.get("count_text"),
        "victims": r.get("victims"), "cumulative": r.get("cumulative"), "actor1": r.get("perpetrator"),
        "iso": r.get("country"), "admin1": _join(r.get("admin1")), "admin1_code": _join(r.get("pcodes")),
        "location": _join(r.get("places")), "source": r.get("source"), "outlet": r.get("outlet"),
        "date_reported": reported.date() if isinstance(reported, dt.datetime) else reported,
        "timestamp": int(reported.replace(tzinfo=reported.tzinfo or dt.UTC).timestamp())
        if isinstance(reported, dt.datetime) else None,
        "notes": withheld(r, r.get("quote")), "document_id": r.get("document_id"), "url": withheld(r, r.get("url")),
        "status": r.get("status"), "sensitivity": r.get("sensitivity") or "public",
    }


def person_row(r: dict[str, Any]) -> dict[str, Any]:
    """A store person as an export row."""
    return {"id": r["id"], "link_run": r["link_run_id"], "name": r.get("name"), "sex": r.get("sex"),
            "age": r.get("age"), "date_of_death": r.get("date_of_death"),
            "governorate_code": r.get("governorate_code"), "district_code": r.get("district_code"),
            "status": r.get("status"), "sources": _join(r.get("sources")), "records": r.get("records")}


def toll_row(t: dict[str, Any]) -> dict[str, Any]:
    """A ``Toll.to_dict()`` as a UCDP-style low/best/high row, its scope spelt out (places, period, victims, event)."""
    est = t.get("estimated") or {}
    claims = t.get("claims") or [s.get("claim_id") for s in t.get("sources") or []]
    claim_ids = [c.get("id", c.get("claim_id")) if isinstance(c, dict) else c for c in claims]
    scope = t.get("scope") or {}
    return {"where": _join(scope.get("where")), "where_names": _join(scope.get("where_names")),
            "from": _day(scope.get("from")), "to": _day(scope.get("to")), "victims": scope.get("victims"),
            "event": scope.get("event"), "by": t.get("by"), "low": t.get("reported_low"),
            "best": t.get("best"), "high": t.get("reported_high"), "documented": t.get("documented"),
            "estimate": est.get("estimate"), "estimate_lower": est.get("lower"), "estimate_upper": est.get("upper"),
            "estimate_level": est.get("level"), "estimate_method": est.get("method"), "grade": t.get("grade"),
            "grade_reason": t.get("grade_reason"),
            "sources": _join(s.get("source") for s in t.get("sources") or []),
            "claims": _join(claim_ids), "flags": _join(t.get("flags"))}


def _day(v: Any) -> dt.date | None:
    return dt.date.fromisoformat(v) if isinstance(v, str) and v else v or None


def estimate_row(e: dict[str, Any]) -> dict[str, Any]:
    """A stored estimate (``id``, ``stratum``, ``link_run_id``, ``result``) as an export row."""
    res = e["result"]
    return {"id": e["id"], "stratum": _join(f"{k}={v}" for k, v in sorted((e.get("stratum") or {}).items())),
            "method": res.get("method"), "lists": _join(res.get("lists")), "observed": res.get("observed"),
            "estimate": res.get("estimate"), "lower": res.get("lower"), "upper": res.get("upper"),
            "level": res.get("level"), "link_run": e.get("link_run_id"), "warnings": _join(res.get("warnings"), " | ")}


ROWS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "records": record_row, "claims": claim_row, "persons": person_row, "tolls": toll_row, "estimates": estimate_row,
}


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v == int(v):
        return int(v)
    return v


@contextmanager
def _open(out: Path | None, binary: bool = False) -> Iterator[IO[Any]]:
    if out is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
        yield f


def write(kind: str, fmt: str, rows: Iterable[dict[str, Any]], out: Path | None) -> int:
    """Write store rows of *kind* as *fmt* to *out* (stdout when None); returns the row count."""
    if kind not in COLUMNS:
        raise InputError(f"unknown export kind {kind!r}; use {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    cols, to_row = COLUMNS[kind], ROWS[kind]
    names = [c.name for c in cols]
    n = 0
    try:
        if fmt == "parquet":
            if out is None:
                raise InputError("parquet needs --out FILE")
            return _parquet(cols, (to_row(r) for r in rows), out)
        with _open(out) as f:
            if fmt in ("csv", "hxl"):
                w = csv.writer(f)
                w.writerow(names)
                if fmt == "hxl":
                    w.writerow([c.hxl for c in cols])
                for r in rows:
                    row = to_row(r)
                    w.writerow([_cell(row.get(k)) for k in names])
                    n += 1
            else:
                for r in rows:
                    f.write(json.dumps(to_row(r), ensure_ascii=False, default=str) + "\n")
                    n += 1
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc}") from exc
    return n


def _parquet(cols: tuple[Column, ...], rows: Iterator[dict[str, Any]], out: Path, batch: int = 50_000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32(), "bool": pa.bool_()}
    schema = pa.schema([pa.field(c.name, types[c.type]) for c in cols])
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        buf: list[dict[str, Any]] = []
        for r in rows:
            buf.append({c.name: _typed(r.get(c.name), c.type) for c in cols})
            if len(buf) >= batch:
                writer.write_table(pa.Table.from_pylist(buf, schema=schema))
                n += len(buf)
                buf = []
        if buf or n == 0:
            writer.write_table(pa.Table.from_pylist(buf, schema=schema))
            n += len(buf)
    return n


def _typed(v: Any, type: str) -> Any:
    if v is None or v == "":
        return None
    if type == "str":
        return str(v)
    if type == "int":
        return int(v)
    if type == "float":
        return float(v)
    if type == "date" and isinstance(v, str):
        return dt.date.fromisoformat(v[:10])
    return v


def columns_markdown() -> str:
    """The README's table of exported columns, one table per kind."""
    parts = []
    for kind, cols in COLUMNS.items():
        parts.append(f"#### `{kind}`\n\n| column | HXL | meaning |\n|---|---|---|")
        parts.extend(f"| `{c.name}` | `{c.hxl}` | {c.doc} |" for c in cols)
        parts.append("")
    return "\n".join(parts)
