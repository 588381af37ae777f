"""Forms of the stay pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.core.dates import Span
from casework.stays.avoidable_rules import AvoidableTaxonomy
from casework.stays.models import CLASS_CHOICES, StayDocumentKind
from casework.web.forms import date_field, datetime_field

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


# --- utilization reviews and the physician advisor's decision (H1) -------------------------

MET_CHOICES = [("", _("Choose")), ("met", _("Met")), ("not_met", _("Not met"))]
YES_NO = [("", _("Not recorded")), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ReviewForm(forms.Form):
    """An admission or continued-stay review: one Met/Not met answer per criterion of the
    subset (the fields `criterion_<id>`), built from the shipped criteria set."""

    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea, max_length=4000
    )
    licensed_product = forms.CharField(
        label=_("Licensed criteria product (name)"), required=False, max_length=60
    )
    licensed_version = forms.CharField(label=_("Its version"), required=False, max_length=20)
    licensed_result = forms.CharField(label=_("Its result"), required=False, max_length=60)
    two_midnight_expected = forms.ChoiceField(
        label=_("Medicare: care expected to cross two midnights"), required=False, choices=YES_NO
    )
    inpatient_only = forms.ChoiceField(
        label=_("Medicare: procedure on the inpatient-only list"), required=False, choices=YES_NO
    )
    refer = forms.BooleanField(
        label=_("Send to the physician advisor even if the criteria are met"), required=False
    )
    question = forms.CharField(
        label=_("Question for the physician advisor"),
        required=False,
        widget=forms.Textarea,
        max_length=4000,
    )

    def __init__(self, data: Any, *, criteria: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.criteria = [c for c, _text in criteria]
        for criterion, text in reversed(criteria):
            self.fields = {
                f"criterion_{criterion}": forms.ChoiceField(label=text, choices=MET_CHOICES),
                **self.fields,
            }

    def results(self) -> dict[str, bool]:
        return {c: self.cleaned_data[f"criterion_{c}"] == "met" for c in self.criteria}

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "results": self.results(),
            "notes": data["notes"],
            "licensed_product": data["licensed_product"],
            "licensed_version": data["licensed_version"],
            "licensed_result": data["licensed_result"],
            "two_midnight_expected": _yes_no(data["two_midnight_expected"]),
            "inpatient_only": _yes_no(data["inpatient_only"]),
            "refer": data["refer"],
            "question": data["question"],
        }


DETERMINATIONS = [
    ("", _("Choose")),
    ("necessary", _("Medically necessary at this level of care")),
    ("not_necessary", _("Not medically necessary")),
]
ATTENDING_VIEWS = [
    ("not_consulted", _("Not consulted")),
    ("concurs", _("Concurs")),
    ("no_view", _("Gave no view when offered")),
    ("disagrees", _("Disagrees")),
]


class DecisionForm(forms.Form):
    """The physician advisor's determination with the 482.30 attestations."""

    determination = forms.ChoiceField(label=_("Determination"), choices=DETERMINATIONS)
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea, max_length=4000)
    attending_view = forms.ChoiceField(
        label=_("The attending physician, consulted"), choices=ATTENDING_VIEWS
    )
    peer_to_peer = forms.CharField(
        label=_("Conversation with the attending (peer to peer)"),
        required=False,
        widget=forms.Textarea,
        max_length=4000,
    )
    not_involved = forms.BooleanField(
        label=_("I attest that I am not professionally involved in this patient's care"),
        required=False,
    )
    no_financial_interest = forms.BooleanField(
        label=_("I attest that I have no financial interest in the hospital"), required=False
    )
    second_reviewer = forms.TypedChoiceField(
        label=_("Second physician reviewer (when the attending disagrees)"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    second_not_involved = forms.BooleanField(
        label=_("The second reviewer attests no involvement in this patient's care"),
        required=False,
    )
    second_no_financial_interest = forms.BooleanField(
        label=_("The second reviewer attests no financial interest in the hospital"),
        required=False,
    )

    def __init__(self, data: Any, *, physicians: list[tuple[int, str]]) -> None:
        super().__init__(data)
        self.fields["second_reviewer"].choices = [("", _("None")), *physicians]  # type: ignore[attr-defined]


# --- avoidable days (H3) -------------------------------------------------------------------


class AvoidableDayForm(forms.Form):
    start_date = date_field(_("First avoidable day"), Span.PAST)
    end_date = date_field(_("Last avoidable day"), Span.PAST)
    reason = forms.ChoiceField(label=_("Reason"))
    responsible_party = forms.CharField(label=_("Responsible party"), max_length=120)
    medically_ready_at = datetime_field(
        _("Medically ready for discharge at"), Span.RECENT, required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea, max_length=4000)

    def __init__(self, data: Any, *, taxonomy: AvoidableTaxonomy) -> None:
        super().__init__(data)
        self.taxonomy = taxonomy
        self.fields["reason"].choices = [("", _("Choose"))] + [  # type: ignore[attr-defined]
            (c.title, [(r.code, f"{r.code} {r.title}") for r in c.reasons])
            for c in taxonomy.categories
        ]

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        reason = self.taxonomy.reason(data["reason"])
        return {
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "category": reason.category if reason else "",
            "reason": data["reason"],
            "responsible_party": data["responsible_party"],
            "note": data["note"],
            "medically_ready_at": data["medically_ready_at"],
        }


REPORT_DIMENSIONS = [
    ("category", _("Category")),
    ("reason", _("Reason")),
    ("unit", _("Unit")),
    ("payer", _("Payer")),
    ("physician", _("Attending physician")),
    ("week", _("Week (trend)")),
]


class AvoidableReportForm(forms.Form):
    by = forms.ChoiceField(label=_("Group by"), choices=REPORT_DIMENSIONS, required=False)
    start = date_field(_("Spans starting on or after"), Span.PAST, required=False)
    end = date_field(_("Spans starting on or before"), Span.PAST, required=False)


# --- the ADT error queue --------------------------------------------------------------------


class AdtResolveForm(forms.Form):
    note = forms.CharField(label=_("How it was resolved"), max_length=300, widget=forms.Textarea)


# --- documents attached to a stay (H4) ---------------------------------------------------


class StayDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=StayDocumentKind.choices)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, PNG or JPEG, at most 5 MB"), allow_empty_file=True
    )
