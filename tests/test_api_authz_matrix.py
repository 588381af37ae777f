"""The authorization matrix of the REST API, generated from the route list (S2, S3, S4, S20).

For every route: anonymous → 401 with nothing changed and nothing audited; each role →
success when its policy grants the permission, else 403 with nothing changed and one
denied audit row; a user of another caseload, team or program → 404 with nothing
changed and one denied audit row that names no consumer. A route without a matrix
entry fails `test_every_route_has_a_matrix_entry`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework.assessments import services as assessment_services
from casework.cases import services as case_services
from casework.coordination import services as coordination_services
from casework.core import clock
from casework.core.models import AuditAction, AuditOutcome
from casework.core.policy import Permission, Scope, scope_for
from casework.core.roles import Role
from casework.staff.models import User
from tests import factories
from tests.api_helpers import (
    FILE_FIELD,
    api_routes,
    call,
    events_since,
    fill,
    iso,
    last_event_id,
    snapshot,
    token_client,
)
from tests.conftest import World
from tests.resources.directory import service as resource_service

pytestmark = pytest.mark.slow(100)


@dataclass(frozen=True)
class Target:
    params: dict[str, int]
    body: dict[str, Any] | None
    consumer_id: int | None  # the consumer a successful call's audit event names


@dataclass(frozen=True)
class Entry:
    permission: Permission | None  # None: any signed-in user; no consumer data
    setup: Callable[[World], Target]
    action: str  # the audit action of a success ("" → no event)
    ok: int = 200
    object_route: bool = True  # names a consumer's object (path or body): BOLA applies
    # A restricted record (J1-J3): only its recorder (cm) and the roles the program names
    # (compliance by default) reach it; every other role holding the permission gets 404.
    restricted: bool = False


def _when(hours: int = -1) -> str:
    return iso(clock.now() + timedelta(hours=hours))


def referred(w: World) -> Any:
    return factories.referred_case(w.cm)


def active(w: World) -> Any:
    return factories.active_case(w.cm)


def consumer_target(case_for: Callable[[World], Any], body: dict[str, Any] | None = None):
    def setup(w: World) -> Target:
        case = case_for(w)
        return Target({"consumer_id": case.consumer_id}, body, case.consumer_id)

    return setup


def support_person_target(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    def setup(w: World) -> Target:
        from casework.consumers.services import support_person_create

        case = referred(w)
        person = support_person_create(
            actor=factories.actor(w.cm),
            consumer=case.consumer,
            name="Pat Doe",
            relationship="spouse",
        )
        return Target(
            {"consumer_id": case.consumer_id, "support_person_id": person.pk},
            body,
            case.consumer_id,
        )

    return setup


def directive_target(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    def setup(w: World) -> Target:
        from casework.consumers.services import advance_directive_create

        case = referred(w)
        directive = advance_directive_create(
            actor=factories.actor(w.cm), consumer=case.consumer, kind="living_will"
        )
        return Target(
            {"consumer_id": case.consumer_id, "directive_id": directive.pk},
            body,
            case.consumer_id,
        )

    return setup


def case_target(
    case_for: Callable[[World], Any],
    body: Callable[[World, Any], dict[str, Any]] | None = None,
) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        case = case_for(w)
        return Target({"case_id": case.pk}, body(w, case) if body else None, case.consumer_id)

    return setup


def work_item_target(body: Callable[[Any], dict[str, Any]]) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        case = factories.active_case(w.cm)
        item = coordination_services.work_item_create(
            actor=factories.actor(w.cm),
            case=case,
            title="Arrange transport",
            kind="service",
            owner=w.cm,
            due_at=clock.now() + timedelta(days=3),
        )
        return Target({"work_item_id": item.pk}, body(item), case.consumer_id)

    return setup


def consumer_consent(w: World) -> Target:
    case = factories.referred_case(w.cm)
    return Target(
        {"consumer_id": case.consumer_id},
        {"version": factories.consumer_of(case).version, "phone": "555-0199"},
        case.consumer_id,
    )


def intake_existing(w: World) -> Target:
    """A consumer on cm's caseload whose earlier case was withdrawn: intake reopens."""
    case = factories.referred_case(w.cm)
    case_services.case_withdraw(
        actor=factories.actor(w.cm), case=case, version=case.version, reason="moved away"
    )
    body = {
        "consumer_id": case.consumer_id,
        "source": "self",
        "reason": "Back in the area",
        "received_at": _when(),
    }
    return Target({}, body, case.consumer_id)


def _withdrawn_duplicate(w: World) -> Any:
    """A second record on cm's caseload, its case withdrawn (merging needs one open)."""
    case = factories.referred_case(w.cm)
    case_services.case_withdraw(
        actor=factories.actor(w.cm), case=case, version=case.version, reason="duplicate"
    )
    return case


def merge_target(w: World) -> Target:
    survivor, duplicate = referred(w), _withdrawn_duplicate(w)
    body = {"duplicate_id": duplicate.consumer_id, "reason": "Same person"}
    return Target({"consumer_id": survivor.consumer_id}, body, survivor.consumer_id)


def merge_undo_target(w: World) -> Target:
    from casework.consumers.services import consumer_merge

    survivor, duplicate = referred(w), _withdrawn_duplicate(w)
    merge = consumer_merge(
        actor=factories.actor(w.supervisor),
        survivor=survivor.consumer,
        duplicate=duplicate.consumer,
        reason="Same person",
        blockers=lambda kept, merged: [],
    )
    return Target(
        {"consumer_id": survivor.consumer_id, "merge_id": merge.pk},
        {"version": merge.version, "reason": "Not the same"},
        survivor.consumer_id,
    )


PHQ2_ZERO = {"phq2_1": "LA6568-5", "phq2_2": "LA6568-5"}


def instrument_target(w: World) -> Target:
    factories.referred_case(w.cm)
    return Target({"instrument_id": factories.instrument("phq9").pk}, None, None)


def resource_target(w: World) -> Target:
    svc = resource_service(1, "Pantry", need="BD-1800", postal="02139")
    return Target({"service_id": str(svc.id)}, None, None)  # type: ignore[dict-item]


def response_target(w: World) -> Target:
    case = factories.active_case(w.cm)
    response = factories.assessment(w.cm, case, "phq2", PHQ2_ZERO)
    return Target({"response_id": response.pk}, None, case.consumer_id)


def need_target(w: World) -> Target:
    case = factories.active_case(w.cm)
    need = assessment_services.need_create(
        actor=factories.actor(w.cm), case=case, kind="problem", description="Food", acuity=2
    )
    body = {"version": need.version, "status": "confirmed", "acuity": 1, "consumer_priority": 1}
    return Target({"need_id": need.pk}, body, case.consumer_id)


def plan_body(member_id: int, version: int | None, status: str = "active") -> dict[str, Any]:
    return {
        "version": version,
        "reason": "Initial plan" if version is None else "Goal met",
        "problems": [{"key": "p1", "description": "Food insecurity", "priority": 1}],
        "goals": [
            {
                "key": "g1",
                "problem_key": "p1",
                "description": "Enough food",
                "target_date": (clock.now() + timedelta(days=30)).date().isoformat(),
                "target_value": "0 days without a meal",
                "status": status,
            }
        ],
        "interventions": [
            {
                "key": "i1",
                "goal_key": "g1",
                "kind": "referral",
                "description": "Refer to the food pantry",
                "responsible": member_id,
                "due_date": (clock.now() + timedelta(days=7)).date().isoformat(),
            }
        ],
        "barriers": [{"goal_key": "g1", "description": "No car"}],
    }


def plan_target(body: Callable[[int], dict[str, Any] | None]) -> Callable[[World], Target]:
    """An active case with a care-team member and a first plan version."""

    def setup(w: World) -> Target:
        case = factories.active_case(w.cm)
        member = factories.care_team_member(w.cm, case)
        client = token_client(w.cm)
        created = call(
            client,
            "POST",
            f"/api/v1/cases/{case.pk}/care-plan/versions",
            plan_body(member.pk, None),
        )
        assert created.status_code == 201, created.content
        return Target({"case_id": case.pk}, body(member.pk), case.consumer_id)

    return setup


def no_target(w: World) -> Target:
    factories.referred_case(w.cm)
    return Target({}, None, None)


def staff_target(
    who: Callable[[World], Any], body: Callable[[World], dict[str, Any]] | None = None
) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        return Target({"user_id": who(w).pk}, body(w) if body else None, None)

    return setup


def credential_target(body: dict[str, Any]) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        credential = factories.verified_license(w.cm)
        return Target({"credential_id": credential.pk}, body, None)

    return setup


def corrective_target(w: World) -> Target:
    from casework.staff.models import CorrectiveAction

    action = CorrectiveAction.objects.create(
        user=w.cm, reason="License expired", owner=w.supervisor, opened_at=clock.now()
    )
    return Target({"action_id": action.pk}, {"version": 1, "resolution": "Renewed"}, None)


def director_ready(w: World) -> Any:
    from casework.staff.models import Credential, StaffProfile

    StaffProfile.objects.create(
        user=w.senior,
        hired_date=factories.local_today(),
        oversight_qualified=True,
        post_graduate_direct_care=True,
    )
    Credential.objects.filter(user=w.senior).update(clinical=True)
    return w.senior


def mfa_reset_target(w: World) -> Target:
    """A reset of the case manager's MFA requested by a second administrator, so the
    world's administrator and compliance officer may each approve it."""
    from casework.staff import services as staff_services

    requester = factories.user(Role.ADMINISTRATOR, w.program)
    staff_services.mfa_reset_request(actor=factories.actor(requester), person=w.cm, reason="Lost")
    return Target({"user_id": w.cm.pk}, None, None)


def consultation_target(w: World) -> Target:
    from casework.staff.models import StaffProfile

    director_ready(w)
    StaffProfile.objects.filter(user=w.senior).update(clinical_director=True)
    body = {
        "director_id": w.senior.pk,
        "occurred_at": _when(),
        "topic": "Complex discharges",
        "summary": "Reviewed the escalation path.",
    }
    return Target({}, body, None)


def sign_target(w: World) -> Target:
    return Target({"document_id": factories.confidentiality_statement(w.program).pk}, None, None)


def orientation_body(w: World) -> dict[str, Any]:
    return {"course_id": factories.orientation_course(w.program).pk, "due_date": "2030-01-01"}


def completion_body(w: World) -> dict[str, Any]:
    return {
        "course_id": factories.orientation_course(w.program).pk,
        "completed_date": factories.local_today().isoformat(),
        "evidence": "Sign-in sheet",
    }


def complaint_target(
    body: Callable[[Any], dict[str, Any] | None], coverage: str = "program_policy"
) -> Callable[[World], Target]:
    """A complaint received on cm's caseload (program policy: its clock may pause)."""

    def setup(w: World) -> Target:
        from casework.complaints import services as complaint_services

        case = factories.active_case(w.cm)
        complaint = complaint_services.complaint_receive(
            actor=factories.actor(w.cm),
            consumer=factories.consumer_of(case),
            kind="grievance",
            channel="phone",
            received_at=clock.now() - timedelta(hours=2),
            complainant="Rosa Diaz",
            complainant_relationship="self",
            about="The aide did not come.",
            category="quality_of_care",
            severity="medium",
            coverage=coverage,
        )
        return Target({"complaint_id": complaint.pk}, body(complaint), case.consumer_id)

    return setup


def resolved_complaint(w: World) -> Target:
    from casework.complaints import services as complaint_services

    target = complaint_target(lambda c: None)(w)
    from casework.complaints.models import Complaint

    complaint = Complaint.objects.get(pk=target.params["complaint_id"])
    complaint_services.complaint_resolve(
        actor=factories.actor(w.cm),
        complaint=complaint,
        version=complaint.version,
        outcome="upheld",
        resolution="Aide replaced.",
    )
    return target


def paused_complaint(w: World) -> Target:
    from casework.complaints import services as complaint_services
    from casework.complaints.models import Complaint

    target = complaint_target(lambda c: None)(w)
    complaint = Complaint.objects.get(pk=target.params["complaint_id"])
    complaint_services.complaint_pause(
        actor=factories.actor(w.cm), complaint=complaint, version=1, reason="Waiting"
    )
    return Target(target.params, {"version": 2}, target.consumer_id)


def extended_complaint(w: World) -> Target:
    from casework.complaints import services as complaint_services
    from casework.complaints.models import Complaint

    target = complaint_target(lambda c: None)(w)
    complaint = Complaint.objects.get(pk=target.params["complaint_id"])
    complaint_services.complaint_extend(
        actor=factories.actor(w.cm),
        complaint=complaint,
        version=1,
        reason="Records awaited",
        consumer_requested=False,
    )
    return Target(target.params, {"version": 2, "sent_at": _when()}, target.consumer_id)


COMPLAINT_BODY = {
    "kind": "grievance",
    "channel": "mail",
    "complainant": "Rosa Diaz",
    "complainant_relationship": "self",
    "about": "Late visits",
    "category": "access",
    "severity": "low",
    "coverage": "medicare_advantage",
}


def _protections_table(w: World) -> None:
    from casework.protections import services as protection_services

    protection_services.jurisdiction_sample_install(program=w.program)


ABUSE_BODY = {
    "kind": "neglect",
    "victim_class": "elder",
    "setting": "community",
    "state_code": "CA",
    "serious_injury": False,
    "description": "No food in the house.",
}


def abuse_create_target(w: World) -> Target:
    _protections_table(w)
    case = factories.active_case(w.cm)
    return Target(
        {"consumer_id": case.consumer_id}, {**ABUSE_BODY, "suspected_at": _when()}, case.consumer_id
    )


def abuse_target(
    body: Callable[[Any], dict[str, Any] | None], reported: bool = False
) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        from casework.protections import services as protection_services

        _protections_table(w)
        case = factories.active_case(w.cm)
        report = protection_services.abuse_report_create(
            actor=factories.actor(w.cm),
            consumer=factories.consumer_of(case),
            **{**ABUSE_BODY, "suspected_at": clock.now() - timedelta(hours=3)},
        )
        if reported:
            for mode in ("oral", "written"):
                protection_services.abuse_report_agency_report(
                    actor=factories.actor(w.cm),
                    report=report,
                    version=report.version,
                    mode=mode,
                    reported_at=clock.now() - timedelta(hours=2),
                    agency="County APS",
                    reference="1",
                )
        return Target({"report_id": report.pk}, body(report), case.consumer_id)

    return setup


def incident_target(
    body: Callable[[Any], dict[str, Any] | None], followed: bool = False
) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        from casework.protections import services as protection_services

        incident = protection_services.incident_create(
            actor=factories.actor(w.cm),
            program_id=w.program.pk,
            kind="fall",
            occurred_at=clock.now() - timedelta(hours=3),
            learned_at=clock.now() - timedelta(hours=2),
            description="Consumer fell at home.",
        )
        return Target({"incident_id": incident.pk}, body(incident), None)

    return setup


def exposure_target(w: World) -> Target:
    from casework.protections import services as protection_services

    incident = protection_services.incident_create(
        actor=factories.actor(w.cm),
        program_id=w.program.pk,
        kind="exposure",
        occurred_at=clock.now() - timedelta(hours=3),
        learned_at=clock.now() - timedelta(hours=2),
        description="Needlestick.",
        staff_member=w.cm,
        sharps_or_infectious=True,
    )
    return Target(
        {"incident_id": incident.pk},
        {"version": 1, "step": "evaluation_offered", "at": _when()},
        None,
    )


def ethics_target(body: Callable[[Any], dict[str, Any] | None]) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        from casework.protections import services as protection_services

        case = factories.active_case(w.cm)
        made = protection_services.consultation_request(
            actor=factories.actor(w.cm),
            consumer=factories.consumer_of(case),
            kind="ethics",
            parties=["consumer", "payer"],
            question="Conflict over the home modification.",
        )
        return Target({"consultation_id": made.pk}, body(made), case.consumer_id)

    return setup


MATRIX: dict[tuple[str, str], Entry] = {
    ("GET", "/api/v1/me"): Entry(None, no_target, action="", object_route=False),
    ("GET", "/api/v1/complaints"): Entry(
        Permission.CONSUMER_READ, no_target, AuditAction.LIST, object_route=False
    ),
    ("POST", "/api/v1/consumers/{consumer_id}/complaints"): Entry(
        Permission.COMPLAINT_MANAGE,
        consumer_target(active, {**COMPLAINT_BODY, "received_at": _when()}),
        AuditAction.CREATE,
        ok=201,
    ),
    ("GET", "/api/v1/complaints/{complaint_id}"): Entry(
        Permission.CONSUMER_READ, complaint_target(lambda c: None), AuditAction.READ
    ),
    ("POST", "/api/v1/complaints/{complaint_id}/acknowledge"): Entry(
        Permission.COMPLAINT_MANAGE,
        complaint_target(
            lambda c: {"version": c.version, "method": "mail", "acknowledged_at": _when()}
        ),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/complaints/{complaint_id}/notes"): Entry(
        Permission.COMPLAINT_MANAGE,
        complaint_target(lambda c: {"text": "Called the agency."}),
        AuditAction.CREATE,
        ok=201,
    ),
    ("POST", "/api/v1/complaints/{complaint_id}/extend"): Entry(
        Permission.COMPLAINT_MANAGE,
        complaint_target(
            lambda c: {"version": c.version, "reason": "Records", "consumer_requested": True}
        ),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/complaints/{complaint_id}/extension-notice"): Entry(
        Permission.COMPLAINT_MANAGE, extended_complaint, AuditAction.UPDATE
    ),
    ("POST", "/api/v1/complaints/{complaint_id}/pause"): Entry(
        Permission.COMPLAINT_MANAGE,
        complaint_target(lambda c: {"version": c.version, "reason": "Waiting for receipts"}),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/complaints/{complaint_id}/resume"): Entry(
        Permission.COMPLAINT_MANAGE, paused_complaint, AuditAction.UPDATE
    ),
    ("POST", "/api/v1/complaints/{complaint_id}/resolve"): Entry(
        Permission.COMPLAINT_MANAGE,
        complaint_target(
            lambda c: {"version": c.version, "outcome": "upheld", "resolution": "Fixed."}
        ),
        AuditAction.UPDATE,
    ),
    ("GET", "/api/v1/complaints/{complaint_id}/letter.pdf"): Entry(
        Permission.CONSUMER_READ, resolved_complaint, AuditAction.PRINT
    ),
    ("GET", "/api/v1/abuse-reports"): Entry(
        Permission.PROTECTION_READ, no_target, AuditAction.LIST, object_route=False
    ),
    ("POST", "/api/v1/consumers/{consumer_id}/abuse-reports"): Entry(
        Permission.PROTECTION_REPORT, abuse_create_target, AuditAction.CREATE, ok=201
    ),
    ("GET", "/api/v1/abuse-reports/{report_id}"): Entry(
        Permission.PROTECTION_READ, abuse_target(lambda r: None), AuditAction.READ, restricted=True
    ),
    ("POST", "/api/v1/abuse-reports/{report_id}/agency-reports"): Entry(
        Permission.PROTECTION_READ,
        abuse_target(
            lambda r: {
                "version": r.version,
                "mode": "oral",
                "reported_at": _when(),
                "agency": "APS",
            }
        ),
        AuditAction.UPDATE,
        restricted=True,
    ),
    ("POST", "/api/v1/abuse-reports/{report_id}/close"): Entry(
        Permission.PROTECTION_READ,
        abuse_target(lambda r: {"version": r.version, "note": "Closed by APS."}, reported=True),
        AuditAction.UPDATE,
        restricted=True,
    ),
    ("GET", "/api/v1/incidents"): Entry(
        Permission.PROTECTION_READ, no_target, AuditAction.LIST, object_route=False
    ),
    ("POST", "/api/v1/incidents"): Entry(
        Permission.PROTECTION_REPORT,
        lambda w: Target(
            {},
            {
                "kind": "other",
                "occurred_at": _when(-3),
                "learned_at": _when(-2),
                "description": "Lost keys to a consumer's home.",
            },
            None,
        ),
        AuditAction.CREATE,
        ok=201,
        object_route=False,
    ),
    ("GET", "/api/v1/incidents/{incident_id}"): Entry(
        Permission.PROTECTION_READ,
        incident_target(lambda i: None),
        AuditAction.READ,
        restricted=True,
    ),
    ("POST", "/api/v1/incidents/{incident_id}/follow-ups"): Entry(
        Permission.PROTECTION_READ, exposure_target, AuditAction.UPDATE, restricted=True
    ),
    ("POST", "/api/v1/incidents/{incident_id}/osha-decision"): Entry(
        Permission.PROTECTION_READ,
        incident_target(
            lambda i: {"version": i.version, "recordable": False, "reason": "Not work-related"}
        ),
        AuditAction.UPDATE,
        restricted=True,
    ),
    ("POST", "/api/v1/incidents/{incident_id}/close"): Entry(
        Permission.PROTECTION_READ,
        incident_target(lambda i: {"version": i.version, "note": "Keys recovered."}),
        AuditAction.UPDATE,
        restricted=True,
    ),
    ("GET", "/api/v1/ethics-consultations"): Entry(
        Permission.PROTECTION_READ, no_target, AuditAction.LIST, object_route=False
    ),
    ("POST", "/api/v1/consumers/{consumer_id}/ethics-consultations"): Entry(
        Permission.PROTECTION_REPORT,
        consumer_target(
            active,
            {"kind": "ethics", "parties": ["consumer", "provider"], "question": "Conflict."},
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("GET", "/api/v1/ethics-consultations/{consultation_id}"): Entry(
        Permission.PROTECTION_READ,
        ethics_target(lambda c: None),
        AuditAction.READ,
        restricted=True,
    ),
    ("POST", "/api/v1/ethics-consultations/{consultation_id}/close"): Entry(
        Permission.PROTECTION_READ,
        ethics_target(
            lambda c: {"version": c.version, "recommendation": "Mediate.", "outcome": "Agreed."}
        ),
        AuditAction.UPDATE,
        restricted=True,
    ),
    ("GET", "/api/v1/audit-events"): Entry(
        Permission.AUDIT_READ, no_target, AuditAction.LIST, object_route=False
    ),
    ("GET", "/api/v1/audit-events/export"): Entry(
        Permission.AUDIT_READ, no_target, AuditAction.EXPORT, object_route=False
    ),
    ("GET", "/api/v1/consumers/{consumer_id}"): Entry(
        Permission.CONSUMER_READ, consumer_target(referred), AuditAction.READ
    ),
    ("PATCH", "/api/v1/consumers/{consumer_id}"): Entry(
        Permission.CASE_MANAGE, consumer_consent, AuditAction.UPDATE
    ),
    ("GET", "/api/v1/consumers/{consumer_id}/support-persons"): Entry(
        Permission.CONSUMER_READ, consumer_target(referred), AuditAction.LIST
    ),
    ("POST", "/api/v1/consumers/{consumer_id}/support-persons"): Entry(
        Permission.CASE_MANAGE,
        consumer_target(referred, {"name": "Pat Doe", "relationship": "spouse"}),
        AuditAction.CREATE,
        ok=201,
    ),
    ("PATCH", "/api/v1/consumers/{consumer_id}/support-persons/{support_person_id}"): Entry(
        Permission.CASE_MANAGE,
        support_person_target({"version": 1, "phone": "555-0100"}),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/consumers/{consumer_id}/support-persons/{support_person_id}/remove"): Entry(
        Permission.CASE_MANAGE,
        support_person_target({"version": 1, "reason": "Moved away"}),
        AuditAction.DELETE,
    ),
    ("PATCH", "/api/v1/consumers/{consumer_id}/advance-directives/{directive_id}"): Entry(
        Permission.CASE_MANAGE,
        directive_target({"version": 1, "location": "Home safe"}),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/consumers/{consumer_id}/advance-directives/{directive_id}/remove"): Entry(
        Permission.CASE_MANAGE,
        directive_target({"version": 1, "reason": "Revoked"}),
        AuditAction.DELETE,
    ),
    ("GET", "/api/v1/consumers/{consumer_id}/advance-directives"): Entry(
        Permission.CONSUMER_READ, consumer_target(referred), AuditAction.LIST
    ),
    ("POST", "/api/v1/consumers/{consumer_id}/advance-directives"): Entry(
        Permission.CASE_MANAGE,
        consumer_target(referred, {"kind": "living_will", "location": "Home safe"}),
        AuditAction.CREATE,
        ok=201,
    ),
    ("POST", "/api/v1/consumers/{consumer_id}/merges"): Entry(
        Permission.CASE_REASSIGN, merge_target, AuditAction.UPDATE, ok=201
    ),
    ("POST", "/api/v1/consumers/{consumer_id}/merges/{merge_id}/undo"): Entry(
        Permission.CASE_REASSIGN, merge_undo_target, AuditAction.UPDATE
    ),
    ("GET", "/api/v1/consumers/{consumer_id}/cases"): Entry(
        Permission.CONSUMER_READ, consumer_target(referred), AuditAction.LIST
    ),
    ("POST", "/api/v1/referrals"): Entry(
        Permission.CASE_INTAKE, intake_existing, AuditAction.CREATE, ok=201
    ),
    ("GET", "/api/v1/cases"): Entry(
        Permission.CONSUMER_READ, no_target, AuditAction.LIST, object_route=False
    ),
    ("GET", "/api/v1/cases/{case_id}"): Entry(
        Permission.CONSUMER_READ, case_target(referred), AuditAction.READ
    ),
    ("GET", "/api/v1/cases/{case_id}/notices"): Entry(
        Permission.CONSUMER_READ, case_target(active), AuditAction.LIST
    ),
    ("POST", "/api/v1/cases/{case_id}/notices"): Entry(
        Permission.CASE_MANAGE,
        case_target(
            referred,
            lambda w, c: {
                "kind": "program_purpose",
                "method": "mail",
                "delivered_at": _when(),
                "acknowledgement": "acknowledged",
            },
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("GET", "/api/v1/cases/{case_id}/consents"): Entry(
        Permission.CONSUMER_READ, case_target(active), AuditAction.LIST
    ),
    ("POST", "/api/v1/cases/{case_id}/consents"): Entry(
        Permission.CASE_MANAGE,
        case_target(
            referred,
            lambda w, c: {"decision": "granted", "method": "written", "decided_at": _when()},
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("POST", "/api/v1/cases/{case_id}/activate"): Entry(
        Permission.CASE_MANAGE,
        case_target(lambda w: factories.engaged_case(w.cm), lambda w, c: {"version": c.version}),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/cases/{case_id}/withdraw"): Entry(
        Permission.CASE_MANAGE,
        case_target(referred, lambda w, c: {"version": c.version, "reason": "Moved away"}),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/cases/{case_id}/close"): Entry(
        Permission.CASE_MANAGE,
        case_target(
            active,
            lambda w, c: {
                "version": c.version,
                "reason": "goals_met",
                "instructions": "Call 555-0100 if your needs change.",
                "consumer_notice": {"method": "mail", "delivered_at": _when()},
                "no_providers_involved": True,
            },
        ),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/cases/{case_id}/reassign"): Entry(
        Permission.CASE_REASSIGN,
        case_target(
            referred,
            lambda w, c: {"version": c.version, "assign_to": w.cm2.pk, "reason": "Leave"},
        ),
        AuditAction.UPDATE,
    ),
    ("GET", "/api/v1/cases/{case_id}/work-items"): Entry(
        Permission.CONSUMER_READ, case_target(active), AuditAction.LIST
    ),
    ("POST", "/api/v1/cases/{case_id}/work-items"): Entry(
        Permission.CASE_MANAGE,
        case_target(
            active,
            lambda w, c: {
                "title": "Book follow-up visit",
                "kind": "service",
                "owner": w.cm.pk,
                "due_at": _when(48),
            },
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("PATCH", "/api/v1/work-items/{work_item_id}"): Entry(
        Permission.CASE_MANAGE,
        work_item_target(lambda i: {"version": i.version, "title": "Arrange a ride"}),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/work-items/{work_item_id}/complete"): Entry(
        Permission.CASE_MANAGE,
        work_item_target(lambda i: {"version": i.version, "outcome": "Ride booked"}),
        AuditAction.UPDATE,
    ),
    ("POST", "/api/v1/work-items/{work_item_id}/cancel"): Entry(
        Permission.CASE_MANAGE,
        work_item_target(lambda i: {"version": i.version, "reason": "Family drives"}),
        AuditAction.UPDATE,
    ),
    ("GET", "/api/v1/cases/{case_id}/communications"): Entry(
        Permission.CONSUMER_READ, case_target(active), AuditAction.LIST
    ),
    ("POST", "/api/v1/cases/{case_id}/communications"): Entry(
        Permission.RECORD_NOTE,
        case_target(
            active,
            lambda w, c: {
                "channel": "phone",
                "direction": "outbound",
                "topic": "care",
                "parties": "Consumer and daughter",
                "summary": "Discussed the discharge plan.",
                "occurred_at": _when(),
            },
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("GET", "/api/v1/cases/{case_id}/notes"): Entry(
        Permission.CONSUMER_READ, case_target(active), AuditAction.LIST
    ),
    ("POST", "/api/v1/cases/{case_id}/notes"): Entry(
        Permission.RECORD_NOTE,
        case_target(active, lambda w, c: {"kind": "progress", "text": "Doing well."}),
        AuditAction.CREATE,
        ok=201,
    ),
    ("GET", "/api/v1/cases/{case_id}/care-team"): Entry(
        Permission.CONSUMER_READ, case_target(active), AuditAction.LIST
    ),
    ("POST", "/api/v1/cases/{case_id}/care-team"): Entry(
        Permission.CARE_PLAN,
        case_target(
            active,
            lambda w, c: {"name": "Dr. Kim", "role": "Primary care", "is_external_provider": True},
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("GET", "/api/v1/resources/services"): Entry(None, no_target, action="", object_route=False),
    ("GET", "/api/v1/resources/services/{service_id}"): Entry(
        None, resource_target, action="", object_route=False
    ),
    ("GET", "/api/v1/instruments"): Entry(None, no_target, action="", object_route=False),
    ("GET", "/api/v1/instruments/{instrument_id}/fhir"): Entry(
        None, instrument_target, action="", object_route=False
    ),
    ("GET", "/api/v1/cases/{case_id}/assessments"): Entry(
        Permission.CONSUMER_READ, case_target(active), AuditAction.LIST
    ),
    ("POST", "/api/v1/cases/{case_id}/assessments"): Entry(
        Permission.CARE_PLAN,
        case_target(
            lambda w: (factories.instruments(), factories.active_case(w.cm))[1],
            lambda w, c: {"instrument": "phq2", "answers": PHQ2_ZERO, "participants": "Consumer"},
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("GET", "/api/v1/assessments/{response_id}/fhir"): Entry(
        Permission.CONSUMER_READ, response_target, AuditAction.READ
    ),
    ("GET", "/api/v1/cases/{case_id}/needs"): Entry(
        Permission.CONSUMER_READ, case_target(active), AuditAction.LIST
    ),
    ("POST", "/api/v1/cases/{case_id}/needs"): Entry(
        Permission.CARE_PLAN,
        case_target(
            active,
            lambda w, c: {"kind": "strength", "description": "Supportive daughter"},
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("POST", "/api/v1/needs/{need_id}/decide"): Entry(
        Permission.CARE_PLAN, need_target, AuditAction.UPDATE
    ),
    ("POST", "/api/v1/cases/{case_id}/reassessment-triggers"): Entry(
        Permission.CARE_PLAN,
        case_target(
            active, lambda w, c: {"kind": "transition_of_care", "detail": "Discharged home"}
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("GET", "/api/v1/cases/{case_id}/care-plan"): Entry(
        Permission.CONSUMER_READ, plan_target(lambda m: None), AuditAction.READ
    ),
    ("GET", "/api/v1/cases/{case_id}/care-plan/fhir"): Entry(
        Permission.CONSUMER_READ, plan_target(lambda m: None), AuditAction.READ
    ),
    ("GET", "/api/v1/cases/{case_id}/care-plan/versions/{number}"): Entry(
        Permission.CONSUMER_READ,
        lambda w: replace_params(plan_target(lambda m: None)(w), number=1),
        AuditAction.READ,
    ),
    ("POST", "/api/v1/cases/{case_id}/care-plan/versions"): Entry(
        Permission.CARE_PLAN,
        plan_target(lambda m: plan_body(m, 2, status="achieved")),
        AuditAction.CREATE,
        ok=201,
    ),
    ("POST", "/api/v1/cases/{case_id}/care-plan/agreements"): Entry(
        Permission.CARE_PLAN,
        plan_target(
            lambda m: {
                "plan_version": 1,
                "agreed_by": "Consumer",
                "role": "consumer",
                "method": "in_person",
                "participants": "Consumer and daughter",
                "agreed_at": _when(),
            }
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("POST", "/api/v1/cases/{case_id}/care-plan/informed-choices"): Entry(
        Permission.CARE_PLAN,
        plan_target(
            lambda m: {
                "plan_version": 1,
                "topic": "Home-delivered meals",
                "benefits": "A hot meal daily",
                "risks": "Less contact with the pantry",
                "costs": "None under the waiver",
                "alternatives": "Pantry visits; no service",
                "consumer_choice": "Accepts meals",
                "discussed_at": _when(),
            }
        ),
        AuditAction.CREATE,
        ok=201,
    ),
    ("POST", "/api/v1/cases/{case_id}/care-plan/progress"): Entry(
        Permission.RECORD_NOTE,
        plan_target(lambda m: {"goal_key": "g1", "trend": "improving", "note": "Pantry visit"}),
        AuditAction.CREATE,
        ok=201,
    ),
}


def replace_params(target: Target, **params: int) -> Target:
    return Target({**target.params, **params}, target.body, target.consumer_id)


MATRIX.update(
    {
        ("GET", "/api/v1/staff"): Entry(
            Permission.STAFF_READ, no_target, AuditAction.LIST, object_route=False
        ),
        ("GET", "/api/v1/staff/me"): Entry(None, no_target, AuditAction.READ, object_route=False),
        ("GET", "/api/v1/staff/dashboard"): Entry(
            Permission.STAFF_READ, no_target, AuditAction.READ, object_route=False
        ),
        ("GET", "/api/v1/staff/deadlines"): Entry(
            Permission.STAFF_READ, no_target, AuditAction.LIST, object_route=False
        ),
        ("GET", "/api/v1/staff/{user_id}"): Entry(
            Permission.STAFF_READ, staff_target(lambda w: w.cm), AuditAction.READ
        ),
        ("PUT", "/api/v1/staff/{user_id}/profile"): Entry(
            Permission.STAFF_MANAGE,
            staff_target(
                lambda w: w.cm,
                lambda w: {"hired_date": "2024-02-01", "case_manager_years": "6"},
            ),
            AuditAction.CREATE,
        ),
        ("POST", "/api/v1/staff/{user_id}/credentials"): Entry(
            Permission.STAFF_MANAGE,
            staff_target(
                lambda w: w.cm,
                lambda w: {
                    "kind": "certification",
                    "credential_type": "CCM",
                    "case_manager_certification": True,
                    "expires_date": "2030-01-31",
                },
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("PATCH", "/api/v1/credentials/{credential_id}"): Entry(
            Permission.STAFF_MANAGE,
            credential_target({"version": 1, "number": "RN-2"}),
            AuditAction.UPDATE,
        ),
        ("POST", "/api/v1/credentials/{credential_id}/verifications"): Entry(
            Permission.STAFF_MANAGE,
            credential_target(
                {
                    "source": "primary",
                    "source_name": "State board lookup",
                    "verified_date": "2026-01-05",
                    "outcome": "verified",
                }
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/staff/{user_id}/continuing-education"): Entry(
            Permission.STAFF_MANAGE,
            staff_target(
                lambda w: w.cm,
                lambda w: {"title": "Ethics", "hours": "6", "completed_date": "2026-01-05"},
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/courses"): Entry(
            Permission.STAFF_MANAGE,
            lambda w: Target(
                {},
                {"code": "ethics", "title": "Ethics", "topics": ["10.1a"], "recurrence_months": 12},
                None,
            ),
            AuditAction.CREATE,
            ok=201,
            object_route=False,
        ),
        ("POST", "/api/v1/staff/{user_id}/training-assignments"): Entry(
            Permission.STAFF_MANAGE,
            staff_target(lambda w: w.cm, orientation_body),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/staff/{user_id}/training-completions"): Entry(
            Permission.STAFF_MANAGE,
            staff_target(lambda w: w.cm, completion_body),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/attestations"): Entry(
            Permission.STAFF_MANAGE,
            lambda w: Target(
                {}, {"kind": "conflict_of_interest", "title": "COI", "body": "I disclose."}, None
            ),
            AuditAction.CREATE,
            ok=201,
            object_route=False,
        ),
        ("POST", "/api/v1/attestations/{document_id}/sign"): Entry(
            None, sign_target, AuditAction.CREATE, ok=201, object_route=False
        ),
        ("GET", "/api/v1/corrective-actions"): Entry(
            Permission.STAFF_READ, no_target, AuditAction.LIST, object_route=False
        ),
        ("POST", "/api/v1/corrective-actions/{action_id}/resolve"): Entry(
            Permission.STAFF_MANAGE, corrective_target, AuditAction.UPDATE
        ),
        ("POST", "/api/v1/job-descriptions"): Entry(
            Permission.STAFF_MANAGE,
            lambda w: Target(
                {},
                {
                    "title": "Case manager",
                    "role": "case_manager",
                    "required_education": "BSW",
                    "competencies": "Assessment",
                    "licensure": "LCSW",
                    "scope": "Caseload",
                },
                None,
            ),
            AuditAction.CREATE,
            ok=201,
            object_route=False,
        ),
        ("POST", "/api/v1/staff/{user_id}/clinical-director"): Entry(
            Permission.STAFF_MANAGE, staff_target(director_ready), AuditAction.UPDATE
        ),
        ("POST", "/api/v1/staff/{user_id}/mfa-resets"): Entry(
            Permission.MFA_RESET,
            staff_target(lambda w: w.cm, lambda w: {"reason": "Lost phone"}),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/staff/{user_id}/mfa-resets/approve"): Entry(
            Permission.STAFF_MANAGE, mfa_reset_target, AuditAction.PRIVILEGE
        ),
        ("POST", "/api/v1/clinical-consultations"): Entry(
            Permission.STAFF_MANAGE,
            consultation_target,
            AuditAction.CREATE,
            ok=201,
            object_route=False,
        ),
        ("PUT", "/api/v1/caseload-guidelines/{role}"): Entry(
            Permission.CASELOAD_SET,
            lambda w: Target(
                {"role": "case_manager"},  # type: ignore[dict-item]
                {"max_weighted_load": "40", "rationale": "Mixed complexity community caseload."},
                None,
            ),
            AuditAction.CREATE,
            object_route=False,
        ),
        ("GET", "/api/v1/cases/{case_id}/assignment-suggestions"): Entry(
            Permission.CASE_REASSIGN, case_target(referred), AuditAction.READ
        ),
    }
)

# --- hospital stays (issue 15) --------------------------------------------------------


def _stay(w: World) -> Any:
    from casework.stays import services as stay_services
    from casework.stays.models import Unit
    from casework.stays.rules import StatusSource, StayClass

    case = factories.active_case(w.cm)
    unit, _ = Unit.objects.get_or_create(program=w.program, code="4N", name="4 North")
    return stay_services.stay_create(
        program=w.program,
        consumer=factories.consumer_of(case),
        facts=stay_services.StayFacts(
            visit_number=f"V{case.pk}",
            stay_class=StayClass.OBSERVATION,
            admitted_at=clock.now() - timedelta(hours=5),
            unit=unit,
        ),
        via=stay_services.Via(source=StatusSource.API, actor=factories.actor(w.cm)),
        drg_version="demo-v42",
    )


def stay_target(body: Callable[[Any], dict[str, Any] | None] = lambda s: None):
    def setup(w: World) -> Target:
        stay = _stay(w)
        return Target({"stay_id": stay.pk}, body(stay), stay.consumer_id)

    return setup


def new_stay_target(body: Callable[[Any], dict[str, Any]]) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        case = factories.active_case(w.cm)
        return Target({}, body(case), case.consumer_id)

    return setup


def _encounter(consumer_id: int, visit: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "status": "in-progress",
        "class": {"code": "OBSENC"},
        "subject": {"reference": f"Patient/{consumer_id}"},
        "identifier": [{"value": visit}],
        "period": {"start": _when(-3)},
        **extra,
    }


MATRIX.update(
    {
        ("GET", "/api/v1/stays"): Entry(
            Permission.CONSUMER_READ,
            lambda w: (_stay(w), Target({}, None, None))[1],
            AuditAction.LIST,
            object_route=False,
        ),
        ("POST", "/api/v1/stays"): Entry(
            Permission.CASE_MANAGE,
            new_stay_target(
                lambda c: {
                    "consumer_id": c.consumer_id,
                    "visit_number": f"N{c.pk}",
                    "stay_class": "inpatient",
                    "admitted_at": _when(-2),
                }
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("GET", "/api/v1/stays/{stay_id}"): Entry(
            Permission.CONSUMER_READ, stay_target(), AuditAction.READ
        ),
        ("POST", "/api/v1/stays/{stay_id}/transfer"): Entry(
            Permission.CASE_MANAGE,
            stay_target(lambda s: {"unit_id": s.unit_id, "bed": "12", "at": _when()}),
            AuditAction.UPDATE,
        ),
        ("POST", "/api/v1/stays/{stay_id}/discharge"): Entry(
            Permission.CASE_MANAGE, stay_target(lambda s: {"at": _when()}), AuditAction.UPDATE
        ),
        ("POST", "/api/v1/fhir/Encounter"): Entry(
            Permission.CASE_MANAGE,
            new_stay_target(lambda c: _encounter(c.consumer_id, f"F{c.pk}")),
            AuditAction.CREATE,
            ok=201,
        ),
        ("PUT", "/api/v1/fhir/Encounter/{stay_id}"): Entry(
            Permission.CASE_MANAGE,
            stay_target(
                lambda s: {**_encounter(s.consumer_id, s.visit_number), "class": {"code": "IMP"}}
            ),
            AuditAction.UPDATE,
        ),
    }
)


NOT_MET_RESULTS = {
    "order": True,
    "two_midnight": False,
    "inpatient_only": False,
    "exception": False,
    "intensity": False,
}


def _referred_stay(w: World, decided: bool = False) -> Any:
    from casework.stays import services as stay_services
    from casework.stays.rules import AttendingView, Determination, ReviewKind

    stay = _stay(w)
    stay_services.stay_class_change(
        stay=stay,
        stay_class=StayClass_INPATIENT(),
        at=clock.now() - timedelta(hours=1),
        via=stay_services.Via(source=StatusSource_API(), actor=factories.actor(w.cm)),
    )
    stay_services.review_record(
        stay=stay,
        actor=factories.actor(w.cm),
        facts=stay_services.ReviewFacts(kind=ReviewKind.ADMISSION, results=NOT_MET_RESULTS),
        criteria_key="casework-open-um-2026.1",
    )
    if decided:
        from casework.stays.models import AdvisorReferral

        stay_services.referral_decide(
            referral=AdvisorReferral.objects.get(stay=stay),
            actor=factories.actor(w.physician),
            facts=stay_services.DecisionFacts(
                determination=Determination.NOT_NECESSARY,
                rationale="Observation level suffices",
                attestation=stay_services.Attestation(False, False),
                attending_view=AttendingView.CONCURS,
            ),
        )
    return stay


def _medicare_stay(w: World) -> Any:
    from casework.stays.models import Stay

    stay = _stay(w)
    Stay.objects.filter(pk=stay.pk).update(medicare=True)
    stay.refresh_from_db()
    return stay


def StayClass_INPATIENT() -> Any:
    from casework.stays.rules import StayClass

    return StayClass.INPATIENT


def StatusSource_API() -> Any:
    from casework.stays.rules import StatusSource

    return StatusSource.API


def referred_target(body: Callable[[Any], dict[str, Any] | None], decided: bool = False):
    def setup(w: World) -> Target:
        stay = _referred_stay(w, decided)
        return Target({"stay_id": stay.pk}, body(stay), stay.consumer_id)

    return setup


MATRIX.update(
    {
        ("GET", "/api/v1/stays/{stay_id}/reviews"): Entry(
            Permission.CONSUMER_READ, stay_target(), AuditAction.LIST
        ),
        ("POST", "/api/v1/stays/{stay_id}/reviews"): Entry(
            Permission.CASE_MANAGE,
            stay_target(
                lambda s: {
                    "kind": "continued_stay",
                    "results": {"active_treatment": True, "plan": True, "no_lower_level": True},
                }
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("GET", "/api/v1/advisor-queue"): Entry(
            Permission.UM_DECIDE,
            lambda w: (_referred_stay(w), Target({}, None, None))[1],
            AuditAction.LIST,
            object_route=False,
        ),
        ("POST", "/api/v1/stays/{stay_id}/advisor-decision"): Entry(
            Permission.UM_DECIDE,
            referred_target(
                lambda s: {
                    "determination": "necessary",
                    "rationale": "Sepsis needs inpatient care",
                    "attestation": {"involved_in_care": False, "financial_interest": False},
                    "attending_view": "concurs",
                }
            ),
            AuditAction.UPDATE,
        ),
        ("POST", "/api/v1/stays/{stay_id}/notices"): Entry(
            Permission.CASE_MANAGE,
            lambda w: (
                lambda stay: Target(
                    {"stay_id": stay.pk},
                    {
                        "kind": "moon",
                        "delivered_at": _when(),
                        "response": "signed",
                        "signer": "Pat Doe",
                        "oral_explained": True,
                    },
                    stay.consumer_id,
                )
            )(_medicare_stay(w)),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/stays/{stay_id}/class"): Entry(
            Permission.CASE_MANAGE,
            referred_target(
                lambda s: {
                    "stay_class": "observation",
                    "at": _when(),
                    "attending_concurrence_documented": True,
                },
                decided=True,
            ),
            AuditAction.UPDATE,
        ),
    }
)


# --- payer interface, denials and appeals (issue 15 items 5 and 8) ------------------------


def _payer(w: World) -> Any:
    from casework.stays.payers import services as payer_services
    from casework.stays.payers.models import PayerSettings

    found = PayerSettings.objects.filter(program=w.program, name="Acme Medicaid").first()
    return found or payer_services.payer_settings_from_preset(
        program=w.program, name="Acme Medicaid", payer_type="medicaid_managed_care"
    )


def _payer_stay(w: World) -> Any:
    from casework.stays.models import Stay

    _payer(w)
    stay = _stay(w)
    Stay.objects.filter(pk=stay.pk).update(payer="Acme Medicaid")
    stay.refresh_from_db()
    return stay


def _denied_stay(w: World, appealed: bool = False) -> tuple[Any, Any, Any]:
    from casework.stays.payers import services as payer_services

    stay = _payer_stay(w)
    actor = factories.actor(w.cm)
    denial = payer_services.denial_record(
        actor=actor,
        stay=stay,
        facts=payer_services.DenialFacts(
            kind="medical_necessity",
            reason="Observation suffices",
            reason_category="lower_level_of_care",
            # Received on the day of the earliest step below (an hour ago: yesterday, just
            # after midnight).
            received_date=factories.local_today(at=clock.now() - timedelta(hours=1)),
            denied_days=2,
        ),
    )
    appeal = None
    if appealed:
        appeal = payer_services.appeal_file(
            actor=actor,
            denial=denial,
            version=denial.version,
            facts=payer_services.AppealFacts(filed_at=clock.now() - timedelta(minutes=30)),
        )
    return stay, denial, appeal


def payer_stay_target(body: Callable[[Any], dict[str, Any] | None] = lambda s: None):
    def setup(w: World) -> Target:
        stay = _payer_stay(w)
        return Target({"stay_id": stay.pk}, body(stay), stay.consumer_id)

    return setup


def authorization_target(w: World) -> Target:
    from casework.stays.payers import services as payer_services

    stay = _payer_stay(w)
    authorization = payer_services.authorization_open(
        actor=factories.actor(w.cm),
        stay=stay,
        facts=payer_services.AuthorizationFacts(level_of_care="acute", requested_days=3),
    )
    return Target(
        {"stay_id": stay.pk, "authorization_id": authorization.pk},
        {"version": 1, "step": "notified", "at": _when()},
        stay.consumer_id,
    )


def appeal_filing_target(w: World) -> Target:
    stay, denial, _ = _denied_stay(w)
    return Target(
        {"stay_id": stay.pk, "denial_id": denial.pk},
        {"version": denial.version, "filed_at": _when()},
        stay.consumer_id,
    )


def appeal_outcome_target(w: World) -> Target:
    stay, _, appeal = _denied_stay(w, appealed=True)
    return Target(
        {"stay_id": stay.pk, "appeal_id": appeal.pk},
        {"version": appeal.version, "outcome": "upheld", "decided_at": _when(0)},
        stay.consumer_id,
    )


def _peer_to_peer(w: World) -> tuple[Any, Any]:
    from casework.stays.payers import peer_to_peer_services

    stay, denial, _ = _denied_stay(w)
    peer = peer_to_peer_services.peer_to_peer_request(
        actor=factories.actor(w.cm),
        stay=stay,
        facts=peer_to_peer_services.PeerToPeerFacts(
            speaker="attending",
            physician_name="Dr. Rivera",
            requested_at=clock.now() - timedelta(minutes=30),
            denial_id=denial.pk,
        ),
    )
    return stay, peer


def peer_to_peer_request_target(w: World) -> Target:
    stay, denial, _ = _denied_stay(w)
    return Target(
        {"stay_id": stay.pk},
        {
            "denial_id": denial.pk,
            "speaker": "physician_advisor",
            "physician_name": "Dr. Chen",
            "requested_at": _when(),
        },
        stay.consumer_id,
    )


def peer_to_peer_step_target(w: World) -> Target:
    stay, peer = _peer_to_peer(w)
    return Target(
        {"stay_id": stay.pk, "peer_to_peer_id": peer.pk},
        {"version": peer.version, "step": "concluded", "outcome": "not_held"},
        stay.consumer_id,
    )


MATRIX.update(
    {
        ("GET", "/api/v1/stays/{stay_id}/peer-to-peers"): Entry(
            Permission.CONSUMER_READ,
            lambda w: (lambda pair: Target({"stay_id": pair[0].pk}, None, pair[0].consumer_id))(
                _peer_to_peer(w)
            ),
            AuditAction.LIST,
        ),
        ("POST", "/api/v1/stays/{stay_id}/peer-to-peers"): Entry(
            Permission.CASE_MANAGE, peer_to_peer_request_target, AuditAction.CREATE, ok=201
        ),
        ("POST", "/api/v1/stays/{stay_id}/peer-to-peers/{peer_to_peer_id}"): Entry(
            Permission.CASE_MANAGE, peer_to_peer_step_target, AuditAction.UPDATE
        ),
        ("GET", "/api/v1/payer-settings"): Entry(
            Permission.CONSUMER_READ,
            lambda w: (_payer(w), Target({}, None, None))[1],
            AuditAction.LIST,
            object_route=False,
        ),
        ("GET", "/api/v1/stays/{stay_id}/authorizations"): Entry(
            Permission.CONSUMER_READ, payer_stay_target(), AuditAction.LIST
        ),
        ("POST", "/api/v1/stays/{stay_id}/authorizations"): Entry(
            Permission.CASE_MANAGE,
            payer_stay_target(lambda s: {"level_of_care": "acute", "requested_days": 3}),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/stays/{stay_id}/authorizations/{authorization_id}"): Entry(
            Permission.CASE_MANAGE, authorization_target, AuditAction.UPDATE
        ),
        ("GET", "/api/v1/denials"): Entry(
            Permission.CONSUMER_READ,
            lambda w: (_denied_stay(w), Target({}, None, None))[1],
            AuditAction.LIST,
            object_route=False,
        ),
        ("POST", "/api/v1/stays/{stay_id}/denials"): Entry(
            Permission.CASE_MANAGE,
            payer_stay_target(
                lambda s: {
                    "kind": "level_of_care",
                    "reason": "Acute level not met",
                    "reason_category": "lower_level_of_care",
                    "received_date": factories.local_today().isoformat(),
                    "denied_amount": "900.00",
                }
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/stays/{stay_id}/denials/{denial_id}/appeals"): Entry(
            Permission.CASE_MANAGE, appeal_filing_target, AuditAction.CREATE, ok=201
        ),
        ("POST", "/api/v1/stays/{stay_id}/appeals/{appeal_id}/outcome"): Entry(
            Permission.CASE_MANAGE, appeal_outcome_target, AuditAction.UPDATE
        ),
    }
)

# --- transitions of care (issue 16) --------------------------------------------------------


def _transition_stay(w: World, *, discharged: bool = False, handoff: bool = False) -> Any:
    from casework.stays import services as stay_services
    from casework.stays.rules import StatusSource, StayClass
    from casework.transitions import services as transition_services
    from casework.transitions.models import PostAcuteProvider
    from tests.transitions.helpers import CONTENTS, PROVIDERS_CSV

    if not PostAcuteProvider.objects.filter(program=w.program).exists():
        transition_services.providers_import(program=w.program, text=PROVIDERS_CSV)
    case = factories.active_case(w.cm)
    via = stay_services.Via(source=StatusSource.API, actor=factories.actor(w.cm))
    stay = stay_services.stay_create(
        program=w.program,
        consumer=factories.consumer_of(case),
        facts=stay_services.StayFacts(
            visit_number=f"T{case.pk}",
            stay_class=StayClass.INPATIENT,
            admitted_at=clock.now() - timedelta(days=3),
            case_id=case.pk,
        ),
        via=via,
        drg_version="demo-v42",
    )
    if handoff:
        transition_services.handoff_send(
            actor=factories.actor(w.cm), stay=stay, receiver_name="Sunrise SNF", contents=CONTENTS
        )
    if discharged:
        stay = stay_services.stay_discharge(stay=stay, at=clock.now() - timedelta(hours=2), via=via)
    return stay


def transition_target(
    body: Callable[[Any], dict[str, Any] | None] = lambda s: None, **kwargs: bool
) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        stay = _transition_stay(w, **kwargs)
        return Target({"stay_id": stay.pk}, body(stay), stay.consumer_id)

    return setup


def choices_target(w: World) -> Target:
    from casework.transitions import selectors as transition_selectors
    from casework.transitions import services as transition_services
    from casework.transitions.rules import PostAcuteNeed

    stay = _transition_stay(w)
    found = transition_selectors.choice_list_providers(
        program_id=w.program.pk, provider_type=PostAcuteNeed.SKILLED_NURSING, postal_code="62701"
    )
    choice_list = transition_services.choice_list_create(
        actor=factories.actor(w.cm),
        stay=stay,
        provider_type=PostAcuteNeed.SKILLED_NURSING,
        postal_code="62701",
        providers=found,
    )
    return Target(
        {"stay_id": stay.pk, "choice_list_id": choice_list.pk},
        {"provider_ids": [found[0].pk]},
        stay.consumer_id,
    )


def placement_target(w: World) -> Target:
    from casework.transitions import selectors as transition_selectors
    from casework.transitions.rules import PostAcuteNeed

    stay = _transition_stay(w)
    (provider, *_) = transition_selectors.choice_list_providers(
        program_id=w.program.pk, provider_type=PostAcuteNeed.HOME_HEALTH, postal_code="62701"
    )
    return Target(
        {"stay_id": stay.pk},
        {"provider_id": provider.pk, "reason": "The consumer's choice had no bed"},
        stay.consumer_id,
    )


def readmission_target(w: World) -> Target:
    from casework.stays import services as stay_services
    from casework.stays.rules import StatusSource, StayClass

    index = _transition_stay(w, discharged=True)
    stay = stay_services.stay_create(
        program=w.program,
        consumer=index.consumer,
        facts=stay_services.StayFacts(
            visit_number=f"{index.visit_number}-R",
            stay_class=StayClass.INPATIENT,
            admitted_at=clock.now() - timedelta(hours=1),
        ),
        via=stay_services.Via(source=StatusSource.API, actor=factories.actor(w.cm)),
        drg_version="demo-v42",
    )
    return Target(
        {"stay_id": stay.pk},
        {"planned": False, "root_cause": "medication"},
        stay.consumer_id,
    )


def _referral(w: World) -> Any:
    from casework.transitions import services as transition_services

    case = factories.active_case(w.cm)
    svc = resource_service(1, "Pantry", need="BD-1800", postal="02139")
    return transition_services.referral_send(
        actor=factories.actor(w.cm), consumer=factories.consumer_of(case), service=svc, need="Food"
    )


def referral_target(body: dict[str, Any] | None = None) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        referral = _referral(w)
        return Target({"referral_id": referral.pk}, body, referral.consumer_id)

    return setup


def barrier_target(
    body: Callable[[], dict[str, Any]] | None = None, *, escalated: bool = False
) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        from casework.transitions import services as transition_services
        from casework.transitions.rules import BarrierReason, SequencedItem

        stay = _transition_stay(w)
        barrier = transition_services.sequencing_barrier_record(
            actor=factories.actor(w.cm),
            stay=stay,
            facts=transition_services.BarrierFacts(
                item=SequencedItem.TEST,
                description="MRI of the lumbar spine",
                ordered_at=clock.now() - timedelta(hours=1),
                reason=BarrierReason.EQUIPMENT,
            ),
        )
        if escalated:
            transition_services.sequencing_barrier_escalate(
                actor=factories.actor(w.cm), barrier=barrier
            )
        return Target({"barrier_id": barrier.pk}, body() if body else None, stay.consumer_id)

    return setup


def referral_send_target(w: World) -> Target:
    case = factories.active_case(w.cm)
    svc = resource_service(1, "Pantry", need="BD-1800", postal="02139")
    return Target(
        {"consumer_id": case.consumer_id},
        {"service_id": str(svc.pk), "need": "Food"},
        case.consumer_id,
    )


MATRIX.update(
    {
        ("GET", "/api/v1/stays/{stay_id}/transition"): Entry(
            Permission.CONSUMER_READ, transition_target(), AuditAction.READ
        ),
        ("PUT", "/api/v1/stays/{stay_id}/transition-plan"): Entry(
            Permission.CASE_MANAGE,
            transition_target(lambda s: {"destination": "home", "needs": ["home_health"]}),
            AuditAction.CREATE,
        ),
        ("POST", "/api/v1/stays/{stay_id}/choice-lists"): Entry(
            Permission.CASE_MANAGE,
            transition_target(
                lambda s: {"provider_type": "skilled_nursing", "postal_code": "62701"}
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/stays/{stay_id}/choice-lists/{choice_list_id}/choices"): Entry(
            Permission.CASE_MANAGE, choices_target, AuditAction.UPDATE
        ),
        ("PUT", "/api/v1/stays/{stay_id}/placement"): Entry(
            Permission.CASE_MANAGE, placement_target, AuditAction.CREATE
        ),
        ("POST", "/api/v1/stays/{stay_id}/handoff"): Entry(
            Permission.CASE_MANAGE,
            transition_target(
                lambda s: {
                    "receiver_name": "Sunrise SNF",
                    "contents": {
                        "reason_for_stay": "Heart failure",
                        "allergies": ["none known"],
                        "contacts": ["Dr. Reyes"],
                    },
                }
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("GET", "/api/v1/stays/{stay_id}/handoff/fhir"): Entry(
            Permission.CONSUMER_READ, transition_target(handoff=True), AuditAction.READ
        ),
        ("GET", "/api/v1/stays/{stay_id}/handoff/pdf"): Entry(
            Permission.CONSUMER_READ, transition_target(handoff=True), AuditAction.PRINT
        ),
        ("GET", "/api/v1/stays/{stay_id}/education"): Entry(
            Permission.CONSUMER_READ, transition_target(), AuditAction.LIST
        ),
        ("POST", "/api/v1/stays/{stay_id}/education"): Entry(
            Permission.CASE_MANAGE,
            transition_target(
                lambda s: {
                    "topic": "Daily weights",
                    "audience": "consumer",
                    "method": "demonstration",
                    "teach_back": "understood",
                    "given_at": _when(-1),
                }
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/stays/{stay_id}/handoff/receipt"): Entry(
            Permission.CASE_MANAGE,
            transition_target(lambda s: {"confirmed_by": "RN Diaz"}, handoff=True),
            AuditAction.UPDATE,
        ),
        ("PUT", "/api/v1/fhir/Task/handoff-{stay_id}"): Entry(
            Permission.CASE_MANAGE,
            transition_target(
                lambda s: {"resourceType": "Task", "status": "completed"},
                handoff=True,
                discharged=True,
            ),
            AuditAction.UPDATE,
        ),
        ("POST", "/api/v1/stays/{stay_id}/follow-up-attempts"): Entry(
            Permission.CASE_MANAGE,
            transition_target(
                lambda s: {"attempted_at": _when(-1), "channel": "phone", "outcome": "no_answer"},
                discharged=True,
            ),
            AuditAction.CREATE,
        ),
        ("POST", "/api/v1/stays/{stay_id}/readmission/review"): Entry(
            Permission.CASE_MANAGE, readmission_target, AuditAction.UPDATE
        ),
        ("GET", "/api/v1/consumers/{consumer_id}/community-referrals"): Entry(
            Permission.CONSUMER_READ,
            lambda w: (lambda r: Target({"consumer_id": r.consumer_id}, None, r.consumer_id))(
                _referral(w)
            ),
            AuditAction.LIST,
        ),
        ("POST", "/api/v1/consumers/{consumer_id}/community-referrals"): Entry(
            Permission.CASE_MANAGE, referral_send_target, AuditAction.CREATE, ok=201
        ),
        ("POST", "/api/v1/community-referrals/{referral_id}/status"): Entry(
            Permission.CASE_MANAGE, referral_target({"status": "accepted"}), AuditAction.UPDATE
        ),
        ("GET", "/api/v1/community-referrals/{referral_id}/fhir"): Entry(
            Permission.CONSUMER_READ, referral_target(), AuditAction.READ
        ),
        ("GET", "/api/v1/stays/{stay_id}/sequencing-barriers"): Entry(
            Permission.CONSUMER_READ, transition_target(), AuditAction.LIST
        ),
        ("POST", "/api/v1/stays/{stay_id}/sequencing-barriers"): Entry(
            Permission.CASE_MANAGE,
            transition_target(
                lambda s: {
                    "item": "consult",
                    "description": "Cardiology consult",
                    "ordered_at": _when(-2),
                    "reason": "scheduling",
                }
            ),
            AuditAction.CREATE,
            ok=201,
        ),
        ("GET", "/api/v1/sequencing-barriers/{barrier_id}"): Entry(
            Permission.CONSUMER_READ, barrier_target(), AuditAction.READ
        ),
        ("POST", "/api/v1/sequencing-barriers/{barrier_id}/escalation"): Entry(
            Permission.CASE_MANAGE, barrier_target(), AuditAction.UPDATE
        ),
        ("POST", "/api/v1/sequencing-barriers/{barrier_id}/responses"): Entry(
            Permission.CASE_MANAGE,
            barrier_target(
                lambda: {
                    "responder": "RN Diaz",
                    "response": "Slot at 16:00",
                    "responded_at": _when(0),
                },
                escalated=True,
            ),
            AuditAction.UPDATE,
        ),
        ("POST", "/api/v1/sequencing-barriers/{barrier_id}/resolution"): Entry(
            Permission.CASE_MANAGE,
            barrier_target(lambda: {"resolution": "Scanner back"}),
            AuditAction.UPDATE,
        ),
        ("GET", "/api/v1/sequencing-path"): Entry(
            Permission.CONSUMER_READ, no_target, "", object_route=False
        ),
    }
)


# --- records governance (N4, N6, S28, S29, S42) ------------------------------------------


def _hold_target(w: World) -> Target:
    from casework.governance import services as governance_services

    case = factories.referred_case(w.cm)
    hold = governance_services.legal_hold_place(
        actor=factories.actor(w.compliance), consumer=case.consumer, reason="Subpoena"
    )
    return Target(
        {"hold_id": hold.pk}, {"version": hold.version, "reason": "Closed"}, case.consumer_id
    )


def access_request_target(
    body: Callable[[Any], dict[str, Any] | None] = lambda r: None,
) -> Callable[[World], Target]:
    def setup(w: World) -> Target:
        from casework.governance import services as governance_services

        case = factories.referred_case(w.cm)
        request = governance_services.access_request_receive(
            actor=factories.actor(w.compliance),
            consumer=case.consumer,
            received_at=clock.now() - timedelta(hours=1),
            requested_by="The consumer",
            format="fhir",
        )
        return Target({"request_id": request.pk}, body(request), case.consumer_id)

    return setup


def requirement_target(w: World) -> Target:
    from casework.governance import services as governance_services

    factories.referred_case(w.cm)
    requirement = governance_services.requirement_create(
        actor=factories.actor(w.compliance),
        program=w.program,
        jurisdiction="US",
        kind="regulation",
        title="Notice of privacy practices",
        citation="45 CFR 164.520",
        owner_id=w.compliance.pk,
        review_date=clock.now().date() + timedelta(days=60),
        evidence_links=[],
    )
    body = {
        "version": requirement.version,
        "next_review_date": (clock.now().date() + timedelta(days=365)).isoformat(),
        "evidence_links": ["https://example.org/review.pdf"],
    }
    return Target({"requirement_id": requirement.pk}, body, None)


def requirement_body(w: World) -> Target:
    factories.referred_case(w.cm)
    body = {
        "jurisdiction": "US-MA",
        "kind": "accreditation",
        "title": "URAC Case Management standard",
        "citation": "URAC CM v6 P-OPS 1",
        "owner_id": w.compliance.pk,
        "review_date": (clock.now().date() + timedelta(days=90)).isoformat(),
        "evidence_links": ["https://example.org/urac.pdf"],
    }
    return Target({}, body, None)


DISCLOSURE_BODY = {
    "recipient": "County Adult Protective Services",
    "recipient_address": "1 Main St",
    "channel": "phone",
    "description": "Name and suspected neglect",
    "purpose": "Mandated report",
    "authority": "abuse_report",
}

MATRIX.update(
    {
        ("GET", "/api/v1/retention/schedule"): Entry(
            Permission.PRIVACY_MANAGE, no_target, "", object_route=False
        ),
        ("POST", "/api/v1/retention/schedule"): Entry(
            Permission.PRIVACY_MANAGE,
            lambda w: Target(
                {}, {"record_type": "communication", "years": 12, "reason": "State law"}, None
            ),
            AuditAction.UPDATE,
            object_route=False,
        ),
        ("GET", "/api/v1/retention/plan"): Entry(
            Permission.PRIVACY_MANAGE, no_target, AuditAction.LIST, object_route=False
        ),
        ("GET", "/api/v1/legal-holds"): Entry(
            Permission.PRIVACY_MANAGE, no_target, AuditAction.LIST, object_route=False
        ),
        ("POST", "/api/v1/consumers/{consumer_id}/legal-holds"): Entry(
            Permission.PRIVACY_MANAGE,
            consumer_target(referred, {"reason": "Litigation notice"}),
            AuditAction.CREATE,
            ok=201,
        ),
        ("POST", "/api/v1/legal-holds/{hold_id}/release"): Entry(
            Permission.PRIVACY_MANAGE, _hold_target, AuditAction.UPDATE
        ),
        ("POST", "/api/v1/consumers/{consumer_id}/disclosures"): Entry(
            Permission.DISCLOSURE_RECORD,
            lambda w: consumer_target(referred, {**DISCLOSURE_BODY, "disclosed_at": _when()})(w),
            AuditAction.CREATE,
            ok=201,
        ),
        ("GET", "/api/v1/consumers/{consumer_id}/disclosure-accounting"): Entry(
            Permission.PRIVACY_MANAGE, consumer_target(referred), AuditAction.PRINT
        ),
        ("GET", "/api/v1/access-requests"): Entry(
            Permission.PRIVACY_MANAGE, no_target, AuditAction.LIST, object_route=False
        ),
        ("POST", "/api/v1/consumers/{consumer_id}/access-requests"): Entry(
            Permission.PRIVACY_MANAGE,
            lambda w: consumer_target(
                referred, {"received_at": _when(), "requested_by": "Consumer", "format": "pdf"}
            )(w),
            AuditAction.CREATE,
            ok=201,
        ),
        ("GET", "/api/v1/access-requests/{request_id}"): Entry(
            Permission.PRIVACY_MANAGE, access_request_target(), AuditAction.READ
        ),
        ("POST", "/api/v1/access-requests/{request_id}/extend"): Entry(
            Permission.PRIVACY_MANAGE,
            access_request_target(lambda r: {"version": r.version, "reason": "Archived"}),
            AuditAction.UPDATE,
        ),
        ("POST", "/api/v1/access-requests/{request_id}/close"): Entry(
            Permission.PRIVACY_MANAGE,
            access_request_target(lambda r: {"version": r.version, "outcome": "fulfilled"}),
            AuditAction.UPDATE,
        ),
        ("GET", "/api/v1/access-requests/{request_id}/export"): Entry(
            Permission.PRIVACY_MANAGE, access_request_target(), AuditAction.EXPORT
        ),
        ("GET", "/api/v1/compliance-register"): Entry(
            Permission.COMPLIANCE_MANAGE, no_target, AuditAction.LIST, object_route=False
        ),
        ("POST", "/api/v1/compliance-register"): Entry(
            Permission.COMPLIANCE_MANAGE,
            requirement_body,
            AuditAction.CREATE,
            ok=201,
            object_route=False,
        ),
        ("POST", "/api/v1/compliance-register/{requirement_id}/review"): Entry(
            Permission.COMPLIANCE_MANAGE, requirement_target, AuditAction.UPDATE
        ),
    }
)


def _avoidable_body(stay: Any) -> dict[str, Any]:
    from casework.stays.deadlines import facility_zone
    from casework.stays.rules import local_date

    day = local_date(stay.admitted_at, facility_zone()).isoformat()
    return {
        "start_date": day,
        "end_date": day,
        "category": "hospital_system",
        "reason": "HS01",
        "responsible_party": "Radiology",
    }


def _education_target(w: World) -> Target:
    from casework.stays.payers.models import DenialEducation

    item = DenialEducation.objects.create(
        program=w.program,
        target_kind="attending",
        target="attending:Dr. House",
        attending="Dr. House",
        reason_category="criteria_not_met",
        window_start=clock.now().date(),
        window_end=clock.now().date(),
        denial_count=3,
        opened_at=clock.now(),
        owner=w.physician,
    )
    return Target({"education_id": item.pk}, {"version": 1, "note": "Taught 4N"}, None)


def _document_body(stay: Any) -> dict[str, Any]:
    from tests.documents import pdf_bytes

    return {"title": "Scan", "kind": "other", FILE_FIELD: ("file", "scan.pdf", pdf_bytes())}


def _document_target(w: World) -> Target:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casework.stays.document_services import stay_document_attach
    from tests.documents import pdf_bytes

    stay = _stay(w)
    document = stay_document_attach(
        actor=factories.actor(w.cm),
        stay=stay,
        title="Scan",
        kind="other",
        upload=SimpleUploadedFile("scan.pdf", pdf_bytes()),
    )
    return Target({"stay_id": stay.pk, "document_id": document.pk}, None, stay.consumer_id)


MATRIX.update(
    {
        ("GET", "/api/v1/stays/{stay_id}/documents"): Entry(
            Permission.CONSUMER_READ, stay_target(), AuditAction.LIST
        ),
        ("POST", "/api/v1/stays/{stay_id}/documents"): Entry(
            Permission.CASE_MANAGE, stay_target(_document_body), AuditAction.CREATE, ok=201
        ),
        ("GET", "/api/v1/stays/{stay_id}/documents/{document_id}/file"): Entry(
            Permission.CONSUMER_READ, _document_target, AuditAction.PRINT
        ),
        ("GET", "/api/v1/stays/{stay_id}/avoidable-days"): Entry(
            Permission.CONSUMER_READ, stay_target(), AuditAction.LIST
        ),
        ("POST", "/api/v1/stays/{stay_id}/avoidable-days"): Entry(
            Permission.CASE_MANAGE, stay_target(_avoidable_body), AuditAction.CREATE, ok=201
        ),
        ("GET", "/api/v1/denials/report"): Entry(
            Permission.UM_REPORT,
            lambda w: Target({}, None, None),
            AuditAction.LIST,
            object_route=False,
        ),
        ("GET", "/api/v1/denials/education"): Entry(
            Permission.UM_REPORT,
            lambda w: Target({}, None, None),
            AuditAction.LIST,
            object_route=False,
        ),
        ("POST", "/api/v1/denials/education/{education_id}"): Entry(
            Permission.UM_REPORT, _education_target, AuditAction.UPDATE, object_route=False
        ),
        ("GET", "/api/v1/avoidable-days/report"): Entry(
            Permission.UM_REPORT,
            lambda w: Target({}, None, None),
            AuditAction.LIST,
            object_route=False,
        ),
    }
)

ROUTES = sorted(MATRIX)
OBJECT_ROUTES = [r for r in ROUTES if MATRIX[r].object_route]


def _id(route: tuple[str, str]) -> str:
    return f"{route[0]} {route[1].removeprefix('/api/v1')}"


def _allowed(role: str, entry: Entry) -> bool:
    return entry.permission is None or scope_for(role, entry.permission) != Scope.NONE


def test_every_route_has_a_matrix_entry() -> None:
    assert api_routes() == set(MATRIX)


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_anonymous_is_401_and_changes_nothing(world: World, route: tuple[str, str]) -> None:
    method, template = route
    target = MATRIX[route].setup(world)
    before, since = snapshot(), last_event_id()

    response = call(Client(), method, fill(template, target.params), target.body)

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert snapshot() == before
    assert events_since(since) == []


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_a_bad_bearer_token_is_401_and_changes_nothing(
    world: World, route: tuple[str, str]
) -> None:
    method, template = route
    target = MATRIX[route].setup(world)
    before, since = snapshot(), last_event_id()
    client = Client(HTTP_AUTHORIZATION="Bearer cw_" + "A" * 43)

    response = call(client, method, fill(template, target.params), target.body)

    assert response.status_code == 401
    assert snapshot() == before
    assert events_since(since) == []


@pytest.mark.parametrize("role", list(Role.values))
@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_each_role_gets_what_the_policy_grants(
    world: World, route: tuple[str, str], role: str
) -> None:
    method, template = route
    entry = MATRIX[route]
    user = world.by_role(role)
    target = entry.setup(world)
    client = token_client(user)
    before, since = snapshot(), last_event_id()

    response = call(client, method, fill(template, target.params), target.body)

    events = events_since(since)
    if entry.restricted and _allowed(role, entry) and user not in (world.cm, world.compliance):
        # Restricted records: the permission alone does not open them (J1-J3).
        assert response.status_code == 404, response.content
        assert snapshot() == before
        assert [(e.outcome, e.actor_id, e.consumer_id) for e in events] == [
            (AuditOutcome.DENIED, user.pk, None)
        ]
    elif _allowed(role, entry):
        assert response.status_code == entry.ok, response.content
        if entry.action:
            assert [(e.action, e.outcome, e.actor_id, e.consumer_id) for e in events] == [
                (entry.action, AuditOutcome.SUCCESS, user.pk, target.consumer_id)
            ]
        else:
            assert events == []
    else:
        assert response.status_code == 403, response.content
        assert response.json() == {"detail": "your role does not permit this"}
        assert snapshot() == before
        assert [(e.outcome, e.actor_id, e.consumer_id) for e in events] == [
            (AuditOutcome.DENIED, user.pk, None)
        ]


def _outsiders(world: World) -> dict[str, User]:
    return {
        "same team, other caseload": world.cm2,
        "other team's supervisor": world.other_supervisor,
        "other team's case manager": world.other_cm,
        "other program": world.outsider_cm,
    }


@pytest.mark.parametrize(
    "who",
    [
        "same team, other caseload",
        "other team's supervisor",
        "other team's case manager",
        "other program",
    ],
)
@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=_id)
def test_another_caseload_is_404_changes_nothing_and_is_audited(
    world: World, route: tuple[str, str], who: str
) -> None:
    method, template = route
    entry = MATRIX[route]
    user = _outsiders(world)[who]
    target = entry.setup(world)
    client = token_client(user)
    before, since = snapshot(), last_event_id()

    response = call(client, method, fill(template, target.params), target.body)

    events = events_since(since)
    if not _allowed(user.role, entry):
        assert response.status_code == 403
    else:
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": "Not Found"}
    assert snapshot() == before
    assert [(e.outcome, e.actor_id, e.consumer_id) for e in events] == [
        (AuditOutcome.DENIED, user.pk, None)
    ]


# --- Part 2 records (S40) ---------------------------------------------------------------
# The case manager's case holds a Part 2 note and a Part 2 assessment (their author: cm)
# beside an ordinary one of each. The consumer's Part 2 consent names the caller's role, or
# no consent is recorded. Every role the route admits: covered, or the author → the Part 2
# record with its labels and notice; otherwise it is left out of the list and the count,
# and a read of it is the 404 of a missing record. Break-glass never opens one.

PART2_SECURITY = [
    {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"},
    {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "42CFRPart2"},
]


@dataclass(frozen=True)
class Part2Records:
    case: Any
    plain: dict[str, int]  # list path → the ordinary record's id
    secret: dict[str, int]  # list path → the Part 2 record's id


def _part2_records(w: World) -> Part2Records:
    case = factories.active_case(w.cm)
    factories.part2_instrument()
    actor = factories.actor(w.cm)
    notes = [
        coordination_services.note_create(
            actor=actor, case=case, kind="progress", text=text, part2=part2
        ).pk
        for text, part2 in (("Ride booked.", False), ("Methadone 80 mg daily.", True))
    ]
    responses = [
        factories.assessment(w.cm, case, code, PHQ2_ZERO).pk
        for code in ("phq2", factories.PART2_INSTRUMENT)
    ]
    return Part2Records(
        case,
        {"notes": notes[0], "assessments": responses[0]},
        {"notes": notes[1], "assessments": responses[1]},
    )


def _part2_consent(w: World, case: Any, role: str) -> None:
    coordination_services.part2_consent_grant(
        actor=factories.actor(w.cm), case=case, role=role, scope="Care coordination"
    )


def _covered(world: World, user: User, covered: bool) -> bool:
    return covered or user == world.cm


@pytest.mark.parametrize("covered", [True, False], ids=["consent names the role", "no consent"])
@pytest.mark.parametrize("role", list(Role.values))
@pytest.mark.parametrize("kind", ["notes", "assessments"])
def test_part2_lists_show_the_record_only_to_a_covered_role(
    world: World, kind: str, role: str, covered: bool
) -> None:
    records = _part2_records(world)
    user = world.by_role(role)
    if covered:
        _part2_consent(world, records.case, role)
    client = token_client(user)
    since = last_event_id()

    response = client.get(f"/api/v1/cases/{records.case.pk}/{kind}")

    if not _allowed(role, MATRIX[("GET", f"/api/v1/cases/{{case_id}}/{kind}")]):
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.content
    body = response.json()
    shown = {item["id"]: item for item in body["items"]}
    expected = [records.plain[kind]]
    if _covered(world, user, covered):
        expected.append(records.secret[kind])
        assert shown[records.secret[kind]]["security_labels"] == ["R", "ETH"]
        assert shown[records.secret[kind]]["redisclosure_notice"].startswith(
            "This record which has been disclosed to you is protected by Federal"
        )
    assert (body["count"], sorted(shown)) == (len(expected), sorted(expected))
    assert [e.detail.get("ids") for e in events_since(since)] == [[i["id"] for i in body["items"]]]


@pytest.mark.parametrize("covered", [True, False], ids=["consent names the role", "no consent"])
@pytest.mark.parametrize("role", list(Role.values))
def test_part2_needs_list_shows_a_need_a_part2_screen_suggested_only_to_a_covered_role(
    world: World, role: str, covered: bool
) -> None:
    case = factories.active_case(world.cm)
    plain = factories.assessment(world.cm, case, "phq2", {f"phq2_{n}": "LA6571-9" for n in (1, 2)})
    secret = factories.assessment(
        world.cm,
        case,
        "auditc",
        {"auditc_1": "LA18929-2", "auditc_2": "LA18931-8", "auditc_3": "LA18891-4"},
    )
    needs = {r.pk: r.needs.get().pk for r in (plain, secret)}
    user = world.by_role(role)
    if covered:
        _part2_consent(world, case, role)
    client = token_client(user)
    since = last_event_id()

    response = client.get(f"/api/v1/cases/{case.pk}/needs")

    if not _allowed(role, MATRIX[("GET", "/api/v1/cases/{case_id}/needs")]):
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.content
    body = response.json()
    expected = [needs[plain.pk]] + ([needs[secret.pk]] if _covered(world, user, covered) else [])
    assert (body["count"], [n["id"] for n in body["items"]]) == (len(expected), expected)
    assert [e.detail.get("ids") for e in events_since(since)] == [expected]


@pytest.mark.parametrize("covered", [True, False], ids=["consent names the role", "no consent"])
@pytest.mark.parametrize("role", list(Role.values))
@pytest.mark.parametrize("path", ["care-plan", "care-plan/fhir"])
def test_part2_plan_problem_is_shown_only_to_a_covered_role(
    world: World, path: str, role: str, covered: bool
) -> None:
    from tests.careplans.test_part2_problems import part2_plan_case

    case, problem = part2_plan_case(world)
    user = world.by_role(role)
    if covered:
        _part2_consent(world, case, role)
    client = token_client(user)
    since = last_event_id()

    response = client.get(f"/api/v1/cases/{case.pk}/{path}")

    if not _allowed(role, MATRIX[("GET", f"/api/v1/cases/{{case_id}}/{path}")]):
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.content
    if path == "care-plan":
        shown = [p["key"] for p in response.json()["problems"]]
    else:
        shown = [
            e["resource"]["id"].rsplit("-", 1)[1]
            for e in response.json()["entry"]
            if e["resource"]["resourceType"] == "Condition"
        ]
    seen = _covered(world, user, covered)
    assert sorted(shown) == (["p1", "p2"] if seen else ["p1"])
    withheld = {} if seen else {"part2_withheld_problems": [problem.pk]}
    assert [(e.action, e.detail) for e in events_since(since)] == [(AuditAction.READ, withheld)]


@pytest.mark.parametrize("covered", [True, False], ids=["consent names the role", "no consent"])
@pytest.mark.parametrize("role", list(Role.values))
def test_part2_fhir_read_is_labelled_for_a_covered_role_and_404_otherwise(
    world: World, role: str, covered: bool
) -> None:
    records = _part2_records(world)
    user = world.by_role(role)
    if covered:
        _part2_consent(world, records.case, role)
    client = token_client(user)
    since = last_event_id()

    response = client.get(f"/api/v1/assessments/{records.secret['assessments']}/fhir")

    events = [(e.action, e.outcome, e.consumer_id) for e in events_since(since)]
    if not _allowed(role, MATRIX[("GET", "/api/v1/assessments/{response_id}/fhir")]):
        assert response.status_code == 403
    elif _covered(world, user, covered):
        assert response.status_code == 200, response.content
        metas = [entry["resource"]["meta"]["security"] for entry in response.json()["entry"]]
        assert metas and all(
            [{"system": c["system"], "code": c["code"]} for c in m] == PART2_SECURITY for m in metas
        )
        assert events == [(AuditAction.READ, AuditOutcome.SUCCESS, records.case.consumer_id)]
    else:
        assert response.status_code == 404, response.content
        assert events == [(AuditAction.READ, AuditOutcome.DENIED, None)]


@pytest.mark.parametrize("covered", [True, False], ids=["consent names the role", "no consent"])
@pytest.mark.parametrize("role", list(Role.values))
def test_part2_access_export_holds_the_record_only_under_a_consent(
    world: World, role: str, covered: bool
) -> None:
    from casework.governance import services as governance_services

    records = _part2_records(world)
    user = world.by_role(role)
    request = governance_services.access_request_receive(
        actor=factories.actor(world.compliance),
        consumer=records.case.consumer,
        received_at=clock.now() - timedelta(hours=1),
        requested_by="The consumer",
        format="fhir",
    )
    if covered:
        _part2_consent(world, records.case, role)
    client = token_client(user)

    response = client.get(f"/api/v1/access-requests/{request.pk}/export")

    if not _allowed(role, MATRIX[("GET", "/api/v1/access-requests/{request_id}/export")]):
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.content
    ids = [entry["resource"]["id"] for entry in response.json()["entry"]]
    expected = [f"response-{records.plain['assessments']}"]
    if covered:
        expected.append(f"response-{records.secret['assessments']}")
    assert ids[1:] == expected
    assert ("meta" in response.json()) is covered


@pytest.mark.parametrize("kind", ["notes", "assessments"])
def test_part2_records_stay_hidden_under_break_glass(world: World, kind: str) -> None:
    records = _part2_records(world)
    _part2_consent(world, records.case, Role.CASE_MANAGER)
    session = Client()
    session.force_login(world.cm2)
    declared = session.post(
        reverse("break_glass_declare"),
        {"record_number": records.case.consumer.mrn, "reason": "Overdose in the waiting room"},
    )
    assert declared.status_code == 302
    client = token_client(world.cm2)

    response = client.get(f"/api/v1/cases/{records.case.pk}/{kind}")

    assert response.status_code == 200, response.content
    assert [i["id"] for i in response.json()["items"]] == [records.plain[kind]]
    assert response.json()["count"] == 1
