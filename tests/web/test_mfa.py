"""Multi-factor sign-in (S17, S18): a session signed in with a password only reaches
nothing but the second step; TOTP codes and recovery codes are each taken once; the
secrets are encrypted at rest; every success and failure is audited."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from casework.core.models import AuditAction, AuditEvent, AuditOutcome
from casework.staff.models import User
from casework.web import mfa
from tests import factories
from tests.api_helpers import events_since, last_event_id, token_client
from tests.conftest import World

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _code(secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _enrolled(user: User) -> list[str]:
    TOTP.activate(user, SECRET)
    return RecoveryCodes.activate(user).get_unused_codes()


def _mfa_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since, object_type="mfa").order_by("pk"))


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def required(settings: object) -> None:
    settings.CASEWORK_MFA_REQUIRED = True  # type: ignore[attr-defined]


def test_without_mfa_in_development_a_password_session_reaches_pages(world: World) -> None:
    response = _signed_in(world.cm).get(reverse("worklist"))

    assert response.status_code == 200


@pytest.mark.usefixtures("required")
def test_when_required_a_password_session_is_held_at_enrolment(world: World) -> None:
    case = factories.active_case(world.cm)
    client = _signed_in(world.cm)
    since = last_event_id()

    page = client.get(reverse("case_detail", args=[case.pk]))
    api = client.get(f"/api/v1/cases/{case.pk}")

    assert (page.status_code, page["Location"]) == (302, reverse("mfa_enrol"))
    assert api.status_code == 401
    assert events_since(since) == []


@pytest.mark.usefixtures("required")
def test_enrolment_with_a_computed_code_shows_recovery_codes_once(world: World) -> None:
    client = _signed_in(world.cm)
    secret = client.get(reverse("mfa_enrol")).context["secret"]
    since = last_event_id()

    response = client.post(reverse("mfa_enrol"), {"code": _code(secret)})

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert sorted(Authenticator.objects.filter(user=world.cm).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    assert [(e.action, e.object_type, e.detail) for e in events_since(since)] == [
        (AuditAction.PRIVILEGE, "mfa", {"enrolled": "totp", "recovery_codes": 10})
    ]
    assert client.get(reverse("worklist")).status_code == 200


@pytest.mark.usefixtures("required")
def test_a_wrong_enrolment_code_enrols_nothing(world: World) -> None:
    client = _signed_in(world.cm)
    client.get(reverse("mfa_enrol"))

    response = client.post(reverse("mfa_enrol"), {"code": "000000"})

    assert response.context["form"].errors == {
        "code": ["That code does not match the key; try the current one."]
    }
    assert not Authenticator.objects.filter(user=world.cm).exists()


def test_an_enrolled_person_gives_a_totp_code_after_the_password(world: World) -> None:
    _enrolled(world.cm)
    client = _signed_in(world.cm)
    held = client.get(reverse("worklist"))
    since = last_event_id()

    response = client.post(reverse("mfa_verify"), {"code": _code()})

    assert (held.status_code, held["Location"]) == (302, reverse("mfa_verify"))
    assert response.status_code == 302
    assert client.get(reverse("worklist")).status_code == 200
    assert [(e.action, e.outcome, e.detail) for e in _mfa_events(since)] == [
        (AuditAction.LOGIN, AuditOutcome.SUCCESS, {"factor": "totp"})
    ]


def test_a_totp_code_is_not_taken_twice(world: World) -> None:
    _enrolled(world.cm)
    code = _code()
    _signed_in(world.cm).post(reverse("mfa_verify"), {"code": code})
    client = _signed_in(world.cm)
    since = last_event_id()

    response = client.post(reverse("mfa_verify"), {"code": code})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["That code is not valid, or it has been used already."]
    }
    assert client.get(reverse("worklist")).status_code == 302
    assert [(e.action, e.outcome, e.detail) for e in _mfa_events(since)] == [
        (AuditAction.LOGIN_FAILED, AuditOutcome.DENIED, {"factor": "unknown"})
    ]


def test_a_recovery_code_signs_in_once(world: World) -> None:
    codes = _enrolled(world.cm)
    first = _signed_in(world.cm).post(reverse("mfa_verify"), {"code": codes[0]})

    again = _signed_in(world.cm).post(reverse("mfa_verify"), {"code": codes[0]})

    assert first.status_code == 302
    assert again.status_code == 200
    assert (
        len(RecoveryCodes(Authenticator.objects.get(type="recovery_codes")).get_unused_codes()) == 9
    )


def test_too_many_wrong_codes_end_the_session(world: World, settings: object) -> None:
    settings.CASEWORK_MFA_MAX_FAILURES = 2  # type: ignore[attr-defined]
    _enrolled(world.cm)
    client = _signed_in(world.cm)
    client.post(reverse("mfa_verify"), {"code": "111111"})

    response = client.post(reverse("mfa_verify"), {"code": "222222"})

    assert response.status_code == 403
    assert client.get(reverse("worklist"))["Location"].startswith(reverse("login"))


def test_the_secrets_are_encrypted_at_rest(world: World) -> None:
    _enrolled(world.cm)

    dumped = repr(list(Authenticator.objects.values("type", "data")))

    assert SECRET not in dumped
    assert "v1:" in dumped
    totp = Authenticator.objects.get(type="totp")
    assert mfa.MfaAdapter().decrypt(totp.data["secret"]) == SECRET


@pytest.mark.usefixtures("required")
def test_api_tokens_stay_for_systems(world: World) -> None:
    _enrolled(world.cm)

    response = token_client(world.cm).get("/api/v1/me")

    assert response.status_code == 200


def test_production_settings_require_mfa_of_every_staff_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import secrets
    import sys

    from tests.test_deploy import STRONG_AUDIT_KEY

    monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("CASEWORK_AUDIT_KEY", STRONG_AUDIT_KEY)
    monkeypatch.setenv("CASEWORK_AUDIT_CHECKPOINT_FILE", "/var/log/casework/audit.log")
    sys.modules.pop("casework.settings.production", None)
    production = importlib.import_module("casework.settings.production")
    sys.modules.pop("casework.settings.production", None)

    assert production.CASEWORK_MFA_REQUIRED is True
    assert "casework.web.mfa.MfaMiddleware" in production.MIDDLEWARE


# --- security keys and passkeys (WebAuthn) ----------------------------------------------
# Enrolling a key and signing in with it run in Chromium's virtual authenticator
# (tests/e2e/test_mfa_journey.py); here, what is refused.


def test_a_security_key_counts_as_an_enrolled_second_factor(world: World) -> None:
    Authenticator.objects.create(user=world.cm, type=Authenticator.Type.WEBAUTHN, data={})

    assert mfa.state_for(world.cm) == mfa.VERIFY


@pytest.mark.usefixtures("required")
def test_the_security_key_page_offers_the_creation_options(world: World) -> None:
    client = _signed_in(world.cm)

    response = client.get(reverse("mfa_security_key"))

    options = response.context["creation_options"]["publicKey"]
    assert (options["rp"]["id"], options["user"]["name"]) == ("testserver", world.cm.username)
    assert client.session["mfa.webauthn.state"]["challenge"] == options["challenge"]


@pytest.mark.usefixtures("required")
def test_a_forged_security_key_is_not_registered(world: World) -> None:
    client = _signed_in(world.cm)
    client.get(reverse("mfa_security_key"))
    since = last_event_id()

    response = client.post(
        reverse("mfa_security_key"),
        {"name": "Mine", "credential": '{"id": "x", "type": "public-key", "response": {}}'},
    )

    assert response.status_code == 200
    assert response.context["key_error"] == "That security key could not be registered; try again."
    assert not Authenticator.objects.filter(user=world.cm).exists()
    assert [(e.action, e.outcome, e.detail) for e in _mfa_events(since)] == [
        (AuditAction.LOGIN_FAILED, AuditOutcome.DENIED, {"factor": "webauthn_enrolment"})
    ]
    assert client.get(reverse("worklist"))["Location"] == reverse("mfa_enrol")


@pytest.mark.usefixtures("required")
def test_a_security_key_post_without_a_credential_changes_nothing(world: World) -> None:
    client = _signed_in(world.cm)
    since = last_event_id()

    response = client.post(reverse("mfa_security_key"), {"name": "Mine"})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=world.cm).exists()
    assert events_since(since) == []


def test_a_forged_security_key_assertion_does_not_sign_in(world: World) -> None:
    _enrolled(world.cm)
    client = _signed_in(world.cm)
    since = last_event_id()

    response = client.post(
        reverse("mfa_security_key_verify"),
        {"credential": '{"id": "x", "type": "public-key", "response": {}}'},
    )

    assert response.status_code == 200
    assert response.context["key_error"] == "That security key was not accepted; try again."
    assert client.get(reverse("worklist"))["Location"] == reverse("mfa_verify")
    assert [(e.action, e.outcome, e.detail) for e in _mfa_events(since)] == [
        (AuditAction.LOGIN_FAILED, AuditOutcome.DENIED, {"factor": "webauthn"})
    ]


def test_the_security_key_step_is_refused_to_a_session_that_owes_none(world: World) -> None:
    client = _signed_in(world.cm)
    since = last_event_id()

    response = client.post(reverse("mfa_security_key_verify"), {"credential": "{}"})

    assert (response.status_code, response["Location"]) == (302, reverse("mfa_verify"))
    assert events_since(since) == []
