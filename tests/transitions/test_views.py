"""The transition pages: one read event per page, form errors write nothing, the choice
list prints in Spanish, the follow-up list and the referral pages, pinned query counts."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from casework.core import clock
from casework.core.models import AuditAction, AuditOutcome
from casework.transitions import selectors, services
from casework.transitions.models import FollowUpAttempt, TransitionPlan
from casework.transitions.rules import PostAcuteNeed
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World
from tests.resources.directory import service as resource_service
from tests.transitions.helpers import CONTENTS, admit, discharge, load_providers

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _stay_with_everything(world: World) -> Any:
    load_providers(world.program)
    stay = admit(world.cm, at=clock.now() - timedelta(days=3), visit="P1")
    actor = factories.actor(world.cm)
    found = selectors.choice_list_providers(
        program_id=world.program.pk,
        provider_type=PostAcuteNeed.SKILLED_NURSING,
        postal_code="62701",
    )
    choice_list = services.choice_list_create(
        actor=actor, stay=stay, provider_type=PostAcuteNeed.SKILLED_NURSING, postal_code="62701",
        providers=found, language="es",
    )  # fmt: skip
    services.choices_record(actor=actor, choice_list=choice_list, provider_ids=[found[0].pk])
    services.handoff_send(actor=actor, stay=stay, receiver_name="Maple SNF", contents=CONTENTS)
    return discharge(stay, world.cm, clock.now() - timedelta(hours=2))


def test_the_transition_page_shows_everything_with_one_read(
    world: World, django_assert_max_num_queries: Any
) -> None:
    stay = _stay_with_everything(world)
    client = _client(world.cm)
    since = last_event_id()
    with django_assert_max_num_queries(40):
        response = client.get(f"/stays/{stay.pk}/transition/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Maple SNF" in page and "program has a financial interest" in page
    assert [(e.action, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.READ, "stay", stay.consumer_id)
    ]


def test_a_bad_attempt_form_shows_the_error_and_writes_nothing(world: World) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=3), visit="P2")
    discharge(stay, world.cm, clock.now() - timedelta(hours=2))
    before, since = snapshot(), last_event_id()
    response = _client(world.cm).post(
        f"/stays/{stay.pk}/transition/attempt/",
        {"attempted_at": "2026-01-01T00:00", "channel": "pigeon", "outcome": "reached"},
    )
    assert response.status_code == 200
    assert "channel" in response.context["form"].errors
    assert snapshot() == before
    assert FollowUpAttempt.objects.count() == 0
    assert events_since(since) == []


def test_saving_the_plan_on_its_page_writes_a_version(world: World) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=1), visit="P3")
    response = _client(world.cm).post(
        f"/stays/{stay.pk}/transition/plan/",
        {"version": "0", "destination": "home_with_services", "needs": ["home_health"]},
    )
    assert response.status_code == 302
    plan = TransitionPlan.objects.get(stay=stay)
    assert (plan.destination, plan.needs, plan.version) == (
        "home_with_services",
        ["home_health"],
        1,
    )


def test_the_choice_list_prints_in_spanish_and_is_one_print_event(world: World) -> None:
    stay = _stay_with_everything(world)
    since = last_event_id()
    response = _client(world.cm).get(f"/stays/{stay.pk}/choice-list/?lang=es")
    assert response.status_code == 200
    assert "Su elección de proveedores de atención posaguda" in response.content.decode()
    assert [(e.action, e.detail["language"]) for e in events_since(since)] == [
        (AuditAction.PRINT, "es")
    ]


def test_the_follow_up_list_is_one_list_event(world: World) -> None:
    stay = _stay_with_everything(world)
    since = last_event_id()
    response = _client(world.cm).get("/follow-up/")
    assert response.status_code == 200
    assert stay.visit_number in response.content.decode()
    assert [(e.action, e.outcome) for e in events_since(since)] == [
        (AuditAction.LIST, AuditOutcome.SUCCESS)
    ]


def test_the_referral_pages_follow_the_loop(world: World) -> None:
    case = factories.active_case(world.cm)
    svc = resource_service(1, "Food pantry", need="BD-1800")
    client = _client(world.cm)
    sent = client.post(
        f"/consumers/{case.consumer_id}/community-referrals/new/",
        {"service_id": str(svc.pk), "need": "Food"},
    )
    assert sent.status_code == 302
    (referral,) = selectors.referrals_of_consumer(consumer_id=case.consumer_id)
    rejected = client.post(f"/community-referrals/{referral.pk}/status/", {"status": "rejected"})
    assert rejected.status_code == 200  # the reason is missing: a form error
    assert "reason" in rejected.context["form"].errors
    client.post(f"/community-referrals/{referral.pk}/status/", {"status": "accepted"})
    page = client.get(f"/community-referrals/{referral.pk}/")
    assert page.status_code == 200
    referral.refresh_from_db()
    assert referral.status == "accepted"
