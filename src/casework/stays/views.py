"""The census and the stay page (H1)."""

from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import DomainError
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.staff.selectors import active_staff
from casework.stays import (
    avoidable_rules,
    avoidable_selectors,
    avoidable_services,
    document_services,
    documents,
    rules,
    selectors,
    services,
)
from casework.stays.adt import adt_replay, adt_resolve
from casework.stays.avoidable_rules import ReportDimension
from casework.stays.deadlines import end_of_today, facility_zone
from casework.stays.forms import (
    AdtResolveForm,
    AvoidableDayForm,
    AvoidableReportForm,
    CensusFilterForm,
    DecisionForm,
    ReviewForm,
    StayDocumentForm,
)
from casework.stays.models import CLASS_LABELS, AdtMessage, Stay
from casework.stays.notices import LANGUAGES, notice_language, notice_text
from casework.stays.payers.views import stay_payer_context
from casework.stays.rules import AckCode, AdtOutcome
from casework.web.access import (
    access_adt_message,
    access_stay,
    refuse,
    stay_reach_q,
)
from casework.web.api import audit_list
from casework.web.forms import form_saved
from casework.web.guard import guard
from casework.web.pages import form_page
from casework.web.templatetags.casework_ui import when

CENSUS_LIMIT = 200


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


_URL_SAMPLE_PK = 987_654_329


def _census_rows(stays: list[Stay]) -> list[tuple[Stay, dict[str, object]]]:
    """Each census row's stay and its display values, computed once here rather than by
    a filter, tag, choices look-up or attribute chain per cell (the census shows up to
    CENSUS_LIMIT rows; the template reads plain dictionary keys): the facts, the link,
    the patient, unit and bed, class, payer, admission time, open authorizations, and the
    next clock with its badge ("overdue", "today" or "")."""
    labels: dict[str, str] = {value.value: str(label) for value, label in CLASS_LABELS.items()}
    link = reverse("stay_detail", args=[_URL_SAMPLE_PK])  # one reverse for every row
    now, due_today = clock.now(), end_of_today()
    rows = []
    for stay in stays:
        facts = _facts(stay)
        due_at = stay.next_due_at  # type: ignore[attr-defined]  # annotated by the selector
        facts.update(
            url=link.replace(str(_URL_SAMPLE_PK), str(stay.pk)),
            patient=f"{stay.consumer.family_name}, {stay.consumer.given_name}",
            unit_bed=f"{stay.unit.code if stay.unit else '—'} {stay.bed}",
            class_label=labels.get(stay.stay_class, stay.stay_class),
            payer=stay.payer or "—",
            medicare=stay.medicare,
            admitted=when(stay.admitted_at),
            open_authorizations=stay.open_authorizations,  # type: ignore[attr-defined]
            next_due=when(due_at) or "—",
            badge="" if due_at is None else "overdue" if due_at < now else (
                "today" if due_at <= due_today else ""
            ),
        )  # fmt: skip
        rows.append((stay, facts))
    return rows


@login_required
@require_http_methods(["GET"])
@guard(Permission.CONSUMER_READ, object_type="stay", action=AuditAction.LIST)
def census(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every patient in the house on my units and of my consumers; what is due today
    first. Audited as one `list` event."""
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
    context = {
        "nav": "census",
        "form": form,
        "rows": _census_rows(rows),
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
            "avoidable_days": avoidable_selectors.avoidable_day_list(stay_id=stay.pk),
            "documents": selectors.document_list(stay_id=stay.pk),
            "now": clock.now(),
            **stay_payer_context(stay, actor),
        },
    )


@login_required
@require_http_methods(["GET"])
@guard(Permission.UM_DECIDE, object_type="advisor_referral", action=AuditAction.LIST)
def advisor_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The physician advisor's queue: open referrals of the program, the earliest due
    first. Audited as one `list` event."""
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


def _stay_form_page(
    request: HttpRequest,
    stay: Stay,
    form: forms.BaseForm,
    save: Callable[[], object],
    *,
    title: str,
    submit_label: str,
    success: str,
    intro: str = "",
) -> HttpResponse:
    back = reverse("stay_detail", args=[stay.pk])
    return form_page(
        request,
        form,
        save,
        success=success,
        redirect_to=back,
        template="stays/form_page.html",
        context={
            "nav": "census",
            "stay": stay,
            "title": title,
            "intro": intro,
            "submit_label": submit_label,
            "cancel_url": back,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CASE_MANAGE, access_stay, log_read="get")
def review_create(request: HttpRequest, actor: Actor, stay: Stay, kind: str) -> HttpResponse:
    """Record an admission or continued-stay review against the program's criteria set:
    one answer per criterion. Not met (or sent on) refers the stay to the physician
    advisor. GET audits one read; POST the review's one create."""
    try:
        review_kind = rules.ReviewKind(kind)
    except ValueError:
        raise Http404("No such review.") from None
    cs = rules.criteria_set(settings.CASEWORK_STAYS_CRITERIA)
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        criteria=cs.subsets[review_kind.value],
    )

    def save() -> object:
        facts = services.ReviewFacts(kind=review_kind, **form.facts())
        return services.review_record(
            stay=stay, actor=actor, facts=facts, criteria_key=settings.CASEWORK_STAYS_CRITERIA
        )

    title = {
        rules.ReviewKind.ADMISSION: _("Admission review"),
        rules.ReviewKind.CONTINUED_STAY: _("Continued-stay review"),
    }[review_kind]
    return _stay_form_page(
        request,
        stay,
        form,
        save,
        title=str(title),
        submit_label=str(_("Record the review")),
        success=str(_("Review recorded.")),
        intro=f"{cs.name} {cs.version}",
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.UM_DECIDE, access_stay, log_read="get")
def advisor_decide(request: HttpRequest, actor: Actor, stay: Stay) -> HttpResponse:
    """The physician advisor decides the stay's open referral (42 CFR 482.30): the
    reviewers' attestations, the attending's view, the peer-to-peer conversation and the
    rationale. A refusal shows on the form and changes nothing. GET audits one read; POST
    the referral's one update."""
    referral = selectors.open_referral(stay_id=stay.pk)
    if referral is None:
        raise Http404("No open referral.")
    physicians = [
        u
        for u in active_staff(program_id=stay.program_id, roles=(Role.PHYSICIAN_ADVISOR,))
        if u.pk != actor.user.pk
    ]
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        physicians=[(u.pk, u.get_full_name() or u.username) for u in physicians],
    )

    def save() -> object:
        data = form.cleaned_data
        second = next((u for u in physicians if u.pk == data["second_reviewer"]), None)
        facts = services.DecisionFacts(
            determination=rules.Determination(data["determination"]),
            rationale=data["rationale"],
            attestation=services.Attestation(
                involved_in_care=not data["not_involved"],
                financial_interest=not data["no_financial_interest"],
            ),
            attending_view=rules.AttendingView(data["attending_view"]),
            peer_to_peer=data["peer_to_peer"],
            second_reviewer=second,
            second_attestation=(
                services.Attestation(
                    involved_in_care=not data["second_not_involved"],
                    financial_interest=not data["second_no_financial_interest"],
                )
                if second is not None
                else None
            ),
        )
        return services.referral_decide(referral=referral, actor=actor, facts=facts)

    return _stay_form_page(
        request,
        stay,
        form,
        save,
        title=str(_("Physician advisor decision")),
        submit_label=str(_("Record the decision")),
        success=str(_("Decision recorded.")),
        intro=referral.question,
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CASE_MANAGE, access_stay, log_read="get")
def avoidable_day_create(request: HttpRequest, actor: Actor, stay: Stay) -> HttpResponse:
    """Record a span of avoidable days with a reason of the program's taxonomy and a
    responsible party. GET audits one read; POST the span's one create."""
    taxonomy = avoidable_rules.avoidable_taxonomy(settings.CASEWORK_STAYS_AVOIDABLE_TAXONOMY)
    form = AvoidableDayForm(request.POST if request.method == "POST" else None, taxonomy=taxonomy)

    def save() -> object:
        facts = avoidable_services.AvoidableDayFacts(**form.facts())
        return avoidable_services.avoidable_day_record(stay=stay, actor=actor, facts=facts)

    return _stay_form_page(
        request,
        stay,
        form,
        save,
        title=str(_("Record avoidable days")),
        submit_label=str(_("Record the avoidable days")),
        success=str(_("Avoidable days recorded.")),
        intro=f"{taxonomy.key}",
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CASE_MANAGE, access_stay, log_read="get")
def document_attach(request: HttpRequest, actor: Actor, stay: Stay) -> HttpResponse:
    """Attach a document (PDF, PNG or JPEG) to the stay: the appeal packet carries it.
    GET audits one read; POST the document's one create."""
    form = StayDocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )

    def save() -> object:
        return document_services.stay_document_attach(
            actor=actor,
            stay=stay,
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )

    return _stay_form_page(
        request,
        stay,
        form,
        save,
        title=str(_("Attach a document")),
        submit_label=str(_("Attach the document")),
        success=str(_("Document attached.")),
    )


@login_required
@require_http_methods(["GET"])
@guard(Permission.CONSUMER_READ, access_stay)
def document_download(
    request: HttpRequest, actor: Actor, stay: Stay, document_id: int
) -> FileResponse:
    """A document attached to the stay (`stays.documents`). Audits one `print` event."""
    response = documents.document_download(actor, stay, document_id)
    if response is None:
        raise refuse(actor, AuditAction.PRINT, "stay_document", document_id)
    return response


@login_required
@require_http_methods(["GET"])
@guard(Permission.UM_REPORT, object_type="avoidable_day_report", action=AuditAction.LIST)
def avoidable_report(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Avoidable days of the program by category, reason, unit, payer, physician or week.
    Names no consumer. Audited as one `list` event."""
    form = AvoidableReportForm(request.GET or None)
    by, start, end = ReportDimension.CATEGORY, None, None
    if form.is_bound and form.is_valid():
        by = ReportDimension(form.cleaned_data.get("by") or ReportDimension.CATEGORY)
        start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    rows = (
        avoidable_selectors.avoidable_day_report(
            program_id=actor.user.program_id or 0, by=by, start=start, end=end
        )
        if not form.is_bound or form.is_valid()
        else []
    )
    audit_list(actor, object_type="avoidable_day_report", count=len(rows), returned=[], by=by.value)
    return render(
        request,
        "stays/avoidable_report.html",
        {
            "nav": "avoidable",
            "form": form,
            "rows": rows,
            "by": by,
            "total_days": sum(r.days for r in rows),
            "taxonomy": settings.CASEWORK_STAYS_AVOIDABLE_TAXONOMY,
        },
    )


# --- the ADT error queue -------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
@guard(Permission.ADT_MANAGE, object_type="adt_message", action=AuditAction.LIST)
def adt_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Messages answered AE or AR, the newest first (no patient named: the raw message is
    on each message's page). Audited as one `list` event."""
    rows = list(selectors.adt_error_queue(program_id=actor.user.program_id or 0)[:CENSUS_LIMIT])
    audit_list(actor, object_type="adt_message", count=len(rows), returned=[m.pk for m in rows])
    return render(
        request,
        "stays/adt_queue.html",
        {"nav": "adt", "rows": rows, "limit": CENSUS_LIMIT},
    )


@login_required
@require_http_methods(["GET"])
@guard(Permission.ADT_MANAGE, access_adt_message, log_read=True)
def adt_message_detail(request: HttpRequest, actor: Actor, message: AdtMessage) -> HttpResponse:
    """One message: the raw HL7 (escaped, one segment a line), the reason and the ACK sent;
    replay or resolve while it is in the queue. Audits one read."""
    return render(
        request,
        "stays/adt_message.html",
        {
            "nav": "adt",
            "message": message,
            "segments": message.raw.replace("\r\n", "\r").replace("\n", "\r").split("\r"),
            "ack_segments": message.ack.split("\r"),
            "queued": message.outcome in (AdtOutcome.ERROR, AdtOutcome.REJECTED),
            "resolve_form": AdtResolveForm(None),
        },
    )


@login_required
@require_http_methods(["POST"])
@guard(Permission.ADT_MANAGE, access_adt_message)
def adt_message_replay(request: HttpRequest, actor: Actor, message: AdtMessage) -> HttpResponse:
    """Apply the message again after a fix. Applied: its change's one audit event names the
    person; refused again: the new reason shows, audited as one update of the message."""
    back = reverse("adt_message_detail", args=[message.pk])
    try:
        result = adt_replay(message=message, actor=actor)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if result.code == AckCode.ACCEPT:
        messages.success(request, _("The message was applied."))
    else:
        messages.error(request, _("The message was refused again: see the reason."))
    return redirect(back)


@login_required
@require_http_methods(["POST"])
@guard(Permission.ADT_MANAGE, access_adt_message)
def adt_message_resolve(request: HttpRequest, actor: Actor, message: AdtMessage) -> HttpResponse:
    """Take the message out of the queue without applying it, saying how it was resolved.
    Audits one update; a refusal changes nothing."""
    form = AdtResolveForm(request.POST)
    done = form_saved(
        request,
        form,
        lambda: adt_resolve(message=message, actor=actor, note=form.cleaned_data["note"]),
        success=str(_("The message was marked resolved.")),
        redirect_to=reverse("adt_queue"),
    )
    if done is not None:
        return done
    return render(
        request,
        "stays/adt_message.html",
        {
            "nav": "adt",
            "message": message,
            "segments": message.raw.replace("\r\n", "\r").replace("\n", "\r").split("\r"),
            "ack_segments": message.ack.split("\r"),
            "queued": message.outcome in (AdtOutcome.ERROR, AdtOutcome.REJECTED),
            "resolve_form": form,
        },
        status=400,
    )
