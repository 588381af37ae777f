"""Case state rules without a database (C1, I1, S39)."""

import pytest

from casework.cases import rules
from casework.cases.rules import CaseFacts

ALL_NOTICES = rules.ENROLLMENT_NOTICES
STATES = sorted(rules.TRANSITIONS)


def facts(
    state: str,
    consent: str | None = "granted",
    notices: frozenset[str] = ALL_NOTICES,
    open_items: int = 0,
) -> CaseFacts:
    return CaseFacts(
        state=state, consent=consent, notices_given=notices, open_work_items=open_items
    )


ALLOWED = {
    ("referred", "engaged"),
    ("referred", "declined"),
    ("referred", "withdrawn"),
    ("engaged", "active"),
    ("engaged", "closed"),
    ("engaged", "withdrawn"),
    ("active", "closed"),
    ("active", "withdrawn"),
}


@pytest.mark.parametrize("source", STATES)
@pytest.mark.parametrize("target", STATES)
def test_transition_table(source: str, target: str) -> None:
    consent = "refused" if target == "declined" else "granted"
    decision = rules.can_transition(facts(source, consent=consent), target)
    assert decision.allowed is ((source, target) in ALLOWED)


def test_forbidden_transition_says_why() -> None:
    assert (
        rules.can_transition(facts("closed"), "active").reason
        == "a closed case cannot become active"
    )


def test_unknown_state_is_refused() -> None:
    assert rules.can_transition(facts("referred"), "paused").reason == "unknown state 'paused'"


def test_engaged_needs_every_enrollment_notice() -> None:
    decision = rules.can_transition(
        facts("referred", notices=frozenset({"program_purpose"})), "engaged"
    )
    assert decision.reason == "notices not yet given: complaint_process, privacy_practices"


def test_engaged_needs_granted_consent() -> None:
    decision = rules.can_transition(facts("referred", consent=None), "engaged")
    assert decision.reason == "consent to case management has not been granted"


def test_declined_only_after_refusal() -> None:
    assert not rules.can_transition(facts("referred", consent=None), "declined")
    assert rules.can_transition(facts("referred", consent="refused"), "declined")


def test_active_needs_consent() -> None:
    assert not rules.can_transition(facts("engaged", consent="revoked"), "active")


def test_close_refused_with_open_work_items() -> None:
    decision = rules.can_transition(facts("active", open_items=2), "closed")
    assert decision.reason == "2 open work item(s) must be completed or cancelled first"


@pytest.mark.parametrize(
    ("state", "consent", "allowed"),
    [
        ("referred", None, False),
        ("referred", "refused", False),
        ("engaged", "granted", True),
        ("active", "granted", True),
        ("active", "revoked", False),
        ("closed", "granted", False),
        ("declined", "refused", False),
        ("withdrawn", "granted", False),
    ],
)
def test_consent_gate_for_clinical_records(state: str, consent: str | None, allowed: bool) -> None:
    assert rules.may_record_clinical(facts(state, consent=consent)).allowed is allowed


def test_revoked_consent_reason() -> None:
    assert (
        rules.may_record_clinical(facts("active", consent="revoked")).reason
        == "consent was revoked: no new activity may be recorded"
    )


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        ("referred", True),
        ("engaged", True),
        ("active", True),
        ("closed", False),
        ("declined", False),
        ("withdrawn", False),
    ],
)
def test_enrollment_records_need_an_open_case(state: str, allowed: bool) -> None:
    assert rules.may_record_enrollment(facts(state, consent=None)).allowed is allowed


@pytest.mark.parametrize(
    ("current", "decision", "allowed"),
    [
        (None, "granted", True),
        (None, "refused", True),
        (None, "revoked", False),
        ("granted", "revoked", True),
        ("granted", "granted", False),
        ("refused", "granted", True),
        ("revoked", "granted", True),
    ],
)
def test_consent_decisions(current: str | None, decision: str, allowed: bool) -> None:
    assert rules.may_record_consent(facts("engaged", consent=current), decision).allowed is allowed


@pytest.mark.parametrize(
    ("consent", "notices", "expected"),
    [
        ("granted", ALL_NOTICES, "engaged"),
        ("granted", frozenset({"program_purpose"}), "referred"),
        ("refused", ALL_NOTICES, "declined"),
        (None, ALL_NOTICES, "referred"),
    ],
)
def test_state_after_consent(consent: str | None, notices: frozenset[str], expected: str) -> None:
    assert (
        rules.state_after_consent(facts("referred", consent=consent, notices=notices)) == expected
    )


def test_close_needs_provider_notices() -> None:
    decision = rules.may_close(facts("active"), consumer_notified=True, providers_accounted=False)
    assert decision.reason == "record the closure notice given to each involved provider"


def test_close_allowed_when_everything_recorded() -> None:
    assert rules.may_close(facts("active"), consumer_notified=True, providers_accounted=True)
