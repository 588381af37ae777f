"""The transition page of a stay and its steps, the printable choice list (English and
Spanish), the follow-up worklist, and the closed-loop community referral pages."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_denied, audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.resources import selectors as resource_selectors
from casework.stays.models import Stay
from casework.transitions import documents, selectors, services
from casework.transitions.forms import (
    AttemptForm,
    BarrierForm,
    BarrierResolveForm,
    BarrierResponseForm,
    ChoiceListForm,
    ChoicesForm,
    EducationForm,
    EscalateForm,
    EscalationPathForm,
    HandoffForm,
    PlacementForm,
    PlanForm,
    ReadmissionForm,
    ReceiptForm,
    ReferralForm,
    ReferralStatusForm,
)
from casework.transitions.models import NEED_LABELS, CommunityReferral, SequencingBarrier
from casework.transitions.rules import (
    AttemptOutcome,
    BarrierReason,
    BarrierState,
    ContactChannel,
    Destination,
    EducationAudience,
    EducationMethod,
    PostAcuteNeed,
    ReferralStatus,
    RootCause,
    SequencedItem,
    TeachBack,
)
from casework.web.access import (
    access_consumer,
    access_referral,
    access_sequencing_barrier,
    access_stay,
    refuse,
    stay_reach_q,
    user_may,
)
from casework.web.api import audit_list
from casework.web.guard import page_view
from casework.web.pages import bound, form_page, titled_form_page

TEMPLATE_FORM = "transitions/form.html"

# The printed choice list, in the consumer's language (42 CFR 482.43(c)).
CHOICE_TEXT = {
    "en": {
        "title": "Your choice of post-acute providers",
        "intro": "These providers participate in Medicare and serve your area. You may "
        "choose any of them; we will respect your choice where we can. The quality "
        "information is the program's copy of public data.",
        "interest": "The program has a financial interest in this provider.",
        "stars": "Star rating",
        "none": "No rating",
        "measures": "Quality measures",
    },
    "es": {
        "title": "Su elección de proveedores de atención posaguda",
        "intro": "Estos proveedores participan en Medicare y prestan servicios en su zona. "
        "Puede elegir cualquiera de ellos; respetaremos su elección siempre que sea "
        "posible. La información de calidad es la copia del programa de los datos públicos.",
        "interest": "El programa tiene un interés financiero en este proveedor.",
        "stars": "Calificación por estrellas",
        "none": "Sin calificación",
        "measures": "Medidas de calidad",
    },
}
FOLLOW_UP_LIMIT = 100


def _back(stay: Stay) -> str:
    return reverse("transition_detail", args=[stay.pk])


@page_view(["GET"], Permission.CONSUMER_READ, access_stay, log_read=True)
def transition_detail(request: HttpRequest, actor: Actor, stay: Stay) -> HttpResponse:
    """The stay's transition of care: plan (with every version), choice lists, choices,
    placement, handoff and receipt, follow-up attempts, clocks, readmission. Audits one
    read."""
    found = selectors.transition_of_stay(stay=stay)
    return render(
        request,
        "transitions/detail.html",
        {
            "nav": "census",
            "stay": stay,
            "t": found,
            "education": list(selectors.education_of_stay(stay_id=stay.pk)[:100]),
            "barriers": list(selectors.sequencing_barriers_of_stay(stay_id=stay.pk)[:100]),
            "need_labels": {k.value: v for k, v in NEED_LABELS.items()},
            "may_manage": user_may(actor, Permission.CASE_MANAGE),
            "now": clock.now(),
        },
    )


def _plan_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    data = form.cleaned_data
    return services.transition_plan_save(
        actor=actor,
        stay=stay,
        facts=services.PlanFacts(
            destination=Destination(data["destination"]),
            anticipated_discharge_date=data["anticipated_discharge_date"],
            needs=tuple(PostAcuteNeed(n) for n in data["needs"]),
            barriers=data["barriers"],
            readmission_risk=data["readmission_risk"],
            risk=services.RiskEntries(
                comorbidity_codes=tuple(data["comorbidity_codes"]),
                acute=data["acute"],
                haemoglobin=data["haemoglobin"],
                sodium=data["sodium"],
                oncology=data["oncology"],
                procedure=data["procedure"],
            ),
        ),
        version=data["version"],
    )


def _plan_form(stay: Stay, data: Any) -> forms.Form:
    plan = selectors.transition_of_stay(stay=stay).plan
    initial: dict[str, Any] = {"version": 0}
    if plan is not None:
        initial = {
            "version": plan.version,
            "destination": plan.destination,
            "anticipated_discharge_date": plan.anticipated_discharge_date,
            "needs": plan.needs,
            "barriers": plan.barriers,
            "readmission_risk": plan.readmission_risk,
            "comorbidity_codes": " ".join(plan.risk_inputs.get("comorbidity_codes", [])),
            "acute": plan.risk_inputs.get("acute"),
            "haemoglobin": plan.risk_inputs.get("haemoglobin"),
            "sodium": plan.risk_inputs.get("sodium"),
            "oncology": plan.risk_inputs.get("oncology"),
            "procedure": plan.risk_inputs.get("procedure"),
        }
    return PlanForm(data, initial=initial)


def _choice_list_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    data = form.cleaned_data
    kind = PostAcuteNeed(data["provider_type"])
    return services.choice_list_create(
        actor=actor,
        stay=stay,
        provider_type=kind,
        postal_code=data["postal_code"],
        providers=selectors.choice_list_providers(
            program_id=stay.program_id, provider_type=kind, postal_code=data["postal_code"]
        ),
        language=data["language"],
    )


def _latest_list(stay: Stay) -> Any:
    lists = selectors.transition_of_stay(stay=stay).choice_lists
    if not lists:
        raise Http404("No choice list yet.")
    return lists[0]


def _choices_form(stay: Stay, data: Any) -> forms.Form:
    latest = _latest_list(stay)
    return ChoicesForm(data, providers=[(e["provider_id"], e["name"]) for e in latest.entries])


def _choices_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    return services.choices_record(
        actor=actor, choice_list=_latest_list(stay), provider_ids=form.cleaned_data["provider_ids"]
    )


def _placement_form(stay: Stay, data: Any) -> forms.Form:
    seen: dict[int, str] = {}
    for choice_list in selectors.transition_of_stay(stay=stay).choice_lists:
        for entry in choice_list.entries:
            seen.setdefault(entry["provider_id"], entry["name"])
    if not seen:
        raise Http404("No choice list yet.")
    return PlacementForm(data, providers=sorted(seen.items(), key=lambda item: item[1]))


def _placement_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    provider = selectors.provider_of_program(
        program_id=stay.program_id, provider_id=form.cleaned_data["provider_id"]
    )
    if provider is None:
        raise ValidationFailed.single("provider_id", _("no such provider in your program"))
    return services.placement_record(
        actor=actor, stay=stay, provider=provider, reason=form.cleaned_data["reason"]
    )


def _handoff_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    assert isinstance(form, HandoffForm)
    return services.handoff_send(
        actor=actor,
        stay=stay,
        receiver_name=form.cleaned_data["receiver_name"],
        contents=form.contents(),
    )


def _receipt_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    handoff = selectors.handoff_of_stay(stay_id=stay.pk)
    if handoff is None:
        raise Http404("No handoff yet.")
    return services.handoff_confirm(
        actor=actor, handoff=handoff, confirmed_by=form.cleaned_data["confirmed_by"]
    )


def _attempt_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    data = form.cleaned_data
    return services.follow_up_attempt_record(
        actor=actor,
        stay=stay,
        attempted_at=data["attempted_at"],
        channel=ContactChannel(data["channel"]),
        outcome=AttemptOutcome(data["outcome"]),
        note=data["note"],
    )


def _readmission_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    readmission = selectors.readmission_of_stay(stay_id=stay.pk)
    if readmission is None:
        raise Http404("Not a readmission.")
    data = form.cleaned_data
    return services.readmission_review(
        actor=actor,
        readmission=readmission,
        planned=data["planned"],
        planned_reason=data["planned_reason"],
        root_cause=RootCause(data["root_cause"]) if data["root_cause"] else None,
        notes=data["notes"],
    )


def _plain(form_class: type[forms.Form]) -> Callable[[Stay, Any], forms.Form]:
    return lambda stay, data: form_class(data)


def _attempt_form(stay: Stay, data: Any) -> forms.Form:
    return AttemptForm(data, initial={"attempted_at": clock.now().replace(second=0, microsecond=0)})


def _education_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    data = form.cleaned_data
    return services.education_record(
        actor=actor,
        stay=stay,
        facts=services.EducationFacts(
            topic=data["topic"],
            audience=EducationAudience(data["audience"]),
            method=EducationMethod(data["method"]),
            teach_back=TeachBack(data["teach_back"]),
            given_at=data["given_at"],
            materials=data["materials"],
            materials_language=data["materials_language"],
            note=data["note"],
        ),
    )


def _education_form(stay: Stay, data: Any) -> forms.Form:
    return EducationForm(
        data,
        initial={
            "given_at": clock.now().replace(second=0, microsecond=0),
            "materials_language": stay.consumer.preferred_language,
        },
    )


def _barrier_save(actor: Actor, stay: Stay, form: forms.Form) -> object:
    data = form.cleaned_data
    return services.sequencing_barrier_record(
        actor=actor,
        stay=stay,
        facts=services.BarrierFacts(
            item=SequencedItem(data["item"]),
            description=data["description"],
            ordered_at=data["ordered_at"],
            expected_at=data["expected_at"],
            reason=BarrierReason(data["reason"]),
            note=data["note"],
        ),
    )


STEPS: dict[str, dict[str, Any]] = {
    "plan": {
        "form": _plan_form,
        "save": _plan_save,
        "title": gettext_lazy("Transition plan"),
        "submit": gettext_lazy("Save a new version"),
        "success": gettext_lazy("Transition plan saved."),
    },
    "choice-list": {
        "form": _plain(ChoiceListForm),
        "save": _choice_list_save,
        "title": gettext_lazy("Present a choice list"),
        "submit": gettext_lazy("Present the list"),
        "success": gettext_lazy("Choice list recorded. Print it for the consumer."),
    },
    "choices": {
        "form": _choices_form,
        "save": _choices_save,
        "title": gettext_lazy("Record the consumer's choices"),
        "submit": gettext_lazy("Record choices"),
        "success": gettext_lazy("Choices recorded."),
    },
    "placement": {
        "form": _placement_form,
        "save": _placement_save,
        "title": gettext_lazy("Record the placement"),
        "submit": gettext_lazy("Record placement"),
        "success": gettext_lazy("Placement recorded."),
    },
    "handoff": {
        "form": _plain(HandoffForm),
        "save": _handoff_save,
        "title": gettext_lazy("Send the handoff"),
        "submit": gettext_lazy("Send handoff"),
        "success": gettext_lazy("Handoff sent."),
    },
    "receipt": {
        "form": _plain(ReceiptForm),
        "save": _receipt_save,
        "title": gettext_lazy("Confirm receipt of the handoff"),
        "submit": gettext_lazy("Confirm receipt"),
        "success": gettext_lazy("Receipt confirmed."),
    },
    "attempt": {
        "form": _attempt_form,
        "save": _attempt_save,
        "title": gettext_lazy("Log a follow-up attempt"),
        "submit": gettext_lazy("Log attempt"),
        "success": gettext_lazy("Attempt logged."),
    },
    "education": {
        "form": _education_form,
        "save": _education_save,
        "title": gettext_lazy("Record education"),
        "submit": gettext_lazy("Record education"),
        "success": gettext_lazy("Education recorded."),
    },
    "barrier": {
        "form": _plain(BarrierForm),
        "save": _barrier_save,
        "title": gettext_lazy("Record a sequencing barrier"),
        "submit": gettext_lazy("Record barrier"),
        "success": gettext_lazy("Sequencing barrier recorded."),
    },
    "readmission": {
        "form": _plain(ReadmissionForm),
        "save": _readmission_save,
        "title": gettext_lazy("Review the readmission"),
        "submit": gettext_lazy("Record review"),
        "success": gettext_lazy("Readmission review recorded."),
    },
}


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_stay, log_read="get")
def transition_step(request: HttpRequest, actor: Actor, stay: Stay, step: str) -> HttpResponse:
    """One step of the transition, on its own form page (404 for an unknown step)."""
    spec = STEPS.get(step)
    if spec is None:
        raise Http404("No such step.")
    form = spec["form"](stay, bound(request))
    return titled_form_page(
        request,
        form,
        lambda: spec["save"](actor, stay, form),
        template=TEMPLATE_FORM,
        title=spec["title"],
        submit=spec["submit"],
        success=str(spec["success"]),
        back=_back(stay),
        stay=stay,
    )


@page_view(["GET"], Permission.CONSUMER_READ, access_stay)
def choice_list_print(request: HttpRequest, actor: Actor, stay: Stay) -> HttpResponse:
    """The latest choice list to print, in English or Spanish (`?lang=`; the list's own
    language by default). Audited as one `print` event."""
    choice_list = _latest_list(stay)
    language = request.GET.get("lang") or choice_list.language
    if language not in CHOICE_TEXT:
        language = "en"
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        consumer_id=stay.consumer_id,
        object_type="choice_list",
        object_id=choice_list.pk,
        detail={"language": language},
    )
    return render(
        request,
        "transitions/choice_list_print.html",
        {
            "stay": stay,
            "choice_list": choice_list,
            "text": CHOICE_TEXT[language],
            "language": language,
            "kind": NEED_LABELS[PostAcuteNeed(choice_list.provider_type)],
        },
    )


@page_view(["GET"], Permission.CONSUMER_READ, object_type="stay")
def follow_up_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Discharges of the last 30 days whose follow-up is still open, soonest due first,
    of the consumers and units the user reaches. Audited as one `list` event."""
    if not user_may(actor, Permission.CONSUMER_READ):
        audit_denied(
            actor=actor,
            action=AuditAction.LIST,
            object_type="stay",
            object_id="",
            reason="role lacks consumer.read",
        )
        raise Http404("No page here.")
    now = clock.now()
    rows = selectors.follow_up_worklist(
        reach=stay_reach_q(actor.user, Permission.CONSUMER_READ), now=now, limit=FOLLOW_UP_LIMIT
    )
    audit_list(actor, object_type="stay", count=len(rows), returned=[r["pk"] for r in rows])
    return render(
        request,
        "transitions/follow_up.html",
        {"nav": "census", "rows": rows, "now": now, "limit": FOLLOW_UP_LIMIT},
    )


# --- sequencing barriers and their escalation path -----------------------------------------


@page_view(["GET"], Permission.CONSUMER_READ, access_sequencing_barrier, log_read=True)
def sequencing_barrier_detail(
    request: HttpRequest, actor: Actor, barrier: SequencingBarrier
) -> HttpResponse:
    """A sequencing barrier: what is delayed and why, each level it was escalated to
    with its deadline and response, and its clock. Audits one read."""
    return render(
        request,
        "transitions/barrier.html",
        {
            "nav": "census",
            "barrier": barrier,
            "escalations": list(selectors.sequencing_escalations(barrier_id=barrier.pk)),
            "clock": selectors.sequencing_clock(barrier_id=barrier.pk),
            "may_manage": user_may(actor, Permission.CASE_MANAGE),
            "open": barrier.state == BarrierState.OPEN,
            "escalated": barrier.state == BarrierState.ESCALATED,
        },
    )


def _barrier_page(
    request: HttpRequest,
    barrier: SequencingBarrier,
    form: forms.Form,
    save: Callable[[], object],
    *,
    title: str,
    submit: str,
    success: str,
    intro: str = "",
) -> HttpResponse:
    return titled_form_page(
        request,
        form,
        save,
        template=TEMPLATE_FORM,
        title=title,
        submit=submit,
        success=success,
        back=reverse("sequencing_barrier_detail", args=[barrier.pk]),
        stay=barrier.stay,
        intro=intro,
    )


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_sequencing_barrier, log_read="get")
def sequencing_barrier_escalate(
    request: HttpRequest, actor: Actor, barrier: SequencingBarrier
) -> HttpResponse:
    """Escalate the barrier: level 1 of the program's path opens with its deadline."""
    form = EscalateForm(bound(request))
    first = selectors.sequencing_path(program_id=barrier.program_id)[0]
    return _barrier_page(
        request,
        barrier,
        form,
        lambda: services.sequencing_barrier_escalate(actor=actor, barrier=barrier),
        title=_("Escalate the barrier"),
        submit=_("Escalate"),
        success=_("Barrier escalated."),
        intro=_("Level 1 (%(role)s) is asked and has %(hours)s hours to respond.")
        % {"role": first.role, "hours": first.response_hours},
    )


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_sequencing_barrier, log_read="get")
def sequencing_barrier_respond(
    request: HttpRequest, actor: Actor, barrier: SequencingBarrier
) -> HttpResponse:
    """Record the response of the barrier's current level (and whether it resolves it)."""
    form = BarrierResponseForm(
        bound(request),
        initial={"responded_at": clock.now().replace(second=0, microsecond=0)},
    )

    def save() -> object:
        data = form.cleaned_data
        return services.sequencing_response_record(
            actor=actor,
            barrier=barrier,
            responder=data["responder"],
            response=data["response"],
            responded_at=data["responded_at"],
            resolves=data["resolves"],
        )

    return _barrier_page(
        request,
        barrier,
        form,
        save,
        title=_("Record the response"),
        submit=_("Record response"),
        success=_("Response recorded."),
    )


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_sequencing_barrier, log_read="get")
def sequencing_barrier_resolve(
    request: HttpRequest, actor: Actor, barrier: SequencingBarrier
) -> HttpResponse:
    """Resolve the barrier: its clock closes."""
    form = BarrierResolveForm(bound(request))
    return _barrier_page(
        request,
        barrier,
        form,
        lambda: services.sequencing_barrier_resolve(
            actor=actor, barrier=barrier, resolution=form.cleaned_data["resolution"]
        ),
        title=_("Resolve the barrier"),
        submit=_("Resolve"),
        success=_("Barrier resolved."),
    )


@page_view(["GET", "POST"], Permission.CONSUMER_READ, object_type="sequencing_path")
def sequencing_path_edit(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The program's escalation path for sequencing barriers; its clinical director
    edits it (the service refuses anyone else). Saving audits one update."""
    program_id = actor.user.program_id or 0
    path = selectors.sequencing_path(program_id=program_id)
    initial: dict[str, object] = {}
    for level in path:
        initial[f"level_{level.level}_role"] = level.role
        initial[f"level_{level.level}_hours"] = level.response_hours
    form = EscalationPathForm(bound(request), initial=initial)
    back = reverse("sequencing_path_edit")
    return form_page(
        request,
        form,
        lambda: services.sequencing_path_set(
            actor=actor, program_id=program_id, levels=form.levels()
        ),
        success=_("Escalation path saved."),
        redirect_to=back,
        template=TEMPLATE_FORM,
        context={
            "nav": "census",
            "title": _("Escalation path for sequencing barriers"),
            "submit_label": _("Save the path"),
            "back": reverse("census"),
            "intro": _(
                "Each level is asked in turn; a level that does not resolve the barrier "
                "within its hours passes it to the next. The program's clinical director "
                "edits the path."
            )
            if not selectors.sequencing_path_is_default(program_id=program_id)
            else _("The program uses the default path until its clinical director saves one."),
        },
    )


# --- community referrals ------------------------------------------------------------------


@page_view(["GET"], Permission.CONSUMER_READ, access_consumer)
def referral_list(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    """A consumer's community referrals, newest first. Audited as one `list` event."""
    rows = list(selectors.referrals_of_consumer(consumer_id=consumer.pk)[:200])
    audit_list(
        actor,
        object_type="community_referral",
        count=len(rows),
        returned=[r.pk for r in rows],
        consumer_id=consumer.pk,
    )
    return render(
        request,
        "transitions/referral_list.html",
        {
            "consumer": consumer,
            "rows": rows,
            "may_manage": user_may(actor, Permission.CASE_MANAGE),
        },
    )


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_consumer, log_read="get")
def referral_create(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    """Send a closed-loop referral to a service of the resource directory."""
    initial = {"service_id": request.GET.get("service", "")}
    form = ReferralForm(bound(request), initial=initial)

    def save() -> object:
        service = resource_selectors.service_by_id(str(form.cleaned_data["service_id"]))
        if service is None:
            raise ValidationFailed.single("service_id", _("no such service in the directory"))
        return services.referral_send(
            actor=actor,
            consumer=consumer,
            service=service,
            need=form.cleaned_data["need"],
            note=form.cleaned_data["note"],
        )

    return titled_form_page(
        request,
        form,
        save,
        template=TEMPLATE_FORM,
        title=_("Refer to a community service"),
        submit=_("Send referral"),
        success=_("Referral sent."),
        back=reverse("referral_list", args=[consumer.pk]),
        consumer=consumer,
    )


@page_view(["GET"], Permission.CONSUMER_READ, access_referral, log_read=True)
def referral_detail(
    request: HttpRequest, actor: Actor, referral: CommunityReferral
) -> HttpResponse:
    """One referral with its status history and clock. Audits one read."""
    return render(
        request,
        "transitions/referral.html",
        {
            "referral": referral,
            "history": list(selectors.referral_history(referral_id=referral.pk)),
            "clock": selectors.referral_clock(referral_id=referral.pk),
            "open": referral.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED),
            "may_manage": user_may(actor, Permission.CASE_MANAGE),
        },
    )


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_referral, log_read="get")
def referral_status(
    request: HttpRequest, actor: Actor, referral: CommunityReferral
) -> HttpResponse:
    """Move the referral along its loop (accepted, completed; rejected or cancelled with
    the reason)."""
    form = ReferralStatusForm(bound(request))

    def save() -> object:
        return services.referral_status_set(
            actor=actor,
            referral=referral,
            status=ReferralStatus(form.cleaned_data["status"]),
            reason=form.cleaned_data["reason"],
        )

    return titled_form_page(
        request,
        form,
        save,
        template=TEMPLATE_FORM,
        title=_("Update the referral"),
        submit=_("Update"),
        success=_("Referral updated."),
        back=reverse("referral_detail", args=[referral.pk]),
        consumer=referral.consumer,
    )


@page_view(["GET"], Permission.CONSUMER_READ, access_stay)
def handoff_pdf(request: HttpRequest, actor: Actor, stay: Stay) -> HttpResponse:
    """The handoff PDF (`?lang=en|es`; the consumer's language by default). Audits one
    print; a stay without a handoff is 404 (one denied event)."""
    handoff = selectors.handoff_of_stay(stay_id=stay.pk)
    if handoff is None:
        raise refuse(actor, AuditAction.PRINT, "handoff", stay.pk)
    language = documents.handoff_language(handoff, request.GET.get("lang", ""))
    services.handoff_printed(actor=actor, handoff=handoff, language=language)
    response = HttpResponse(
        documents.handoff_pdf(handoff, language), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="handoff-{stay.pk}.pdf"'
    return response
