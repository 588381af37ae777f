"""Template helpers that render Django form fields as U.S. Web Design System markup."""

from datetime import date, datetime, timedelta
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3

register = template.Library()

STATE_BADGES = {
    "referred": "cw-badge--referred",
    "engaged": "cw-badge--engaged",
    "active": "cw-badge--active",
    "closed": "cw-badge--ended",
    "declined": "cw-badge--ended",
    "withdrawn": "cw-badge--ended",
    "open": "cw-badge--active",
    "completed": "cw-badge--ended",
    "cancelled": "cw-badge--ended",
    "granted": "cw-badge--active",
    "refused": "cw-badge--warning",
    "revoked": "cw-badge--warning",
}


def _kind(field: BoundField) -> str:
    widget = field.field.widget
    # Before RadioSelect: Django's CheckboxSelectMultiple is a subclass of it.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


def field_anchor(field: BoundField) -> str:
    """The id a link in the error summary points at (the first option of a group)."""
    if _kind(field) in ("radio", "checkboxes"):
        return f"{field.auto_id}_0"
    return str(field.id_for_label or field.auto_id)


@register.inclusion_tag("core/includes/field.html")
def uswds_field(field: BoundField) -> dict[str, Any]:
    """Render a bound field with its label, hint, error message and USWDS classes."""
    kind = _kind(field)
    hint_id = f"{field.auto_id}-hint"
    error_id = f"{field.auto_id}-error"
    described = []
    if field.help_text:
        described.append(hint_id)
    if field.errors:
        described.append(error_id)
    attrs: dict[str, str | bool] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    css = {
        "checkbox": "usa-checkbox__input",
        "textarea": "usa-textarea",
        "select": "usa-select",
        "input": "usa-input",
    }.get(kind, "")
    if field.errors and kind in ("textarea", "select", "input"):
        css += " usa-input--error"
    existing = field.field.widget.attrs.get("class", "")
    if css:
        attrs["class"] = f"{css} {existing}".strip()
    options: list[dict[str, Any]] = []
    widget_html = ""
    if kind in ("radio", "checkboxes"):
        for index, sub in enumerate(field.subwidgets):
            options.append(
                {
                    "id": f"{field.auto_id}_{index}",
                    "name": field.html_name,
                    "value": sub.data["value"],
                    "label": sub.data["label"],
                    "checked": sub.data["selected"],
                }
            )
    else:
        widget_html = field.as_widget(attrs=attrs)
    return {
        "field": field,
        "kind": kind,
        "hint_id": hint_id,
        "error_id": error_id,
        "describedby": " ".join(described),
        "widget_html": widget_html,
        "options": options,
    }


@register.inclusion_tag("core/includes/error_summary.html")
def error_summary(form: forms.BaseForm) -> dict[str, Any]:
    """The USWDS error alert listing every problem, each linked to its field."""
    items: list[dict[str, str]] = [{"anchor": "", "text": str(e)} for e in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            items.append({"anchor": field_anchor(field), "text": f"{field.label}: {error}"})
    return {"items": items, "has_errors": bool(form.errors)}


@register.simple_tag
def may_see_staff(user: Any) -> bool:
    """Whether to offer 'Staff' in the navigation (the pages check too)."""
    from casework.core.policy import Permission, Scope, scope_for

    return scope_for(getattr(user, "role", ""), Permission.STAFF_READ) != Scope.NONE


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up (a lockout of 14 min 30 s shows 15)."""
    if value is None:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def state_badge(value: str) -> str:
    return STATE_BADGES.get(value, "cw-badge--neutral")


_MONTHS: dict[tuple[str | None, int], str] = {}


def _month(number: int) -> str:
    """The month's short name in the active language (cached: hundreds per page)."""
    key = (translation.get_language(), number)
    name = _MONTHS.get(key)
    if name is None:
        short = str(MONTHS_3[number])
        # English writes "3 Dec 2026", Spanish "3 dic 2026" (month names in lower case).
        name = _MONTHS[key] = short.title() if (key[0] or "en").startswith("en") else short
    return name


@register.filter
def when(value: datetime | date | None) -> str:
    """A readable date and time: '22 Nov 2026, 14:05 UTC'; dates alone: '22 Nov 2026'.

    Formatted by hand: the worklist shows hundreds of these and Django's date_format
    is the slowest part of the page."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return (
            f"{local.day} {_month(local.month)} {local.year}, "
            f"{local.hour:02d}:{local.minute:02d} {local.tzname() or ''}".rstrip()
        )
    return f"{value.day} {_month(value.month)} {value.year}"


@register.simple_tag
def session_timing() -> dict[str, int]:
    """The idle timeout and how long before it the warning shows (issue 13, item 10)."""
    from django.conf import settings

    from casework.web.session_expiry import idle_seconds, warning_seconds

    return {
        "idle": idle_seconds(),
        "warn": warning_seconds(),
        "every_request": int(bool(settings.SESSION_SAVE_EVERY_REQUEST)),
    }


@register.filter
def minutes_ceiling(seconds: int) -> int:
    """Whole minutes, rounded up (at least one)."""
    return max(1, -(-int(seconds) // 60))


@register.simple_tag
def resumed_form(request: Any) -> dict[str, list[str]] | None:
    """The fields of a form posted into an expired session, to be put back on this page
    by the person who typed them (casework.web.session_expiry)."""
    return getattr(request, "resumed_form", None)


@register.filter
def day(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).date()
    return f"{value.day} {_month(value.month)} {value.year}"


@register.filter
def language_label(code: str) -> str:
    from casework.core.languages import language_name

    return language_name(code)


@register.simple_tag
def may_take_referrals(user: Any) -> bool:
    """Whether to offer 'New referral' in the navigation (the page itself checks too)."""
    from casework.core.policy import Permission, Scope, scope_for

    role = getattr(user, "role", "")
    return scope_for(role, Permission.CASE_INTAKE) != Scope.NONE


@register.simple_tag
def may_find_consumers(user: Any) -> bool:
    """Whether to offer 'Find a consumer' in the navigation (the page itself checks too)."""
    from casework.core.policy import Permission, Scope, scope_for

    return scope_for(getattr(user, "role", ""), Permission.CONSUMER_READ) != Scope.NONE


@register.simple_tag
def may_read_dashboard(user: Any) -> bool:
    """Whether to offer the dashboard in the navigation (the page itself checks too)."""
    from casework.core.policy import Permission, Scope, scope_for

    return scope_for(getattr(user, "role", ""), Permission.DASHBOARD_READ) != Scope.NONE


@register.simple_tag
def may_read_audit(user: Any) -> bool:
    """Whether to offer the audit report in the navigation (the page itself checks too)."""
    from casework.core.policy import Permission, Scope, scope_for

    return scope_for(getattr(user, "role", ""), Permission.AUDIT_READ) != Scope.NONE


@register.filter
def state_label(value: str) -> str:
    """The translated label of a case state code."""
    from casework.cases.models import CaseState

    return str(dict(CaseState.choices).get(value, value))


@register.simple_tag
def may_hold(user: Any, permission: str) -> bool:
    """Whether the user's role holds `permission` at any scope: which navigation links to
    offer (the pages check too)."""
    from casework.core.policy import Permission, Scope, scope_for

    return scope_for(getattr(user, "role", ""), Permission(permission)) != Scope.NONE


@register.simple_tag
def break_glass_banner(request: Any) -> datetime | None:
    """When the emergency access this session opened ends, while it lasts (N2, S19): read
    from the session, never the database."""
    from casework.core import clock
    from casework.web.guard import BREAK_GLASS_SESSION_KEY

    session = getattr(request, "session", None)
    value = session.get(BREAK_GLASS_SESSION_KEY, "") if session is not None else ""
    if not value:
        return None
    try:
        until = datetime.fromisoformat(value)
    except ValueError:
        return None
    return until if until > clock.now() else None


@register.simple_tag
def may_declare_emergency(user: Any) -> bool:
    """Whether to offer break-glass: the role is one that may by default (the page itself
    checks the program's own choice)."""
    from casework.core.policy import BREAK_GLASS_DEFAULT_ROLES

    return getattr(user, "role", "") in BREAK_GLASS_DEFAULT_ROLES
