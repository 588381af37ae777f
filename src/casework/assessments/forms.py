"""Forms for assessments and needs. The assessment form is built from the instrument's
definition; every answer is optional to the form, and the engine reports what is
required, skipped or out of range on each question."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.assessments.models import Acuity, Need, NeedKind
from casework.web.forms import LANGUAGE_CHOICES

ACUITY_CHOICES = [("", _("Not set")), *[(str(v), label) for v, label in Acuity.choices]]


class AssessmentForm(forms.Form):
    participants = forms.CharField(
        label=_("Who took part"),
        max_length=300,
        help_text=_("The consumer, family and others present."),
    )
    language = forms.ChoiceField(label=_("Language used"), choices=LANGUAGE_CHOICES)
    # Not `interpreter_used`: that is a question of the comprehensive assessment, and a
    # question's field must never replace one of these (checked in __init__).
    administered_with_interpreter = forms.BooleanField(
        label=_("An interpreter was used"), required=False
    )
    part2 = forms.BooleanField(
        label=_("Substance use disorder record (42 CFR Part 2)"),
        required=False,
        help_text=_(
            "Only you and the roles the consumer's Part 2 consent names will see this "
            "assessment. A substance use screen is always recorded as one."
        ),
    )

    def __init__(
        self, *args: Any, definition: dict[str, Any], language: str = "en", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.question_language = language  # of the question and option texts
        self.question_ids: list[str] = []
        clashes = sorted({q["id"] for q in definition["questions"]} & set(self.fields))
        if clashes:
            raise ValueError(f"question ids clash with the form's own fields: {clashes}")
        for q in definition["questions"]:
            label = q["text"]
            help_text = ""
            if q.get("enable_when"):
                help_text = str(_("Answer only when the earlier answer calls for it."))
            field: forms.Field
            options = [(o["code"], o["text"]) for o in q.get("options", [])]
            if q["type"] == "choice":
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect)
            elif q["type"] == "multi":
                field = forms.MultipleChoiceField(
                    choices=options, widget=forms.CheckboxSelectMultiple
                )
            elif q["type"] == "integer":
                field = forms.IntegerField()
            else:
                field = forms.CharField(max_length=2000)
            field.label = label
            field.help_text = help_text
            field.required = False
            self.fields[q["id"]] = field
            self.question_ids.append(q["id"])

    def answers(self) -> dict[str, Any]:
        found = {}
        for qid in self.question_ids:
            value = self.cleaned_data.get(qid)
            if value not in (None, "", []):
                found[qid] = value
        return found


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NeedKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(label=_("Description"), max_length=500)
    acuity = forms.TypedChoiceField(
        label=_("Priority"), choices=ACUITY_CHOICES, coerce=int, empty_value=None, required=False
    )
    consumer_priority = forms.IntegerField(
        label=_("The consumer's own priority (1 = most important)"),
        min_value=1,
        max_value=99,
        required=False,
    )


class NeedDecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirmed", _("Confirm")), ("dismissed", _("Dismiss"))],
        widget=forms.RadioSelect,
    )
    acuity = forms.TypedChoiceField(
        label=_("Priority"), choices=ACUITY_CHOICES, coerce=int, empty_value=None, required=False
    )
    consumer_priority = forms.IntegerField(
        label=_("The consumer's own priority (1 = most important)"),
        min_value=1,
        max_value=99,
        required=False,
    )


class TriggerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=[
            ("condition_change", _("Change in condition")),
            ("transition_of_care", _("Transition of care")),
        ],
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class NeedsConfirmForm(forms.Form):
    """Confirm several suggested needs at once: a box and a priority for each."""

    def __init__(self, *args: Any, needs: list[Need], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs = needs
        for need in needs:
            self.fields[f"confirm_{need.pk}"] = forms.BooleanField(
                label=_("Confirm: %(need)s (%(kind)s)")
                % {"need": need.description, "kind": need.get_kind_display()},
                required=False,
            )
            self.fields[f"acuity_{need.pk}"] = forms.TypedChoiceField(
                label=_("Priority of %(need)s") % {"need": need.description},
                choices=ACUITY_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"version_{need.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, initial=need.version
            )

    def decisions(self) -> list[tuple[Need, int, int | None]]:
        d = self.cleaned_data
        return [
            (need, d[f"version_{need.pk}"], d[f"acuity_{need.pk}"])
            for need in self.needs
            if d.get(f"confirm_{need.pk}")
        ]
