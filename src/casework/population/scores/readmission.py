"""LACE and HOSPITAL per inpatient stay, and the latest stay per member."""

from __future__ import annotations

from dataclasses import dataclass

from casework.population.engine import Column, DataFrame, Engine
from casework.population.scores.points import _sum, band_points, risk_band
from casework.population.tables import table_load


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
    # staged: the points are large CASE trees that SQLFrame copies with the whole plan
    prepared = engine.stage(prepared, "lace_inputs")
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
    prepared = engine.stage(prepared, "hospital_inputs")
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
    # one withColumns: SQLFrame copies the whole plan on each operation
    banded = scored.withColumns(
        {
            "hospital_band": risk_band(engine, col("hospital"), table["risk_bands"]),
            "hospital_simplified_band": risk_band(
                engine, col("hospital_simplified"), table["simplified_risk_bands"]
            ),
        }
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
