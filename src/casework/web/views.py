"""Sign-in and sign-out pages (S12, S13, S33) and the audit report (S25)."""

from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.consumers.rules import search_terms
from casework.consumers.selectors import consumer_ids_matching
from casework.core import clock
from casework.core.actor import Actor, actor_from_request
from casework.core.audit import audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction, AuditEvent
from casework.core.policy import Permission, Scope, scope_for
from casework.core.seed import demo_accounts_path
from casework.core.selectors import AuditFilters
from casework.web.access import page_refused_unless
from casework.web.audit_labels import audit_rows
from casework.web.exports import audit_csv_response, audit_event_list
from casework.web.forms import AuditFilterForm, page_number


def landing_url(role: str) -> str:
    """Where a role starts its day: the worklist for those who hold cases, finding a
    consumer for those who read the whole program (quality, compliance, senior clinical
    staff, physician advisors, auditors), the staff dashboard for administrators."""
    if scope_for(role, Permission.CASE_MANAGE) != Scope.NONE:
        return reverse("worklist")
    if scope_for(role, Permission.CONSUMER_READ) != Scope.NONE:
        return reverse("consumer_find")
    if scope_for(role, Permission.STAFF_READ) != Scope.NONE:
        return reverse("staff_dashboard")
    return reverse("staff_me")


class SignInView(auth_views.LoginView):
    """Django's LoginView (the session key is cycled on sign-in) with our template; with
    no page asked for, each role lands on its own starting page."""

    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return landing_url(getattr(self.request.user, "role", ""))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Under development settings, where the demo accounts are (issue 13, item 18):
        the file `casework demo-data` wrote, or the command that writes it."""
        context = super().get_context_data(**kwargs)
        if settings.CASEWORK_DEMO_HINT:
            path = demo_accounts_path()
            context["demo_accounts_file"] = str(path)
            context["demo_accounts_exist"] = path.exists()
        return context


class SignOutView(auth_views.LogoutView):
    """POST only; ends the session and tells the browser to drop everything it kept."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(landing_url(getattr(request.user, "role", "")))


AUDIT_PAGE_SIZE = 50
AUDIT_DEFAULT_DAYS = 7


def _audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilters | None]:
    """The report's filter form and, when it is valid, the filters: the days are the
    program's local days (casework.web.local_time), both inclusive; without a start day
    the report shows the last seven days."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    consumer_ids = _audit_consumers(request, form, (data.get("consumer") or "").strip())
    if form.errors:
        return form, None
    since_day = data.get("since") or clock.today() - timedelta(days=AUDIT_DEFAULT_DAYS - 1)
    until_day = data.get("until")
    midnight = time(0, tzinfo=timezone.get_current_timezone())
    return form, AuditFilters(
        since=datetime.combine(since_day, midnight),
        until=datetime.combine(until_day + timedelta(days=1), midnight) if until_day else None,
        username=(data.get("username") or "").strip(),
        consumer_ids=consumer_ids,
        action=data.get("action") or "",
        outcome=data.get("outcome") or "",
        sort=data.get("sort") or "-time",
    )


AUDIT_CONSUMER_MATCHES = 200


def _audit_consumers(
    request: HttpRequest, form: AuditFilterForm, text: str
) -> tuple[int, ...] | None:
    """The program's consumers a typed name or record number matches (None when nothing
    was typed); a form error when the text cannot be read or matches too many."""
    if not text:
        return None
    terms = search_terms(text)
    if terms.problems or terms.empty:
        form.add_error(
            "consumer",
            _("Type at least two letters of a name, a birth date or a record number."),
        )
        return None
    program_id = getattr(request.user, "program_id", None) or 0
    ids = consumer_ids_matching(program_id=program_id, terms=terms, limit=AUDIT_CONSUMER_MATCHES)
    if len(ids) > AUDIT_CONSUMER_MATCHES:
        form.add_error(
            "consumer",
            _("More than %(limit)d consumers match; type more of the name or the record number.")
            % {"limit": AUDIT_CONSUMER_MATCHES},
        )
        return None
    return tuple(ids)


def _audit_actor(request: HttpRequest) -> Actor:
    """The acting user, if their role may read the audit trail; else 404, audited."""
    actor = actor_from_request(request)
    page_refused_unless(
        actor,
        Permission.AUDIT_READ,
        action=AuditAction.LIST,
        reason="role may not read the audit trail",
    )
    return actor


@login_required
@require_http_methods(["GET"])
def audit_report(request: HttpRequest) -> HttpResponse:
    """The audit report for compliance officers and auditors: filter by days, user,
    consumer, action and outcome; sort; page; download as CSV. One `list` event."""
    actor = _audit_actor(request)
    form, filters = _audit_filters(request)
    events: list[AuditEvent] = []
    count, page, pages = 0, 1, 1
    if filters is not None:
        matching = audit_event_list(user=actor.user, filters=filters)
        count = matching.count()
        pages = max(1, -(-count // AUDIT_PAGE_SIZE))
        page = min(page_number(request.GET.get("page")), pages)
        offset = (page - 1) * AUDIT_PAGE_SIZE
        events = list(matching[offset : offset + AUDIT_PAGE_SIZE])
        audit_record(
            actor=actor,
            action=AuditAction.LIST,
            object_type="audit_event",
            detail={
                "count": count,
                "ids": [event.pk for event in events],
                "filters": filters.described(),
            },
        )
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "core/audit_report.html",
        {
            "nav": "audit",
            "form": form,
            "events": events,
            "rows": audit_rows(events, program_id=actor.user.program_id or 0),
            "count": count,
            "page": page,
            "pages": pages,
            "previous_url": "?" + urlencode({**query, "page": page - 1}) if page > 1 else "",
            "next_url": "?" + urlencode({**query, "page": page + 1}) if page < pages else "",
            "export_url": reverse("audit_export") + ("?" + urlencode(query) if query else ""),
            "default_since": filters.since if filters else None,
        },
    )


@login_required
@require_http_methods(["GET"])
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The report's rows as CSV (the same filters, every page). One `export` event."""
    actor = _audit_actor(request)
    _, filters = _audit_filters(request)
    if filters is None:
        return HttpResponse(
            "The filters are not valid; correct them on the report page.", status=400
        )
    try:
        return audit_csv_response(actor, filters)
    except ValidationFailed as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
