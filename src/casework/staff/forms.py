"""Forms for the staff governance pages (administrators and compliance officers)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.core.dates import Span
from casework.core.roles import Role
from casework.core.us_states import US_STATES
from casework.staff.models import (
    AttestationKind,
    Course,
    CredentialKind,
    CredentialStatus,
    DegreeLevel,
    JobDescription,
    User,
    VerificationOutcome,
    VerificationSource,
)
from casework.web.forms import date_field, datetime_field


class CredentialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CredentialKind.choices)
    credential_type = forms.CharField(label=_("Type (e.g. RN, LCSW, CCM, MSW)"), max_length=60)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Not state-issued")), *US_STATES], required=False
    )
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    issuing_body = forms.CharField(
        label=_("Issuing body or institution"), max_length=200, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=CredentialStatus.choices, initial=CredentialStatus.ACTIVE
    )
    expires_date = date_field(_("Expires"), Span.PLANNED, required=False)
    restricted = forms.BooleanField(label=_("Restricted"), required=False)
    restrictions = forms.CharField(label=_("Restrictions"), max_length=2000, required=False)
    restriction_controls = forms.CharField(
        label=_("How job functions respect the restrictions"), max_length=2000, required=False
    )
    independent_assessment = forms.BooleanField(
        label=_("The discipline allows independent assessment"), required=False
    )
    clinical = forms.BooleanField(label=_("Clinical license"), required=False)
    advanced = forms.BooleanField(label=_("Advanced licensure"), required=False)
    case_manager_certification = forms.BooleanField(
        label=_("Case-manager certification (e.g. CCM)"), required=False
    )
    clinical_specialty = forms.BooleanField(
        label=_("Clinical specialty certification"), required=False
    )
    board_certification = forms.BooleanField(label=_("Board certification"), required=False)
    degree_level = forms.ChoiceField(
        label=_("Degree level"), choices=DegreeLevel.choices, required=False
    )
    accredited = forms.BooleanField(label=_("Nationally accredited institution"), required=False)
    supervised_field_experience = forms.BooleanField(
        label=_("Supervised field experience in the degree"), required=False
    )


class VerificationForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=VerificationSource.choices)
    source_name = forms.CharField(label=_("Where it was verified"), max_length=200)
    verified_date = date_field(_("Verified on"), Span.PAST)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VerificationOutcome.choices)
    evidence = forms.FileField(label=_("Evidence (PDF, PNG or JPEG, at most 5 MB)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class TrainingCompletionForm(forms.Form):
    course: forms.ModelChoiceField[Course] = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.none(), empty_label=_("Choose")
    )
    completed_date = date_field(_("Completed on"), Span.PAST)
    evidence = forms.CharField(label=_("Evidence (certificate, sign-in sheet)"), max_length=300)

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]


class GuidelineForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CASE_MANAGER)
    max_weighted_load = forms.DecimalField(
        label=_("Maximum acuity-weighted load"), min_value=1, max_digits=6, decimal_places=2
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Why this limit: severity, complexity, role requirements (Model Act 5.1(n))."),
    )


class ResolveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    resolution = forms.CharField(
        label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class StatementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Statement"), choices=AttestationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )


class ConsultationForm(forms.Form):
    director: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Clinical director"), queryset=User.objects.none(), empty_label=_("Choose")
    )
    occurred_at = datetime_field(_("When"), Span.RECENT)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    summary = forms.CharField(
        label=_("Summary (no consumer identifiers)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args: Any, directors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["director"].queryset = directors  # type: ignore[attr-defined]


class ProfileForm(forms.Form):
    job_description: forms.ModelChoiceField[JobDescription] = forms.ModelChoiceField(
        label=_("Position (job description)"),
        queryset=JobDescription.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    hired_date = date_field(_("Hire date"), Span.PAST)
    state_requires_licensure = forms.BooleanField(
        label=_("The practice state requires licensure or certification"), required=False
    )
    case_manager_years = forms.DecimalField(
        label=_("Years of case-management experience"), min_value=0, max_value=80
    )
    supervision_years = forms.DecimalField(
        label=_("Years directly supervising case management"), min_value=0, max_value=80
    )
    post_graduate_direct_care = forms.BooleanField(
        label=_("Post-graduate experience in direct consumer care"), required=False
    )
    oversight_qualified = forms.BooleanField(
        label=_("Documented as qualified for clinical oversight"), required=False
    )
    physician = forms.BooleanField(label=_("M.D. or D.O."), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, positions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job_description"].queryset = positions  # type: ignore[attr-defined]


class JobDescriptionForm(forms.Form):
    title = forms.CharField(label=_("Position title"), max_length=120)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    required_education = forms.CharField(
        label=_("Required education, training and experience"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    required_degree_level = forms.ChoiceField(
        label=_("Minimum degree"), choices=DegreeLevel.choices, required=False
    )
    competencies = forms.CharField(
        label=_("Expected professional competencies"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    licensure = forms.CharField(
        label=_("Licensure or certification requirements"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    requires_license = forms.BooleanField(label=_("Requires a current license"), required=False)
    requires_case_manager_certification = forms.BooleanField(
        label=_("Requires case-manager certification"), required=False
    )
    scope = forms.CharField(
        label=_("Scope of role and responsibilities"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class RuleSettingsForm(forms.Form):
    """The program's rule parameters (Model Act defaults shown until changed)."""

    supervisor_case_manager_years = forms.DecimalField(
        label=_("Years of case management a supervisor needs (MA 3.2(a))"),
        min_value=Decimal("0.5"),
        max_digits=4,
        decimal_places=1,
    )
    supervisor_supervision_years = forms.DecimalField(
        label=_("Years of supervising that qualify a supervisor (MA 3.2(b))"),
        min_value=Decimal("0.5"),
        max_digits=4,
        decimal_places=1,
    )
    reverification_years = forms.IntegerField(
        label=_("Re-verify credentials at least every (years; MA 3.5)"), min_value=1, max_value=10
    )
    ce_hours = forms.DecimalField(
        label=_("Continuing-education hours required"),
        min_value=Decimal("1"),
        max_digits=6,
        decimal_places=1,
    )
    ce_window_years = forms.IntegerField(
        label=_("Over a rolling window of (years)"), min_value=1, max_value=10
    )
    annual_recurrence_months = forms.IntegerField(
        label=_("Repeat antifraud and ethics education every (months)"), min_value=1, max_value=60
    )
    attestation_months = forms.IntegerField(
        label=_("Re-sign the confidentiality statement every (months)"), min_value=1, max_value=60
    )


class MfaResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the second factor is reset, for example a lost phone or security key."),
    )


class MfaResetApproveForm(forms.Form):
    """Approving is a button: the request it approves is the person's open one."""
