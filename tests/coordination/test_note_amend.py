"""Amending a signed note: a new signed note that corrects it, by its author, once, with
a reason; the original is kept and shown as amended."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.coordination import services
from casework.coordination.models import Note
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _note(world: World) -> Note:
    case = factories.active_case(world.cm)
    return services.note_create(
        actor=factories.actor(world.cm), case=case, kind="progress", text="BP 150/90"
    )


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_author_amends_from_the_page_and_the_original_is_kept(world: World) -> None:
    note = _note(world)
    client = signed_in(world.cm)
    url = reverse("note_amend", args=[note.case_id, note.pk])
    assert "BP 150/90" in client.get(url).content.decode()
    since = last_event_id()

    response = client.post(url, {"text": "BP 130/90", "amendment_reason": "Misread the cuff"})

    assert response.status_code == 302
    amendment = Note.objects.get(amends=note)
    assert (amendment.text, amendment.kind, amendment.amendment_reason) == (
        "BP 130/90",
        "progress",
        "Misread the cuff",
    )
    assert Note.objects.get(pk=note.pk).text == "BP 150/90"
    assert [(e.action, e.object_type, e.detail) for e in events_since(since)] == [
        (AuditAction.CREATE, "note", {"amends": note.pk})
    ]
    page = client.get(reverse("case_detail", args=[note.case_id])).content.decode()
    assert "Corrected by a later amendment" in page
    assert "Reason: Misread the cuff" in page
    assert page.count(reverse("note_amend", args=[note.case_id, note.pk])) == 0
    assert reverse("note_amend", args=[note.case_id, amendment.pk]) in page


def test_a_note_is_amended_once(world: World) -> None:
    note = _note(world)
    actor = factories.actor(world.cm)
    services.note_create(
        actor=actor,
        case=note.case,
        kind="progress",
        text="BP 130/90",
        amends=note,
        amendment_reason="Misread",
    )
    before = snapshot()
    with pytest.raises(ValidationFailed) as info:
        services.note_create(
            actor=actor,
            case=note.case,
            kind="progress",
            text="BP 120/80",
            amends=note,
            amendment_reason="Again",
        )
    assert info.value.errors == {
        "amends": ["this note has been amended already: amend the latest version"]
    }
    assert snapshot() == before


def test_only_the_author_amends(world: World) -> None:
    note = _note(world)
    before, since = snapshot(), last_event_id()
    response = signed_in(world.supervisor).post(
        reverse("note_amend", args=[note.case_id, note.pk]),
        {"text": "BP 130/90", "amendment_reason": "Misread"},
    )
    assert response.status_code == 200
    assert "only the note&#x27;s author amends it" in response.content.decode()
    assert snapshot() == before
    assert events_since(since) == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "BP 130/90", "amendment_reason": ""}, "amendment_reason"),
        ({"text": "BP 150/90", "amendment_reason": "No change"}, "text"),
    ],
)
def test_a_bad_amendment_names_the_field(world: World, data: dict[str, str], field: str) -> None:
    note = _note(world)
    before = snapshot()
    response = signed_in(world.cm).post(reverse("note_amend", args=[note.case_id, note.pk]), data)
    assert response.status_code == 200
    assert f'href="#id_{field}"' in response.content.decode()
    assert snapshot() == before


def test_a_reason_without_an_amendment_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    with pytest.raises(ValidationFailed) as info:
        services.note_create(
            actor=factories.actor(world.cm),
            case=case,
            kind="progress",
            text="Hello",
            amendment_reason="Why",
        )
    assert info.value.errors == {"amendment_reason": ["only an amendment of a note has a reason"]}


def test_another_team_cannot_reach_the_amend_page(world: World) -> None:
    note = _note(world)
    before = snapshot()
    response = signed_in(world.other_cm).post(
        reverse("note_amend", args=[note.case_id, note.pk]),
        {"text": "X", "amendment_reason": "Y"},
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_a_note_of_another_case_is_404(world: World) -> None:
    note = _note(world)
    other = factories.active_case(world.cm)
    response = signed_in(world.cm).get(reverse("note_amend", args=[other.pk, note.pk]))
    assert response.status_code == 404
