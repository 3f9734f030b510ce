"""``link_records``: victim records -> persons (train, predict, calibrate, cluster), store-agnostic."""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from tally.core.errors import LinkError
from tally.link.ambiguity import exclusive_probability
from tally.link.cluster import cluster_pairs
from tally.link.engine import Engine, open_engine
from tally.link.exact_u import exact_u_probabilities, fix_u
from tally.link.features import prepare
from tally.link.model import (
    _logit2,
    bayes_factors,
    calibrate_prior,
    cap_m,
    clamp_prior,
    level_labels,
    model_for_dialect,
    settings_creator,
    term_frequencies,
    tf_frame,
)
from tally.link.spec import LinkSpec

__all__ = ["LinkResult", "Waterfall", "explain_pair", "link_records"]

log = logging.getLogger(__name__)
Decision = tuple[int, int, bool]
# EM needs blocks where matches are common: names alone gather namesakes on big lists (EM then
# "learns" that matches die months apart), so the name block is tied to the day; the date's m
# probabilities are then fixed from what lists are known to do (tally.link.model)
_TRAIN_BLOCKS = (
    "l.dod = r.dod and l.district_code = r.district_code",
    "l.given = r.given and l.family = r.family and l.dod = r.dod",
)


@dataclass(frozen=True)
class Waterfall:
    """One pair's match weight, term by term (prior first)."""

    key_a: int
    key_b: int
    rows: tuple[tuple[str, str, float, float], ...]  # comparison, level, Bayes factor, partial weight
    match_weight: float
    match_probability: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON)."""
        return {
            "key_a": self.key_a, "key_b": self.key_b,
            "match_weight": self.match_weight, "match_probability": self.match_probability,
            "terms": [dict(comparison=c, level=lv, bayes_factor=bf, match_weight=w) for c, lv, bf, w in self.rows],
        }

    def summary(self) -> str:
        """A text waterfall."""
        lines = [f"{'comparison':<16} {'level':<38} {'BF':>10} {'weight':>8}"]
        for c, lv, bf, w in self.rows:
            lines.append(f"{c:<16} {lv[:38]:<38} {bf:>10.3g} {w:>+8.2f}")
        lines.append(f"{'total':<16} {'':<38} {'':>10} {self.match_weight:>+8.2f}  "
                     f"(probability {self.match_probability:.4f})")
        return "\n".join(lines)


@dataclass(frozen=True)
class LinkResult:
    """The outcome of one linkage run (frozen)."""

    clusters: pd.Series  # record_key -> person key
    pairs: pd.DataFrame  # key_l, key_r, match_weight, match_probability, in_review
    review: pd.DataFrame  # pairs in the uncertainty band, undecided
    model_json: dict[str, Any]
    spec: LinkSpec
    metrics: dict[str, Any]
    warnings: tuple[str, ...] = ()
    features: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def persons(self) -> int:
        """Number of persons found."""
        return int(self.clusters.nunique())

    def explain(self, key_a: int, key_b: int) -> Waterfall:
        """The waterfall of one pair of records (any two records of the run)."""
        feats = self.features.set_index("record_key")
        for k in (key_a, key_b):
            if k not in feats.index:
                raise LinkError(f"record {k} is not in this run")
        return explain_pair(self.model_json, feats.loc[[key_a]].reset_index(), feats.loc[[key_b]].reset_index())


def explain_pair(model: dict[str, Any], a: pd.DataFrame, b: pd.DataFrame) -> Waterfall:
    """Score one pair of prepared records with *model* on a private DuckDB and explain it."""
    from splink import DuckDBAPI, Linker

    import duckdb

    frame = pd.concat([a, b], ignore_index=True)
    if frame["record_key"].nunique() != 2:
        raise LinkError("explain needs two different records")
    m = model_for_dialect(model, "duckdb")
    m["blocking_rules_to_generate_predictions"] = [{"blocking_rule": "1=1", "sql_dialect": "duckdb"}]
    m["retain_intermediate_calculation_columns"] = True
    con = duckdb.connect()
    try:
        con.execute("SET memory_limit = '500MB'")
        api = DuckDBAPI(connection=con)
        sdf = api.register(frame, table_name="tally_explain")
        linker = Linker(sdf, m, log_level=None)
        # the run's name frequencies (two records alone would make every name look common)
        for col, table in model.get(TF_KEY, {}).items():
            tf_sdf = api.register(tf_frame(table, col), table_name=f"tally_explain_tf_{col}")
            linker.table_management.register_term_frequency_lookup(tf_sdf, col)
        out = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
    finally:
        con.close()
    row = out.iloc[0]
    labels, bfs = level_labels(model), bayes_factors(model)
    prior = float(model["probability_two_random_records_match"])
    if WITHIN_PRIOR_KEY in model and a["source"].iloc[0] == b["source"].iloc[0]:
        prior, prior_label = float(model[WITHIN_PRIOR_KEY]), "two random records of one list"
    else:
        prior_label = "two random records"
    rows = [("prior", prior_label, prior / (1 - prior), _logit2(prior))]
    total = _logit2(prior)
    for comp, table in bfs.items():
        mw = float(row[f"mw_{comp}"])
        g = min(table, key=lambda k: abs(math.log2(table[k]) - mw) if table[k] > 0 else math.inf)
        total += mw
        rows.append((comp, labels[comp].get(g, str(g)), 2.0**mw, mw))
        tf_mw = float(row.get(f"mw_tf_adj_{comp}", 0.0) or 0.0)
        if tf_mw:
            total += tf_mw
            rows.append((comp, "name frequency adjustment", 2.0**tf_mw, tf_mw))
    ka, kb = int(row["record_key_l"]), int(row["record_key_r"])
    return Waterfall(ka, kb, tuple(rows), total, 1 / (1 + 2 ** (-total)))


def _empty(spec: LinkSpec, warnings: list[str], features: pd.DataFrame) -> LinkResult:
    clusters = pd.Series(features["record_key"].to_numpy(), index=pd.Index(features["record_key"], name="record_key"),
                         name="person", dtype="int64")
    cols = ["key_l", "key_r", "match_weight", "match_probability", "in_review"]
    return LinkResult(clusters=clusters, pairs=pd.DataFrame(columns=cols), review=pd.DataFrame(columns=cols),
                      model_json={}, spec=spec, metrics={"records": len(features), "persons": len(features)},
                      warnings=tuple(warnings), features=features)


def _train(linker: Any, spec: LinkSpec, n: int, n_sources: int, labels: pd.DataFrame | None,
           api: Engine, warnings: list[str], metrics: dict[str, Any]) -> dict[str, Any]:
    from splink import Linker

    total = n * (n - 1) / 2
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(spec.deterministic_rules), recall=spec.deterministic_recall
        )
        prior = float(linker.misc.save_model_to_json()["probability_two_random_records_match"])
    except Exception as exc:  # noqa: BLE001 — Splink raises ValueError/SplinkException here
        warnings.append(f"deterministic prior failed ({exc}); using one match per record")
        prior = math.nan
    observed = 0 if math.isnan(prior) else int(round(prior * total * spec.deterministic_recall))
    metrics["prior_deterministic"] = prior
    metrics["deterministic_matches"] = observed
    prior = clamp_prior(prior, n, n_sources, observed, warnings)
    linker.training.estimate_u_using_random_sampling(max_pairs=spec.u_max_pairs, seed=spec.seed)
    for rule in _TRAIN_BLOCKS:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=spec.em_max_pairs, estimate_without_term_frequencies=True
            )
        except Exception as exc:  # noqa: BLE001 — EM can fail on tiny or degenerate data
            warnings.append(f"EM on '{rule}' skipped: {exc}")
    if labels is not None and len(labels):
        tbl = api.register(labels, f"tally_labels_{int(time.time() * 1000)}")
        linker.training.estimate_m_from_pairwise_labels(tbl)
        metrics["m_from_reviewed_pairs"] = len(labels)
    trained = linker.misc.save_model_to_json()
    trained["probability_two_random_records_match"] = prior
    # Splink drops comparisons an EM session could not see (no blocked pairs on tiny lists):
    # rebuild the full model, keeping what was trained and the domain defaults elsewhere
    model = cap_m(model_for_dialect(trained, api.dialect, spec, strict=False, warnings=warnings), warnings=warnings)
    _ = Linker
    return model


# Kept in the model JSON beside Splink's settings (and removed before Splink sees it).
TF_KEY = "tally_term_frequencies"
WITHIN_PRIOR_KEY = "tally_prior_within_list"


def _register_tf(linker: Any, engine: Any, tf: dict[str, dict[str, float]]) -> None:
    """Give Splink the run's name-frequency tables (the same ones are stored with the model)."""
    for col, table in tf.items():
        sdf = engine.register(tf_frame(table, col), f"tally_tf_{col}_{int(time.time() * 1000)}")
        linker.table_management.register_term_frequency_lookup(sdf, col)


class _SplinkLog(logging.Handler):
    """Splink's warnings during a run, kept for the run's warnings instead of printed.

    Splink logs through the standard ``logging`` module; left alone its warnings (e.g. one per
    comparison level EM could not train) are printed between the CLI's lines.  They become a few
    lines of the result's warnings, the untrained levels summarised in one.
    """

    _UNTRAINED = re.compile(r"Level (.+) on comparison (\S+) not observed in dataset")

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self._logger = logging.getLogger("splink")
        self._propagate = self._logger.propagate
        self._logger.addHandler(self)
        self._logger.propagate = False

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().strip())

    def finish(self) -> list[str]:
        """Detach; the messages heard, summarised."""
        self._logger.removeHandler(self)
        self._logger.propagate = self._propagate
        self.close()
        untrained: dict[str, None] = {}
        other: dict[str, None] = {}
        for msg in self.messages:
            m = self._UNTRAINED.search(msg)
            if m:
                untrained[f"{m.group(2)}: {m.group(1)}"] = None
            elif msg:
                other[msg.splitlines()[0]] = None
        out = [f"splink: {m}" for m in other]
        if untrained:
            out.append(f"EM saw no pairs at {len(untrained)} comparison level(s), whose m stay at their starting "
                       f"values: {'; '.join(untrained)}")
        return out


_PAIR_COLS = ("record_key_l", "record_key_r", "match_weight", "mw_given_name", "mw_father_name")


def _fetch_pairs(engine: Engine, linker: Any, table: str, model: dict[str, Any]) -> pd.DataFrame:
    """The scored pairs as key_l, key_r, match_weight, given_differs, father_differs (compact numpy columns).

    On DuckDB the prediction is read in Arrow record batches and reduced batch by batch, so
    no wide or object-typed frame of all pairs is ever built (that was the linkage's peak).
    """
    bfs = bayes_factors(model)
    else_w = math.log2(bfs["given_name"][0])  # level 0 = "different"
    father_w = math.log2(bfs["father_name"][0])
    sql = f"select {', '.join(_PAIR_COLS)} from {table}"
    if engine.connection is None:  # Spark: through Splink
        raw = linker.misc.query_sql(sql, output_type="pandas")
        n = len(raw)
        batches: Iterable[Any] = [pa.RecordBatch.from_pandas(raw[list(_PAIR_COLS)], preserve_index=False)]
        del raw
    else:
        n = int(engine.connection.sql(f"select count(*) from {table}").fetchall()[0][0])
        batches = engine.connection.sql(sql).to_arrow_reader(1_000_000)
    # filled in place, batch by batch: no list of parts to concatenate (that doubled the peak)
    key_l, key_r = np.empty(n, dtype="int64"), np.empty(n, dtype="int64")
    weight, differs = np.empty(n, dtype="float64"), np.empty(n, dtype=bool)
    father = np.empty(n, dtype=bool)
    at = 0
    for b in batches:
        k = b.num_rows
        if at + k > n:
            raise LinkError("the prediction grew while it was read")
        key_l[at:at + k] = b.column(0).to_numpy(zero_copy_only=False)
        key_r[at:at + k] = b.column(1).to_numpy(zero_copy_only=False)
        weight[at:at + k] = b.column(2).to_numpy(zero_copy_only=False)
        differs[at:at + k] = np.isclose(b.column(3).to_numpy(zero_copy_only=False).astype(float), else_w, atol=1e-6)
        father[at:at + k] = np.isclose(b.column(4).to_numpy(zero_copy_only=False).astype(float), father_w, atol=1e-6)
        at += k
    if at != n:
        raise LinkError(f"read {at} scored pairs of {n}")
    return pd.DataFrame({"key_l": key_l, "key_r": key_r, "match_weight": weight, "given_differs": differs,
                         "father_differs": father}, copy=False)


def _list_clash(clusters: pd.Series, codes: pd.Series, kl: np.ndarray, kr: np.ndarray, features: pd.DataFrame,
                dup_sources: Iterable[str]) -> np.ndarray:
    """Pairs in two persons of which one already holds a record of the other record's list.

    The one-record-per-list rule refused them: a reviewer's "match" would not link them, and
    few are matches (a namesake's records, mostly), so they are not queued for review.
    """
    n_src = int(codes.max()) + 1 if len(codes) else 1
    dup = np.isin(np.arange(n_src), codes[features["source"].isin(list(dup_sources)).to_numpy()].unique())
    person = clusters.to_numpy(dtype="int64")
    held = np.unique(person * n_src + codes.reindex(clusters.index).to_numpy())
    pl, pr = clusters.reindex(kl).to_numpy(dtype="int64"), clusters.reindex(kr).to_numpy(dtype="int64")
    sl, sr = codes.reindex(kl).to_numpy(), codes.reindex(kr).to_numpy()
    clash = (np.isin(pr * n_src + sl, held) & ~dup[sl]) | (np.isin(pl * n_src + sr, held) & ~dup[sr])
    return clash & (pl != pr)


def link_records(
    records: pd.DataFrame,
    spec: LinkSpec | None = None,
    decisions: Iterable[Decision] = (),
) -> LinkResult:
    """Link victim records into persons.

    *records* has columns record_key (unique int), source, record_id, name, sex, age, age_group,
    date_of_death, governorate_code, district_code, place, status.  *decisions* are reviewed
    pairs (key_a, key_b, is_match): respected by clustering, and used to re-estimate the model
    when there are at least ``spec.min_reviewed_for_m`` matches.
    """
    spec = spec or LinkSpec()
    t0 = time.perf_counter()
    features, warnings = prepare(records, workers=spec.threads)
    n = len(features)
    decided = [(int(a), int(b), bool(m)) for a, b, m in decisions]
    if n < 2:
        warnings.append("no records to link" if n == 0 else "one record: nothing to link")
        return _empty(spec, warnings, features)
    n_sources = int(features["source"].nunique())
    metrics: dict[str, Any] = {"records": n, "sources": n_sources}
    if n_sources == 1 and not spec.sources_with_duplicates:
        warnings.append(
            "one list only: its records are merged only as near-certain double entries "
            "(duplicate_threshold), or as any match if the list is declared in sources_with_duplicates"
        )
    matches = [(a, b) for a, b, m in decided if m]
    labels = None
    fix_given = True
    if len(matches) >= spec.min_reviewed_for_m:
        labels = pd.DataFrame({"record_key_l": [min(a, b) for a, b in matches],
                               "record_key_r": [max(a, b) for a, b in matches],
                               "clerical_match_score": 1.0})
        fix_given = False
    from splink import Linker

    engine = open_engine(spec)
    heard = _SplinkLog()
    try:
        sdf = engine.register(features, "tally_records")
        if spec.model:
            model = model_for_dialect(spec.model, engine.dialect, spec)
        else:
            settings = settings_creator(spec, 1e-4, fix_given=fix_given).create_settings_dict(engine.dialect)
            # u counted over all pairs where that is cheap (no sampling noise), the same for every engine
            exact = exact_u_probabilities(features, settings_creator(spec, 1e-4).create_settings_dict("duckdb"),
                                          spec.exact_u_max_groups, spec.threads)
            metrics["exact_u"] = sorted(exact)
            linker = Linker(sdf, fix_u(settings, exact), log_level=logging.WARNING)
            model = _train(linker, spec, n, n_sources, labels, engine, warnings, metrics)
        t_train = time.perf_counter()
        tf = term_frequencies(features)
        linker = Linker(sdf, {**model, "retain_intermediate_calculation_columns": True}, log_level=logging.WARNING)
        _register_tf(linker, engine, tf)
        prior = float(model["probability_two_random_records_match"])
        floor_w = _logit2(max(spec.keep_pairs_above, 1e-6)) - 8
        kw: dict[str, Any] = {"threshold_match_weight": floor_w, "warning_mode": "never"}
        if spec.predict_chunks > 1:
            kw.update(num_chunks_left=spec.predict_chunks, num_chunks_right=spec.predict_chunks)
        pred = linker.inference.predict(**kw)
        pairs = _fetch_pairs(engine, linker, pred.physical_name, model)
        pred.drop_table_from_database_and_remove_from_cache()
        t_pred = time.perf_counter()
    except LinkError:
        raise
    except Exception as exc:
        raise LinkError(f"linkage failed on {spec.engine}: {exc}") from exc
    finally:
        engine.close()
        warnings.extend(heard.finish())

    if spec.veto_spares_same_age_and_sex and pairs["given_differs"].any():
        # a sibling is rarely of the same sex and age (within a year); one person spelled two
        # ways often is: such pairs are left to the model and the list constraint
        f = features.set_index("record_key")[["age", "sex"]]
        sub = pairs.loc[pairs["given_differs"], ["key_l", "key_r"]]
        a, b = f.reindex(sub["key_l"].to_numpy()), f.reindex(sub["key_r"].to_numpy())
        age_a = a["age"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        age_b = b["age"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        same_sex = (a["sex"].reset_index(drop=True) == b["sex"].reset_index(drop=True)).fillna(False)
        same = (np.abs(age_a - age_b) <= 1) & same_sex.to_numpy(dtype=bool)  # an unknown sex is not the same
        spared = np.asarray(same, dtype=bool)
        pairs.loc[sub.index[spared], "given_differs"] = False
        metrics["veto_spared_same_age_sex"] = int(spared.sum())
    if spec.age_veto_years is not None and len(pairs):
        # two ages, both recorded, further apart than lists' age errors go: two people (a
        # namesake cousin killed in the same attack, mostly); settled like the given-name veto
        f = features.set_index("record_key")["age"].astype("Float64")
        age_l = f.reindex(pairs["key_l"].to_numpy()).to_numpy(dtype=float, na_value=np.nan)
        age_r = f.reindex(pairs["key_r"].to_numpy()).to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            pairs["ages_apart"] = np.abs(age_l - age_r) > spec.age_veto_years
        metrics["vetoed_age"] = int((pairs["ages_apart"] & ~pairs["given_differs"]).sum())
    total = n * (n - 1) / 2
    trained_prior = prior
    lo = max(metrics.get("deterministic_matches", 0), 1) / total
    hi = min(max(n * max(n_sources - 1, 1) / 2, 1) / total, 0.5)
    # a list names a victim twice far more rarely than two lists name one victim: pairs within
    # one list get their own prior (else namesakes of one list merge as "duplicates")
    codes = pd.Series(pd.factorize(features["source"])[0], index=features["record_key"].to_numpy())
    within = (codes.reindex(pairs["key_l"].to_numpy()).to_numpy()
              == codes.reindex(pairs["key_r"].to_numpy()).to_numpy())
    sizes = features["source"].value_counts().to_numpy(dtype=float)
    n_within = float((sizes * (sizes - 1) / 2).sum())
    if spec.model:
        within_prior = float(spec.model.get(WITHIN_PRIOR_KEY, prior))
    else:
        ok = ~pairs["given_differs"].to_numpy(dtype=bool)
        if "ages_apart" in pairs:
            ok &= ~pairs["ages_apart"].to_numpy(dtype=bool)
        mw = pairs["match_weight"].to_numpy(dtype=float)
        new_prior = calibrate_prior(mw[ok & ~within], prior, total - n_within, min(lo, hi), hi)
        within_prior = calibrate_prior(mw[ok & within], prior, n_within, min(1 / max(n_within, 1), hi), hi) \
            if n_within > 0 else new_prior
        metrics["prior_trained"] = prior
        metrics["prior_calibrated"] = new_prior
        if abs(math.log(new_prior / prior)) > math.log(2):
            warnings.append(f"prior recalibrated on the blocked pairs: {prior:.3g} -> {new_prior:.3g}")
        prior = new_prior
    metrics["prior_within_list"] = within_prior
    pairs["match_weight"] = pairs["match_weight"].to_numpy(dtype=float) + np.where(
        within, _logit2(within_prior), _logit2(prior)) - _logit2(trained_prior)
    model["probability_two_random_records_match"] = prior
    pairs["match_probability"] = 1 / (1 + np.exp2(-pairs["match_weight"].to_numpy(dtype=float)))
    # clustering sees every scored pair, the strong negatives too (they refuse merges that the
    # pairs kept with the run would allow); the run keeps the pairs above keep_pairs_above
    metrics["pairs_clustered"] = len(pairs)

    max_size = spec.max_cluster_size or 2 * n_sources
    clusters, stats = cluster_pairs(
        features["record_key"].to_numpy(), features["source"].to_numpy(), pairs, spec.threshold,
        max_size=max_size, sources_with_duplicates=spec.sources_with_duplicates,
        must_link=[(a, b) for a, b, m in decided if m], cannot_link=[(a, b) for a, b, m in decided if not m],
        given_name_veto=spec.given_name_veto, duplicate_threshold=spec.duplicate_threshold,
        twin_threshold=spec.twin_threshold,
    )
    pairs = pairs[pairs["match_probability"] >= spec.keep_pairs_above]
    low, high = spec.review_band
    decided_set = {(min(a, b), max(a, b)) for a, b, _ in decided}
    kl, kr = pairs["key_l"].to_numpy(), pairs["key_r"].to_numpy()
    undecided = np.array([(min(a, b), max(a, b)) not in decided_set for a, b in zip(kl, kr, strict=True)], dtype=bool)
    p = pairs["match_probability"].to_numpy()
    # vetoed pairs (given names clearly differ: siblings) are settled by the rule, not queued
    vetoed = pairs["given_differs"].to_numpy(dtype=bool) if spec.given_name_veto else np.zeros(len(pairs), bool)
    if "ages_apart" in pairs:
        vetoed = vetoed | pairs["ages_apart"].to_numpy(dtype=bool)
    queued = (p >= low) & (p < high) & undecided & ~vetoed
    if not spec.review_list_clashes:
        clash = _list_clash(clusters, codes, kl, kr, features, spec.sources_with_duplicates)
        metrics["review_list_clashes_skipped"] = int((queued & clash).sum())
        queued &= ~clash
    if spec.review_close_calls and len(pairs):
        # a link that was a close call between two records of one list (namesakes): below the
        # threshold once the record may be only one of them; merged as scored, and queued
        linked = (p >= spec.threshold) & ~vetoed
        same = clusters.reindex(kl).to_numpy() == clusters.reindex(kr).to_numpy()
        src_l, src_r = codes.reindex(kl).to_numpy(), codes.reindex(kr).to_numpy()
        # two records of one list in one person are a victim entered twice: not two candidates
        exclusive = exclusive_probability(kl, kr, p, src_l, src_r, linked, twin=same & (src_l == src_r))
        close = linked & same & undecided & (exclusive < spec.threshold) & ~queued
        metrics["review_close_calls"] = int(close.sum())
        queued |= close
    pairs = pairs.assign(in_review=queued)
    out_cols = ["key_l", "key_r", "match_weight", "match_probability", "in_review"]
    review = pairs[pairs["in_review"]].sort_values("match_probability", ascending=False)[out_cols]
    t_end = time.perf_counter()
    metrics.update(
        persons=int(clusters.nunique()), pairs_scored=len(pairs), review=len(review),
        seconds_train=round(t_train - t0, 2), seconds_predict=round(t_pred - t_train, 2),
        seconds_cluster=round(t_end - t_pred, 2), seconds_total=round(t_end - t0, 2),
        cluster=stats.to_dict(), max_cluster_size=max_size,
    )
    warnings += stats.notes
    model[TF_KEY] = tf
    model[WITHIN_PRIOR_KEY] = within_prior
    return LinkResult(
        clusters=clusters, pairs=pairs[out_cols].reset_index(drop=True), review=review.reset_index(drop=True),
        model_json=model, spec=spec, metrics=metrics, warnings=tuple(warnings), features=features,
    )
