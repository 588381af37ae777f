"""Staff governance pages (A1-A8): sign statements, a person's record, the staff list,
the due/overdue list and the governance dashboard. Thin: access, one selector or
service, render. Every page read is audited (staff records are governance data)."""

from casework.staff.views.mfa_reset import mfa_reset_approve, mfa_reset_request
from casework.staff.views.person import (
    corrective_resolve,
    credential_create,
    profile_edit,
    training_complete,
    verification_create,
)
from casework.staff.views.program import (
    caseloads,
    consultation_create,
    job_description_save,
    rule_settings,
    statement_publish,
)
from casework.staff.views.records import (
    attest,
    dashboard,
    my_record,
    staff_list,
    staff_record,
    verification_evidence,
)

__all__ = [
    "attest",
    "caseloads",
    "consultation_create",
    "corrective_resolve",
    "credential_create",
    "dashboard",
    "job_description_save",
    "mfa_reset_approve",
    "mfa_reset_request",
    "my_record",
    "profile_edit",
    "rule_settings",
    "staff_list",
    "staff_record",
    "statement_publish",
    "training_complete",
    "verification_create",
    "verification_evidence",
]
