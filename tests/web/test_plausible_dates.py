"""Every date and date-time a person types has a plausible range, on pages and in the
API alike (issue 13, item 3): a year of 0001 or 9999 is refused with a message naming
the field, never stored, and never reaches date arithmetic (OverflowError, a 500)."""

import importlib
import inspect
import pkgutil
import typing
from datetime import UTC, date, datetime

import pytest
import time_machine
from django import forms
from django.test import Client
from ninja import Schema
from pydantic import AwareDatetime, FutureDate, FutureDatetime, NaiveDatetime, PastDate

import casework
from casework.core.dates import Span, bounds, date_problem
from casework.web.forms import PlausibleDate
from tests import factories
from tests.api_helpers import call, session_client
from tests.conftest import World

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


# --- the rule, without a database ------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "value", "problem"),
    [
        (
            Span.BIRTH,
            date(1899, 12, 31),
            "A birth date before 1900 is not plausible: check the year.",
        ),
        (Span.BIRTH, date(1900, 1, 1), None),
        (Span.BIRTH, date(2026, 12, 3), None),
        (Span.BIRTH, date(2026, 12, 4), "A birth date cannot be in the future."),
        (Span.PLANNED, date(1, 1, 1), "Must be on or after 2016-12-03: check the year."),
        (Span.PLANNED, date(9999, 12, 31), "Must be on or before 2036-12-03: check the year."),
        (Span.PLANNED, date(2036, 12, 3), None),
        (Span.PAST, date(2026, 12, 4), "This cannot be in the future."),
        (
            Span.RECENT,
            datetime(1, 1, 1, tzinfo=UTC),
            "Must be on or after 2016-12-03: check the year.",
        ),
        (Span.RECENT, datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "This cannot be in the future."),
        (Span.RECENT, datetime(2026, 12, 3, 12, 10, tzinfo=UTC), None),  # within the slack
        (Span.RECENT, datetime(2026, 12, 3, 13, 0, tzinfo=UTC), "This cannot be in the future."),
        (Span.PLANNED, datetime(1, 1, 1, 0, 0), "Must be on or after 2016-12-03: check the year."),
    ],
)
def test_date_problem(span: Span, value: date, problem: str | None) -> None:
    assert date_problem(value, span, NOW) == problem


def test_a_leap_day_today_has_bounds() -> None:
    assert bounds(Span.PLANNED, date(2028, 2, 29)) == (date(2018, 2, 28), date(2038, 2, 28))


# --- every field of every form and every request body names its range ------------------


def _modules(suffix: str) -> list[object]:
    found = []
    for info in pkgutil.walk_packages(casework.__path__, "casework."):
        if info.name.endswith(suffix) and ".population" not in info.name:
            found.append(importlib.import_module(info.name))
    return found


def test_every_date_field_of_every_form_has_a_plausible_range() -> None:
    checked, bare = 0, []
    for module in _modules(".forms"):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:  # type: ignore[attr-defined]
                continue
            for field_name, field in cls.base_fields.items():
                if isinstance(field, (forms.DateField, forms.DateTimeField)):
                    checked += 1
                    if not any(isinstance(v, PlausibleDate) for v in field.validators):
                        bare.append(f"{name}.{field_name}")
    assert bare == []
    assert checked >= 18


def _dated(annotation: object) -> tuple[bool, bool]:
    """(is a date or date-time, carries a plausible-range check)"""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = args
        checked = any(hasattr(getattr(m, "func", None), "span") for m in meta)
        return _dated(base)[0], checked
    if args:
        parts = [_dated(a) for a in args]
        return any(p[0] for p in parts), any(p[1] for p in parts)
    if annotation in (AwareDatetime, NaiveDatetime, PastDate, FutureDate, FutureDatetime):
        return True, False
    return isinstance(annotation, type) and issubclass(annotation, date), False


def test_every_date_in_a_request_body_has_a_plausible_range() -> None:
    checked, bare = 0, []
    for module in _modules(".schemas"):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Schema) or cls.__module__ != module.__name__:  # type: ignore[attr-defined]
                continue
            if name.endswith(("Out", "Page", "Ref")):
                continue
            for field_name, info in cls.model_fields.items():
                annotation = info.rebuild_annotation()
                is_date, has_range = _dated(annotation)
                if is_date:
                    checked += 1
                    if not has_range:
                        bare.append(f"{name}.{field_name}")
    assert bare == []
    assert checked >= 24


# --- the reported crashes, on pages and in the API -------------------------------------


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize("due", ["0001-01-01T09:00", "9999-12-31T23:59"])
def test_a_work_item_due_in_year_1_or_9999_is_refused_on_the_page(world: World, due: str) -> None:
    from casework.coordination.models import WorkItem

    case = factories.active_case(world.cm)
    before = WorkItem.objects.count()

    page = _client(world.cm).post(
        f"/cases/{case.pk}/work-items/new/",
        {"title": "Call back", "kind": "service", "owner": world.cm.pk, "due_at": due},
    )

    assert page.status_code == 200
    assert "check the year" in page.context["form"].errors["due_at"][0]
    assert WorkItem.objects.count() == before


def test_a_work_item_due_in_year_1_is_refused_by_the_api(world: World) -> None:
    from casework.coordination.models import WorkItem

    case = factories.active_case(world.cm)
    before = WorkItem.objects.count()

    client = session_client(world.cm)
    body = {"title": "Call", "kind": "service", "owner": world.cm.pk}

    with time_machine.travel(NOW, tick=False):
        response = call(
            client,
            "POST",
            f"/api/v1/cases/{case.pk}/work-items",
            {**body, "due_at": "0001-01-01T00:00:00Z"},
        )

    assert response.status_code == 422
    assert [(d["loc"], d["msg"]) for d in response.json()["detail"]] == [
        (["body", "due_at"], "Must be on or after 2016-12-03: check the year.")
    ]
    assert WorkItem.objects.count() == before


def test_a_birth_date_in_the_future_is_refused_by_the_api(world: World) -> None:
    body = {
        "consumer": factories.consumer_fields(birth_date="2999-01-01"),
        "source": "self",
        "reason": "Help",
        "received_at": "2026-12-01T09:00:00Z",
    }
    response = call(session_client(world.cm), "POST", "/api/v1/referrals", body)
    assert response.status_code == 422
    locs = [(d["loc"], d["msg"]) for d in response.json()["detail"]]
    assert (["body", "consumer", "birth_date"], "A birth date cannot be in the future.") in locs
