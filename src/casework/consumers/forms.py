"""Forms for the consumer's support system (C4)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.consumers.models import DirectiveKind, Relationship
from casework.core.forms import DateInput


class SupportPersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relationship = forms.ChoiceField(label=_("Relationship"), choices=Relationship.choices)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    is_legal_decision_maker = forms.BooleanField(
        label=_("Legal decision maker"),
        required=False,
        help_text=_("Decides for the consumer; at most one per consumer."),
    )
    has_power_of_attorney = forms.BooleanField(
        label=_("Holds health-care power of attorney"), required=False
    )
    is_emergency_contact = forms.BooleanField(label=_("Emergency contact"), required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )


class AdvanceDirectiveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DirectiveKind.choices)
    document_date = forms.DateField(label=_("Document date"), widget=DateInput(), required=False)
    location = forms.CharField(
        label=_("Where the document is kept"), max_length=300, required=False
    )
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
