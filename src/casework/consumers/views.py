"""Pages for the consumer and their support system (C4, C5)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.cases.models import Case
from casework.cases.selectors import consumers_with_open_cases
from casework.consumers import rules, selectors, services
from casework.consumers.forms import (
    AdvanceDirectiveEditForm,
    AdvanceDirectiveForm,
    ConsumerEditForm,
    ConsumerMergeForm,
    ConsumerMergeUndoForm,
    RemovalForm,
    SupportPersonEditForm,
    SupportPersonForm,
)
from casework.consumers.models import AdvanceDirective, Consumer, ConsumerMerge, SupportPerson
from casework.core.actor import Actor, actor_from_request
from casework.core.audit import audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.governance.selectors import consumer_holds
from casework.web.access import (
    access_case,
    access_consumer,
    confidentiality_gate,
    reach_q,
    reaches_consumer,
    refuse,
    user_may,
)
from casework.web.forms import page_number
from casework.web.guard import page_view
from casework.web.pages import case_form_page, form_page, form_view, record_form_page


def _create_view(
    form_class: type[forms.Form],
    create: Callable[..., object],
    texts: Callable[[], tuple[str, str, str]],
) -> Callable[..., HttpResponse]:
    """Add a record to the support system of the case's consumer: `create(actor=…,
    consumer=…, **the form's fields)`, the one service whose event is the write's;
    `texts()` gives the page's title, submit label and success message."""

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return create(actor=actor, consumer=case.consumer, **form.cleaned_data)

    return form_view(
        Permission.CASE_MANAGE, access_case, lambda case, data: form_class(data), save, texts
    )


support_person_create = _create_view(
    SupportPersonForm,
    services.support_person_create,
    lambda: (_("Add a support person"), _("Add support person"), _("Support person added.")),
)
advance_directive_create = _create_view(
    AdvanceDirectiveForm,
    services.advance_directive_create,
    lambda: (
        _("Record an advance directive"),
        _("Record directive"),
        _("Advance directive recorded."),
    ),
)


@page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
def consumer_edit(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """Change the consumer's details (language, interpreter need, decision-making, contact)
    from one of their cases. Only the changed fields are sent to the service."""

    def build(case: Case, data: Any) -> forms.Form:
        consumer = case.consumer
        initial = {name: getattr(consumer, name) for name in ConsumerEditForm.CONSUMER_FIELDS}
        return ConsumerEditForm(data, initial={**initial, "version": consumer.version})

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        assert isinstance(form, ConsumerEditForm)
        changes = form.changes()
        return services.consumer_update(
            actor=actor,
            consumer=case.consumer,
            version=form.cleaned_data["version"],
            reaches=reaches_consumer(actor),
            **changes,
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Edit the consumer's details"),
        submit_label=_("Save changes"),
        success_message=_("Consumer's details saved."),
    )


type _Record = SupportPerson | AdvanceDirective


def _kept_record_pages[R: _Record](
    record_of: Callable[..., R | None],
    form_class: type[SupportPersonEditForm] | type[AdvanceDirectiveEditForm],
    record_param: str,
    services_of: tuple[Callable[..., object], Callable[..., object]],
    edit_texts: Callable[[], tuple[str, str]],
    remove_texts: Callable[[R], tuple[str, str, str]],
) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    """The edit and remove pages of a record of the support system of the case's
    consumer, found by `record_of(consumer_id=…, <the URL's record id>)` (a plain 404
    otherwise, which the guard records as one denied event). Edit: the form shows the
    editable fields and only the changed ones go to the update service (the earlier
    version is kept); `edit_texts()` gives its title and success message. Remove: kept
    with the reason, no longer shown; `remove_texts(record)` gives its title, submit
    label and success message."""
    update, remove = services_of

    def found(case: Case, values: dict[str, int]) -> R:
        record = record_of(consumer_id=case.consumer_id, **values)
        if record is None:
            raise Http404
        return record

    def build_edit(record: R, data: Any) -> forms.Form:
        initial = {name: getattr(record, name) for name in form_class.EDITABLE}
        return form_class(data, initial={**initial, "version": record.version})

    def save_edit(actor: Actor, record: R, form: forms.Form) -> object:
        assert isinstance(form, form_class)
        changes = form.changes()
        version = form.cleaned_data["version"]
        return update(actor=actor, **{record_param: record}, version=version, **changes)

    def save_removal(actor: Actor, record: R, form: forms.Form) -> object:
        fields = form.cleaned_data
        return remove(
            actor=actor,
            **{record_param: record},
            version=fields["version"],
            reason=fields["reason"],
        )

    @page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
    def edit(request: HttpRequest, actor: Actor, case: Case, **values: int) -> HttpResponse:
        title, success = edit_texts()
        return record_form_page(
            request,
            actor,
            found(case, values),
            case=case,
            build_form=build_edit,
            save=save_edit,
            title=title,
            submit_label=_("Save changes"),
            success_message=success,
        )

    @page_view(["GET", "POST"], Permission.CASE_MANAGE, access_case, log_read="get")
    def removal(request: HttpRequest, actor: Actor, case: Case, **values: int) -> HttpResponse:
        record = found(case, values)
        title, submit, success = remove_texts(record)
        return record_form_page(
            request,
            actor,
            record,
            case=case,
            build_form=lambda record, data: RemovalForm(data, initial={"version": record.version}),
            save=save_removal,
            title=title,
            submit_label=submit,
            success_message=success,
        )

    return edit, removal


support_person_edit, support_person_remove = _kept_record_pages(
    selectors.support_person_of,
    SupportPersonEditForm,
    "person",
    (services.support_person_update, services.support_person_remove),
    lambda: (_("Change a support person"), _("Support person changed.")),
    lambda person: (
        _("Remove %(name)s from the support system") % {"name": person.name},
        _("Remove support person"),
        _("Support person removed."),
    ),
)
advance_directive_edit, advance_directive_remove = _kept_record_pages(
    selectors.advance_directive_of,
    AdvanceDirectiveEditForm,
    "directive",
    (services.advance_directive_update, services.advance_directive_remove),
    lambda: (_("Change an advance directive"), _("Advance directive changed.")),
    lambda directive: (
        _("Remove an advance directive"),
        _("Remove directive"),
        _("Advance directive removed."),
    ),
)


DIRECTORY_PAGE = 50


class FindForm(forms.Form):
    q = forms.CharField(
        label=_("Name, birth date, record number, member id or phone"),
        help_text=_("For example: Rivera 1950-01-31, MRN000123 or 312 555 0100."),
        max_length=200,
        required=False,
    )


@login_required
@require_http_methods(["GET"])
def consumer_find(request: HttpRequest) -> HttpResponse:
    """Find a consumer (and, with nothing typed, the directory of every consumer the user
    reaches). Only consumers within the user's reach are searched. Audited as one `list`
    event naming the kinds of criteria and the consumers shown, never as reads of each."""
    actor = actor_from_request(request)
    if not user_may(actor, Permission.CONSUMER_READ):
        raise refuse(actor, AuditAction.LIST, "consumer_search", "")
    confidentiality_gate(actor, AuditAction.LIST, "consumer_search", "")
    form = FindForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    terms = rules.search_terms(text)
    reach = reach_q(actor.user, Permission.CONSUMER_READ)
    page = page_number(request.GET.get("page"))
    more = False
    if text:
        rows = selectors.consumer_search(reach=reach, terms=terms, limit=DIRECTORY_PAGE)
        more = len(rows) > DIRECTORY_PAGE
        rows = rows[:DIRECTORY_PAGE]
        total = len(rows)
        detail: dict[str, object] = {"criteria": terms.criteria(), "results": total}
        object_type = "consumer_search"
        pager: list[dict[str, object]] = []
    else:
        total, rows = selectors.consumer_directory(
            reach=reach, offset=(page - 1) * DIRECTORY_PAGE, limit=DIRECTORY_PAGE
        )
        pages = -(-total // DIRECTORY_PAGE)
        pager = (
            [
                {"number": n, "url": f"?page={n}", "current": n == page}
                for n in range(max(1, page - 5), min(pages, page + 5) + 1)
            ]
            if pages > 1
            else []
        )
        detail = {"page": page, "results": len(rows)}
        object_type = "consumer_directory"
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type=object_type,
        detail={**detail, "consumer_ids": [c.pk for c in rows]},
    )
    return render(
        request,
        "consumers/find.html",
        {
            "nav": "consumers",
            "form": form,
            "searched": bool(text),
            "terms": terms,
            "rows": rows,
            "more": more,
            "total": total,
            "pager": pager,
            "shortcuts": landing_shortcuts(actor.role),
        },
    )


def landing_shortcuts(role: str) -> list[tuple[str, str]]:
    """The places a role goes besides finding a consumer (its landing page's links)."""
    from django.urls import reverse

    from casework.core.policy import Scope, scope_for

    links: list[tuple[str, str]] = []
    if scope_for(role, Permission.AUDIT_READ) != Scope.NONE:
        links.append((str(_("Audit report")), reverse("audit_report")))
    if scope_for(role, Permission.STAFF_READ) != Scope.NONE:
        links.append((str(_("Staff dashboard")), reverse("staff_dashboard")))
    if scope_for(role, Permission.CASE_MANAGE) != Scope.NONE:
        links.append((str(_("Worklist")), reverse("worklist")))
    links.append((str(_("My record")), reverse("staff_me")))
    return links


# --- merging a duplicate consumer (issue 13, item 9) ---------------------------------------


def merge_blockers(survivor: Consumer, duplicate: Consumer) -> list[str]:
    """Why two records must not be merged now (facts of contexts above consumers, given
    to `services.consumer_merge`): a legal hold in force on either (governance's holds,
    read only), or an open case on both (one consumer has one open case)."""
    refusals: list[str] = []
    for consumer in (survivor, duplicate):
        if any(hold.released_at is None for hold in consumer_holds(consumer_id=consumer.pk)):
            refusals.append(
                _("A legal hold is in force on the records of %(name)s (record %(id)s).")
                % {"name": consumer, "id": consumer.pk}
            )
    if len(consumers_with_open_cases(consumer_ids=[survivor.pk, duplicate.pk])) == 2:
        refusals.append(_("Both records have an open case: close or withdraw one first."))
    return refusals


def _merge_context(actor: Actor, consumer: Consumer) -> dict[str, Any]:
    return {
        "consumer": consumer,
        "merges": list(selectors.consumer_merge_list(consumer_id=consumer.pk)),
        "undo_form": ConsumerMergeUndoForm(),
    }


@page_view(["GET", "POST"], Permission.CASE_REASSIGN, access_consumer, log_read="get")
def consumer_merge(request: HttpRequest, actor: Actor, consumer: Consumer) -> HttpResponse:
    """Merge a duplicate record into this consumer's, and the merges so far (each with
    a way to undo it). Supervisors reaching both records."""
    candidates = selectors.merge_candidates(
        consumer=consumer, reach=reach_q(actor.user, Permission.CASE_REASSIGN)
    )
    form = ConsumerMergeForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )

    def save() -> object:
        duplicate = next(c for c in candidates if c.pk == form.cleaned_data["duplicate_id"])
        return services.consumer_merge(
            actor=actor,
            survivor=consumer,
            duplicate=duplicate,
            reason=form.cleaned_data["reason"],
            blockers=merge_blockers,
        )

    return form_page(
        request,
        form,
        save,
        success=_("The records are merged. The merge can be undone below."),
        redirect_to=reverse("consumer_merge", args=[consumer.pk]),
        template="consumers/merge.html",
        context={**_merge_context(actor, consumer), "candidates": candidates},
    )


@page_view(["POST"], Permission.CASE_REASSIGN, access_consumer, log_read=False)
def consumer_merge_undo(
    request: HttpRequest, actor: Actor, consumer: Consumer, merge_id: int
) -> HttpResponse:
    """Undo one merge into this consumer's record."""
    merge = _merge(consumer, merge_id)
    form = ConsumerMergeUndoForm(request.POST)

    def save() -> object:
        return services.consumer_merge_undo(
            actor=actor,
            merge=merge,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )

    response = form_page(
        request,
        form,
        save,
        success=_("The merge is undone: the duplicate record has its own records again."),
        redirect_to=reverse("consumer_merge", args=[consumer.pk]),
        template="consumers/merge.html",
        context={
            **_merge_context(actor, consumer),
            "undo_form": form,
            "undo_id": merge.pk,
            "form": ConsumerMergeForm(
                candidates=selectors.merge_candidates(
                    consumer=consumer, reach=reach_q(actor.user, Permission.CASE_REASSIGN)
                )
            ),
        },
    )
    return response


def _merge(consumer: Consumer, merge_id: int) -> ConsumerMerge:
    merge = selectors.consumer_merge_of(consumer_id=consumer.pk, merge_id=merge_id)
    if merge is None:
        raise Http404
    return merge
