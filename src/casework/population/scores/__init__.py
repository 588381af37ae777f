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

from casework.population.scores.comorbidity import (
    CANCER_CATEGORIES,
    CHARLSON_WEIGHTINGS,
    category_bits,
    charlson,
    comorbidity_flags,
    elixhauser,
    flag_set,
    has_category,
    weighted_score,
    weighted_sum,
)
from casework.population.scores.points import (
    band_points,
    risk_band,
)
from casework.population.scores.readmission import (
    HospitalSettings,
    LaceSettings,
    hospital_per_stay,
    hospital_points,
    lace_per_stay,
    lace_points,
    latest_per_member,
    length_of_stay,
    stays,
)

__all__ = [
    "CANCER_CATEGORIES",
    "CHARLSON_WEIGHTINGS",
    "HospitalSettings",
    "LaceSettings",
    "band_points",
    "category_bits",
    "charlson",
    "comorbidity_flags",
    "elixhauser",
    "flag_set",
    "has_category",
    "hospital_per_stay",
    "hospital_points",
    "lace_per_stay",
    "lace_points",
    "latest_per_member",
    "length_of_stay",
    "risk_band",
    "stays",
    "weighted_score",
    "weighted_sum",
]
