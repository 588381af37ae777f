"""Forms for the plan of care. Each change form carries the plan's version (optimistic
concurrency) and the reason for the change, which is kept on the new version."""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.careplans.models import (
    AgreementMethod,
    AgreementRole,
    GoalStatus,
    InterventionKind,
    ProgressTrend,
)
from casework.coordination.models import CareTeamKind
from casework.core.dates import Span
from casework.staff.models import User
from casework.web.forms import date_field, datetime_field, now_minute

PRIORITY = [(1, _("High")), (2, _("Medium")), (3, _("Low"))]


class RevisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    alters_agreed_content: ClassVar[bool] = True
    """Whether the change this form makes alters what the consumer agreed to
    (`rules.agreed_content_changes`): then the reason is required, else optional. The
    service checks the same rule on the plan itself."""

    def __init__(self, *args: Any, choices: dict[str, list[tuple[Any, str]]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name, options in choices.items():
            self.fields[name].choices = options  # type: ignore[attr-defined]
        # The reason comes last, after the fields of the change itself.
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the change"),
            max_length=500,
            required=self.alters_agreed_content,
            help_text=_("Kept with this version of the plan.")
            if self.alters_agreed_content
            else _(
                "Optional: this change does not alter what was agreed. "
                "Kept with this version of the plan."
            ),
        )


class ProblemForm(RevisionForm):
    need = forms.TypedChoiceField(
        label=_("From a confirmed need"), coerce=int, empty_value=None, required=False
    )
    description = forms.CharField(
        label=_("Problem or need"),
        max_length=500,
        required=False,
        help_text=_("Leave empty to use the need's description."),
    )
    priority = forms.TypedChoiceField(label=_("Priority"), choices=PRIORITY, coerce=int)
    consumer_priority = forms.IntegerField(
        label=_("The consumer's own priority (1 = most important)"),
        min_value=1,
        max_value=99,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        """An empty description takes the chosen need's (one of the needs offered, which
        are those the person may see)."""
        data = super().clean() or {}
        if data.get("need") is not None and not data.get("description"):
            offered = dict(self.fields["need"].choices)  # type: ignore[attr-defined]
            data["description"] = offered.get(data["need"], "")
        return data


class GoalForm(RevisionForm):
    problem = forms.ChoiceField(label=_("Problem it addresses"))
    description = forms.CharField(label=_("Goal"), max_length=500)
    target_value = forms.CharField(
        label=_("Target value"),
        max_length=200,
        required=False,
        help_text=_("A measure, e.g. blood pressure below 140/90. Or give an observable outcome."),
    )
    observable_outcome = forms.CharField(
        label=_("Observable outcome"), max_length=500, required=False
    )
    target_date = date_field(_("Target date"), Span.PLANNED)
    guideline = forms.CharField(label=_("Guideline reference"), max_length=500, required=False)


class InterventionForm(RevisionForm):
    goal = forms.ChoiceField(label=_("Goal it serves"))
    kind = forms.ChoiceField(
        label=_("Type"), choices=InterventionKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("Intervention"), max_length=500)
    responsible = forms.TypedChoiceField(
        label=_("Responsible party"),
        coerce=int,
        help_text=_(
            "One member of the care team. Not listed? Add them below, without leaving this form."
        ),
    )
    due_date = date_field(_("Due date"), Span.PLANNED)
    guideline = forms.CharField(label=_("Guideline reference"), max_length=500, required=False)


class BarrierForm(RevisionForm):
    alters_agreed_content = False
    goal = forms.ChoiceField(label=_("Goal it stands in the way of"))
    description = forms.CharField(label=_("Barrier"), max_length=500)


class GoalStatusForm(RevisionForm):
    alters_agreed_content = False
    goal = forms.ChoiceField(label=_("Goal"))
    status = forms.ChoiceField(label=_("New status"), choices=GoalStatus.choices)


class AgreementForm(forms.Form):
    plan_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    agreed_by = forms.CharField(label=_("Who agreed"), max_length=200)
    role = forms.ChoiceField(label=_("As"), choices=AgreementRole.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("How"), choices=AgreementMethod.choices)
    participants = forms.CharField(
        label=_("Who took part"),
        max_length=500,
        help_text=_("The consumer, family, caregivers and providers in the discussion."),
    )
    agreed_at = datetime_field(_("When"), Span.RECENT, initial=now_minute)


class InformedChoiceForm(forms.Form):
    plan_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    topic = forms.CharField(label=_("Decision discussed"), max_length=300)
    benefits = forms.CharField(label=_("Benefits"), widget=forms.Textarea(attrs={"rows": 2}))
    risks = forms.CharField(label=_("Risks"), widget=forms.Textarea(attrs={"rows": 2}))
    costs = forms.CharField(label=_("Costs"), widget=forms.Textarea(attrs={"rows": 2}))
    alternatives = forms.CharField(
        label=_("Alternatives, including no treatment"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consumer_choice = forms.CharField(label=_("The consumer's choice"), max_length=500)
    discussed_at = datetime_field(_("When"), Span.RECENT, initial=now_minute)


class ProgressForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal"))
    trend = forms.ChoiceField(
        label=_("Progress"), choices=ProgressTrend.choices, widget=forms.RadioSelect
    )
    value = forms.CharField(label=_("Measured value"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, goals: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["goal"].choices = goals  # type: ignore[attr-defined]


class StaffMemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class CareTeamMemberForm(forms.Form):
    """Staff (chosen from the program's staff), an outside provider, a caregiver or family
    member, or other support, with role and contact details (F2)."""

    kind = forms.ChoiceField(
        label=_("Who is it?"), choices=CareTeamKind.choices, widget=forms.RadioSelect
    )
    user = StaffMemberChoiceField(
        label=_("Staff member"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("For our staff only: they can then open this consumer's record."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Not needed for our staff: their account names them."),
    )
    role = forms.CharField(
        label=_("Role"),
        max_length=100,
        help_text=_("e.g. primary care physician, pharmacist, daughter and caregiver"),
    )
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != CareTeamKind.STAFF and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the member's name."))
        return data
