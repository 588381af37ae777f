"""Pages of the payer interface and denials (H2, H4): the payers' terms, the denials
list, the authorization, denial, appeal and outcome forms reached from the stay page,
the appeal packet PDF, and the pages a payer clock on the worklist links to."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_denied, audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.stays import rules as stay_rules
from casework.stays.deadlines import facility_zone
from casework.stays.models import Stay
from casework.stays.payers import (
    education,
    peer_to_peer_services,
    rules,
    selectors,
    services,
)
from casework.stays.payers.deadlines import EDUCATION
from casework.stays.payers.forms import (
    AppealForm,
    AuthorizationForm,
    AuthorizationStepForm,
    DenialFilterForm,
    DenialForm,
    DenialReportForm,
    EducationDoneForm,
    OutcomeForm,
    PeerToPeerForm,
    PeerToPeerStepForm,
)
from casework.stays.payers.models import UNIT_LABELS
from casework.web.access import access_stay, refuse, stay_reach_q, user_may
from casework.web.api import audit_list, service_step
from casework.web.guard import page_view
from casework.web.pages import bound, form_page, step_view, titled_form_page

LIST_LIMIT = 200


def _list_refused_unless(actor: Actor, object_type: str) -> None:
    """A list page for roles that read consumers: anyone else gets a 404, audited."""
    if user_may(actor, Permission.CONSUMER_READ):
        return
    audit_denied(
        actor=actor,
        action=AuditAction.LIST,
        object_type=object_type,
        object_id="",
        reason=f"role lacks {Permission.CONSUMER_READ}",
    )
    raise Http404("No page here.")


def stay_payer_context(stay: Stay, actor: Actor) -> dict[str, Any]:
    """What the stay page shows of the payer: the payer's settings, the authorizations
    and denials with their clocks, and the days in the house beyond those authorized.
    A fixed number of queries whatever the number of rows."""
    authorizations = list(selectors.authorization_list(stay_id=stay.pk))
    denials = list(selectors.denial_list_of_stay(stay_id=stay.pk))
    peers = list(selectors.peer_to_peer_list(stay_id=stay.pk))
    clocks = selectors.payer_clocks(
        authorization_ids=[a.pk for a in authorizations],
        denial_ids=[d.pk for d in denials],
        peer_to_peer_ids=[p.pk for p in peers],
    )
    by_subject: dict[tuple[str, int], list[object]] = {}
    for row in clocks:
        by_subject.setdefault((row.subject_type, row.subject_id), []).append(row)
    end = stay.discharged_at or clock.now()
    in_house = stay_rules.midnights(stay.admitted_at, end, facility_zone())
    current = next(
        (
            a
            for a in authorizations
            if a.state in rules.DECIDED_STATES and not rules.is_post_acute(a.level_of_care)
        ),
        None,
    )
    return {
        "payer_settings": selectors.payer_for_stay(stay=stay),
        "authorizations": [
            (a, by_subject.get(("stay_authorization", a.pk), []))
            for a in authorizations
            if not rules.is_post_acute(a.level_of_care)
        ],
        "post_acute_authorizations": [
            (a, by_subject.get(("stay_authorization", a.pk), []))
            for a in authorizations
            if rules.is_post_acute(a.level_of_care)
        ],
        "denials": [(d, by_subject.get(("stay_denial", d.pk), [])) for d in denials],
        "peer_to_peers": [(p, by_subject.get(("stay_peer_to_peer", p.pk), [])) for p in peers],
        "may_request_peer_to_peer": any(
            a.state in rules.PEER_TO_PEER_AUTHORIZATION_STATES for a in authorizations
        )
        or any(d.state == rules.DenialState.OPEN for d in denials),
        "days_over_authorized": rules.days_over_authorized(
            authorized_days=current.authorized_days if current else None,
            days_in_house=in_house,
        ),
        "may_manage_payer": user_may(actor, Permission.CASE_MANAGE),
    }


# --- program lists -----------------------------------------------------------------------


@page_view(["GET"], Permission.CONSUMER_READ, object_type="payer_settings")
def payer_settings_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The program's payers and their terms (read only; edited in the admin). Audited
    as one `list` event."""
    _list_refused_unless(actor, "payer_settings")
    rows = list(selectors.payer_settings_list(program_id=actor.user.program_id or 0))
    audit_list(actor, object_type="payer_settings", count=len(rows), returned=[p.pk for p in rows])
    return render(
        request,
        "stays/payers/payers.html",
        {"nav": "census", "rows": rows, "units": UNIT_LABELS},
    )


@page_view(["GET"], Permission.CONSUMER_READ, object_type="stay_denial")
def denial_list_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Denials of the stays I reach, newest received first, by payer and state, with the
    days and money denied and recovered. Audited as one `list` event."""
    _list_refused_unless(actor, "stay_denial")
    payers = selectors.payer_settings_list(program_id=actor.user.program_id or 0)
    form = DenialFilterForm(request.GET or None, payers=[(p.pk, p.name) for p in payers])
    payer_id, state = None, ""
    if form.is_bound and form.is_valid():
        payer_id = form.cleaned_data.get("payer")
        state = form.cleaned_data.get("state") or ""
    rows = list(
        selectors.denial_list(
            reach=stay_reach_q(actor.user, Permission.CONSUMER_READ),
            payer_id=payer_id,
            state=state,
        ).prefetch_related("appeals")[:LIST_LIMIT]
    )
    audit_list(actor, object_type="stay_denial", count=len(rows), returned=[d.pk for d in rows])
    return render(
        request,
        "stays/payers/denials.html",
        {"nav": "denials", "form": form, "rows": rows, "limit": LIST_LIMIT},
    )


@page_view(["GET"], Permission.UM_REPORT, object_type="denial_report", action=AuditAction.LIST)
def denial_report_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Denials of the program by reason category, kind, unit, attending, payer or week,
    with appeal outcomes and what was recovered. Names no consumer. One `list` event."""
    form = DenialReportForm(request.GET or None)
    by, start, end = rules.DenialReportDimension.CATEGORY, None, None
    if form.is_bound and form.is_valid():
        by = rules.DenialReportDimension(
            form.cleaned_data.get("by") or rules.DenialReportDimension.CATEGORY
        )
        start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    rows = (
        selectors.denial_report(program_id=actor.user.program_id or 0, by=by, start=start, end=end)
        if not form.is_bound or form.is_valid()
        else []
    )
    audit_list(actor, object_type="denial_report", count=len(rows), returned=[], by=by.value)
    return render(
        request,
        "stays/payers/denial_report.html",
        {
            "nav": "denials",
            "form": form,
            "rows": rows,
            "total": selectors.denial_report_total(rows),
            "taxonomy": settings.CASEWORK_STAYS_DENIAL_TAXONOMY,
        },
    )


# --- forms reached from the stay page ----------------------------------------------------


def _on_stay_page(stay: Stay, *, title: str, submit: str, success: str) -> dict[str, Any]:
    """What a form reached from the stay page shows and where it returns."""
    return {
        "template": "stays/payers/form.html",
        "title": title,
        "submit": submit,
        "success": success,
        "back": reverse("stay_detail", args=[stay.pk]) + "#payer",
        "stay": stay,
    }


def _stay_new(
    build: Callable[[Stay, HttpRequest], forms.Form],
    service: Callable[..., object],
    facts: Callable[[Any], object],
    texts: Callable[[], tuple[str, str, str]],
) -> Callable[..., HttpResponse]:
    """The page that records a new record of the stay: `build(stay, request)` makes the
    form, a valid one is saved by `service(actor=…, stay=…, facts=facts(form))`, the one
    event; `texts()` gives its title, submit label and success message."""

    @page_view(["GET", "POST"], Permission.CASE_MANAGE, access_stay, log_read="get")
    def view(request: HttpRequest, actor: Actor, stay: Stay) -> HttpResponse:
        form = build(stay, request)
        title, submit, success = texts()
        return titled_form_page(
            request,
            form,
            lambda: service(actor=actor, stay=stay, facts=facts(form)),
            **_on_stay_page(stay, title=title, submit=submit, success=success),
        )

    return view


def _stay_step(
    record_of: Callable[..., Any],
    form_class: type[forms.Form],
    step: Callable[[Actor], Callable[[Any, int, dict[str, Any]], object]],
    missing: str,
    texts: Callable[[], tuple[str, str, str]],
) -> Callable[..., HttpResponse]:
    """The page that records one step of a record of the stay (the record's id is the
    URL's other value): `texts()` gives its title, submit label and success message."""

    def page(stay: Stay) -> dict[str, Any]:
        title, submit, success = texts()
        return _on_stay_page(stay, title=title, submit=submit, success=success)

    return step_view(
        Permission.CASE_MANAGE,
        access_stay,
        record_of=lambda stay, **record_id: record_of(stay=stay, **record_id),
        form_class=form_class,
        step=step,
        page=page,
        missing=missing,
    )


stay_authorization_new = _stay_new(
    lambda stay, request: AuthorizationForm(bound(request)),
    services.authorization_open,
    lambda form: services.AuthorizationFacts(**form.cleaned_data),
    lambda: (
        _("Open a payer authorization"),
        _("Open the authorization"),
        _("Authorization opened."),
    ),
)


stay_authorization_step_page = _stay_step(
    selectors.authorization_on_stay,
    AuthorizationStepForm,
    lambda actor: service_step(
        services.authorization_step, actor, "authorization", services.StepFacts
    ),
    "No such authorization.",
    lambda: (_("Record a step of the authorization"), _("Record"), _("Authorization updated.")),
)


def _denial_form(stay: Stay, request: HttpRequest) -> forms.Form:
    authorizations = [
        (a.pk, f"{a.get_level_of_care_display()} ({a.reference_number or a.pk})")
        for a in selectors.authorization_list(stay_id=stay.pk)
    ]
    taxonomy = rules.denial_taxonomy(settings.CASEWORK_STAYS_DENIAL_TAXONOMY)
    return DenialForm(bound(request), authorizations=authorizations, categories=taxonomy.categories)


stay_denial_new = _stay_new(
    _denial_form,
    services.denial_record,
    lambda form: services.DenialFacts(**form.cleaned_data),
    lambda: (
        _("Record a denial"),
        _("Record the denial"),
        _("Denial recorded; the appeal filing clock runs."),
    ),
)


stay_appeal_new = _stay_step(
    selectors.denial_on_stay,
    AppealForm,
    lambda actor: service_step(services.appeal_file, actor, "denial", services.AppealFacts),
    "No such denial.",
    lambda: (
        _("File an appeal"),
        _("File the appeal"),
        _("Appeal filed; the payer's decision clock runs."),
    ),
)


stay_appeal_outcome_page = _stay_step(
    selectors.appeal_on_stay,
    OutcomeForm,
    lambda actor: service_step(services.appeal_decide, actor, "appeal", services.OutcomeFacts),
    "No such appeal.",
    lambda: (_("Record the appeal's outcome"), _("Record the outcome"), _("Outcome recorded.")),
)


def _peer_to_peer_subjects(stay: Stay) -> list[tuple[str, str]]:
    """The stay's adverse decisions a peer-to-peer may be about."""
    subjects = [
        (
            f"authorization-{a.pk}",
            _("Authorization: %(level)s, %(state)s")
            % {"level": a.get_level_of_care_display(), "state": a.get_state_display()},
        )
        for a in selectors.authorization_list(stay_id=stay.pk)
        if a.state in rules.PEER_TO_PEER_AUTHORIZATION_STATES
    ]
    subjects += [
        (
            f"denial-{d.pk}",
            _("Denial received %(day)s: %(kind)s")
            % {"day": d.received_date.isoformat(), "kind": d.get_kind_display()},
        )
        for d in selectors.denial_list_of_stay(stay_id=stay.pk)
        if d.state == rules.DenialState.OPEN
    ]
    return subjects


def _peer_to_peer_form(stay: Stay, request: HttpRequest) -> forms.Form:
    """The request of a peer-to-peer about one of the stay's adverse decisions
    (`?about=authorization-<id>` or `denial-<id>` preselects it)."""
    return PeerToPeerForm(
        bound(request),
        subjects=_peer_to_peer_subjects(stay),
        initial={"about": request.GET.get("about", "")},
    )


stay_peer_to_peer_new = _stay_new(
    _peer_to_peer_form,
    peer_to_peer_services.peer_to_peer_request,
    lambda form: peer_to_peer_services.PeerToPeerFacts(**form.facts()),
    lambda: (
        _("Request a peer-to-peer with the payer"),
        _("Request the peer-to-peer"),
        _("Peer-to-peer requested; the payer's window runs."),
    ),
)


stay_peer_to_peer_step_page = _stay_step(
    selectors.peer_to_peer_on_stay,
    PeerToPeerStepForm,
    lambda actor: service_step(
        peer_to_peer_services.peer_to_peer_step,
        actor,
        "peer",
        peer_to_peer_services.PeerToPeerStepFacts,
    ),
    "No such peer-to-peer.",
    lambda: (_("Record the peer-to-peer"), _("Record"), _("Peer-to-peer updated.")),
)


# --- the pages a payer clock on the worklist links to ------------------------------------


def _to_stay(
    actor: Actor, stay_id: int | None, object_type: str, record_id: int, anchor: str
) -> HttpResponse:
    if stay_id is None:
        raise refuse(actor, AuditAction.READ, object_type, record_id)
    stay = access_stay(actor, stay_id, permission=Permission.CONSUMER_READ, log_read=False)
    return redirect(reverse("stay_detail", args=[stay.pk]) + f"#{anchor}-{record_id}")


@page_view(["GET"], Permission.CONSUMER_READ, object_type="stay_authorization")
def stay_authorization_page(
    request: HttpRequest, actor: Actor, authorization_id: int
) -> HttpResponse:
    """An authorization's place on its stay page (the stay page writes the read)."""
    stay_id = selectors.stay_of_authorization(authorization_id=authorization_id)
    return _to_stay(actor, stay_id, "stay_authorization", authorization_id, "authorization")


@page_view(["GET"], Permission.CONSUMER_READ, object_type="stay_peer_to_peer")
def stay_peer_to_peer_page(
    request: HttpRequest, actor: Actor, peer_to_peer_id: int
) -> HttpResponse:
    """A peer-to-peer's place on its stay page (the stay page writes the read)."""
    stay_id = selectors.stay_of_peer_to_peer(peer_to_peer_id=peer_to_peer_id)
    return _to_stay(actor, stay_id, "stay_peer_to_peer", peer_to_peer_id, "peer-to-peer")


@page_view(["GET"], Permission.CONSUMER_READ, object_type="stay_denial")
def stay_denial_page(request: HttpRequest, actor: Actor, denial_id: int) -> HttpResponse:
    """A denial's place on its stay page (the stay page writes the read)."""
    stay_id = selectors.stay_of_denial(denial_id=denial_id)
    return _to_stay(actor, stay_id, "stay_denial", denial_id, "denial")


# --- denial prevention education ---------------------------------------------------------


@page_view(["GET"], Permission.UM_REPORT, object_type=EDUCATION, action=AuditAction.LIST)
def denial_education_list_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The program's open denial education items (prevention), oldest first, each with
    its target, reason category, window, denials counted and owner. One `list` event."""
    rows = education.education_list(program_id=actor.user.program_id or 0)
    labels = _category_labels()
    for row in rows:
        row.category_label = labels.get(row.reason_category, row.reason_category)  # type: ignore[attr-defined]
    audit_list(actor, object_type=EDUCATION, count=len(rows), returned=[r.pk for r in rows])
    return render(
        request,
        "stays/payers/education.html",
        {"nav": "denials", "rows": rows},
    )


def _category_labels() -> dict[str, str]:
    taxonomy = rules.denial_taxonomy(settings.CASEWORK_STAYS_DENIAL_TAXONOMY)
    return dict(taxonomy.categories)


@page_view(["GET", "POST"], Permission.UM_REPORT, object_type=EDUCATION)
def denial_education_page(request: HttpRequest, actor: Actor, education_id: int) -> HttpResponse:
    """One education item, with the form that marks it done with a note. A GET audits
    one read; the done its update; an item of another program is a 404, one denial."""
    item = education.education_of_program(
        program_id=actor.user.program_id or 0, education_id=education_id
    )
    if item is None:
        raise Http404("No such education item.")
    item.category_label = _category_labels().get(item.reason_category, item.reason_category)  # type: ignore[attr-defined]
    form = EducationDoneForm(request.POST or None, initial={"version": item.version})
    if request.method == "GET":
        audit_record(actor=actor, action=AuditAction.READ, object_type=EDUCATION, object_id=item.pk)

    def save() -> object:
        return education.education_done(
            actor=actor,
            item=item,
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )

    return form_page(
        request,
        form,
        save,
        success=_("Education item marked done."),
        redirect_to=reverse("denial_education_list"),
        template="stays/payers/education_item.html",
        context={"nav": "denials", "item": item},
    )
