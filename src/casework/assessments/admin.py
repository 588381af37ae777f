"""Admin: administrators add instrument versions (an edit is a new version, so responses
stay frozen to the one they used) and payers' reassessment expectations. Responses and
needs are consumer data: not in the admin (see `casework.core.admin`)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from casework.assessments.models import Instrument, ReassessmentExpectation
from casework.assessments.services import instrument_create, reassessment_expectation_set
from casework.core.errors import ValidationFailed


class InstrumentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Instrument
        fields = ["definition"]

    def clean_definition(self) -> Any:
        from casework.assessments.rules import definition_errors

        definition = self.cleaned_data["definition"]
        if not isinstance(definition, dict):
            raise forms.ValidationError("the definition must be a JSON object")
        errors = definition_errors(definition)
        if Instrument.objects.filter(
            code=definition.get("code"), version=str(definition.get("version"))
        ).exists():
            errors.append("this code and version exist: give the edit a new version")
        if errors:
            raise forms.ValidationError(errors)
        return definition


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Add a version by pasting its definition (copy the current one and raise its
    version); existing versions are read-only."""

    form = InstrumentForm
    list_display = ["code", "version", "title", "is_current", "loaded_at"]
    list_filter = ["code", "is_current"]
    actions = None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            created = instrument_create(definition=form.cleaned_data["definition"])
        except ValidationFailed as exc:  # the form checked; a race lands here
            raise forms.ValidationError(str(exc)) from exc
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(ReassessmentExpectation)
class ReassessmentExpectationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Administrators record each payer's reassessment expectation (E4). Saved through
    `reassessment_expectation_set`, which audits the change."""

    list_display = ["payer", "interval_days", "source", "program"]
    list_filter = ["program"]
    actions = None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from casework.core.actor import actor_from_request

        saved = reassessment_expectation_set(
            actor=actor_from_request(request),
            program=obj.program,
            payer=obj.payer,
            interval_days=obj.interval_days,
            source=obj.source,
        )
        obj.pk = saved.pk
        obj._state.adding = False
