"""Regulatory clocks on deadline rows: start, pause, resume, extend, escalate through the
sweep, with the program's calendar (holidays and closures)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from casework.core import clocks
from casework.core.deadlines import (
    DEADLINE_KINDS,
    clock_extend,
    clock_pause,
    clock_resume,
    clock_start,
    deadline_kind_register,
    deadlines_escalate,
    program_calendar,
)
from casework.core.models import Deadline, DeadlineState, ProgramClosure
from casework.core.sweep import sweep_once
from tests.conftest import World

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
KIND = "test_clock"


@pytest.fixture(autouse=True)
def test_kind() -> Iterator[None]:
    deadline_kind_register(KIND, "Test clock")
    yield
    DEADLINE_KINDS.pop(KIND)


RULE = clocks.ClockRule(
    code="T-1",
    amount=10,
    unit=clocks.ClockUnit.CALENDAR_DAYS,
    pausable=True,
    extension_amount=14,
    max_extensions=1,
    extension_notice_days=2,
)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=NY)


def end_of(day: date) -> datetime:
    return clocks.end_of_local_day(day, clocks.HolidayCalendar())


def start(world: World) -> Deadline:
    with time_machine.travel(T0, tick=False):
        return clock_start(
            kind=KIND,
            subject_type="test",
            subject_id=1,
            rule=RULE,
            calendar=program_calendar(program_id=world.program.pk),
            started_at=T0,
            owner_id=world.cm.pk,
            consumer_id=None,
        )


def test_program_calendar_reads_zone_holidays_and_closures(world: World) -> None:
    world.program.time_zone = "America/Chicago"
    world.program.holiday_subdivision = "IL"
    world.program.save()
    ProgramClosure.objects.create(program=world.program, date=date(2026, 12, 24), reason="Eve")
    calendar = program_calendar(program_id=world.program.pk)
    assert calendar == clocks.HolidayCalendar(
        time_zone="America/Chicago",
        country="US",
        subdivision="IL",
        closures=frozenset({date(2026, 12, 24)}),
    )
    assert calendar.is_business_day(date(2026, 12, 24)) is False


def test_start_sets_due_and_escalation_schedule(world: World) -> None:
    row = start(world)
    row.refresh_from_db()
    assert row.due_at == end_of(date(2026, 3, 12))
    assert row.state == DeadlineState.OPEN
    assert row.rule_code == "T-1"
    assert row.escalation_level == 0
    assert len(row.escalations) == 2
    assert row.escalates_at == datetime.fromisoformat(row.escalations[0])


def test_pause_and_resume_move_the_due_time(world: World) -> None:
    row = start(world)
    calendar = program_calendar(program_id=world.program.pk)
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        clock_pause(
            deadline=row,
            rule=RULE,
            calendar=calendar,
            at=T0 + timedelta(days=3),
            reason="Waiting for records",
        )
    row.refresh_from_db()
    assert row.state == DeadlineState.PAUSED
    assert row.pause_reason == "Waiting for records"
    assert row.escalates_at is None
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        clock_resume(deadline=row, rule=RULE, calendar=calendar, at=T0 + timedelta(days=8))
    row.refresh_from_db()
    assert row.state == DeadlineState.OPEN
    assert row.pause_reason == ""
    # 3 days used; 7 remain from 10 March.
    assert row.due_at == end_of(date(2026, 3, 17))
    assert row.pauses == [
        {
            "paused_at": "2026-03-05T09:00:00-05:00",
            "reason": "Waiting for records",
            "resumed_at": "2026-03-10T09:00:00-04:00",
        }
    ]


def test_extension_records_notice_due(world: World) -> None:
    row = start(world)
    calendar = program_calendar(program_id=world.program.pk)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        grant = clock_extend(
            deadline=row,
            rule=RULE,
            calendar=calendar,
            at=T0 + timedelta(days=1),
            reason="Need the provider's records",
            consumer_requested=False,
        )
    row.refresh_from_db()
    assert row.due_at == end_of(date(2026, 3, 26)) == grant.due_at
    assert row.notice_due_at == end_of(date(2026, 3, 5))
    assert len(row.extensions) == 1
    with pytest.raises(clocks.ClockError):
        clock_extend(
            deadline=row,
            rule=RULE,
            calendar=calendar,
            at=T0 + timedelta(days=2),
            reason="again",
            consumer_requested=True,
        )
    row.refresh_from_db()
    assert row.due_at == end_of(date(2026, 3, 26))


def test_sweep_escalates_once_and_then_breaches(world: World) -> None:
    row = start(world)
    halfway = datetime.fromisoformat(row.escalations[0])
    with time_machine.travel(halfway, tick=False):
        assert sweep_once().escalated == 1
        assert sweep_once().escalated == 0  # idempotent
    row.refresh_from_db()
    assert row.escalation_level == 1
    assert row.escalates_at == datetime.fromisoformat(row.escalations[1])
    assert deadlines_escalate(now=halfway) == 0
    with time_machine.travel(row.due_at + timedelta(seconds=1), tick=False):
        result = sweep_once()
    row.refresh_from_db()
    assert result.escalated == 0
    assert row.state == DeadlineState.BREACHED
    assert row.escalation_level == 3
    assert row.escalates_at is None


def test_paused_clock_is_not_swept(world: World) -> None:
    row = start(world)
    calendar = program_calendar(program_id=world.program.pk)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        clock_pause(
            deadline=row, rule=RULE, calendar=calendar, at=T0 + timedelta(days=1), reason="r"
        )
    with time_machine.travel(datetime(2026, 6, 1, tzinfo=UTC), tick=False):
        result = sweep_once()
    row.refresh_from_db()
    assert (result.overdue, result.escalated) == (0, 0)
    assert row.state == DeadlineState.PAUSED
