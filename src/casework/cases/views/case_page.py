"""The case page, and the form page shared by everything recorded about a case."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.assessments.selectors import need_list_for_case, response_list_for_case
from casework.careplans.selectors import care_plan_for_case, care_plan_version_view
from casework.cases import rules
from casework.cases.models import (
    Case,
    ConsentDecision,
    NoticeKind,
)
from casework.cases.selectors import (
    case_facts,
    case_list_for_consumer,
    consent_history,
    notice_list_for_case,
)
from casework.coordination.models import WorkItemStatus
from casework.coordination.selectors import (
    care_team_for_consumer,
    communication_list_for_case,
    note_list_for_case,
    work_item_list_for_case,
)
from casework.core import clock
from casework.core.actor import Actor, actor_from_request
from casework.core.policy import Permission
from casework.web.access import access_case, user_may
from casework.web.forms import form_saved


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    detail: str = ""


def _timeline(case: Case, parts: dict[str, Any]) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            case.referral.received_at,
            _("Referral received"),
            case.referral.get_source_display(),
        ),
        TimelineEntry(case.opened_at, _("Case opened")),
    ]
    if case.engaged_at:
        entries.append(TimelineEntry(case.engaged_at, _("Consumer engaged")))
    if case.activated_at:
        entries.append(TimelineEntry(case.activated_at, _("Services started")))
    if case.ended_at:
        entries.append(
            TimelineEntry(case.ended_at, _("Case %(state)s") % {"state": case.get_state_display()})
        )
    for notice in parts["notices"]:
        entries.append(
            TimelineEntry(
                notice.delivered_at,
                _("Notice given: %(kind)s") % {"kind": notice.get_kind_display()},
                f"{notice.get_recipient_type_display()} · {notice.get_method_display()}",
            )
        )
    for consent in parts["consents"]:
        entries.append(
            TimelineEntry(
                consent.decided_at,
                _("Consent %(decision)s") % {"decision": consent.get_decision_display().lower()},
                consent.get_given_by_display(),
            )
        )
    for item in parts["work_items"]:
        entries.append(
            TimelineEntry(
                item.created_at, _("Work item created: %(title)s") % {"title": item.title}
            )
        )
        if item.completed_at:
            entries.append(
                TimelineEntry(
                    item.completed_at,
                    _("Work item %(status)s: %(title)s")
                    % {"status": item.get_status_display().lower(), "title": item.title},
                    item.outcome,
                )
            )
    for communication in parts["communications"]:
        entries.append(
            TimelineEntry(
                communication.occurred_at,
                _("%(channel)s, %(direction)s")
                % {
                    "channel": communication.get_channel_display(),
                    "direction": communication.get_direction_display().lower(),
                },
                communication.parties,
            )
        )
    for note in parts["notes"]:
        entries.append(
            TimelineEntry(
                note.signed_at,
                _("%(kind)s signed") % {"kind": note.get_kind_display()},
                str(note.author),
            )
        )
    for assignment in parts["assignments"]:
        entries.append(
            TimelineEntry(
                assignment.assigned_at,
                _("Assigned to %(name)s") % {"name": assignment.assigned_to},
                assignment.reason,
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def care_plan_summary(*, case_id: int) -> dict[str, Any]:
    """The assessment, needs and current plan shown on the case page (issue 4)."""
    plan = care_plan_for_case(case_id=case_id)
    return {
        "assessments": list(response_list_for_case(case_id=case_id)[:10]),
        "needs": list(need_list_for_case(case_id=case_id)),
        "plan_view": care_plan_version_view(version=plan.current)
        if plan is not None and plan.current is not None
        else None,
    }


def case_page_context(actor: Actor, case: Case) -> dict[str, Any]:
    """Everything the case page shows, read once (the caller has audited the read)."""
    consumer = case.consumer
    facts = case_facts(case=case)
    now = clock.now()
    consents = list(consent_history(case_id=case.pk))
    work_items = list(work_item_list_for_case(case_id=case.pk))
    for item in work_items:
        item.is_overdue = item.status == WorkItemStatus.OPEN and item.due_at < now  # type: ignore[attr-defined]
    parts: dict[str, Any] = {
        "notices": list(notice_list_for_case(case_id=case.pk)),
        "consents": consents,
        "work_items": work_items,
        "communications": list(communication_list_for_case(case_id=case.pk)),
        "notes": list(note_list_for_case(case_id=case.pk)),
        "assignments": list(
            case.assignments.select_related("assigned_to").order_by("assigned_at", "id")
        ),
    }
    support_persons = list(
        consumer.support_persons.order_by("-is_legal_decision_maker", "name", "id")
    )
    notice_labels = dict(NoticeKind.choices)
    clinical = rules.may_record_clinical(facts)
    enrollment = rules.may_record_enrollment(facts)
    return {
        "case": case,
        "consumer": consumer,
        "facts": facts,
        "now": now,
        "consent": consents[-1] if consents else None,
        "missing_notices": [
            (kind, notice_labels[kind]) for kind in rules.missing_enrollment_notices(facts)
        ],
        "enrollment_notices": [
            (kind, notice_labels[kind]) for kind in sorted(rules.ENROLLMENT_NOTICES)
        ],
        "support_persons": support_persons,
        "legal_decision_maker": next(
            (p for p in support_persons if p.is_legal_decision_maker), None
        ),
        "directives": list(consumer.advance_directives.order_by("-recorded_at", "-id")),
        "care_team": list(care_team_for_consumer(consumer_id=consumer.pk)),
        "other_cases": [
            c for c in case_list_for_consumer(consumer_id=consumer.pk) if c.pk != case.pk
        ],
        "timeline": _timeline(case, parts),
        "clinical": clinical,
        "enrollment": enrollment,
        "open_work_items": sum(1 for i in work_items if i.status == WorkItemStatus.OPEN),
        "may_manage": user_may(actor, Permission.CASE_MANAGE),
        "may_note": user_may(actor, Permission.RECORD_NOTE),
        "may_plan": user_may(actor, Permission.CARE_PLAN),
        **care_plan_summary(case_id=case.pk),
        "may_reassign": user_may(actor, Permission.CASE_REASSIGN)
        and case.state in rules.OPEN_STATES,
        "may_activate": bool(rules.can_transition(facts, rules.ACTIVE)),
        "may_withdraw": rules.WITHDRAWN in rules.TRANSITIONS[case.state],
        "may_close": rules.CLOSED in rules.TRANSITIONS[case.state],
        "consent_choices": [
            d for d in ConsentDecision.values if rules.may_record_consent(facts, d)
        ],
        **parts,
    }


@login_required
@require_http_methods(["GET"])
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The consumer and case page: one audited read for the whole page."""
    actor = actor_from_request(request)
    case = access_case(actor, case_id)
    return render(request, "cases/case_detail.html", case_page_context(actor, case))


def service_save(
    service: Callable[..., object], *fields: str
) -> Callable[[Actor, Case, forms.Form], object]:
    """A `save` for `case_form_page` that calls `service` with the actor, the case and
    the form's cleaned `fields` as keyword arguments of the same names."""

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return service(actor=actor, case=case, **{f: form.cleaned_data[f] for f in fields})

    return save


def case_form_page(
    request: HttpRequest,
    case_id: int,
    *,
    permission: Permission,
    build_form: Callable[[Case, Any], forms.Form],
    save: Callable[[Actor, Case, forms.Form], object],
    title: str,
    submit_label: str,
    success_message: str,
    template: str = "core/form_page.html",
    aliases: dict[str, str] | None = None,
    extra: Callable[[Case], dict[str, Any]] | None = None,
    success_url: Callable[[Case], str] | None = None,
) -> HttpResponse:
    """A form about one case: GET is an audited read; POST calls one service, whose
    own audit event is the only one; a refusal shows on the form and writes nothing."""
    actor = actor_from_request(request)
    posted = request.method == "POST"
    case = access_case(actor, case_id, permission=permission, log_read=not posted)
    form = build_form(case, request.POST if posted else None)
    done = form_saved(
        request,
        form,
        lambda: save(actor, case, form),
        success=success_message,
        redirect_to=success_url(case) if success_url else reverse("case_detail", args=[case.pk]),
        aliases=aliases,
    )
    if done is not None:
        return done
    context = {
        "case": case,
        "consumer": case.consumer,
        "form": form,
        "title": title,
        "submit_label": submit_label,
        "cancel_url": reverse("case_detail", args=[case.pk]),
        "ended": case.state in rules.TERMINAL_STATES,
        **(extra(case) if extra else {}),
    }
    return render(request, template, context)
