"""Plausible dates: every date or date-time a person types has a range (issue 13, item 3).

A year of 0001 or 9999 is a typing slip, never a fact about a consumer; accepted, it
later overflows date arithmetic (a deadline one day after 9999-12-31) and loses what
was typed. Each date field names its `Span`; pages (``web.forms.date_field`` and
``datetime_field``) and the API (``web.dates``) check it with :func:`date_problem`.

    BIRTH    a birth date: from 1 January 1900 to today
    PAST     a past fact that may be old (a hire date, a document signed long ago):
             from 1 January 1900 to now
    RECENT   an event of a case (a referral received, a notice given, a contact, a
             consent): in the last ten years, not in the future
    PLANNED  a due date, a target, an expiry: within ten years either side of today
    FILTER   a day to search from or to: from 1900 to ten years ahead

An event "now" may be typed a little ahead of the server's clock (the minute was
rounded up, or the clocks differ): `FUTURE_SLACK` allows for that.
"""

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import clock

EARLIEST = date(1900, 1, 1)
YEARS = 10
FUTURE_SLACK = timedelta(minutes=15)


class Span(StrEnum):
    BIRTH = "birth"
    PAST = "past"
    RECENT = "recent"
    PLANNED = "planned"
    FILTER = "filter"


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def bounds(span: Span, today: date) -> tuple[date, date]:
    """The first and last plausible day of `span`, seen on `today`."""
    if span in (Span.BIRTH, Span.PAST):
        return EARLIEST, today
    if span == Span.RECENT:
        return _years_from(today, -YEARS), today
    if span == Span.PLANNED:
        return _years_from(today, -YEARS), _years_from(today, YEARS)
    return EARLIEST, _years_from(today, YEARS)


def _day(value: date) -> str:
    return value.isoformat()


def date_problem(value: date | datetime, span: Span, now: datetime | None = None) -> str | None:
    """Why `value` is not plausible for `span` (a sentence for the person who typed it),
    or None when it is. "Today" is the day in the active time zone (the program's on a
    page); a naive date-time is taken as UTC."""
    now = now or clock.now()
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    first, last = bounds(span, today)
    in_past = span in (Span.BIRTH, Span.PAST, Span.RECENT)
    # The day as typed, with no time-zone arithmetic: that overflows near years 1 and 9999.
    # A moment's own day may run a day ahead of UTC's (an offset east of Greenwich).
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(value, datetime):
        future = in_past and day > last + timedelta(days=1)
        if not future and in_past and day >= first:
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            future = moment > now + FUTURE_SLACK
        if not future and day > last and in_past:
            day = last
    else:
        future = in_past and day > last
    if future:
        if span == Span.BIRTH:
            return _("A birth date cannot be in the future.")
        return _("This cannot be in the future.")
    if day < first:
        if span == Span.BIRTH:
            return _("A birth date before 1900 is not plausible: check the year.")
        return _("Must be on or after %(day)s: check the year.") % {"day": _day(first)}
    if day > last:
        return _("Must be on or before %(day)s: check the year.") % {"day": _day(last)}
    return None
