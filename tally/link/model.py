"""The Splink model: comparisons, training with guards, and per-pair explanations.

Guards against three traps seen on real-sized lists:

1. *Prior too low.*  The probability that two random records match comes from deterministic
   rules (Splink's estimate), is then clamped into what the data allow (at least the
   deterministic matches, at most one match per record per other list), and after prediction is
   re-calibrated as a fixed point over the blocked pairs (:func:`calibrate_prior`).
2. *Chaining.*  Handled in :mod:`tally.link.cluster`.
3. *EM learning that matches disagree on the given name* (families killed together look alike on
   everything else): the given-name m probabilities are fixed from domain knowledge
   (``LinkSpec.given_name_m``) and only re-estimated from reviewed pairs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from tally.core.errors import LinkError
from tally.link.spec import LinkSpec

__all__ = [
    "COMPARISONS",
    "TF_COLUMNS",
    "calibrate_prior",
    "clamp_prior",
    "comparisons",
    "level_labels",
    "settings_creator",
    "term_frequencies",
    "tf_frame",
]

# Output column names of the comparisons, in model order.
COMPARISONS: tuple[str, ...] = (
    "given_name", "father_name", "family_name", "whole_name", "date_of_death", "place", "age",
    "sex", "status",
)

# Name parts whose exact agreement is weighed by the name's frequency.
TF_COLUMNS: tuple[str, ...] = ("given", "father", "family")


def term_frequencies(features: pd.DataFrame, columns: tuple[str, ...] = TF_COLUMNS) -> dict[str, dict[str, float]]:
    """Each name's share of the non-empty values of its column, for names seen at least twice.

    Stored with the model so that a pair explained later is scored as in the run (two records
    that agree on a name always hold a name seen at least twice).
    """
    out: dict[str, dict[str, float]] = {}
    for col in columns:
        counts = features[col].dropna().value_counts()
        total = int(counts.sum())
        counts = counts[counts >= 2]
        out[col] = {str(k): float(v) / total for k, v in counts.items()} if total else {}
    return out


def tf_frame(table: dict[str, float], col: str) -> pd.DataFrame:
    """One column's term frequencies as the lookup table Splink expects (col, tf_col)."""
    return pd.DataFrame({col: pd.Series(list(table), dtype=object),
                         f"tf_{col}": pd.Series(list(table.values()), dtype="float64")})


def _lvl(sql: str, label: str, m: float | None = None, *, fix_m: bool = False, null: bool = False,
         tf: str | None = None) -> Any:
    from splink import comparison_level_library as cll

    lvl = cll.CustomLevel(sql, label_for_charts=label)
    kw: dict[str, Any] = {}
    if tf is not None:
        # a shared common name (Muhammad, al-Ahmad) is weaker evidence than a shared rare one:
        # the level's u becomes the name's frequency (Splink's term-frequency adjustment)
        kw["tf_adjustment_column"] = tf
    if m is not None:
        kw["m_probability"] = m
    if fix_m:
        kw["fix_m_probability"] = True
    if null:
        kw["is_null_level"] = True
    return lvl.configure(**kw) if kw else lvl


def _jw(col: str, thr: float, label: str, m: float, fix_m: bool = False) -> Any:
    from splink import comparison_level_library as cll

    kw: dict[str, Any] = {"m_probability": m, "label_for_charts": label}
    if fix_m:
        kw["fix_m_probability"] = True
    return cll.JaroWinklerLevel(col, thr).configure(**kw)


def _similar_given(m: float, fix: bool) -> Any:
    """Jaro-Winkler >= 0.92, or the same name but for e/i and o/u (Nahed/Nahid, Samer/Samir as the
    scholarly habit writes سامر): transliterations that the given-name veto must not part."""
    from splink import comparison_level_library as cll

    vowels = cll.CustomLevel("translate(given_l, 'eo', 'iu') = translate(given_r, 'eo', 'iu')")
    kw: dict[str, Any] = {"m_probability": m, "label_for_charts": "similar (Jaro-Winkler >= 0.92 or e/i, o/u)"}
    if fix:
        kw["fix_m_probability"] = True
    return cll.Or(cll.JaroWinklerLevel("given", 0.92), vowels).configure(**kw)


def _given_name(m: dict[str, float], fix: bool) -> Any:
    """Given names: no consonant-skeleton level (Muhammad and Mahmud share one: brothers)."""
    from splink import comparison_library as cl

    return cl.CustomComparison(
        [
            _lvl("given_l IS NULL OR given_r IS NULL", "missing", null=True),
            _lvl("given_l = given_r", "same name", m["exact"], fix_m=fix, tf="given"),
            _lvl("given_l = family_r AND family_l = given_r", "given and family swapped", m["swapped"], fix_m=fix),
            _similar_given(m["fuzzy"], fix),
            _lvl("ELSE", "different", m["else"], fix_m=fix),
        ],
        output_column_name="given_name",
    )


def _name_part(col: str, out: str, m: dict[str, float], fix: bool) -> Any:
    from splink import comparison_library as cl

    return cl.CustomComparison(
        [
            _lvl(f"{col}_l IS NULL OR {col}_r IS NULL", "missing", null=True),
            _lvl(f"{col}_l = {col}_r", "same name", m["exact"], fix_m=fix, tf=col),
            _lvl(f"{col}_sk_l = {col}_sk_r", "same consonants", m["skeleton"], fix_m=fix),
            _jw(col, 0.88, "similar (Jaro-Winkler >= 0.88)", m["fuzzy"], fix_m=fix),
            _lvl("ELSE", "different", m["else"], fix_m=fix),
        ],
        output_column_name=out,
    )


def comparisons(spec: LinkSpec, *, fix_given: bool = True) -> list[Any]:
    """The model's comparisons (Splink creators), with domain-knowledge starting m values."""
    from splink import comparison_level_library as cll
    from splink import comparison_library as cl

    other_m = {"exact": 0.80, "skeleton": 0.08, "fuzzy": 0.06, "else": 0.06}
    family = cl.CustomComparison(
        [
            _lvl("family_l IS NULL OR family_r IS NULL", "missing", null=True),
            _lvl("family_l = family_r", "same name", 0.8, tf="family"),
            _lvl("family_sk_l = family_sk_r", "same consonants", 0.08),
            _jw("family", 0.88, "similar (Jaro-Winkler >= 0.88)", 0.05),
            _lvl("family_l = father_r OR father_l = family_r OR family_l = given_r OR given_l = family_r",
                 "family name in another part", 0.03),
            _lvl("ELSE", "different", 0.04),
        ],
        output_column_name="family_name",
    )
    whole = cl.CustomComparison(
        [
            _lvl(
                "name_tokens_l IS NULL OR name_tokens_r IS NULL OR "
                "(given_l IS NOT NULL AND given_r IS NOT NULL AND family_l IS NOT NULL AND family_r IS NOT NULL)",
                "parts known on both sides (not used)",
                null=True,
            ),
            cll.ArrayIntersectLevel("name_tokens", 2).configure(m_probability=0.6, label_for_charts="2+ names shared"),
            cll.ArrayIntersectLevel("name_tokens", 1).configure(m_probability=0.3, label_for_charts="1 name shared"),
            _lvl("ELSE", "no name shared", 0.1),
        ],
        output_column_name="whole_name",
    )
    dod = cl.CustomComparison(
        [
            _lvl("dod_l IS NULL OR dod_r IS NULL", "missing", null=True),
            # fixed: lists copy dates with errors of a few days (EM on namesakes learns nonsense)
            _lvl("dod_l = dod_r", "same day", 0.80, fix_m=True),
            _lvl("abs(dod_l - dod_r) <= 1", "within 1 day", 0.09, fix_m=True),
            _lvl("abs(dod_l - dod_r) <= 3", "within 3 days", 0.07, fix_m=True),
            _lvl("abs(dod_l - dod_r) <= 7", "within 7 days", 0.025, fix_m=True),
            _lvl("ELSE", "further apart", 0.015, fix_m=True),
        ],
        output_column_name="date_of_death",
    )
    place = cl.CustomComparison(
        [
            _lvl("governorate_code_l IS NULL OR governorate_code_r IS NULL", "missing", null=True),
            _lvl("district_code_l = district_code_r", "same district", 0.75),
            # a list that leaves the district empty says nothing about it: not "another district"
            _lvl("governorate_code_l = governorate_code_r AND (district_code_l IS NULL OR district_code_r IS NULL)",
                 "same governorate, district unknown", 0.15),
            _lvl("governorate_code_l = governorate_code_r", "same governorate, other district", 0.05),
            _lvl("ELSE", "different governorate", 0.05),
        ],
        output_column_name="place",
    )
    age = cl.CustomComparison(
        [
            _lvl("(age_l IS NULL OR age_r IS NULL) AND (age_group_l IS NULL OR age_group_r IS NULL)", "missing", null=True),
            _lvl("age_l = age_r", "same age", 0.6),
            _lvl("abs(age_l - age_r) <= 1", "within 1 year", 0.15),
            _lvl("abs(age_l - age_r) <= 3", "within 3 years", 0.1),
            _lvl("abs(age_l - age_r) <= 5", "within 5 years", 0.05),
            _lvl("(age_l IS NULL OR age_r IS NULL) AND age_group_l = age_group_r", "same age group", 0.05),
            _lvl("ELSE", "different age", 0.05),
        ],
        output_column_name="age",
    )
    sex = cl.CustomComparison(
        [
            _lvl("sex_l IS NULL OR sex_r IS NULL", "missing", null=True),
            _lvl("sex_l = sex_r", "same sex", 0.97),
            _lvl("ELSE", "different sex", 0.03),
        ],
        output_column_name="sex",
    )
    status = cl.CustomComparison(
        [
            _lvl("status_l IS NULL OR status_r IS NULL", "missing", null=True),
            _lvl("status_l = status_r", "same status", 0.9),
            _lvl("ELSE", "different status", 0.1),
        ],
        output_column_name="status",
    )
    return [
        _given_name(spec.given_name_m, fix_given),
        _name_part("father", "father_name", other_m, False),
        family,
        whole,
        dod,
        place,
        age,
        sex,
        status,
    ]


def settings_creator(spec: LinkSpec, prior: float, *, fix_given: bool = True) -> Any:
    """Splink settings for a dedupe of all lists at once (within-list pairs too)."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_key",
        comparisons=comparisons(spec, fix_given=fix_given),
        blocking_rules_to_generate_predictions=list(spec.blocking_rules),
        probability_two_random_records_match=prior,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["source"],
        max_iterations=20,
        em_convergence=0.001,
    )


def model_for_dialect(
    model: dict[str, Any], dialect: str, spec: LinkSpec | None = None, *, strict: bool = True,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """A trained *model* rebuilt for *dialect*: comparisons' SQL from our creators, m/u and prior kept.

    A model JSON carries SQL of the engine that trained it (DuckDB's list_intersect, say); reusing
    it on another engine needs the comparisons written anew for that engine.  With
    ``strict=False`` a comparison missing from *model* keeps its domain defaults, and levels
    never observed get a small u probability, so that every comparison takes part in prediction.
    """
    spec = spec or LinkSpec()
    prior = float(model.get("probability_two_random_records_match", 1e-4))
    fresh = settings_creator(spec, prior).create_settings_dict(dialect)
    old = {c["output_column_name"]: c for c in model.get("comparisons", [])}
    for comp in fresh["comparisons"]:
        name = comp["output_column_name"]
        src = old.get(name)
        if src is None or len(src["comparison_levels"]) != len(comp["comparison_levels"]):
            if strict:
                raise LinkError(f"model does not fit this version's comparison {name!r}")
            if warnings is not None:
                warnings.append(f"comparison {name} not trained (too few pairs): domain defaults used")
            src = comp
        for new, was in zip(comp["comparison_levels"], src["comparison_levels"], strict=True):
            for k in ("m_probability", "u_probability"):
                if was.get(k) is not None:
                    new[k] = was[k]
        _fill_missing(comp)
    fresh.pop("linker_uid", None)
    return fresh


def _fill_missing(comp: dict[str, Any]) -> None:
    """Give unobserved levels small probabilities so Splink keeps the comparison."""
    levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
    for k, floor in (("u_probability", 1e-4), ("m_probability", 1e-3)):
        known = sum(lv[k] for lv in levels if lv.get(k) is not None)
        for i, lv in enumerate(levels):
            if lv.get(k) is None:
                last = i == len(levels) - 1
                lv[k] = max(1 - known, floor) if last else floor


# Disagreements that true matches rarely show (lists copy ages and sexes, with small errors; a
# father's or family name miscopied is a typo or a spelling, caught by the skeleton and
# Jaro-Winkler levels): EM learns them high when families and namesakes die together (0.04 for
# age, 0.10 for the father's and the family name on the default simulated world), so they are capped.
M_CAPS: dict[tuple[str, str], float] = {
    ("age", "different age"): 0.02,
    ("sex", "different sex"): 0.01,
    ("date_of_death", "further apart"): 0.02,
    ("father_name", "different"): 0.03,
    ("family_name", "different"): 0.03,
}


def cap_m(model: dict[str, Any], caps: dict[tuple[str, str], float] = M_CAPS,
          warnings: list[str] | None = None) -> dict[str, Any]:
    """Cap the m probability of disagreement levels; the excess goes to the other levels."""
    for comp in model.get("comparisons", []):
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        for lv in levels:
            cap = caps.get((comp["output_column_name"], lv.get("label_for_charts", "")))
            m = lv.get("m_probability")
            if cap is None or m is None or m <= cap:
                continue
            others = [o for o in levels if o is not lv and o.get("m_probability") is not None]
            total = sum(o["m_probability"] for o in others)
            if total <= 0:
                continue
            for o in others:
                o["m_probability"] *= (1 - cap) / total
            lv["m_probability"] = cap
            if warnings is not None:
                name = f"{comp['output_column_name']} '{lv['label_for_charts']}'"
                warnings.append(f"m of {name} capped: {m:.3f} -> {cap}")
    return model


def clamp_prior(
    prior: float, n_records: int, n_sources: int, observed: int, warnings: list[str]
) -> float:
    """Keep the prior inside what the data allow; records why when it had to move.

    At least the ``observed`` deterministic matches exist; at most each record matches one
    record in each other list: n * (L - 1) / 2 pairs.
    """
    total = n_records * (n_records - 1) / 2
    if total <= 0:
        return 0.5
    lo = max(observed, 1) / total
    hi = max(n_records * max(n_sources - 1, 1) / 2, 1) / total
    hi = min(hi, 0.5)
    lo = min(lo, hi)
    if not math.isfinite(prior) or prior < lo:
        warnings.append(
            f"prior {prior:.3g} below the deterministic matches' floor: raised to {lo:.3g}"
        )
        return lo
    if prior > hi:
        warnings.append(f"prior {prior:.3g} above one match per record per list: lowered to {hi:.3g}")
        return hi
    return prior


def _logit2(p: float) -> float:
    p = min(max(p, 1e-300), 1 - 1e-16)
    return math.log2(p / (1 - p))


def calibrate_prior(
    match_weight: np.ndarray, prior: float, total_pairs: float, lo: float, hi: float,
    iterations: int = 50,
) -> float:
    """Fixed point of λ = Σ P(match | pair, λ) / all pairs over the blocked pairs.

    Changing the prior shifts every match weight by the same amount, so this needs no new
    prediction: pairs outside the blocking (or below the retained floor) count as non-matches.
    """
    if total_pairs <= 0 or match_weight.size == 0:
        return prior
    base = match_weight - _logit2(prior)  # the evidence alone (Bayes factors)
    lam = prior
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp2(-(base + _logit2(lam))))
        new = float(np.clip(p.sum() / total_pairs, lo, hi))
        if abs(new - lam) <= 1e-3 * lam:
            lam = new
            break
        lam = new
    return lam


def level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """comparison output name -> {gamma value -> label} from a Splink model JSON."""
    out: dict[str, dict[int, str]] = {}
    for comp in model.get("comparisons", []):
        levels = [lv for lv in comp["comparison_levels"]]
        labels: dict[int, str] = {}
        k = len([lv for lv in levels if not lv.get("is_null_level")]) - 1
        for lv in levels:
            if lv.get("is_null_level"):
                labels[-1] = lv.get("label_for_charts", "missing")
            else:
                labels[k] = lv.get("label_for_charts", lv.get("sql_condition", "?"))
                k -= 1
        out[comp["output_column_name"]] = labels
    return out


def bayes_factors(model: dict[str, Any]) -> dict[str, dict[int, float]]:
    """comparison output name -> {gamma value -> Bayes factor m/u} from a model JSON."""
    out: dict[str, dict[int, float]] = {}
    for comp in model.get("comparisons", []):
        levels = comp["comparison_levels"]
        k = len([lv for lv in levels if not lv.get("is_null_level")]) - 1
        bfs: dict[int, float] = {}
        for lv in levels:
            if lv.get("is_null_level"):
                bfs[-1] = 1.0
                continue
            m, u = lv.get("m_probability"), lv.get("u_probability")
            if m is None or u is None or u <= 0:
                bfs[k] = 1.0
            else:
                bfs[k] = max(m, 1e-12) / u
            k -= 1
        out[comp["output_column_name"]] = bfs
    return out


def gamma_frame_to_weights(gammas: pd.DataFrame, model: dict[str, Any]) -> np.ndarray:
    """Sum of partial match weights (log2 Bayes factors) per row, from gamma columns."""
    bfs = bayes_factors(model)
    total = np.zeros(len(gammas))
    for name, table in bfs.items():
        col = f"gamma_{name}"
        if col not in gammas:
            raise LinkError(f"prediction lacks {col}")
        g = gammas[col].to_numpy()
        lut = {k: math.log2(v) for k, v in table.items()}
        total += np.vectorize(lambda x, lut=lut: lut.get(int(x), 0.0), otypes=[float])(g)
    return total
