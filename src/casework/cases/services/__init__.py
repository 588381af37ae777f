"""Writes for the case lifecycle: intake, notices, consent, activation, closure, reassignment.

Every service runs in one transaction with exactly one audit event, and refuses
(raising a DomainError, writing nothing) when the rules in `cases.rules` say no.
"""

from casework.cases.services.enrollment import (
    consent_record,
    enrollment_notices_record,
    notice_record,
)
from casework.cases.services.intake import referral_intake
from casework.cases.services.lifecycle import (
    ClosureNotice,
    case_activate,
    case_close,
    case_reassign,
    case_withdraw,
    cases_reassign,
)
from casework.cases.services.screening import (
    ImportResult,
    ScreenedMember,
    referrals_import_from_screening,
)

__all__ = [
    "ClosureNotice",
    "ImportResult",
    "ScreenedMember",
    "case_activate",
    "case_close",
    "case_reassign",
    "case_withdraw",
    "cases_reassign",
    "consent_record",
    "enrollment_notices_record",
    "notice_record",
    "referral_intake",
    "referrals_import_from_screening",
]
