"""The audit report for people (issue 13, item 17): names instead of ids, labels instead
of codes, a filter by consumer name or record number; reading it stays one event."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases.models import Case
from casework.core.audit import audit_record
from casework.core.models import AuditEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world: World) -> dict[str, Case]:
    return {
        "ortiz": factories.referred_case(
            world.cm, given_name="Lena", family_name="Ortiz", mrn="MRN-LO-1"
        ),
        "baker": factories.referred_case(
            world.cm2, given_name="Ruth", family_name="Baker", mrn="MRN-RB-2"
        ),
    }


def report(world: World, **params: str) -> tuple[str, list[AuditEvent]]:
    client = Client()
    client.force_login(world.compliance)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse("audit_report"), params)
    assert response.status_code == 200
    return response.content.decode(), list(AuditEvent.objects.filter(pk__gt=before))


def test_rows_name_the_person_role_consumer_and_record(
    world: World, cases: dict[str, Case]
) -> None:
    html, _ = report(world)
    cm = world.cm
    assert f'{cm.first_name} {cm.last_name} <span class="cw-quiet">({cm.username})</span>' in html
    assert '<span class="cw-quiet">Case manager</span>' in html
    assert 'Ortiz, Lena<br><span class="cw-quiet">Record MRN-LO-1</span>' in html
    assert f"Case {cases['ortiz'].pk}" in html
    assert "Care management" in html
    assert ">case_manager<" not in html
    assert "CAREMGT" not in html


@pytest.mark.parametrize("typed", ["Ortiz", "ortiz lena", "MRN-LO-1", "mrn-lo-1"])
def test_filter_by_consumer_name_or_record_number(
    world: World, cases: dict[str, Case], typed: str
) -> None:
    consumer_id = cases["ortiz"].consumer_id
    expected = AuditEvent.objects.filter(consumer_id=consumer_id).count()
    html, events = report(world, consumer=typed)
    assert expected > 0
    assert f"<strong>{expected}</strong> events match" in html
    assert "Baker, Ruth" not in html
    assert [(e.action, e.detail["filters"]["consumer_ids"]) for e in events] == [
        ("list", str(consumer_id))
    ]


def test_a_consumer_who_matches_nobody_shows_no_events(
    world: World, cases: dict[str, Case]
) -> None:
    html, events = report(world, consumer="Nobody")
    assert "<strong>0</strong> events match" in html
    assert [e.detail["filters"]["consumer_ids"] for e in events] == ["none"]


def test_an_unreadable_consumer_filter_is_a_form_error_and_reads_nothing(
    world: World, cases: dict[str, Case]
) -> None:
    html, events = report(world, consumer="O")
    assert 'id="id_consumer-error"' in html
    assert "Type at least two letters of a name" in html
    assert events == []


def test_another_programs_consumer_is_not_matched(world: World, cases: dict[str, Case]) -> None:
    outsider = factories.referred_case(
        world.outsider_cm, given_name="Lena", family_name="Ortiz", mrn="MRN-X-9"
    )
    html, events = report(world, consumer="MRN-X-9")
    assert "<strong>0</strong> events match" in html
    assert str(outsider.consumer_id) not in events[0].detail["filters"]["consumer_ids"]


def test_labels_stay_two_queries_whatever_the_rows(
    world: World, cases: dict[str, Case], django_assert_max_num_queries: object
) -> None:
    for _ in range(30):
        audit_record(
            actor=factories.actor(world.cm3),
            action="read",
            consumer_id=cases["baker"].consumer_id,
            object_type="work_item",
            object_id="7",
        )
    client = Client()
    client.force_login(world.compliance)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = client.get(reverse("audit_report"))
    assert "Work item 7" in response.content.decode()
