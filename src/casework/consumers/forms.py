"""Forms for the consumer's support system (C4)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.consumers.models import DirectiveKind, Relationship, Sex
from casework.core.dates import Span
from casework.web.forms import LANGUAGE_CHOICES, ChangedFieldsMixin, date_field


class ConsumerDetailsForm(forms.Form):
    """The consumer's identity, language and decision-making (C4, C5); used by referral
    intake and by the edit page. ``CONSUMER_FIELDS`` are the names the services take."""

    given_name = forms.CharField(label=_("Consumer's given name"), max_length=100)
    family_name = forms.CharField(label=_("Consumer's family name"), max_length=100)
    birth_date = date_field(_("Birth date"), Span.BIRTH)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=LANGUAGE_CHOICES, initial="en"
    )
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    cultural_preferences = forms.CharField(
        label=_("Cultural preferences"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    makes_own_decisions = forms.BooleanField(
        label=_("Makes their own health-care decisions"),
        required=False,
        initial=True,
        help_text=_("Leave unticked when a legal decision maker decides for the consumer."),
    )
    mrn = forms.CharField(label=_("Medical record number"), max_length=40, required=False)
    member_id = forms.CharField(label=_("Member id"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    payer = forms.CharField(
        label=_("Payer or health plan"),
        max_length=100,
        required=False,
        help_text=_("Sets how often the consumer is reassessed when the program has a rule."),
    )
    race = forms.CharField(
        label=_("Race (as the consumer describes it)"), max_length=60, required=False
    )
    ethnicity = forms.CharField(
        label=_("Ethnicity (as the consumer describes it)"), max_length=60, required=False
    )

    CONSUMER_FIELDS = (
        "given_name",
        "family_name",
        "birth_date",
        "sex",
        "preferred_language",
        "interpreter_needed",
        "cultural_preferences",
        "makes_own_decisions",
        "mrn",
        "member_id",
        "phone",
        "email",
        "address",
        "payer",
        "race",
        "ethnicity",
    )


class ConsumerEditForm(ChangedFieldsMixin, ConsumerDetailsForm):
    """Change a consumer's details; ``version`` guards against a concurrent change (S43)."""

    EDITABLE = ConsumerDetailsForm.CONSUMER_FIELDS
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


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
    document_date = date_field(_("Document date"), Span.PAST, required=False)
    location = forms.CharField(
        label=_("Where the document is kept"), max_length=300, required=False
    )
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class SupportPersonEditForm(ChangedFieldsMixin, SupportPersonForm):
    """Change a support person; ``version`` guards against a concurrent change (S43)."""

    EDITABLE = (
        "name",
        "relationship",
        "phone",
        "email",
        "is_legal_decision_maker",
        "has_power_of_attorney",
        "is_emergency_contact",
        "notes",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AdvanceDirectiveEditForm(ChangedFieldsMixin, AdvanceDirectiveForm):
    """Change an advance directive; ``version`` guards against a concurrent change."""

    EDITABLE = ("kind", "document_date", "location", "summary")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RemovalForm(forms.Form):
    """Remove a support-system record: it is kept with the reason and no longer shown."""

    reason = forms.CharField(
        label=_("Why is it removed?"),
        help_text=_("For example: recorded in error, revoked, no longer involved."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConsumerMergeForm(forms.Form):
    """Merge a duplicate record into the one kept (supervisors)."""

    duplicate_id = forms.TypedChoiceField(
        label=_("The duplicate record to merge into this one"),
        coerce=int,
        help_text=_(
            "Its cases, contacts, consents and support system move to this record. The"
            " merge can be undone."
        ),
    )
    reason = forms.CharField(
        label=_("Why are they the same person?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duplicate_id"].choices = [  # type: ignore[attr-defined]
            (
                c.pk,
                _("%(name)s, born %(birth)s, record number %(mrn)s")
                % {
                    "name": f"{c.family_name}, {c.given_name}",
                    "birth": c.birth_date.isoformat(),
                    "mrn": c.mrn or "—",
                },
            )
            for c in candidates
        ]


class ConsumerMergeUndoForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the merge undone?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
