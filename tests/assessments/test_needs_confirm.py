"""Confirming several suggested needs at once (issue 13 item 11): all or none, one
audit event naming them."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.assessments.models import Need
from casework.core import clock
from casework.core.models import AuditAction
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _suggested(world: World) -> tuple[int, Need, Need]:
    case = factories.active_case(world.cm)
    made = [
        Need.objects.create(
            case=case,
            kind=kind,
            domain=domain,
            description=description,
            status="suggested",
            created_by=world.cm,
            created_at=clock.now(),
        )
        for kind, domain, description in (
            ("problem", "food", "Food insecurity"),
            ("strength", "", "Close family"),
        )
    ]
    return case.pk, made[0], made[1]


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_case_page_offers_to_confirm_several(world: World) -> None:
    case_id, _food, _family = _suggested(world)
    page = signed_in(world.cm).get(reverse("case_detail", args=[case_id])).content.decode()
    assert reverse("needs_confirm", args=[case_id]) in page


def test_several_needs_are_confirmed_in_one_act(world: World) -> None:
    case_id, food, family = _suggested(world)
    since = last_event_id()
    response = signed_in(world.cm).post(
        reverse("needs_confirm", args=[case_id]),
        {
            f"confirm_{food.pk}": "on",
            f"acuity_{food.pk}": "1",
            f"version_{food.pk}": 1,
            f"confirm_{family.pk}": "on",
            f"acuity_{family.pk}": "",
            f"version_{family.pk}": 1,
        },
    )
    assert response.status_code == 302
    assert list(Need.objects.order_by("pk").values_list("status", "acuity", "version")) == [
        ("confirmed", 1, 2),
        ("confirmed", None, 2),
    ]
    [event] = events_since(since)
    assert (event.action, event.detail) == (
        AuditAction.UPDATE,
        {"status": "confirmed", "need_ids": [food.pk, family.pk]},
    )


def test_a_problem_without_a_priority_confirms_none(world: World) -> None:
    case_id, food, family = _suggested(world)
    before, since = snapshot(), last_event_id()
    response = signed_in(world.cm).post(
        reverse("needs_confirm", args=[case_id]),
        {
            f"confirm_{food.pk}": "on",
            f"version_{food.pk}": 1,
            f"confirm_{family.pk}": "on",
            f"version_{family.pk}": 1,
        },
    )
    assert response.status_code == 200
    assert f'href="#id_acuity_{food.pk}"' in response.content.decode()
    assert list(Need.objects.values_list("status", flat=True)) == ["suggested", "suggested"]
    assert snapshot() == before
    assert events_since(since) == []


def test_a_need_decided_meanwhile_confirms_none(world: World) -> None:
    case_id, food, family = _suggested(world)
    Need.objects.filter(pk=family.pk).update(status="dismissed", version=2)
    response = signed_in(world.cm).post(
        reverse("needs_confirm", args=[case_id]),
        {
            f"confirm_{food.pk}": "on",
            f"acuity_{food.pk}": "2",
            f"version_{food.pk}": 1,
        },
    )
    # The dismissed need is no longer offered; the food need alone is confirmed.
    assert response.status_code == 302
    assert Need.objects.get(pk=food.pk).status == "confirmed"


def test_nothing_chosen_is_a_form_error(world: World) -> None:
    case_id, food, family = _suggested(world)
    response = signed_in(world.cm).post(
        reverse("needs_confirm", args=[case_id]),
        {f"version_{food.pk}": 1, f"version_{family.pk}": 1},
    )
    assert response.status_code == 200
    assert "choose at least one need to confirm" in response.content.decode()


def test_another_team_cannot_confirm(world: World) -> None:
    case_id, food, _family = _suggested(world)
    before = snapshot()
    response = signed_in(world.other_cm).post(
        reverse("needs_confirm", args=[case_id]),
        {f"confirm_{food.pk}": "on", f"acuity_{food.pk}": "1", f"version_{food.pk}": 1},
    )
    assert response.status_code == 404
    assert snapshot() == before
