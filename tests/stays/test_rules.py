"""Stay rules at their boundaries, without a database."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from casework.stays import rules
from casework.stays.rules import AttendingView, Cc44Facts, ReviewerFacts

CHI = ZoneInfo("America/Chicago")


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=CHI)


def test_im_is_due_at_the_end_of_the_second_calendar_day_after_admission() -> None:
    due = rules.im_initial_due(local(2026, 3, 2, 23, 50), CHI)
    assert due == datetime(2026, 3, 4, 23, 59, 59, 999999, tzinfo=CHI).astimezone(UTC)


def test_im_follow_up_not_needed_when_the_first_was_within_two_days_of_discharge() -> None:
    assert rules.im_follow_up_required(local(2026, 3, 8, 9), date(2026, 3, 10), CHI) is False


def test_im_follow_up_needed_when_the_first_was_three_days_before_discharge() -> None:
    assert rules.im_follow_up_required(local(2026, 3, 7, 23, 59), date(2026, 3, 10), CHI) is True


def test_im_follow_up_window_opens_two_calendar_days_before_discharge() -> None:
    assert rules.im_follow_up_timely(local(2026, 3, 8, 0, 0), date(2026, 3, 10), CHI) is True
    assert rules.im_follow_up_timely(local(2026, 3, 7, 23, 59), date(2026, 3, 10), CHI) is False


def test_moon_is_not_owed_at_exactly_24_hours_of_observation() -> None:
    start = local(2026, 3, 2, 8)
    assert rules.moon_required(start, start + timedelta(hours=24)) is False
    assert rules.moon_required(start, start + timedelta(hours=24, seconds=1)) is True


def test_moon_is_due_36_hours_after_observation_starts_or_at_its_end() -> None:
    start = local(2026, 3, 2, 8)
    assert rules.moon_due(start) == start + timedelta(hours=36)
    assert rules.moon_due(start, start + timedelta(hours=30)) == start + timedelta(hours=30)
    assert rules.moon_due(start, start + timedelta(hours=40)) == start + timedelta(hours=36)


def test_midnights_count_local_dates_crossed() -> None:
    assert rules.midnights(local(2026, 3, 2, 23), local(2026, 3, 3, 1), CHI) == 1
    assert rules.midnights(local(2026, 3, 2, 0, 1), local(2026, 3, 2, 23, 59), CHI) == 0
    assert rules.midnights(local(2026, 3, 2, 22), local(2026, 3, 4, 6), CHI) == 2


def test_days_over_gmlos() -> None:
    assert rules.days_over_gmlos(5, Decimal("3.9")) == Decimal("1.1")
    assert rules.days_over_gmlos(2, Decimal("3.9")) == Decimal(0)
    assert rules.days_over_gmlos(2, None) is None


ALL_CC44 = Cc44Facts(True, False, True, True, True)


def test_cc44_with_every_step_is_allowed() -> None:
    assert rules.cc44_missing_steps(ALL_CC44) == []


@pytest.mark.parametrize(
    ("field", "value", "missing"),
    [
        ("in_house", False, "the change must be made before discharge"),
        ("inpatient_claim_submitted", True, "an inpatient claim has already been submitted"),
        ("ur_physician_decided", False, "a utilization review committee physician must decide"),
        ("attending_concurred", False, "the attending physician must concur"),
        ("concurrence_documented", False, "the attending's concurrence must be documented"),
    ],
)
def test_cc44_names_each_missing_step(field: str, value: bool, missing: str) -> None:
    facts = Cc44Facts(**{**ALL_CC44.__dict__, field: value})
    assert rules.cc44_missing_steps(facts) == [missing]


def test_a_reviewer_involved_in_care_is_refused() -> None:
    facts = ReviewerFacts(
        is_physician=True,
        involved_in_care=True,
        financial_interest=False,
        attestations_recorded=True,
    )
    assert rules.reviewer_refusals(facts) == [
        "the reviewer is professionally involved in the patient's care"
    ]


def test_a_reviewer_with_a_financial_interest_or_no_attestation_is_refused() -> None:
    facts = ReviewerFacts(True, False, True, False)
    assert rules.reviewer_refusals(facts) == [
        "the reviewer's attestations are not recorded",
        "the reviewer has a direct financial interest in the hospital",
    ]
    assert rules.reviewer_refusals(ReviewerFacts(True, False, False, True)) == []


def test_not_necessary_needs_the_attending_consulted_and_two_reviewers_on_disagreement() -> None:
    assert rules.not_necessary_refusals(AttendingView.NOT_CONSULTED, 2) == [
        "the attending physician must be consulted first"
    ]
    assert rules.not_necessary_refusals(AttendingView.CONCURS, 1) == []
    assert rules.not_necessary_refusals(AttendingView.NO_VIEW, 1) == []
    assert rules.not_necessary_refusals(AttendingView.DISAGREES, 1) == [
        "2 physician reviewers must agree when the attending disagrees"
    ]
    assert rules.not_necessary_refusals(AttendingView.DISAGREES, 2) == []


def test_hl7_timestamps_without_offset_are_facility_time() -> None:
    assert rules.hl7_timestamp("202603020830", CHI) == local(2026, 3, 2, 8, 30).astimezone(UTC)
    assert rules.hl7_timestamp("20260302083000-0500", CHI) == datetime(
        2026, 3, 2, 13, 30, tzinfo=UTC
    )
    assert rules.hl7_timestamp("", CHI) is None
    with pytest.raises(ValueError):
        rules.hl7_timestamp("2026-03-02", CHI)


def test_stay_class_of_pv1() -> None:
    assert rules.stay_class_of("I") == rules.StayClass.INPATIENT
    assert rules.stay_class_of("O", "OBS") == rules.StayClass.OBSERVATION
    assert rules.stay_class_of("E") == rules.StayClass.EMERGENCY
    assert rules.stay_class_of("Z") is None


def test_the_shipped_drg_table_has_gmlos() -> None:
    table = rules.drg_table("demo-v42")
    assert table.entries["291"].gmlos == Decimal("3.9")
    assert table.entries["291"].title == "Heart Failure and Shock with MCC"
