"""Bias report (B5, J4): selection rates and score distributions by demographic group.

For each attribute (age band, sex, race, ethnicity, language) and each group: members,
members selected (any tier), the selection rate, its ratio to the highest group's rate
for that attribute, a flag when that ratio is below 0.8 (the "four-fifths" screen used in
adverse-impact analysis, 29 CFR 1607.4(D)), and mean/min/max of each score. Missing
values form the group ``unknown``. Demographics are joined here, after selection.

Small cells: rates of small groups say nothing (0 of 33 selected is expected when the run
selects 3 people of 1,000). A group with fewer than ``min_count`` members (default 11,
the common small-cell rule) gets no ratio and no flag, and neither does any group of an
attribute when the run selected fewer than ``min_count`` members in all; the highest rate
is taken over the groups large enough. The ``suppressed`` column says why.
"""

from __future__ import annotations

import datetime as dt

from casework.population.engine import Column, DataFrame, Engine

ATTRIBUTES = ("age_band", "sex", "race", "ethnicity", "language")
SCORES = ("charlson", "elixhauser_vw", "lace", "hospital")
FLAG_BELOW = 0.8
BIAS_MIN_COUNT = 11
"""Groups (and runs) with fewer members (selections) than this get no ratio or flag."""
AGE_BANDS = ((0, 17, "0-17"), (18, 44, "18-44"), (45, 64, "45-64"), (65, 74, "65-74"))
OLDEST_BAND = (75, "75+")


def age_on(engine: Engine, birth_date: str, day: dt.date) -> Column:
    """Whole years between ``birth_date`` and ``day`` (portable across engines)."""
    functions = engine.functions
    col = functions.col
    on = functions.lit(day)
    before_birthday = (functions.month(on) < functions.month(col(birth_date))) | (
        (functions.month(on) == functions.month(col(birth_date)))
        & (functions.dayofmonth(on) < functions.dayofmonth(col(birth_date)))
    )
    return (
        functions.year(on)
        - functions.year(col(birth_date))
        - functions.when(before_birthday, functions.lit(1)).otherwise(functions.lit(0))
    )


def age_band(engine: Engine, birth_date: str, day: dt.date) -> Column:
    """The age band label on ``day``."""
    functions = engine.functions
    expression = None
    for low, high, label in AGE_BANDS:
        age = age_on(engine, birth_date, day)
        condition = (age >= functions.lit(low)) & (age <= functions.lit(high))
        if expression is None:
            expression = functions.when(condition, functions.lit(label))
        else:
            expression = expression.when(condition, functions.lit(label))
    assert expression is not None
    return expression.when(
        age_on(engine, birth_date, day) >= functions.lit(OLDEST_BAND[0]),
        functions.lit(OLDEST_BAND[1]),
    ).otherwise(functions.lit("unknown"))


def bias_report(
    engine: Engine,
    members: DataFrame,
    results: DataFrame,
    window_end: dt.date,
    min_count: int = BIAS_MIN_COUNT,
) -> DataFrame:
    """The bias report as a DataFrame ordered by attribute and group (see the module
    docstring for ``min_count``)."""
    if min_count < 1:
        raise ValueError("the bias report's minimum count must be at least 1")
    functions = engine.functions
    col = functions.col
    unknown = functions.lit("unknown")
    demographics = members.select(
        "member_id",
        age_band(engine, "birth_date", window_end).alias("age_band"),
        *[
            functions.coalesce(col(name).cast("string"), unknown).alias(name)
            for name in ATTRIBUTES[1:]
        ],
    )
    joined = demographics.join(
        results.select(
            "member_id",
            functions.when(col("tier").isNotNull(), functions.lit(1))
            .otherwise(functions.lit(0))
            .alias("selected"),
            *SCORES,
        ),
        on="member_id",
    )
    joined = engine.stage(joined, "bias_input")

    def rate() -> Column:
        return (col("selected").cast("double") / col("members").cast("double")).alias(
            "selection_rate"
        )

    statistics = [f"{score}_{stat}" for score in SCORES for stat in ("mean", "min", "max")]
    per_attribute = []
    for attribute in ATTRIBUTES:
        aggregates = [
            functions.count("member_id").alias("members"),
            functions.sum("selected").alias("selected"),
        ]
        for score in SCORES:
            aggregates += [
                functions.round(functions.avg(score), 4).alias(f"{score}_mean"),
                functions.min(score).alias(f"{score}_min"),
                functions.max(score).alias(f"{score}_max"),
            ]
        # one select naming every column (no "*", no drop): each DataFrame operation
        # copies the whole plan in SQLFrame
        per_attribute.append(
            joined.groupBy(attribute)
            .agg(*aggregates)
            .select(
                functions.lit(attribute).alias("attribute"),
                col(attribute).alias("group"),
                "members",
                "selected",
                *statistics,
                rate(),
            )
        )
    rated = engine.union_stage(per_attribute, "bias_groups")
    minimum = functions.lit(min_count)
    highest = (
        rated.filter(col("members") >= minimum)
        .groupBy(col("attribute").alias("highest_attribute"))
        .agg(functions.max("selection_rate").alias("highest_rate"))
    )
    totals = rated.groupBy(col("attribute").alias("total_attribute")).agg(
        functions.sum("selected").alias("run_selected")
    )

    def suppressed() -> Column:
        # a fresh expression per use: SQLFrame resolves columns in place
        return functions.when(
            col("members") < functions.lit(min_count),
            functions.lit(f"group has fewer than {min_count} members"),
        ).when(
            col("run_selected") < functions.lit(min_count),
            functions.lit(f"run selected fewer than {min_count} members"),
        )

    def ratio() -> Column:
        return functions.when(
            suppressed().isNull() & (col("highest_rate") > functions.lit(0)),
            functions.round(col("selection_rate") / col("highest_rate"), 6),
        )

    report = (
        rated.join(totals, on=col("attribute") == col("total_attribute"))
        .join(highest, on=col("attribute") == col("highest_attribute"), how="left")
        .select(
            "attribute",
            "group",
            col("members").cast("int").alias("members"),
            col("selected").cast("int").alias("selected"),
            functions.round(col("selection_rate"), 6).alias("selection_rate"),
            ratio().alias("ratio_to_highest"),
            functions.when(
                suppressed().isNull(),
                functions.coalesce(ratio() < functions.lit(FLAG_BELOW), functions.lit(False)),
            ).alias("flagged"),
            suppressed().alias("suppressed"),
            *[f"{s}_{stat}" for s in SCORES for stat in ("mean", "min", "max")],
        )
        .orderBy("attribute", "group")
    )
    return engine.stage(report, "bias_report")
