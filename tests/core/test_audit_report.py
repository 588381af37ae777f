"""The audit report and its CSV export, in the API and on the page (S25, ONC (d)(3))."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from casework.core import clock
from casework.core.audit import audit_record
from casework.core.models import AuditEvent
from casework.core.selectors import AUDIT_CSV_COLUMNS
from tests import factories
from tests.api_helpers import token_client
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit-events"


def record(
    world: World, user_attr: str, action: str, consumer_id: int | None, hours_ago: int
) -> int:
    """One audit event by ``world.<user_attr>`` ``hours_ago`` hours before now."""
    user = getattr(world, user_attr)
    with time_machine.travel(clock.now() - timedelta(hours=hours_ago), tick=False):
        event = audit_record(
            actor=factories.actor(user),
            action=action,
            consumer_id=consumer_id,
            object_type="case",
            object_id=str(consumer_id or ""),
        )
    return event.pk


@pytest.fixture
def trail(world: World) -> dict[str, int]:
    """Five events in the program and one in another program, at known times."""
    return {
        "cm_read_50h": record(world, "cm", "read", 11, 50),
        "cm2_update_30h": record(world, "cm2", "update", 12, 30),
        "cm_read_20h": record(world, "cm", "read", 12, 20),
        "supervisor_list_10h": record(world, "supervisor", "list", None, 10),
        "cm_create_5h": record(world, "cm", "create", 11, 5),
        "outsider_read_4h": record(world, "outsider_cm", "read", 99, 4),
    }


def before_now(**params: object) -> dict[str, object]:
    """Query parameters ending a minute ago: the trail, without the events of the test's
    own sign-in or token issue."""
    return {"until": (clock.now() - timedelta(minutes=1)).isoformat(), **params}


def ids(response: object) -> list[int]:
    return [item["id"] for item in response.json()["items"]]  # type: ignore[attr-defined]


def test_the_report_lists_the_programs_events_newest_first(
    world: World, trail: dict[str, int]
) -> None:
    response = token_client(world.compliance).get(URL, before_now())
    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert ids(response) == [
        trail["cm_create_5h"],
        trail["supervisor_list_10h"],
        trail["cm_read_20h"],
        trail["cm2_update_30h"],
        trail["cm_read_50h"],
    ]


def test_a_time_range_is_since_inclusive_until_exclusive(
    world: World, trail: dict[str, int]
) -> None:
    since = AuditEvent.objects.get(pk=trail["cm_read_20h"]).occurred_at
    until = AuditEvent.objects.get(pk=trail["cm_create_5h"]).occurred_at
    response = token_client(world.compliance).get(
        URL, {"since": since.isoformat(), "until": until.isoformat(), "sort": "time"}
    )
    assert ids(response) == [trail["cm_read_20h"], trail["supervisor_list_10h"]]


def test_filters_by_user_consumer_and_action(world: World, trail: dict[str, int]) -> None:
    client = token_client(world.auditor)
    by_user = client.get(URL, before_now(username=world.cm.username.upper(), sort="time"))
    assert ids(by_user) == [trail["cm_read_50h"], trail["cm_read_20h"], trail["cm_create_5h"]]
    by_consumer = client.get(URL, before_now(consumer_id=12, sort="time"))
    assert ids(by_consumer) == [trail["cm2_update_30h"], trail["cm_read_20h"]]
    by_action = client.get(URL, before_now(action="read", username=world.cm.username))
    assert ids(by_action) == [trail["cm_read_20h"], trail["cm_read_50h"]]


def test_sorting_by_user_breaks_ties_by_id(world: World, trail: dict[str, int]) -> None:
    client = token_client(world.compliance)
    ascending = ids(client.get(URL, before_now(sort="user")))
    users = dict(AuditEvent.objects.values_list("pk", "actor_username"))
    assert ascending == sorted(ascending, key=lambda pk: (users[pk], pk))
    descending = ids(client.get(URL, before_now(sort="-user")))
    assert descending == sorted(descending, key=lambda pk: (users[pk], pk), reverse=True)


def test_reading_the_report_is_one_audited_list_event(world: World, trail: dict[str, int]) -> None:
    client = token_client(world.compliance)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.get(URL, {"action": "update", "limit": 10})
    event = AuditEvent.objects.get(pk__gt=before)
    assert (event.action, event.object_type, event.actor_id, event.consumer_id) == (
        "list",
        "audit_event",
        world.compliance.pk,
        None,
    )
    assert event.detail == {
        "count": 1,
        "ids": [trail["cm2_update_30h"]],
        "filters": {"action": "update", "sort": "-time"},
    }


def test_an_end_before_the_start_is_a_query_error(world: World, trail: dict[str, int]) -> None:
    now = clock.now()
    client = token_client(world.compliance)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(
        URL, {"since": now.isoformat(), "until": (now - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "until"]
    assert not AuditEvent.objects.filter(pk__gt=before).exists()


def test_an_unknown_action_is_a_query_error(world: World, trail: dict[str, int]) -> None:
    response = token_client(world.compliance).get(URL, {"action": "erase"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "action"]


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_the_csv_export_equals_the_query(world: World, trail: dict[str, int]) -> None:
    response = token_client(world.compliance).get(URL + "/export", before_now(sort="time"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="audit-events.csv"'
    rows = _csv(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    expected = AuditEvent.objects.filter(
        pk__in=[v for k, v in trail.items() if not k.startswith("outsider")]
    ).order_by("occurred_at", "id")
    assert [int(row["id"]) for row in rows] == [e.pk for e in expected]
    assert list(rows[0]) == list(AUDIT_CSV_COLUMNS)
    first = expected[0]
    assert rows[0] == {
        "id": str(first.pk),
        "occurred_at": first.occurred_at.isoformat(),
        "actor_id": str(world.cm.pk),
        "actor_username": world.cm.username,
        "actor_role": "case_manager",
        "action": "read",
        "outcome": "success",
        "consumer_id": "11",
        "object_type": "case",
        "object_id": "11",
        "purpose_of_use": first.purpose_of_use,
        "client_address": "127.0.0.1",  # factories.actor's address
        "break_glass": "false",
        "detail": "{}",
    }


def test_the_export_is_one_export_event_and_does_not_list_itself(
    world: World, trail: dict[str, int]
) -> None:
    client = token_client(world.auditor)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(URL + "/export", {"action": "read"})
    rows = _csv(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert [int(r["id"]) for r in rows] == [trail["cm_read_20h"], trail["cm_read_50h"]]
    event = AuditEvent.objects.get(pk__gt=before)
    assert (event.action, event.object_type, event.detail) == (
        "export",
        "audit_event",
        {"count": 2, "filters": {"action": "read", "sort": "-time"}},
    )


# --------------------------------------------------------------------------- the page


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_page_shows_the_last_seven_days_and_is_one_list_event(
    world: World, trail: dict[str, int]
) -> None:
    client = signed_in(world.compliance)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse("audit_report"))
    assert response.status_code == 200
    html = response.content.decode()
    # the trail's five events and the compliance officer's own sign-in
    assert "<strong>6</strong> events match" in html
    assert world.cm2.username in html
    assert world.outsider_cm.username not in html
    events = list(AuditEvent.objects.filter(pk__gt=before))
    assert [(e.action, e.object_type, e.detail["count"]) for e in events] == [
        ("list", "audit_event", 6)
    ]


def test_the_page_filters_and_its_csv_link_keeps_the_filters(
    world: World, trail: dict[str, int]
) -> None:
    client = signed_in(world.compliance)
    response = client.get(reverse("audit_report"), {"username": world.cm2.username})
    html = response.content.decode()
    assert "<strong>1</strong> events match" in html
    export = client.get(reverse("audit_export"), {"username": world.cm2.username})
    rows = _csv(b"".join(export.streaming_content))  # type: ignore[attr-defined]
    assert [int(r["id"]) for r in rows] == [trail["cm2_update_30h"]]


def test_an_end_day_before_the_start_day_is_a_form_error_and_reads_nothing(
    world: World, trail: dict[str, int]
) -> None:
    client = signed_in(world.compliance)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse("audit_report"), {"since": "2026-05-10", "until": "2026-05-01"})
    assert response.status_code == 200
    assert 'id="id_until-error"' in response.content.decode()
    assert not AuditEvent.objects.filter(pk__gt=before).exists()


@pytest.mark.parametrize("route", ["audit_report", "audit_export"])
def test_a_case_manager_gets_404_and_a_denied_event(
    world: World, trail: dict[str, int], route: str
) -> None:
    client = signed_in(world.cm)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert client.get(reverse(route)).status_code == 404
    events = list(AuditEvent.objects.filter(pk__gt=before))
    assert [(e.outcome, e.object_type, e.actor_id) for e in events] == [
        ("denied", "audit_event", world.cm.pk)
    ]


# ------------------------------------------------- events without an actor (issue 12, 10)


@pytest.fixture
def actorless(world: World) -> dict[str, int]:
    """Events written without an actor, each concerning a staff member of the program,
    of the other program, or of none."""
    from casework.core.models import AuditAction, AuditOutcome
    from casework.core.roles import Role
    from casework.core.tokens import token_issue, token_revoke
    from casework.staff.services.accounts import staff_account_create

    def failed_sign_in(username: str) -> int:
        return audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            outcome=AuditOutcome.DENIED,
            object_type="session",
            username=username,
            client_address="10.1.2.3",
        ).pk

    with time_machine.travel(clock.now() - timedelta(hours=2), tick=False):
        events = {"failed_cm": failed_sign_in(world.cm.username.upper())}
        events["failed_unknown"] = failed_sign_in("no-such-user")
        events["failed_outsider"] = failed_sign_in(world.outsider_cm.username)
        token, _ = token_issue(user=world.cm, name="EHR bridge", issued_by="ops")
        events["token_issued"] = AuditEvent.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
        token_revoke(token_id=token.pk, revoked_by="ops")
        events["token_revoked"] = AuditEvent.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
        token_issue(user=world.outsider_cm, name="Other", issued_by="ops")
        events["token_outsider"] = AuditEvent.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
        staff_account_create(
            username="newcm",
            password="a-long-Passphrase-77",
            role=Role.CASE_MANAGER,
            program=world.program,
            team=world.team,
        )
        events["createstaff"] = AuditEvent.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
        staff_account_create(
            username="othercm",
            password="a-long-Passphrase-78",
            role=Role.CASE_MANAGER,
            program=world.outsider_program,
        )
        events["createstaff_outsider"] = AuditEvent.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
    return events


MAIN_ACTORLESS = ["createstaff", "token_revoked", "token_issued", "failed_unknown", "failed_cm"]


def test_events_without_an_actor_are_in_their_programs_report(
    world: World, actorless: dict[str, int]
) -> None:
    response = token_client(world.compliance).get(URL, before_now())
    assert response.status_code == 200
    assert ids(response) == [actorless[k] for k in MAIN_ACTORLESS]


def test_events_without_an_actor_are_in_the_other_programs_report_by_their_subject(
    world: World, actorless: dict[str, int]
) -> None:
    from casework.core.roles import Role

    other = factories.user(Role.COMPLIANCE_OFFICER, world.outsider_program)
    response = token_client(other).get(URL, before_now())
    assert ids(response) == [
        actorless[k]
        for k in ("createstaff_outsider", "token_outsider", "failed_outsider", "failed_unknown")
    ]


def test_events_without_an_actor_can_be_filtered_by_the_name_they_record(
    world: World, actorless: dict[str, int]
) -> None:
    response = token_client(world.compliance).get(URL, before_now(username="ops"))
    assert ids(response) == [actorless["token_revoked"], actorless["token_issued"]]
    response = token_client(world.compliance).get(URL, before_now(action="login_failed"))
    assert ids(response) == [actorless["failed_unknown"], actorless["failed_cm"]]


def test_the_csv_export_lists_events_without_an_actor(
    world: World, actorless: dict[str, int]
) -> None:
    response = token_client(world.compliance).get(URL + "/export", before_now())
    rows = _csv(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert [int(row["id"]) for row in rows] == [actorless[k] for k in MAIN_ACTORLESS]
    failed = next(row for row in rows if int(row["id"]) == actorless["failed_cm"])
    assert (failed["actor_id"], failed["actor_username"], failed["action"]) == (
        "",
        world.cm.username.upper(),
        "login_failed",
    )
    assert (failed["outcome"], failed["client_address"]) == ("denied", "10.1.2.3")


def test_the_page_lists_events_without_an_actor(world: World, actorless: dict[str, int]) -> None:
    client = signed_in(world.compliance)
    response = client.get(reverse("audit_report"), {"action": "privilege"})
    html = response.content.decode()
    assert "<strong>3</strong> events match" in html
    assert "ops" in html and "console" in html
