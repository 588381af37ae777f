"""Charlson and Elixhauser: code-prefix matches folded into one flags value per unit,
then weights and hierarchy as expressions over the flags."""

from __future__ import annotations

from casework.population.engine import Column, DataFrame, Engine
from casework.population.scores.points import _sum, band_points
from casework.population.tables import code_map_frame, table_load

CHARLSON_WEIGHTINGS = ("charlson1987", "quan2011")


CANCER_CATEGORIES = ("canc", "metacanc")
"""Charlson categories that count as a cancer diagnosis for the simplified HOSPITAL score."""


def category_bits(map_name: str) -> dict[str, int]:
    """``{category: bit}``: each category of a code map gets one bit (sorted order)."""
    categories = sorted({row["category"] for row in table_load(map_name)["rows"]})
    if len(categories) > 62:
        raise ValueError(f"{map_name} has {len(categories)} categories; at most 62 fit a flag")
    return {category: bit for bit, category in enumerate(categories)}


def comorbidity_flags(
    engine: Engine, diagnoses: DataFrame, map_name: str, unit: str = "member_id"
) -> DataFrame:
    """``(unit, flags)``: bit ``category_bits(map_name)[c]`` of ``flags`` is set when a
    prefix of category ``c`` starts one of the unit's diagnosis codes.

    ``diagnoses`` has ``unit``, ``code_system`` (ICD10CM/ICD9CM) and ``code`` (no dots).
    The prefix match runs on the distinct codes (thousands), each code gets the OR of
    its categories' bits, and the diagnoses (millions) are folded into one row per unit
    with ``bit_or``: one hash aggregate with a group per unit, instead of a distinct over
    (unit, category) pairs. Units without a matching code have no row.
    """
    functions = engine.functions
    bits = category_bits(map_name)
    short = map_name.removesuffix("_map")
    bit_values = engine.reference_table(
        f"{map_name}_bits",
        [(category, 1 << bit) for category, bit in bits.items()],
        "category string, bit_value bigint",
    )
    lengths = sorted({len(r["prefix"]) for r in table_load(map_name)["rows"]})
    leading = functions.array(*[functions.substring("code", 1, n) for n in lengths])
    codes = diagnoses.select("code_system", "code").distinct()
    code_flags = (
        codes.select("code_system", "code", functions.explode(leading).alias("prefix"))
        .join(code_map_frame(engine, map_name), on=["code_system", "prefix"])
        .select("code_system", "code", "category")
        .distinct()
        .join(bit_values, on="category")
        .groupBy("code_system", "code")
        .agg(functions.bit_or("bit_value").alias("code_flags"))
    )
    code_flags = engine.stage(code_flags, f"{short}_codes")
    flags = (
        diagnoses.select(unit, "code_system", "code")
        .join(code_flags, on=["code_system", "code"])
        .groupBy(unit)
        .agg(functions.bit_or("code_flags").alias("flags"))
    )
    return engine.stage(flags, f"{short}_flags")


def flag_set(engine: Engine, flags: Column, bit: int) -> Column:
    """True when ``bit`` is set in the ``flags`` column."""
    return (engine.functions.shiftright(flags, bit) % 2) == 1


def has_category(engine: Engine, map_name: str, categories: tuple[str, ...]) -> Column:
    """True when any of ``categories`` is flagged in the ``flags`` column."""
    bits = category_bits(map_name)
    column = engine.functions.col("flags")
    tests = [flag_set(engine, column, bits[category]) for category in categories]
    condition = tests[0]
    for test in tests[1:]:
        condition = condition | test
    return condition


def weighted_score(
    engine: Engine,
    flags: DataFrame,
    units: DataFrame,
    map_name: str,
    weights_name: str,
    scheme: str,
    output: str,
    unit: str = "member_id",
) -> DataFrame:
    """``(unit, output)``: the sum of the weights of the flagged categories, each dropped
    when a dominant category of the hierarchy is also flagged; 0 for units without flags.

    The weights and the hierarchy come from the table ``weights_name``; the expression is
    a sum of ``CASE`` terms over the flags column, one per category with a weight.
    """
    functions = engine.functions
    schemes = table_load(weights_name)["schemes"]
    if scheme not in schemes:
        raise ValueError(
            f"unknown weighting {scheme!r} for {weights_name}; known: {sorted(schemes)}"
        )
    bits = category_bits(map_name)
    dominants: dict[str, list[str]] = {}
    for rule in table_load(weights_name)["hierarchy"]:
        dominants.setdefault(rule["drop"], []).append(rule["when"])
    column = functions.col("flags")
    terms = []
    for category, weight in sorted(schemes[scheme].items()):
        if int(weight) == 0:
            continue
        counted = flag_set(engine, column, bits[category])
        for dominant in dominants.get(category, []):
            counted = counted & ~flag_set(engine, column, bits[dominant])
        terms.append(
            functions.when(counted, functions.lit(int(weight))).otherwise(functions.lit(0))
        )
    score = _sum(terms) if terms else functions.lit(0)
    sums = flags.select(unit, score.alias("_score"))
    return (
        units.select(unit)
        .join(sums, on=unit, how="left")
        .select(
            unit,
            functions.coalesce(functions.col("_score"), functions.lit(0)).cast("int").alias(output),
        )
    )


def charlson(
    engine: Engine,
    diagnoses: DataFrame,
    units: DataFrame,
    weighting: str = "quan2011",
    unit: str = "member_id",
    ages: DataFrame | None = None,
    output: str = "charlson",
    flags: DataFrame | None = None,
) -> DataFrame:
    """Charlson index per unit (Quan 2005 coding; ``weighting`` charlson1987 or quan2011).

    With ``ages`` (``unit, age``) the Charlson 1994 age points are added. Pass ``flags``
    (from :func:`comorbidity_flags` over ``charlson_map``) to reuse a computed match.
    """
    if weighting not in CHARLSON_WEIGHTINGS:
        raise ValueError(f"unknown Charlson weighting {weighting!r}")
    if flags is None:
        flags = comorbidity_flags(engine, diagnoses, "charlson_map", unit)
    scores = weighted_score(
        engine, flags, units, "charlson_map", "charlson_weights", weighting, output, unit
    )
    if ages is None:
        return scores
    functions = engine.functions
    bands = table_load("charlson_weights")["age_points"]["bands"]
    return scores.join(ages.select(unit, "age"), on=unit, how="left").select(
        unit,
        (
            functions.col(output)
            + functions.coalesce(band_points(engine, functions.col("age"), bands), functions.lit(0))
        )
        .cast("int")
        .alias(output),
    )


def elixhauser(
    engine: Engine,
    diagnoses: DataFrame,
    units: DataFrame,
    weighting: str = "van_walraven",
    unit: str = "member_id",
    output: str = "elixhauser_vw",
) -> DataFrame:
    """Elixhauser index per unit (Quan 2005 coding, van Walraven 2009 weights)."""
    flags = comorbidity_flags(engine, diagnoses, "elixhauser_map", unit)
    return weighted_score(
        engine, flags, units, "elixhauser_map", "elixhauser_weights", weighting, output, unit
    )
