"""Issue 13, item 6: a declined case's work items leave the worklist and it offers no
closure; an expired credential shows 'Expired'; a state is chosen, never cut short."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases import services
from casework.coordination import services as coordination
from casework.coordination.models import WorkItem
from casework.core import clock
from casework.core.models import AuditEvent, Deadline
from casework.core.us_states import state_code
from casework.staff.models import Credential
from casework.staff.rules import credential_status_on
from tests import factories
from tests.api_helpers import call, snapshot, token_client
from tests.conftest import World


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _enrolment_item(world: World, case: object) -> WorkItem:
    return coordination.work_item_create(
        actor=factories.actor(world.cm),
        case=case,  # type: ignore[arg-type]
        title="Reach the consumer to enroll",
        kind="administrative",
        owner=world.cm,
        due_at=clock.now().replace(microsecond=0) + timedelta(days=3),
    )


def test_a_declined_case_cancels_its_open_work_items_in_the_one_consent_event(
    world: World,
) -> None:
    case = factories.referred_case(world.cm)
    item = _enrolment_item(world, case)
    before = AuditEvent.objects.count()

    services.consent_record(
        actor=factories.actor(world.cm),
        case=case,
        decision="refused",
        method="verbal",
        decided_at=clock.now(),
    )

    item.refresh_from_db()
    assert (item.status, item.outcome) == (
        "cancelled",
        "Case declined: consent to case management was refused.",
    )
    assert set(
        Deadline.objects.filter(subject_type="work_item", subject_id=item.pk).values_list(
            "state", flat=True
        )
    ) == {"waived"}
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.object_type, e.detail) for e in events] == [
        ("consent", {"decision": "refused", "work_items_cancelled": 1})
    ]
    worklist = _client(world.cm).get("/worklist/").content.decode()
    assert "Reach the consumer to enroll" not in worklist


def test_a_declined_case_page_offers_no_closure(world: World) -> None:
    case = factories.referred_case(world.cm)
    services.consent_record(
        actor=factories.actor(world.cm),
        case=case,
        decision="refused",
        method="verbal",
        decided_at=clock.now(),
    )
    client = _client(world.cm)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert reverse("case_close", args=[case.pk]) not in page
    assert "Close case" not in page
    close = client.post(reverse("case_close", args=[case.pk]), {"reason": "x"})
    assert close.status_code in (200, 404)
    case.refresh_from_db()
    assert case.state == "declined"


def test_a_withdrawn_case_cancels_its_open_work_items(world: World) -> None:
    case = factories.referred_case(world.cm)
    item = _enrolment_item(world, case)
    services.case_withdraw(
        actor=factories.actor(world.cm), case=case, version=case.version, reason="Moved away"
    )
    item.refresh_from_db()
    assert (item.status, item.outcome) == ("cancelled", "Case withdrawn: Moved away")


# --- credentials: the dates decide ------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expires", "shown"),
    [
        ("active", date(2020, 6, 30), "expired"),
        ("active", date(2026, 12, 3), "active"),  # valid through its expiry day
        ("active", None, "active"),
        ("suspended", date(2020, 6, 30), "suspended"),
    ],
)
def test_credential_status_on(status: str, expires: date | None, shown: str) -> None:
    assert credential_status_on(status, expires, date(2026, 12, 3)) == shown


def test_a_credential_that_expired_in_2020_shows_expired(world: World) -> None:
    credential = Credential.objects.filter(user=world.cm).first()
    assert credential is not None
    Credential.objects.filter(pk=credential.pk).update(
        status="active", expires_date=date(2020, 6, 30)
    )

    page = _client(world.compliance).get(reverse("staff_record", args=[world.cm.pk]))
    created = call(
        token_client(world.compliance),
        "POST",
        f"/api/v1/staff/{world.cm.pk}/credentials",
        {"kind": "license", "credential_type": "RN", "expires_date": "2020-06-30"},
    )

    row = next(r for r in page.content.decode().split("<tr>") if "2020" in r)
    assert "<td>Expired</td>" in row
    assert (created.status_code, created.json()["status"]) == (201, "expired")


# --- the issuing state ------------------------------------------------------------------


def test_state_code_takes_a_code_or_a_name() -> None:
    assert [state_code(t) for t in ("IL", "il", " Illinois ", "new  york", "", "Ilinois")] == [
        "IL",
        "IL",
        "IL",
        "NY",
        "",
        None,
    ]


def test_the_credential_form_offers_a_choice_of_states(world: World) -> None:
    html = (
        _client(world.compliance)
        .get(reverse("staff_credential_create", args=[world.cm.pk]))
        .content.decode()
    )
    assert '<select name="state"' in html
    assert '<option value="IL">Illinois</option>' in html
    assert 'maxlength="2"' not in html


def test_the_form_refuses_a_state_it_does_not_offer(world: World) -> None:
    client = _client(world.compliance)
    before = Credential.objects.count()
    page = client.post(
        reverse("staff_credential_create", args=[world.cm.pk]),
        {"kind": "license", "credential_type": "RN", "state": "Illinois", "status": "active"},
    )
    assert page.status_code == 200
    assert "state" in page.context["form"].errors
    assert Credential.objects.count() == before


def test_the_api_maps_a_state_name_to_its_code_and_refuses_an_unknown_one(world: World) -> None:
    client = token_client(world.compliance)
    path = f"/api/v1/staff/{world.cm.pk}/credentials"
    created = call(
        client, "POST", path, {"kind": "license", "credential_type": "RN", "state": "Illinois"}
    )
    assert created.status_code == 201
    assert Credential.objects.get(pk=created.json()["id"]).state == "IL"

    before, events = snapshot(), AuditEvent.objects.count()
    refused = call(
        client, "POST", path, {"kind": "license", "credential_type": "RN", "state": "Ilinois"}
    )
    assert refused.status_code == 422
    assert [(d["loc"], d["msg"]) for d in refused.json()["detail"]] == [
        (["body", "state"], "not a U.S. state or territory: give its two-letter code or its name")
    ]
    assert (snapshot(), AuditEvent.objects.count()) == (before, events)
