"""Session expiry without losing work (issue 13, item 10).

**The warning.** A signed-in page carries the idle timeout (``SESSION_COOKIE_AGE``; under
production settings every request starts it again, ``SESSION_SAVE_EVERY_REQUEST``) and
``CASEWORK_SESSION_WARNING_SECONDS``; ``web/session.js`` (served from /static, no inline
script) shows a warning that long before the end with a "Stay signed in" button, which
posts to :func:`session_keep_alive` (HTMX) and so starts the idle clock again.

**A form submitted after expiry.** :class:`ResumeFormMiddleware` sees a POST from a browser
whose session cookie names a session that has expired (not one that was signed out: that
row is gone). After the CSRF check it keeps the form's fields, sealed (AES-GCM, a key
derived from SECRET_KEY, bound to the person who was signed in, the page and the time) in
the new anonymous session, server-side: never in a cookie or the URL. It sends the browser
to sign in and back to the page. When the same person opens that page within
``CASEWORK_FORM_RESUME_SECONDS``, the fields are put back into the form (``session.js``)
to be checked and submitted again; anyone else, or later, and the record is dropped.
Nothing was saved by the expired submission.
"""

import base64
import hashlib
import json
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.core import clock
from casework.core.selectors import expired_session_user_id

RESUME_SESSION_KEY = "casework_resume_form"
# Never kept: the CSRF token (a new one comes with the page) and files (not stashed).
SKIPPED_FIELDS = frozenset({"csrfmiddlewaretoken"})
# Pages whose POST needs no session: sign-in and its steps, sign-out, the language.
OPEN_URL_NAMES = frozenset(
    {"login", "logout", "set_language", "mfa_verify", "mfa_enrol", "session_keep_alive"}
)
OPEN_PATH_PREFIXES = ("/api/", "/admin/", "/static/", "/media/")
_AAD = b"casework-resume-form"


def _key() -> bytes:
    return hashlib.sha256(b"casework.resume-form:" + settings.SECRET_KEY.encode()).digest()


def seal(record: dict[str, Any]) -> str:
    """The record encrypted and authenticated (AES-GCM), as text for the session."""
    nonce = os.urandom(12)
    raw = AESGCM(_key()).encrypt(nonce, json.dumps(record).encode(), _AAD)
    return base64.b64encode(nonce + raw).decode()


def unseal(text: str) -> dict[str, Any] | None:
    """The record, or None when it was tampered with or cannot be read."""
    try:
        raw = base64.b64decode(text)
        plain = AESGCM(_key()).decrypt(raw[:12], raw[12:], _AAD)
        record = json.loads(plain)
    except (ValueError, TypeError, InvalidTag):
        return None
    return record if isinstance(record, dict) else None


def idle_seconds() -> int:
    return int(settings.SESSION_COOKIE_AGE)


def warning_seconds() -> int:
    return min(int(settings.CASEWORK_SESSION_WARNING_SECONDS), idle_seconds())


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name or ""
    except Resolver404:
        return None


def _page_path(request: HttpRequest) -> str:
    """The page the person was on: the request's own path, or for an HTMX request the
    page it was made from (the fields are typed there)."""
    current = request.headers.get("HX-Current-URL", "")
    if request.headers.get("HX-Request") == "true" and current:
        parts = urlsplit(current)
        if parts.netloc in ("", request.get_host()) and parts.path.startswith("/"):
            return parts.path
    return request.path


class ResumeFormMiddleware:
    """Keeps a form posted into an expired session and puts it back after sign-in.
    After AuthenticationMiddleware and CsrfViewMiddleware (its work is in process_view,
    which runs after the CSRF check)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        if request.path.startswith(OPEN_PATH_PREFIXES):
            return None
        user = getattr(request, "user", None)
        if user is None:
            return None
        if user.is_authenticated:
            if request.method == "GET" and RESUME_SESSION_KEY in request.session:
                _restore(request, str(user.pk))
            return None
        if request.method != "POST":
            return None
        return _stash(request)


def _stash(request: HttpRequest) -> HttpResponse | None:
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    name = _url_name(request.path)
    if not session_key or name is None or name in OPEN_URL_NAMES:
        return None
    user_id = expired_session_user_id(session_key=session_key)
    if user_id is None:
        return None
    page = _page_path(request)
    fields = {k: v for k, v in request.POST.lists() if k not in SKIPPED_FIELDS}
    request.session[RESUME_SESSION_KEY] = seal(
        {"user": user_id, "path": page, "fields": fields, "at": clock.now().timestamp()}
    )
    messages.info(
        request,
        _(
            "Your session ended before the form was sent, and nothing was saved. Sign in "
            "again: you will be taken back to the form with what you typed."
        ),
    )
    response = redirect_to_login(page)
    if request.headers.get("HX-Request") == "true":
        redirect = HttpResponse(status=204)
        redirect["HX-Redirect"] = response["Location"]
        return redirect
    return response


def _restore(request: HttpRequest, user_id: str) -> None:
    record = unseal(str(request.session.get(RESUME_SESSION_KEY, "")))
    fresh = (
        record is not None
        and clock.now().timestamp() - float(record.get("at", 0))
        <= settings.CASEWORK_FORM_RESUME_SECONDS
    )
    if record is None or not fresh or record.get("user") != user_id:
        del request.session[RESUME_SESSION_KEY]  # someone else, or too late: dropped
        return
    if record.get("path") != request.path:
        return  # kept until the page is opened (after the second factor, the statement)
    del request.session[RESUME_SESSION_KEY]
    request.resumed_form = record.get("fields", {})  # type: ignore[attr-defined]


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": saving the session starts the idle clock again. Reads nothing
    of anyone's records, so it is not audited; a session that has ended gets 401."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session.modified = True
    return JsonResponse({"signed_in": True, "idle_seconds": idle_seconds()})
