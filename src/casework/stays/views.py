"""The census and the stay page (H1)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_denied, audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.staff.selectors import active_staff
from casework.stays import rules, selectors
from casework.stays.deadlines import end_of_today, facility_zone
from casework.stays.forms import CensusFilterForm
from casework.stays.models import Stay
from casework.stays.notices import LANGUAGES, notice_language, notice_text
from casework.stays.payers.views import stay_payer_context
from casework.web.access import access_stay, stay_reach_q, user_may
from casework.web.api import audit_list
from casework.web.guard import guard

CENSUS_LIMIT = 200


def _page_refused_unless(actor: Actor, permission: Permission, object_type: str) -> None:
    """A list page for roles holding `permission`: anyone else gets the 404 of a page that
    does not exist, with one denied audit event."""
    if user_may(actor, permission):
        return
    audit_denied(
        actor=actor,
        action=AuditAction.LIST,
        object_type=object_type,
        object_id="",
        reason=f"role lacks {permission}",
    )
    raise Http404("No page here.")


def _facts(stay: Stay) -> dict[str, object]:
    """Midnights so far, expected length of stay (GMLOS) and days over it."""
    zone = facility_zone()
    end = stay.discharged_at or clock.now()
    entry = None
    if stay.drg:
        version = stay.drg_table_version or settings.CASEWORK_STAYS_DRG_TABLE
        entry = rules.drg_table(version).entries.get(stay.drg)
    los = rules.length_of_stay_days(stay.admitted_at, end, zone)
    gmlos: Decimal | None = entry.gmlos if entry else None
    return {
        "midnights": rules.midnights(stay.admitted_at, end, zone),
        "gmlos": gmlos,
        "drg_title": entry.title if entry else "",
        "days_over": rules.days_over_gmlos(los, gmlos),
    }


@login_required
@require_http_methods(["GET"])
@guard(Permission.CONSUMER_READ, object_type="stay")
def census(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every patient in the house on my units and of my consumers; what is due today
    first. Audited as one `list` event."""
    _page_refused_unless(actor, Permission.CONSUMER_READ, "stay")
    program_id = actor.user.program_id or 0
    units = selectors.units_of_program(program_id=program_id)
    reviewers = active_staff(
        program_id=program_id, roles=(Role.CASE_MANAGER, Role.SUPERVISOR, Role.PHYSICIAN_ADVISOR)
    )
    form = CensusFilterForm(
        request.GET or None,
        units=[(u.pk, f"{u.code} {u.name}") for u in units],
        payers=selectors.payers_of_program(program_id=program_id),
        reviewers=[(u.pk, u.get_full_name() or u.username) for u in reviewers],
    )
    filters = selectors.CensusFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.CensusFilters(
            unit_id=data.get("unit"),
            stay_class=data.get("stay_class") or "",
            payer=data.get("payer") or "",
            reviewer_id=data.get("reviewer"),
            sort=data.get("sort") or "due",
        )
    rows = list(
        selectors.census(reach=stay_reach_q(actor.user, Permission.CONSUMER_READ), filters=filters)[
            :CENSUS_LIMIT
        ]
    )
    audit_list(actor, object_type="stay", count=len(rows), returned=[s.pk for s in rows])
    due_today = end_of_today()
    context = {
        "nav": "census",
        "form": form,
        "rows": [(stay, _facts(stay)) for stay in rows],
        "now": clock.now(),
        "due_today": due_today,
        "limit": CENSUS_LIMIT,
    }
    template = "stays/census.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(request, template, context)


@login_required
@require_http_methods(["GET"])
@guard(Permission.CONSUMER_READ, access_stay, log_read=True)
def stay_detail(request: HttpRequest, actor: Actor, stay: Stay) -> HttpResponse:
    """One stay: its facts, clocks and history. Audits one read."""
    return render(
        request,
        "stays/stay.html",
        {
            "nav": "census",
            "stay": stay,
            "facts": _facts(stay),
            "history": selectors.stay_history(stay_id=stay.pk),
            "clocks": selectors.stay_clocks(stay_id=stay.pk),
            "reviews": selectors.review_list(stay_id=stay.pk).select_related("reviewer"),
            "referrals": selectors.referral_list(stay_id=stay.pk).select_related("advisor"),
            "now": clock.now(),
            **stay_payer_context(stay, actor),
        },
    )


@login_required
@require_http_methods(["GET"])
@guard(Permission.UM_DECIDE, object_type="advisor_referral")
def advisor_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The physician advisor's queue: open referrals of the program, the earliest due
    first. Audited as one `list` event."""
    _page_refused_unless(actor, Permission.UM_DECIDE, "advisor_referral")
    rows = list(selectors.advisor_queue(program_id=actor.user.program_id or 0)[:CENSUS_LIMIT])
    audit_list(
        actor, object_type="advisor_referral", count=len(rows), returned=[r.pk for r in rows]
    )
    return render(
        request,
        "stays/advisor_queue.html",
        {"nav": "advisor", "rows": rows, "now": clock.now()},
    )


@login_required
@require_http_methods(["GET"])
@guard(Permission.CONSUMER_READ, access_stay)
def notice_print(request: HttpRequest, actor: Actor, stay: Stay, kind: str) -> HttpResponse:
    """The IM or the MOON to print, in the consumer's language (English or Spanish;
    `?lang=` chooses). Audited as one `print` event."""
    try:
        notice_kind = rules.NoticeKind(kind)
    except ValueError:
        raise Http404("No such notice.") from None
    language = notice_language(request.GET.get("lang") or stay.consumer.preferred_language)
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        consumer_id=stay.consumer_id,
        object_type="medicare_notice",
        object_id=stay.pk,
        detail={"kind": notice_kind.value, "language": language},
    )
    return render(
        request,
        "stays/notice_print.html",
        {
            "stay": stay,
            "text": notice_text(notice_kind, language),
            "language": language,
            "languages": LANGUAGES,
        },
    )
