"""The confidentiality gate on pages (MA 7.3(e), S41): a signed-in person without a
signed current confidentiality statement is sent to sign it before any page that shows
consumer records. The API is gated in `casework.web.api.require` and every
`access_*` load refuses too, so a page that slips past this list still refuses.

The same middleware refuses (403, audited) a page asked with a purpose of use the role
may not state (`X-Purpose-Of-Use`, N2); the API refuses it in its own error handler."""

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.core.actor import actor_from_request, client_address
from casework.core.errors import AttestationRequired, PurposeRefused
from casework.staff.models import User

# Deny by default. Open: sign-in, sign-out and home (a redirect), the staff pages (where
# people sign), the admin and the API (gated per route).
OPEN_URL_NAMES = frozenset(
    {"home", "login", "logout", "mfa_verify", "mfa_enrol", "session_keep_alive"}
)
OPEN_VIEW_MODULES = ("casework.staff.views", "django.", "ninja.")
OPEN_PATH_PREFIXES = ("/api/", "/admin/", "/static/", "/media/")


class ConfidentialityGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        if not request.path.startswith("/api/"):  # the API answers its own refusal
            refused = _purpose_refused(request, user)
            if refused is not None:
                return refused
        if request.path.startswith(OPEN_PATH_PREFIXES):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES:
            return None
        module = getattr(view_func, "__module__", "") or ""
        if module.startswith(OPEN_VIEW_MODULES):
            return None
        from casework.web.access import confidentiality_gate

        try:
            confidentiality_gate(actor_from_request(request), "read", "page", request.path[:64])
        except AttestationRequired:
            return HttpResponseRedirect(reverse("staff_attest") + "?next=" + request.path)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AttestationRequired):
            return HttpResponseRedirect(reverse("staff_attest"))
        return None


def _purpose_refused(request: HttpRequest, user: User) -> HttpResponse | None:
    """A page asked with a purpose of use the role may not state (N2): 403 and one
    denied event, before any view runs."""
    from casework.web.access import purpose_refused_audit

    try:
        actor_from_request(request)
    except PurposeRefused as refused:
        purpose_refused_audit(user, client_address(request), refused)
        return HttpResponseForbidden(
            _("Purpose of use refused: %(reason)s") % {"reason": refused.reason},
            content_type="text/plain; charset=utf-8",
        )
    return None


class RequestSizeLimitMiddleware:
    """Refuse a request body over `CASEWORK_MAX_REQUEST_BYTES` with 413 before anything
    reads it (S37). The server (`casework serve`) has the same limit and also cuts off
    chunked bodies; this is the same check under any other WSGI server. A body sent
    chunked reaches Django only with its Content-Length (waitress buffers it, up to the
    limit) or not at all (Django reads no body without one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(getattr(settings, "CASEWORK_MAX_REQUEST_BYTES", 6 * 1024 * 1024))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return body_too_large(request)
        return self.get_response(request)


def body_too_large(request: HttpRequest) -> HttpResponse:
    """413, as JSON under /api/ and as text elsewhere (the body is left unread)."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": "request body too large"}, status=413)
    else:
        response = HttpResponse(
            _("The request is too large."), status=413, content_type="text/plain; charset=utf-8"
        )
    return response


API_PREFIX = "/api/"
JSON_MEDIA_TYPE = "application/json"


def _json_error(status: int, detail: object, **headers: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _nul_in_query(request: HttpRequest) -> str | None:
    """The first query parameter whose name or value holds a NUL character."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "")
    return None


class InputContractMiddleware:
    """What every request must be before a view sees it, and what every API error is.

    - A NUL character in the path or a query parameter is refused: 422 naming the
      parameter under /api/, 400 on pages (PostgreSQL refuses NUL in text; request
      bodies are checked per field by the API schemas and the forms).
    - An API request with a body must send it as `application/json` (415 otherwise),
      except a file upload to one of `UPLOAD_PATHS`, sent as `multipart/form-data`.
    - Every API error is JSON (`{"detail": ...}`), including Django's own 404, 405 and
      500 pages for paths under /api/."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith(API_PREFIX)
        if "\x00" in request.path:
            return _json_error(404, "Not Found") if api else HttpResponse(status=404)
        bad = _nul_in_query(request)
        if bad is not None:
            if api:
                detail = [{"loc": ["query", bad], "msg": NUL_REFUSED, "type": "value_error"}]
                return _json_error(422, detail)
            return HttpResponse(
                _("The request holds a character that is not allowed."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        if (
            api
            and _has_body(request)
            and request.content_type != JSON_MEDIA_TYPE
            and not _upload(request)
        ):
            return _json_error(415, "send the request body as application/json")
        response = self.get_response(request)
        if api and response.status_code >= 400 and not _is_json(response):
            return _as_json(response)
        return response


NUL_REFUSED = "must not contain a NUL character"

# The API operations that take a file, as multipart/form-data (POST only).
UPLOAD_PATHS = (re.compile(r"/api/v1/stays/[0-9]+/documents"),)


def _upload(request: HttpRequest) -> bool:
    return (
        request.method == "POST"
        and request.content_type == "multipart/form-data"
        and any(path.fullmatch(request.path) for path in UPLOAD_PATHS)
    )


def _has_body(request: HttpRequest) -> bool:
    if request.META.get("HTTP_TRANSFER_ENCODING"):
        return True
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > 0
    except ValueError:
        return True


def _is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith(JSON_MEDIA_TYPE)


def _as_json(response: HttpResponse) -> HttpResponse:
    """Django's error page for an API path, as the API's JSON error (headers such as
    Allow and Retry-After are kept)."""
    replacement = _json_error(response.status_code, response.reason_phrase)
    for name in ("Allow", "Retry-After", "WWW-Authenticate"):
        if response.has_header(name):
            replacement[name] = response[name]
    return replacement
