"""API plumbing: session auth with CSRF (S35), purpose of use, limits (S37), /me."""

import json

from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, override_settings

from casework.coordination.models import Note
from casework.core.models import AuditAction, AuditEvent, AuditOutcome
from casework.core.tokens import token_issue
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World

NOTE = {"kind": "progress", "text": "Doing well."}


def post_json(client: Client, path: str, body: object, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(path, json.dumps(body), content_type="application/json", **extra)


def csrf_client(world: World) -> tuple[Client, str]:
    """A signed-in browser session holding a CSRF cookie; returns the token to send."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.cm)
    secret = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return client, secret


def test_session_post_without_csrf_token_is_403_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    client, _ = csrf_client(world)
    before, since = snapshot(), last_event_id()

    response = post_json(client, f"/api/v1/cases/{case.pk}/notes", NOTE)

    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check failed"}
    assert snapshot() == before
    assert events_since(since) == []


def test_session_post_with_a_wrong_csrf_token_is_403(world: World) -> None:
    case = factories.active_case(world.cm)
    client, _ = csrf_client(world)

    response = post_json(
        client, f"/api/v1/cases/{case.pk}/notes", NOTE, HTTP_X_CSRFTOKEN=_get_new_csrf_string()
    )

    assert response.status_code == 403
    assert Note.objects.count() == 0


def test_session_patch_without_csrf_token_is_403(world: World) -> None:
    case = factories.referred_case(world.cm)
    client, _ = csrf_client(world)

    response = client.patch(
        f"/api/v1/consumers/{case.consumer_id}",
        json.dumps({"version": 1, "phone": "555"}),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert factories.consumer_of(case).phone == ""


def test_session_post_with_the_csrf_token_succeeds(world: World) -> None:
    case = factories.active_case(world.cm)
    client, token = csrf_client(world)

    response = post_json(client, f"/api/v1/cases/{case.pk}/notes", NOTE, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201
    assert Note.objects.get().text == "Doing well."


def test_session_get_needs_no_csrf_token(world: World) -> None:
    case = factories.referred_case(world.cm)
    client, _ = csrf_client(world)

    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200


def test_token_requests_need_no_csrf_token(world: World) -> None:
    case = factories.active_case(world.cm)
    _, raw = token_issue(user=world.cm, name="EHR")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = post_json(client, f"/api/v1/cases/{case.pk}/notes", NOTE)

    assert response.status_code == 201


def test_anonymous_unsafe_request_is_401_not_403(world: World) -> None:
    case = factories.active_case(world.cm)

    response = post_json(Client(enforce_csrf_checks=True), f"/api/v1/cases/{case.pk}/notes", NOTE)

    assert response.status_code == 401


def test_a_disabled_users_session_is_401(world: World) -> None:
    client = Client()
    client.force_login(world.cm)
    world.cm.is_active = False
    world.cm.save(update_fields=["is_active"])

    assert client.get("/api/v1/me").status_code == 401


def test_purpose_of_use_header_is_recorded(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = Client()
    client.force_login(world.cm)

    client.get(f"/api/v1/cases/{case.pk}", HTTP_X_PURPOSE_OF_USE="TREAT")

    event = AuditEvent.objects.order_by("-pk").first()
    assert event is not None
    assert (event.action, event.purpose_of_use, event.client_address) == (
        AuditAction.READ,
        "TREAT",
        "127.0.0.1",
    )


def test_an_unknown_purpose_of_use_is_refused_not_replaced(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = Client()
    client.force_login(world.cm)

    response = client.get(f"/api/v1/cases/{case.pk}", HTTP_X_PURPOSE_OF_USE="MARKETING")

    assert response.status_code == 403
    event = AuditEvent.objects.order_by("-pk").first()
    assert event is not None
    assert (event.outcome, event.object_type, event.purpose_of_use) == (
        "denied",
        "purpose_of_use",
        "CAREMGT",
    )


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_413_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    client = Client()
    client.force_login(world.cm)
    before, since = snapshot(), last_event_id()

    response = post_json(
        client, f"/api/v1/cases/{case.pk}/notes", {"kind": "progress", "text": "x" * 2000}
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large"}
    assert snapshot() == before
    assert events_since(since) == []


def test_page_size_is_capped_at_100(world: World) -> None:
    client = Client()
    client.force_login(world.cm)

    response = client.get("/api/v1/cases?limit=101")

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["query", "limit"],
                "msg": "Input should be less than or equal to 100",
                "type": "less_than_equal",
            }
        ]
    }


def test_a_negative_offset_is_422(world: World) -> None:
    client = Client()
    client.force_login(world.cm)

    response = client.get("/api/v1/cases?offset=-1")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "offset"]


def test_me_describes_the_user_and_their_permissions(world: World) -> None:
    client = Client()
    client.force_login(world.supervisor)

    response = client.get("/api/v1/me")

    assert response.json() == {
        "id": world.supervisor.pk,
        "username": world.supervisor.username,
        "name": world.supervisor.get_full_name(),
        "role": "supervisor",
        "program_id": world.program.pk,
        "team_id": world.team.pk,
        "permissions": {
            "consumer.read": "team",
            "case.intake": "team",
            "case.manage": "team",
            "record.note": "team",
            "care.plan": "team",
            "case.reassign": "team",
            "staff.read": "team",
            "caseload.set": "team",
            "dashboard.read": "team",
            "complaint.manage": "team",
            "protection.report": "team",
            "protection.read": "restricted",
            "disclosure.record": "team",
            "um.report": "program",
            "adt.manage": "program",
        },
    }


def test_denied_403_names_the_role_gap_and_is_audited(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = Client()
    client.force_login(world.quality)

    response = post_json(client, f"/api/v1/cases/{case.pk}/withdraw", {"version": 1, "reason": "x"})

    assert response.status_code == 403
    event = AuditEvent.objects.order_by("-pk").first()
    assert event is not None
    assert (event.outcome, event.object_type, event.object_id, event.detail) == (
        AuditOutcome.DENIED,
        "case",
        str(case.pk),
        {"reason": "role lacks case.manage"},
    )


@override_settings(CASEWORK_API_LIST_RATE=2)
def test_list_requests_over_the_per_user_rate_are_429(world: World) -> None:
    from django.core.cache import cache

    cache.clear()
    case = factories.referred_case(world.cm)
    client = Client()
    client.force_login(world.cm)
    other = Client()
    other.force_login(world.cm2)
    path = f"/api/v1/cases/{case.pk}/notices"
    try:
        assert [client.get(path).status_code for _ in range(2)] == [200, 200]
        since = last_event_id()

        refused = client.get(path)

        assert refused.status_code == 429
        assert refused.json() == {"detail": "Too many requests."}
        assert 1 <= int(refused["Retry-After"]) <= 60
        assert events_since(since) == []
        assert other.get("/api/v1/cases").status_code == 200
    finally:
        cache.clear()
