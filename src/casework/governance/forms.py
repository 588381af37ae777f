"""Forms of the records-governance pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.core.dates import Span
from casework.governance.models import (
    AUTHORITY_LABELS,
    CHANNEL_LABELS,
    FORMAT_LABELS,
    KIND_LABELS,
    choices,
)
from casework.web.forms import date_field, datetime_field


class DisclosureForm(forms.Form):
    disclosed_at = datetime_field(_("Disclosed at"), Span.RECENT)
    recipient = forms.CharField(label=_("To whom"), max_length=200)
    recipient_address = forms.CharField(
        label=_("Recipient's address"), max_length=300, required=False
    )
    channel = forms.ChoiceField(label=_("How"), choices=choices(CHANNEL_LABELS))
    description = forms.CharField(
        label=_("What was disclosed"), widget=forms.Textarea, max_length=5000
    )
    purpose = forms.CharField(label=_("Why"), widget=forms.Textarea, max_length=5000)
    authority = forms.ChoiceField(
        label=_("Under which authority"), choices=choices(AUTHORITY_LABELS)
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=500)


class VersionedReasonForm(ReasonForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AccessRequestForm(forms.Form):
    received_at = datetime_field(_("Received at"), Span.RECENT)
    requested_by = forms.CharField(
        label=_("Who asked"),
        max_length=200,
        help_text=_("The consumer, or their personal representative."),
    )
    format = forms.ChoiceField(label=_("Form and format"), choices=choices(FORMAT_LABELS))


class AccessCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("fulfilled", _("Fulfilled")), ("denied", _("Denied"))]
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("A denial says why (164.524(d))."),
    )


def _links(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class RequirementForm(forms.Form):
    jurisdiction = forms.CharField(
        label=_("Jurisdiction"),
        max_length=8,
        help_text=_("US for a federal rule; US-XX for a state."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=choices(KIND_LABELS))
    title = forms.CharField(label=_("Title"), max_length=200)
    citation = forms.CharField(label=_("Citation"), max_length=200)
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int, choices=[])
    review_date = date_field(_("Next review"), Span.PLANNED)
    evidence_links = forms.CharField(
        label=_("Evidence links"),
        widget=forms.Textarea,
        required=False,
        max_length=10000,
        help_text=_("One http(s) address per line."),
    )

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_id"].choices = owners  # type: ignore[attr-defined]

    def clean_evidence_links(self) -> list[str]:
        return _links(self.cleaned_data.get("evidence_links") or "")


class RequirementReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    next_review_date = date_field(_("Next review"), Span.PLANNED)
    evidence_links = forms.CharField(
        label=_("Evidence links"),
        widget=forms.Textarea,
        required=False,
        max_length=10000,
        help_text=_("One http(s) address per line."),
    )

    def clean_evidence_links(self) -> list[str]:
        return _links(self.cleaned_data.get("evidence_links") or "")


def initial_links(links: list[str]) -> dict[str, Any]:
    return {"evidence_links": "\n".join(links)}
