"""Pages for the consumer and their support system (C4, C5)."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.cases.models import Case
from casework.consumers import services
from casework.consumers.forms import AdvanceDirectiveForm, ConsumerEditForm, SupportPersonForm
from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission
from casework.web.access import access_case, reaches_consumer
from casework.web.guard import guard
from casework.web.pages import case_form_page


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CASE_MANAGE, access_case, log_read="get")
def support_person_create(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return SupportPersonForm(data)

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return services.support_person_create(
            actor=actor, consumer=case.consumer, **form.cleaned_data
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Add a support person"),
        submit_label=_("Add support person"),
        success_message=_("Support person added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CASE_MANAGE, access_case, log_read="get")
def advance_directive_create(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def build(case: Case, data: Any) -> forms.Form:
        return AdvanceDirectiveForm(data)

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return services.advance_directive_create(
            actor=actor, consumer=case.consumer, **form.cleaned_data
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Record an advance directive"),
        submit_label=_("Record directive"),
        success_message=_("Advance directive recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CASE_MANAGE, access_case, log_read="get")
def consumer_edit(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
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
