"""Writes for transitions of care (G1-G4, F4, F7). Each service runs in one transaction
and writes one audit event naming the consumer.

Who may: the web layer's guarded load of the stay (`access_stay` with case.manage) or of
the consumer (`access_consumer`, `access_referral`); the receiving system confirms a
handoff by updating its FHIR Task through the API with an interface account's token
(`handoff_task_update`). `stay_changed` is the stays listener (registered in `apps.py`):
it is part of the stay change that called it and writes no audit event of its own (the
stay's one event covers the change; the clocks and the readmission link are derived
from it).

One module per record: `plan` (the transition plan and its risk scores), `choices`
(provider directory, choice list, placement), `handoff` (and the receiver's credential),
`follow_up` (the stays listener, follow-up attempts, readmission review), `referrals`,
`education`, `sequencing`. Callers import this package: `from casework.transitions
import services`.
"""

from casework.transitions.services.choices import (
    ProviderImport,
    choice_list_create,
    choices_record,
    placement_record,
    providers_import,
)
from casework.transitions.services.education import (
    LANGUAGE_TAG,
    EducationFacts,
    education_record,
)
from casework.transitions.services.follow_up import (
    follow_up_attempt_record,
    readmission_review,
    readmission_sync,
    stay_changed,
    transition_clocks_sync,
)
from casework.transitions.services.handoff import (
    RECEIVER_RAW_LENGTH,
    RECEIVER_TOKEN_PREFIX,
    TASK_RECEIPT_STATUSES,
    TASK_STATUSES,
    handoff_confirm,
    handoff_printed,
    handoff_send,
    handoff_task_update,
    receiver_credential_issue,
    receiver_credential_revoke,
    receiver_verify,
)
from casework.transitions.services.plan import (
    ICD10CM_CODE,
    PlanFacts,
    RiskEntries,
    plan_risk,
    transition_plan_save,
)
from casework.transitions.services.referrals import (
    referral_send,
    referral_status_set,
)
from casework.transitions.services.sequencing import (
    BarrierFacts,
    sequencing_barrier_escalate,
    sequencing_barrier_record,
    sequencing_barrier_resolve,
    sequencing_level_lapsed,
    sequencing_path_set,
    sequencing_response_record,
)

__all__ = [
    "ICD10CM_CODE",
    "LANGUAGE_TAG",
    "RECEIVER_RAW_LENGTH",
    "RECEIVER_TOKEN_PREFIX",
    "TASK_RECEIPT_STATUSES",
    "TASK_STATUSES",
    "BarrierFacts",
    "EducationFacts",
    "PlanFacts",
    "ProviderImport",
    "RiskEntries",
    "choice_list_create",
    "choices_record",
    "education_record",
    "follow_up_attempt_record",
    "handoff_confirm",
    "handoff_printed",
    "handoff_send",
    "handoff_task_update",
    "placement_record",
    "plan_risk",
    "providers_import",
    "readmission_review",
    "readmission_sync",
    "receiver_credential_issue",
    "receiver_credential_revoke",
    "receiver_verify",
    "referral_send",
    "referral_status_set",
    "sequencing_barrier_escalate",
    "sequencing_barrier_record",
    "sequencing_barrier_resolve",
    "sequencing_level_lapsed",
    "sequencing_path_set",
    "sequencing_response_record",
    "stay_changed",
    "transition_clocks_sync",
    "transition_plan_save",
]
