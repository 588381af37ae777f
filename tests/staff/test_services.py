"""Staff governance services: deadlines, corrective actions, evidence, training,
statements, audit (A2-A8)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.core import clock
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditEvent, Deadline, DeadlineState
from casework.core.sweep import sweep_once
from casework.staff import selectors, services
from casework.staff.models import (
    AttestationKind,
    CorrectiveAction,
    Credential,
    TrainingAssignment,
    Verification,
)
from casework.staff.services import StaffDeadline
from tests import factories
from tests.conftest import World
from tests.documents import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def admin(w: World) -> object:
    return factories.actor(w.admin)


def new_person(w: World) -> object:
    return factories.user("case_manager", w.program, w.team, compliant=False)


def license_for(w: World, person: object, **fields: object) -> Credential:
    return services.credential_add(
        actor=factories.actor(w.admin),
        user=person,  # type: ignore[arg-type]
        kind="license",
        credential_type="LCSW",
        state="IL",
        number="149-000123",
        expires_date=fields.pop("expires_date", date(2027, 12, 31)),
        independent_assessment=True,
        **fields,
    )


def verify(w: World, credential: Credential, day: date, **kw: object) -> Verification:
    return services.verification_record(
        actor=factories.actor(w.admin),
        credential=credential,
        source="primary",
        source_name="IDFPR license lookup",
        verified_date=day,
        outcome=kw.pop("outcome", "verified"),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def deadline(kind: str, subject_id: int) -> Deadline:
    return Deadline.objects.get(kind=kind, subject_id=subject_id)


def test_verification_sets_re_verification_three_years_on(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        person = new_person(world)
        credential = license_for(world, person)
        verify(world, credential, date(2026, 3, 1))
        due = deadline(StaffDeadline.REVERIFICATION, credential.pk)
        assert due.due_at.date() == date(2029, 3, 1)
        assert deadline(StaffDeadline.EXPIRY, credential.pk).due_at.date() == date(2027, 12, 31)
        assert selectors.has_verified_credential(user=person) is True  # type: ignore[arg-type]


def test_re_verification_lapses_after_three_years(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        person = new_person(world)
        credential = license_for(world, person, expires_date=date(2031, 1, 1))
        verify(world, credential, date(2026, 3, 1))
    with time_machine.travel(datetime(2029, 3, 1, 13, tzinfo=UTC), tick=False):
        assert selectors.has_verified_credential(user=person) is False  # type: ignore[arg-type]
        sweep_once()
        action = CorrectiveAction.objects.get(credential=credential)
        assert (action.reason, action.owner_id) == ("Re-verification overdue", world.supervisor.pk)


def test_the_sweep_opens_one_corrective_action_when_a_license_expires(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        person = new_person(world)
        credential = license_for(world, person, expires_date=date(2026, 4, 30))
        verify(world, credential, date(2026, 3, 1))
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False):
        sweep_once()
        sweep_once()
        assert CorrectiveAction.objects.filter(credential=credential).count() == 1
        assert deadline(StaffDeadline.EXPIRY, credential.pk).state == DeadlineState.BREACHED
        assert selectors.has_verified_credential(user=person) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("status", ["suspended", "revoked", "probation"])
def test_an_adverse_license_change_opens_a_corrective_action(world: World, status: str) -> None:
    person = new_person(world)
    credential = license_for(world, person)
    since = AuditEvent.objects.count()

    updated = services.credential_update(
        actor=factories.actor(world.compliance),
        credential=credential,
        version=credential.version,
        status=status,
    )

    action = CorrectiveAction.objects.get(credential=credential)
    assert (action.status, action.owner_id, updated.version) == ("open", world.supervisor.pk, 2)
    assert AuditEvent.objects.count() == since + 1
    event = AuditEvent.objects.order_by("-pk").first()
    assert event is not None and event.detail["corrective_action"] == action.pk


def test_a_new_restriction_is_adverse_and_needs_a_description(world: World) -> None:
    person = new_person(world)
    credential = license_for(world, person)
    with pytest.raises(ValidationFailed) as bad:
        services.credential_update(
            actor=factories.actor(world.admin),
            credential=credential,
            version=1,
            restricted=True,
        )
    assert bad.value.errors == {"restrictions": ["describe the restrictions"]}
    services.credential_update(
        actor=factories.actor(world.admin),
        credential=credential,
        version=1,
        restricted=True,
        restrictions="No prescribing.",
    )
    assert CorrectiveAction.objects.filter(credential=credential).count() == 1


def test_a_stale_credential_version_is_refused(world: World) -> None:
    person = new_person(world)
    credential = license_for(world, person)
    services.credential_update(
        actor=factories.actor(world.admin), credential=credential, version=1, number="X1"
    )
    with pytest.raises(StaleVersion):
        services.credential_update(
            actor=factories.actor(world.admin), credential=credential, version=1, number="X2"
        )


def test_a_discrepancy_opens_a_corrective_action_and_sets_no_deadline(world: World) -> None:
    person = new_person(world)
    credential = license_for(world, person)
    verify(world, credential, clock.today(), outcome="discrepancy")
    assert CorrectiveAction.objects.filter(credential=credential).count() == 1
    assert not Deadline.objects.filter(kind=StaffDeadline.REVERIFICATION).exists()


PDF = pdf_bytes()


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("board.exe", b"MZ...", "only PDF, PNG or JPEG files"),
        ("board.pdf", b"<html>", "the file content does not match its type"),
        ("board.pdf", PDF + b"0" * (5 * 1024 * 1024), "the file is larger than the limit"),
        ("board.pdf", b"%PDF-1.7\n<html><script>x()</script>", "the PDF has data after its end"),
        ("board.pdf", PDF + b"\x7fELF\x02\x01", "the PDF has data after its end"),
        ("board.png", image_bytes("PNG") + b"<html>", "the image has data after its end"),
    ],
)
def test_evidence_uploads_are_checked(world: World, name: str, content: bytes, error: str) -> None:
    person = new_person(world)
    credential = license_for(world, person)
    before = Verification.objects.count()
    with pytest.raises(ValidationFailed) as bad:
        verify(world, credential, clock.today(), evidence=SimpleUploadedFile(name, content))
    assert bad.value.errors == {"evidence": [error]}
    assert Verification.objects.count() == before


def test_evidence_is_stored_under_a_generated_name(
    world: World, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    person = new_person(world)
    credential = license_for(world, person)
    v = verify(
        world, credential, clock.today(), evidence=SimpleUploadedFile("../../etc/x.pdf", PDF)
    )
    assert v.evidence.name.startswith("staff/evidence/") and "etc" not in v.evidence.name
    assert (v.evidence_type, v.evidence_size) == ("application/pdf", len(PDF))


def test_ce_deadline_rolls_with_the_window(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        person = new_person(world)
        services.staff_profile_save(
            actor=factories.actor(world.admin),
            user=person,
            hired_date=date(2019, 1, 1),  # type: ignore[arg-type]
        )
        for day, hours in ((date(2021, 6, 1), 50), (date(2025, 6, 1), 30)):
            services.ce_record(
                actor=factories.actor(world.admin),
                user=person,  # type: ignore[arg-type]
                title="Course",
                hours=Decimal(hours),
                completed_date=day,
            )
        status = selectors.ce_status_for(user=person)  # type: ignore[arg-type]
        assert (status.hours_in_window, status.met) == (Decimal(80), True)
        assert deadline(StaffDeadline.CE, person.pk).due_at.date() == date(2026, 6, 1)  # type: ignore[attr-defined]


def test_antifraud_training_must_recur_at_least_annually(world: World) -> None:
    with pytest.raises(ValidationFailed):
        services.course_create(
            actor=factories.actor(world.admin), code="af", title="Antifraud", topics=["10.1a"]
        )


def test_completing_annual_training_assigns_the_next_one(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        course = services.course_create(
            actor=factories.actor(world.admin),
            code="af",
            title="Antifraud and ethics",
            topics=["10.1a", "10.1h"],
            recurrence_months=12,
        )
        assignment = services.training_assign(
            actor=factories.actor(world.admin),
            user=world.cm,
            course=course,
            due_date=date(2026, 3, 31),
        )
        services.training_complete(
            actor=factories.actor(world.admin),
            user=world.cm,
            course=course,
            completed_date=date(2026, 3, 2),
            evidence="Certificate 42",
        )
        assignment.refresh_from_db()
        assert assignment.completed_at is not None
        nxt = TrainingAssignment.objects.get(course=course, completed_at=None)
        assert nxt.due_date == date(2027, 3, 2)
        assert deadline(StaffDeadline.TRAINING, assignment.pk).state == DeadlineState.MET
        assert deadline(StaffDeadline.TRAINING, nxt.pk).state == DeadlineState.OPEN


def test_unknown_topics_are_refused(world: World) -> None:
    with pytest.raises(ValidationFailed):
        services.course_create(
            actor=factories.actor(world.admin), code="x", title="X", topics=["9.9z"]
        )


def test_a_new_statement_version_requires_signing_again(world: World) -> None:
    assert selectors.confidentiality_signed(user=world.cm) is True
    v2 = services.attestation_publish(
        actor=factories.actor(world.compliance),
        kind=AttestationKind.CONFIDENTIALITY,
        title="Confidentiality statement",
        body="Revised text.",
    )
    assert v2.version == 2
    assert selectors.confidentiality_signed(user=world.cm) is False
    services.attestation_sign(actor=factories.actor(world.cm), document=v2)
    assert selectors.confidentiality_signed(user=world.cm) is True


def test_only_the_current_version_can_be_signed(world: World) -> None:
    v1 = factories.confidentiality_statement(world.program)
    services.attestation_publish(
        actor=factories.actor(world.compliance),
        kind=AttestationKind.CONFIDENTIALITY,
        title="Confidentiality statement",
        body="Revised text.",
    )
    with pytest.raises(RuleViolation):
        services.attestation_sign(actor=factories.actor(world.cm), document=v1)


def test_job_description_gaps(world: World) -> None:
    job = services.job_description_save(
        actor=factories.actor(world.admin),
        title="Case manager",
        role="case_manager",
        required_education="BSW",
        required_degree_level="bachelor",
        competencies="Assessment",
        licensure="License",
        requires_license=True,
        requires_case_manager_certification=True,
        scope="Caseload",
    )
    services.staff_profile_save(
        actor=factories.actor(world.admin),
        user=world.cm,
        job_description=job,
        hired_date=date(2024, 1, 1),
    )
    assert selectors.job_description_gaps(user=world.cm) == [
        "needs a bachelor degree",
        "needs case-manager certification",
    ]


def test_clinical_director_must_meet_3_3(world: World) -> None:
    services.staff_profile_save(
        actor=factories.actor(world.admin),
        user=world.senior,
        hired_date=date(2020, 1, 1),
        physician=True,
        oversight_qualified=True,
        post_graduate_direct_care=True,
    )
    with pytest.raises(RuleViolation) as refused:
        services.clinical_director_designate(actor=factories.actor(world.admin), user=world.senior)
    assert "board certification" in refused.value.reason


def test_consultations_are_logged_for_the_director(world: World) -> None:
    services.staff_profile_save(
        actor=factories.actor(world.admin),
        user=world.senior,
        hired_date=date(2020, 1, 1),
        oversight_qualified=True,
        post_graduate_direct_care=True,
    )
    Credential.objects.filter(user=world.senior).update(clinical=True)
    services.clinical_director_designate(actor=factories.actor(world.admin), user=world.senior)
    entry = services.consultation_log(
        actor=factories.actor(world.supervisor),
        director=world.senior,
        occurred_at=clock.now(),
        topic="Complex discharges",
        summary="Reviewed the escalation path.",
    )
    assert entry.director_id == world.senior.pk


def test_caseload_guideline_needs_a_rationale(world: World) -> None:
    with pytest.raises(ValidationFailed) as bad:
        services.caseload_guideline_set(
            actor=factories.actor(world.supervisor),
            role="case_manager",
            max_weighted_load=Decimal(30),
            rationale="",
        )
    assert list(bad.value.errors) == ["rationale"]


def test_suggestions_respect_limits_language_and_continuity(world: World) -> None:
    services.caseload_guideline_set(
        actor=factories.actor(world.supervisor),
        role="case_manager",
        max_weighted_load=Decimal(5),
        rationale="Test: two moderate cases each at most.",
    )
    world.cm2.languages = "en,es"
    world.cm2.save()
    factories.referred_case(world.cm)
    factories.referred_case(world.cm)  # cm at 5.0: full
    suggested = services.assignment_suggestions(
        team_members=[world.cm, world.cm2, world.cm3],
        complexity="moderate",
        severity="moderate",
        consumer_id=None,
        language="es",
    )
    assert [u.pk for u in suggested] == [world.cm2.pk, world.cm3.pk]


def test_dashboard_counts(world: World) -> None:
    Credential.objects.filter(user=world.cm3).update(status="revoked")
    dash = selectors.dashboard_build(program_id=world.program.pk)
    assert world.cm3.pk not in dash.credential_compliant
    assert dash.staff == 12
    assert len(dash.credential_compliant) == 11
