"""Complaint pages (K1): the list with its clocks and trends, intake from any channel,
one complaint with its clocks, and a form page per step. Each request writes one audit
event (the guard's read, the list, or the service's write)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.complaints import letters, rules, selectors, services
from casework.complaints.forms import (
    AcknowledgeForm,
    ComplaintForm,
    ExtendForm,
    NoteForm,
    NoticeForm,
    PauseForm,
    ResolveForm,
    VersionForm,
)
from casework.complaints.models import CATEGORY_LABELS, Complaint
from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.deadlines import deadline_kind_spec
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.web.access import access_complaint, access_consumer, reach_q, refuse, user_may
from casework.web.forms import now_minute
from casework.web.guard import page_view
from casework.web.pages import form_page, titled_form_page


@page_view(["GET"], Permission.CONSUMER_READ, object_type="complaint")
def complaint_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Complaints the user reaches: open first by default, each with its running clocks,
    how many fall due today, and the categories of the last 90 days. One list event."""
    state = request.GET.get("state", "open")
    if state not in ("open", "all", *[s.value for s in rules.ComplaintState]):
        state = "open"
    reach = reach_q(actor.user, Permission.CONSUMER_READ, consumer="consumer_id")
    rows = list(selectors.complaint_list(reach=reach, state="" if state == "all" else state)[:200])
    ids = [c.pk for c in rows]
    now = clock.now()
    clocks = selectors.complaint_open_clocks(complaint_ids=ids)
    trends = selectors.complaint_trends(reach=reach, since=now - timedelta(days=90))
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="complaint",
        detail={"count": len(rows), "ids": ids, "state": state},
    )
    return render(
        request,
        "complaints/list.html",
        {
            "nav": "complaints",
            "rows": [
                {
                    "complaint": c,
                    "clocks": [
                        {"row": d, "label": _label(d.kind), "overdue": d.due_at <= now}
                        for d in clocks.get(c.pk, [])
                    ],
                }
                for c in rows
            ],
            "state": state,
            "due_today": selectors.complaint_due_today(complaint_ids=ids, now=now),
            "trends": [
                {
                    **t,
                    "label": CATEGORY_LABELS.get(rules.Category(str(t["category"])), t["category"]),
                }
                for t in trends
            ],
            "states": [("open", _("Open")), ("all", _("All"))],
        },
    )


def _label(kind: str) -> str:
    spec = deadline_kind_spec(kind)
    return str(spec.label) if spec else kind


@page_view(["GET", "POST"], Permission.COMPLAINT_MANAGE, access_consumer, log_read="get")
def complaint_create(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    """Receive a complaint or grievance about this consumer from any channel."""
    form = ComplaintForm(
        request.POST or None,
        initial={"received_at": now_minute(), "channel": "phone", "kind": "grievance"},
    )
    created: dict[str, Complaint] = {}

    def save() -> object:
        created["complaint"] = services.complaint_receive(
            actor=actor, consumer=consumer, **form.cleaned_data
        )
        return created["complaint"]

    response = form_page(
        request,
        form,
        save,
        success=_("Complaint received; its clocks are running."),
        redirect_to=reverse("complaint_list"),
        template="complaints/form.html",
        context={
            "title": _("Receive a complaint"),
            "submit_label": _("Record the complaint"),
            "consumer": consumer,
            "back": reverse("consumer_detail", args=[consumer.pk]),
        },
    )
    if response.status_code == 302 and "complaint" in created:
        response["Location"] = reverse("complaint_detail", args=[created["complaint"].pk])
    return response


@page_view(["GET"], Permission.CONSUMER_READ, access_complaint, log_read=True)
def complaint_detail(request: HttpRequest, actor: Actor, complaint: Complaint) -> HttpResponse:
    detail = selectors.ComplaintDetail(complaint)
    now = clock.now()
    return render(
        request,
        "complaints/detail.html",
        {
            "nav": "complaints",
            "complaint": complaint,
            "clocks": [
                {
                    "row": d,
                    "label": _label(d.kind),
                    "overdue": d.state == "open" and d.due_at <= now,
                }
                for d in detail.clocks
            ],
            "notes": detail.notes,
            "open": complaint.state in rules.OPEN_STATES,
            "may_manage": user_may(actor, Permission.COMPLAINT_MANAGE),
            "letter_languages": letters.LETTER_LANGUAGES,
        },
    )


def _step_page(
    request: HttpRequest,
    complaint: Complaint,
    form: forms.Form,
    save: Callable[[], object],
    *,
    title: str,
    submit_label: str,
    success: str,
) -> HttpResponse:
    """A form page of the complaint, returning to it."""
    return titled_form_page(
        request,
        form,
        save,
        template="complaints/form.html",
        title=title,
        submit=submit_label,
        success=success,
        back=reverse("complaint_detail", args=[complaint.pk]),
        complaint=complaint,
        consumer=complaint.consumer,
    )


def _versioned(
    form_class: type[forms.Form], request: HttpRequest, complaint: Complaint, **initial: Any
) -> forms.Form:
    return form_class(
        request.POST if request.method == "POST" else None,
        initial={"version": complaint.version, **initial},
    )


STEPS: dict[str, dict[str, Any]] = {
    "acknowledge": {
        "form": AcknowledgeForm,
        "service": services.complaint_acknowledge,
        "title": gettext_lazy("Record the acknowledgement"),
        "submit": gettext_lazy("Record acknowledgement"),
        "success": gettext_lazy("Acknowledgement recorded."),
        "initial": lambda: {"acknowledged_at": now_minute(), "method": "mail"},
    },
    "extend": {
        "form": ExtendForm,
        "service": services.complaint_extend,
        "title": gettext_lazy("Extend the time limit"),
        "submit": gettext_lazy("Take the extension"),
        "success": gettext_lazy("Extension recorded."),
        "initial": dict,
    },
    "notice": {
        "form": NoticeForm,
        "service": services.complaint_extension_notice_send,
        "title": gettext_lazy("Record the extension notice as sent"),
        "submit": gettext_lazy("Record the notice"),
        "success": gettext_lazy("Extension notice recorded."),
        "initial": lambda: {"sent_at": now_minute()},
    },
    "pause": {
        "form": PauseForm,
        "service": services.complaint_pause,
        "title": gettext_lazy("Pause the clock"),
        "submit": gettext_lazy("Pause the clock"),
        "success": gettext_lazy("Clock paused."),
        "initial": dict,
    },
    "resume": {
        "form": VersionForm,
        "service": services.complaint_resume,
        "title": gettext_lazy("Resume the clock"),
        "submit": gettext_lazy("Resume the clock"),
        "success": gettext_lazy("Clock resumed."),
        "initial": dict,
    },
    "resolve": {
        "form": ResolveForm,
        "service": services.complaint_resolve,
        "title": gettext_lazy("Resolve the complaint"),
        "submit": gettext_lazy("Resolve"),
        "success": gettext_lazy("Complaint resolved. Print the resolution letter."),
        "initial": dict,
    },
}


@page_view(["GET", "POST"], Permission.COMPLAINT_MANAGE, access_complaint, log_read="get")
def complaint_step(
    request: HttpRequest, actor: Actor, complaint: Complaint, step: str
) -> HttpResponse:
    """One step of working a complaint, on its own form page (404 for an unknown step)."""
    spec = STEPS.get(step)
    if spec is None:
        raise Http404("No such step.")
    form = _versioned(spec["form"], request, complaint, **spec["initial"]())

    def save() -> object:
        return spec["service"](actor=actor, complaint=complaint, **form.cleaned_data)

    return _step_page(
        request,
        complaint,
        form,
        save,
        title=str(spec["title"]),
        submit_label=str(spec["submit"]),
        success=str(spec["success"]),
    )


@page_view(["GET", "POST"], Permission.COMPLAINT_MANAGE, access_complaint, log_read="get")
def complaint_note(request: HttpRequest, actor: Actor, complaint: Complaint) -> HttpResponse:
    form = NoteForm(request.POST if request.method == "POST" else None)

    def save() -> object:
        return services.complaint_note_add(actor=actor, complaint=complaint, **form.cleaned_data)

    return _step_page(
        request,
        complaint,
        form,
        save,
        title=_("Add an investigation note"),
        submit_label=_("Add note"),
        success=_("Note added."),
    )


@page_view(["GET"], Permission.CONSUMER_READ, access_complaint)
def complaint_letter(request: HttpRequest, actor: Actor, complaint: Complaint) -> HttpResponse:
    """The resolution letter (PDF) in the consumer's language, or `?language=en|es`.
    Audits one print; an open complaint has no letter yet (404, audited as denied)."""
    language = request.GET.get("language", "")
    if language and language not in letters.LETTER_LANGUAGES:
        language = ""
    if not letters.has_letter(complaint):
        raise refuse(actor, AuditAction.PRINT, "complaint", complaint.pk)
    letter = letters.resolution_letter(complaint, language=language)
    services.complaint_letter_printed(actor=actor, complaint=complaint, language=letter.language)
    response = HttpResponse(letters.letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="complaint-{complaint.pk}-letter.pdf"'
    return response
