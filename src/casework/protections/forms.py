"""Forms of the protection pages (J1-J3)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from casework.core.dates import Span
from casework.protections.models import (
    CONSULTATION_KIND_LABELS,
    INCIDENT_KIND_LABELS,
    REPORT_KIND_LABELS,
    SETTING_LABELS,
    VICTIM_LABELS,
    choices,
)
from casework.protections.rules import Party
from casework.staff.models import User
from casework.web.forms import datetime_field

PARTY_LABELS = {
    Party.CONSUMER: _("Consumer"),
    Party.PAYER: _("Payer"),
    Party.PROVIDER: _("Provider"),
    Party.PROGRAM: _("Program"),
    Party.FAMILY: _("Family or support system"),
}


class AbuseReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is suspected"), choices=choices(REPORT_KIND_LABELS))
    victim_class = forms.ChoiceField(label=_("Who"), choices=choices(VICTIM_LABELS))
    setting = forms.ChoiceField(label=_("Where"), choices=choices(SETTING_LABELS))
    state_code = forms.CharField(
        label=_("State"), max_length=2, min_length=2, help_text=_("Two letters, e.g. CA.")
    )
    serious_injury = forms.BooleanField(label=_("Serious bodily injury"), required=False)
    suspected_at = datetime_field(_("When the suspicion was formed"), Span.RECENT)
    description = forms.CharField(
        label=_("What was seen or told"), widget=forms.Textarea, max_length=20000
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AgencyReportForm(VersionForm):
    mode = forms.ChoiceField(
        label=_("Report made"), choices=[("oral", _("Oral (phone)")), ("written", _("Written"))]
    )
    reported_at = datetime_field(_("Reported at"), Span.RECENT)
    agency = forms.CharField(label=_("Agency"), max_length=200)
    reference = forms.CharField(label=_("Agency reference number"), max_length=100, required=False)


class CloseForm(VersionForm):
    note = forms.CharField(label=_("Outcome"), widget=forms.Textarea, max_length=20000)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=choices(INCIDENT_KIND_LABELS))
    occurred_at = datetime_field(_("Occurred at"), Span.RECENT)
    learned_at = datetime_field(_("Learned of it at"), Span.RECENT)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea, max_length=20000)
    staff_member = forms.ModelChoiceField(
        label=_("Staff member affected"), queryset=User.objects.none(), required=False
    )
    sharps_or_infectious = forms.BooleanField(
        label=_("Contaminated sharps or infectious material involved"), required=False
    )
    privacy_requested = forms.BooleanField(
        label=_("The employee asks that their name be withheld"), required=False
    )

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = staff  # type: ignore[attr-defined]


class MomentForm(VersionForm):
    at = datetime_field(_("When"), Span.RECENT)


class OshaForm(VersionForm):
    recordable = forms.TypedChoiceField(
        label=_("Recordable on the OSHA 300 log"),
        choices=[("yes", _("Yes, recordable")), ("no", _("No, not recordable"))],
        coerce=lambda v: v == "yes",
    )
    reason = forms.CharField(label=_("Why"), max_length=300)


class ConsultationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=choices(CONSULTATION_KIND_LABELS))
    parties = forms.MultipleChoiceField(
        label=_("Conflict between"),
        choices=choices(PARTY_LABELS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    question = forms.CharField(label=_("Question or need"), widget=forms.Textarea, max_length=20000)
    routed_to = forms.CharField(
        label=_("Routed to (for a need beyond the program's scope)"), max_length=200, required=False
    )


class ConsultationCloseForm(VersionForm):
    recommendation = forms.CharField(
        label=_("Committee recommendation or the service's answer"),
        widget=forms.Textarea,
        max_length=20000,
    )
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea, max_length=20000)
