"""Case states and what each allows: pure functions, no ORM (C1-C3, I1, S39).

referred → engaged (enrollment notices given, consent granted) → active → closed,
plus declined (consent refused) and withdrawn. Revoked consent keeps the state but
stops all new clinical activity until the case is closed or withdrawn.
"""

from dataclasses import dataclass, field

# Values match casework.cases.models.CaseState / ConsentDecision / NoticeKind.
REFERRED, ENGAGED, ACTIVE, CLOSED, DECLINED, WITHDRAWN = (
    "referred",
    "engaged",
    "active",
    "closed",
    "declined",
    "withdrawn",
)
GRANTED, REFUSED, REVOKED = "granted", "refused", "revoked"
ENROLLMENT_NOTICES = frozenset({"program_purpose", "complaint_process", "privacy_practices"})
OPEN_STATES = frozenset({REFERRED, ENGAGED, ACTIVE})
TERMINAL_STATES = frozenset({CLOSED, DECLINED, WITHDRAWN})

TRANSITIONS: dict[str, frozenset[str]] = {
    REFERRED: frozenset({ENGAGED, DECLINED, WITHDRAWN}),
    ENGAGED: frozenset({ACTIVE, CLOSED, WITHDRAWN}),
    ACTIVE: frozenset({CLOSED, WITHDRAWN}),
    CLOSED: frozenset(),
    DECLINED: frozenset(),
    WITHDRAWN: frozenset(),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case."""

    state: str
    consent: str | None = None  # the latest consent decision, if any
    notices_given: frozenset[str] = field(default_factory=frozenset)
    open_work_items: int = 0


def consent_active(facts: CaseFacts) -> bool:
    return facts.consent == GRANTED


def missing_enrollment_notices(facts: CaseFacts) -> list[str]:
    return sorted(ENROLLMENT_NOTICES - facts.notices_given)


def can_transition(facts: CaseFacts, target: str) -> Decision:
    """May the case move from its state to `target`? The reason says why not."""
    if target not in TRANSITIONS:
        return deny(f"unknown state '{target}'")
    if target not in TRANSITIONS[facts.state]:
        return deny(f"a {facts.state} case cannot become {target}")
    if target == ENGAGED:
        missing = missing_enrollment_notices(facts)
        if missing:
            return deny("notices not yet given: " + ", ".join(missing))
        if not consent_active(facts):
            return deny("consent to case management has not been granted")
    if target == DECLINED and facts.consent != REFUSED:
        return deny("a case is declined only when consent is refused")
    if target == ACTIVE and not consent_active(facts):
        return deny("services cannot start without active consent")
    if target == CLOSED and facts.open_work_items:
        return deny(
            f"{facts.open_work_items} open work item(s) must be completed or cancelled first"
        )
    return ALLOW


def may_record_clinical(facts: CaseFacts) -> Decision:
    """Clinical records (service work items, care communications, notes other than the
    consent attempt, outbound referrals) need an open case with active consent (C1, S39)."""
    if facts.state in TERMINAL_STATES:
        return deny(f"the case is {facts.state}")
    if facts.consent == REVOKED:
        return deny("consent was revoked: no new activity may be recorded")
    if not consent_active(facts):
        return deny("no active consent to case management")
    return ALLOW


def may_record_enrollment(facts: CaseFacts) -> Decision:
    """Notices, consent decisions, consent-attempt notes, administrative work items and
    enrollment communications: allowed on any case that is still open."""
    if facts.state in TERMINAL_STATES:
        return deny(f"the case is {facts.state}")
    return ALLOW


def may_record_consent(facts: CaseFacts, decision: str) -> Decision:
    base = may_record_enrollment(facts)
    if not base:
        return base
    if decision == REVOKED and facts.consent != GRANTED:
        return deny("only granted consent can be revoked")
    if decision in (GRANTED, REFUSED) and facts.consent == GRANTED:
        return deny("consent is already granted; revoke it to record a change")
    return ALLOW


def state_after_consent(facts: CaseFacts) -> str:
    """The state a case moves to on its own after a notice or consent is recorded."""
    if facts.state == REFERRED:
        if facts.consent == REFUSED:
            return DECLINED
        if can_transition(facts, ENGAGED):
            return ENGAGED
    return facts.state


def may_close(facts: CaseFacts, *, consumer_notified: bool, providers_accounted: bool) -> Decision:
    """Closure (I1): allowed transition, no open work items, notice to consumer and to
    involved providers recorded."""
    decision = can_transition(facts, CLOSED)
    if not decision:
        return decision
    if not consumer_notified:
        return deny("record the closure notice given to the consumer")
    if not providers_accounted:
        return deny("record the closure notice given to each involved provider")
    return ALLOW


def names_case_manager(role: str) -> bool:
    """Whether a care-team role names the case manager (any case, spacing or hyphen):
    a reassigned case manager kept on the care team must be kept in another role."""
    return "casemanager" in "".join(ch for ch in role.casefold() if ch.isalnum())
