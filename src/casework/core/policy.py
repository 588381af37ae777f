"""Role-by-relationship policy (A1, N2, S3): which role may do what, over which consumers.

A scope says whose records a permission reaches:
  own      consumers whose case is assigned to the user, or whose care team includes them
  team     consumers whose case belongs to a team the user supervises
  program  every consumer of the user's program
  restricted  records of their own (abuse reports, incidents, ethics consultations: J1-J3)
           reach only the person who recorded them and the roles the program names for
           restricted records; every read is audited and break-glass never opens them
Anything not listed is denied (404 to the caller, audited as a denied attempt).
"""

from enum import StrEnum

from casework.core.roles import PurposeOfUse, Role


class Scope(StrEnum):
    NONE = "none"
    OWN = "own"
    TEAM = "team"
    PROGRAM = "program"
    RESTRICTED = "restricted"


class Permission(StrEnum):
    CONSUMER_READ = "consumer.read"
    CASE_INTAKE = "case.intake"  # take a referral and open a case
    CASE_MANAGE = "case.manage"  # notices, consent, consumer details, work items, closure
    RECORD_NOTE = "record.note"  # notes, communications and goal progress
    CARE_PLAN = "care.plan"  # assessments, needs, the plan of care and the care team
    CASE_REASSIGN = "case.reassign"
    AUDIT_READ = "audit.read"
    UM_DECIDE = "um.decide"  # a physician advisor's medical-necessity determination (H1)
    UM_REPORT = "um.report"  # utilization reports over the program: avoidable days (H3)
    ADT_MANAGE = "adt.manage"  # the ADT error queue: raw messages, replay, resolve (H1)
    # Staff governance (A1-A8): records of staff, not of consumers. Everyone reads their
    # own record; these reach other people's.
    STAFF_READ = "staff.read"
    STAFF_MANAGE = "staff.manage"  # credentials, training, statements, positions
    CASELOAD_SET = "caseload.set"  # caseload guidelines and their rationale
    MFA_RESET = "mfa.reset"  # request a person's MFA reset (a second person approves)
    # Complaints and grievances (K1): receive, acknowledge, investigate, resolve.
    COMPLAINT_MANAGE = "complaint.manage"
    # Protections (J1-J3): abuse reports, incidents, ethics consultations. Recording one
    # reaches the consumers of the caseload; reading and working them is restricted.
    PROTECTION_REPORT = "protection.report"
    PROTECTION_READ = "protection.read"
    # Records governance (N4, N6, S28, S29, S42): disclosures outside treatment, payment
    # and operations are recorded by whoever makes them; legal holds, retention, access
    # requests and accountings are the privacy officer's; the compliance register holds
    # no consumer data.
    DISCLOSURE_RECORD = "disclosure.record"
    PRIVACY_MANAGE = "privacy.manage"
    COMPLIANCE_MANAGE = "compliance.manage"
    # The dashboards' charts (issue 13, item 19): caseloads, overdue work and credential
    # compliance of staff, as counts; no consumer's data.
    DASHBOARD_READ = "dashboard.read"


POLICY: dict[str, dict[Permission, Scope]] = {
    Role.CASE_MANAGER: {
        Permission.CONSUMER_READ: Scope.OWN,
        Permission.CASE_INTAKE: Scope.OWN,
        Permission.CASE_MANAGE: Scope.OWN,
        Permission.RECORD_NOTE: Scope.OWN,
        Permission.CARE_PLAN: Scope.OWN,
        Permission.COMPLAINT_MANAGE: Scope.OWN,
        Permission.PROTECTION_REPORT: Scope.OWN,
        Permission.PROTECTION_READ: Scope.RESTRICTED,
        Permission.DISCLOSURE_RECORD: Scope.OWN,
    },
    Role.SUPERVISOR: {
        Permission.CONSUMER_READ: Scope.TEAM,
        Permission.CASE_INTAKE: Scope.TEAM,
        Permission.CASE_MANAGE: Scope.TEAM,
        Permission.RECORD_NOTE: Scope.TEAM,
        Permission.CARE_PLAN: Scope.TEAM,
        Permission.CASE_REASSIGN: Scope.TEAM,
        Permission.STAFF_READ: Scope.TEAM,
        Permission.CASELOAD_SET: Scope.TEAM,
        Permission.DASHBOARD_READ: Scope.TEAM,
        Permission.COMPLAINT_MANAGE: Scope.TEAM,
        Permission.PROTECTION_REPORT: Scope.TEAM,
        Permission.PROTECTION_READ: Scope.RESTRICTED,
        Permission.DISCLOSURE_RECORD: Scope.TEAM,
        Permission.UM_REPORT: Scope.PROGRAM,
        Permission.ADT_MANAGE: Scope.PROGRAM,
    },
    Role.SENIOR_CLINICAL: {
        Permission.CONSUMER_READ: Scope.PROGRAM,
        Permission.RECORD_NOTE: Scope.PROGRAM,
        Permission.COMPLAINT_MANAGE: Scope.PROGRAM,
        Permission.PROTECTION_REPORT: Scope.PROGRAM,
        Permission.PROTECTION_READ: Scope.RESTRICTED,
        Permission.UM_REPORT: Scope.PROGRAM,
    },
    Role.PHYSICIAN_ADVISOR: {
        Permission.CONSUMER_READ: Scope.PROGRAM,
        Permission.RECORD_NOTE: Scope.PROGRAM,
        Permission.COMPLAINT_MANAGE: Scope.PROGRAM,
        Permission.PROTECTION_READ: Scope.RESTRICTED,
        Permission.UM_DECIDE: Scope.PROGRAM,
        Permission.UM_REPORT: Scope.PROGRAM,
    },
    Role.QUALITY_ANALYST: {
        Permission.CONSUMER_READ: Scope.PROGRAM,
        Permission.UM_REPORT: Scope.PROGRAM,
        Permission.DASHBOARD_READ: Scope.PROGRAM,
    },
    Role.COMPLIANCE_OFFICER: {
        Permission.CONSUMER_READ: Scope.PROGRAM,
        Permission.AUDIT_READ: Scope.PROGRAM,
        Permission.STAFF_READ: Scope.PROGRAM,
        Permission.STAFF_MANAGE: Scope.PROGRAM,
        Permission.COMPLAINT_MANAGE: Scope.PROGRAM,
        Permission.PROTECTION_REPORT: Scope.PROGRAM,
        Permission.PROTECTION_READ: Scope.RESTRICTED,
        Permission.DISCLOSURE_RECORD: Scope.PROGRAM,
        Permission.PRIVACY_MANAGE: Scope.PROGRAM,
        Permission.COMPLIANCE_MANAGE: Scope.PROGRAM,
    },
    Role.ADMINISTRATOR: {
        Permission.STAFF_READ: Scope.PROGRAM,
        Permission.STAFF_MANAGE: Scope.PROGRAM,
        Permission.CASELOAD_SET: Scope.PROGRAM,
        Permission.MFA_RESET: Scope.PROGRAM,
    },
    Role.AUDITOR: {
        Permission.CONSUMER_READ: Scope.PROGRAM,
        Permission.AUDIT_READ: Scope.PROGRAM,
        Permission.STAFF_READ: Scope.PROGRAM,
    },
}


def scope_for(role: str, permission: Permission) -> Scope:
    return POLICY.get(role, {}).get(permission, Scope.NONE)


# --- purpose of use (N2) ------------------------------------------------------------------
# What each role may state as its purpose (HL7 PurposeOfUse) in `X-Purpose-Of-Use`; the
# role's default purpose (`roles.DEFAULT_PURPOSE`) is always one. Emergency purposes
# (ETREAT, and HL7's BTG, "break the glass") are never stated: they are set by a declared
# emergency (break-glass, `web.break_glass`), which opens one consumer's records for a
# limited time, is recorded and reviewed, and marks every event under it.
EMERGENCY_PURPOSES = frozenset({PurposeOfUse.EMERGENCY, "BTG"})
EMERGENCY_REFUSAL = (
    "an emergency purpose is not stated: declare an emergency (break-glass) for the consumer "
    "and state your usual purpose"
)

# The roles that may declare an emergency when the program has not chosen (N2, S19):
# those who treat or coordinate care. A program narrows or empties the list
# (`web.models.BreakGlassSettings`); roles that never treat are not offered it.
BREAK_GLASS_DEFAULT_ROLES = frozenset(
    {Role.CASE_MANAGER, Role.SUPERVISOR, Role.SENIOR_CLINICAL, Role.PHYSICIAN_ADVISOR}
)

CLAIMABLE_PURPOSES: dict[str, frozenset[str]] = {
    Role.CASE_MANAGER: frozenset(
        {PurposeOfUse.CARE_MANAGEMENT, PurposeOfUse.TREATMENT, PurposeOfUse.OPERATIONS}
    ),
    Role.SUPERVISOR: frozenset(
        {
            PurposeOfUse.CARE_MANAGEMENT,
            PurposeOfUse.TREATMENT,
            PurposeOfUse.OPERATIONS,
            PurposeOfUse.QUALITY,
        }
    ),
    Role.SENIOR_CLINICAL: frozenset(
        {
            PurposeOfUse.CARE_MANAGEMENT,
            PurposeOfUse.TREATMENT,
            PurposeOfUse.OPERATIONS,
            PurposeOfUse.QUALITY,
        }
    ),
    Role.PHYSICIAN_ADVISOR: frozenset(
        {PurposeOfUse.TREATMENT, PurposeOfUse.CARE_MANAGEMENT, PurposeOfUse.QUALITY}
    ),
    Role.QUALITY_ANALYST: frozenset({PurposeOfUse.QUALITY, PurposeOfUse.OPERATIONS}),
    Role.COMPLIANCE_OFFICER: frozenset({PurposeOfUse.COMPLIANCE, PurposeOfUse.OPERATIONS}),
    Role.ADMINISTRATOR: frozenset({PurposeOfUse.SYSTEM_ADMIN, PurposeOfUse.OPERATIONS}),
    Role.AUDITOR: frozenset({PurposeOfUse.COMPLIANCE}),
}


def purpose_refusal(role: str, purpose: str) -> str | None:
    """Why `role` may not state `purpose`, or None when it may."""
    purpose = purpose[:20]
    if purpose in EMERGENCY_PURPOSES:
        return EMERGENCY_REFUSAL
    if purpose not in PurposeOfUse.values:
        return f"unknown purpose of use '{purpose}'"
    if purpose not in CLAIMABLE_PURPOSES.get(role, frozenset()):
        return f"your role may not state the purpose of use '{purpose}'"
    return None
