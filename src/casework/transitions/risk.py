"""Readmission risk of one stay: LACE and HOSPITAL over the stay's own data.

Pure (no ORM). The point tables, the Charlson code map and weights, and the variant
defaults are the population engine's own (`casework.population.tables` and
`casework.population.scores.readmission.LaceSettings` / `HospitalSettings`, transcribed
from shared/reference/clinical.md sections 1.1-1.3); nothing is copied here. Each
component says its input, its points and where the input came from; an input the stay
does not have is named in `missing` and scores 0 (as the population engine scores a
missing laboratory value: "not below the threshold").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from casework.population.scores.readmission import HospitalSettings, LaceSettings
from casework.population.tables import table_load

# The population engine's own variant defaults: a change there changes the score here.
_LACE = LaceSettings()
_HOSPITAL = HospitalSettings()
LACE_SETTINGS: dict[str, Any] = {
    "los_counting": _LACE.los_counting,
    "ed_window_days": _LACE.ed_window_days,
    "ed_exclude_days_before_admission": _LACE.ed_exclude_days_before_admission,
    "charlson_weighting": _LACE.charlson_weighting,
    "variant": _LACE.variant,
}
HOSPITAL_SETTINGS: dict[str, Any] = {
    "admissions_window_days": _HOSPITAL.admissions_window_days,
    "los_counting": _HOSPITAL.los_counting,
}
ED_WINDOW_DAYS = int(LACE_SETTINGS["ed_window_days"])
ED_EXCLUDE_DAYS = LACE_SETTINGS["ed_exclude_days_before_admission"]
ADMISSIONS_WINDOW_DAYS = int(HOSPITAL_SETTINGS["admissions_window_days"])


@dataclass(frozen=True)
class RiskInputs:
    """What the stay knows. `None` is "not known" (missing, scored 0)."""

    admitted: date
    discharge: date
    discharge_source: str  # "discharge", "anticipated" or "today"
    acute: bool | None = None
    acute_source: str = ""
    comorbidity_codes: Sequence[str] = ()
    ed_visits: int | None = None
    prior_admissions: int | None = None
    haemoglobin: Decimal | None = None
    sodium: Decimal | None = None
    oncology: bool | None = None
    procedure: bool | None = None


@dataclass
class Score:
    total: int = 0
    band: str = ""
    components: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _band_points(value: float, bands: list[list[Any]]) -> Any:
    for low, high, points in bands:
        if low <= value <= high:
            return points
    raise ValueError(f"{value} is outside every band")


def length_of_stay(admitted: date, discharge: date) -> int:
    """Days, counted as the population engine's LACE settings say."""
    days = (discharge - admitted).days
    return days + 1 if LACE_SETTINGS["los_counting"] == "inclusive" else days


def charlson_categories(codes: Sequence[str]) -> set[str]:
    """The Charlson categories (Quan 2005 ICD-10-CM prefixes) the codes fall in, after
    the hierarchy (mild liver dropped under moderate/severe, and so on)."""
    rows = table_load("charlson_map")["rows"]
    cleaned = {code.replace(".", "").strip().upper() for code in codes if code.strip()}
    found = {
        row["category"]
        for row in rows
        if row["code_system"] == "ICD10CM"
        for code in cleaned
        if code.startswith(row["prefix"])
    }
    for rule in table_load("charlson_weights")["hierarchy"]:
        if rule["when"] in found:
            found.discard(rule["drop"])
    return found


def charlson_score(codes: Sequence[str]) -> int:
    weights = table_load("charlson_weights")["schemes"][LACE_SETTINGS["charlson_weighting"]]
    return sum(int(weights[category]) for category in charlson_categories(codes))


def _component(
    letter: str, name: str, value: Any, points: int, source: str, missing: bool = False
) -> dict[str, Any]:
    return {
        "component": letter,
        "name": name,
        "value": value,
        "points": points,
        "source": source,
        "missing": missing,
    }


def _discharge_source(inputs: RiskInputs) -> str:
    return {
        "discharge": "stay: admission to discharge",
        "anticipated": "stay admission to the plan's anticipated discharge date",
        "today": "stay admission to today (in house, no anticipated date)",
    }[inputs.discharge_source]


def lace(inputs: RiskInputs) -> Score:
    """LACE (van Walraven 2010) with the population engine's point table and variant."""
    table = dict(table_load("lace_points"))
    variant = LACE_SETTINGS["variant"]
    if variant != "standard":
        table |= table["variants"][variant]
    score = Score()
    los = length_of_stay(inputs.admitted, inputs.discharge)
    score.components.append(
        _component(
            "L",
            "length of stay (days)",
            los,
            _band_points(los, table["length_of_stay"]),
            _discharge_source(inputs),
        )
    )
    if inputs.acute is None:
        score.missing.append("acute admission")
        score.components.append(
            _component("A", "acute (emergent) admission", None, 0, "not known", missing=True)
        )
    else:
        points = int(table["acute_admission"]) if inputs.acute else 0
        score.components.append(
            _component("A", "acute (emergent) admission", inputs.acute, points, inputs.acute_source)
        )
    if not inputs.comorbidity_codes:
        score.missing.append("comorbidity codes")
        score.components.append(
            _component("C", "Charlson comorbidity index", None, 0, "no codes", missing=True)
        )
    else:
        cci = charlson_score(inputs.comorbidity_codes)
        score.components.append(
            _component(
                "C",
                "Charlson comorbidity index",
                cci,
                _band_points(cci, table["comorbidity"]),
                "codes of the plan and the admitting diagnosis (Quan 2005, "
                f"{LACE_SETTINGS['charlson_weighting']} weights)",
            )
        )
    if inputs.ed_visits is None:
        score.missing.append("emergency visits")
        score.components.append(
            _component("E", "ED visits in 6 months", None, 0, "not known", missing=True)
        )
    else:
        score.components.append(
            _component(
                "E",
                "ED visits in 6 months",
                inputs.ed_visits,
                _band_points(inputs.ed_visits, table["ed_visits"]),
                f"the consumer's emergency stays in the {ED_WINDOW_DAYS} days before admission",
            )
        )
    score.total = sum(int(c["points"]) for c in score.components)
    score.band = str(_band_points(score.total, table["risk_bands"]))
    return score


def hospital(inputs: RiskInputs) -> Score:
    """HOSPITAL (Donze 2013) with the population engine's point table; a missing
    laboratory value or flag scores 0."""
    table = table_load("hospital_points")
    score = Score()

    def below(letter: str, name: str, value: Decimal | None, limit: float, points: int) -> None:
        if value is None:
            score.missing.append(name)
            score.components.append(_component(letter, name, None, 0, "not known", missing=True))
            return
        got = points if float(value) < limit else 0
        score.components.append(_component(letter, name, str(value), got, "entered on the plan"))

    def flag(letter: str, name: str, value: bool | None, points: int, source: str) -> None:
        if value is None:
            score.missing.append(name)
            score.components.append(_component(letter, name, None, 0, "not known", missing=True))
            return
        score.components.append(_component(letter, name, value, points if value else 0, source))

    below(
        "H",
        "haemoglobin at discharge (g/dL)",
        inputs.haemoglobin,
        float(table["haemoglobin_below_g_dl"]),
        int(table["haemoglobin_points"]),
    )
    flag(
        "O",
        "discharge from an oncology service",
        inputs.oncology,
        int(table["oncology_points"]),
        "entered on the plan",
    )
    below(
        "S",
        "sodium at discharge (mmol/L)",
        inputs.sodium,
        float(table["sodium_below_mmol_l"]),
        int(table["sodium_points"]),
    )
    flag(
        "P",
        "procedure during the stay",
        inputs.procedure,
        int(table["procedure_points"]),
        "entered on the plan",
    )
    flag(
        "IT",
        "urgent or emergent admission",
        inputs.acute,
        int(table["urgent_admission_points"]),
        inputs.acute_source,
    )
    if inputs.prior_admissions is None:
        score.missing.append("admissions in 12 months")
        score.components.append(
            _component("A", "admissions in 12 months", None, 0, "not known", missing=True)
        )
    else:
        score.components.append(
            _component(
                "A",
                "admissions in 12 months",
                inputs.prior_admissions,
                _band_points(inputs.prior_admissions, table["admissions_previous_12_months"]),
                "the consumer's inpatient stays in the "
                f"{ADMISSIONS_WINDOW_DAYS} days before admission",
            )
        )
    los = length_of_stay(inputs.admitted, inputs.discharge)
    score.components.append(
        _component(
            "L",
            "length of stay (days)",
            los,
            int(table["length_of_stay_points"])
            if los >= int(table["length_of_stay_at_least_days"])
            else 0,
            _discharge_source(inputs),
        )
    )
    score.total = sum(int(c["points"]) for c in score.components)
    score.band = str(_band_points(score.total, table["risk_bands"]))
    return score


def readmission_risk(inputs: RiskInputs) -> dict[str, Any]:
    """Both scores as stored on the plan version: totals, bands, components, what was
    missing, and the versions of the tables used."""
    tables = {name: str(table_load(name)["version"]) for name in ("lace_points", "hospital_points")}
    tables["charlson_weights"] = str(table_load("charlson_weights")["version"])
    result: dict[str, Any] = {"tables": tables}
    for name, score in (("lace", lace(inputs)), ("hospital", hospital(inputs))):
        result[name] = {
            "total": score.total,
            "band": score.band,
            "components": score.components,
            "missing": score.missing,
        }
    return result
