"""Build the gold evaluation sets from their hand-written sources.

``src/<split>.yaml`` holds each article (front matter and text) with its gold claims written by
hand in short form; this script writes ``<split>/<file>.md`` and ``<split>/claims.jsonl`` in the
claim JSON format.  Only mechanical fields are derived here: the quote and its offsets (the
sentence holding the ``in`` fragment, by plain punctuation, independently of the extractor),
``low/high/best`` (by ``tally.core.quantities.interpret``, the documented rules) and ``country``
(from the admin1 codes unless given).

    python tests/extract/gold/build.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2]))

from tally.core.quantities import interpret  # noqa: E402

SHORT = {"e": "event", "n": "count", "q": "qualifier", "vw": "vague_word", "v": "victims", "vt": "victims_text",
         "s": "source", "a1": "admin1", "d": "date_from", "d2": "date_to", "cum": "cumulative", "p": "perpetrator",
         "pl": "places", "c": "country"}


def sentence_of(text: str, fragment: str) -> tuple[int, int]:
    i = text.find(fragment)
    if i < 0:
        raise SystemExit(f"fragment not found: {fragment!r}")
    start = i
    while start > 0 and not (text[start - 1] == "\n" or (text[start - 2:start] in (". ", "! ", "? ", '." ', ".” ")
                                                         and text[start].isupper() or text[start] in "\"“")):
        start -= 1
    end = i + len(fragment)
    while end < len(text) and not (text[end] == "\n" or (text[end] in ".!?" and (end + 1 >= len(text) or text[end + 1] in " \n\"”"))):
        end += 1
    if end < len(text) and text[end] in ".!?":
        end += 1
        if end < len(text) and text[end] in "\"”":
            end += 1
    while text[start] == " ":
        start += 1
    return start, end


def build(split: str) -> None:
    src = yaml.safe_load((HERE / "src" / f"{split}.yaml").read_text(encoding="utf-8"))
    out = HERE / split
    out.mkdir(exist_ok=True)
    lines = []
    for art in src:
        text = art["text"].strip() + "\n"
        fm = {k: art[k] for k in ("title", "outlet", "published", "url", "language") if k in art}
        fm.setdefault("language", "en")
        fm.setdefault("url", f"https://example.org/{split}/{art['file'][:-3]}")
        (out / art["file"]).write_text("---\n" + yaml.safe_dump(fm, sort_keys=False, allow_unicode=True) + "---\n" + text,
                                       encoding="utf-8")
        claims = []
        for c in art.get("claims") or []:
            claim = {SHORT.get(k, k): v for k, v in c.items() if k != "in"}
            claim.setdefault("count", None)
            claim.setdefault("qualifier", "vague" if claim.get("count") is None else "exact")
            claim.setdefault("victims", "people")
            claim.setdefault("source", art.get("outlet"))
            claim.setdefault("admin1", [])
            if claim.get("count") is not None:
                claim["count"] = str(claim["count"])
            for k in ("date_from", "date_to"):
                if claim.get(k) is not None:
                    claim[k] = str(claim[k])
            if claim.get("date_from") and "date_to" not in claim:
                claim["date_to"] = claim["date_from"]
            claim.setdefault("date_from", None)
            claim.setdefault("date_to", None)
            claim.setdefault("cumulative", None)
            claim.setdefault("perpetrator", None)
            claim.setdefault("places", [])
            claim.setdefault("victims_text", None)
            claim.setdefault("vague_word", None)
            claim.setdefault("country", claim["admin1"][0][:2] if claim["admin1"] else art.get("country"))
            claim["low"], claim["high"], claim["best"] = interpret(claim["count"], claim["qualifier"], claim["vague_word"])
            claim["pcodes"] = []
            s, e = sentence_of(text, c["in"])
            claim.update(quote=text[s:e], start=s, end=e)
            claims.append(claim)
        lines.append(json.dumps({"file": art["file"], "claims": claims}, ensure_ascii=False))
    (out / "claims.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{split}: {len(src)} articles, {sum(len(a.get('claims') or []) for a in src)} claims")


if __name__ == "__main__":
    for split in sys.argv[1:] or ["dev", "heldout", "heldout2"]:
        build(split)
