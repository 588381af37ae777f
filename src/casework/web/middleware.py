"""The confidentiality gate on pages (MA 7.3(e), S41): a signed-in person without a
signed current confidentiality statement is sent to sign it before any page that shows
consumer records. The API is gated in `casework.web.api.require` and every
`access_*` load refuses too, so a page that slips past this list still refuses."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.core.actor import actor_from_request
from casework.core.errors import AttestationRequired
from casework.staff.models import User

# Deny by default. Open: sign-in, sign-out and home (a redirect), the staff pages (where
# people sign), the admin and the API (gated per route).
OPEN_URL_NAMES = frozenset({"home", "login", "logout"})
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
