"""Education records on a stay: page and API, one audit event each, bad input refused
with nothing written."""

from datetime import timedelta

import pytest
from django.test import Client

from casework.core import clock
from casework.core.models import AuditAction, AuditOutcome
from casework.transitions.models import EducationRecord
from tests.api_helpers import call, events_since, iso, last_event_id, snapshot, token_client
from tests.conftest import World
from tests.transitions.helpers import admit

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_records_education_in_the_consumers_language(world: World) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=2), visit="ED1")
    stay.consumer.preferred_language = "es"
    stay.consumer.save(update_fields=["preferred_language"])
    client = _client(world.cm)
    form = client.get(f"/stays/{stay.pk}/transition/education/")
    assert form.status_code == 200
    since = last_event_id()
    # 12 hours ago in any zone the page may read it in: after admission, not in the future
    given = clock.now() - timedelta(hours=12)
    response = client.post(
        f"/stays/{stay.pk}/transition/education/",
        {
            "topic": "Daily weights and when to call",
            "audience": "caregiver",
            "method": "demonstration",
            "materials": "Heart failure zones sheet",
            "materials_language": "",
            "teach_back": "partly",
            "given_at": given.strftime("%Y-%m-%dT%H:%M"),
            "note": "Repeat tomorrow with the daughter",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    record = EducationRecord.objects.get(stay=stay)
    assert (
        record.topic,
        record.audience,
        record.method,
        record.materials_language,
        record.teach_back,
        record.given_by_id,
    ) == (
        "Daily weights and when to call",
        "caregiver",
        "demonstration",
        "es",
        "partly",
        world.cm.pk,
    )
    assert [(e.action, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.CREATE, "education_record", stay.consumer_id)
    ]
    page = client.get(f"/stays/{stay.pk}/transition/").content.decode()
    assert "Daily weights and when to call" in page
    assert "Heart failure zones sheet (es)" in page


def test_the_api_records_and_lists_education(world: World) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=2), visit="ED2")
    client = token_client(world.cm)
    since = last_event_id()
    created = call(
        client,
        "POST",
        f"/api/v1/stays/{stay.pk}/education",
        {
            "topic": "Inhaler technique",
            "audience": "consumer",
            "method": "verbal",
            "materials_language": "en",
            "teach_back": "understood",
            "given_at": iso(clock.now() - timedelta(hours=2)),
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["teach_back"] == "understood"
    listed = client.get(f"/api/v1/stays/{stay.pk}/education")
    assert listed.status_code == 200
    assert [i["topic"] for i in listed.json()["items"]] == ["Inhaler technique"]
    assert [(e.action, e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.CREATE, AuditOutcome.SUCCESS, stay.consumer_id),
        (AuditAction.LIST, AuditOutcome.SUCCESS, stay.consumer_id),
    ]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"teach_back": "not_done"}, "note", "say why teach-back was not done"),
        ({"topic": "   "}, "topic", "required"),
        (
            {"materials_language": "Spanish!"},
            "materials_language",
            "a language code such as en or es",
        ),
        ({"days_ago": 5}, "given_at", "may not be before the admission"),
    ],
)
def test_bad_education_is_422_naming_the_field_and_writes_nothing(
    world: World, change: dict, field: str, reason: str
) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=2), visit="ED3")
    client = token_client(world.cm)
    body = {
        "topic": "Inhaler technique",
        "audience": "family",
        "method": "written",
        "teach_back": "understood",
        "given_at": iso(clock.now() - timedelta(days=change.pop("days_ago", 0), hours=1)),
    } | change
    before, since = snapshot(), last_event_id()
    response = call(client, "POST", f"/api/v1/stays/{stay.pk}/education", body)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", field], "msg": reason, "type": "value_error"}
    ]
    assert snapshot() == before
    assert events_since(since) == []
