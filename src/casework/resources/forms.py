"""The resource search form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ResourceSearchForm(forms.Form):
    need = forms.CharField(
        label=_("Need"), required=False, max_length=200, help_text=_("A taxonomy code or name")
    )
    place = forms.CharField(
        label=_("Place"), required=False, max_length=200, help_text=_("Postal code, city or state")
    )
    language = forms.CharField(
        label=_("Language"),
        required=False,
        max_length=100,
        help_text=_("Code (es) or name (Spanish)"),
    )
    age = forms.IntegerField(label=_("Consumer's age"), required=False, min_value=0, max_value=150)
    eligibility = forms.CharField(label=_("Eligibility words"), required=False, max_length=200)
    # Opened from a consumer's referrals: each result links to the referral form for that
    # consumer (the id only; the referral page loads the consumer through the guard).
    consumer = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            k: data[k] if k == "age" else (data[k] or "") for k in self.fields if k != "consumer"
        }
