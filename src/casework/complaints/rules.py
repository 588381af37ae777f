"""Complaints and grievances (K1): the limits that apply by coverage type, pure.

Each preset row cites its rule (../shared/reference/regulatory-timers.md section B). The
program's own policy supplies the default where no federal row applies, and every
acknowledgement clock. No rule here reads a protected attribute of the consumer (J4):
the inputs are the coverage type, the kind of complaint, whether it is expedited and the
program's policy.
"""

from dataclasses import dataclass
from enum import StrEnum

from casework.core.clocks import ClockRule, ClockUnit


class ComplaintChannel(StrEnum):
    PHONE = "phone"
    MAIL = "mail"
    EMAIL = "email"
    PORTAL = "portal"
    IN_PERSON = "in_person"


class ComplaintKind(StrEnum):
    GRIEVANCE = "grievance"  # dissatisfaction with anything but an adverse decision
    APPEAL = "appeal"  # a request to review an adverse benefit determination


class Category(StrEnum):
    QUALITY_OF_CARE = "quality_of_care"
    ACCESS = "access"
    COMMUNICATION = "communication"
    STAFF_CONDUCT = "staff_conduct"
    PRIVACY = "privacy"
    DISCRIMINATION = "discrimination"
    BILLING = "billing"
    CARE_OPTIONS = "care_options"  # disagreement about care options: routed by policy
    OTHER = "other"


class ComplaintSeverity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class CoverageType(StrEnum):
    MEDICAID_MANAGED_CARE = "medicaid_managed_care"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    ERISA = "erisa"
    PROGRAM_POLICY = "program_policy"


class ComplaintState(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    UPHELD = "upheld"  # the complaint was found to be right
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


OPEN_STATES = frozenset({ComplaintState.RECEIVED, ComplaintState.ACKNOWLEDGED})


@dataclass(frozen=True)
class ProgramPolicy:
    """The program's own limits (used where no federal preset applies)."""

    acknowledge_business_days: int = 5
    resolve_days: int = 30
    expedited_hours: int = 72


@dataclass(frozen=True)
class LimitPreset:
    """The resolution limit of one (coverage, kind, expedited) combination and its rule."""

    coverage: CoverageType
    kind: ComplaintKind
    expedited: bool
    rule: ClockRule


def _rule(
    code: str,
    amount: int,
    unit: ClockUnit,
    citation: str,
    *,
    extension: int = 14,
    notice_days: int = 2,
) -> ClockRule:
    return ClockRule(
        code=code,
        amount=amount,
        unit=unit,
        citation=citation,
        extension_amount=extension,
        max_extensions=1 if extension else 0,
        extension_notice_days=notice_days if extension else 0,
    )


DAYS, HOURS = ClockUnit.CALENDAR_DAYS, ClockUnit.HOURS
M, MA, ER = (
    CoverageType.MEDICAID_MANAGED_CARE,
    CoverageType.MEDICARE_ADVANTAGE,
    CoverageType.ERISA,
)
G, A = ComplaintKind.GRIEVANCE, ComplaintKind.APPEAL

# Shipped presets: every row cites its rule. Extensions are 14 calendar days where the
# rule allows one; Medicaid requires written notice within 2 calendar days of an
# extension the enrollee did not ask for (438.408(c)(2)). ERISA appeals have none.
PRESETS: tuple[LimitPreset, ...] = (
    LimitPreset(M, G, False, _rule("MC-2", 90, DAYS, "42 CFR 438.408(b)(1); 438.408(c)")),
    LimitPreset(M, A, False, _rule("MC-4", 30, DAYS, "42 CFR 438.408(b)(2); 438.408(c)")),
    LimitPreset(M, A, True, _rule("MC-5", 72, HOURS, "42 CFR 438.408(b)(3); 438.408(c)")),
    LimitPreset(MA, G, False, _rule("MA-G2", 30, DAYS, "42 CFR 422.564(e)", notice_days=0)),
    LimitPreset(MA, G, True, _rule("MA-G3", 24, HOURS, "42 CFR 422.564(f)", extension=0)),
    LimitPreset(MA, A, False, _rule("MA-R2", 30, DAYS, "42 CFR 422.590(a),(f)", notice_days=0)),
    LimitPreset(MA, A, True, _rule("MA-R5", 72, HOURS, "42 CFR 422.590(e)", notice_days=0)),
    LimitPreset(
        ER, A, False, _rule("ER-6", 30, DAYS, "29 CFR 2560.503-1(i)(2) (pre-service)", extension=0)
    ),
    LimitPreset(
        ER, A, True, _rule("ER-6U", 72, HOURS, "29 CFR 2560.503-1(i)(2) (urgent)", extension=0)
    ),
)
PRESET_INDEX = {(p.coverage, p.kind, p.expedited): p for p in PRESETS}


def policy_rule(policy: ProgramPolicy, *, expedited: bool) -> ClockRule:
    """The program's own resolution limit: it may pause while waiting for information the
    consumer agreed to supply, and extend once by 14 days with notice in 2 days."""
    if expedited:
        return ClockRule(
            code="PP-EXP",
            amount=policy.expedited_hours,
            unit=HOURS,
            citation="Program policy (expedited)",
            pausable=True,
            extension_amount=14,
            max_extensions=1,
            extension_notice_days=2,
        )
    return ClockRule(
        code="PP-RES",
        amount=policy.resolve_days,
        unit=DAYS,
        citation="Program policy",
        pausable=True,
        extension_amount=14,
        max_extensions=1,
        extension_notice_days=2,
    )


def resolution_rule(
    *, coverage: CoverageType, kind: ComplaintKind, expedited: bool, policy: ProgramPolicy
) -> ClockRule:
    """The resolution limit that applies: the shipped preset for the coverage type, else
    the program's policy (an ERISA grievance, a program-funded consumer)."""
    preset = PRESET_INDEX.get((coverage, kind, expedited))
    if preset is None and expedited:
        # No expedited track for this kind under the coverage: the standard one applies.
        preset = PRESET_INDEX.get((coverage, kind, False))
    return preset.rule if preset is not None else policy_rule(policy, expedited=expedited)


def acknowledgement_rule(policy: ProgramPolicy) -> ClockRule:
    return ClockRule(
        code="PP-ACK",
        amount=policy.acknowledge_business_days,
        unit=ClockUnit.BUSINESS_DAYS,
        citation="Program policy (acknowledgement)",
        escalate_at=(0.5,),
    )


def rule_by_code(code: str, policy: ProgramPolicy) -> ClockRule | None:
    """The rule a stored clock runs by (rule codes never change)."""
    for preset in PRESETS:
        if preset.rule.code == code:
            return preset.rule
    for rule in (
        policy_rule(policy, expedited=False),
        policy_rule(policy, expedited=True),
        acknowledgement_rule(policy),
    ):
        if rule.code == code:
            return rule
    return None


def routes_to_reviewer(category: str) -> bool:
    """A disagreement about care options goes to the program's named reviewer."""
    return category == Category.CARE_OPTIONS


def may_resolve(state: str) -> bool:
    return state in OPEN_STATES


def may_acknowledge(state: str) -> bool:
    return state == ComplaintState.RECEIVED
