"""Protection pages (J1-J3): the restricted list, recording a suspicion, an incident or
a consultation, one record with its clocks, and a form page per step. Restricted records
open only to their recorder and the roles the program names (404, audited, otherwise)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.deadlines import deadline_kind_spec
from casework.core.models import AuditAction, Deadline
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.protections import equity, selectors, services
from casework.protections.forms import (
    AbuseReportForm,
    AgencyReportForm,
    CloseForm,
    ConsultationCloseForm,
    ConsultationForm,
    IncidentForm,
    MomentForm,
    OshaForm,
)
from casework.protections.models import AbuseReport, EthicsConsultation, Incident
from casework.staff.selectors import active_staff
from casework.web.access import (
    access_abuse_report,
    access_consultation,
    access_consumer,
    access_incident,
    refuse,
    restricted_reach_q,
    user_may,
)
from casework.web.forms import now_minute
from casework.web.guard import page_view
from casework.web.pages import form_page


def _clocks(rows: list[Deadline]) -> list[dict[str, Any]]:
    return [
        {"row": d, "label": str(spec.label) if (spec := deadline_kind_spec(d.kind)) else d.kind}
        for d in rows
    ]


@page_view(["GET"], Permission.PROTECTION_READ, object_type="protections")
def protection_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The restricted records this person may see. One list event."""
    reach = restricted_reach_q(actor.user)
    reports = list(selectors.abuse_report_list(reach=reach)[:100])
    incidents = list(selectors.incident_list(reach=reach)[:100])
    consultations = list(selectors.consultation_list(reach=reach)[:100])
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="protections",
        detail={
            "abuse_report_ids": [r.pk for r in reports],
            "incident_ids": [i.pk for i in incidents],
            "ethics_consultation_ids": [c.pk for c in consultations],
        },
    )
    return render(
        request,
        "protections/list.html",
        {
            "nav": "protections",
            "reports": reports,
            "incidents": incidents,
            "consultations": consultations,
        },
    )


def _page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[], object],
    *,
    title: str,
    submit: str,
    success: str,
    back: str,
    done: Callable[[Any], str] | None = None,
    intro: str = "",
) -> HttpResponse:
    """The protections form page; after a save, `done(the record saved)` is where it goes
    when given, else `back`."""
    saved: list[object] = []

    def save_and_keep() -> object:
        saved.append(save())
        return saved[-1]

    response = form_page(
        request,
        form,
        save_and_keep,
        success=success,
        redirect_to=back,
        template="protections/form.html",
        context={"title": title, "submit_label": submit, "back": back, "intro": intro},
    )
    if done is not None and response.status_code == 302:
        response["Location"] = done(saved[-1])
    return response


def _detail_view(
    load: Callable[..., Any], template: str, name: str, subject_type: str
) -> Callable[..., HttpResponse]:
    """The page of one restricted record (`protections/<template>.html`, the record as
    `name`) with its clocks; one read."""

    @page_view(["GET"], Permission.PROTECTION_READ, load, log_read=True)
    def detail(request: HttpRequest, actor: Actor, record: Any) -> HttpResponse:
        clocks = selectors.record_clocks(subject_type=subject_type, subject_id=record.pk)
        return render(
            request,
            f"protections/{template}.html",
            {"nav": "protections", name: record, "clocks": _clocks(clocks)},
        )

    return detail


@page_view(["GET", "POST"], Permission.PROTECTION_REPORT, access_consumer, log_read="get")
def abuse_report_create(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    form = AbuseReportForm(request.POST or None, initial={"suspected_at": now_minute()})

    def save() -> object:
        return services.abuse_report_create(actor=actor, consumer=consumer, **form.cleaned_data)

    return _page(
        request,
        form,
        save,
        title=_("Report suspected abuse, neglect or exploitation"),
        submit=_("Record and show the reporting duty"),
        success=_("Recorded. Report to the agency shown, by the times shown."),
        back=reverse("consumer_detail", args=[consumer.pk]),
        done=lambda report: reverse("abuse_report_detail", args=[report.pk]),
        intro=_("About %(name)s. Only you and the roles the program names will see it.")
        % {"name": consumer},
    )


abuse_report_detail = _detail_view(access_abuse_report, "abuse_report", "report", "abuse_report")


@page_view(["GET", "POST"], Permission.PROTECTION_READ, access_abuse_report, log_read="get")
def abuse_report_step(
    request: HttpRequest, actor: Actor, report: AbuseReport, step: str
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    back = reverse("abuse_report_detail", args=[report.pk])
    if step == "agency":
        form: forms.Form = AgencyReportForm(
            data,
            initial={
                "version": report.version,
                "reported_at": now_minute(),
                "agency": report.rule.agency,
            },
        )

        def save() -> object:
            return services.abuse_report_agency_report(
                actor=actor, report=report, **form.cleaned_data
            )

        title, submit, success = (
            _("Record a report to the agency"),
            _("Record the report"),
            _("Report recorded."),
        )
    elif step == "close":
        form = CloseForm(data, initial={"version": report.version})

        def save() -> object:
            return services.abuse_report_close(actor=actor, report=report, **form.cleaned_data)

        title, submit, success = _("Close the report"), _("Close"), _("Report closed.")
    else:
        raise Http404("No such step.")
    return _page(request, form, save, title=title, submit=submit, success=success, back=back)


@page_view(["GET", "POST"], Permission.PROTECTION_REPORT, object_type="incident")
def incident_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    staff = active_staff(
        program_id=actor.user.program_id or 0,
        roles=[r.value for r in Role],
    )
    now = now_minute()
    form = IncidentForm(
        request.POST or None, staff=staff, initial={"occurred_at": now, "learned_at": now}
    )

    def save() -> object:
        return services.incident_create(
            actor=actor, program_id=actor.user.program_id or 0, **form.cleaned_data
        )

    return _page(
        request,
        form,
        save,
        title=_("Record an incident"),
        submit=_("Record the incident"),
        success=_("Incident recorded; its follow-ups are on the clock."),
        back=reverse("protection_list"),
        done=lambda incident: reverse("incident_detail", args=[incident.pk]),
    )


incident_detail = _detail_view(access_incident, "incident", "incident", "incident")


@page_view(["GET", "POST"], Permission.PROTECTION_READ, access_incident, log_read="get")
def incident_step(
    request: HttpRequest, actor: Actor, incident: Incident, step: str
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    back = reverse("incident_detail", args=[incident.pk])
    initial = {"version": incident.version}
    if step in ("evaluation", "opinion"):
        form: forms.Form = MomentForm(data, initial={**initial, "at": now_minute()})
        service = (
            services.incident_evaluation_offer
            if step == "evaluation"
            else services.incident_written_opinion
        )
        name = "offered_at" if step == "evaluation" else "given_at"

        def save() -> object:
            d = form.cleaned_data
            return service(actor=actor, incident=incident, version=d["version"], **{name: d["at"]})

        title = (
            _("Post-exposure evaluation offered")
            if step == "evaluation"
            else _("Written opinion given")
        )
        submit, success = _("Record"), _("Follow-up recorded.")
        aliases = {name: "at"}
    elif step == "osha":
        form = OshaForm(data, initial=initial)

        def save() -> object:
            return services.incident_osha_decide(
                actor=actor, incident=incident, **form.cleaned_data
            )

        title, submit, success, aliases = (
            _("OSHA recordability decision"),
            _("Record the decision"),
            _("Decision recorded."),
            {},
        )
    elif step == "close":
        form = CloseForm(data, initial=initial)

        def save() -> object:
            return services.incident_close(actor=actor, incident=incident, **form.cleaned_data)

        title, submit, success, aliases = (
            _("Close the incident"),
            _("Close"),
            _("Incident closed."),
            {},
        )
    else:
        raise Http404("No such step.")
    return form_page(
        request,
        form,
        save,
        success=success,
        redirect_to=back,
        template="protections/form.html",
        context={"title": title, "submit_label": submit, "back": back},
        aliases=aliases,
    )


@page_view(["GET", "POST"], Permission.PROTECTION_REPORT, access_consumer, log_read="get")
def consultation_create(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    form = ConsultationForm(request.POST or None)

    def save() -> object:
        return services.consultation_request(actor=actor, consumer=consumer, **form.cleaned_data)

    return _page(
        request,
        form,
        save,
        title=_("Request an ethics consultation or route a need"),
        submit=_("Send the request"),
        success=_("Request recorded."),
        back=reverse("consumer_detail", args=[consumer.pk]),
        done=lambda consultation: reverse("consultation_detail", args=[consultation.pk]),
    )


consultation_detail = _detail_view(
    access_consultation, "consultation", "consultation", "ethics_consultation"
)


@page_view(["GET", "POST"], Permission.PROTECTION_READ, access_consultation, log_read="get")
def consultation_close(
    request: HttpRequest, actor: Actor, consultation: EthicsConsultation
) -> HttpResponse:
    form = ConsultationCloseForm(
        request.POST if request.method == "POST" else None,
        initial={"version": consultation.version},
    )

    def save() -> object:
        return services.consultation_close(
            actor=actor, consultation=consultation, **form.cleaned_data
        )

    return _page(
        request,
        form,
        save,
        title=_("Record the recommendation and the outcome"),
        submit=_("Close the consultation"),
        success=_("Consultation closed."),
        back=reverse("consultation_detail", args=[consultation.pk]),
    )


@page_view(["GET"], Permission.AUDIT_READ, object_type="equity_report")
def equity_report(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Non-discrimination monitoring (J4) for compliance officers and auditors: service
    decisions by group with small cells suppressed. Anyone else: 404, audited. One read
    event (no consumer named: the report is of groups)."""
    if not user_may(actor, Permission.AUDIT_READ):
        raise refuse(actor, AuditAction.READ, "equity_report", "")
    rows = equity.decision_report(
        selectors.service_outcomes(program_id=actor.user.program_id or 0, on=clock.today())
    )
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        object_type="equity_report",
        detail={"rows": len(rows)},
    )
    return render(
        request,
        "protections/equity.html",
        {
            "nav": "protections",
            "rows": rows,
            "decisions": equity.DECISIONS,
            "min_count": equity.BIAS_MIN_COUNT,
        },
    )
