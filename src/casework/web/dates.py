"""Plausible dates in API request bodies: the same ranges as the pages (``core.dates``).

Annotate an input schema's field with one of these types; a value outside its span is
a 422 naming the field and the reason, as a page shows it on the form."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError

from casework.core.dates import Span, date_problem


def plausible[T: (date, datetime)](span: Span) -> Callable[[T], T]:
    """A pydantic after-validator refusing a value outside `span`."""

    def check(value: T) -> T:
        problem = date_problem(value, span)
        if problem:
            raise PydanticCustomError("implausible_date", problem)
        return value

    check.span = span  # type: ignore[attr-defined]
    return check


BirthDate = Annotated[date, AfterValidator(plausible(Span.BIRTH))]
PastDate = Annotated[date, AfterValidator(plausible(Span.PAST))]
PlannedDate = Annotated[date, AfterValidator(plausible(Span.PLANNED))]
RecentDatetime = Annotated[AwareDatetime, AfterValidator(plausible(Span.RECENT))]
PlannedDatetime = Annotated[AwareDatetime, AfterValidator(plausible(Span.PLANNED))]
FilterDatetime = Annotated[datetime, AfterValidator(plausible(Span.FILTER))]
