"""The screening pipeline: features, rules, tiers (B1, B6).

``screen`` builds lazy DataFrames only; nothing runs until a result is collected or
written, so the same plan runs on SQLFrame-DuckDB and on Spark. Rules see the member
feature table and the claims, never the member demographics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from casework.population.criteria import Criteria, Rule
from casework.population.engine import Column, DataFrame, Engine
from casework.population.schema import staging_struct
from casework.population.scores import (
    CANCER_CATEGORIES,
    charlson,
    comorbidity_flags,
    elixhauser,
    has_category,
    hospital_per_stay,
    lace_per_stay,
    latest_per_member,
)
from casework.population.tables import table_load

FEATURE_COLUMNS = (
    "charlson",
    "elixhauser_vw",
    "lace",
    "lace_band",
    "hospital",
    "hospital_band",
    "hospital_simplified",
    "inpatient_admissions",
    "ed_visits",
    "allowed_amount_total",
    "pharmacy_fills",
    "distinct_drug_classes",
)


@dataclass(frozen=True)
class Window:
    """The screening window: events dated ``start`` to ``end`` inclusive."""

    start: dt.date
    end: dt.date

    @classmethod
    def ending(cls, end: dt.date, lookback_days: int) -> Window:
        """The ``lookback_days`` days ending on ``end``."""
        return cls(end - dt.timedelta(days=lookback_days - 1), end)


@dataclass(frozen=True)
class Inputs:
    """The staging tables as DataFrames."""

    members: DataFrame
    encounters: DataFrame
    diagnoses: DataFrame
    diagnosis_codes: DataFrame
    procedures: DataFrame
    pharmacy: DataFrame

    @classmethod
    def from_parquet(cls, engine: Engine, paths: dict[str, Path]) -> Inputs:
        """Read the staging Parquet files written by ``readers.write_staging``."""
        return cls(
            **{name: staging_read(engine, name, paths[name]) for name in cls.__dataclass_fields__}
        )


def staging_read(
    engine: Engine, name: str, path: Path, columns: tuple[str, ...] | None = None
) -> DataFrame:
    """The staging table ``name`` from its Parquet file, read with its declared schema
    (only ``columns`` when given)."""
    schema = staging_struct(engine.types, name, columns)
    return engine.parquet(str(path), schema)


@dataclass(frozen=True)
class Screening:
    """Lazy results of one screening."""

    features: DataFrame
    reasons: DataFrame
    tiers: DataFrame
    results: DataFrame


def _between(engine: Engine, column: str, window: Window) -> Column:
    functions = engine.functions
    return (functions.col(column) >= functions.lit(window.start)) & (
        functions.col(column) <= functions.lit(window.end)
    )


def diagnoses_in_window(
    engine: Engine, diagnoses: DataFrame, window: Window, dating: str
) -> DataFrame:
    """The diagnoses that count in ``window`` under the criteria set's ``condition_dating``.

    ``active_during_window``: the diagnosis started (``service_date``: a claim's date, a
    Condition's onset or else recorded date) on or before the window end and did not end
    (``active_until``: abatement; empty while active) before the window start. A claim
    diagnosis starts and ends on its date, so it counts when dated in the window.
    ``start_in_window``: only diagnoses whose ``service_date`` is in the window.
    """
    functions = engine.functions
    col = functions.col
    if dating == "start_in_window":
        return diagnoses.filter(_between(engine, "service_date", window))
    if dating != "active_during_window":
        raise ValueError(f"unknown condition dating {dating!r}")
    return diagnoses.filter(
        (col("service_date") <= functions.lit(window.end))
        & (col("active_until").isNull() | (col("active_until") >= functions.lit(window.start)))
    )


def features_build(engine: Engine, inputs: Inputs, criteria: Criteria, window: Window) -> DataFrame:
    """One row per member: scores, utilisation and spend in the window (no demographics)."""
    functions = engine.functions
    col = functions.col
    units = inputs.members.select("member_id", "member_key")
    diagnoses = engine.stage(
        diagnoses_in_window(engine, inputs.diagnoses, window, criteria.condition_dating),
        "diagnoses_in_window",
    )
    encounters = engine.stage(
        inputs.encounters.filter(col("service_date") <= functions.lit(window.end)),
        "encounters_to_window_end",
    )
    in_window = encounters.filter(_between(engine, "service_date", window))
    # comorbidity folds group by the integer member_key (see schema.STAGING_SCHEMAS)
    codes = inputs.diagnosis_codes
    flags = engine.stage(
        comorbidity_flags(engine, diagnoses, "charlson_map", "member_key", codes),
        "charlson_flags",
    )
    charlson_rule = charlson(
        engine, diagnoses, units, criteria.charlson_weighting, "member_key", flags=flags
    )
    charlson_lace = charlson(
        engine, diagnoses, units, criteria.lace.charlson_weighting, "member_key", flags=flags
    )
    cancer = units.join(
        flags.filter(has_category(engine, "charlson_map", CANCER_CATEGORIES)), on="member_key"
    ).select("member_id")
    lace = latest_per_member(
        engine,
        lace_per_stay(engine, encounters, charlson_lace, criteria.lace).filter(
            _between(engine, "discharge_date", window)
        ),
    ).select("member_id", "lace", "lace_band")
    hospital = latest_per_member(
        engine,
        hospital_per_stay(engine, encounters, inputs.procedures, cancer, criteria.hospital).filter(
            _between(engine, "discharge_date", window)
        ),
    ).select("member_id", "hospital", "hospital_band", "hospital_simplified")
    utilisation = in_window.groupBy("member_id").agg(
        functions.sum(
            functions.when(col("claim_type") == "inpatient", functions.lit(1)).otherwise(
                functions.lit(0)
            )
        ).alias("inpatient_admissions"),
        functions.sum(
            functions.when(col("claim_type") == "emergency", functions.lit(1)).otherwise(
                functions.lit(0)
            )
        ).alias("ed_visits"),
        functions.sum("allowed_amount").alias("allowed_amount_total"),
    )
    pharmacy = (
        inputs.pharmacy.filter(_between(engine, "fill_date", window))
        .groupBy("member_id")
        .agg(
            functions.count("fill_id").alias("pharmacy_fills"),
            functions.countDistinct("drug_class").alias("distinct_drug_classes"),
        )
    )
    elix = engine.stage(
        elixhauser(engine, diagnoses, units, unit="member_key", codes=codes), "elixhauser"
    )
    joined = (
        charlson_rule.join(elix.drop("member_id"), on="member_key")
        .join(lace, on="member_id", how="left")
        .join(hospital, on="member_id", how="left")
        .join(utilisation, on="member_id", how="left")
        .join(pharmacy, on="member_id", how="left")
    )
    zero = functions.lit(0)
    features = joined.select(
        "member_id",
        "charlson",
        "elixhauser_vw",
        "lace",
        "lace_band",
        "hospital",
        "hospital_band",
        "hospital_simplified",
        functions.coalesce(col("inpatient_admissions"), zero)
        .cast("int")
        .alias("inpatient_admissions"),
        functions.coalesce(col("ed_visits"), zero).cast("int").alias("ed_visits"),
        functions.coalesce(col("allowed_amount_total"), zero)
        .cast("decimal(16,2)")
        .alias("allowed_amount_total"),
        functions.coalesce(col("pharmacy_fills"), zero).cast("int").alias("pharmacy_fills"),
        functions.coalesce(col("distinct_drug_classes"), zero)
        .cast("int")
        .alias("distinct_drug_classes"),
    )
    return engine.stage(features, "features")


def _prefix_match(engine: Engine, column: str, prefixes: tuple[str, ...]) -> Column:
    functions = engine.functions
    condition = None
    for prefix in prefixes:
        match = functions.substring(functions.col(column), 1, len(prefix)) == functions.lit(prefix)
        condition = match if condition is None else condition | match
    assert condition is not None
    return condition


def _rule_reasons(
    engine: Engine,
    rule: Rule,
    features: DataFrame,
    inputs: Inputs,
    window: Window,
    dating: str,
) -> DataFrame:
    """``(member_id, rule, value)`` for each member the rule fires for."""
    functions = engine.functions
    col = functions.col
    if rule.kind == "metric":
        assert rule.metric is not None and rule.value is not None
        metric = col(rule.metric).cast("double")
        threshold = functions.lit(rule.value)
        comparison = {
            ">=": metric >= threshold,
            ">": metric > threshold,
            "<=": metric <= threshold,
            "<": metric < threshold,
            "==": metric == threshold,
        }[str(rule.op)]
        return features.filter(comparison).select(
            "member_id", functions.lit(rule.id).alias("rule"), metric.alias("value")
        )
    if rule.kind == "drug_class":
        matches = inputs.pharmacy.filter(_between(engine, "fill_date", window)).filter(
            functions.lower(col("drug_class")).isin(*rule.items)
        )
        counted = functions.count("fill_id")
    else:
        diagnoses = diagnoses_in_window(engine, inputs.diagnoses, window, dating)
        if rule.kind == "diagnosis":
            matches = diagnoses.filter(
                (col("code_system") == rule.code_system) & _prefix_match(engine, "code", rule.items)
            )
        else:
            rows = table_load("social_risk_zcodes")["rows"]
            prefixes = tuple(r["prefix"] for r in rows if r["flag"] in rule.items)
            matches = diagnoses.filter(
                (col("code_system") == "ICD10CM") & _prefix_match(engine, "code", prefixes)
            )
        counted = functions.countDistinct("code")
    return matches.groupBy("member_id").agg(
        functions.lit(rule.id).alias("rule"), counted.cast("double").alias("value")
    )


def reasons_build(
    engine: Engine, features: DataFrame, inputs: Inputs, criteria: Criteria, window: Window
) -> DataFrame:
    """Every fired rule per member with its value (long form)."""
    frames = [
        _rule_reasons(engine, rule, features, inputs, window, criteria.condition_dating)
        for rule in criteria.rules
    ]
    return engine.union_stage(frames, "reasons")


def tiers_assign(
    engine: Engine, reasons: DataFrame, criteria: Criteria, members: DataFrame | None = None
) -> DataFrame:
    """``(member_id, tier, tier_label)``: the first tier (lowest number) whose condition holds.

    With ``members``, deceased members get no tier (they are never selected).
    """
    functions = engine.functions
    col = functions.col
    rule_ids = [rule.id for rule in criteria.rules]
    if members is not None:
        alive = members.filter(~functions.coalesce(col("deceased"), functions.lit(False)))
        reasons = reasons.join(alive.select("member_id"), on="member_id")
    fired = reasons.groupBy("member_id").agg(
        *[
            functions.max(
                functions.when(col("rule") == rule_id, functions.lit(1)).otherwise(functions.lit(0))
            ).alias(f"fired_{rule_id}")
            for rule_id in rule_ids
        ]
    )
    tier_expression = None
    label_expression = None
    for tier in criteria.tiers:
        count = None
        for rule_id in tier.any_of:
            term = col(f"fired_{rule_id}")
            count = term if count is None else count + term
        assert count is not None
        condition = count >= functions.lit(tier.min_fired)
        if tier_expression is None or label_expression is None:
            tier_expression = functions.when(condition, functions.lit(tier.tier))
            label_expression = functions.when(condition, functions.lit(tier.label))
        else:
            tier_expression = tier_expression.when(condition, functions.lit(tier.tier))
            label_expression = label_expression.when(condition, functions.lit(tier.label))
    assert tier_expression is not None and label_expression is not None
    tiers = fired.select(
        "member_id", tier_expression.alias("tier"), label_expression.alias("tier_label")
    ).filter(col("tier").isNotNull())
    return engine.stage(tiers, "tiers")


def screen(engine: Engine, inputs: Inputs, criteria: Criteria, window: Window) -> Screening:
    """Build the screening plan: features, reasons, tiers and the per-member result."""
    features = features_build(engine, inputs, criteria, window)
    reasons = reasons_build(engine, features, inputs, criteria, window)
    tiers = tiers_assign(engine, reasons, criteria, inputs.members)
    functions = engine.functions
    col = functions.col
    deceased = inputs.members.select(col("member_id").alias("deceased_member_id"), "deceased")
    results = (
        features.join(tiers, on="member_id", how="left")
        .join(deceased, on=col("member_id") == col("deceased_member_id"), how="left")
        .select(
            "member_id",
            col("tier").cast("int").alias("tier"),
            "tier_label",
            functions.when(col("deceased"), functions.lit("deceased")).alias("excluded"),
            *FEATURE_COLUMNS,
            functions.lit(criteria.criteria_id).alias("criteria_id"),
            functions.lit(criteria.version).alias("criteria_version"),
        )
    )
    results = engine.stage(results, "results")
    return Screening(features=features, reasons=reasons, tiers=tiers, results=results)
