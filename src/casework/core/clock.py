"""The one source of the current time: tests freeze it with time-machine."""

from datetime import UTC, date, datetime


def now() -> datetime:
    """Time-zone-aware UTC now."""
    return datetime.now(tz=UTC)


def today() -> date:
    return now().date()
