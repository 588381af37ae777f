"""Forms for work items, communications and notes. Without active consent only the
enrollment kinds are offered (C1, S39); the services refuse the others anyway."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.coordination.models import (
    Channel,
    CommunicationTopic,
    Direction,
    NoteKind,
    WorkItem,
    WorkItemKind,
)
from casework.core.dates import Span
from casework.core.roles import Role
from casework.staff.models import User
from casework.web.forms import ChangedFieldsMixin, datetime_field, in_days, now_minute


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class WorkItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=WorkItemKind.choices, widget=forms.RadioSelect
    )
    owner = OwnerChoiceField(label=_("Owner"), queryset=User.objects.none(), empty_label=None)
    due_at = datetime_field(_("Due"), Span.PLANNED)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args: Any, clinical: bool, owners: Any, me: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].initial = me.pk
        self.fields["due_at"].initial = in_days(7)
        if not clinical:
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                c for c in WorkItemKind.choices if c[0] == WorkItemKind.ADMINISTRATIVE
            ]
            self.fields["kind"].initial = WorkItemKind.ADMINISTRATIVE
        else:
            self.fields["kind"].initial = WorkItemKind.SERVICE


class WorkItemEditForm(ChangedFieldsMixin, forms.Form):
    """Change an open work item; ``version`` guards against a concurrent change (S43)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = OwnerChoiceField(label=_("Owner"), queryset=User.objects.none(), empty_label=None)
    due_at = datetime_field(_("Due"), Span.PLANNED)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    EDITABLE = ("title", "owner", "due_at", "description")

    def __init__(self, *args: Any, item: WorkItem, owners: Any, **kwargs: Any) -> None:
        initial = {name: getattr(item, name) for name in self.EDITABLE}
        initial["due_at"] = item.due_at.replace(second=0, microsecond=0)  # the widget shows minutes
        kwargs["initial"] = {**initial, "version": item.version}
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class WorkItemCompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class WorkItemCancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Why is it cancelled?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class CommunicationForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=CommunicationTopic.choices, widget=forms.RadioSelect
    )
    parties = forms.CharField(
        label=_("Parties"),
        max_length=300,
        help_text=_("Who took part, for example: the consumer and her daughter."),
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    occurred_at = datetime_field(_("When"), Span.RECENT)

    def __init__(self, *args: Any, clinical: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = now_minute
        self.fields["direction"].initial = Direction.OUTBOUND
        if not clinical:
            self.fields["topic"].choices = [  # type: ignore[attr-defined]
                c for c in CommunicationTopic.choices if c[0] == CommunicationTopic.ENROLLMENT
            ]
            self.fields["topic"].initial = CommunicationTopic.ENROLLMENT
        else:
            self.fields["topic"].initial = CommunicationTopic.CARE


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of note"), widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Notes are signed when saved and cannot be edited; correct with a new note."),
    )
    part2 = forms.BooleanField(
        label=_("Substance use disorder record (42 CFR Part 2)"),
        required=False,
        help_text=_(
            "Only you and the roles the consumer's Part 2 consent names will see this note."
        ),
    )

    def __init__(self, *args: Any, clinical: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = (
            [c for c in NoteKind.choices]
            if clinical
            else [c for c in NoteKind.choices if c[0] == NoteKind.CONSENT_ATTEMPT]
        )
        self.fields["kind"].choices = allowed  # type: ignore[attr-defined]
        self.fields["kind"].initial = NoteKind.PROGRESS if clinical else NoteKind.CONSENT_ATTEMPT


class Part2ConsentForm(forms.Form):
    """Record or revoke the consumer's Part 2 consent for one recipient (S40): a role of
    the program, or a payer."""

    action = forms.ChoiceField(
        label=_("What to record"),
        choices=[
            ("grant", _("The consumer consents to the role or the payer below")),
            ("revoke", _("The consumer revokes the consent for the role or the payer below")),
        ],
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("None: a payer")), *Role.choices], required=False
    )
    payer = forms.CharField(
        label=_("Or a payer"),
        required=False,
        max_length=100,
        help_text=_(
            "As the consumer's stays name it: their Part 2 notes then go into the appeal "
            "packets of those stays."
        ),
    )
    scope = forms.CharField(
        label=_("Scope of the consent"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What may be disclosed, to whom and for what purpose, as the consent says."),
    )


class NoteAmendForm(forms.Form):
    """Amend a signed note: the corrected text and why (the original stays shown)."""

    text = forms.CharField(
        label=_("Corrected note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The original note is kept and shown as amended."),
    )
    amendment_reason = forms.CharField(
        label=_("Why is the note amended?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
