"""Break-glass pages (N2, S19): declare an emergency, and the compliance review queue.

The declaration page is open to the roles the program allows; anyone else gets the 404
of a page that does not exist (one denied event). The queue and each review are open to
roles that read the audit trail (compliance officers, auditors read; only compliance
officers review: the review changes the record)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casework.core.actor import Actor, actor_from_request
from casework.core.audit import audit_record
from casework.core.errors import DomainError
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.web import break_glass
from casework.web.access import confidentiality_gate, reaches_consumer, refuse
from casework.web.forms import add_domain_error
from casework.web.guard import remember_emergency
from casework.web.models import ReviewOutcome

QUEUE_SIZE = 100


class DeclareForm(forms.Form):
    record_number = forms.CharField(label=_("Medical record number"), max_length=40)
    reason = forms.CharField(
        label=_("Why is this an emergency?"),
        max_length=break_glass.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your reason is recorded and a compliance officer reviews it."),
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (ReviewOutcome.ACCEPTED, _("Accepted: the emergency justified the access")),
            (ReviewOutcome.ESCALATED, _("Escalated: investigate this access")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), max_length=break_glass.NOTE_MAX_LENGTH, widget=forms.Textarea
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest) -> HttpResponse:
    """Declare an emergency over one consumer: one `create` event (ETREAT, break-glass),
    then the consumer's page, marked by the banner until the access ends."""
    actor = actor_from_request(request)
    if not break_glass.may_break_glass(user=actor.user):
        raise refuse(
            actor,
            AuditAction.CREATE,
            "break_glass",
            "",
            reason="role may not declare an emergency",
        )
    confidentiality_gate(actor, AuditAction.CREATE, "break_glass", "")
    form = DeclareForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = break_glass.emergency_access_declare(
                actor=actor,
                record_number=form.cleaned_data["record_number"],
                reason=form.cleaned_data["reason"],
                reaches=reaches_consumer(actor),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            remember_emergency(request, grant.expires_at)
            messages.warning(
                request,
                _("Emergency access declared. Every record you open is recorded and reviewed."),
            )
            return redirect(reverse("consumer_detail", args=[grant.consumer_id]))
    minutes = settings.CASEWORK_BREAK_GLASS_MINUTES
    return render(request, "web/break_glass_declare.html", {"form": form, "minutes": minutes})


def _reviewer(request: HttpRequest, *, action: str, object_id: object = "") -> Actor:
    """The acting user if their role reads the audit trail; else 404, audited."""
    actor = actor_from_request(request)
    if scope_for(actor.role, Permission.AUDIT_READ) == Scope.NONE:
        raise refuse(
            actor, action, "break_glass", object_id, reason="role may not review break-glass"
        )
    return actor


@login_required
@require_http_methods(["GET"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """The program's declarations, pending first: one `list` event naming their ids."""
    actor = _reviewer(request, action=AuditAction.LIST)
    confidentiality_gate(actor, AuditAction.LIST, "break_glass", "")
    pending = list(
        break_glass.emergency_access_queue(user=actor.user, outcome=ReviewOutcome.PENDING)[
            :QUEUE_SIZE
        ]
    )
    reviewed = [
        a
        for a in break_glass.emergency_access_queue(user=actor.user)[:QUEUE_SIZE]
        if a.review_outcome != ReviewOutcome.PENDING
    ]
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="break_glass",
        detail={"ids": [a.pk for a in [*pending, *reviewed]]},
    )
    return render(
        request,
        "web/break_glass_queue.html",
        {"nav": "break_glass", "pending": pending, "reviewed": reviewed},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, access_id: int) -> HttpResponse:
    """Review one declaration: GET shows it (one read event), POST accepts or escalates it
    with a note (the service's one update event). Only compliance officers review."""
    action = AuditAction.READ if request.method == "GET" else AuditAction.UPDATE
    actor = _reviewer(request, action=action, object_id=access_id)
    confidentiality_gate(actor, action, "break_glass", access_id)
    grant = break_glass.emergency_access_get(user=actor.user, access_id=access_id)
    may_review = actor.role in break_glass.REVIEWER_ROLES
    if grant is None or (request.method == "POST" and not may_review):
        raise refuse(actor, action, "break_glass", access_id)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass.emergency_access_review(
                actor=actor,
                access=grant,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect(reverse("break_glass_queue"))
    if request.method == "GET":
        audit_record(
            actor=actor,
            action=AuditAction.READ,
            consumer_id=grant.consumer_id,
            object_type="break_glass",
            object_id=grant.pk,
        )
    return render(
        request,
        "web/break_glass_review.html",
        {"nav": "break_glass", "grant": grant, "form": form, "may_review": may_review},
    )
