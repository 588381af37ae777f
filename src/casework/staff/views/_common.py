"""Helpers shared by the staff pages: role checks, the record context, form pages."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from casework.core import clock
from casework.core.actor import Actor, actor_from_request
from casework.core.audit import audit_denied
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.staff import selectors
from casework.staff.models import (
    User,
)
from casework.web.access import access_staff
from casework.web.forms import form_saved


def _require(actor: Actor, permission: Permission, object_type: str) -> None:
    if scope_for(actor.role, permission) == Scope.NONE:
        audit_denied(
            actor=actor,
            action=AuditAction.READ,
            object_type=object_type,
            object_id="",
            reason=f"role lacks {permission}",
        )
        raise Http404("No page here.")


def _record_context(user: User) -> dict[str, object]:
    return {
        "person": user,
        "report": selectors.qualification_report(user=user),
        "gaps": selectors.job_description_gaps(user=user),
        "credentials": selectors.credentials_with_verification(user_id=user.pk),
        "verifications": selectors.verification_list(user_id=user.pk),
        "facts": selectors.assignee_facts(user=user),
        "corrective": user.corrective_actions.order_by("-opened_at")[:20],
        "trainings": user.training_completions.select_related("course").order_by("-completed_date")[
            :20
        ],
        "today": clock.today(),
    }


def _form_page(
    request: HttpRequest,
    person: User,
    form: forms.Form,
    save: Callable[[], object],
    *,
    title: str,
    submit_label: str,
    success: str,
) -> HttpResponse:
    redirect_to = reverse("staff_record", args=[person.pk])
    done = form_saved(request, form, save, success=success, redirect_to=redirect_to)
    if done is not None:
        return done
    return render(
        request,
        "staff/form.html",
        {"form": form, "person": person, "title": title, "submit_label": submit_label},
    )


def _managed(request: HttpRequest, user_id: int) -> tuple[Actor, User]:
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_MANAGE, "staff")
    posted = request.method == "POST"
    return actor, access_staff(
        actor, user_id, permission=Permission.STAFF_MANAGE, log_read=not posted
    )


def _program_form(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[], object],
    *,
    title: str,
    submit_label: str,
    success: str,
    back: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    done = form_saved(request, form, save, success=success, redirect_to=back)
    if done is not None:
        return done
    return render(
        request,
        "staff/program_form.html",
        {"form": form, "title": title, "submit_label": submit_label, "back": back, **(extra or {})},
    )
