"""Forms of the stay pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.stays.models import CLASS_CHOICES

SORTS = [
    ("due", _("What is due first")),
    ("admitted", _("Admitted, oldest first")),
    ("-admitted", _("Admitted, newest first")),
    ("name", _("Patient name")),
    ("unit", _("Unit and bed")),
    ("class", _("Class")),
]


class CensusFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    stay_class = forms.ChoiceField(label=_("Status"), required=False)
    payer = forms.ChoiceField(label=_("Payer"), required=False)
    reviewer = forms.TypedChoiceField(
        label=_("Reviewer"), required=False, coerce=int, empty_value=None
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(
        self,
        data: Any,
        *,
        units: list[tuple[int, str]],
        payers: list[str],
        reviewers: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        anything = [("", _("Any"))]
        self.fields["unit"].choices = anything + units  # type: ignore[attr-defined]
        self.fields["stay_class"].choices = anything + CLASS_CHOICES  # type: ignore[attr-defined]
        self.fields["payer"].choices = anything + [(p, p) for p in payers]  # type: ignore[attr-defined]
        self.fields["reviewer"].choices = anything + reviewers  # type: ignore[attr-defined]
