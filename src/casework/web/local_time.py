"""Local time (issue 13, item 8): every time a person reads or types is in their program's
time zone (`Program.time_zone`, an IANA name); every time stored is UTC.

Django does the conversion once the zone is active (`django.utils.timezone.activate`):
templates' `{{ dt }}`, the `date`, `when` and `day` filters show local time, form
`DateTimeField`s read what is typed as local time (refusing a time that a daylight-saving
change skips or repeats), and `casework.core.clock.today()` is the local day. The zone is
looked up once, at sign-in, and kept in the session; `TimeZoneMiddleware` activates it for
each page request.

The API answers in UTC (ISO 8601 with its offset), but its day is the program's, as on a
page: once a request is authenticated (`casework.web.api`), `activate_api_zone` activates
the caller's program zone, so "today", "in the future" and a date's plausibility mean on
the API what they mean on the form. Stored and returned date-times stay UTC.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from casework.core.selectors import program_time_zone
from casework.staff.models import User

SESSION_KEY = "casework_time_zone"
# Requests the middleware leaves in UTC: the API activates its caller's zone itself, after
# authentication (`activate_api_zone`); static and media files have no day.
UTC_PATH_PREFIXES = ("/api/", "/static/", "/media/")


def zone_named(name: str) -> ZoneInfo | None:
    """The zone an IANA name names, or None for an unknown or empty name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def program_time_zone_name(program_id: int | None) -> str:
    """The program's IANA time zone name ('' without a program)."""
    return program_time_zone(program_id=program_id)


@receiver(user_logged_in, dispatch_uid="casework.web.local_time.sign_in")
def time_zone_on_sign_in(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    """Keep the person's program time zone in the new session (one query, at sign-in)."""
    if request is None or not isinstance(user, User) or not hasattr(request, "session"):
        return
    request.session[SESSION_KEY] = program_time_zone_name(user.program_id)


def _session_zone(request: HttpRequest) -> ZoneInfo | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    name = session.get(SESSION_KEY)
    if name is None:
        # A session from before sign-in kept the zone: look it up once and keep it.
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        name = program_time_zone_name(user.program_id)
        session[SESSION_KEY] = name
    return zone_named(str(name))


class TimeZoneMiddleware:
    """Activates the signed-in person's program time zone for the request (after
    AuthenticationMiddleware); UTC elsewhere and on the API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = None if request.path.startswith(UTC_PATH_PREFIXES) else _session_zone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            # The thread serves other requests (and, in tests, other code) next.
            timezone.deactivate()


def activate_api_zone(request: HttpRequest, user: User) -> None:
    """Activate, for the rest of an authenticated API request, the program zone of the
    user it authenticated: the one the token check loaded with the user, else the one the
    session keeps (no query either way). The middleware deactivates it after the response."""
    if user.loaded_time_zone is not None:
        zone = zone_named(user.loaded_time_zone)
    else:
        zone = _session_zone(request)
    if zone is not None:
        timezone.activate(zone)


@contextmanager
def program_time(program_id: int | None) -> Iterator[None]:
    """Run a block (a document rendered outside a request, a command) in the program's
    time zone; UTC when the program has none."""
    zone = zone_named(program_time_zone_name(program_id))
    if zone is None:
        yield
        return
    with timezone.override(zone):
        yield
