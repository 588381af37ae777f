"""Pages for work items, communications and notes (F1, F3)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from casework.cases import rules
from casework.cases.models import Case
from casework.cases.selectors import case_facts
from casework.coordination import selectors, services
from casework.coordination.forms import (
    CommunicationForm,
    NoteAmendForm,
    NoteForm,
    Part2ConsentForm,
    WorkItemCancelForm,
    WorkItemCompleteForm,
    WorkItemEditForm,
    WorkItemForm,
)
from casework.coordination.models import WorkItem
from casework.core.actor import Actor
from casework.core.errors import DomainError
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.staff.models import User
from casework.staff.selectors import active_staff
from casework.web.access import access_case, access_work_item
from casework.web.api import service_step
from casework.web.forms import add_domain_error
from casework.web.guard import page_view
from casework.web.pages import case_form_page, form_view, record_form_page, service_save

OWNER_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.SENIOR_CLINICAL)


def _owners(case: Case) -> QuerySet[User]:
    """Who may own a work item on ``case``: active case-management staff of its program."""
    return active_staff(program_id=case.program_id, roles=OWNER_ROLES)


def _clinical(case: Case) -> bool:
    return bool(rules.may_record_clinical(case_facts(case=case)))


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
def work_item_create(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        assert isinstance(request.user, User)
        return WorkItemForm(data, clinical=_clinical(case), owners=_owners(case), me=request.user)

    save = service_save(
        services.work_item_create, "title", "kind", "owner", "due_at", "description"
    )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Add a work item"),
        submit_label=_("Add work item"),
        success_message=_("Work item added."),
    )


def _work_item_page(
    request: HttpRequest,
    actor: Actor,
    item: WorkItem,
    *,
    success_message: str,
    secondary: bool = False,
    **page: Any,
) -> HttpResponse:
    """A form about one work item, on a page guarded with `log_read="get"`. Posted in
    place from the worklist or the case page (HTMX), it answers with the item's row:
    done, or the refusal and a link to the page (nothing written)."""
    if request.method == "POST" and request.headers.get("HX-Request") == "true":
        return _work_item_in_place(request, actor, item, **page)
    return record_form_page(
        request,
        actor,
        item,
        case=item.case,
        success_message=success_message % {"title": item.title},
        template="coordination/work_item_finish.html",
        extra=lambda item: {"item": item, "secondary": secondary},
        **page,
    )


def _work_item_in_place(
    request: HttpRequest,
    actor: Actor,
    item: WorkItem,
    *,
    build_form: Callable[[WorkItem, Any], forms.Form],
    save: Callable[[Actor, WorkItem, forms.Form], object],
    **page: Any,
) -> HttpResponse:
    form = build_form(item, request.POST)
    error = ""
    if form.is_valid():
        try:
            save(actor, item, form)
        except DomainError as exc:
            add_domain_error(form, exc)
    if form.errors:
        error = "; ".join(str(message) for messages in form.errors.values() for message in messages)
    return render(
        request,
        "coordination/work_item_done.html",
        {"item": item, "error": error, "page_url": request.path},
    )


def _work_item_view(
    build: Callable[[WorkItem, Any], forms.Form],
    save: Callable[[Actor, WorkItem, forms.Form], object],
    texts: Callable[[], tuple[str, str, str]],
    *,
    secondary: bool = False,
) -> Callable[..., HttpResponse]:
    """The `_work_item_page` of a form about one open item (`texts()`'s success message
    may name the item's `%(title)s`)."""
    return form_view(
        Permission.CASE_MANAGE,
        access_work_item,
        build,
        save,
        texts,
        page=_work_item_page,
        secondary=secondary,
    )


def _work_item_step(
    form_class: type[forms.Form],
    service: Callable[..., object],
    texts: Callable[[], tuple[str, str, str]],
    *,
    secondary: bool = False,
) -> Callable[..., HttpResponse]:
    """One step of an open item: `form_class` carries the version read and the step's
    fields, `service(actor=…, item=…, version=…, **the fields)` is the write."""

    def save(actor: Actor, item: WorkItem, form: forms.Form) -> object:
        fields = dict(form.cleaned_data)
        return service_step(service, actor, "item")(item, fields.pop("version"), fields)

    return _work_item_view(
        lambda item, data: form_class(data, initial={"version": item.version}),
        save,
        texts,
        secondary=secondary,
    )


work_item_complete = _work_item_step(
    WorkItemCompleteForm,
    services.work_item_complete,
    lambda: (
        _("Complete a work item"),
        _("Mark completed"),
        _("Work item completed: %(title)s"),
    ),
)
work_item_cancel = _work_item_step(
    WorkItemCancelForm,
    services.work_item_cancel,
    lambda: (_("Cancel a work item"), _("Cancel work item"), _("Work item cancelled: %(title)s")),
    secondary=True,
)


def _edit_form(item: WorkItem, data: Any) -> forms.Form:
    return WorkItemEditForm(data, item=item, owners=_owners(item.case))


def _edit_save(actor: Actor, item: WorkItem, form: forms.Form) -> object:
    assert isinstance(form, WorkItemEditForm)
    changes = form.changes()
    return services.work_item_update(
        actor=actor, item=item, version=form.cleaned_data["version"], **changes
    )


# Change an open work item's title, owner, due date or description.
work_item_edit = _work_item_view(
    _edit_form,
    _edit_save,
    lambda: (_("Edit a work item"), _("Save changes"), _("Work item saved: %(title)s")),
)


@page_view(["GET", "POST"], Permission.RECORD_NOTE, access_case, log_read="get")
def communication_create(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return CommunicationForm(data, clinical=_clinical(case))

    save = service_save(
        services.communication_create,
        "channel",
        "direction",
        "topic",
        "parties",
        "summary",
        "occurred_at",
    )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Log a communication"),
        submit_label=_("Log communication"),
        success_message=_("Communication logged."),
    )


@page_view(["GET", "POST"], Permission.RECORD_NOTE, access_case, log_read="get")
def note_create(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return NoteForm(data, clinical=_clinical(case))

    save = service_save(services.note_create, "kind", "text", "part2")

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Write a case note"),
        submit_label=_("Sign and save note"),
        success_message=_("Note signed and saved."),
    )


def _part2_consent_save(actor: Actor, case: Case, form: forms.Form) -> object:
    data = form.cleaned_data
    if data["action"] == "revoke":
        return services.part2_consent_revoke(
            actor=actor, case=case, role=data["role"], payer=data["payer"]
        )
    return services.part2_consent_grant(
        actor=actor, case=case, role=data["role"], payer=data["payer"], scope=data["scope"]
    )


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
def part2_consent(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """Record or revoke the consumer's 42 CFR Part 2 consent for one role or one payer
    (S40): the service's one audited event."""
    return case_form_page(
        request,
        actor,
        case,
        build_form=lambda case, data: Part2ConsentForm(data),
        save=_part2_consent_save,
        title=_("Part 2 consent (substance use disorder records)"),
        submit_label=_("Save"),
        success_message=_("Part 2 consent saved."),
    )


@page_view(["GET", "POST"], Permission.RECORD_NOTE, access_case, log_read="get")
def note_amend(request: HttpRequest, actor: Actor, case: Case, note_id: int) -> HttpResponse:
    """Amend a signed note of the case: a new signed note that corrects it, with the
    reason; the original is kept and shown as amended. One create event."""
    original = selectors.note_of_case(case_id=case.pk, note_id=note_id, actor=actor)
    if original is None:
        raise Http404

    def build(case: Case, data: Any) -> forms.Form:
        return NoteAmendForm(data, initial={"text": original.text})

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return services.note_create(
            actor=actor,
            case=case,
            kind=original.kind,
            text=form.cleaned_data["text"],
            amends=original,
            amendment_reason=form.cleaned_data["amendment_reason"],
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Amend the %(kind)s of %(date)s")
        % {"kind": original.get_kind_display().lower(), "date": f"{original.signed_at:%Y-%m-%d}"},
        submit_label=_("Sign and save amendment"),
        success_message=_("Amendment signed and saved."),
    )
