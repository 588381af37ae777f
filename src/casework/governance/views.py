"""Records-governance pages (N4, N6, S28, S29, S42): the governance page for compliance
staff (retention schedule and what a run would destroy, legal holds, destruction
certificates, access requests with their clocks, the register's due and overdue
entries), a consumer's accounting of disclosures (page and PDF), and a form page per
write. Each request writes one audit event (the guard's read, the list, or the
service's write)."""

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.models import AuditAction, Program
from casework.core.policy import Permission
from casework.core.selectors import program_today
from casework.governance import documents, rules, selectors, services
from casework.governance.forms import (
    AccessCloseForm,
    AccessRequestForm,
    DisclosureForm,
    ReasonForm,
    RequirementForm,
    RequirementReviewForm,
    VersionedReasonForm,
    initial_links,
)
from casework.governance.models import AccessRequest, ComplianceRequirement
from casework.staff.selectors import active_staff
from casework.web.access import (
    access_access_request,
    access_consumer,
    access_legal_hold,
    access_requirement,
    page_refused_unless,
    user_may,
)
from casework.web.api import service_step
from casework.web.forms import now_minute
from casework.web.guard import page_view
from casework.web.pages import step_view, titled_form_page

TEMPLATE_FORM = "governance/form.html"


def _program(actor: Actor) -> Program:
    assert actor.user.program is not None
    return actor.user.program


def _program_id(actor: Actor) -> int:
    assert actor.user.program_id is not None
    return actor.user.program_id


@page_view(["GET"], Permission.PRIVACY_MANAGE, object_type="governance")
def governance_overview(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The governance page: one list event naming the holds and requests shown."""
    page_refused_unless(
        actor, Permission.PRIVACY_MANAGE, action=AuditAction.LIST, reason="not permitted"
    )
    program_id = _program_id(actor)
    now = clock.now()
    holds = list(selectors.legal_holds(program_id=program_id)[:200])
    requests = list(selectors.access_request_list(program_id=program_id, open_only=True)[:200])
    clocks = selectors.access_request_clocks(request_ids=[r.pk for r in requests])
    plan = selectors.retention_plan(program_id=program_id, now=now)
    due = selectors.requirements_due(
        program_id=program_id, today=program_today(program_id=program_id)
    )
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="governance",
        detail={
            "legal_holds": [h.pk for h in holds],
            "access_requests": [r.pk for r in requests],
            "retention_due": {str(p.record_type): len(p.due_ids) for p in plan},
        },
    )
    return render(
        request,
        "governance/overview.html",
        {
            "nav": "governance",
            "schedule": selectors.retention_schedule(program_id=program_id),
            "plan": plan,
            "holds": holds,
            "requests": [
                {
                    "row": r,
                    "clock": clocks.get(r.pk),
                    "overdue": clocks.get(r.pk) is not None and clocks[r.pk].due_at <= now,
                }
                for r in requests
            ],
            "certificates": list(selectors.destruction_certificates(program_id=program_id)[:20]),
            "overdue": due["overdue"],
            "due": due["due"],
            "may_register": user_may(actor, Permission.COMPLIANCE_MANAGE),
        },
    )


# A governance form page: `titled_form_page` on the governance form template.
_form = functools.partial(titled_form_page, template=TEMPLATE_FORM)


# --- consumer pages ----------------------------------------------------------------------------


@page_view(["GET", "POST"], Permission.DISCLOSURE_RECORD, access_consumer, log_read="get")
def disclosure_create(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    """Record a disclosure outside treatment, payment and operations."""
    form = DisclosureForm(request.POST or None, initial={"disclosed_at": now_minute()})
    return _form(
        request,
        form,
        lambda: services.disclosure_record(actor=actor, consumer=consumer, **form.cleaned_data),
        title=_("Record a disclosure"),
        submit=_("Record the disclosure"),
        success=_("Disclosure recorded; it appears in the consumer's accounting."),
        back=reverse("consumer_detail", args=[consumer.pk]),
        consumer=consumer,
    )


@page_view(["GET"], Permission.PRIVACY_MANAGE, access_consumer)
def disclosure_accounting(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    """The consumer's accounting of disclosures for the last six years; `?format=pdf` for
    the PDF. Audits one print."""
    now = clock.now()
    disclosures = selectors.disclosure_accounting(consumer_id=consumer.pk, now=now)
    as_pdf = request.GET.get("format") == "pdf"
    services.disclosure_accounting_printed(
        actor=actor, consumer=consumer, count=len(disclosures), form="pdf" if as_pdf else "html"
    )
    if as_pdf:
        response = HttpResponse(
            documents.accounting_pdf(consumer, disclosures, now=now),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="accounting-of-disclosures-{consumer.pk}.pdf"'
        )
        return response
    return render(
        request,
        "governance/accounting.html",
        {
            "nav": "governance",
            "consumer": consumer,
            "rows": documents.accounting_rows(disclosures),
            "since": rules.accounting_since(now),
            "now": now,
            "holds": list(selectors.consumer_holds(consumer_id=consumer.pk)),
        },
    )


@page_view(["GET", "POST"], Permission.PRIVACY_MANAGE, access_consumer, log_read="get")
def legal_hold_create(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    """Place a legal hold on all of the consumer's records."""
    form = ReasonForm(request.POST or None)
    return _form(
        request,
        form,
        lambda: services.legal_hold_place(
            actor=actor, consumer=consumer, reason=form.cleaned_data["reason"]
        ),
        title=_("Place a legal hold"),
        submit=_("Place the hold"),
        success=_("Legal hold placed: nothing of this consumer's is destroyed while it holds."),
        back=reverse("disclosure_accounting", args=[consumer.pk]),
        redirect_to=reverse("governance_overview"),
        consumer=consumer,
    )


@page_view(["GET", "POST"], Permission.PRIVACY_MANAGE, access_consumer, log_read="get")
def access_request_create(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    """Record a request for the consumer's designated record set: its 30-day clock starts."""
    form = AccessRequestForm(
        request.POST or None, initial={"received_at": now_minute(), "format": "pdf"}
    )
    return _form(
        request,
        form,
        lambda: services.access_request_receive(
            actor=actor, consumer=consumer, **form.cleaned_data
        ),
        title=_("Record an access request"),
        submit=_("Record the request"),
        success=_("Access request recorded; its 30-day clock is running."),
        back=reverse("disclosure_accounting", args=[consumer.pk]),
        redirect_to=reverse("governance_overview"),
        consumer=consumer,
    )


# --- holds and access requests -----------------------------------------------------------------


def _privacy_step(
    load: Callable[..., Any],
    form_class: type[forms.Form],
    step: Callable[..., object],
    record_param: str,
    page: Callable[[Any], dict[str, Any]],
) -> Callable[..., HttpResponse]:
    """The page of one step of the hold or request `load` finds (privacy.manage): the
    form of `form_class` with the version read, `step(actor=…, <record_param>=…, version=…,
    **the fields)` the write, `page(record)` its texts and way back."""
    return step_view(
        Permission.PRIVACY_MANAGE,
        load,
        record_of=lambda record: record,
        form_class=form_class,
        step=lambda actor: service_step(step, actor, record_param),
        page=lambda record: {
            "template": TEMPLATE_FORM,
            "consumer": record.consumer,
            **page(record),
        },
    )


def _request_page(
    access_request: AccessRequest, title: str, submit: str, success: str
) -> dict[str, Any]:
    back = reverse("governance_access_request", args=[access_request.pk])
    return {"title": title, "submit": submit, "success": success, "back": back}


legal_hold_release = _privacy_step(
    access_legal_hold,
    VersionedReasonForm,
    services.legal_hold_release,
    "hold",
    lambda hold: {
        "title": _("Release the legal hold"),
        "submit": _("Release"),
        "success": _("Legal hold released."),
        "back": reverse("governance_overview"),
    },
)


@page_view(["GET"], Permission.PRIVACY_MANAGE, access_access_request, log_read=True)
def access_request_detail(
    request: HttpRequest, actor: Actor, access_request: AccessRequest
) -> HttpResponse:
    deadline = selectors.access_request_clock(request_id=access_request.pk)
    return render(
        request,
        "governance/access_request.html",
        {
            "nav": "governance",
            "item": access_request,
            "clock": deadline,
            "overdue": deadline is not None
            and deadline.state == "open"
            and deadline.due_at <= clock.now(),
            "open": access_request.state in rules.OPEN_ACCESS_STATES,
        },
    )


# Take the one 30-day extension; the reason goes in the written notice.
access_request_extend = _privacy_step(
    access_access_request,
    VersionedReasonForm,
    services.access_request_extend,
    "request",
    lambda access_request: _request_page(
        access_request,
        _("Extend the access request by 30 days"),
        _("Take the extension"),
        _("Extension recorded: send the consumer the written notice."),
    ),
)
access_request_close = _privacy_step(
    access_access_request,
    AccessCloseForm,
    services.access_request_close,
    "request",
    lambda access_request: _request_page(
        access_request, _("Close the access request"), _("Close"), _("Access request closed.")
    ),
)


@page_view(["GET"], Permission.PRIVACY_MANAGE, access_access_request)
def access_request_export(
    request: HttpRequest, actor: Actor, access_request: AccessRequest
) -> HttpResponse:
    """The designated record set as a FHIR R4 Bundle (JSON download). Audits one export."""
    import json

    records = selectors.designated_record_set(consumer_id=access_request.consumer_id, actor=actor)
    bundle = documents.record_set_bundle(access_request.consumer, records, now=clock.now())
    services.access_request_exported(
        actor=actor, request=access_request, resources=len(bundle["entry"])
    )
    response = HttpResponse(json.dumps(bundle), content_type="application/fhir+json")
    response["Content-Disposition"] = (
        f'attachment; filename="access-request-{access_request.pk}.json"'
    )
    return response


# --- the compliance register -------------------------------------------------------------------


def _owners(actor: Actor) -> list[tuple[int, str]]:
    from casework.core.roles import Role

    return [
        (u.pk, u.get_full_name() or u.username)
        for u in active_staff(program_id=_program_id(actor), roles=Role.values)
    ]


@page_view(["GET", "POST"], Permission.COMPLIANCE_MANAGE, object_type="compliance_requirement")
def requirement_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    page_refused_unless(
        actor, Permission.COMPLIANCE_MANAGE, action=AuditAction.CREATE, reason="not permitted"
    )
    form = RequirementForm(
        request.POST or None, owners=_owners(actor), initial={"jurisdiction": rules.FEDERAL}
    )
    return _form(
        request,
        form,
        lambda: services.requirement_create(
            actor=actor,
            program=_program(actor),
            **form.cleaned_data,
        ),
        title=_("Add to the compliance register"),
        submit=_("Add"),
        success=_("Added; its review date is on the owner's worklist."),
        back=reverse("governance_overview"),
    )


@page_view(["GET"], Permission.COMPLIANCE_MANAGE, access_requirement, log_read=True)
def requirement_detail(
    request: HttpRequest, actor: Actor, requirement: ComplianceRequirement
) -> HttpResponse:
    return render(
        request,
        "governance/requirement.html",
        {
            "nav": "governance",
            "item": requirement,
            "status": rules.review_due(
                requirement.review_date, program_today(program_id=requirement.program_id)
            ),
        },
    )


@page_view(["GET", "POST"], Permission.COMPLIANCE_MANAGE, access_requirement, log_read="get")
def requirement_review(
    request: HttpRequest, actor: Actor, requirement: ComplianceRequirement
) -> HttpResponse:
    form = RequirementReviewForm(
        request.POST or None,
        initial={"version": requirement.version, **initial_links(requirement.evidence_links)},
    )
    return _form(
        request,
        form,
        lambda: services.requirement_review(
            actor=actor, requirement=requirement, **form.cleaned_data
        ),
        title=_("Record a review"),
        submit=_("Record the review"),
        success=_("Review recorded."),
        back=reverse("governance_requirement", args=[requirement.pk]),
    )
