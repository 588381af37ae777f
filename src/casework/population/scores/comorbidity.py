"""Charlson and Elixhauser: code-prefix matches folded into one flags value per unit,
then weights and hierarchy as expressions over the flags."""

from __future__ import annotations

from casework.population.engine import Column, DataFrame, Engine
from casework.population.scores.points import _sum, band_points
from casework.population.tables import table_load

CHARLSON_WEIGHTINGS = ("charlson1987", "quan2011")


CANCER_CATEGORIES = ("canc", "metacanc")
"""Charlson categories that count as a cancer diagnosis for the simplified HOSPITAL score."""


def category_bits(map_name: str) -> dict[str, int]:
    """``{category: bit}``: each category of a code map gets one bit (sorted order)."""
    categories = sorted({row["category"] for row in table_load(map_name)["rows"]})
    if len(categories) > 62:
        raise ValueError(f"{map_name} has {len(categories)} categories; at most 62 fit a flag")
    return {category: bit for bit, category in enumerate(categories)}


def code_flags(engine: Engine, codes: DataFrame, map_name: str, key: list[str]) -> DataFrame:
    """``(*key, code_flags)`` for each code of ``codes`` that falls in a category of
    ``map_name``: the OR of its categories' bits (``category_bits(map_name)``).

    ``codes`` has ``code_system`` (ICD10CM/ICD9CM), ``code`` (no dots) and the ``key``
    columns (``code_key`` for the staging dictionary, or ``code_system, code``). A code
    matches a prefix of the same code system that starts it.
    """
    functions = engine.functions
    bits = category_bits(map_name)
    rows = table_load(map_name)["rows"]
    # 32-bit flags where the categories fit (Charlson's 17, Elixhauser's 31): the fold
    # keeps one flags value per member, and half the bytes is half its memory traffic
    kind = "int" if len(bits) <= 31 else "bigint"
    prefix_bits = engine.reference_table(
        f"{map_name}_prefix_bits",
        [(r["code_system"], r["prefix"], 1 << bits[r["category"]]) for r in rows],
        f"code_system string, prefix string, bit_value {kind}",
    )
    lengths = sorted({len(r["prefix"]) for r in rows})
    leading = functions.array(*[functions.substring("code", 1, n) for n in lengths])
    carried = list(dict.fromkeys([*key, "code_system"]))
    # bit_or is idempotent: two prefixes of one category on one code set one bit
    return (
        codes.select(*carried, functions.explode(leading).alias("prefix"))
        .join(prefix_bits, on=["code_system", "prefix"])
        .groupBy(*key)
        .agg(functions.bit_or("bit_value").alias("code_flags"))
    )


def comorbidity_flags(
    engine: Engine,
    diagnoses: DataFrame,
    map_name: str,
    unit: str = "member_id",
    codes: DataFrame | None = None,
) -> DataFrame:
    """``(unit, flags)``: bit ``category_bits(map_name)[c]`` of ``flags`` is set when a
    prefix of category ``c`` starts one of the unit's diagnosis codes.

    ``diagnoses`` has ``unit``, ``code_system`` (ICD10CM/ICD9CM) and ``code`` (no dots).
    The prefix match runs on the distinct codes (thousands), each code gets the OR of
    its categories' bits, and the diagnoses (millions) are folded into one row per unit
    with ``bit_or``: one aggregate with a group per unit, instead of a distinct over
    (unit, category) pairs. When ``unit`` is an integer with a small range (the staging
    tables' ``member_key``) DuckDB folds into an array rather than a hash table.
    Units without a matching code have no row.

    ``codes`` is the staging code dictionary (``code_key, code_system, code``) when
    ``diagnoses`` carries its ``code_key``: the match then runs on the dictionary and
    each diagnosis joins its flags on the integer key, with no pass over the diagnoses
    to find their distinct codes and no join on strings. Without it the distinct codes
    are taken from ``diagnoses``.

    The code flags are staged (a small table with exact statistics, which DuckDB needs
    to plan the fold well); the fold itself is lazy, so a score over it runs as one
    query. Stage the result when it is used more than once.
    """
    if codes is None:
        key = ["code_system", "code"]
        codes = diagnoses.select(*key).distinct()
    else:
        key = ["code_key"]
    flags = engine.stage(
        code_flags(engine, codes, map_name, key), f"{map_name.removesuffix('_map')}_codes"
    )
    return (
        diagnoses.select(unit, *key)
        .join(flags, on=key)
        .groupBy(unit)
        .agg(engine.functions.bit_or("code_flags").alias("flags"))
    )


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


def weighted_sum(engine: Engine, map_name: str, weights_name: str, scheme: str) -> Column:
    """The weighted index over a ``flags`` column (from :func:`comorbidity_flags`): the
    sum of the weights of the flagged categories, each dropped when a dominant category
    of the hierarchy is also flagged. NULL where ``flags`` is NULL.

    The weights and the hierarchy come from the table ``weights_name``. The expression
    has one term per distinct weight, ``weight * bit_count(flags & mask)`` where ``mask``
    holds the bits of the categories with that weight, less one term per dropped
    category, ``weight * bit_count(flags & bit) * least(1, bit_count(flags & dominants))``
    (its weight comes off when it and one of its dominant categories are flagged). That
    is a few integer operations per unit, and a small plan to build, where a ``CASE`` per
    category is neither.
    """
    functions = engine.functions
    schemes = table_load(weights_name)["schemes"]
    if scheme not in schemes:
        raise ValueError(
            f"unknown weighting {scheme!r} for {weights_name}; known: {sorted(schemes)}"
        )
    bits = category_bits(map_name)
    weights = {category: int(weight) for category, weight in schemes[scheme].items()}
    masks: dict[int, int] = {}
    for category, weight in sorted(weights.items()):
        if weight:
            masks[weight] = masks.get(weight, 0) | 1 << bits[category]
    dominants: dict[str, int] = {}
    for rule in table_load(weights_name)["hierarchy"]:
        dominants[rule["drop"]] = dominants.get(rule["drop"], 0) | 1 << bits[rule["when"]]

    def flagged(mask: int) -> Column:
        # how many of the mask's bits are set in flags; SQLFrame's Column has no
        # bitwiseAND, and the SQL operator means the same on DuckDB and on Spark
        return functions.bit_count(functions.expr(f"flags & {mask}"))

    terms = [flagged(mask) * functions.lit(weight) for weight, mask in sorted(masks.items())]
    for category, mask in sorted(dominants.items()):
        if weights.get(category, 0):
            dominated = flagged(mask)
            if mask & (mask - 1):  # more than one dominant category: any of them counts
                dominated = functions.least(dominated, functions.lit(1))
            terms.append(
                flagged(1 << bits[category]) * dominated * functions.lit(-weights[category])
            )
    return _sum(terms) if terms else functions.lit(0)


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
    """``units`` with an ``output`` column: :func:`weighted_sum` of the unit's flags, 0
    for units without flags. ``flags`` is ``(unit, flags)`` as
    :func:`comorbidity_flags` returns it. ``units`` may carry more columns than ``unit``
    (such as ``member_id`` beside ``member_key``); they are kept.
    """
    functions = engine.functions
    # scored in the one select after the join (SQLFrame copies the expression tree on
    # every operation); a unit without flags has a NULL score, counted as 0
    score = functions.coalesce(
        weighted_sum(engine, map_name, weights_name, scheme), functions.lit(0)
    )
    return units.join(flags, on=unit, how="left").select(
        *units.columns, score.cast("int").alias(output)
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
    codes: DataFrame | None = None,
) -> DataFrame:
    """Charlson index per unit (Quan 2005 coding; ``weighting`` charlson1987 or quan2011).

    Returns ``units`` with an ``output`` column. With ``ages`` (``unit, age``) the
    Charlson 1994 age points are added. Pass ``flags`` (from :func:`comorbidity_flags`
    over ``charlson_map``) to reuse a computed match, or ``codes`` (the staging code
    dictionary, when ``diagnoses`` has its ``code_key``) to match on the dictionary. Group
    by an integer ``unit`` with a small range (the staging tables' ``member_key``) where
    there is one: the fold is then an array aggregate on DuckDB.
    """
    if weighting not in CHARLSON_WEIGHTINGS:
        raise ValueError(f"unknown Charlson weighting {weighting!r}")
    if flags is None:
        flags = comorbidity_flags(engine, diagnoses, "charlson_map", unit, codes)
    scores = weighted_score(
        engine, flags, units, "charlson_map", "charlson_weights", weighting, output, unit
    )
    if ages is None:
        return scores
    functions = engine.functions
    bands = table_load("charlson_weights")["age_points"]["bands"]
    return scores.join(ages.select(unit, "age"), on=unit, how="left").select(
        *units.columns,
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
    codes: DataFrame | None = None,
) -> DataFrame:
    """Elixhauser index per unit (Quan 2005 coding, van Walraven 2009 weights); ``codes``
    as for :func:`charlson`."""
    flags = comorbidity_flags(engine, diagnoses, "elixhauser_map", unit, codes)
    return weighted_score(
        engine, flags, units, "elixhauser_map", "elixhauser_weights", weighting, output, unit
    )
