"""Payer clocks and rules without a database (H2, H4): each clock at its boundary in
the program's calendar (business days over a weekend and a holiday, calendar days,
expedited hours over a daylight-saving change), and the denial and appeal rules."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from casework.core.clocks import ClockUnit, HolidayCalendar, due_at
from casework.stays.payers import rules
from casework.stays.payers.rules import (
    AppealOutcome,
    AuthorizationState,
    AuthorizationStep,
    DenialState,
    PayerType,
)

CHICAGO = HolidayCalendar(time_zone="America/Chicago", country="US")
MA = rules.PRESETS[PayerType.MEDICARE_ADVANTAGE]
MEDICAID = rules.PRESETS[PayerType.MEDICAID_MANAGED_CARE]
COMMERCIAL = rules.PRESETS[PayerType.COMMERCIAL]


def chicago(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(y, m, d, h, mi, s, tzinfo=ZoneInfo("America/Chicago")).astimezone(UTC)


def _due(rule, start: datetime) -> datetime:
    result = due_at(start=start, rule=rule, calendar=CHICAGO)
    assert result is not None
    return result


def test_every_preset_limit_cites_its_rule() -> None:
    for terms in rules.PRESETS.values():
        limits = [terms.notification, terms.review_every, terms.decision, terms.expedited_decision]
        for level in terms.levels:
            limits += [level.filing, level.decision, level.expedited_decision]
        assert all(limit.citation for limit in limits), terms.payer_type


def test_the_unverified_ma_filing_window_is_a_setting_with_the_cited_default() -> None:
    (level,) = MA.levels
    assert (level.filing.amount, level.filing.unit) == (60, ClockUnit.CALENDAR_DAYS)
    assert "⚠" in level.filing.citation and "MA-R1" in level.filing.citation


def test_medicaid_has_the_plan_appeal_then_the_state_fair_hearing() -> None:
    assert [(lv.level, lv.name, lv.filing.amount) for lv in MEDICAID.levels] == [
        (1, "Plan appeal", 60),
        (2, "State fair hearing", 120),
    ]


# --- notification: one business day -----------------------------------------------------


def test_a_friday_admission_is_notified_by_the_end_of_monday() -> None:
    start = chicago(2026, 3, 6, 14)  # Friday
    assert _due(rules.notification_rule(MA), start) == chicago(2026, 3, 9, 23, 59, 59)


def test_a_thursday_admission_before_the_observed_independence_day_is_due_monday() -> None:
    # 2026-07-03 (Friday) is Independence Day observed: not a business day.
    start = chicago(2026, 7, 2, 22)
    assert _due(rules.notification_rule(MA), start) == chicago(2026, 7, 6, 23, 59, 59)


def test_a_wednesday_admission_is_due_thursday_at_the_last_second() -> None:
    due = _due(rules.notification_rule(COMMERCIAL), chicago(2026, 3, 4, 0, 0, 1))
    assert due == chicago(2026, 3, 5, 23, 59, 59)


# --- the payer's decision: calendar days and expedited hours -----------------------------


def test_the_standard_ma_decision_is_seven_calendar_days_weekends_included() -> None:
    start = chicago(2026, 3, 6, 9)  # Friday
    assert _due(rules.decision_rule(MA, expedited=False), start) == chicago(2026, 3, 13, 23, 59, 59)


def test_an_expedited_decision_is_72_elapsed_hours_over_the_spring_change() -> None:
    # 2026-03-08 02:00 Chicago springs forward: 72 hours end at 10:00 local, not 09:00.
    start = chicago(2026, 3, 6, 9)
    due = _due(rules.decision_rule(MEDICAID, expedited=True), start)
    assert due == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert due == chicago(2026, 3, 9, 10)


def test_the_commercial_standard_decision_is_fifteen_days() -> None:
    due = _due(rules.decision_rule(COMMERCIAL, expedited=False), chicago(2026, 3, 1, 8))
    assert due == chicago(2026, 3, 16, 23, 59, 59)


def test_the_next_clinical_review_is_three_calendar_days_after_the_decision() -> None:
    assert _due(rules.review_rule(MA), chicago(2026, 3, 6, 16)) == chicago(2026, 3, 9, 23, 59, 59)


# --- appeals: filing windows and decisions -----------------------------------------------


def test_the_ma_reconsideration_is_filed_within_60_calendar_days_of_the_denial() -> None:
    (level,) = MA.levels
    due = _due(rules.filing_rule(level), chicago(2026, 3, 5))
    assert due == chicago(2026, 5, 4, 23, 59, 59)


def test_the_expedited_fair_hearing_is_three_business_days_over_thanksgiving() -> None:
    # Filed Wednesday 2026-11-25; Thursday 26 is Thanksgiving; Friday 27, Monday 30 and
    # Tuesday 1 December are the three business days.
    level = rules.level_terms(MEDICAID, 2)
    assert level is not None
    rule = rules.appeal_decision_rule(level, expedited=True)
    assert rule.unit == ClockUnit.BUSINESS_DAYS
    assert _due(rule, chicago(2026, 11, 25, 10)) == chicago(2026, 12, 1, 23, 59, 59)


def test_the_expedited_ma_reconsideration_is_72_hours() -> None:
    (level,) = MA.levels
    rule = rules.appeal_decision_rule(level, expedited=True)
    assert _due(rule, datetime(2026, 4, 1, 12, tzinfo=UTC)) == datetime(2026, 4, 4, 12, tzinfo=UTC)


def test_the_next_level_follows_the_levels_decided() -> None:
    assert rules.next_level(MEDICAID, 0).level == 1  # type: ignore[union-attr]
    assert rules.next_level(MEDICAID, 1).level == 2  # type: ignore[union-attr]
    assert rules.next_level(MEDICAID, 2) is None
    assert rules.next_level(MA, 1) is None


@pytest.mark.parametrize(
    ("outcome", "more", "state"),
    [
        (AppealOutcome.OVERTURNED, True, DenialState.OVERTURNED),
        (AppealOutcome.PARTLY_OVERTURNED, True, DenialState.OPEN),
        (AppealOutcome.PARTLY_OVERTURNED, False, DenialState.CLOSED),
        (AppealOutcome.UPHELD, True, DenialState.OPEN),
        (AppealOutcome.UPHELD, False, DenialState.CLOSED),
        (AppealOutcome.WITHDRAWN, True, DenialState.CLOSED),
    ],
)
def test_a_denial_after_its_appeal(outcome: AppealOutcome, more: bool, state: DenialState) -> None:
    assert rules.denial_state_after(outcome, more_levels=more) == state


def test_a_denial_names_days_or_an_amount() -> None:
    assert rules.denial_problems(days=None, amount=None, kind="medical_necessity") == {
        "denied_days": ["give the days denied, the amount denied, or both"]
    }
    assert rules.denial_problems(days=2, amount=None, kind="level_of_care") == {}
    assert rules.denial_problems(days=None, amount=Decimal("10.00"), kind="x") == {
        "kind": ["not one of the choices"]
    }


def test_an_overturn_recovers_no_more_than_was_denied() -> None:
    problems = rules.outcome_problems(
        outcome="partly_overturned",
        overturned_days=3,
        overturned_amount=Decimal("500.01"),
        denied_days=2,
        denied_amount=Decimal("500.00"),
    )
    assert problems == {
        "overturned_days": ["more than the 2 days denied"],
        "overturned_amount": ["more than the 500.00 denied"],
    }


def test_an_upheld_appeal_recovers_nothing() -> None:
    assert rules.outcome_problems(
        outcome="upheld",
        overturned_days=None,
        overturned_amount=Decimal("1"),
        denied_days=2,
        denied_amount=None,
    ) == {"overturned_amount": ["an upheld or withdrawn appeal recovers nothing"]}


def test_days_in_the_house_beyond_those_authorized_are_flagged() -> None:
    assert rules.days_over_authorized(authorized_days=3, days_in_house=5) == 2
    assert rules.days_over_authorized(authorized_days=3, days_in_house=3) == 0
    assert rules.days_over_authorized(authorized_days=None, days_in_house=9) == 0


def test_steps_follow_the_authorization_state() -> None:
    assert rules.step_allowed(AuthorizationStep.NOTIFIED, AuthorizationState.PENDING_NOTIFICATION)
    assert not rules.step_allowed(AuthorizationStep.NOTIFIED, AuthorizationState.NOTIFIED)
    assert rules.step_allowed(AuthorizationStep.DECIDED, AuthorizationState.ACKNOWLEDGED)
    assert not rules.step_allowed(AuthorizationStep.REVIEW_SENT, AuthorizationState.DENIED)


# --- post-acute authorizations -------------------------------------------------------------


def _asked(**given: object) -> dict[str, list[str]]:
    from datetime import date

    facts: dict[str, object] = {
        "level_of_care": "skilled_nursing",
        "unit": "",
        "provider_name": "Sunrise SNF",
        "requested_start_date": date(2026, 3, 9),
        "admitted_date": date(2026, 3, 2),
    }
    facts.update(given)
    return rules.authorization_problems(**facts)  # type: ignore[arg-type]


def test_each_post_acute_service_counts_in_its_own_unit_first() -> None:
    assert {level.value: rules.UNITS[level][0].value for level in rules.POST_ACUTE} == {
        "skilled_nursing": "days",
        "inpatient_rehab": "days",
        "long_term_acute": "days",
        "home_health": "visits",
        "hospice": "days",
        "durable_medical_equipment": "items",
        "outpatient_therapy": "visits",
    }


def test_a_post_acute_request_starts_on_or_after_the_admission_day() -> None:
    from datetime import date

    assert _asked(requested_start_date=date(2026, 3, 2)) == {}
    assert _asked(requested_start_date=date(2026, 3, 1)) == {
        "requested_start_date": ["cannot be before the admission"]
    }
    assert _asked(requested_start_date=None) == {
        "requested_start_date": ["give the date the service should start"]
    }


def test_a_service_in_a_unit_it_is_not_counted_in_is_refused() -> None:
    assert _asked(level_of_care="durable_medical_equipment", unit="visits") == {
        "unit": ["durable_medical_equipment is authorized in items"]
    }
    assert _asked(level_of_care="home_health", unit="days") == {}


def test_a_level_of_care_in_the_hospital_names_no_provider_or_start() -> None:
    assert _asked(level_of_care="acute", requested_start_date=None) == {
        "provider_name": ["only a post-acute service has a receiving provider"]
    }
    assert _asked(level_of_care="acute", provider_name="", requested_start_date=None) == {}


def test_a_validity_has_both_ends_the_last_not_before_the_first() -> None:
    from datetime import date

    start = date(2026, 3, 9)
    assert rules.validity_problems(valid_from=start, valid_until=start) == {}
    assert rules.validity_problems(valid_from=start, valid_until=date(2026, 3, 8)) == {
        "valid_until": ["cannot be before the start of the validity"]
    }
    assert rules.validity_problems(valid_from=start, valid_until=None) == {
        "valid_until": ["give both ends of the validity, or neither"]
    }
