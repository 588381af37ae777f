"""Writes for staff governance (A2-A8): profiles, credentials, verification, CE,
corrective actions, training, attestations, job descriptions, clinical oversight,
caseload guidelines, the assignment gate, and staff accounts created from the console.

Staff records are not consumer data, but every change is governance and is audited:
each service runs in one transaction and writes exactly one audit event (object type
`staff_*`, no consumer). Who may call them is decided by the caller (`staff.manage`:
administrators and compliance officers), except `attestation_sign`, which a person
does for themself.
"""

from casework.staff.services._common import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    StaffDeadline,
)
from casework.staff.services.accounts import password_generate, staff_account_create
from casework.staff.services.caseloads import (
    assignment_gate,
    assignment_override_record,
    assignment_suggestions,
    caseload_guideline_set,
)
from casework.staff.services.credentials import (
    CREDENTIAL_FIELDS,
    PROFILE_FIELDS,
    RULE_SETTING_FIELDS,
    ce_record,
    corrective_action_resolve,
    credential_add,
    credential_lapse_act,
    credential_update,
    evidence_check,
    job_description_save,
    rule_settings_save,
    staff_profile_save,
    verification_record,
)
from casework.staff.services.mfa_reset import mfa_reset_approve, mfa_reset_request
from casework.staff.services.training import (
    attestation_publish,
    attestation_sign,
    clinical_director_designate,
    consultation_log,
    course_create,
    training_assign,
    training_complete,
)

__all__ = [
    "CREDENTIAL_FIELDS",
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_TYPES",
    "PROFILE_FIELDS",
    "RULE_SETTING_FIELDS",
    "StaffDeadline",
    "assignment_gate",
    "assignment_override_record",
    "assignment_suggestions",
    "attestation_publish",
    "attestation_sign",
    "caseload_guideline_set",
    "ce_record",
    "clinical_director_designate",
    "consultation_log",
    "corrective_action_resolve",
    "course_create",
    "credential_add",
    "credential_lapse_act",
    "credential_update",
    "evidence_check",
    "job_description_save",
    "mfa_reset_approve",
    "mfa_reset_request",
    "password_generate",
    "rule_settings_save",
    "staff_account_create",
    "staff_profile_save",
    "training_assign",
    "training_complete",
    "verification_record",
]
