"""The typed field sets of the staff services name every editable column, no more."""

from casework.staff import services
from casework.staff.models import Credential, ProgramStaffSettings, StaffProfile


def _columns(model: type, *fixed: str) -> set[str]:
    return {f.name for f in model._meta.concrete_fields} - {"id", *fixed}  # type: ignore[attr-defined]


def test_credential_fields_are_the_credential_columns_but_identity_and_version() -> None:
    fixed = ("user", "kind", "credential_type", "created_at", "version")
    assert set(services.CREDENTIAL_FIELDS) == _columns(Credential, *fixed)


def test_profile_fields_are_the_profile_columns_but_designations_and_version() -> None:
    fixed = ("user", "job_description", "clinical_director", "version")
    assert set(services.PROFILE_FIELDS) == _columns(StaffProfile, *fixed)


def test_rule_settings_are_the_settings_columns_in_form_order() -> None:
    assert services.RULE_SETTING_FIELDS == (
        "supervisor_case_manager_years",
        "supervisor_supervision_years",
        "reverification_years",
        "ce_hours",
        "ce_window_years",
        "annual_recurrence_months",
        "attestation_months",
    )
    assert set(services.RULE_SETTING_FIELDS) == _columns(ProgramStaffSettings, "program")
