"""Transition rules without a database: every clock at its boundaries, attempts
counting, readmission windows, handoff contents, the referral loop, provider CSV rows."""

from datetime import UTC, datetime, timedelta

import pytest

from casework.core.clocks import HolidayCalendar
from casework.transitions import rules
from casework.transitions.rules import AttemptOutcome, ContactChannel, ReferralStatus

NEW_YORK = HolidayCalendar(time_zone="America/New_York", country="US")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# --- the 72-hour follow-up -----------------------------------------------------------------


def test_follow_up_72_hours_runs_through_the_weekend() -> None:
    friday_noon = at("2026-11-13T12:00:00-05:00")
    assert rules.follow_up_due(friday_noon, NEW_YORK) == at("2026-11-16T12:00:00-05:00")


def test_follow_up_72_hours_is_elapsed_time_across_the_clock_change() -> None:
    # 2026-03-08 the clocks go forward: 72 elapsed hours end at 13:00 local, not noon.
    friday_noon = at("2026-03-06T12:00:00-05:00")
    assert rules.follow_up_due(friday_noon, NEW_YORK) == at("2026-03-09T13:00:00-04:00")


def test_follow_up_in_business_days_skips_the_weekend() -> None:
    friday = at("2026-11-13T12:00:00-05:00")
    due = rules.follow_up_due(friday, NEW_YORK, business_days=2)
    assert due == at("2026-11-17T23:59:59-05:00")


# --- TCM: 2 business days --------------------------------------------------------------------


def test_tcm_contact_skips_thanksgiving_and_the_weekend() -> None:
    wednesday = at("2026-11-25T10:00:00-05:00")  # Thursday 26 is Thanksgiving
    assert rules.tcm_contact_due(wednesday, NEW_YORK) == at("2026-11-30T23:59:59-05:00")


def test_tcm_contact_skips_christmas() -> None:
    thursday = at("2026-12-24T16:00:00-05:00")
    assert rules.tcm_contact_due(thursday, NEW_YORK) == at("2026-12-29T23:59:59-05:00")


def test_tcm_contact_on_an_ordinary_monday_is_wednesday_night() -> None:
    monday = at("2026-11-02T08:00:00-05:00")
    assert rules.tcm_contact_due(monday, NEW_YORK) == at("2026-11-04T23:59:59-05:00")


def test_tcm_contact_skips_veterans_day() -> None:
    monday = at("2026-11-09T08:00:00-05:00")  # Wednesday 11 is Veterans Day
    assert rules.tcm_contact_due(monday, NEW_YORK) == at("2026-11-12T23:59:59-05:00")


def test_tcm_skips_a_program_closure() -> None:
    closed = HolidayCalendar(
        time_zone="America/New_York",
        country="US",
        closures=frozenset({datetime(2026, 11, 3).date()}),
    )
    monday = at("2026-11-02T08:00:00-05:00")
    assert rules.tcm_contact_due(monday, closed) == at("2026-11-05T23:59:59-05:00")


def test_discharge_clocks_start_the_receipt_clock_from_the_later_of_discharge_and_sending() -> None:
    discharged = at("2026-11-09T08:00:00-05:00")
    sent_before = rules.discharge_clocks(
        discharged_at=discharged,
        calendar=NEW_YORK,
        follow_up_hours=72,
        follow_up_business_days=0,
        tcm=True,
        handoff_sent_at=discharged - timedelta(hours=3),
        handoff_receipt_hours=24,
    )
    assert sent_before.handoff_receipt_at == discharged + timedelta(hours=24)
    assert sent_before.follow_up_at == discharged + timedelta(hours=72)
    assert sent_before.tcm_contact_at == at("2026-11-12T23:59:59-05:00")  # Veterans Day
    sent_after = rules.discharge_clocks(
        discharged_at=discharged,
        calendar=NEW_YORK,
        follow_up_hours=72,
        follow_up_business_days=0,
        tcm=False,
        handoff_sent_at=discharged + timedelta(hours=2),
        handoff_receipt_hours=24,
    )
    assert sent_after.handoff_receipt_at == discharged + timedelta(hours=26)
    assert sent_after.tcm_contact_at is None


def test_no_handoff_no_receipt_clock() -> None:
    clocks = rules.discharge_clocks(
        discharged_at=at("2026-11-09T08:00:00-05:00"),
        calendar=NEW_YORK,
        follow_up_hours=72,
        follow_up_business_days=0,
        tcm=True,
        handoff_sent_at=None,
        handoff_receipt_hours=24,
    )
    assert clocks.handoff_receipt_at is None


# --- attempts counting ---------------------------------------------------------------------

T0 = at("2026-11-09T10:00:00-05:00")


def attempt(
    hours: int, outcome: AttemptOutcome, channel: ContactChannel = ContactChannel.PHONE
) -> rules.Attempt:
    return rules.Attempt(at=T0 + timedelta(hours=hours), channel=channel, outcome=outcome)


def test_one_failed_attempt_does_not_escalate() -> None:
    state = rules.follow_up_state([attempt(1, AttemptOutcome.NO_ANSWER)], max_failed=2)
    assert (state.failed_attempts, state.escalate, state.reached_at) == (1, False, None)


def test_the_second_failed_attempt_escalates() -> None:
    state = rules.follow_up_state(
        [attempt(1, AttemptOutcome.NO_ANSWER), attempt(5, AttemptOutcome.VOICEMAIL)], max_failed=2
    )
    assert (state.failed_attempts, state.escalate) == (2, True)


def test_reaching_the_consumer_stops_the_count_and_the_escalation() -> None:
    state = rules.follow_up_state(
        [
            attempt(1, AttemptOutcome.NO_ANSWER),
            attempt(3, AttemptOutcome.REACHED),
            attempt(5, AttemptOutcome.NO_ANSWER),
        ],
        max_failed=2,
    )
    assert (state.failed_attempts, state.escalate, state.reached_at) == (
        1,
        False,
        T0 + timedelta(hours=3),
    )


def test_attempts_are_counted_in_time_order_not_entry_order() -> None:
    state = rules.follow_up_state(
        [attempt(5, AttemptOutcome.NO_ANSWER), attempt(1, AttemptOutcome.REACHED)], max_failed=1
    )
    assert (state.failed_attempts, state.escalate) == (0, False)


def test_tcm_needs_an_interactive_contact_by_its_due_time() -> None:
    due = T0 + timedelta(hours=10)
    by_text = rules.follow_up_state(
        [attempt(1, AttemptOutcome.REACHED, ContactChannel.TEXT)], max_failed=2, tcm_due_at=due
    )
    assert by_text.tcm_met is False
    on_time = rules.follow_up_state(
        [attempt(10, AttemptOutcome.REACHED)], max_failed=2, tcm_due_at=due
    )
    assert on_time.tcm_met is True
    late = rules.follow_up_state(
        [attempt(11, AttemptOutcome.REACHED)], max_failed=2, tcm_due_at=due
    )
    assert late.tcm_met is False
    assert rules.follow_up_state([], max_failed=2).tcm_met is None


def test_two_timely_unsuccessful_attempts_satisfy_tcm() -> None:
    due = T0 + timedelta(hours=10)
    one = rules.follow_up_state(
        [attempt(1, AttemptOutcome.NO_ANSWER)], max_failed=3, tcm_due_at=due
    )
    assert one.tcm_met is False
    two = rules.follow_up_state(
        [attempt(1, AttemptOutcome.NO_ANSWER), attempt(9, AttemptOutcome.VOICEMAIL)],
        max_failed=3,
        tcm_due_at=due,
    )
    assert two.tcm_met is True
    late = rules.follow_up_state(
        [attempt(1, AttemptOutcome.NO_ANSWER), attempt(11, AttemptOutcome.VOICEMAIL)],
        max_failed=3,
        tcm_due_at=due,
    )
    assert late.tcm_met is False


# --- readmissions --------------------------------------------------------------------------


def test_readmission_on_day_30_links_and_day_31_does_not() -> None:
    discharged = at("2026-11-01T12:00:00+00:00")
    assert rules.readmission_of(discharged + timedelta(days=30), [(7, discharged)]) == 7
    assert (
        rules.readmission_of(discharged + timedelta(days=30, seconds=1), [(7, discharged)]) is None
    )


def test_readmission_links_the_latest_discharge_in_the_window() -> None:
    first, second = at("2026-11-01T12:00:00+00:00"), at("2026-11-10T12:00:00+00:00")
    admitted = at("2026-11-20T12:00:00+00:00")
    assert rules.readmission_of(admitted, [(1, first), (2, second)]) == 2


def test_a_discharge_after_the_admission_is_no_index() -> None:
    admitted = at("2026-11-20T12:00:00+00:00")
    assert rules.readmission_of(admitted, [(3, admitted + timedelta(hours=1))]) is None


# --- handoff contents ----------------------------------------------------------------------

GOOD = {
    "reason_for_stay": "Heart failure exacerbation",
    "problems": ["Heart failure"],
    "medications_start": ["Furosemide 40 mg daily"],
    "allergies": ["Penicillin"],
    "contacts": ["Dr. Reyes 555-0100"],
}


def test_a_complete_handoff_has_no_errors() -> None:
    assert rules.handoff_contents_check(GOOD) == {}


def test_a_handoff_without_reason_allergies_or_contacts_names_each() -> None:
    errors = rules.handoff_contents_check(
        {"reason_for_stay": " ", "allergies": [" "], "contacts": []}
    )
    assert errors == {
        "reason_for_stay": ["required"],
        "allergies": ["at least one entry (write 'none known' when there is none)"],
        "contacts": ["at least one entry (write 'none known' when there is none)"],
    }


def test_an_unknown_section_and_a_non_list_are_refused() -> None:
    errors = rules.handoff_contents_check({**GOOD, "extra": [], "problems": "Heart failure"})
    assert errors == {"extra": ["not a section of the handoff"], "problems": ["a list of texts"]}


def test_clean_contents_hold_every_section_without_blanks() -> None:
    clean = rules.handoff_contents_clean({**GOOD, "problems": [" Heart failure ", ""]})
    assert clean["problems"] == ["Heart failure"]
    assert clean["pending_tests"] == []
    assert list(clean) == list(rules.HANDOFF_SECTIONS)


# --- referrals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (ReferralStatus.SENT, ReferralStatus.ACCEPTED),
        (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED),
    ],
)
def test_the_loop_moves_forward(current: ReferralStatus, target: ReferralStatus) -> None:
    rules.referral_transition_check(current, target, "")


def test_a_sent_referral_cannot_be_completed() -> None:
    with pytest.raises(rules.TransitionError) as caught:
        rules.referral_transition_check(ReferralStatus.SENT, ReferralStatus.COMPLETED, "")
    assert (caught.value.field, str(caught.value)) == (
        "status",
        "a sent referral cannot become completed",
    )


def test_a_rejection_needs_its_reason() -> None:
    with pytest.raises(rules.TransitionError) as caught:
        rules.referral_transition_check(ReferralStatus.SENT, ReferralStatus.REJECTED, " ")
    assert caught.value.field == "reason"


def test_a_closed_referral_stays_closed() -> None:
    with pytest.raises(rules.TransitionError):
        rules.referral_transition_check(ReferralStatus.COMPLETED, ReferralStatus.CANCELLED, "x")


def test_task_statuses_follow_gravity() -> None:
    assert rules.TASK_STATUS == {
        ReferralStatus.SENT: "requested",
        ReferralStatus.ACCEPTED: "accepted",
        ReferralStatus.REJECTED: "rejected",
        ReferralStatus.CANCELLED: "cancelled",
        ReferralStatus.COMPLETED: "completed",
    }


# --- the provider CSV ----------------------------------------------------------------------

HEADER = ",".join(rules.PROVIDER_COLUMNS)


def test_provider_csv_rows_and_exact_rejects() -> None:
    text = "\n".join(
        [
            HEADER,
            '105001,Sunrise SNF,skilled_nursing,1 Main St,Springfield,IL,62701,555-0101,"62702;62703",Y,4,"falls=1.2;rehospitalized=18%",N',  # noqa: E501
            "105002,Nowhere Care,dialysis,,,,62701,,,Y,,,N",
            "105003,,home_health,,,,62701,,,Y,,,N",
            "105004,Bad Zip,home_health,,,,6270,,,Y,,,N",
            "105005,Bad Stars,home_health,,,,62701,,,Y,6,,N",
            "105001,Twice,home_health,,,,62701,,,Y,,,N",
            "105006,Maybe,hospice,,,,62701,,,maybe,,,N",
        ]
    )
    rows, rejects = rules.provider_csv_parse(text)
    assert [row.ccn for row in rows] == ["105001"]
    assert rows[0].service_area == ("62701", "62702", "62703")
    assert rows[0].quality_measures == {"falls": "1.2", "rehospitalized": "18%"}
    assert (rows[0].medicare, rows[0].financial_interest, rows[0].star_rating) == (True, False, 4)
    assert [(r.line, r.field, r.reason) for r in rejects] == [
        (3, "provider_type", "not a post-acute provider type"),
        (4, "name", "required"),
        (5, "postal_code", "a 5-digit ZIP code"),
        (6, "star_rating", "a star rating from 1 to 5"),
        (7, "ccn", "the same CCN twice in the file"),
        (8, "medicare", "yes or no"),
    ]


def test_a_file_without_the_required_columns_is_rejected_whole() -> None:
    rows, rejects = rules.provider_csv_parse("ccn,name\n1,A\n")
    assert rows == []
    assert [(r.line, r.field) for r in rejects] == [(1, "provider_type"), (1, "postal_code")]
