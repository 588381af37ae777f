"""Pages for the worklist, the case, intake, notices, consent and the case lifecycle.

Thin: parse → `access_*` → one service or selector → render. A page that shows
consumer data writes exactly one audit event (the access check's read, or the
service's write); a refusal writes one denied event and is a 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casework.assessments.selectors import need_list_for_case, response_list_for_case
from casework.careplans.selectors import care_plan_for_case, care_plan_version_view
from casework.cases import rules
from casework.cases import services as case_services
from casework.cases.access import access_case, user_may
from casework.cases.forms import (
    CloseForm,
    ConsentForm,
    IntakeForm,
    NoticeForm,
    ReassignForm,
    VersionForm,
    WithdrawForm,
    WorklistFilterForm,
)
from casework.cases.models import (
    Case,
    CaseState,
    ConsentDecision,
    NoticeKind,
    RecipientType,
)
from casework.cases.selectors import (
    case_facts,
    case_list_for_consumer,
    consent_history,
    notice_list_for_case,
    worklist_build,
)
from casework.consumers.services import ConsumerFields
from casework.coordination.models import WorkItemStatus
from casework.coordination.selectors import (
    care_team_for_consumer,
    communication_list_for_case,
    note_list_for_case,
    work_item_list_for_case,
)
from casework.core import clock
from casework.core.actor import Actor, actor_from_request
from casework.core.audit import audit_denied, audit_record
from casework.core.errors import DomainError
from casework.core.forms import add_domain_error
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.staff import services as staff_services
from casework.staff.models import User

NOTICE_LANGUAGES = {"en", "es"}


# --------------------------------------------------------------------------- worklist


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < len(raw) < 7 else 1


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


def _pager(
    filters: dict[str, str], param: str, page: int, pages: int, **keep: int
) -> list[PageLink]:
    """Links to every page of one worklist table (USWDS pagination), filters kept."""
    if pages <= 1:
        return []
    base = {k: v for k, v in filters.items() if v}
    base.update({k: str(v) for k, v in keep.items() if v > 1})
    return [
        PageLink(n, "?" + urlencode({**base, param: str(n)}), n == page)
        for n in range(1, pages + 1)
    ]


@login_required
@require_http_methods(["GET"])
def worklist(request: HttpRequest) -> HttpResponse:
    """My open cases (or my team's, for a supervisor), overdue and due work first.
    Audited as one `list` event."""
    actor = actor_from_request(request)
    user = actor.user
    supervises = user.role == Role.SUPERVISOR  # only supervisors lead teams (policy: team scope)
    form = WorklistFilterForm(
        request.GET or None,
        state_choices=[c for c in CaseState.choices if c[0] in rules.OPEN_STATES],
        team=supervises,
    )
    scope, state, due = ("team" if supervises else "mine"), "", "7"
    if form.is_bound and form.is_valid():
        scope = form.cleaned_data.get("scope") or scope
        state = form.cleaned_data.get("state") or ""
        due = form.cleaned_data.get("due") or "7"
    team = supervises and scope == "team"
    worklist = worklist_build(
        user=user,
        team=team,
        state=state,
        due=due,
        case_page=_page_number(request.GET.get("case_page")),
        item_page=_page_number(request.GET.get("item_page")),
    )
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="worklist",
        detail={
            "scope": scope,
            "cases": len(worklist.cases),
            "work_items": len(worklist.items),
            "case_ids": [row["id"] for row in worklist.cases],
        },
    )
    filters = {"scope": scope, "state": state, "due": due}
    context = {
        "nav": "worklist",
        "form": form,
        "team": team,
        "worklist": worklist,
        "now": clock.now(),
        "case_pager": _pager(
            filters,
            "case_page",
            worklist.case_page,
            worklist.case_pages,
            item_page=worklist.item_page,
        ),
        "item_pager": _pager(
            filters,
            "item_page",
            worklist.item_page,
            worklist.item_pages,
            case_page=worklist.case_page,
        ),
        "may_intake": user_may(actor, Permission.CASE_INTAKE),
        # One reverse for every row's link: "<prefix><case id>/".
        "case_url": reverse("case_detail", args=[0]).removesuffix("0/"),
    }
    template = "cases/worklist.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
        context["fragment"] = True
    return render(request, template, context)


# --------------------------------------------------------------------------- case page


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


# --------------------------------------------------------------------------- forms


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
    if posted and form.is_valid():
        try:
            save(actor, case, form)
        except DomainError as exc:
            add_domain_error(form, exc, aliases=aliases)
        else:
            messages.success(request, success_message)
            if success_url is not None:
                return redirect(success_url(case))
            return redirect("case_detail", case_id=case.pk)
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


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Take a referral (professional, self or family) for a new consumer; opens a case."""
    actor = actor_from_request(request)
    if not user_may(actor, Permission.CASE_INTAKE):
        audit_denied(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="case",
            object_id="",
            reason="role may not take referrals",
        )
        raise Http404("No page here.")
    team_members = None
    if actor.role == Role.SUPERVISOR:
        team_members = User.objects.filter(
            role=Role.CASE_MANAGER, is_active=True, team__supervisor=actor.user
        ).order_by("last_name", "first_name", "id")
    form = IntakeForm(request.POST or None, team_members=team_members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_services.referral_intake(
                actor=actor,
                source=data["source"],
                reason=data["reason"],
                received_at=data["received_at"],
                referrer_name=data["referrer_name"],
                referrer_organization=data["referrer_organization"],
                referrer_contact=data["referrer_contact"],
                complexity=data["complexity"],
                severity=data.get("severity") or "moderate",
                assign_to=data.get("assign_to"),
                override_reason=data.get("override_reason", ""),
                new_consumer=cast(ConsumerFields, {k: data[k] for k in IntakeForm.CONSUMER_FIELDS}),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Referral recorded and case opened for %(name)s.") % {"name": case.consumer},
            )
            return redirect("case_detail", case_id=case.pk)
    return render(request, "cases/intake.html", {"form": form, "nav": "intake"})


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest, case_id: int) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return NoticeForm(
            data,
            language=case.consumer.preferred_language,
            kind=request.GET.get("kind", ""),
        )

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        d = form.cleaned_data
        return case_services.notice_record(
            actor=actor,
            case=case,
            kind=d["kind"],
            method=d["method"],
            delivered_at=d["delivered_at"],
            acknowledgement=d["acknowledgement"],
            language=d["language"],
            recipient_type=d["recipient_type"],
            recipient_name=d["recipient_name"],
            interpreter_used=d["interpreter_used"],
            good_faith_note=d["good_faith_note"],
        )

    return case_form_page(
        request,
        case_id,
        permission=Permission.CASE_MANAGE,
        build_form=build,
        save=save,
        title=_("Record a notice given"),
        submit_label=_("Record notice"),
        success_message=_("Notice recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, case_id: int) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        facts = case_facts(case=case)
        return ConsentForm(
            data,
            decisions=[d for d in ConsentDecision.values if rules.may_record_consent(facts, d)],
            surrogates=case.consumer.support_persons.filter(is_legal_decision_maker=True),
            makes_own_decisions=case.consumer.makes_own_decisions,
        )

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        d = form.cleaned_data
        return case_services.consent_record(
            actor=actor,
            case=case,
            decision=d["decision"],
            method=d["method"],
            decided_at=d["decided_at"],
            given_by=d["given_by"],
            surrogate=d["surrogate"],
            evidence=d["evidence"],
        )

    return case_form_page(
        request,
        case_id,
        permission=Permission.CASE_MANAGE,
        build_form=build,
        save=save,
        title=_("Record consent to case management"),
        submit_label=_("Record decision"),
        success_message=_("Consent decision recorded."),
    )


@login_required
@require_POST
def case_activate(request: HttpRequest, case_id: int) -> HttpResponse:
    """Start services on an engaged case (a button on the case page)."""
    actor = actor_from_request(request)
    case = access_case(actor, case_id, permission=Permission.CASE_MANAGE, log_read=False)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete. Reload the page and try again."))
        return redirect("case_detail", case_id=case.pk)
    try:
        case_services.case_activate(actor=actor, case=case, version=form.cleaned_data["version"])
    except DomainError as exc:
        add_domain_error(form, exc)
        for error in form.non_field_errors():
            messages.error(request, str(error))
    else:
        messages.success(request, _("Services started: the case is active."))
    return redirect("case_detail", case_id=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_withdraw(request: HttpRequest, case_id: int) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return WithdrawForm(data, initial={"version": case.version})

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        d = form.cleaned_data
        return case_services.case_withdraw(
            actor=actor, case=case, version=d["version"], reason=d["reason"]
        )

    return case_form_page(
        request,
        case_id,
        permission=Permission.CASE_MANAGE,
        build_form=build,
        save=save,
        title=_("Withdraw the case"),
        submit_label=_("Withdraw case"),
        success_message=_("The case is withdrawn."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        providers = [
            m.name
            for m in care_team_for_consumer(consumer_id=case.consumer_id)
            if m.is_external_provider
        ]
        return CloseForm(
            data,
            providers=providers,
            instructions=case.program.after_closure_contact,
            initial={"version": case.version},
        )

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        assert isinstance(form, CloseForm)
        d = form.cleaned_data
        when = d["consumer_delivered_at"]
        return case_services.case_close(
            actor=actor,
            case=case,
            version=d["version"],
            reason=d["reason"],
            instructions=d["instructions"],
            summary=d["summary"],
            consumer_notice=case_services.ClosureNotice(
                method=d["consumer_method"],
                delivered_at=when,
                recipient_name=str(case.consumer),
                recipient_type=RecipientType.CONSUMER,
            ),
            provider_notices=[
                case_services.ClosureNotice(
                    method=method,
                    delivered_at=when,
                    recipient_name=name,
                    recipient_type=RecipientType.PROVIDER,
                )
                for name, method in form.provider_notices()
            ],
            no_providers_involved=d["no_providers_involved"],
        )

    def extra(case: Case) -> dict[str, Any]:
        return {"open_work_items": case_facts(case=case).open_work_items}

    return case_form_page(
        request,
        case_id,
        permission=Permission.CASE_MANAGE,
        build_form=build,
        save=save,
        title=_("Close the case"),
        submit_label=_("Close case"),
        success_message=_("The case is closed and the closure notices are recorded."),
        template="cases/close.html",
        aliases={
            "consumer_notice": "consumer_method",
            "provider_notices": "provider_1_name",
            "closure_reason": "reason",
            "closure_instructions": "instructions",
            "closure_summary": "summary",
        },
        extra=extra,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_reassign(request: HttpRequest, case_id: int) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        candidates = User.objects.filter(
            role=Role.CASE_MANAGER, is_active=True, team__supervisor_id=request.user.pk
        ).order_by("last_name", "first_name", "id")
        if case.assigned_to_id is not None:
            candidates = candidates.exclude(pk=case.assigned_to_id)
        form = ReassignForm(data, candidates=candidates, initial={"version": case.version})
        suggested = staff_services.assignment_suggestions(
            team_members=list(candidates),
            complexity=case.complexity,
            severity=case.severity,
            consumer_id=case.consumer_id,
            language=case.consumer.preferred_language,
        )
        names = ", ".join(u.get_full_name() or u.username for u in suggested[:3])
        form.fields["assign_to"].help_text = (
            _("Suggested (ready, with room, by continuity, language and load): %(names)s")
            % {"names": names}
            if names
            else _("Nobody on your team is ready with room for this case.")
        )
        return form

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        d = form.cleaned_data
        return case_services.case_reassign(
            actor=actor,
            case=case,
            version=d["version"],
            assign_to=d["assign_to"],
            reason=d["reason"],
            override_reason=d["override_reason"],
        )

    return case_form_page(
        request,
        case_id,
        permission=Permission.CASE_REASSIGN,
        build_form=build,
        save=save,
        title=_("Reassign the case"),
        submit_label=_("Reassign"),
        success_message=_("The case is reassigned; its open work items moved with it."),
    )


# --------------------------------------------------------------------------- notices


@login_required
@require_http_methods(["GET"])
def notice_print(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """A printable notice in the consumer's preferred language (English when the program
    has no catalog for it). Audited as one `print` event (S20)."""
    if kind not in NoticeKind.values:
        raise Http404("No such notice.")
    actor = actor_from_request(request)
    case = access_case(actor, case_id, log_read=False)
    if kind == NoticeKind.CLOSURE and case.state != CaseState.CLOSED:
        audit_denied(
            actor=actor,
            action=AuditAction.PRINT,
            object_type="notice",
            object_id=kind,
            reason="the case is not closed",
        )
        raise Http404("The case is not closed.")
    preferred = case.consumer.preferred_language
    language = preferred if preferred in NOTICE_LANGUAGES else "en"
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        consumer_id=case.consumer_id,
        object_type="notice",
        object_id=kind,
        detail={"case_id": case.pk, "language": language},
    )
    with translation.override(language):
        language_name = translation.get_language_info(language)["name_local"]
    return render(
        request,
        "cases/notice_print.html",
        {
            "case": case,
            "consumer": case.consumer,
            "program": case.program,
            "kind": kind,
            "notice_language": language,
            "language_name": language_name,
            "fallback": language != preferred,
            "today": clock.today(),
        },
    )
