"""Form helpers shared by the pages: date inputs, domain errors onto forms, saving a form."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.core import clock
from casework.core.dates import Span, date_problem
from casework.core.errors import DomainError, RuleViolation, StaleVersion, ValidationFailed
from casework.core.languages import LANGUAGE_CHOICES as LANGUAGE_CHOICES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_LOCAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PlausibleDate:
    """A form validator: the value lies within its `Span` (see ``core.dates``)."""

    def __init__(self, span: Span) -> None:
        self.span = span

    def __call__(self, value: date | datetime) -> None:
        problem = date_problem(value, self.span)
        if problem:
            raise ValidationError(problem, code="implausible_date")


def date_field(label: "StrOrPromise", span: Span, **kwargs: object) -> forms.DateField:
    """A date input whose value must lie within `span` (a typed year of 0001 or 9999 is
    refused on the form, never stored)."""
    return forms.DateField(
        label=label,
        widget=DateInput(),
        validators=[PlausibleDate(span)],
        **kwargs,  # type: ignore[arg-type]
    )


def datetime_field(label: "StrOrPromise", span: Span, **kwargs: object) -> forms.DateTimeField:
    """A date-and-time input whose value must lie within `span`."""
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[PlausibleDate(span)],
        **kwargs,  # type: ignore[arg-type]
    )


def page_number(raw: str | None) -> int:
    """A ``?page=`` value: a positive number of at most six digits, else 1."""
    return int(raw) if raw and raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


class ChangedFieldsMixin:
    """For edit forms: ``changed_fields()`` gives the cleaned values of the ``EDITABLE``
    fields the user changed, so a service receives only those."""

    EDITABLE: tuple[str, ...] = ()
    cleaned_data: dict[str, Any]
    changed_data: list[str]

    def changed_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self.EDITABLE if name in self.changed_data
        }

    def changes(self) -> dict[str, Any]:
        """`changed_fields()`, refused on the form when the user changed nothing."""
        changed = self.changed_fields()
        if not changed:
            raise ValidationFailed.single("__all__", gettext("Nothing was changed."))
        return changed


def now_minute() -> datetime:
    return clock.now().replace(second=0, microsecond=0)


def in_days(days: int, hour: int = 17) -> datetime:
    return (clock.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def add_domain_error(
    form: forms.BaseForm, exc: DomainError, *, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the form: field errors for ValidationFailed (mapped
    through `aliases` when the service names a field differently), a form-level error
    for a rule or a stale version."""
    if isinstance(exc, ValidationFailed):
        for name, reasons in exc.errors.items():
            target = (aliases or {}).get(name, name)
            for reason in reasons:
                if target in form.fields:
                    form.add_error(target, reason)
                else:
                    form.add_error(None, reason)
    elif isinstance(exc, StaleVersion):
        form.add_error(
            None, _("Someone else changed this case while you were working. Reload and try again.")
        )
    elif isinstance(exc, RuleViolation):
        form.add_error(None, exc.reason)
    else:
        form.add_error(None, str(exc))


def form_saved(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], object],
    *,
    success: str,
    redirect_to: str,
    aliases: dict[str, str] | None = None,
) -> HttpResponse | None:
    """The POST half of a form page: with a valid form, call `save` (one service, whose
    own audit event is the only one). Success: a message and a redirect to `redirect_to`.
    A refusal (DomainError) goes onto the form and writes nothing; then, as on a GET or
    an invalid form, return None and let the page render the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save()
    except DomainError as exc:
        add_domain_error(form, exc, aliases=aliases)
        return None
    messages.success(request, success)
    return redirect(redirect_to)


AUDIT_SORT_CHOICES = [
    ("-time", _("Newest first")),
    ("time", _("Oldest first")),
    ("user", _("User (A to Z)")),
    ("-user", _("User (Z to A)")),
    ("consumer", _("Consumer id (ascending)")),
    ("-consumer", _("Consumer id (descending)")),
    ("action", _("Action (A to Z)")),
    ("-action", _("Action (Z to A)")),
    ("category", _("Category (A to Z)")),
    ("-category", _("Category (Z to A)")),
]


class AuditFilterForm(forms.Form):
    """Filters of the audit report page (S25). Dates are the program's local days, both
    inclusive."""

    since = date_field(_("From"), Span.FILTER, required=False)
    until = date_field(_("To (inclusive)"), Span.FILTER, required=False)
    username = forms.CharField(label=_("User name"), max_length=150, required=False)
    consumer = forms.CharField(
        label=_("Consumer: name or record number"),
        max_length=200,
        required=False,
        help_text=_("As on Find a consumer: a name, birth date, record number or member id."),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    sort = forms.ChoiceField(label=_("Order"), choices=AUDIT_SORT_CHOICES, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from casework.core.models import AuditAction, AuditOutcome

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [("", _("Any action")), *AuditAction.choices]  # type: ignore[attr-defined]
        self.fields["outcome"].choices = [("", _("Any outcome")), *AuditOutcome.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end day is before the start day."))
        return data
