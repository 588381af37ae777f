"""Reading staff records: statements to sign, a person's record, the staff list, the
dashboard and verification evidence."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.core import clock
from casework.core.actor import Actor, actor_from_request
from casework.core.audit import audit_record
from casework.core.errors import DomainError
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.staff import selectors, services
from casework.staff.models import AttestationKind, User
from casework.staff.views._common import _record_context, _require
from casework.web.access import access_staff, refuse, user_may
from casework.web.guard import guard


@login_required
@require_http_methods(["GET", "POST"])
def attest(request: HttpRequest) -> HttpResponse:
    """The statements the signed-in person must sign (MA 7.3(e), 10.1; S41)."""
    actor = actor_from_request(request)
    user = actor.user
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        document = selectors.attestation_document_in_program(
            program_id=user.program_id or 0, document_id=request.POST.get("document", "0") or 0
        )
        if document is None or request.POST.get("agree") != "yes":
            messages.error(request, _("Tick the box to confirm you have read the statement."))
        else:
            try:
                services.attestation_sign(actor=actor, document=document)
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Signed. Thank you."))
                if next_url and selectors.confidentiality_signed(user=user):
                    return redirect(next_url)
        return redirect(request.get_full_path())
    statements = []
    for kind, label in AttestationKind.choices:
        document = selectors.attestation_current_document(
            program_id=user.program_id or 0, kind=kind
        )
        if document is not None:
            current = selectors.attestation_is_current(user=user, kind=kind)
            statements.append({"document": document, "label": label, "current": current})
    audit_record(
        actor=actor, action=AuditAction.READ, object_type="staff_attestation", object_id=user.pk
    )
    return render(
        request,
        "staff/attest.html",
        {"statements": statements, "next": next_url, "nav": "staff_me"},
    )


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own governance record."""
    actor = actor_from_request(request)
    user = access_staff(actor, actor.user.pk)
    return render(request, "staff/record.html", {**_record_context(user), "nav": "staff_me"})


@login_required
@guard(Permission.STAFF_READ, access_staff, log_read=True)
def staff_record(request: HttpRequest, actor: Actor, user: User) -> HttpResponse:
    may_manage = user_may(actor, Permission.STAFF_MANAGE)
    return render(
        request,
        "staff/record.html",
        {**_record_context(user), "nav": "staff", "may_manage": may_manage},
    )


@login_required
@guard(Permission.STAFF_READ, object_type="staff")
def staff_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Staff of the program (or of the supervisor's teams), with compliance at a glance."""
    team_only = scope_for(actor.role, Permission.STAFF_READ) == Scope.TEAM
    people = list(selectors.staff_list_for(user=actor.user, team_only=team_only))
    show = request.GET.get("show", "")
    facts = selectors.assignee_facts_for(users=people)
    rows: list[dict[str, Any]] = [
        {"person": p, "facts": facts[p.pk], "load": facts[p.pk].weighted_load} for p in people
    ]
    dash = selectors.dashboard_build(program_id=actor.user.program_id or 0)
    filters = {
        "noncompliant": lambda r: r["person"].pk not in dash.credential_compliant,
        "untrained": lambda r: r["person"].pk not in dash.trained,
        "attestations": lambda r: r["person"].pk in dash.attestations_outstanding,
        "caseload": lambda r: r["person"].role == "case_manager",
    }
    if show in filters:
        rows = [r for r in rows if filters[show](r)]
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="staff",
        detail={"count": len(rows), "ids": [r["person"].pk for r in rows], "show": show},
    )
    return render(request, "staff/list.html", {"rows": rows, "show": show, "nav": "staff"})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Credential compliance, training completion, attestations outstanding and
    caseload distribution; each number links to its list (L2)."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_READ, "staff_dashboard")
    dash = selectors.dashboard_build(program_id=actor.user.program_id or 0)
    due = list(selectors.staff_deadlines_due(program_id=actor.user.program_id or 0)[:50])
    corrective = list(selectors.corrective_actions_open(program_id=actor.user.program_id or 0)[:50])
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        object_type="staff_dashboard",
        detail={"due": len(due), "corrective": len(corrective)},
    )
    return render(
        request,
        "staff/dashboard.html",
        {
            "dash": dash,
            "due": due,
            "corrective": corrective,
            "now": clock.now(),
            "case_manager_limit": dash.limits.get("case_manager"),
            "loads": sorted(dash.caseloads.values(), reverse=True),
            "may_manage": user_may(actor, Permission.STAFF_MANAGE),
            "nav": "staff",
        },
    )


@login_required
@require_http_methods(["GET"])
def verification_evidence(request: HttpRequest, verification_id: int) -> FileResponse:
    """Download the evidence file of a verification (S38: as an attachment, under a
    generated name, with its checked media type). Whoever may read the person's record
    may download it; one audited `print` event."""
    actor = actor_from_request(request)
    verification = selectors.verification_with_credential(verification_id=verification_id)
    if verification is None or not verification.evidence:
        raise refuse(actor, AuditAction.PRINT, "verification_evidence", verification_id)
    access_staff(actor, verification.credential.user_id, log_read=False)
    if not verification.evidence.storage.exists(verification.evidence.name or ""):
        raise refuse(actor, AuditAction.PRINT, "verification_evidence", verification_id)
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        object_type="verification_evidence",
        object_id=verification.pk,
        detail={"staff_id": verification.credential.user_id},
    )
    extension = (verification.evidence.name or "").rsplit(".", 1)[-1]
    return FileResponse(
        verification.evidence.open("rb"),
        as_attachment=True,
        filename=f"verification-{verification.pk}.{extension}",
        content_type=verification.evidence_type or "application/octet-stream",
    )
