"""Forms for the case pages: intake, notices, consent, lifecycle, closure, reassignment."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.cases.models import (
    Acknowledgement,
    ClosureReason,
    Complexity,
    ConsentDecision,
    ConsentGivenBy,
    ConsentMethod,
    DeliveryMethod,
    NoticeKind,
    RecipientType,
    ReferralSource,
    Severity,
)
from casework.consumers.forms import ConsumerDetailsForm
from casework.consumers.models import SupportPerson
from casework.core.dates import Span
from casework.staff.models import User
from casework.web.forms import LANGUAGE_CHOICES, datetime_field, now_minute

ENROLLMENT_NOTICE_CHOICES = [c for c in NoticeKind.choices if c[0] != NoticeKind.CLOSURE]
REFERRAL_SOURCE_CHOICES = [
    c for c in ReferralSource.choices if c[0] != ReferralSource.POPULATION_SCREENING
]


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class IntakeForm(ConsumerDetailsForm):
    """A referral from a professional, the consumer or a family member: a new consumer
    and a new case."""

    source = forms.ChoiceField(
        label=_("Who referred the consumer?"),
        choices=REFERRAL_SOURCE_CHOICES,
        widget=forms.RadioSelect,
    )
    referrer_name = forms.CharField(
        label=_("Referrer's name"),
        max_length=200,
        required=False,
        help_text=_("Required for a professional or family referral."),
    )
    referrer_organization = forms.CharField(
        label=_("Referrer's organization"), max_length=200, required=False
    )
    referrer_contact = forms.CharField(
        label=_("Referrer's phone or email"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("Reason for referral"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    received_at = datetime_field(_("Referral received"), Span.RECENT)
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=Complexity.choices, initial=Complexity.MODERATE
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        initial=Severity.MODERATE,
        required=False,
        help_text=_("With complexity, weights the case in the caseload."),
    )
    assign_to = StaffChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Leave unassigned"),
    )
    override_reason = forms.CharField(
        label=_("Override: why assign despite a refusal"),
        max_length=2000,
        required=False,
        help_text=_("Recorded and audited when you assign someone the staff rules refuse."),
    )

    duplicate = forms.CharField(
        label=_("Is this one of the consumers you already work with?"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "The same name and birth date are on record. The same person: the referral is"
            " linked to their record. A different person: a new record is created."
        ),
    )

    field_order = [
        "source",
        "referrer_name",
        "referrer_organization",
        "referrer_contact",
        "reason",
        "received_at",
        *ConsumerDetailsForm.CONSUMER_FIELDS,
        "complexity",
        "assign_to",
    ]

    def __init__(self, *args: Any, team_members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = now_minute
        if team_members is None:
            del self.fields["assign_to"]
            del self.fields["override_reason"]
        else:
            self.fields["assign_to"].queryset = team_members  # type: ignore[attr-defined]

    def offer_duplicates(self, candidates: Any) -> None:
        """Ask whether the consumer is one of `candidates` (consumers the user reaches)."""
        choices: list[tuple[str, object]] = [
            (
                f"same-{c.pk}",
                _("The same person as %(name)s, born %(birth)s, record number %(mrn)s")
                % {
                    "name": f"{c.family_name}, {c.given_name}",
                    "birth": c.birth_date.isoformat(),
                    "mrn": c.mrn or "—",
                },
            )
            for c in candidates
        ]
        choices.append(("different", _("A different person: create a new record")))
        self.fields["duplicate"].widget.choices = choices  # type: ignore[attr-defined]

    def clean_duplicate(self) -> str:
        value: str = self.cleaned_data.get("duplicate", "")
        if value and value != "different" and not re.fullmatch(r"same-\d{1,18}", value):
            raise forms.ValidationError(_("Choose one of the answers."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("source") in ("professional", "family")
            and not data.get("referrer_name", "").strip()
        ):
            self.add_error("referrer_name", _("Name the person who referred the consumer."))
        return data


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Notice"), choices=ENROLLMENT_NOTICE_CHOICES, widget=forms.RadioSelect
    )
    recipient_type = forms.ChoiceField(
        label=_("Given to"),
        choices=[c for c in RecipientType.choices if c[0] != RecipientType.PROVIDER],
        initial=RecipientType.CONSUMER,
    )
    recipient_name = forms.CharField(
        label=_("Recipient's name"),
        max_length=200,
        required=False,
        help_text=_("When the notice was given to someone other than the consumer."),
    )
    method = forms.ChoiceField(label=_("How it was given"), choices=DeliveryMethod.choices)
    language = forms.ChoiceField(label=_("Language of the notice"), choices=LANGUAGE_CHOICES)
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    delivered_at = datetime_field(_("Given on"), Span.RECENT)
    acknowledgement = forms.ChoiceField(
        label=_("Acknowledgement"), choices=Acknowledgement.choices, widget=forms.RadioSelect
    )
    good_faith_note = forms.CharField(
        label=_("Good-faith effort made"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when acknowledgement was refused or could not be obtained."),
    )

    def __init__(self, *args: Any, language: str = "en", kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivered_at"].initial = now_minute
        self.fields["language"].initial = language
        if kind in dict(ENROLLMENT_NOTICE_CHOICES):
            self.fields["kind"].initial = kind

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("acknowledgement") == Acknowledgement.GOOD_FAITH_ATTEMPT
            and not data.get("good_faith_note", "").strip()
        ):
            self.add_error(
                "good_faith_note", _("Describe the good-faith effort to obtain acknowledgement.")
            )
        return data


class EnrollmentNoticesForm(NoticeForm):
    """The enrollment notices given together, in one form (issue 13, item 11)."""

    kinds = forms.MultipleChoiceField(
        label=_("Notices given"),
        choices=ENROLLMENT_NOTICE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each is recorded as given, with the delivery below."),
    )

    def __init__(self, *args: Any, missing: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        self.order_fields(["kinds"])
        self.fields["kinds"].initial = missing


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    given_by = forms.ChoiceField(
        label=_("Decided by"), choices=ConsentGivenBy.choices, widget=forms.RadioSelect
    )
    surrogate = forms.ModelChoiceField(
        label=_("Legal decision maker"),
        queryset=SupportPerson.objects.none(),
        required=False,
        empty_label=_("Choose the legal decision maker"),
        help_text=_("When the legal decision maker decided for the consumer."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=ConsentMethod.choices)
    decided_at = datetime_field(_("Decided on"), Span.RECENT)
    evidence = forms.CharField(
        label=_("Evidence or witness"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )

    def __init__(
        self,
        *args: Any,
        decisions: list[str],
        surrogates: Any,
        makes_own_decisions: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            c for c in ConsentDecision.choices if c[0] in decisions
        ]
        self.fields["surrogate"].queryset = surrogates  # type: ignore[attr-defined]
        self.fields["given_by"].initial = (
            ConsentGivenBy.CONSUMER if makes_own_decisions else ConsentGivenBy.SURROGATE
        )
        self.fields["decided_at"].initial = now_minute

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("given_by") == ConsentGivenBy.SURROGATE and data.get("surrogate") is None:
            self.add_error("surrogate", _("Choose the legal decision maker who decided."))
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class WithdrawForm(VersionForm):
    reason = forms.CharField(
        label=_("Why is the case withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class CloseForm(VersionForm):
    """Closure (I1): reason, notice to the consumer and each involved provider, and where
    to go if things change."""

    reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[("", _("Choose a reason")), *ClosureReason.choices],
    )
    summary = forms.CharField(
        label=_("Closing summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    instructions = forms.CharField(
        label=_("Where to go if things change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Given to the consumer with the closure notice."),
    )
    consumer_method = forms.ChoiceField(
        label=_("How the consumer was told"), choices=DeliveryMethod.choices
    )
    consumer_delivered_at = datetime_field(_("Consumer told on"), Span.RECENT)
    no_providers_involved = forms.BooleanField(
        label=_("No outside providers are involved"),
        required=False,
        help_text=_("Tick only when nobody outside the program needs the closure notice."),
    )

    def __init__(
        self, *args: Any, providers: list[str], instructions: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instructions"].initial = instructions
        self.fields["consumer_delivered_at"].initial = now_minute
        self.provider_rows = max(2, len(providers))
        for index in range(self.provider_rows):
            number = index + 1
            self.fields[f"provider_{number}_name"] = forms.CharField(
                label=_("Provider %(n)s: name") % {"n": number},
                max_length=200,
                required=False,
                initial=providers[index] if index < len(providers) else "",
            )
            self.fields[f"provider_{number}_method"] = forms.ChoiceField(
                label=_("Provider %(n)s: how they were told") % {"n": number},
                choices=[("", _("Choose how")), *DeliveryMethod.choices],
                required=False,
            )

    def provider_notices(self) -> list[tuple[str, str]]:
        rows = []
        for number in range(1, self.provider_rows + 1):
            name = self.cleaned_data.get(f"provider_{number}_name", "").strip()
            method = self.cleaned_data.get(f"provider_{number}_method", "")
            if name or method:
                rows.append((name, method))
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number in range(1, self.provider_rows + 1):
            name = data.get(f"provider_{number}_name", "").strip()
            method = data.get(f"provider_{number}_method", "")
            if name and not method:
                self.add_error(f"provider_{number}_method", _("Say how the provider was told."))
            if method and not name:
                self.add_error(f"provider_{number}_name", _("Name the provider."))
        any_provider = any(
            data.get(f"provider_{n}_name", "").strip() for n in range(1, self.provider_rows + 1)
        )
        if not any_provider and not data.get("no_providers_involved"):
            self.add_error(
                "provider_1_name",
                _("Record the notice to each involved provider, or tick that none is involved."),
            )
        return data


class ReassignForm(VersionForm):
    assign_to = StaffChoiceField(
        label=_("New case manager"), queryset=User.objects.none(), empty_label=_("Choose")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    override_reason = forms.CharField(
        label=_("Override: why assign despite a refusal"),
        max_length=2000,
        required=False,
        help_text=_("Recorded and audited when you assign someone the staff rules refuse."),
    )
    keep_on_care_team_as = forms.CharField(
        label=_("Keep the previous case manager on the care team as"),
        max_length=100,
        required=False,
        help_text=_(
            "Leave empty to end their relationship with the consumer. A role given here"
            " (not case manager) keeps them on the care team, with access to the record;"
            " it is recorded and audited."
        ),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].queryset = candidates  # type: ignore[attr-defined]


class WorklistFilterForm(forms.Form):
    SCOPES = [("mine", _("My cases")), ("team", _("My team's cases"))]
    DUE = [
        ("7", _("Overdue or due within 7 days")),
        ("30", _("Overdue or due within 30 days")),
        ("overdue", _("Overdue only")),
        ("any", _("Any time")),
    ]
    scope = forms.ChoiceField(label=_("Show"), choices=SCOPES, required=False, initial="team")
    state = forms.ChoiceField(label=_("Case state"), required=False)
    due = forms.ChoiceField(label=_("Work due"), choices=DUE, required=False, initial="7")

    def __init__(
        self, *args: Any, state_choices: list[tuple[str, Any]], team: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All open")), *state_choices]  # type: ignore[attr-defined]
        if not team:
            del self.fields["scope"]


class BulkReassignForm(forms.Form):
    """Reassign several of the team's cases to one case manager (supervisors)."""

    cases = forms.TypedMultipleChoiceField(
        label=_("Cases to reassign"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    assign_to = forms.TypedChoiceField(
        label=_("New case manager"),
        coerce=int,
        help_text=_("Each person's weighted caseload now, and the program's limit for it."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    override_reason = forms.CharField(
        label=_("Override: why assign despite a refusal"),
        max_length=2000,
        required=False,
        help_text=_("Recorded and audited when the staff rules refuse the new case manager."),
    )

    def __init__(
        self,
        *args: Any,
        cases: Any,
        candidates: Any,
        weights: dict[int, Any],
        limit: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [  # type: ignore[attr-defined]
            (
                case.pk,
                _("Case %(number)s: %(name)s (%(state)s), with %(manager)s")
                % {
                    "number": case.pk,
                    "name": case.consumer,
                    "state": case.get_state_display(),
                    "manager": case.assigned_to.get_full_name() if case.assigned_to else "—",
                },
            )
            for case in cases
        ]
        self.fields["assign_to"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a case manager")),
            *(
                (
                    user.pk,
                    (
                        _("%(name)s: weighted caseload %(load)s of %(limit)s")
                        if limit is not None
                        else _("%(name)s: weighted caseload %(load)s")
                    )
                    % {
                        "name": user.get_full_name() or user.username,
                        "load": weights.get(user.pk, 0),
                        "limit": limit,
                    },
                )
                for user in candidates
            ),
        ]
