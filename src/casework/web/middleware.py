"""The confidentiality gate on pages (MA 7.3(e), S41): a signed-in person without a
signed current confidentiality statement is sent to sign it before any page that shows
consumer records. The API is gated in `casework.web.api.require` and every
`access_*` load refuses too, so a page that slips past this list still refuses.

The same middleware refuses (403, audited) a page asked with a purpose of use the role
may not state (`X-Purpose-Of-Use`, N2); the API refuses it in its own error handler."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.core.actor import actor_from_request, client_address
from casework.core.errors import AttestationRequired, PurposeRefused
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
