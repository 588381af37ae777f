"""Pages for the consumer and their support system (C4, C5)."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.cases.models import Case
from casework.cases.selectors import case_list_for_consumer
from casework.cases.views import case_form_page
from casework.consumers import services
from casework.consumers.forms import AdvanceDirectiveForm, ConsumerEditForm, SupportPersonForm
from casework.core.actor import Actor, actor_from_request
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission
from casework.web.access import access_consumer


@login_required
@require_http_methods(["GET"])
def consumer_detail(request: HttpRequest, consumer_id: int) -> HttpResponse:
    """The consumer's summary and their cases. One audited read."""
    actor = actor_from_request(request)
    consumer = access_consumer(actor, consumer_id)
    support_persons = list(
        consumer.support_persons.order_by("-is_legal_decision_maker", "name", "id")
    )
    return render(
        request,
        "consumers/consumer_detail.html",
        {
            "consumer": consumer,
            "cases": list(case_list_for_consumer(consumer_id=consumer.pk)),
            "support_persons": support_persons,
            "legal_decision_maker": next(
                (p for p in support_persons if p.is_legal_decision_maker), None
            ),
            "directives": list(consumer.advance_directives.order_by("-recorded_at", "-id")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_person_create(request: HttpRequest, case_id: int) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return SupportPersonForm(data)

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return services.support_person_create(
            actor=actor, consumer=case.consumer, **form.cleaned_data
        )

    return case_form_page(
        request,
        case_id,
        permission=Permission.CASE_MANAGE,
        build_form=build,
        save=save,
        title=_("Add a support person"),
        submit_label=_("Add support person"),
        success_message=_("Support person added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def advance_directive_create(request: HttpRequest, case_id: int) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return AdvanceDirectiveForm(data)

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return services.advance_directive_create(
            actor=actor, consumer=case.consumer, **form.cleaned_data
        )

    return case_form_page(
        request,
        case_id,
        permission=Permission.CASE_MANAGE,
        build_form=build,
        save=save,
        title=_("Record an advance directive"),
        submit_label=_("Record directive"),
        success_message=_("Advance directive recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consumer_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    """Change the consumer's details (language, interpreter need, decision-making, contact)
    from one of their cases. Only the changed fields are sent to the service."""

    def build(case: Case, data: Any) -> forms.Form:
        consumer = case.consumer
        initial = {name: getattr(consumer, name) for name in ConsumerEditForm.CONSUMER_FIELDS}
        return ConsumerEditForm(data, initial={**initial, "version": consumer.version})

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        assert isinstance(form, ConsumerEditForm)
        changes = form.changed_fields()
        if not changes:
            raise ValidationFailed.single("__all__", _("Nothing was changed."))
        return services.consumer_update(
            actor=actor, consumer=case.consumer, version=form.cleaned_data["version"], **changes
        )

    return case_form_page(
        request,
        case_id,
        permission=Permission.CASE_MANAGE,
        build_form=build,
        save=save,
        title=_("Edit the consumer's details"),
        submit_label=_("Save changes"),
        success_message=_("Consumer's details saved."),
    )
