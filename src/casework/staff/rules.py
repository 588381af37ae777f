"""Staff governance rules: pure functions, no ORM (A2-A8; Model Act §III, 3.5, §VIII, 10.1, 5.1(n)).

Every qualification check returns a `Qualification`: the Model Act paragraph it tests,
whether it is met, and the reasons (met or unmet) a reviewer reads. The parameters
(years, hours, intervals) come from `RuleSettings`, whose defaults are the Model Act's;
a program may set its own (see `staff.models.ProgramStaffSettings`).

Interpretations (recorded in docs/staff.md):
- 3.2: a supervisor meets (a) by any of (i)-(iii); one who has directly supervised case
  management for the set number of years (default 3) or more must also hold case-manager
  certification (b).
- 3.3: (a) and (b) are required, and (c) or (d); for an M.D. or D.O., (d) is required.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from casework.core.roles import Role

# Values match casework.staff.models choices.
LICENSE, CERTIFICATION, DEGREE = "license", "certification", "degree"
ACTIVE = "active"
EXPIRED = "expired"
BACHELOR, GRADUATE = "bachelor", "graduate"
CONFIDENTIALITY, CONFLICT_OF_INTEREST = "confidentiality", "conflict_of_interest"

# Blockers of a new case assignment (enforcement, A5-A8).
NO_VERIFIED_CREDENTIAL = "no_verified_credential"
NO_ORIENTATION = "no_orientation"
NO_CONFIDENTIALITY = "no_confidentiality_statement"
OVER_CASELOAD = "over_caseload_limit"
BLOCKER_TEXT = {
    NO_VERIFIED_CREDENTIAL: "no current verified credential",
    NO_ORIENTATION: "orientation not completed",
    NO_CONFIDENTIALITY: "current confidentiality statement not signed",
    OVER_CASELOAD: "over the caseload limit",
}

# Training topics: Model Act 8.1 (a)-(i) and antifraud 10.1 (a)-(h).
TRAINING_TOPICS: dict[str, str] = {
    "8.1a": "Initial orientation before assuming a role",
    "8.1b": "Ongoing training: professional and cultural competence",
    "8.1c": "State and regulatory requirements for the job",
    "8.1d": "Documentation of training",
    "8.1e": "Standards of practice for case management",
    "8.1f": "Conflict of interest",
    "8.1g": "Confidentiality",
    "8.1h": "Organizational structure",
    "8.1i": "Delegation oversight",
    "10.1a": "Advocacy for consumer needs",
    "10.1b": "Professional relationships with consumers",
    "10.1c": "Relationships that compromise objectivity",
    "10.1d": "Resolving conflicts of interest",
    "10.1e": "Business, financial and marketing practices",
    "10.1f": "Resolving perceived lapses in quality of care",
    "10.1g": "Needs beyond the program's scope",
    "10.1h": "Non-discrimination",
}
ORIENTATION_TOPIC = "8.1a"
ANNUAL_TOPICS = frozenset(t for t in TRAINING_TOPICS if t.startswith("10.1"))


@dataclass(frozen=True)
class RuleSettings:
    """Program settings; the defaults are the Model Act's."""

    supervisor_case_manager_years: Decimal = Decimal(5)  # 3.2(a)(iii)
    supervisor_supervision_years: Decimal = Decimal(3)  # 3.2(b)
    reverification_years: int = 3  # 3.5(b)
    ce_hours: Decimal = Decimal(80)  # 3.5(c)
    ce_window_years: int = 5  # 3.5(c)
    annual_recurrence_months: int = 12  # 10.1: antifraud and ethics, no less than annually
    attestation_months: int = 12  # S41: annual re-attestation


@dataclass(frozen=True)
class CredentialFacts:
    """One license, certification or degree as the rules see it."""

    kind: str
    status: str = ACTIVE
    expires_date: date | None = None
    verified_date: date | None = None  # the latest successful primary-source verification
    restricted: bool = False
    restriction_controls: bool = False  # the program documents how job functions respect them
    health_or_human_services: bool = True
    independent_assessment: bool = False  # the discipline allows independent assessment
    advanced: bool = False  # advanced licensure as a health professional (3.2(a)(i))
    case_manager_certification: bool = False  # e.g. CCM (3.2(a)(ii), (b))
    clinical_specialty: bool = False  # professional certification in a clinical specialty
    clinical: bool = False  # a clinical license (3.3(a))
    board_certification: bool = False  # 3.3(d)
    degree_level: str = ""  # bachelor or graduate for degrees
    accredited: bool = False
    supervised_field_experience: bool = False


@dataclass(frozen=True)
class StaffFacts:
    credentials: Sequence[CredentialFacts] = ()
    state_requires_licensure: bool = True
    case_manager_years: Decimal = Decimal(0)
    supervision_years: Decimal = Decimal(0)
    post_graduate_direct_care: bool = False
    oversight_qualified: bool = False  # 3.3(b), documented by the program
    physician: bool = False  # M.D. or D.O.


@dataclass(frozen=True)
class Qualification:
    code: str
    met: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def credential_status_on(status: str, expires_date: date | None, on: date) -> str:
    """The status a credential has on `on`: an active one past its expiry date is
    expired, whatever was recorded when it was entered (the dates decide)."""
    if status == ACTIVE and expires_date is not None and expires_date < on:
        return EXPIRED
    return status


def credential_current(c: CredentialFacts, on: date) -> bool:
    """Active and not past its expiry date (valid through the expiry date itself)."""
    return c.status == ACTIVE and (c.expires_date is None or on <= c.expires_date)


def credential_verified(c: CredentialFacts, on: date, settings: RuleSettings) -> bool:
    """Verified from the primary source within the re-verification interval (3.5(a), (b))."""
    if c.verified_date is None:
        return False
    return on < add_years(c.verified_date, settings.reverification_years)


def _result(code: str, reasons: list[str], met: bool) -> Qualification:
    return Qualification(code, met, tuple(reasons))


def case_manager_3_1_a(facts: StaffFacts, on: date) -> Qualification:
    """3.1(a): a current, active, unrestricted license or certification in a health or
    human services discipline that allows independent assessment."""
    for c in facts.credentials:
        if c.kind not in (LICENSE, CERTIFICATION):
            continue
        if (
            credential_current(c, on)
            and not c.restricted
            and c.health_or_human_services
            and c.independent_assessment
        ):
            return _result("3.1(a)", [f"current unrestricted {c.kind}"], True)
    reasons = []
    held = [c for c in facts.credentials if c.kind in (LICENSE, CERTIFICATION)]
    if not held:
        reasons.append("no license or certification recorded")
    elif not any(credential_current(c, on) for c in held):
        reasons.append("no license or certification is current and active")
    elif all(c.restricted for c in held if credential_current(c, on)):
        reasons.append("the current license or certification is restricted")
    else:
        reasons.append(
            "no current credential in a health or human services discipline "
            "that allows independent assessment"
        )
    return _result("3.1(a)", reasons, False)


def _qualifying_degree(c: CredentialFacts) -> list[str]:
    gaps = []
    if c.degree_level not in (BACHELOR, GRADUATE):
        gaps.append("not a baccalaureate or graduate degree")
    if not c.health_or_human_services:
        gaps.append("not in social work or a health or human services field")
    if not c.accredited:
        gaps.append("institution not nationally accredited")
    if not c.supervised_field_experience:
        gaps.append("no supervised field experience in the degree")
    return gaps


def case_manager_3_1_b(facts: StaffFacts, on: date) -> Qualification:
    """3.1(b): where the state does not require licensure or certification, an accredited
    baccalaureate or graduate degree in a health or human services field with supervised
    field experience."""
    if facts.state_requires_licensure:
        return _result("3.1(b)", ["the state requires licensure or certification"], False)
    degrees = [c for c in facts.credentials if c.kind == DEGREE]
    if not degrees:
        return _result("3.1(b)", ["no degree recorded"], False)
    best: list[str] | None = None
    for d in degrees:
        gaps = _qualifying_degree(d)
        if not gaps:
            return _result("3.1(b)", ["qualifying accredited degree with field experience"], True)
        if best is None or len(gaps) < len(best):
            best = gaps
    return _result("3.1(b)", best or [], False)


def case_manager_qualified(facts: StaffFacts, on: date) -> tuple[Qualification, ...]:
    """3.1: (a) or (b); returns both results (the person qualifies if either is met)."""
    return (case_manager_3_1_a(facts, on), case_manager_3_1_b(facts, on))


def _current(facts: StaffFacts, on: date, kind: str | None = None) -> list[CredentialFacts]:
    return [
        c
        for c in facts.credentials
        if (kind is None or c.kind == kind) and credential_current(c, on)
    ]


def supervisor_3_2_a_i(facts: StaffFacts, on: date) -> Qualification:
    """3.2(a)(i): a bachelor's (or higher) health or human services degree and advanced
    licensure as a health professional."""
    degree = any(
        c.degree_level in (BACHELOR, GRADUATE) and c.health_or_human_services
        for c in facts.credentials
        if c.kind == DEGREE
    )
    advanced = any(c.advanced for c in _current(facts, on, LICENSE))
    reasons = []
    if not degree:
        reasons.append("no bachelor's or higher degree in a health or human services field")
    if not advanced:
        reasons.append("no current advanced licensure")
    return _result("3.2(a)(i)", reasons or ["degree and advanced licensure"], not reasons)


def _has_cm_certification(facts: StaffFacts, on: date) -> bool:
    return any(c.case_manager_certification for c in _current(facts, on, CERTIFICATION))


def supervisor_3_2_a_ii(facts: StaffFacts, on: date) -> Qualification:
    """3.2(a)(ii): certification as a case manager."""
    if _has_cm_certification(facts, on):
        return _result("3.2(a)(ii)", ["current case-manager certification"], True)
    return _result("3.2(a)(ii)", ["no current case-manager certification"], False)


def supervisor_3_2_a_iii(facts: StaffFacts, on: date, settings: RuleSettings) -> Qualification:
    """3.2(a)(iii): certification in a clinical specialty and the set years (default 5) of
    case-manager experience."""
    reasons = []
    if not any(c.clinical_specialty for c in _current(facts, on, CERTIFICATION)):
        reasons.append("no current clinical specialty certification")
    if facts.case_manager_years < settings.supervisor_case_manager_years:
        reasons.append(
            f"{facts.case_manager_years} years as a case manager, "
            f"{settings.supervisor_case_manager_years} needed"
        )
    return _result(
        "3.2(a)(iii)", reasons or ["specialty certification and experience"], not reasons
    )


def supervisor_3_2_b(facts: StaffFacts, on: date, settings: RuleSettings) -> Qualification:
    """3.2(b): after the set years (default 3) of directly supervising case management,
    case-manager certification is required."""
    if facts.supervision_years < settings.supervisor_supervision_years:
        return _result(
            "3.2(b)",
            [f"fewer than {settings.supervisor_supervision_years} years supervising: not required"],
            True,
        )
    if _has_cm_certification(facts, on):
        return _result("3.2(b)", ["case-manager certification held"], True)
    return _result(
        "3.2(b)",
        [
            f"{facts.supervision_years} years supervising needs case-manager certification, "
            "none current"
        ],
        False,
    )


def supervisor_qualified(
    facts: StaffFacts, on: date, settings: RuleSettings
) -> tuple[bool, tuple[Qualification, ...]]:
    """3.2: one of (a)(i)-(iii), and (b) when it applies."""
    a = (
        supervisor_3_2_a_i(facts, on),
        supervisor_3_2_a_ii(facts, on),
        supervisor_3_2_a_iii(facts, on, settings),
    )
    b = supervisor_3_2_b(facts, on, settings)
    return any(q.met for q in a) and b.met, (*a, b)


def clinical_oversight_3_3(facts: StaffFacts, on: date) -> tuple[bool, tuple[Qualification, ...]]:
    """3.3: (a) a current unrestricted clinical license, or a restricted one with
    documented controls; (b) qualified for oversight; (c) post-graduate direct care
    experience or (d) board certification, and (d) always for an M.D. or D.O."""
    licenses = [c for c in _current(facts, on, LICENSE) if c.clinical]
    if any(not c.restricted for c in licenses):
        a = Qualification("3.3(a)", True, ("current unrestricted clinical license",))
    elif any(c.restriction_controls for c in licenses):
        a = Qualification("3.3(a)", True, ("restricted clinical license with documented controls",))
    elif licenses:
        a = Qualification(
            "3.3(a)", False, ("clinical license restricted without documented controls",)
        )
    else:
        a = Qualification("3.3(a)", False, ("no current clinical license",))
    b = Qualification(
        "3.3(b)",
        facts.oversight_qualified,
        ("qualified for clinical oversight",)
        if facts.oversight_qualified
        else ("qualification for clinical oversight not documented",),
    )
    c = Qualification(
        "3.3(c)",
        facts.post_graduate_direct_care,
        ("post-graduate direct consumer care",)
        if facts.post_graduate_direct_care
        else ("no post-graduate direct consumer care experience",),
    )
    board = any(c.board_certification for c in _current(facts, on))
    if facts.physician:
        d = Qualification(
            "3.3(d)",
            board,
            ("board certified",)
            if board
            else ("M.D. or D.O. without current board certification",),
        )
        met = a.met and b.met and d.met
    else:
        d = Qualification(
            "3.3(d)",
            True,
            ("board certified",) if board else ("board certification required only for M.D./D.O.",),
        )
        met = a.met and b.met and (c.met or board)
    return met, (a, b, c, d)


# --- due dates ---------------------------------------------------------------------------


def reverification_due(verified_date: date, settings: RuleSettings) -> date:
    """3.5(b): re-verify at least every N years (default 3) after the last verification."""
    return add_years(verified_date, settings.reverification_years)


@dataclass(frozen=True)
class CeStatus:
    hours_in_window: Decimal
    required: Decimal
    met: bool
    due_date: date  # when the window next falls short (met) or the date it fell short


def ce_status(
    completions: Iterable[tuple[date, Decimal]],
    *,
    on: date,
    start_date: date,
    settings: RuleSettings,
    required: Decimal | None = None,
) -> CeStatus:
    """3.5(c): continuing education over a rolling window (default 80 hours in 5 years).

    The window is (on - N years, on]. When met, the due date is the day the hours that
    make up the requirement age out; when not, the end of the first window after
    `start_date` (hire), or `on` when that has passed."""
    need = settings.ce_hours if required is None else required
    window_start = add_years(on, -settings.ce_window_years)
    inside = sorted(
        ((d, h) for d, h in completions if window_start < d <= on), key=lambda x: x[0], reverse=True
    )
    total = sum((h for _, h in inside), Decimal(0))
    if total >= need:
        running = Decimal(0)
        for day, hours in inside:
            running += hours
            if running >= need:
                return CeStatus(total, need, True, add_years(day, settings.ce_window_years))
    first_due = add_years(start_date, settings.ce_window_years)
    return CeStatus(total, need, False, first_due if first_due > on else on)


def recurrence_due(last_completed: date | None, months: int, *, start_date: date) -> date:
    """The next completion due: `months` after the last (annual: 12), or at the start."""
    return start_date if last_completed is None else add_months(last_completed, months)


def attestation_current(
    *,
    signed_version: int | None,
    signed_date: date | None,
    current_version: int | None,
    on: date,
    settings: RuleSettings,
) -> bool:
    """S41: signed the current version within the re-attestation interval."""
    if current_version is None:
        return False
    if signed_version != current_version or signed_date is None:
        return False
    return on < add_months(signed_date, settings.attestation_months)


# --- caseloads (5.1(n)) -------------------------------------------------------------------

DEFAULT_COMPLEXITY_WEIGHTS: dict[str, Decimal] = {
    "low": Decimal("1"),
    "moderate": Decimal("2"),
    "high": Decimal("3"),
}
DEFAULT_SEVERITY_FACTORS: dict[str, Decimal] = {
    "low": Decimal("1"),
    "moderate": Decimal("1.25"),
    "high": Decimal("1.5"),
}


def acuity_weight(
    complexity: str,
    severity: str,
    *,
    complexity_weights: dict[str, Decimal] | None = None,
    severity_factors: dict[str, Decimal] | None = None,
) -> Decimal:
    """A case's weight: complexity weight times severity factor (unknown values count as
    moderate)."""
    cw = complexity_weights or DEFAULT_COMPLEXITY_WEIGHTS
    sf = severity_factors or DEFAULT_SEVERITY_FACTORS
    return cw.get(complexity, cw["moderate"]) * sf.get(severity, sf["moderate"])


@dataclass(frozen=True)
class AssigneeFacts:
    """What the assignment gate needs to know about a person."""

    verified_credential: bool
    oriented: bool
    confidentiality_signed: bool
    weighted_load: Decimal
    limit: Decimal | None  # None: no guideline for the role
    languages: frozenset[str] = frozenset()
    previously_assigned: bool = False


def assignment_blockers(facts: AssigneeFacts, *, adding: Decimal) -> list[str]:
    """Why a person may not take a new case of weight `adding` (empty: they may)."""
    blockers = []
    if not facts.verified_credential:
        blockers.append(NO_VERIFIED_CREDENTIAL)
    if not facts.oriented:
        blockers.append(NO_ORIENTATION)
    if not facts.confidentiality_signed:
        blockers.append(NO_CONFIDENTIALITY)
    if facts.limit is not None and facts.weighted_load + adding > facts.limit:
        blockers.append(OVER_CASELOAD)
    return blockers


def suggestion_rank(
    candidates: dict[int, AssigneeFacts], *, adding: Decimal, language: str
) -> list[int]:
    """Eligible people first by continuity, then language match, then lowest load share."""

    def key(item: tuple[int, AssigneeFacts]) -> tuple[int, int, Decimal, int]:
        pk, f = item
        share = f.weighted_load / f.limit if f.limit else f.weighted_load / Decimal(1000)
        return (
            0 if f.previously_assigned else 1,
            0 if language and language in f.languages else 1,
            share,
            pk,
        )

    eligible = [
        (pk, f) for pk, f in candidates.items() if not assignment_blockers(f, adding=adding)
    ]
    return [pk for pk, _ in sorted(eligible, key=key)]


# --- two-person MFA reset (S17) ----------------------------------------------------------

MFA_RESET_APPROVER_ROLES = frozenset({Role.ADMINISTRATOR, Role.COMPLIANCE_OFFICER})
MFA_RESET_ROLE, MFA_RESET_REQUESTER, MFA_RESET_PERSON = "role", "requester", "person"


def mfa_reset_approval_refusal(
    *, approver_id: int, approver_role: str, requester_id: int, person_id: int
) -> str | None:
    """Why this person may not approve this MFA reset (`MFA_RESET_ROLE`, `_REQUESTER`,
    `_PERSON`), or None: the approver is a second administrator or a compliance officer,
    never the requester and never the person."""
    if approver_role not in MFA_RESET_APPROVER_ROLES:
        return MFA_RESET_ROLE
    if approver_id == requester_id:
        return MFA_RESET_REQUESTER
    if approver_id == person_id:
        return MFA_RESET_PERSON
    return None
