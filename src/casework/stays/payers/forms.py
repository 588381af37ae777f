"""Forms of the payer and denial pages (H2, H4)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.core.dates import Span
from casework.stays.payers.models import (
    AUTHORIZATION_UNIT_LABELS,
    DENIAL_KIND_LABELS,
    DENIAL_STATE_LABELS,
    LEVEL_OF_CARE_LABELS,
    OUTCOME_LABELS,
    PEER_TO_PEER_OUTCOME_LABELS,
    SPEAKER_LABELS,
    choices,
)
from casework.stays.payers.rules import AuthorizationStep, PeerToPeerStep
from casework.web.forms import date_field, datetime_field

STEP_CHOICES = [
    (AuthorizationStep.NOTIFIED.value, _("Admission notification sent")),
    (AuthorizationStep.ACKNOWLEDGED.value, _("Payer acknowledged")),
    (AuthorizationStep.DECIDED.value, _("Payer decided")),
    (AuthorizationStep.REVIEW_SENT.value, _("Clinical review sent")),
]
DECISION_CHOICES = [
    ("", _("Not a decision")),
    ("approved", _("Approved")),
    ("partly_approved", _("Partly approved")),
    ("denied", _("Denied")),
]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AuthorizationForm(forms.Form):
    level_of_care = forms.ChoiceField(
        label=_("Level of care or post-acute service"), choices=choices(LEVEL_OF_CARE_LABELS)
    )
    requested_days = forms.IntegerField(
        label=_("Requested (days, visits or items)"), min_value=1, max_value=365
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[("", _("The service's usual unit")), *choices(AUTHORIZATION_UNIT_LABELS)],
        required=False,
    )
    provider_name = forms.CharField(
        label=_("Receiving provider (post-acute)"), max_length=200, required=False
    )
    requested_start_date = date_field(
        _("Requested start (post-acute)"), Span.PLANNED, required=False
    )
    expedited = forms.BooleanField(label=_("Expedited request"), required=False)
    notification_sent_at = datetime_field(
        _("Admission notification sent at"),
        Span.RECENT,
        required=False,
        help_text=_("Leave empty if not sent yet: the notification clock runs."),
    )


class AuthorizationStepForm(VersionForm):
    step = forms.ChoiceField(label=_("What happened"), choices=STEP_CHOICES)
    at = datetime_field(_("When"), Span.RECENT)
    reference_number = forms.CharField(
        label=_("Payer's reference number"), max_length=60, required=False
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES, required=False)
    authorized_days = forms.IntegerField(
        label=_("Authorized (days, visits or items)"), min_value=0, max_value=365, required=False
    )
    valid_from = date_field(_("Valid from"), Span.PLANNED, required=False)
    valid_until = date_field(_("Valid until"), Span.PLANNED, required=False)


class DenialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of denial"), choices=choices(DENIAL_KIND_LABELS))
    reason_category = forms.ChoiceField(label=_("Reason category"))
    reason = forms.CharField(label=_("Payer's reason"), widget=forms.Textarea, max_length=4000)
    received_date = date_field(_("Received on"), Span.RECENT)
    denied_days = forms.IntegerField(
        label=_("Days denied"), min_value=1, max_value=365, required=False
    )
    denied_amount = forms.DecimalField(
        label=_("Amount denied (USD)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    reference_number = forms.CharField(label=_("Payer's reference"), max_length=60, required=False)
    authorization_id = forms.TypedChoiceField(
        label=_("Authorization"), coerce=int, empty_value=None, required=False
    )

    def __init__(
        self,
        data: Any,
        *,
        authorizations: list[tuple[int, str]],
        categories: tuple[tuple[str, str], ...],
    ) -> None:
        super().__init__(data)
        field = self.fields["authorization_id"]
        field.choices = [("", _("None")), *authorizations]  # type: ignore[attr-defined]
        self.fields["reason_category"].choices = categories  # type: ignore[attr-defined]


class AppealForm(VersionForm):
    filed_at = datetime_field(_("Filed at"), Span.RECENT)
    expedited = forms.BooleanField(label=_("Expedited appeal"), required=False)
    argument = forms.CharField(
        label=_("Argument"), widget=forms.Textarea, max_length=20000, required=False
    )
    late_reason = forms.CharField(
        label=_("Good cause for filing late"),
        max_length=300,
        required=False,
        help_text=_("Only when the filing limit has passed."),
    )


class OutcomeForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=choices(OUTCOME_LABELS))
    decided_at = datetime_field(_("Decided at"), Span.RECENT)
    overturned_days = forms.IntegerField(
        label=_("Days overturned"), min_value=0, max_value=365, required=False
    )
    overturned_amount = forms.DecimalField(
        label=_("Amount recovered (USD)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )


class DenialFilterForm(forms.Form):
    payer = forms.TypedChoiceField(label=_("Payer"), coerce=int, empty_value=None, required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, data: Any, *, payers: list[tuple[int, str]]) -> None:
        super().__init__(data)
        anything = [("", _("Any"))]
        self.fields["payer"].choices = anything + payers  # type: ignore[attr-defined]
        self.fields["state"].choices = anything + choices(DENIAL_STATE_LABELS)  # type: ignore[attr-defined]


class PeerToPeerForm(forms.Form):
    """Request a peer-to-peer: `about` is `authorization-<id>` or `denial-<id>`, one of
    the stay's adverse decisions."""

    about = forms.ChoiceField(label=_("About"))
    speaker = forms.ChoiceField(label=_("Speaks for the hospital"), choices=choices(SPEAKER_LABELS))
    physician_name = forms.CharField(label=_("Physician who will speak"), max_length=200)
    payer_contact = forms.CharField(
        label=_("Payer's medical director"), max_length=200, required=False
    )
    requested_at = datetime_field(_("Requested at"), Span.RECENT)

    def __init__(self, data: Any, *, subjects: list[tuple[str, str]], initial: Any = None) -> None:
        super().__init__(data, initial=initial)
        self.fields["about"].choices = subjects  # type: ignore[attr-defined]

    def facts(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        kind, _dash, pk = data.pop("about").partition("-")
        data["authorization_id" if kind == "authorization" else "denial_id"] = int(pk)
        return data


PEER_TO_PEER_STEP_CHOICES = [
    (PeerToPeerStep.SCHEDULED.value, _("The payer scheduled it")),
    (PeerToPeerStep.CONCLUDED.value, _("It was held, or will not be")),
]


class PeerToPeerStepForm(VersionForm):
    step = forms.ChoiceField(label=_("What happened"), choices=PEER_TO_PEER_STEP_CHOICES)
    scheduled_at = datetime_field(_("Scheduled for"), Span.PLANNED, required=False)
    held_at = datetime_field(_("Held at"), Span.RECENT, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Not concluded")), *choices(PEER_TO_PEER_OUTCOME_LABELS)],
        required=False,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, max_length=4000, required=False)
    overturned_days = forms.IntegerField(
        label=_("Days overturned"), min_value=0, max_value=365, required=False
    )
    overturned_amount = forms.DecimalField(
        label=_("Amount recovered (USD)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )


DENIAL_REPORT_DIMENSIONS = [
    ("category", _("Reason category")),
    ("kind", _("Kind")),
    ("unit", _("Unit")),
    ("physician", _("Attending physician")),
    ("payer", _("Payer")),
    ("week", _("Week received")),
]


class DenialReportForm(forms.Form):
    by = forms.ChoiceField(label=_("Group by"), choices=DENIAL_REPORT_DIMENSIONS, required=False)
    start = date_field(_("Received on or after"), Span.PAST, required=False)
    end = date_field(_("Received on or before"), Span.PAST, required=False)


class EducationDoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("What was done"),
        help_text=_("Who was taught what, and when."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
