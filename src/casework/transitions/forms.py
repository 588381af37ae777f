"""Forms of the transition and referral pages."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.core.dates import Span
from casework.transitions.models import (
    AUDIENCE_CHOICES,
    BARRIER_REASON_CHOICES,
    CHANNEL_CHOICES,
    DESTINATION_CHOICES,
    METHOD_CHOICES,
    NEED_CHOICES,
    OUTCOME_CHOICES,
    ROOT_CAUSE_CHOICES,
    SEQUENCED_ITEM_CHOICES,
    TEACH_BACK_CHOICES,
)
from casework.transitions.rules import (
    MAX_ESCALATION_LEVELS,
    MAX_RESPONSE_HOURS,
    EscalationLevel,
    ReferralStatus,
)
from casework.web.forms import date_field, datetime_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LINES_HELP = _("One entry per line.")


def _lines(
    label: "StrOrPromise", *, required: bool = False, help_text: "StrOrPromise" = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=required,
        max_length=20000,
        help_text=help_text or LINES_HELP,
    )


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    destination = forms.ChoiceField(label=_("Anticipated destination"), choices=DESTINATION_CHOICES)
    anticipated_discharge_date = date_field(
        _("Anticipated discharge date"), Span.PLANNED, required=False
    )
    needs = forms.MultipleChoiceField(
        label=_("Post-acute needs"),
        choices=NEED_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    barriers = forms.CharField(
        label=_("Barriers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    readmission_risk = forms.CharField(
        label=_("Readmission risk note"), required=False, max_length=200
    )
    comorbidity_codes = forms.CharField(
        label=_("Comorbidity diagnosis codes (ICD-10-CM)"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas or spaces; they give the Charlson index of LACE."),
    )
    acute = forms.NullBooleanField(
        label=_("Acute (emergent or urgent) admission"),
        required=False,
        help_text=_("Leave unknown to take it from the stay."),
    )
    haemoglobin = forms.DecimalField(
        label=_("Haemoglobin at discharge (g/dL)"),
        required=False,
        max_digits=4,
        decimal_places=1,
    )
    sodium = forms.DecimalField(
        label=_("Sodium at discharge (mmol/L)"), required=False, max_digits=4, decimal_places=1
    )
    oncology = forms.NullBooleanField(label=_("Discharge from an oncology service"), required=False)
    procedure = forms.NullBooleanField(label=_("Procedure during the stay"), required=False)

    def clean_comorbidity_codes(self) -> list[str]:
        text = self.cleaned_data.get("comorbidity_codes") or ""
        return [code for code in text.replace(",", " ").upper().split() if code]


class ChoiceListForm(forms.Form):
    provider_type = forms.ChoiceField(label=_("Provider type"), choices=NEED_CHOICES)
    postal_code = forms.RegexField(
        label=_("ZIP code of the consumer's area"), regex=r"^[0-9]{5}$", max_length=5
    )
    language = forms.ChoiceField(
        label=_("Language of the list"), choices=[("en", "English"), ("es", "Español")]
    )


class ChoicesForm(forms.Form):
    def __init__(self, data: object = None, *, providers: list[tuple[int, str]]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.fields["provider_ids"] = forms.TypedMultipleChoiceField(
            label=_("Providers the consumer chose (in order of the list)"),
            choices=providers,
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
        )


class PlacementForm(forms.Form):
    def __init__(self, data: object = None, *, providers: list[tuple[int, str]]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.fields["provider_id"] = forms.TypedChoiceField(
            label=_("Placed with"), choices=providers, coerce=int
        )
        self.fields["reason"] = forms.CharField(
            label=_("Why not one of the consumer's choices"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )


class HandoffForm(forms.Form):
    receiver_name = forms.CharField(label=_("Receiving provider"), max_length=200)
    reason_for_stay = forms.CharField(
        label=_("Reason for the stay"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    problems = _lines(_("Problems"))
    medications_start = _lines(_("Medicines to start"))
    medications_stop = _lines(_("Medicines to stop"))
    medications_change = _lines(_("Medicines changed"))
    allergies = _lines(
        _("Allergies"),
        required=True,
        help_text=_("One per line; write 'none known' when there is none."),
    )
    pending_tests = _lines(_("Pending tests"))
    appointments = _lines(_("Follow-up appointments"))
    goals_of_care = _lines(_("Goals of care and preferences"))
    contacts = _lines(_("Contacts"), required=True)

    def contents(self) -> dict[str, object]:
        data = self.cleaned_data
        out: dict[str, object] = {"reason_for_stay": data["reason_for_stay"]}
        for name in (
            "problems", "medications_start", "medications_stop", "medications_change",
            "allergies", "pending_tests", "appointments", "goals_of_care", "contacts",
        ):  # fmt: skip
            out[name] = [
                line.strip() for line in str(data.get(name, "")).splitlines() if line.strip()
            ]
        return out


class ReceiptForm(forms.Form):
    confirmed_by = forms.CharField(label=_("Who at the receiver confirmed"), max_length=200)


class AttemptForm(forms.Form):
    attempted_at = datetime_field(_("Attempted at"), Span.RECENT)
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNEL_CHOICES)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOME_CHOICES)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReadmissionForm(forms.Form):
    planned = forms.BooleanField(label=_("Planned readmission"), required=False)
    planned_reason = forms.CharField(label=_("Why it was planned"), required=False, max_length=2000)
    root_cause = forms.ChoiceField(
        label=_("Root cause (unplanned)"), choices=[("", "—"), *ROOT_CAUSE_CHOICES], required=False
    )
    notes = forms.CharField(
        label=_("Review notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferralForm(forms.Form):
    service_id = forms.UUIDField(label=_("Service (id from the resource directory)"))
    need = forms.CharField(label=_("Need"), max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (ReferralStatus.ACCEPTED.value, _("Accepted")),
            (ReferralStatus.COMPLETED.value, _("Completed")),
            (ReferralStatus.REJECTED.value, _("Rejected")),
            (ReferralStatus.CANCELLED.value, _("Cancelled")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason (rejected or cancelled)"), required=False, max_length=2000
    )


class EducationForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=AUDIENCE_CHOICES)
    method = forms.ChoiceField(label=_("Method"), choices=METHOD_CHOICES)
    materials = forms.CharField(
        label=_("Materials given"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    materials_language = forms.CharField(
        label=_("Language of the materials"),
        required=False,
        max_length=10,
        help_text=_("A language code such as en or es; the consumer's language when blank."),
    )
    teach_back = forms.ChoiceField(label=_("Teach-back result"), choices=TEACH_BACK_CHOICES)
    given_at = datetime_field(_("Given at"), Span.RECENT)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BarrierForm(forms.Form):
    item = forms.ChoiceField(label=_("What is delayed"), choices=SEQUENCED_ITEM_CHOICES)
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        help_text=_("For example: cardiology consult, MRI of the lumbar spine."),
    )
    ordered_at = datetime_field(_("Ordered at"), Span.RECENT)
    expected_at = datetime_field(_("Expected by"), Span.PLANNED, required=False)
    reason = forms.ChoiceField(label=_("Reason for the delay"), choices=BARRIER_REASON_CHOICES)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EscalateForm(forms.Form):
    """No field: the page says which level opens and its deadline; submitting escalates."""


class BarrierResponseForm(forms.Form):
    responder = forms.CharField(
        label=_("Who responded"), max_length=120, help_text=_("Name and role.")
    )
    responded_at = datetime_field(_("Responded at"), Span.RECENT)
    response = forms.CharField(
        label=_("Response"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolves = forms.BooleanField(label=_("This response resolves the barrier"), required=False)


class BarrierResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What resolved the barrier"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EscalationPathForm(forms.Form):
    """The program's escalation path: up to MAX_ESCALATION_LEVELS levels, each a role
    and the hours it has to respond; blank rows at the end are dropped."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for number in range(1, MAX_ESCALATION_LEVELS + 1):
            self.fields[f"level_{number}_role"] = forms.CharField(
                label=_("Level %(n)s: who is asked") % {"n": number},
                max_length=120,
                required=False,
            )
            self.fields[f"level_{number}_hours"] = forms.IntegerField(
                label=_("Level %(n)s: hours to respond") % {"n": number},
                min_value=1,
                max_value=MAX_RESPONSE_HOURS,
                required=False,
            )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for number in range(1, MAX_ESCALATION_LEVELS + 1):
            role, hours = data.get(f"level_{number}_role"), data.get(f"level_{number}_hours")
            if role and hours is None:
                self.add_error(f"level_{number}_hours", _("required with a role"))
            if hours is not None and not role:
                self.add_error(f"level_{number}_role", _("required with hours"))
        return data

    def levels(self) -> list[EscalationLevel]:
        """The filled rows as levels, numbered in order (the service checks the path)."""
        data = self.cleaned_data
        return [
            EscalationLevel(number, data[f"level_{number}_role"], data[f"level_{number}_hours"])
            for number in range(1, MAX_ESCALATION_LEVELS + 1)
            if data.get(f"level_{number}_role")
        ]
