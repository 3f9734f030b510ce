"""Error analysis of ``tally link`` on a simulated world: false positives and negatives by kind.

    PYTHONPATH=. python bench/link_errors.py --seed 0            # the default world (10k victims)
    PYTHONPATH=. python bench/link_errors.py --seed 0 --show 20  # and 20 examples of each class

The world is ``tally simulate --seed S`` (cached under bench/.cache/), its lists read with the
ingest stage's reader and gazetteer (what ``tally ingest`` stores), linked with ``link_records``
and the default LinkSpec.  Every true pair that was not linked (false negative) is put in one
class: not blocked, scored below the kept floor, vetoed (given names differ), scored below the
threshold, or cut by clustering; every linked pair that is not true (false positive) by how the
two victims are related in the world (same family and event, namesakes, unrelated).  For each
class it counts which fields agree, and what the simulator did to the records (typo, script,
date shift, duplicate).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"


def load_world(seed: int, victims: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, Path]:
    """(records as ``tally ingest`` reads them, key, world directory) of ``tally simulate --seed``."""
    from tally.simulate import simulate
    from tally.simulate.spec import make_spec

    world = CACHE / f"errors_{seed}_{victims or 'default'}.world"
    if not (world / "truth" / "key.csv").exists():
        simulate(make_spec(None, seed=seed, victims=victims), world)
    key = pd.read_csv(world / "truth" / "key.csv", dtype=str)
    return read_lists(world), key, world


def read_lists(world: Path) -> pd.DataFrame:
    """A simulated world's lists as ``tally ingest`` reads them (the linkage's columns, a record_key)."""
    from tally.core.gazetteer import Gazetteer
    from tally.ingest.victims import RECORD_COLUMNS, iter_records, plan_list

    gaz = Gazetteer.default()
    rows = []
    for path in sorted((world / "lists").glob("*.csv")):
        plan = plan_list(path)
        for source, values in iter_records(path, plan, source=path.stem, gazetteer=gaz):
            rec = dict(zip(RECORD_COLUMNS, values), source=source)
            rows.append({k: rec.get(k) for k in ("source", "record_id", "name", "sex", "age", "age_group",
                                                  "date_of_death", "governorate_code", "district_code", "place",
                                                  "status")})
    records = pd.DataFrame(rows)
    records.insert(0, "record_key", range(len(records)))
    return records


def _pairs_of(groups: pd.Series) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for keys in groups.groupby(groups.to_numpy()).groups.values():
        ks = sorted(int(k) for k in keys)
        out.update((a, b) for i, a in enumerate(ks) for b in ks[i + 1:])
    return out


def _frame(pairs: set[tuple[int, int]], feats: pd.DataFrame, info: pd.DataFrame, spec, scored: pd.DataFrame):
    import duckdb

    df = pd.DataFrame(sorted(pairs), columns=["a", "b"])
    con = duckdb.connect()
    con.register("p", df)
    con.register("f", feats)
    con.register("scored", scored)
    rules = ", ".join(f"({r}) as rule{i}" for i, r in enumerate(spec.blocking_rules))
    out = con.sql(f"""
        select p.a, p.b, {rules},
          (l.given is null or r.given is null) as given_missing,
          coalesce(l.given = r.given, false) as given_eq,
          coalesce(jaro_winkler_similarity(l.given, r.given), 0) as given_jw,
          coalesce(l.given = r.family and l.family = r.given, false) as swapped,
          (l.father is null or r.father is null) as father_missing,
          coalesce(l.father = r.father, false) as father_eq,
          (l.family is null or r.family is null) as family_missing,
          coalesce(l.family = r.family, false) as family_eq,
          coalesce(l.family_sk = r.family_sk, false) as family_sk_eq,
          abs(l.dod - r.dod) as dod_diff,
          coalesce(l.district_code = r.district_code, false) as district_eq,
          coalesce(l.governorate_code = r.governorate_code, false) as gov_eq,
          abs(l.age - r.age) as age_diff,
          l.source = r.source as same_source,
          l.given as given_l, r.given as given_r, l.father as father_l, r.father as father_r,
          l.family as family_l, r.family as family_r,
          s.match_probability as p
        from p join f l on l.record_key = p.a join f r on r.record_key = p.b
        left join scored s on s.key_l = least(p.a, p.b) and s.key_r = greatest(p.a, p.b)
    """).df()
    con.close()
    out["blocked"] = out[[f"rule{i}" for i in range(len(spec.blocking_rules))]].fillna(False).any(axis=1)
    return out.merge(info.add_suffix("_a"), left_on="a", right_index=True).merge(
        info.add_suffix("_b"), left_on="b", right_index=True)


def _describe(df: pd.DataFrame, title: str, show: int) -> None:
    print(f"\n  {title}: {len(df)}")
    if not len(df):
        return
    facts = {
        "given same": df.given_eq, "given JW>=0.92 (not same)": ~df.given_eq & (df.given_jw >= 0.92),
        "given missing": df.given_missing, "swapped": df.swapped,
        "father same": df.father_eq, "father missing": df.father_missing,
        "family same": df.family_eq, "family same skeleton": df.family_sk_eq & ~df.family_eq,
        "date same": df.dod_diff == 0, "date 1-3 apart": df.dod_diff.between(1, 3), "date >3 apart": df.dod_diff > 3,
        "district same": df.district_eq, "gov same (district not)": df.gov_eq & ~df.district_eq,
        "typo in one": df.typo_a | df.typo_b, "different scripts": df.script_a != df.script_b,
        "same source": df.same_source,
    }
    print("    " + ", ".join(f"{k} {int(v.sum())}" for k, v in facts.items()))
    if show:
        cols = ["given_l", "father_l", "family_l", "given_r", "father_r", "family_r", "dod_diff", "district_eq",
                "age_diff", "p"]
        with pd.option_context("display.width", 250, "display.max_columns", 20):
            print(df[cols].head(show).to_string(index=False))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0, help="simulator seed (default 0: the default world)")
    ap.add_argument("--victims", type=int, default=None, help="victims (default: the simulator's, 10,000)")
    ap.add_argument("--show", type=int, default=0, help="examples to print per class")
    ap.add_argument("--dump", type=Path, default=None, help="write the FN/FP pairs to DUMP.fn/fp.parquet")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from tally.link.evaluate import score_clusters
    from tally.link.linkage import link_records
    from tally.link.spec import LinkSpec

    CACHE.mkdir(parents=True, exist_ok=True)
    records, key, world = load_world(args.seed, args.victims)
    spec = LinkSpec()
    t = time.perf_counter()
    res = link_records(records, spec)
    wall = time.perf_counter() - t
    pred = records[["record_key", "source", "record_id"]].rename(columns={"record_id": "id"})
    pred["person"] = pred["record_key"].map(res.clusters)
    score = score_clusters(pred, key)
    print(f"seed {args.seed}: {len(records)} records, {wall:.1f} s")
    print(score.summary())
    print(f"review queue {res.metrics['review']}, pairs kept {res.metrics['pairs_scored']}, "
          f"cluster {res.metrics['cluster']}")

    flags = pd.read_csv(world / "truth" / "records.csv", dtype={"source": str, "id": str})
    victims = pd.read_csv(world / "truth" / "victims.csv", dtype={"person": str})
    info = pred.merge(key.rename(columns={"person": "true"}), on=["source", "id"]).merge(
        flags.drop(columns="person"), on=["source", "id"]).merge(
        victims[["person", "father", "family", "event_id"]].rename(columns={"person": "true"}), on="true")
    info = info.set_index("record_key")[["true", "typo", "script", "date_shift", "duplicate", "copied", "father",
                                          "family", "event_id"]]
    info["typo"] = info["typo"].astype(bool)
    truth_pairs = _pairs_of(info["true"])
    pred_pairs = _pairs_of(res.clusters.reindex(info.index))
    scored = res.pairs[["key_l", "key_r", "match_probability"]]

    fn = _frame(truth_pairs - pred_pairs, res.features, info, spec, scored)
    print(f"\nFALSE NEGATIVES {len(fn)} (of {len(truth_pairs)} true pairs)")
    vetoed = (~fn.given_missing & ~fn.given_eq & ~fn.swapped & (fn.given_jw < 0.92))
    classes = {
        "not blocked": ~fn.blocked,
        "blocked, below kept floor": fn.blocked & fn.p.isna(),
        "given-name veto": fn.p.notna() & vetoed,
        "scored below threshold": fn.p.notna() & ~vetoed & (fn.p < spec.threshold),
        "cut by clustering (p >= threshold)": fn.p.notna() & ~vetoed & (fn.p >= spec.threshold),
    }
    for name, mask in classes.items():
        _describe(fn[mask], name, args.show)

    fp = _frame(pred_pairs - truth_pairs, res.features, info, spec, scored)
    print(f"\nFALSE POSITIVES {len(fp)} (of {len(pred_pairs)} predicted pairs)")
    same_fam = (fp.family_a == fp.family_b) & (fp.event_id_a == fp.event_id_b)
    kin = same_fam & (fp.father_a == fp.father_b)
    classes = {
        "siblings (same father, family, event)": kin,
        "same family and event, other father": same_fam & ~kin,
        "same family, other event": (fp.family_a == fp.family_b) & (fp.event_id_a != fp.event_id_b),
        "other family": fp.family_a != fp.family_b,
    }
    for name, mask in classes.items():
        _describe(fp[mask], name, args.show)
    if args.dump:
        fn.to_parquet(args.dump.with_suffix(".fn.parquet"))
        fp.to_parquet(args.dump.with_suffix(".fp.parquet"))
    print("\nFP probability (direct pair):", Counter(pd.cut(fp.p, [0, .5, .7, .9, .99, 1.0]).astype(str)))


if __name__ == "__main__":
    main()
