"""Forms of the complaint pages (K1)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.complaints.models import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    COVERAGE_LABELS,
    KIND_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
    choices,
)
from casework.core.dates import Span
from casework.web.forms import datetime_field


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=choices(KIND_LABELS))
    channel = forms.ChoiceField(label=_("Received by"), choices=choices(CHANNEL_LABELS))
    received_at = datetime_field(_("Received at"), Span.RECENT)
    complainant = forms.CharField(label=_("Who complained"), max_length=200)
    complainant_relationship = forms.CharField(
        label=_("Relationship to the consumer"),
        max_length=100,
        help_text=_("For example: self, daughter, legal representative, provider."),
    )
    about = forms.CharField(label=_("What it is about"), widget=forms.Textarea, max_length=20000)
    category = forms.ChoiceField(label=_("Category"), choices=choices(CATEGORY_LABELS))
    severity = forms.ChoiceField(label=_("Severity"), choices=choices(SEVERITY_LABELS))
    coverage = forms.ChoiceField(
        label=_("Coverage"),
        choices=choices(COVERAGE_LABELS),
        help_text=_("Sets the time limit that applies."),
    )
    expedited = forms.BooleanField(
        label=_("Expedited: the consumer's health is at risk"), required=False
    )
    expedite_reason = forms.CharField(label=_("Why expedited"), max_length=300, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AcknowledgeForm(VersionForm):
    method = forms.ChoiceField(label=_("How it was acknowledged"), choices=choices(CHANNEL_LABELS))
    acknowledged_at = datetime_field(_("Acknowledged at"), Span.RECENT)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Investigation note"), widget=forms.Textarea, max_length=20000)


class ExtendForm(VersionForm):
    reason = forms.CharField(label=_("Why more time is needed"), max_length=200)
    consumer_requested = forms.BooleanField(
        label=_("The consumer asked for the extension"),
        required=False,
        help_text=_("Otherwise a written notice is due within the rule's days."),
    )


class PauseForm(VersionForm):
    reason = forms.CharField(label=_("Why the clock pauses"), max_length=200)


class NoticeForm(VersionForm):
    sent_at = datetime_field(_("Notice sent at"), Span.RECENT)


class ResolveForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=choices(OUTCOME_LABELS))
    resolution = forms.CharField(
        label=_("What we found and what we did"),
        widget=forms.Textarea,
        max_length=20000,
        help_text=_("This text goes into the resolution letter."),
    )
