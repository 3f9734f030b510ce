"""Scoring extracted claims against gold: claim-level precision/recall/F1 and per-field accuracy.

Gold is a directory of article ``.md`` files with a ``claims.jsonl`` beside them (one line per
article: ``{"file": "<path relative to the root>", "claims": [Claim JSON …]}``) — the format the
simulator writes to ``DIR/truth/claims.jsonl`` with files under ``DIR/articles/``.

A predicted claim matches a gold claim when the **event** is the same, the **count** agrees (the
same value read by :func:`tally.core.quantities.read_number`, or both vague with the same vague
word) and the **evidence sentence** agrees (character spans overlap; failing offsets, one quote
contains the other).  Matching is one-to-one, greedy in gold order.  Field accuracy is measured
over matched pairs only.  Sources agree when their names are equal after folding case and a
leading "the", when one is the acronym of the other, or when every word of the shorter name is
in the longer ("health ministry" and "Gaza's health ministry").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tally.core.errors import ExtractError
from tally.core.quantities import read_number

FIELDS = ("source", "victims", "qualifier", "admin1", "date", "cumulative", "country", "places", "perpetrator")
TARGET_FIELDS = ("source", "victims", "qualifier", "admin1", "date")


@dataclass(frozen=True)
class GoldArticle:
    """One gold article: its path and its claims (claim JSON dicts)."""

    file: str
    path: Path
    claims: list[dict[str, Any]]


@dataclass
class EvalResult:
    """Claim-level counts and per-field agreement over matched claims."""

    articles: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    field_right: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of predicted claims that match gold."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of gold claims found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float:
        """Agreement on field *name* over matched claims."""
        return self.field_right[name] / self.tp if self.tp else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (without the error list)."""
        return {"articles": self.articles, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "fields": {f: round(self.accuracy(f), 4) for f in FIELDS}}

    def summary(self) -> str:
        """Plain-text report."""
        lines = [f"articles {self.articles}  gold {self.tp + self.fn}  predicted {self.tp + self.fp}  matched {self.tp}",
                 f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}",
                 "field accuracy over matched claims:"]
        lines += [f"  {f:<12} {self.accuracy(f):.3f}{'  *' if f in TARGET_FIELDS else ''}" for f in FIELDS]
        return "\n".join(lines)


def load_gold(gold: Path, root: Path | None = None) -> list[GoldArticle]:
    """Gold articles from a directory holding ``claims.jsonl`` or from a JSONL file (paths relative to *root*)."""
    gold = Path(gold)
    if gold.is_dir():
        jsonl = gold / "claims.jsonl"
        base = root or gold
        if not jsonl.exists():
            raise ExtractError(f"{gold}: no claims.jsonl in the gold directory")
    else:
        jsonl, base = gold, root or gold.parent
    out: list[GoldArticle] = []
    for n, line in enumerate(jsonl.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExtractError(f"{jsonl}, line {n}: not JSON ({exc.msg})") from exc
        rel = row.get("file")
        path = _find(base, rel)
        if path is None:
            raise ExtractError(f"{jsonl}, line {n}: article {rel!r} not found under {base}")
        out.append(GoldArticle(rel, path, list(row.get("claims") or [])))
    return out


def _find(base: Path, rel: str | None) -> Path | None:
    if not rel:
        return None
    for cand in (base / rel, base.parent / rel, base / Path(rel).name):
        if cand.exists():
            return cand
    return None


def score(gold: Iterable[GoldArticle], predicted: dict[str, list[dict[str, Any]]]) -> EvalResult:
    """Compare *predicted* claims (by gold file name) with *gold*."""
    res = EvalResult()
    for art in gold:
        res.articles += 1
        preds = list(predicted.get(art.file, []))
        used = [False] * len(preds)
        for g in art.claims:
            k = next((i for i, p in enumerate(preds) if not used[i] and claims_match(g, p)), None)
            if k is None:
                res.fn += 1
                res.errors.append({"file": art.file, "kind": "missed", "gold": _brief(g)})
                continue
            used[k] = True
            res.tp += 1
            wrong = {}
            for f in FIELDS:
                ok = field_agrees(f, g, preds[k])
                res.field_right[f] += ok
                if not ok:
                    wrong[f] = (_field(f, g), _field(f, preds[k]))
            if wrong:
                res.errors.append({"file": art.file, "kind": "fields", "gold": _brief(g), "wrong": wrong})
        for i, p in enumerate(preds):
            if not used[i]:
                res.fp += 1
                res.errors.append({"file": art.file, "kind": "spurious", "pred": _brief(p)})
    return res


def evaluate(gold: Path | Sequence[Path], root: Path | None = None,
             extract: Callable[[Path], list[dict[str, Any]]] | None = None, country: str | None = None) -> EvalResult:
    """Extract every gold article with *extract* (default: tally's extractor, with *country* as
    ``tally ingest --country`` gives it: the articles' prior unless their front matter names one) and score it.

    *gold* may be several gold sets (e.g. two held-out batches): they are scored as one, each
    article named by its set's directory so that equal file names do not collide."""
    golds = [Path(gold)] if isinstance(gold, (str, Path)) else [Path(g) for g in gold]
    if not golds:
        raise ExtractError("no gold set given")
    articles = []
    for g in golds:
        found = load_gold(g, root)
        if len(golds) > 1:
            found = [replace(a, file=f"{g.name}/{a.file}") for a in found]
        articles += found
    if extract is None:
        def extract(path: Path) -> list[dict[str, Any]]:
            return _default_extract(path, country)
    predicted = {a.file: extract(a.path) for a in articles}
    return score(articles, predicted)


def _default_extract(path: Path, country: str | None = None) -> list[dict[str, Any]]:
    from tally.extract.articles import read_article
    from tally.extract.claims import extract_claims

    art = read_article(path)
    result = extract_claims(art.text, published=art.published, outlet=art.outlet, title=art.title,
                            country=art.meta.get("country") or country)  # as tally ingest and extract would
    return [c.model_dump(mode="json") for c in result.claims]


# -- agreement ------------------------------------------------------------------------------
def claims_match(g: dict[str, Any], p: dict[str, Any]) -> bool:
    """Same event, same count, same evidence sentence."""
    return g.get("event") == p.get("event") and counts_agree(g, p) and evidence_agrees(g, p)


def counts_agree(g: dict[str, Any], p: dict[str, Any]) -> bool:
    """The same number (as read), or both vague with the same vague word."""
    gc, pc = g.get("count"), p.get("count")
    if gc is None or pc is None:
        if gc is None and pc is None:
            gw, pw = (g.get("vague_word") or "").lower(), (p.get("vague_word") or "").lower()
            return gw == pw or not gw or not pw
        return False
    gv, pv = read_number(str(gc)), read_number(str(pc))
    if gv is None or pv is None:
        return _norm(str(gc)) == _norm(str(pc))
    return abs(gv - pv) < 1e-6


def evidence_agrees(g: dict[str, Any], p: dict[str, Any]) -> bool:
    """Overlapping character spans, or one quote inside the other."""
    gs, ge, ps, pe = g.get("start"), g.get("end"), p.get("start"), p.get("end")
    if all(isinstance(x, int) for x in (gs, ge, ps, pe)) and (ge or pe):
        return ps < ge and gs < pe  # type: ignore[operator]
    gq, pq = _norm(g.get("quote") or ""), _norm(p.get("quote") or "")
    return bool(gq and pq) and (gq in pq or pq in gq)


def field_agrees(name: str, g: dict[str, Any], p: dict[str, Any]) -> bool:
    """Whether field *name* agrees between gold claim *g* and predicted claim *p*."""
    if name == "source":
        return sources_agree(g.get("source"), p.get("source"))
    if name == "date":
        return (g.get("date_from"), g.get("date_to")) == (p.get("date_from"), p.get("date_to"))
    if name in ("admin1", "places"):
        return {_norm(x) for x in g.get(name) or []} == {_norm(x) for x in p.get(name) or []}
    if name == "perpetrator":
        return _strip_the(g.get(name)) == _strip_the(p.get(name))
    return g.get(name) == p.get(name)


def sources_agree(a: str | None, b: str | None) -> bool:
    """Equal after folding, acronym of each other, or the shorter's words all in the longer."""
    x, y = _strip_the(a), _strip_the(b)
    if x == y:
        return True
    if not x or not y:
        return False
    if _acronym(x) == y.replace(" ", "") or _acronym(y) == x.replace(" ", ""):
        return True
    wx, wy = set(re.findall(r"[\w']+", x)), set(re.findall(r"[\w']+", y))
    short, long_ = (wx, wy) if len(wx) <= len(wy) else (wy, wx)
    short = {w[:-2] if w.endswith("'s") else w for w in short}
    long_ = {w[:-2] if w.endswith("'s") else w for w in long_}
    return bool(short) and short <= long_


def _acronym(s: str) -> str:
    words = [w for w in re.findall(r"[\w']+", s) if w not in ("of", "for", "the", "and", "in", "on")]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _strip_the(s: str | None) -> str:
    s = (s or "").strip().casefold().replace("’", "'")
    return re.sub(r"^(?:the|a|an)\s+", "", s)


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", str(s).casefold()).strip()


def _field(name: str, c: dict[str, Any]) -> Any:
    if name == "date":
        return (c.get("date_from"), c.get("date_to"))
    return c.get(name)


def _brief(c: dict[str, Any]) -> str:
    return f"{c.get('event')} {c.get('count') or c.get('vague_word')} [{(c.get('quote') or '')[:70]}]"
