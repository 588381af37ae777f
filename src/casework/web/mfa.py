"""Multi-factor sign-in (S17, S18): a second step after Django's password sign-in.

Sign-in stays Django's `LoginView` with django-axes' lockout (ADR 0003). When it succeeds
the session is marked by `mfa_state_on_sign_in`:
  ok        the person has no authenticator and MFA is not required (development)
  verify    the person has an authenticator: give a TOTP code, a recovery code or
            their security key (WebAuthn)
  enrol     MFA is required (`CASEWORK_MFA_REQUIRED`, production) and the person has
            none: enrol an authenticator app (TOTP) or a security key now
Until the state is "ok", `MfaMiddleware` sends every page to the step (and the API's
session authentication answers 401); sign-out stays open. API tokens are for systems
and are not asked a second factor.

The authenticators are allauth.mfa's (`Authenticator`: TOTP with replay refusal,
recovery codes each used once, WebAuthn security keys and passkeys checked by fido2
against a challenge kept in the session and this site's origin); `MfaAdapter` encrypts
their secrets with AES-256-GCM under a key derived from SECRET_KEY, which never lives in
the database (S18). Each success and failure is one audit event (a failure is
`login_failed`); after CASEWORK_MFA_MAX_FAILURES failures in one session the session ends.
"""

import base64
import hashlib
import os
from collections.abc import Callable
from typing import Any

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from allauth.mfa.webauthn.internal import auth as webauthn
from allauth.mfa.webauthn.internal.auth import WebAuthn
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from casework.core.actor import actor_for, client_address
from casework.core.audit import audit_record
from casework.core.models import AuditAction, AuditOutcome
from casework.staff.models import User

SESSION_KEY = "casework_mfa"
FAILURES_KEY = "casework_mfa_failures"
PENDING_SECRET_KEY = "casework_mfa_pending_secret"  # noqa: S105 (a session key name)
OK, VERIFY, ENROL = "ok", "verify", "enrol"
OPEN_URL_NAMES = frozenset(
    {"mfa_verify", "mfa_enrol", "mfa_security_key", "mfa_security_key_verify", "logout", "login"}
)
FIRST_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class MfaAdapter(DefaultMFAAdapter):
    """allauth.mfa's adapter with the secrets encrypted at rest (S18)."""

    def _key(self) -> bytes:
        return hashlib.sha256(b"casework-mfa:" + settings.SECRET_KEY.encode()).digest()

    def encrypt(self, text: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self._key()).encrypt(nonce, text.encode(), b"casework-mfa")
        return "v1:" + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        raw = base64.b64decode(encrypted_text.removeprefix("v1:"))
        return AESGCM(self._key()).decrypt(raw[:12], raw[12:], b"casework-mfa").decode()


def mfa_enrolled(*, user: User) -> bool:
    """Whether the person has an authenticator app or a security key."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=FIRST_FACTORS).exists()


def security_key_count(*, user: User) -> int:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.WEBAUTHN).count()


def state_for(user: User) -> str:
    if mfa_enrolled(user=user):
        return VERIFY
    return ENROL if getattr(settings, "CASEWORK_MFA_REQUIRED", False) else OK


@receiver(user_logged_in)
def mfa_state_on_sign_in(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    """Mark a new session with the step its person must take (one query, at sign-in)."""
    if request is None or not isinstance(user, User) or not hasattr(request, "session"):
        return
    request.session[SESSION_KEY] = state_for(user)
    request.session.pop(FAILURES_KEY, None)


def session_state(request: HttpRequest) -> str:
    """The session's MFA state; a session from before MFA existed is asked afresh."""
    state = request.session.get(SESSION_KEY)
    if state is None:
        user = request.user
        state = state_for(user) if isinstance(user, User) else OK
        request.session[SESSION_KEY] = state
    return str(state)


def second_factor_pending(request: HttpRequest) -> bool:
    """Whether a signed-in session still owes its second factor."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    return session_state(request) != OK


class MfaMiddleware:
    """Hold a session that owes its second factor at the MFA step (S17)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith(("/api/", "/static/")):
            return None  # the API's session authentication refuses it (web.api.SessionAuth)
        if not second_factor_pending(request):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES:
            return None
        step = "mfa_enrol" if session_state(request) == ENROL else "mfa_verify"
        return HttpResponseRedirect(reverse(step))


def _audit(request: HttpRequest, user: User, *, ok: bool, kind: str) -> None:
    audit_record(
        actor=actor_for(user, address=client_address(request)),
        action=AuditAction.LOGIN if ok else AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.SUCCESS if ok else AuditOutcome.DENIED,
        object_type="mfa",
        object_id=user.pk,
        detail={"factor": kind},
    )


def mfa_verify_code(request: HttpRequest, user: User, code: str) -> str | None:
    """Check a TOTP code (each used once) or a recovery code (each used once): the kind
    that matched, or None. One audit event either way; too many failures end the
    session (the caller signs out)."""
    code = "".join(code.split())
    kind: str | None = None
    with transaction.atomic():
        totp = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
        if totp is not None and code and TOTP(totp).validate_code(code):
            kind = "totp"
        else:
            codes = Authenticator.objects.filter(
                user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
            ).first()
            if codes is not None and code and RecoveryCodes(codes).validate_code(code):
                kind = "recovery_code"
        _audit(request, user, ok=kind is not None, kind=kind or "unknown")
    if kind is None:
        request.session[FAILURES_KEY] = int(request.session.get(FAILURES_KEY, 0)) + 1
    else:
        request.session[SESSION_KEY] = OK
        request.session.pop(FAILURES_KEY, None)
    return kind


def too_many_failures(request: HttpRequest) -> bool:
    limit = int(getattr(settings, "CASEWORK_MFA_MAX_FAILURES", 5))
    return int(request.session.get(FAILURES_KEY, 0)) >= limit


def pending_secret(request: HttpRequest) -> str:
    """The TOTP secret being enrolled (kept in the session until confirmed)."""
    secret = request.session.get(PENDING_SECRET_KEY)
    if not secret:
        secret = request.session[PENDING_SECRET_KEY] = generate_totp_secret()
    return str(secret)


def mfa_enrol_totp(request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Enrol the pending TOTP secret if `code` is its current code: the recovery codes to
    show once, or None (nothing written). One audit event (a privilege change)."""
    secret = pending_secret(request)
    code = "".join(code.split())
    if not code or not validate_totp_code(secret, code):
        _audit(request, user, ok=False, kind="totp_enrolment")
        request.session[FAILURES_KEY] = int(request.session.get(FAILURES_KEY, 0)) + 1
        return None
    with transaction.atomic():
        Authenticator.objects.filter(user_id=user.pk).delete()
        totp = TOTP.activate(user, secret)
        totp._mark_code_used(code)
        codes = RecoveryCodes.activate(user)
        audit_record(
            actor=actor_for(user, address=client_address(request)),
            action=AuditAction.PRIVILEGE,
            object_type="mfa",
            object_id=user.pk,
            detail={"enrolled": "totp", "recovery_codes": len(codes.get_unused_codes())},
        )
    request.session.pop(PENDING_SECRET_KEY, None)
    request.session[SESSION_KEY] = OK
    request.session.pop(FAILURES_KEY, None)
    return codes.get_unused_codes()


def _count_failure(request: HttpRequest) -> None:
    request.session[FAILURES_KEY] = int(request.session.get(FAILURES_KEY, 0)) + 1


def security_key_creation_options(request: HttpRequest, user: User) -> dict[str, Any]:
    """Begin registering a security key or passkey: the options for the browser's
    `navigator.credentials.create` (the challenge is kept in the session)."""
    with context.request_context(request):
        return webauthn.begin_registration(user, False)


def mfa_enrol_security_key(
    request: HttpRequest, user: User, *, credential: Any, name: str
) -> list[str] | None:
    """Register the security key the browser created against the session's challenge:
    the new recovery codes to show once (an empty list when the person has them already),
    or None (nothing written; a failure is counted). One audit event either way (a
    privilege change on success)."""
    with context.request_context(request):
        try:
            if not isinstance(credential, dict):
                raise ValidationError("not a credential")
            webauthn.parse_registration_response(credential)
            webauthn.complete_registration(credential)
        except (
            ValidationError,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
        ):  # a malformed credential
            _audit(request, user, ok=False, kind="webauthn_enrolment")
            _count_failure(request)
            return None
        with transaction.atomic():
            WebAuthn.add(user, name[:100] or "Security key", credential)
            codes: list[str] = []
            if not Authenticator.objects.filter(
                user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
            ).exists():
                codes = RecoveryCodes.activate(user).get_unused_codes()
            audit_record(
                actor=actor_for(user, address=client_address(request)),
                action=AuditAction.PRIVILEGE,
                object_type="mfa",
                object_id=user.pk,
                detail={"enrolled": "webauthn", "recovery_codes": len(codes)},
            )
    request.session[SESSION_KEY] = OK
    request.session.pop(FAILURES_KEY, None)
    return codes


def security_key_request_options(request: HttpRequest, user: User) -> dict[str, Any] | None:
    """Begin signing in with one of the person's security keys: the options for
    `navigator.credentials.get`, or None when they have none."""
    if not security_key_count(user=user):
        return None
    with context.request_context(request):
        return webauthn.begin_authentication(user)


def mfa_verify_security_key(request: HttpRequest, user: User, credential: Any) -> bool:
    """Check the assertion of one of the person's security keys against the session's
    challenge. One audit event either way; failures count towards the session's limit."""
    with context.request_context(request):
        try:
            if not isinstance(credential, dict):
                raise ValidationError("not a credential")
            webauthn.parse_authentication_response(credential)
            authenticator = webauthn.complete_authentication(user, credential)
        except (
            ValidationError,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
        ):  # a malformed assertion
            authenticator = None
    with transaction.atomic():
        if authenticator is not None:
            authenticator.record_usage()
        _audit(request, user, ok=authenticator is not None, kind="webauthn")
    if authenticator is None:
        _count_failure(request)
        return False
    request.session[SESSION_KEY] = OK
    request.session.pop(FAILURES_KEY, None)
    return True
