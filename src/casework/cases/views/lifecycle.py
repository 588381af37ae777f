"""Intake, notices, consent and the case lifecycle: activate, withdraw, close, reassign."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casework.cases import rules
from casework.cases import services as case_services
from casework.cases.forms import (
    BulkReassignForm,
    CloseForm,
    ConsentForm,
    EnrollmentNoticesForm,
    IntakeForm,
    NoticeForm,
    ReassignForm,
    VersionForm,
    WithdrawForm,
)
from casework.cases.models import (
    Case,
    ConsentDecision,
    RecipientType,
)
from casework.cases.selectors import (
    case_facts,
    case_list_for_worklist,
)
from casework.consumers.rules import DuplicateDecision
from casework.consumers.selectors import consumer_list_by_ids, legal_decision_makers
from casework.consumers.services import ConsumerFields, LikelyDuplicate
from casework.coordination.selectors import (
    care_team_for_consumer,
)
from casework.core.actor import Actor, actor_from_request
from casework.core.audit import audit_record
from casework.core.errors import DomainError
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.staff import services as staff_services
from casework.staff.selectors import caseload_limit, caseload_weights, team_case_managers
from casework.web.access import (
    access_case,
    access_consumer,
    page_refused_unless,
    reaches_consumer,
)
from casework.web.forms import add_domain_error
from casework.web.guard import guard, page_view
from casework.web.pages import case_form_page, service_save


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Take a referral (professional, self or family) for a new consumer; opens a case."""
    actor = actor_from_request(request)
    page_refused_unless(
        actor,
        Permission.CASE_INTAKE,
        action=AuditAction.CREATE,
        reason="role may not take referrals",
    )
    team_members = None
    if actor.role == Role.SUPERVISOR:
        team_members = team_case_managers(supervisor_id=actor.user.pk)
    form = IntakeForm(request.POST or None, team_members=team_members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = cast(ConsumerFields, {k: data[k] for k in IntakeForm.CONSUMER_FIELDS})
        consumer, decision = None, ""
        if data["duplicate"].startswith("same-"):
            # "The same person": the consumer chosen, loaded through the guard's reach.
            consumer = access_consumer(
                actor,
                int(data["duplicate"].removeprefix("same-")),
                permission=Permission.CASE_INTAKE,
                log_read=False,
            )
            decision = DuplicateDecision.SAME
        elif data["duplicate"] == DuplicateDecision.DIFFERENT:
            decision = DuplicateDecision.DIFFERENT
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
                reaches_consumer=reaches_consumer(actor),
                consumer=consumer,
                new_consumer=None if consumer is not None else fields,
                duplicate_decision=decision,
            )
        except LikelyDuplicate as exc:
            # Shown as a choice: the consumers named are ones the user reaches; listing
            # them is one audited list, as a search is.
            form.offer_duplicates(consumer_list_by_ids(consumer_ids=exc.candidates))
            audit_record(
                actor=actor,
                action=AuditAction.LIST,
                object_type="consumer",
                detail={"likely_duplicates": exc.candidates},
            )
            add_domain_error(form, exc, aliases={"duplicate_decision": "duplicate"})
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if consumer is None and case.consumer.created_at < case.opened_at:
                # Details given as new, record number of a consumer the user reaches.
                messages.info(
                    request,
                    _(
                        "%(name)s already has a record with this record number: the referral"
                        " is linked to it."
                    )
                    % {"name": case.consumer},
                )
            messages.success(
                request,
                _("Referral recorded and case opened for %(name)s.") % {"name": case.consumer},
            )
            return redirect("case_detail", case_id=case.pk)
    return render(request, "cases/intake.html", {"form": form, "nav": "intake"})


# How a notice was given: the fields one notice and the enrollment notices share.
NOTICE_DELIVERY = (
    "method",
    "delivered_at",
    "acknowledgement",
    "language",
    "recipient_type",
    "recipient_name",
    "interpreter_used",
    "good_faith_note",
)


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
def notice_create(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return NoticeForm(
            data,
            language=case.consumer.preferred_language,
            kind=request.GET.get("kind", ""),
        )

    save = service_save(
        case_services.notice_record,
        "kind",
        *NOTICE_DELIVERY,
    )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Record a notice given"),
        submit_label=_("Record notice"),
        success_message=_("Notice recorded."),
    )


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
def enrollment_notices_create(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """The enrollment notices given together: one form, one audit event, each notice
    stored as one recorded alone (issue 13, item 11)."""

    def build(case: Case, data: Any) -> forms.Form:
        return EnrollmentNoticesForm(
            data,
            language=case.consumer.preferred_language,
            missing=rules.missing_enrollment_notices(case_facts(case=case)),
        )

    save = service_save(
        case_services.enrollment_notices_record,
        "kinds",
        *NOTICE_DELIVERY,
    )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Record the enrollment notices given"),
        submit_label=_("Record notices"),
        success_message=_("Notices recorded."),
    )


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
def consent_create(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        facts = case_facts(case=case)
        return ConsentForm(
            data,
            decisions=[d for d in ConsentDecision.values if rules.may_record_consent(facts, d)],
            surrogates=legal_decision_makers(consumer_id=case.consumer_id),
            makes_own_decisions=case.consumer.makes_own_decisions,
        )

    save = service_save(
        case_services.consent_record,
        "decision",
        "method",
        "decided_at",
        "given_by",
        "surrogate",
        "evidence",
    )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Record consent to case management"),
        submit_label=_("Record decision"),
        success_message=_("Consent decision recorded."),
    )


@login_required
@require_POST
@guard(Permission.CASE_MANAGE, access_case, log_read=False)
def case_activate(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """Start services on an engaged case (a button on the case page)."""
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


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
def case_withdraw(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return WithdrawForm(data, initial={"version": case.version})

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        d = form.cleaned_data
        return case_services.case_withdraw(
            actor=actor, case=case, version=d["version"], reason=d["reason"]
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Withdraw the case"),
        submit_label=_("Withdraw case"),
        success_message=_("The case is withdrawn."),
    )


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
def case_close(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
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
        actor,
        case,
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


@page_view(["GET", "POST"], Permission.CASE_REASSIGN, access_case, log_read="get")
def case_reassign(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        candidates = team_case_managers(supervisor_id=actor.user.pk)
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
            keep_on_care_team_as=d["keep_on_care_team_as"],
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Reassign the case"),
        submit_label=_("Reassign"),
        success_message=_("The case is reassigned; its open work items moved with it."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cases_reassign(request: HttpRequest) -> HttpResponse:
    """Reassign several of the team's open cases to one case manager (issue 13, item
    11), the picker showing each person's weighted caseload. The list shown is one
    audited list; the reassignment audits one update per case, or nothing when refused."""
    actor = actor_from_request(request)
    page_refused_unless(
        actor,
        Permission.CASE_REASSIGN,
        action=AuditAction.UPDATE,
        reason="role may not reassign cases",
    )
    cases = list(case_list_for_worklist(user=actor.user, team=True, states=None))
    candidates = list(team_case_managers(supervisor_id=actor.user.pk))
    form = BulkReassignForm(
        request.POST or None,
        cases=cases,
        candidates=candidates,
        weights=caseload_weights(user_ids=[u.pk for u in candidates]),
        limit=caseload_limit(user=candidates[0]) if candidates else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [case for case in cases if case.pk in set(data["cases"])]
        assignee = next(u for u in candidates if u.pk == data["assign_to"])
        try:
            done = case_services.cases_reassign(
                actor=actor,
                cases=chosen,
                assign_to=assignee,
                reason=data["reason"],
                override_reason=data["override_reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(count)s cases reassigned to %(name)s.")
                % {"count": len(done), "name": assignee.get_full_name() or assignee.username},
            )
            return redirect("cases_reassign")
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="case",
        detail={"count": len(cases), "ids": [case.pk for case in cases], "bulk_reassign": True},
    )
    return render(
        request,
        "cases/reassign_bulk.html",
        {"form": form, "cases": cases, "nav": "worklist"},
    )
