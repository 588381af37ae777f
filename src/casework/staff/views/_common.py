"""Shared by the staff pages: the role check of program-wide pages, the record context,
and where the two kinds of staff form page (`web.pages.form_page`) render and return."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from casework.core import clock
from casework.core.actor import Actor
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.staff import selectors
from casework.staff.models import User
from casework.web.access import refuse, user_may
from casework.web.pages import form_page


def _require(actor: Actor, permission: Permission, object_type: str) -> None:
    """A program-wide page (no record to load) for a role without `permission`: 404,
    one denied event. The guard checks the role on the API only, and a page with a
    record gets the 404 of the guard's load instead."""
    if not user_may(actor, permission):
        raise refuse(actor, AuditAction.READ, object_type, "", reason=f"role lacks {permission}")


def _record_context(user: User) -> dict[str, object]:
    return {
        "person": user,
        "report": selectors.qualification_report(user=user),
        "gaps": selectors.job_description_gaps(user=user),
        "credentials": selectors.credentials_with_verification(user_id=user.pk),
        "verifications": selectors.verification_list(user_id=user.pk),
        "facts": selectors.assignee_facts(user=user),
        "corrective": selectors.corrective_actions_recent(user_id=user.pk),
        "trainings": selectors.training_completions_recent(user_id=user.pk),
        "today": clock.today(),
    }


def person_page(
    request: HttpRequest,
    person: User,
    form: forms.BaseForm,
    save: Callable[[], object],
    *,
    title: str,
    submit_label: str,
    success: str,
    template: str = "staff/form.html",
    **context: object,
) -> HttpResponse:
    """A form page about one person (`web.pages.form_page`): saved, back to their
    record; `context` goes to `template` beside the person, title and submit label."""
    return form_page(
        request,
        form,
        save,
        success=success,
        redirect_to=reverse("staff_record", args=[person.pk]),
        template=template,
        context={"person": person, "title": title, "submit_label": submit_label, **context},
    )


def program_form(
    *, title: str, submit_label: str, back: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`form_page`'s target for a program-wide form: back to `back`."""
    return {
        "redirect_to": back,
        "template": "staff/program_form.html",
        "context": {"title": title, "submit_label": submit_label, "back": back, **(extra or {})},
    }
