"""The case page: composed here from the fragments each context supplies for a case
(cases, consumers, coordination, assessments, careplans), read once, one audited read.
The consumer page likewise composes the consumer and their cases."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.assessments import selectors as assessments
from casework.careplans import selectors as careplans
from casework.cases import rules
from casework.cases import selectors as cases
from casework.cases.models import Case
from casework.consumers import selectors as consumers
from casework.consumers.models import Consumer
from casework.coordination import selectors as coordination
from casework.core import clock
from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.web.access import access_case, access_consumer, user_may
from casework.web.guard import guard


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
            TimelineEntry(
                case.ended_at,
                _("Case %(state)s") % {"state": case.get_state_display().lower()},
                case.get_closure_reason_display() if case.closure_reason else "",
            )
        )
    for response in parts.get("assessment_history", []):
        score = "" if response.total_score is None else str(response.total_score)
        band = response.result.get("band_label") or ""
        entries.append(
            TimelineEntry(
                response.administered_at,
                _("Assessment: %(title)s") % {"title": response.instrument.title},
                " · ".join(part for part in (score, band) if part),
            )
        )
    for version in parts.get("plan_versions", []):
        entries.append(
            TimelineEntry(
                version.created_at,
                _("Plan of care version %(number)s") % {"number": version.number},
                f"{version.reason} · {version.author}",
            )
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
                (_("%(kind)s amended") if note.amends_id else _("%(kind)s signed"))
                % {"kind": note.get_kind_display()},
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


def case_page_context(actor: Actor, case: Case) -> dict[str, Any]:
    """Everything the case page shows, read once (the guard has audited the read)."""
    now = clock.now()
    parts: dict[str, Any] = {
        **cases.case_section(case=case),
        **consumers.consumer_section(consumer=case.consumer),
        **coordination.case_section(
            case_id=case.pk, consumer_id=case.consumer_id, now=now, actor=actor
        ),
        **assessments.case_section(case_id=case.pk, actor=actor),
        **careplans.case_section(case_id=case.pk, actor=actor),
    }
    return {
        **parts,
        "case": case,
        "consumer": case.consumer,
        "now": now,
        "timeline": _timeline(case, parts),
        "may_manage": user_may(actor, Permission.CASE_MANAGE),
        "may_note": user_may(actor, Permission.RECORD_NOTE),
        "may_plan": user_may(actor, Permission.CARE_PLAN),
        "may_reassign": user_may(actor, Permission.CASE_REASSIGN)
        and case.state in rules.OPEN_STATES,
    }


@login_required
@require_http_methods(["GET"])
@guard(Permission.CONSUMER_READ, access_case, log_read=True)
def case_detail(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """The consumer and case page: one audited read for the whole page."""
    return render(request, "cases/case_detail.html", case_page_context(actor, case))


@login_required
@require_http_methods(["GET"])
@guard(Permission.CONSUMER_READ, access_consumer, log_read=True)
def consumer_detail(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    """The consumer's summary and their cases. One audited read."""
    return render(
        request,
        "consumers/consumer_detail.html",
        {
            "consumer": consumer,
            "cases": list(cases.case_list_for_consumer(consumer_id=consumer.pk)),
            **consumers.consumer_section(consumer=consumer),
        },
    )
