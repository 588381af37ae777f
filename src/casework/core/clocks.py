"""Regulatory clocks (J1, J2, K1, H): when a limit falls due, pure and without the ORM.

One mechanism for every clock in the product: a limit in calendar days, business days or
hours, counted in the program's time zone and holiday calendar; paused and resumed with a
reason (paused time does not count); extended by the rule's own extension, with the notice
it requires; and escalated at fixed fractions of the limit before it is breached. Contexts
compute `due_at` here and store it on their `core.Deadline` row; the sweep only compares.

Conventions (../shared/reference/regulatory-timers.md, "How to read this sheet"):
- "N calendar days after X": X is day 0; due at the end of day X+N, program local time.
- "N business days": Monday to Friday (the calendar's working week), skipping the program's
  public holidays (the `holidays` package) and its own closure dates; X is day 0 and the
  clock is due at the end of the Nth business day after it.
- "The end of a day" is 23:59:59 local time.
- "N hours": N elapsed hours on the wall of the world (UTC arithmetic), so a 72-hour clock
  over a daylight-saving change ends at a local time one hour off the start's.
Every datetime in and out is time-zone aware; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_tables

__all__ = [
    "ClockError",
    "ClockRule",
    "ClockState",
    "ClockUnit",
    "Extension",
    "ExtensionGrant",
    "HolidayCalendar",
    "Pause",
    "add_units",
    "clock_state",
    "due_at",
    "end_of_local_day",
    "escalation_level",
    "escalation_times",
    "extension_grant",
    "local_datetime",
    "pause_check",
    "resume_check",
    "units_between",
]


class ClockUnit(StrEnum):
    """What a clock counts. Stored values never change."""

    CALENDAR_DAYS = "calendar_days"
    BUSINESS_DAYS = "business_days"
    HOURS = "hours"


class ClockError(ValueError):
    """A clock operation the rule does not allow; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str, year: int) -> dict[date, str]:
    table = holiday_tables.country_holidays(country, subdiv=subdivision or None, years=year)
    return dict(table.items())


@dataclass(frozen=True)
class HolidayCalendar:
    """A program's working calendar: its IANA time zone, the public holidays of its country
    and subdivision (`holidays` package), its own closure dates, and its weekend."""

    time_zone: str = "America/New_York"
    country: str = "US"
    subdivision: str = ""
    closures: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})  # date.weekday(): Saturday, Sunday

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ValueError, KeyError) as error:  # ZoneInfoNotFoundError is a KeyError
            raise ClockError(f"unknown time zone '{self.time_zone}'", field="time_zone") from error
        if self.country:
            try:
                _public_holidays(self.country, self.subdivision, 2000)
            except NotImplementedError as error:
                raise ClockError(
                    f"no holiday table for '{self.country}' '{self.subdivision}'",
                    field="subdivision" if self.subdivision else "country",
                ) from error

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def holiday_name(self, day: date) -> str | None:
        """The closure or public holiday on `day`, None on an ordinary day."""
        if day in self.closures:
            return "Program closure"
        if not self.country:
            return None
        return _public_holidays(self.country, self.subdivision, day.year).get(day)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and self.holiday_name(day) is None

    def local_date(self, at: datetime) -> date:
        return _aware(at, "at").astimezone(self.zone).date()


def _aware(at: datetime, name: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ClockError(f"{name} must be time-zone aware", field=name)
    return at


def local_datetime(day: date, at: time, calendar: HolidayCalendar) -> datetime:
    """`day` at local wall time `at` in the program's zone, as UTC (e.g. noon of a day)."""
    local = datetime.combine(day, at, tzinfo=calendar.zone)
    # A wall time inside a spring-forward gap is read with the offset before the change.
    return local.astimezone(UTC)


END_OF_DAY = time(23, 59, 59)


def end_of_local_day(day: date, calendar: HolidayCalendar) -> datetime:
    """The end of `day` in the program's zone (23:59:59 local, whole seconds so it reads
    the same in every API and page), as UTC."""
    return local_datetime(day, END_OF_DAY, calendar)


def _add_business_days(day: date, amount: int, calendar: HolidayCalendar) -> date:
    step = 1 if amount >= 0 else -1
    remaining = abs(amount)
    while remaining:
        day += timedelta(days=step)
        if calendar.is_business_day(day):
            remaining -= 1
    return day


def add_units(start: datetime, amount: int, unit: ClockUnit, calendar: HolidayCalendar) -> datetime:
    """The instant `amount` units after `start` (before it when negative).

    Days count from the local date of `start` (day 0) to the end of the target local day;
    hours are elapsed hours."""
    _aware(start, "start")
    if unit == ClockUnit.HOURS:
        return start.astimezone(UTC) + timedelta(hours=amount)
    day = calendar.local_date(start)
    if unit == ClockUnit.CALENDAR_DAYS:
        return end_of_local_day(day + timedelta(days=amount), calendar)
    return end_of_local_day(_add_business_days(day, amount, calendar), calendar)


def _shift(at: datetime, amount: int, unit: ClockUnit, calendar: HolidayCalendar) -> datetime:
    """Move an existing due instant by `amount` units, keeping its local time of day (an
    extension of an hour clock by 14 calendar days ends at the same local wall time)."""
    if unit == ClockUnit.HOURS:
        return at.astimezone(UTC) + timedelta(hours=amount)
    local = at.astimezone(calendar.zone)
    if unit == ClockUnit.CALENDAR_DAYS:
        day = local.date() + timedelta(days=amount)
    else:
        day = _add_business_days(local.date(), amount, calendar)
    return local_datetime(day, local.timetz().replace(tzinfo=None), calendar)


def units_between(
    start: datetime, end: datetime, unit: ClockUnit, calendar: HolidayCalendar
) -> float:
    """How many units run from `start` to `end`: hours as a fraction; days as whole days
    between the two local dates (business days: those after `start`'s day, up to and
    including `end`'s day)."""
    _aware(start, "start")
    _aware(end, "end")
    if unit == ClockUnit.HOURS:
        return (end - start).total_seconds() / 3600
    first, last = calendar.local_date(start), calendar.local_date(end)
    if unit == ClockUnit.CALENDAR_DAYS:
        return float((last - first).days)
    sign = 1 if last >= first else -1
    low, high = min(first, last), max(first, last)
    count = sum(
        1
        for offset in range(1, (high - low).days + 1)
        if calendar.is_business_day(low + timedelta(days=offset))
    )
    return float(sign * count)


@dataclass(frozen=True)
class ClockRule:
    """One limit as a rule states it: `amount` `unit`s from the clock's start; whether it
    may be paused (tolled) and why; its extension (`extension_amount` `extension_unit`s, at
    most `max_extensions` times, taken before the limit, with written notice due
    `extension_notice_days` calendar days after it when the consumer did not ask for it);
    and the escalation levels, as fractions of the limit elapsed."""

    code: str
    amount: int
    unit: ClockUnit
    citation: str = ""
    pausable: bool = False
    extension_amount: int = 0
    extension_unit: ClockUnit = ClockUnit.CALENDAR_DAYS
    max_extensions: int = 0
    extension_notice_days: int = 0
    escalate_at: tuple[float, ...] = (0.5, 0.75)

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ClockError("a limit must be positive", field="amount")
        if self.max_extensions and self.extension_amount <= 0:
            raise ClockError("an extension must be positive", field="extension_amount")
        if list(self.escalate_at) != sorted(set(self.escalate_at)) or any(
            not 0 < fraction < 1 for fraction in self.escalate_at
        ):
            raise ClockError(
                "escalation points are increasing fractions between 0 and 1",
                field="escalate_at",
            )


@dataclass(frozen=True)
class Pause:
    """A paused interval with its reason; `resumed_at` is None while the clock is paused."""

    paused_at: datetime
    reason: str
    resumed_at: datetime | None = None


@dataclass(frozen=True)
class Extension:
    """An extension taken: when, why, whether the consumer asked for it, and its size."""

    granted_at: datetime
    reason: str
    consumer_requested: bool
    amount: int
    unit: ClockUnit = ClockUnit.CALENDAR_DAYS


def _checked_pauses(start: datetime, pauses: Iterable[Pause]) -> list[Pause]:
    ordered = sorted(pauses, key=lambda pause: pause.paused_at)
    previous_end = start
    for index, pause in enumerate(ordered):
        _aware(pause.paused_at, "paused_at")
        if pause.paused_at < previous_end:
            raise ClockError(
                "a pause starts before the clock or overlaps another pause", field="paused_at"
            )
        if pause.resumed_at is None:
            if index != len(ordered) - 1:
                raise ClockError("only the last pause may still be open", field="resumed_at")
            break
        _aware(pause.resumed_at, "resumed_at")
        if pause.resumed_at < pause.paused_at:
            raise ClockError("a clock resumes after it was paused", field="resumed_at")
        previous_end = pause.resumed_at
    return ordered


def due_at(
    *,
    start: datetime,
    rule: ClockRule,
    calendar: HolidayCalendar,
    pauses: Iterable[Pause] = (),
    extensions: Iterable[Extension] = (),
) -> datetime | None:
    """When the clock falls due (UTC), or None while it is paused.

    Paused time does not count: the units used before each pause are spent, and the rest
    run on from the resumption (for day clocks, the resumption's day is the new day 0). A
    pause taken after the limit had already passed changes nothing. Extensions are added to
    the result in the order they were granted."""
    _aware(start, "start")
    anchor, remaining = start, float(rule.amount)
    due = add_units(start, rule.amount, rule.unit, calendar)
    for pause in _checked_pauses(start, pauses):
        if pause.paused_at >= due:
            break
        if pause.resumed_at is None:
            return None
        remaining -= units_between(anchor, pause.paused_at, rule.unit, calendar)
        anchor = pause.resumed_at
        if rule.unit == ClockUnit.HOURS:
            due = anchor.astimezone(UTC) + timedelta(hours=remaining)
        else:
            due = add_units(anchor, round(remaining), rule.unit, calendar)
    for extension in sorted(extensions, key=lambda item: item.granted_at):
        due = _shift(due, extension.amount, extension.unit, calendar)
    return due


@dataclass(frozen=True)
class ExtensionGrant:
    """An extension the rule allows: the new due time, and when the written notice of it
    is due (None when the consumer asked for the extension)."""

    extension: Extension
    due_at: datetime
    notice_due_at: datetime | None


def extension_grant(
    *,
    rule: ClockRule,
    calendar: HolidayCalendar,
    current_due_at: datetime,
    extensions_taken: int,
    at: datetime,
    reason: str,
    consumer_requested: bool,
) -> ExtensionGrant:
    """Take the rule's extension at `at`, or raise ClockError naming why not: the rule has
    none, they are used up, the limit already passed, or no reason was given."""
    _aware(at, "at")
    if rule.max_extensions <= 0:
        raise ClockError(f"{rule.code} allows no extension", field="extension")
    if extensions_taken >= rule.max_extensions:
        raise ClockError(f"{rule.code}'s extension was already taken", field="extension")
    if at >= current_due_at:
        raise ClockError("an extension is taken before the limit passes", field="at")
    if not reason.strip():
        raise ClockError("an extension needs its reason", field="reason")
    extension = Extension(
        granted_at=at,
        reason=reason.strip(),
        consumer_requested=consumer_requested,
        amount=rule.extension_amount,
        unit=rule.extension_unit,
    )
    new_due = _shift(current_due_at, extension.amount, extension.unit, calendar)
    notice_due = None
    if not consumer_requested and rule.extension_notice_days:
        notice_due = add_units(at, rule.extension_notice_days, ClockUnit.CALENDAR_DAYS, calendar)
    return ExtensionGrant(extension=extension, due_at=new_due, notice_due_at=notice_due)


def pause_check(
    *, rule: ClockRule, pauses: Sequence[Pause], at: datetime, reason: str, due: datetime | None
) -> Pause:
    """A new pause at `at`, or ClockError: the rule does not pause, the clock is already
    paused or already due, or no reason was given."""
    _aware(at, "at")
    if not rule.pausable:
        raise ClockError(f"{rule.code} runs without pause", field="pause")
    if pauses and pauses[-1].resumed_at is None:
        raise ClockError("the clock is already paused", field="pause")
    if due is not None and at >= due:
        raise ClockError("a clock past its limit cannot be paused", field="at")
    if not reason.strip():
        raise ClockError("a pause needs its reason", field="reason")
    return Pause(paused_at=at, reason=reason.strip())


def resume_check(*, pauses: Sequence[Pause], at: datetime) -> list[Pause]:
    """The pauses with the open one closed at `at`, or ClockError when none is open."""
    _aware(at, "at")
    if not pauses or pauses[-1].resumed_at is not None:
        raise ClockError("the clock is not paused", field="resume")
    last = pauses[-1]
    if at < last.paused_at:
        raise ClockError("a clock resumes after it was paused", field="at")
    return [*pauses[:-1], Pause(paused_at=last.paused_at, reason=last.reason, resumed_at=at)]


def _paused_seconds(pauses: Iterable[Pause], until: datetime) -> float:
    total = 0.0
    for pause in pauses:
        end = pause.resumed_at or until
        if pause.paused_at < until:
            total += (min(end, until) - pause.paused_at).total_seconds()
    return total


def escalation_times(
    *, start: datetime, due: datetime, rule: ClockRule, pauses: Iterable[Pause] = ()
) -> list[datetime]:
    """When each escalation level begins: the instants at which the rule's fractions of the
    running (unpaused) time from `start` to `due` have elapsed."""
    paused = _paused_seconds(pauses, due)
    running = (due - start).total_seconds() - paused
    return [due - timedelta(seconds=running * (1 - fraction)) for fraction in rule.escalate_at]


def escalation_level(
    *,
    start: datetime,
    due: datetime,
    now: datetime,
    rule: ClockRule,
    pauses: Sequence[Pause] = (),
) -> int:
    """0 before the first escalation point, then one level per point passed, and
    `len(rule.escalate_at) + 1` once the limit has passed. Paused time counts for neither
    the time spent nor the time allowed."""
    _aware(now, "now")
    if now >= due:
        return len(rule.escalate_at) + 1
    running = (due - start).total_seconds() - _paused_seconds(pauses, due)
    if running <= 0:
        return len(rule.escalate_at)
    spent = (now - start).total_seconds() - _paused_seconds(pauses, now)
    return sum(1 for fraction in rule.escalate_at if spent >= running * fraction)


@dataclass(frozen=True)
class ClockState:
    """Everything a worklist shows of a clock at `now`."""

    due_at: datetime | None
    paused: bool
    pause_reason: str
    escalation_level: int
    breached: bool
    extensions: tuple[Extension, ...] = field(default=())


def clock_state(
    *,
    start: datetime,
    rule: ClockRule,
    calendar: HolidayCalendar,
    now: datetime,
    pauses: Sequence[Pause] = (),
    extensions: Sequence[Extension] = (),
) -> ClockState:
    """The clock at `now`: due time (None while paused), escalation level, breached."""
    due = due_at(start=start, rule=rule, calendar=calendar, pauses=pauses, extensions=extensions)
    if due is None:
        # Paused: the clock keeps the level it had when it was paused.
        closed = pauses[:-1]
        frozen = due_at(
            start=start, rule=rule, calendar=calendar, pauses=closed, extensions=extensions
        )
        assert frozen is not None
        level = escalation_level(
            start=start, due=frozen, now=pauses[-1].paused_at, rule=rule, pauses=closed
        )
        return ClockState(
            due_at=None,
            paused=True,
            pause_reason=pauses[-1].reason,
            escalation_level=level,
            breached=False,
            extensions=tuple(extensions),
        )
    return ClockState(
        due_at=due,
        paused=False,
        pause_reason="",
        escalation_level=escalation_level(start=start, due=due, now=now, rule=rule, pauses=pauses),
        breached=now >= due,
        extensions=tuple(extensions),
    )
