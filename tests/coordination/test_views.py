"""Pages for work items, communications and notes (F1, F3)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from casework.coordination.models import Communication, Note, WorkItem
from casework.coordination.services import work_item_create
from casework.core import clock
from tests import factories
from tests.cases.test_views import last_event_id, new_events, signed_in, with_work_item
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_note_without_text_shows_the_field_error_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(reverse("note_create", args=[case.pk]), {"kind": "progress", "text": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_text"' in html
    assert 'id="id_text-error"' in html
    assert Note.objects.count() == 0
    assert new_events(before) == []


def test_a_work_item_with_a_bad_due_date_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    response = signed_in(world.cm).post(
        reverse("work_item_create", args=[case.pk]),
        {"title": "Call", "kind": "service", "owner": world.cm.pk, "due_at": "tomorrow"},
    )
    assert response.status_code == 200
    assert "id_due_at-error" in response.content.decode()
    assert WorkItem.objects.count() == 0


def test_posting_a_clinical_note_without_consent_is_refused(world: World) -> None:
    case = factories.referred_case(world.cm)
    response = signed_in(world.cm).post(
        reverse("note_create", args=[case.pk]), {"kind": "progress", "text": "Assessment"}
    )
    assert response.status_code == 200
    assert 'href="#id_kind_0"' in response.content.decode()
    assert Note.objects.count() == 0


def test_completing_a_work_item(world: World) -> None:
    case = factories.active_case(world.cm)
    item = with_work_item(case)
    response = signed_in(world.cm).post(
        reverse("work_item_complete", args=[item.pk]),
        {"version": item.version, "outcome": "Done"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.outcome) == ("completed", "Done")


def test_cancelling_a_work_item_needs_a_reason(world: World) -> None:
    case = factories.active_case(world.cm)
    item = with_work_item(case)
    response = signed_in(world.cm).post(
        reverse("work_item_cancel", args=[item.pk]), {"version": item.version, "reason": ""}
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "open"


def test_the_worklist_lists_overdue_work_first(world: World) -> None:
    case = factories.referred_case(world.cm)
    actor = factories.actor(world.cm)
    now = clock.now()
    from datetime import timedelta

    for title, days in (("Later", 3), ("Overdue", -2), ("Soon", 1)):
        work_item_create(
            actor=actor,
            case=case,
            title=title,
            kind="administrative",
            owner=world.cm,
            due_at=now + timedelta(days=days),
        )
    html = signed_in(world.cm).get(reverse("worklist")).content.decode()
    positions = [html.index(f'#work-items">{t}</a>') for t in ("Overdue", "Soon", "Later")]
    assert positions == sorted(positions)


def test_a_care_communication_is_logged_on_an_active_case(world: World) -> None:
    case = factories.active_case(world.cm)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(
        reverse("communication_create", args=[case.pk]),
        {
            "channel": "phone",
            "direction": "outbound",
            "topic": "care",
            "parties": "Consumer and daughter",
            "summary": "Planned the visit.",
            "occurred_at": "2026-01-02T10:00",
        },
    )
    assert response.status_code == 302
    assert Communication.objects.get().parties == "Consumer and daughter"
    assert [(e.action, e.object_type) for e in new_events(before)] == [("create", "communication")]


def test_a_communication_in_the_future_is_a_field_error(world: World) -> None:
    case = factories.active_case(world.cm)
    future = factories.typed_time(clock.now() + timedelta(days=2))
    response = signed_in(world.cm).post(
        reverse("communication_create", args=[case.pk]),
        {
            "channel": "phone",
            "direction": "outbound",
            "topic": "care",
            "parties": "Consumer",
            "summary": "Later.",
            "occurred_at": future,
        },
    )
    assert response.status_code == 200
    assert 'href="#id_occurred_at"' in response.content.decode()
    assert Communication.objects.count() == 0


def test_another_caseloads_work_item_cannot_be_completed(world: World) -> None:
    case = factories.active_case(world.other_cm)
    item = with_work_item(case)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(reverse("work_item_complete", args=[item.pk]), {"version": item.version})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "open"
    assert [(e.outcome, e.object_type) for e in new_events(before)] == [("denied", "work_item")]


def test_a_declined_case_offers_no_form(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = signed_in(world.cm)
    client.post(
        reverse("consent_create", args=[case.pk]),
        {
            "decision": "refused",
            "given_by": "consumer",
            "method": "verbal",
            "decided_at": "2026-01-02T10:00",
        },
    )
    html = client.get(reverse("note_create", args=[case.pk])).content.decode()
    assert "This case is declined. Nothing new can be recorded on it." in html
    assert "<textarea" not in html
    response = client.post(
        reverse("note_create", args=[case.pk]), {"kind": "consent_attempt", "text": "Late"}
    )
    assert response.status_code == 200
    assert Note.objects.count() == 0


def _edit_form(item: WorkItem, **changes: object) -> dict[str, object]:
    """The edit form as the page fills it, with ``changes`` applied."""
    data: dict[str, object] = {
        "version": item.version,
        "title": item.title,
        "owner": item.owner_id,
        "due_at": factories.typed_time(item.due_at),
        "description": item.description,
    }
    return {**data, **changes}


def test_editing_a_work_item_sends_only_the_changed_fields(world: World) -> None:
    case = factories.active_case(world.cm)
    item = with_work_item(case)
    due = (clock.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(
        reverse("work_item_edit", args=[item.pk]),
        _edit_form(item, title="Call the pharmacy again", due_at=factories.typed_time(due)),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.due_at, item.version) == ("Call the pharmacy again", due, 2)
    events = new_events(before)
    assert [(e.action, e.object_type, e.detail) for e in events] == [
        ("update", "work_item", {"fields": ["due_at", "title"]})
    ]


def test_the_edit_page_shows_the_current_values_and_is_one_read(world: World) -> None:
    case = factories.active_case(world.cm)
    item = with_work_item(case)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.get(reverse("work_item_edit", args=[item.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Call the pharmacy"' in html
    assert f'value="{factories.typed_time(item.due_at)}"' in html
    assert [(e.action, e.object_type) for e in new_events(before)] == [("read", "work_item")]


def test_an_unchanged_work_item_form_is_an_error_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    item = with_work_item(case)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(reverse("work_item_edit", args=[item.pk]), _edit_form(item))
    assert response.status_code == 200
    assert "Nothing was changed." in response.content.decode()
    item.refresh_from_db()
    assert item.version == 1
    assert new_events(before) == []


def test_a_stale_work_item_edit_is_refused_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    item = with_work_item(case)
    form = _edit_form(item, title="Mine")
    WorkItem.objects.filter(pk=item.pk).update(version=2)  # someone else saved first
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(reverse("work_item_edit", args=[item.pk]), form)
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    item.refresh_from_db()
    assert (item.title, item.version) == ("Call the pharmacy", 2)
    assert new_events(before) == []


def test_an_owner_outside_the_program_is_a_field_error(world: World) -> None:
    case = factories.active_case(world.cm)
    item = with_work_item(case)
    response = signed_in(world.cm).post(
        reverse("work_item_edit", args=[item.pk]), _edit_form(item, owner=world.outsider_cm.pk)
    )
    assert response.status_code == 200
    assert 'id="id_owner-error"' in response.content.decode()
    item.refresh_from_db()
    assert (item.owner_id, item.version) == (world.cm.pk, 1)


def test_another_caseloads_work_item_cannot_be_edited(world: World) -> None:
    case = factories.active_case(world.other_cm)
    item = with_work_item(case)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(
        reverse("work_item_edit", args=[item.pk]), _edit_form(item, title="Mine")
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert (item.title, item.version) == ("Call the pharmacy", 1)
    assert [(e.outcome, e.object_type) for e in new_events(before)] == [("denied", "work_item")]
