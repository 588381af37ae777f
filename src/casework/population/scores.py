"""Validated risk scores as DataFrame expressions (no Python UDFs).

Sources (shared/reference/clinical.md section 1):

* Charlson: Charlson 1987 (J Chronic Dis 40:373) and Quan 2011 (Am J Epidemiol 173:676)
  weights; Quan 2005 (Med Care 43:1130) ICD-10 and enhanced Deyo ICD-9-CM coding; the
  hierarchy drops mild liver disease, uncomplicated diabetes and any malignancy when the
  more severe form is present; optional age points (Charlson 1994).
* Elixhauser: Quan 2005 coding with van Walraven 2009 (Med Care 47:626) weights; the
  hierarchy drops uncomplicated hypertension, uncomplicated diabetes and solid tumour.
* LACE: van Walraven 2010 (CMAJ 182:551), section 1.1; LOS counting, the ED window and
  the exclusion of the ED visit that led to admission are settings.
* HOSPITAL: Donze 2013 (JAMA Intern Med 173:632) and the simplified score of Aubert 2017
  (BMJ Qual Saf 26:799), section 1.2.

All numbers (code prefixes, weights, points, bands) come from the versioned tables in
``weights/`` through :mod:`casework.population.tables`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casework.population.engine import Column, DataFrame, Engine
from casework.population.tables import code_map_frame, table_load

CHARLSON_WEIGHTINGS = ("charlson1987", "quan2011")
CANCER_CATEGORIES = ("canc", "metacanc")
"""Charlson categories that count as a cancer diagnosis for the simplified HOSPITAL score."""


@dataclass(frozen=True)
class LaceSettings:
    """Variant choices for LACE (clinical.md section 1.1, "Definitional details")."""

    los_counting: str = "midnights"
    """``midnights``: discharge date minus admission date (most EHRs);
    ``inclusive``: also count the day of admission (Alberta Health Services)."""
    ed_window_days: int = 182
    """ED visits counted in this many days before admission (six months)."""
    ed_exclude_days_before_admission: int | None = 1
    """Exclude ED visits on the admission date or up to this many days before (the visit
    that led to the admission, as Alberta does); ``None`` counts every visit."""
    acute_admit_types: tuple[str, ...] = ("1", "2", "5")
    """UB-04 admit types counted as acute (emergent) admission: emergency, urgent, trauma."""
    charlson_weighting: str = "charlson1987"
    """Which Charlson weights give the C component (``charlson1987`` or ``quan2011``)."""
    variant: str = "standard"
    """``standard`` point table or ``modified_lace_bmj_open_2017`` (LOS >= 14 gives 6)."""


@dataclass(frozen=True)
class HospitalSettings:
    """Variant choices for the HOSPITAL score (clinical.md section 1.2)."""

    los_counting: str = "midnights"
    urgent_admit_types: tuple[str, ...] = ("1", "2", "5")
    oncology_service_lines: tuple[str, ...] = ("oncology", "hematology_oncology")
    admissions_window_days: int = 365


def band_points(engine: Engine, column: Column, bands: list[list[Any]]) -> Column:
    """``CASE WHEN low <= column <= high THEN points ...`` over a ``[low, high, points]`` table."""
    functions = engine.functions
    expression = None
    for low, high, points in bands:
        condition = (column >= functions.lit(low)) & (column <= functions.lit(high))
        if expression is None:
            expression = functions.when(condition, functions.lit(points))
        else:
            expression = expression.when(condition, functions.lit(points))
    assert expression is not None
    return expression


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


def lace_points(
    engine: Engine,
    length_of_stay: str,
    acute: str,
    comorbidity: str,
    ed_visits: str,
    variant: str = "standard",
) -> dict[str, Column]:
    """The four LACE components and the total over the named columns (clinical.md 1.1).

    Expressions are rebuilt for every use: SQLFrame resolves column references in place,
    so one Column object must not appear twice in a plan.
    """
    functions = engine.functions
    col = functions.col
    table = table_load("lace_points")
    bands = dict(table)
    if variant != "standard":
        if variant not in table["variants"]:
            raise ValueError(f"unknown LACE variant {variant!r}")
        bands |= table["variants"][variant]

    def parts() -> dict[str, Column]:
        return {
            "lace_l": band_points(engine, col(length_of_stay), bands["length_of_stay"]),
            "lace_a": functions.when(col(acute), functions.lit(table["acute_admission"])).otherwise(
                functions.lit(0)
            ),
            "lace_c": band_points(engine, col(comorbidity), bands["comorbidity"]),
            "lace_e": band_points(engine, col(ed_visits), bands["ed_visits"]),
        }

    result = parts()
    result["lace"] = _sum(parts().values())
    return result


def _sum(columns: Any) -> Column:
    total = None
    for column in columns:
        total = column if total is None else total + column
    return total


def risk_band(engine: Engine, score: Column, bands: list[list[Any]]) -> Column:
    """Label of the ``[low, high, label]`` band containing ``score``."""
    return band_points(engine, score, bands)


def hospital_points(
    engine: Engine,
    haemoglobin: str,
    oncology: str,
    sodium: str,
    procedure: str,
    urgent: str,
    prior_admissions: str,
    length_of_stay: str,
) -> dict[str, Column]:
    """HOSPITAL components and total over the named columns (clinical.md 1.2).

    A missing laboratory value scores 0 (treated as not below the threshold). For the
    simplified score (Aubert 2017) pass a ``procedure`` column that is always false and an
    ``oncology`` column meaning oncology discharge OR cancer diagnosis.
    """
    functions = engine.functions
    col = functions.col
    table = table_load("hospital_points")
    zero = functions.lit(0)

    def points(condition: Column, value: int) -> Column:
        return functions.when(
            functions.coalesce(condition, functions.lit(False)), functions.lit(value)
        ).otherwise(zero)

    def parts() -> dict[str, Column]:
        return {
            "hospital_h": points(
                col(haemoglobin) < table["haemoglobin_below_g_dl"], table["haemoglobin_points"]
            ),
            "hospital_o": points(col(oncology), table["oncology_points"]),
            "hospital_s": points(
                col(sodium) < table["sodium_below_mmol_l"], table["sodium_points"]
            ),
            "hospital_p": points(col(procedure), table["procedure_points"]),
            "hospital_it": points(col(urgent), table["urgent_admission_points"]),
            "hospital_a": band_points(
                engine, col(prior_admissions), table["admissions_previous_12_months"]
            ),
            "hospital_l": points(
                col(length_of_stay) >= table["length_of_stay_at_least_days"],
                table["length_of_stay_points"],
            ),
        }

    result = parts()
    result["hospital"] = _sum(parts().values())
    return result


def length_of_stay(engine: Engine, counting: str) -> Column:
    """Days between admission and discharge; ``inclusive`` adds the admission day."""
    functions = engine.functions
    days = functions.datediff(functions.col("discharge_date"), functions.col("admission_date"))
    if counting == "midnights":
        return days
    if counting == "inclusive":
        return days + functions.lit(1)
    raise ValueError(f"unknown LOS counting {counting!r}; expected 'midnights' or 'inclusive'")


def stays(encounters: DataFrame) -> DataFrame:
    """Inpatient stays (claims of type ``inpatient``)."""
    return encounters.filter(encounters["claim_type"] == "inpatient")


def lace_per_stay(
    engine: Engine,
    encounters: DataFrame,
    charlson_by_member: DataFrame,
    settings: LaceSettings,
) -> DataFrame:
    """LACE for every inpatient stay: ``claim_id, member_id, discharge_date, lace_*``.

    ``charlson_by_member`` has ``member_id, charlson`` computed with
    ``settings.charlson_weighting``.
    """
    functions = engine.functions
    col = functions.col
    base = stays(encounters).select(
        "claim_id",
        "member_id",
        "admission_date",
        "discharge_date",
        "admit_type",
        length_of_stay(engine, settings.los_counting).alias("los_days"),
    )
    ed = encounters.filter(encounters["claim_type"] == "emergency").select(
        col("member_id").alias("ed_member_id"), col("service_date").alias("ed_date")
    )
    condition = (
        (col("ed_member_id") == col("member_id"))
        & (col("ed_date") <= col("admission_date"))
        & (col("ed_date") >= functions.date_sub(col("admission_date"), settings.ed_window_days))
    )
    if settings.ed_exclude_days_before_admission is not None:
        condition = condition & (
            col("ed_date")
            < functions.date_sub(col("admission_date"), settings.ed_exclude_days_before_admission)
        )
    counted = (
        base.join(ed, on=condition, how="left")
        .groupBy(*base.columns)
        .agg(functions.count("ed_date").alias("ed_visits"))
    )
    joined = counted.join(
        charlson_by_member.select("member_id", col("charlson").alias("lace_cci")),
        on="member_id",
        how="left",
    )
    prepared = joined.select(
        "claim_id",
        "member_id",
        "discharge_date",
        "los_days",
        "ed_visits",
        functions.coalesce(col("lace_cci"), functions.lit(0)).alias("lace_cci"),
        functions.coalesce(
            col("admit_type").isin(*settings.acute_admit_types), functions.lit(False)
        ).alias("acute"),
    )
    parts = lace_points(engine, "los_days", "acute", "lace_cci", "ed_visits", settings.variant)
    scored = prepared.select(
        "claim_id",
        "member_id",
        "discharge_date",
        "los_days",
        "ed_visits",
        *[expression.cast("int").alias(name) for name, expression in parts.items()],
    )
    bands = table_load("lace_points")["risk_bands"]
    return engine.stage(
        scored.withColumn("lace_band", risk_band(engine, col("lace"), bands)), "lace_per_stay"
    )


def hospital_per_stay(
    engine: Engine,
    encounters: DataFrame,
    procedures: DataFrame,
    cancer_members: DataFrame,
    settings: HospitalSettings,
) -> DataFrame:
    """HOSPITAL and simplified HOSPITAL for every inpatient stay.

    ``cancer_members`` has one ``member_id`` per member with a cancer diagnosis (used by
    the simplified score's O component).
    """
    functions = engine.functions
    col = functions.col
    stay_rows = stays(encounters).select(
        "claim_id",
        "member_id",
        "admission_date",
        "discharge_date",
        "admit_type",
        "service_line",
        "discharge_hemoglobin_g_dl",
        "discharge_sodium_mmol_l",
        length_of_stay(engine, settings.los_counting).alias("los_days"),
    )
    prior = stays(encounters).select(
        col("member_id").alias("prior_member_id"),
        col("claim_id").alias("prior_claim_id"),
        col("admission_date").alias("prior_admission_date"),
    )
    with_prior = (
        stay_rows.join(
            prior,
            on=(col("prior_member_id") == col("member_id"))
            & (col("prior_claim_id") != col("claim_id"))
            & (col("prior_admission_date") < col("admission_date"))
            & (
                col("prior_admission_date")
                >= functions.date_sub(col("admission_date"), settings.admissions_window_days)
            ),
            how="left",
        )
        .groupBy(*stay_rows.columns)
        .agg(functions.count("prior_claim_id").alias("prior_admissions"))
    )
    with_prior = engine.stage(with_prior, "hospital_prior_admissions")
    procedure_rows = procedures.select(
        col("member_id").alias("procedure_member_id"),
        col("claim_id").alias("procedure_claim_id"),
        col("service_date").alias("procedure_date"),
    )
    with_procedures = (
        with_prior.join(
            procedure_rows,
            on=(col("procedure_member_id") == col("member_id"))
            & (
                (col("procedure_claim_id") == col("claim_id"))
                | (
                    (col("procedure_date") >= col("admission_date"))
                    & (col("procedure_date") <= col("discharge_date"))
                )
            ),
            how="left",
        )
        .groupBy(*with_prior.columns)
        .agg(functions.count("procedure_date").alias("procedures_in_stay"))
    )
    cancer = cancer_members.select("member_id", functions.lit(True).alias("has_cancer"))
    joined = with_procedures.join(cancer, on="member_id", how="left")
    prepared = joined.select(
        "claim_id",
        "member_id",
        "discharge_date",
        "prior_admissions",
        "procedures_in_stay",
        "los_days",
        "discharge_hemoglobin_g_dl",
        "discharge_sodium_mmol_l",
        functions.coalesce(
            functions.lower(col("service_line")).isin(*settings.oncology_service_lines),
            functions.lit(False),
        ).alias("oncology"),
        (
            functions.coalesce(
                functions.lower(col("service_line")).isin(*settings.oncology_service_lines),
                functions.lit(False),
            )
            | functions.coalesce(col("has_cancer"), functions.lit(False))
        ).alias("oncology_or_cancer"),
        (col("procedures_in_stay") > 0).alias("had_procedure"),
        functions.lit(False).alias("no_procedure"),
        functions.coalesce(
            col("admit_type").isin(*settings.urgent_admit_types), functions.lit(False)
        ).alias("urgent"),
    )
    labs = ("discharge_hemoglobin_g_dl", "discharge_sodium_mmol_l")
    full = hospital_points(
        engine,
        labs[0],
        "oncology",
        labs[1],
        "had_procedure",
        "urgent",
        "prior_admissions",
        "los_days",
    )
    simplified = hospital_points(
        engine,
        labs[0],
        "oncology_or_cancer",
        labs[1],
        "no_procedure",
        "urgent",
        "prior_admissions",
        "los_days",
    )
    table = table_load("hospital_points")
    scored = prepared.select(
        "claim_id",
        "member_id",
        "discharge_date",
        "prior_admissions",
        "procedures_in_stay",
        *[expression.cast("int").alias(name) for name, expression in full.items()],
        simplified["hospital"].cast("int").alias("hospital_simplified"),
    )
    banded = scored.withColumn(
        "hospital_band", risk_band(engine, col("hospital"), table["risk_bands"])
    ).withColumn(
        "hospital_simplified_band",
        risk_band(engine, col("hospital_simplified"), table["simplified_risk_bands"]),
    )
    return engine.stage(banded, "hospital_per_stay")


def latest_per_member(engine: Engine, per_stay: DataFrame) -> DataFrame:
    """The row of each member's latest discharge (ties broken by the larger claim_id)."""
    functions = engine.functions
    order = engine.window.partitionBy("member_id").orderBy(
        functions.col("discharge_date").desc(), functions.col("claim_id").desc()
    )
    return (
        per_stay.withColumn("_rank", functions.row_number().over(order))
        .filter(functions.col("_rank") == 1)
        .drop("_rank")
    )
