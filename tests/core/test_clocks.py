"""The shared clock mechanism at its boundaries (no database): business days over a
weekend and a holiday, hour clocks over daylight-saving changes, pause and resume, the
+14-day extension with its 2-day notice, the expedited 72 hours, escalation."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from casework.core import clocks
from casework.core.clocks import ClockError, ClockRule, ClockUnit, HolidayCalendar, Pause

NY = ZoneInfo("America/New_York")
CALENDAR = HolidayCalendar(time_zone="America/New_York", country="US")
END = time(23, 59, 59)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NY)  # type: ignore[misc]


def end_of(day: date) -> datetime:
    return datetime.combine(day, END, tzinfo=NY).astimezone(UTC)


GRIEVANCE = ClockRule(
    code="MC-2",
    amount=90,
    unit=ClockUnit.CALENDAR_DAYS,
    citation="42 CFR 438.408(b)(1)",
    extension_amount=14,
    max_extensions=1,
    extension_notice_days=2,
)
EXPEDITED = ClockRule(
    code="MC-5",
    amount=72,
    unit=ClockUnit.HOURS,
    citation="42 CFR 438.408(b)(3)",
    extension_amount=14,
    max_extensions=1,
    extension_notice_days=2,
)
PRE_SERVICE = ClockRule(
    code="ER-3", amount=15, unit=ClockUnit.CALENDAR_DAYS, pausable=True, max_extensions=0
)
TWO_BUSINESS_DAYS = ClockRule(code="TCM-1", amount=2, unit=ClockUnit.BUSINESS_DAYS)


# -- calendar days ---------------------------------------------------------------------


def test_calendar_days_end_at_the_end_of_local_day_n() -> None:
    due = clocks.due_at(start=local(2026, 1, 10, 14, 0), rule=GRIEVANCE, calendar=CALENDAR)
    assert due == end_of(date(2026, 4, 10))
    assert due == datetime(2026, 4, 11, 3, 59, 59, tzinfo=UTC)  # EDT, UTC-4


def test_calendar_day_zero_is_the_local_date_not_the_utc_date() -> None:
    # 22:30 in New York on 1 March is already 2 March in UTC.
    start = local(2026, 3, 1, 22, 30)
    due = clocks.add_units(start, 1, ClockUnit.CALENDAR_DAYS, CALENDAR)
    assert due == end_of(date(2026, 3, 2))


def test_negative_calendar_days_count_back() -> None:
    due = clocks.add_units(local(2026, 6, 10, 9, 0), -2, ClockUnit.CALENDAR_DAYS, CALENDAR)
    assert due == end_of(date(2026, 6, 8))


# -- business days ---------------------------------------------------------------------


def test_business_days_skip_the_weekend() -> None:
    # Thursday 5 March 2026 + 2 business days = Monday 9 March (Fri 6, Mon 9).
    due = clocks.due_at(start=local(2026, 3, 5, 10, 0), rule=TWO_BUSINESS_DAYS, calendar=CALENDAR)
    assert due == end_of(date(2026, 3, 9))


def test_business_days_from_a_saturday_start_on_monday() -> None:
    due = clocks.add_units(local(2026, 3, 7, 10, 0), 1, ClockUnit.BUSINESS_DAYS, CALENDAR)
    assert due == end_of(date(2026, 3, 9))


def test_business_days_skip_a_public_holiday() -> None:
    # Wednesday 25 November 2026; Thursday 26 is Thanksgiving: Fri 27, Mon 30.
    due = clocks.due_at(start=local(2026, 11, 25, 16, 0), rule=TWO_BUSINESS_DAYS, calendar=CALENDAR)
    assert due == end_of(date(2026, 11, 30))


def test_business_days_skip_a_program_closure() -> None:
    closed = HolidayCalendar(
        time_zone="America/New_York", country="US", closures=frozenset({date(2026, 11, 27)})
    )
    due = clocks.due_at(start=local(2026, 11, 25, 16, 0), rule=TWO_BUSINESS_DAYS, calendar=closed)
    assert due == end_of(date(2026, 12, 1))
    assert closed.holiday_name(date(2026, 11, 27)) == "Program closure"


def test_business_days_follow_the_subdivision_holidays() -> None:
    # 31 March 2026 is Cesar Chavez Day in California only.
    california = HolidayCalendar(time_zone="America/Los_Angeles", country="US", subdivision="CA")
    start = datetime(2026, 3, 30, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert clocks.add_units(start, 1, ClockUnit.BUSINESS_DAYS, california) == datetime(
        2026, 4, 1, 23, 59, 59, tzinfo=ZoneInfo("America/Los_Angeles")
    )
    national = HolidayCalendar(time_zone="America/Los_Angeles", country="US")
    assert clocks.add_units(start, 1, ClockUnit.BUSINESS_DAYS, national) == datetime(
        2026, 3, 31, 23, 59, 59, tzinfo=ZoneInfo("America/Los_Angeles")
    )


def test_units_between_counts_business_days_after_the_start_day() -> None:
    start, end = local(2026, 11, 25, 9, 0), local(2026, 11, 30, 9, 0)
    assert clocks.units_between(start, end, ClockUnit.BUSINESS_DAYS, CALENDAR) == 2.0
    assert clocks.units_between(end, start, ClockUnit.BUSINESS_DAYS, CALENDAR) == -2.0


# -- hours and daylight saving ---------------------------------------------------------


def test_hour_clock_over_spring_forward_is_72_elapsed_hours() -> None:
    # Saturday 7 March 2026 10:00 EST; clocks go forward on Sunday 8 March.
    start = local(2026, 3, 7, 10, 0)
    due = clocks.due_at(start=start, rule=EXPEDITED, calendar=CALENDAR)
    assert due == datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert due is not None
    assert due.astimezone(NY).hour == 11  # 11:00 EDT
    assert (due - start).total_seconds() == 72 * 3600


def test_hour_clock_over_fall_back_is_24_elapsed_hours() -> None:
    # Saturday 31 October 2026 10:00 EDT; clocks go back on Sunday 1 November.
    due = clocks.add_units(local(2026, 10, 31, 10, 0), 24, ClockUnit.HOURS, CALENDAR)
    assert due == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
    assert due.astimezone(NY).hour == 9  # 09:00 EST


def test_end_of_day_on_the_dst_change_day() -> None:
    assert clocks.end_of_local_day(date(2026, 3, 8), CALENDAR) == datetime(
        2026, 3, 9, 3, 59, 59, tzinfo=UTC
    )
    assert clocks.end_of_local_day(date(2026, 11, 1), CALENDAR) == datetime(
        2026, 11, 2, 4, 59, 59, tzinfo=UTC
    )


def test_noon_local_time() -> None:
    noon = clocks.local_datetime(date(2026, 7, 1), time(12, 0), CALENDAR)
    assert noon == datetime(2026, 7, 1, 16, 0, tzinfo=UTC)


# -- expedited 72 hours ----------------------------------------------------------------


def test_expedited_appeal_is_due_72_hours_after_receipt() -> None:
    due = clocks.due_at(start=local(2026, 5, 1, 16, 30), rule=EXPEDITED, calendar=CALENDAR)
    assert due == local(2026, 5, 4, 16, 30)


def test_expedited_extension_adds_14_days_at_the_same_local_time() -> None:
    # 72 h from Thursday 5 March 09:00 EST = Sunday 8 March 10:00 EDT (DST in between).
    start = local(2026, 3, 5, 9, 0)
    due = clocks.due_at(start=start, rule=EXPEDITED, calendar=CALENDAR)
    assert due == local(2026, 3, 8, 10, 0)
    grant = clocks.extension_grant(
        rule=EXPEDITED,
        calendar=CALENDAR,
        current_due_at=due,
        extensions_taken=0,
        at=local(2026, 3, 6, 9, 0),
        reason="Records awaited from the provider",
        consumer_requested=False,
    )
    assert grant.due_at == local(2026, 3, 22, 10, 0)


# -- extension and its notice ----------------------------------------------------------


def test_extension_adds_14_calendar_days_with_written_notice_in_2_days() -> None:
    start = local(2026, 1, 10, 14, 0)
    due = clocks.due_at(start=start, rule=GRIEVANCE, calendar=CALENDAR)
    assert due is not None
    grant = clocks.extension_grant(
        rule=GRIEVANCE,
        calendar=CALENDAR,
        current_due_at=due,
        extensions_taken=0,
        at=local(2026, 4, 1, 12, 0),
        reason="Waiting for the provider's records",
        consumer_requested=False,
    )
    assert grant.due_at == end_of(date(2026, 4, 24))
    assert grant.notice_due_at == end_of(date(2026, 4, 3))
    assert grant.extension.amount == 14
    assert grant.extension.unit == ClockUnit.CALENDAR_DAYS
    assert clocks.due_at(
        start=start, rule=GRIEVANCE, calendar=CALENDAR, extensions=[grant.extension]
    ) == end_of(date(2026, 4, 24))


def test_extension_the_consumer_asked_for_needs_no_notice() -> None:
    due = end_of(date(2026, 4, 10))
    grant = clocks.extension_grant(
        rule=GRIEVANCE,
        calendar=CALENDAR,
        current_due_at=due,
        extensions_taken=0,
        at=local(2026, 4, 1, 12, 0),
        reason="Consumer is gathering letters",
        consumer_requested=True,
    )
    assert grant.notice_due_at is None
    assert grant.due_at == end_of(date(2026, 4, 24))


def test_extension_taken_in_the_last_instant_is_allowed_but_not_after() -> None:
    due = end_of(date(2026, 4, 10))
    kwargs = {
        "rule": GRIEVANCE,
        "calendar": CALENDAR,
        "current_due_at": due,
        "extensions_taken": 0,
        "reason": "r",
        "consumer_requested": False,
    }
    ok = clocks.extension_grant(at=due - timedelta(microseconds=1), **kwargs)  # type: ignore[arg-type]
    assert ok.due_at == end_of(date(2026, 4, 24))
    with pytest.raises(ClockError) as error:
        clocks.extension_grant(at=due, **kwargs)  # type: ignore[arg-type]
    assert error.value.field == "at"


def test_second_extension_is_refused() -> None:
    with pytest.raises(ClockError) as error:
        clocks.extension_grant(
            rule=GRIEVANCE,
            calendar=CALENDAR,
            current_due_at=end_of(date(2026, 4, 24)),
            extensions_taken=1,
            at=local(2026, 4, 11, 9, 0),
            reason="again",
            consumer_requested=False,
        )
    assert error.value.field == "extension"


def test_rule_without_extension_refuses_one() -> None:
    with pytest.raises(ClockError) as error:
        clocks.extension_grant(
            rule=TWO_BUSINESS_DAYS,
            calendar=CALENDAR,
            current_due_at=end_of(date(2026, 4, 24)),
            extensions_taken=0,
            at=local(2026, 4, 11, 9, 0),
            reason="x",
            consumer_requested=True,
        )
    assert error.value.field == "extension"


def test_extension_needs_a_reason() -> None:
    with pytest.raises(ClockError) as error:
        clocks.extension_grant(
            rule=GRIEVANCE,
            calendar=CALENDAR,
            current_due_at=end_of(date(2026, 4, 24)),
            extensions_taken=0,
            at=local(2026, 4, 11, 9, 0),
            reason="  ",
            consumer_requested=True,
        )
    assert error.value.field == "reason"


# -- pause and resume ------------------------------------------------------------------


def test_paused_days_do_not_count() -> None:
    # 15 days from Monday 2 Feb; 3 days used when paused on Thursday 5 Feb; resumed on
    # Thursday 12 Feb (new day 0): 12 days remain, due at the end of 24 Feb.
    start = local(2026, 2, 2, 9, 0)
    pauses = [
        Pause(
            paused_at=local(2026, 2, 5, 12, 0),
            reason="Waiting for information the claimant must supply",
            resumed_at=local(2026, 2, 12, 8, 0),
        )
    ]
    assert clocks.due_at(start=start, rule=PRE_SERVICE, calendar=CALENDAR) == end_of(
        date(2026, 2, 17)
    )
    assert clocks.due_at(start=start, rule=PRE_SERVICE, calendar=CALENDAR, pauses=pauses) == end_of(
        date(2026, 2, 24)
    )


def test_paused_hours_do_not_count() -> None:
    rule = ClockRule(code="H", amount=72, unit=ClockUnit.HOURS, pausable=True)
    start = local(2026, 2, 2, 9, 0)
    pauses = [
        Pause(
            paused_at=local(2026, 2, 3, 10, 0),  # 25 h used
            reason="Waiting for records",
            resumed_at=local(2026, 2, 4, 9, 0),
        )
    ]
    due = clocks.due_at(start=start, rule=rule, calendar=CALENDAR, pauses=pauses)
    assert due == local(2026, 2, 6, 8, 0)  # 47 h after resumption


def test_paused_business_days_do_not_count() -> None:
    rule = ClockRule(code="B", amount=5, unit=ClockUnit.BUSINESS_DAYS, pausable=True)
    # Monday 2 Feb; paused Wednesday 4 Feb (2 used); resumed Monday 9 Feb: Tue 10, Wed 11,
    # Thu 12 remain.
    pauses = [
        Pause(paused_at=local(2026, 2, 4, 15, 0), reason="r", resumed_at=local(2026, 2, 9, 8, 0))
    ]
    due = clocks.due_at(start=local(2026, 2, 2, 9, 0), rule=rule, calendar=CALENDAR, pauses=pauses)
    assert due == end_of(date(2026, 2, 12))


def test_an_open_pause_has_no_due_time() -> None:
    pauses = [Pause(paused_at=local(2026, 2, 5, 12, 0), reason="Waiting")]
    state = clocks.clock_state(
        start=local(2026, 2, 2, 9, 0),
        rule=PRE_SERVICE,
        calendar=CALENDAR,
        now=local(2026, 3, 30, 9, 0),
        pauses=pauses,
    )
    assert state.due_at is None
    assert state.paused is True
    assert state.pause_reason == "Waiting"
    assert state.breached is False
    assert state.escalation_level == 0  # 3.1 of 15 days used at the pause


def test_a_pause_after_the_limit_changes_nothing() -> None:
    start = local(2026, 2, 2, 9, 0)
    pauses = [
        Pause(paused_at=local(2026, 2, 20, 9, 0), reason="late", resumed_at=local(2026, 3, 1))
    ]
    assert clocks.due_at(start=start, rule=PRE_SERVICE, calendar=CALENDAR, pauses=pauses) == end_of(
        date(2026, 2, 17)
    )


def test_pause_check_refuses_a_rule_without_pause() -> None:
    with pytest.raises(ClockError) as error:
        clocks.pause_check(rule=GRIEVANCE, pauses=[], at=local(2026, 2, 3), reason="x", due=None)
    assert error.value.field == "pause"


def test_pause_check_refuses_a_second_open_pause_and_a_blank_reason() -> None:
    open_pause = [Pause(paused_at=local(2026, 2, 3), reason="x")]
    with pytest.raises(ClockError) as error:
        clocks.pause_check(
            rule=PRE_SERVICE, pauses=open_pause, at=local(2026, 2, 4), reason="y", due=None
        )
    assert error.value.field == "pause"
    with pytest.raises(ClockError) as error:
        clocks.pause_check(rule=PRE_SERVICE, pauses=[], at=local(2026, 2, 4), reason=" ", due=None)
    assert error.value.field == "reason"


def test_pause_check_refuses_a_clock_past_its_limit() -> None:
    with pytest.raises(ClockError) as error:
        clocks.pause_check(
            rule=PRE_SERVICE,
            pauses=[],
            at=end_of(date(2026, 2, 17)),
            reason="x",
            due=end_of(date(2026, 2, 17)),
        )
    assert error.value.field == "at"


def test_resume_closes_the_open_pause() -> None:
    paused = clocks.pause_check(
        rule=PRE_SERVICE, pauses=[], at=local(2026, 2, 5, 12), reason=" Waiting ", due=None
    )
    assert paused == Pause(paused_at=local(2026, 2, 5, 12), reason="Waiting")
    resumed = clocks.resume_check(pauses=[paused], at=local(2026, 2, 12, 8))
    assert resumed == [
        Pause(paused_at=local(2026, 2, 5, 12), reason="Waiting", resumed_at=local(2026, 2, 12, 8))
    ]
    with pytest.raises(ClockError) as error:
        clocks.resume_check(pauses=resumed, at=local(2026, 2, 13))
    assert error.value.field == "resume"


def test_overlapping_pauses_are_refused() -> None:
    pauses = [
        Pause(paused_at=local(2026, 2, 5), reason="a", resumed_at=local(2026, 2, 8)),
        Pause(paused_at=local(2026, 2, 7), reason="b", resumed_at=local(2026, 2, 9)),
    ]
    with pytest.raises(ClockError):
        clocks.due_at(start=local(2026, 2, 2), rule=PRE_SERVICE, calendar=CALENDAR, pauses=pauses)


# -- escalation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "level"), [(0, 0), (49.99, 0), (50, 1), (74.99, 1), (75, 2), (99.99, 2), (100, 3)]
)
def test_escalation_levels_at_half_three_quarters_and_the_limit(hours: float, level: int) -> None:
    rule = ClockRule(code="E", amount=100, unit=ClockUnit.HOURS)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    due = start + timedelta(hours=100)
    now = start + timedelta(hours=hours)
    assert clocks.escalation_level(start=start, due=due, now=now, rule=rule) == level


def test_escalation_times_exclude_paused_time() -> None:
    rule = ClockRule(code="E", amount=100, unit=ClockUnit.HOURS, pausable=True)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    pauses = [
        Pause(
            paused_at=start + timedelta(hours=10),
            reason="r",
            resumed_at=start + timedelta(hours=30),
        )
    ]
    due = clocks.due_at(start=start, rule=rule, calendar=CALENDAR, pauses=pauses)
    assert due == start + timedelta(hours=120)
    assert clocks.escalation_times(start=start, due=due, rule=rule, pauses=pauses) == [
        start + timedelta(hours=70),
        start + timedelta(hours=95),
    ]
    assert (
        clocks.escalation_level(
            start=start, due=due, now=start + timedelta(hours=69), rule=rule, pauses=pauses
        )
        == 0
    )
    assert (
        clocks.escalation_level(
            start=start, due=due, now=start + timedelta(hours=70), rule=rule, pauses=pauses
        )
        == 1
    )


def test_breached_state() -> None:
    state = clocks.clock_state(
        start=local(2026, 5, 1, 16, 30),
        rule=EXPEDITED,
        calendar=CALENDAR,
        now=local(2026, 5, 4, 16, 30),
    )
    assert state.breached is True
    assert state.escalation_level == 3


# -- bad input -------------------------------------------------------------------------


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ClockError) as error:
        clocks.due_at(start=datetime(2026, 1, 1), rule=GRIEVANCE, calendar=CALENDAR)
    assert error.value.field == "start"


def test_unknown_time_zone_and_country_are_refused() -> None:
    with pytest.raises(ClockError) as error:
        HolidayCalendar(time_zone="Mars/Olympus")
    assert error.value.field == "time_zone"
    with pytest.raises(ClockError) as error:
        HolidayCalendar(country="XX")
    assert error.value.field == "country"


def test_rule_shape_is_checked() -> None:
    with pytest.raises(ClockError):
        ClockRule(code="x", amount=0, unit=ClockUnit.HOURS)
    with pytest.raises(ClockError):
        ClockRule(code="x", amount=1, unit=ClockUnit.HOURS, escalate_at=(0.8, 0.5))
    with pytest.raises(ClockError):
        ClockRule(code="x", amount=1, unit=ClockUnit.HOURS, max_extensions=1)
