"""Sequencing barriers through the pages and the API: one audit event per request, bad
input refused with nothing written, the escalation path edited by the clinical director."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casework.core.models import AuditAction, AuditOutcome, Deadline
from casework.staff.models import StaffProfile
from casework.transitions.models import SequencingBarrier, SequencingLevel
from tests.api_helpers import call, events_since, iso, last_event_id, snapshot, token_client
from tests.conftest import World
from tests.factories import typed_time
from tests.transitions.helpers import admit

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(world: World, **changes: str) -> dict[str, str]:
    return {
        "item": "consult",
        "description": "Cardiology consult",
        "ordered_at": typed_time(NOW - timedelta(hours=20), world.program),
        "expected_at": typed_time(NOW - timedelta(hours=2), world.program),
        "reason": "scheduling",
        "note": "",
        **changes,
    }


def test_the_pages_record_escalate_answer_and_resolve_a_barrier(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=2), visit="SV1")
    client = _client(world.cm)

    since = last_event_id()
    response = client.post(f"/stays/{stay.pk}/transition/barrier/", _form(world))
    assert response.status_code == 302, response.content[:2000]
    barrier = SequencingBarrier.objects.get(stay=stay)
    assert (barrier.ordered_at, barrier.expected_at) == (
        NOW - timedelta(hours=20),
        NOW - timedelta(hours=2),
    )
    assert [(e.action, e.object_type) for e in events_since(since)] == [
        (AuditAction.CREATE, "sequencing_barrier")
    ]

    page = client.get(f"/stays/{stay.pk}/transition/")
    assert f'href="/sequencing-barriers/{barrier.pk}/"' in page.content.decode()

    escalate = client.get(f"/sequencing-barriers/{barrier.pk}/escalate/")
    assert "Level 1 (Charge nurse or unit manager) is asked and has 4 hours to respond." in (
        escalate.content.decode()
    )
    since = last_event_id()
    assert client.post(f"/sequencing-barriers/{barrier.pk}/escalate/").status_code == 302
    assert [(e.action, e.detail) for e in events_since(since)] == [
        (AuditAction.UPDATE, {"escalated_to": 1})
    ]

    since = last_event_id()
    response = client.post(
        f"/sequencing-barriers/{barrier.pk}/response/",
        {
            "responder": "RN Diaz, charge nurse",
            "responded_at": typed_time(NOW, world.program),
            "response": "Cardiology will see today at 16:00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert [(e.action, e.detail) for e in events_since(since)] == [
        (AuditAction.UPDATE, {"responded_level": 1, "resolved": False})
    ]

    detail = client.get(f"/sequencing-barriers/{barrier.pk}/").content.decode()
    assert "RN Diaz, charge nurse" in detail
    assert "Cardiology will see today at 16:00" in detail

    since = last_event_id()
    response = client.post(
        f"/sequencing-barriers/{barrier.pk}/resolve/", {"resolution": "Consult done"}
    )
    assert response.status_code == 302
    barrier.refresh_from_db()
    assert (barrier.state, barrier.resolution) == ("resolved", "Consult done")
    assert Deadline.objects.get(subject_type="sequencing_barrier", subject_id=barrier.pk).state == (
        "met"
    )
    assert len(events_since(since)) == 1


def test_a_blank_description_is_a_form_error_and_writes_nothing(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=2), visit="SV2")
    client = _client(world.cm)
    before, since = snapshot(), last_event_id()
    response = client.post(f"/stays/{stay.pk}/transition/barrier/", _form(world, description=""))
    assert response.status_code == 200
    assert response.context["form"].errors == {"description": ["This field is required."]}
    assert snapshot() == before
    assert [e.outcome for e in events_since(since)] == []


def test_the_clinical_director_saves_the_path_on_its_page(world: World) -> None:
    StaffProfile.objects.create(user=world.senior, hired_date=NOW.date(), clinical_director=True)
    client = _client(world.senior)
    assert "Charge nurse or unit manager" in client.get("/sequencing-path/").content.decode()
    response = client.post(
        "/sequencing-path/",
        {
            "level_1_role": "Unit manager",
            "level_1_hours": "2",
            "level_2_role": "Chief medical officer",
            "level_2_hours": "6",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert list(
        SequencingLevel.objects.order_by("level").values_list("level", "role", "response_hours")
    ) == [(1, "Unit manager", 2), (2, "Chief medical officer", 6)]


def test_anyone_else_gets_a_form_error_and_the_path_is_unchanged(world: World) -> None:
    client = _client(world.supervisor)
    before, since = snapshot(), last_event_id()
    response = client.post("/sequencing-path/", {"level_1_role": "Me", "level_1_hours": "1"})
    assert response.status_code == 200
    assert "only the program&#x27;s clinical director edits the escalation path" in (
        response.content.decode()
    )
    assert snapshot() == before
    assert events_since(since) == []


def test_a_role_without_a_role_is_a_form_error(world: World) -> None:
    client = _client(world.supervisor)
    response = client.post("/sequencing-path/", {"level_1_hours": "3"})
    assert response.context["form"].errors == {"level_1_role": ["required with hours"]}


def test_the_api_records_a_barrier_and_answers_with_it(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=2), visit="SV3")
    client = token_client(world.cm)
    since = last_event_id()
    response = call(
        client,
        "POST",
        f"/api/v1/stays/{stay.pk}/sequencing-barriers",
        {
            "item": "test",
            "description": "MRI of the lumbar spine",
            "ordered_at": iso(NOW - timedelta(hours=3)),
            "reason": "equipment",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("item", "description", "state", "level", "escalations")} == {
        "item": "test",
        "description": "MRI of the lumbar spine",
        "state": "open",
        "level": 0,
        "escalations": [],
    }
    assert body["response_due_at"] is None
    assert [(e.action, e.outcome) for e in events_since(since)] == [
        (AuditAction.CREATE, AuditOutcome.SUCCESS)
    ]

    escalated = call(client, "POST", f"/api/v1/sequencing-barriers/{body['id']}/escalation")
    assert escalated.status_code == 200
    assert (escalated.json()["level"], escalated.json()["response_due_at"]) == (
        1,
        "2026-11-02T19:00:00Z",
    )
    assert [e["role"] for e in escalated.json()["escalations"]] == ["Charge nurse or unit manager"]
    again = call(client, "POST", f"/api/v1/sequencing-barriers/{body['id']}/escalation")
    assert again.status_code == 409

    listed = call(client, "GET", f"/api/v1/stays/{stay.pk}/sequencing-barriers")
    assert (listed.json()["count"], listed.json()["items"][0]["level"]) == (1, 1)


def test_the_api_names_the_field_of_a_bad_barrier_and_writes_nothing(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=2), visit="SV4")
    client = token_client(world.cm)
    before, since = snapshot(), last_event_id()
    response = call(
        client,
        "POST",
        f"/api/v1/stays/{stay.pk}/sequencing-barriers",
        {
            "item": "test",
            "description": "MRI",
            "ordered_at": iso(NOW - timedelta(hours=3)),
            "expected_at": iso(NOW - timedelta(hours=4)),
            "reason": "equipment",
        },
    )
    assert response.status_code == 422
    assert "expected_at" in response.content.decode()
    assert snapshot() == before
    assert [(e.action, e.outcome) for e in events_since(since)] == []


def test_the_api_reads_the_default_path(world: World) -> None:
    response = call(token_client(world.cm), "GET", "/api/v1/sequencing-path")
    assert response.json() == {
        "default": True,
        "levels": [
            {"level": 1, "role": "Charge nurse or unit manager", "response_hours": 4},
            {"level": 2, "role": "Attending physician", "response_hours": 4},
            {"level": 3, "role": "Physician advisor", "response_hours": 8},
            {
                "level": 4,
                "role": "Chief medical officer or administrator on call",
                "response_hours": 24,
            },
        ],
    }


def test_the_list_costs_the_same_queries_for_one_barrier_or_five(world: World) -> None:
    from casework.transitions import services
    from casework.transitions.rules import BarrierReason, SequencedItem
    from tests import factories

    stay = admit(world.cm, at=NOW - timedelta(days=2), visit="SV5")
    client = token_client(world.cm)
    url = f"/api/v1/stays/{stay.pk}/sequencing-barriers"

    def add() -> None:
        barrier = services.sequencing_barrier_record(
            actor=factories.actor(world.cm),
            stay=stay,
            facts=services.BarrierFacts(
                item=SequencedItem.THERAPY,
                description="Physical therapy evaluation",
                ordered_at=NOW - timedelta(hours=3),
                reason=BarrierReason.SCHEDULING,
            ),
        )
        services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)

    add()
    call(client, "GET", url)  # warm the token's first use
    with CaptureQueriesContext(connection) as one:
        call(client, "GET", url)
    for _ in range(4):
        add()
    with CaptureQueriesContext(connection) as five:
        response = call(client, "GET", url)
    assert response.json()["count"] == 5
    assert len(five) == len(one)
