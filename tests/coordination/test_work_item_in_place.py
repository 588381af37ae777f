"""Completing or cancelling a work item in place (issue 13 item 11): from the worklist
and the case page, the row is swapped (HTMX); one audit event; a refusal changes
nothing and says why in the row."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from casework.coordination import services
from casework.coordination.models import WorkItem
from casework.core import clock
from casework.core.models import AuditAction
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _item(world: World) -> WorkItem:
    case = factories.active_case(world.cm)
    return services.work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Call the pharmacy",
        kind="service",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=1),
    )


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_worklist_and_case_page_offer_completion_in_place(world: World) -> None:
    item = _item(world)
    client = signed_in(world.cm)
    url = reverse("work_item_complete", args=[item.pk])
    for page in (reverse("worklist"), reverse("case_detail", args=[item.case_id])):
        html = client.get(page).content.decode()
        assert f'hx-post="{url}"' in html, page
        assert f'hx-post="{reverse("work_item_cancel", args=[item.pk])}"' in html, page


def test_completing_in_place_answers_with_the_row_and_audits_once(world: World) -> None:
    item = _item(world)
    since = last_event_id()
    response = signed_in(world.cm).post(
        reverse("work_item_complete", args=[item.pk]), {"version": 1, "outcome": ""}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr>")
    assert "Completed" in html
    assert "Call the pharmacy" in html
    item.refresh_from_db()
    assert (item.status, item.version) == ("completed", 2)
    assert [(e.action, e.object_type) for e in events_since(since)] == [
        (AuditAction.UPDATE, "work_item")
    ]


def test_cancelling_in_place_needs_a_reason_and_changes_nothing_without(world: World) -> None:
    item = _item(world)
    client = signed_in(world.cm)
    url = reverse("work_item_cancel", args=[item.pk])
    before, since = snapshot(), last_event_id()
    response = client.post(url, {"version": 1, "reason": ""}, **HTMX)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert snapshot() == before
    assert events_since(since) == []
    done = client.post(url, {"version": 1, "reason": "Duplicate"}, **HTMX)
    assert "Cancelled" in done.content.decode()
    item.refresh_from_db()
    assert (item.status, item.outcome) == ("cancelled", "Duplicate")


def test_a_stale_row_is_refused_in_place(world: World) -> None:
    item = _item(world)
    client = signed_in(world.cm)
    url = reverse("work_item_complete", args=[item.pk])
    client.post(url, {"version": 1, "outcome": ""}, **HTMX)
    before = snapshot()
    response = client.post(url, {"version": 1, "outcome": ""}, **HTMX)
    assert 'class="usa-error-message"' in response.content.decode()
    assert snapshot() == before


def test_without_script_the_form_posts_and_returns_to_the_case(world: World) -> None:
    item = _item(world)
    response = signed_in(world.cm).post(
        reverse("work_item_complete", args=[item.pk]), {"version": 1, "outcome": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[item.case_id])


def test_another_team_cannot_complete_in_place(world: World) -> None:
    item = _item(world)
    before = snapshot()
    response = signed_in(world.other_cm).post(
        reverse("work_item_complete", args=[item.pk]), {"version": 1, "outcome": ""}, **HTMX
    )
    assert response.status_code == 404
    assert snapshot() == before
