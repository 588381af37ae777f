"""The three enrollment notices in one form (issue 13, item 11): one event, each notice
stored as one recorded alone."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases import services
from casework.cases.models import Notice
from casework.core import clock
from casework.core.errors import ValidationFailed
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db

THREE = ["program_purpose", "complaint_process", "privacy_practices"]


def test_three_notices_are_stored_with_one_audit_event(world: World) -> None:
    case = factories.referred_case(world.cm)
    since = last_event_id()

    notices = services.enrollment_notices_record(
        actor=factories.actor(world.cm),
        case=case,
        kinds=THREE,
        method="in_person",
        delivered_at=clock.now(),
        acknowledgement="acknowledged",
    )

    assert sorted(Notice.objects.filter(case=case).values_list("kind", flat=True)) == sorted(THREE)
    (event,) = events_since(since)
    assert (event.action, event.object_type, event.detail["notices"]) == (
        "create",
        "notice",
        [n.pk for n in notices],
    )


def test_a_closure_notice_among_them_is_refused_and_nothing_written(world: World) -> None:
    case = factories.referred_case(world.cm)
    before, since = snapshot(), last_event_id()

    with pytest.raises(ValidationFailed) as info:
        services.enrollment_notices_record(
            actor=factories.actor(world.cm),
            case=case,
            kinds=["program_purpose", "closure"],
            method="in_person",
            delivered_at=clock.now(),
            acknowledgement="acknowledged",
        )

    assert info.value.errors == {"kinds": ["choose each enrollment notice once"]}
    assert (snapshot(), events_since(since)) == (before, [])


def test_page_records_the_notices_together(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = Client()
    client.force_login(world.cm)
    url = reverse("enrollment_notices_create", args=[case.pk])

    shown = client.get(url)
    response = client.post(
        url,
        {
            "kinds": THREE,
            "recipient_type": "consumer",
            "method": "in_person",
            "delivered_at": factories.typed_time(clock.now()),
            "acknowledgement": "acknowledged",
            "language": "en",
        },
    )

    assert shown.status_code == 200
    assert response.status_code == 302, response.content[:3000]
    assert Notice.objects.filter(case=case).count() == 3
