"""Pages for the worklist, the case, intake, notices, consent and the case lifecycle.

Thin: parse → `access_*` → one service or selector → render. A page that shows
consumer data writes exactly one audit event (the access check's read, or the
service's write); a refusal writes one denied event and is a 404.
"""

from casework.cases.views.lifecycle import (
    case_activate,
    case_close,
    case_reassign,
    case_withdraw,
    cases_reassign,
    consent_create,
    enrollment_notices_create,
    intake,
    notice_create,
)
from casework.cases.views.notices import notice_print
from casework.cases.views.worklist import worklist

__all__ = [
    "case_activate",
    "case_close",
    "case_reassign",
    "case_withdraw",
    "cases_reassign",
    "consent_create",
    "enrollment_notices_create",
    "intake",
    "notice_create",
    "notice_print",
    "worklist",
]
