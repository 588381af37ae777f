"""The one source of the current time: tests freeze it with time-machine."""

from datetime import UTC, date, datetime

from django.utils import timezone


def now() -> datetime:
    """Time-zone-aware UTC now."""
    return datetime.now(tz=UTC)


def today() -> date:
    """The day it is in the active time zone: the program's on a signed-in page
    (casework.web.local_time), UTC elsewhere."""
    return timezone.localdate(now())
