"""Peer-to-peer with the payer without a database: the payer's window at its boundary
in the program's calendar, and which outcomes can be recorded."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from casework.core.clocks import HolidayCalendar, due_at
from casework.stays.payers import rules
from casework.stays.payers.rules import AuthorizationState, AuthorizationStep, PayerType

CHICAGO = HolidayCalendar(time_zone="America/Chicago", country="US")
MEDICAID = rules.PRESETS[PayerType.MEDICAID_MANAGED_CARE]


def chicago(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, s, tzinfo=ZoneInfo("America/Chicago")).astimezone(UTC)


def _due(start: datetime) -> datetime | None:
    rule = rules.peer_to_peer_rule(MEDICAID)
    assert rule is not None
    return due_at(start=start, rule=rule, calendar=CHICAGO)


def _problems(**given: object) -> dict[str, list[str]]:
    facts: dict[str, object] = {
        "outcome": "overturned",
        "held": True,
        "overturned_days": None,
        "overturned_amount": None,
        "denied_days": 3,
        "denied_amount": None,
        "on_denial": False,
    }
    facts.update(given)
    return rules.peer_to_peer_problems(**facts)  # type: ignore[arg-type]


def test_every_preset_gives_one_business_day_citing_its_source() -> None:
    assert {
        (terms.peer_to_peer.amount, terms.peer_to_peer.unit)
        for terms in rules.PRESETS.values()
        if terms.peer_to_peer
    } == {(1, "business_days")}
    assert all(terms.peer_to_peer is rules.PEER_TO_PEER for terms in rules.PRESETS.values())
    assert "URAC" in rules.PEER_TO_PEER.citation


def test_a_friday_request_is_held_by_the_end_of_monday() -> None:
    assert _due(chicago(2026, 3, 6, 16)) == chicago(2026, 3, 9, 23, 59, 59)


def test_a_request_the_day_before_the_observed_holiday_is_due_after_the_weekend() -> None:
    # 2026-07-03 (Friday) is Independence Day observed.
    assert _due(chicago(2026, 7, 2, 9)) == chicago(2026, 7, 6, 23, 59, 59)


def test_a_payer_without_a_window_starts_no_clock() -> None:
    terms = rules.PayerTerms(
        payer_type=MEDICAID.payer_type,
        notification=MEDICAID.notification,
        review_every=MEDICAID.review_every,
        decision=MEDICAID.decision,
        expedited_decision=MEDICAID.expedited_decision,
        levels=MEDICAID.levels,
    )
    assert rules.peer_to_peer_rule(terms) is None


def test_a_reconsideration_is_allowed_after_a_denial_or_a_partial_approval_only() -> None:
    assert {
        state
        for state in AuthorizationState
        if rules.step_allowed(AuthorizationStep.RECONSIDERED, state)
    } == {AuthorizationState.DENIED, AuthorizationState.PARTLY_APPROVED}


def test_an_overturn_of_an_authorization_needs_nothing_more() -> None:
    assert _problems() == {}


def test_a_conversation_held_needs_its_time_and_one_not_held_has_none() -> None:
    assert _problems(held=False) == {"held_at": ["give the time the conversation was held"]}
    assert _problems(outcome="not_held", held=True) == {
        "held_at": ["a conversation not held has no time held"]
    }
    assert _problems(outcome="not_held", held=False) == {}


def test_a_partial_overturn_of_an_authorization_adds_fewer_days_than_were_denied() -> None:
    assert _problems(outcome="partly_overturned", overturned_days=2) == {}
    assert _problems(outcome="partly_overturned", overturned_days=3) == {
        "overturned_days": ["3 or more days is the whole of those denied: an overturn"]
    }
    assert _problems(outcome="partly_overturned") == {
        "overturned_days": ["give the days the payer added"]
    }


def test_an_authorization_overturn_names_no_money() -> None:
    assert _problems(overturned_amount=Decimal("10")) == {
        "overturned_amount": ["an authorization is of days, not money"]
    }


def test_a_denial_overturn_names_what_was_recovered_within_what_was_denied() -> None:
    on_denial = {"on_denial": True, "denied_days": 2, "denied_amount": Decimal("900.00")}
    assert _problems(**on_denial) == {"overturned_days": ["give the days or the amount overturned"]}
    assert _problems(**on_denial, overturned_amount=Decimal("900.00")) == {}
    assert _problems(**on_denial, overturned_amount=Decimal("900.01")) == {
        "overturned_amount": ["more than the 900.00 denied"]
    }


def test_an_unknown_outcome_is_refused() -> None:
    assert _problems(outcome="won") == {"outcome": ["not one of the choices"]}
