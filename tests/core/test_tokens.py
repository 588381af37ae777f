"""API tokens: hashed at rest, revocable, optional expiry, fail closed (S7, S12)."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from casework.core import clock
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import ApiToken, AuditAction, AuditEvent
from casework.core.tokens import token_issue, token_revoke, token_verify
from tests.conftest import World


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_raw_token_is_not_stored_only_its_sha256(world: World) -> None:
    token, raw = token_issue(user=world.cm, name="EHR bridge")

    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert row["prefix"] == raw[:11]
    assert not any(isinstance(v, str) and raw in v for v in row.values())


def test_a_token_is_cw_and_256_random_bits(world: World) -> None:
    _, raw = token_issue(user=world.cm, name="EHR bridge")
    _, other = token_issue(user=world.cm, name="EHR bridge")

    assert raw.startswith("cw_")
    assert len(raw) == 46
    assert raw != other


def test_a_valid_token_authenticates_as_its_user(world: World) -> None:
    _, raw = token_issue(user=world.cm, name="EHR bridge")

    response = bearer(raw).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == world.cm.username


def test_use_records_last_used_at(world: World) -> None:
    token, raw = token_issue(user=world.cm, name="EHR bridge")

    bearer(raw).get("/api/v1/me")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_401(world: World) -> None:
    token, raw = token_issue(user=world.cm, name="EHR bridge")
    assert bearer(raw).get("/api/v1/me").status_code == 200

    token_revoke(token_id=token.pk, revoked_by="console:test")

    response = bearer(raw).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_an_expired_token_is_401(world: World) -> None:
    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        _, raw = token_issue(
            user=world.cm, name="EHR bridge", expires_at=clock.now() + timedelta(hours=1)
        )
        assert bearer(raw).get("/api/v1/me").status_code == 200
    with time_machine.travel("2026-03-01 13:00:00+00:00", tick=False):
        assert bearer(raw).get("/api/v1/me").status_code == 401


def test_a_disabled_users_token_is_401(world: World) -> None:
    _, raw = token_issue(user=world.cm, name="EHR bridge")
    world.cm.is_active = False
    world.cm.save(update_fields=["is_active"])

    assert bearer(raw).get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ",
        "Bearer cw_",
        "Bearer cw_" + "A" * 43,
        "Bearer " + "A" * 46,
        "Bearer cw_" + "A" * 44,
        "Bearer null",
    ],
)
def test_malformed_or_unknown_tokens_are_401(world: World, header: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/me")

    assert response.status_code == 401


def test_a_bad_bearer_token_does_not_fall_back_to_the_session(world: World) -> None:
    client = Client(HTTP_AUTHORIZATION="Bearer cw_" + "A" * 43)
    client.force_login(world.cm)

    assert client.get("/api/v1/me").status_code == 401


def test_verify_returns_the_user_for_a_good_token_and_none_otherwise(world: World) -> None:
    _, raw = token_issue(user=world.cm, name="EHR bridge")

    assert token_verify(raw) == world.cm
    assert token_verify(raw[:-1] + ("B" if raw[-1] != "B" else "C")) is None


def test_issue_and_revoke_are_audited_without_the_token(world: World) -> None:
    token, raw = token_issue(user=world.cm, name="EHR bridge", issued_by="console:ops")
    token_revoke(token_id=token.pk, revoked_by="console:ops")

    events = list(AuditEvent.objects.filter(object_type="api_token").order_by("pk"))
    assert [(e.action, e.object_id, e.actor_username, e.detail["event"]) for e in events] == [
        (AuditAction.PRIVILEGE, str(token.pk), "console:ops", "token_issued"),
        (AuditAction.PRIVILEGE, str(token.pk), "console:ops", "token_revoked"),
    ]
    assert all(raw not in str(e.detail) for e in events)


def test_revoking_twice_is_refused(world: World) -> None:
    token, _ = token_issue(user=world.cm, name="EHR bridge")
    token_revoke(token_id=token.pk)

    with pytest.raises(RuleViolation):
        token_revoke(token_id=token.pk)


def test_an_expiry_in_the_past_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        token_issue(user=world.cm, name="x", expires_at=clock.now() - timedelta(seconds=1))

    assert refused.value.errors == {"expires_at": ["the expiry must be in the future"]}
    assert ApiToken.objects.count() == 0


def test_a_disabled_user_gets_no_token(world: World) -> None:
    world.cm.is_active = False
    world.cm.save(update_fields=["is_active"])

    with pytest.raises(RuleViolation):
        token_issue(user=world.cm, name="x")
    assert ApiToken.objects.count() == 0


def test_the_command_prints_the_token_once_and_it_works(world: World) -> None:
    out, err = StringIO(), StringIO()

    call_command("apitoken", "create", world.cm.username, "--name", "EHR", stdout=out, stderr=err)

    raw = out.getvalue().strip()
    assert token_verify(raw) == world.cm
    assert raw not in err.getvalue()
    token = ApiToken.objects.get()
    assert (token.name, token.expires_at) == ("EHR", None)


def test_the_command_sets_an_expiry_in_days(world: World) -> None:
    with time_machine.travel("2026-03-01 12:00:00+00:00", tick=False):
        call_command(
            "apitoken",
            "create",
            world.cm.username,
            "--name",
            "EHR",
            "--expires-days",
            "30",
            stdout=StringIO(),
            stderr=StringIO(),
        )
        assert ApiToken.objects.get().expires_at == clock.now() + timedelta(days=30)


def test_the_command_lists_prefixes_never_tokens(world: World) -> None:
    token, raw = token_issue(user=world.cm, name="EHR bridge")
    out = StringIO()

    call_command("apitoken", "list", stdout=out)

    listing = out.getvalue()
    assert listing.startswith(f"{token.pk}\t{raw[:11]}…\t{world.cm.username}\tEHR bridge\tactive")
    assert raw not in listing


def test_the_command_revokes(world: World) -> None:
    token, raw = token_issue(user=world.cm, name="EHR bridge")

    call_command("apitoken", "revoke", str(token.pk), stdout=StringIO())

    assert token_verify(raw) is None
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_command_refuses_an_unknown_user(world: World) -> None:
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("apitoken", "create", "nobody", "--name", "x", stdout=StringIO())
    assert ApiToken.objects.count() == 0
