"""Training, statements and clinical oversight (MA 8.1, 10.1, 7.3(e), 3.3, 4.3; S41)."""

from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.deadlines import deadline_set, deadlines_close
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, DeadlineState
from casework.core.validation import validated
from casework.core.versioning import versioned_update
from casework.staff import rules, selectors
from casework.staff.models import (
    AttestationDocument,
    AttestationSignature,
    ClinicalConsultation,
    Course,
    StaffProfile,
    TrainingAssignment,
    TrainingCompletion,
    User,
)
from casework.staff.services._common import (
    StaffDeadline,
    _at,
    _audit,
    _program,
    _same_program,
)

# --- training -----------------------------------------------------------------------------


def course_create(
    *,
    actor: Actor,
    code: str,
    title: str,
    topics: list[str],
    orientation: bool = False,
    recurrence_months: int = 0,
) -> Course:
    """Add a course to the catalogue with its Model Act topics (8.1, 10.1). Antifraud and
    ethics topics recur at least annually. Who: staff.manage. Audits one create."""
    unknown = sorted(set(topics) - set(rules.TRAINING_TOPICS))
    if unknown:
        raise ValidationFailed.single("topics", _("unknown topics: %(t)s") % {"t": unknown})
    if not topics:
        raise ValidationFailed.single("topics", _("name at least one topic"))
    annual = selectors.rule_settings_for(program_id=_program(actor)).annual_recurrence_months
    if set(topics) & rules.ANNUAL_TOPICS and not 0 < recurrence_months <= annual:
        raise ValidationFailed.single(
            "recurrence_months", _("antifraud and ethics education recurs at least annually")
        )
    with transaction.atomic():
        course = validated(
            Course(
                program_id=_program(actor),
                code=code,
                title=title,
                topics=sorted(topics),
                orientation=orientation or rules.ORIENTATION_TOPIC in topics,
                recurrence_months=recurrence_months,
            )
        )
        course.save()
        _audit(actor, AuditAction.CREATE, "staff_course", course.pk)
    return course


def _training_deadline(assignment: TrainingAssignment) -> None:
    deadline_set(
        kind=StaffDeadline.TRAINING,
        subject_type="staff_training_assignment",
        subject_id=assignment.pk,
        due_at=_at(assignment.due_date),
        owner_id=assignment.user_id,
        consumer_id=None,
    )


def training_assign(
    *, actor: Actor, user: User, course: Course, due_date: date
) -> TrainingAssignment:
    """Assign a course with a due date (a deadline row). Who: staff.manage."""
    _same_program(actor, user)
    if course.program_id != user.program_id:
        raise ValidationFailed.single("course", _("no such course in your program"))
    with transaction.atomic():
        assignment = TrainingAssignment.objects.create(
            user=user,
            course=course,
            due_date=due_date,
            assigned_by=actor.user,
            assigned_at=clock.now(),
        )
        _training_deadline(assignment)
        _audit(actor, AuditAction.CREATE, "staff_training_assignment", assignment.pk, user=user.pk)
    return assignment


def training_complete(
    *, actor: Actor, user: User, course: Course, completed_date: date, evidence: str
) -> TrainingCompletion:
    """Document completed training (MA 8.1(d)); open assignments of the course are met,
    and a recurring course (annual antifraud and ethics) is assigned again for its next
    due date. Who: staff.manage. Audits one create."""
    _same_program(actor, user)
    if course.program_id != user.program_id:
        raise ValidationFailed.single("course", _("no such course in your program"))
    if not evidence.strip():
        raise ValidationFailed.single("evidence", _("name the evidence of completion"))
    if completed_date > clock.today():
        raise ValidationFailed.single("completed_date", _("may not be in the future"))
    with transaction.atomic():
        completion = validated(
            TrainingCompletion(
                user=user,
                course=course,
                completed_date=completed_date,
                evidence=evidence,
                recorded_by=actor.user,
                recorded_at=clock.now(),
            )
        )
        completion.save()
        open_ = list(TrainingAssignment.objects.filter(user=user, course=course, completed_at=None))
        for assignment in open_:
            assignment.completed_at = clock.now()
            assignment.save(update_fields=["completed_at"])
            deadlines_close(
                subject_type="staff_training_assignment",
                subject_id=assignment.pk,
                state=DeadlineState.MET,
            )
        next_id = None
        if course.recurrence_months:
            nxt = TrainingAssignment.objects.create(
                user=user,
                course=course,
                due_date=rules.recurrence_due(
                    completed_date, course.recurrence_months, start_date=completed_date
                ),
                assigned_by=actor.user,
                assigned_at=clock.now(),
            )
            _training_deadline(nxt)
            next_id = nxt.pk
        _audit(
            actor,
            AuditAction.CREATE,
            "staff_training_completion",
            completion.pk,
            user=user.pk,
            course=course.pk,
            next_assignment=next_id,
        )
    return completion


# --- attestations (MA 7.3(e), 10.1; S41) --------------------------------------------------


def attestation_publish(*, actor: Actor, kind: str, title: str, body: str) -> AttestationDocument:
    """Publish a new version of the confidentiality statement or conflict-of-interest
    attestation: everyone must sign it again. Who: staff.manage. Audits one create."""
    if not body.strip():
        raise ValidationFailed.single("body", _("the statement needs its text"))
    with transaction.atomic():
        current = selectors.attestation_current_document(program_id=_program(actor), kind=kind)
        document = validated(
            AttestationDocument(
                program_id=_program(actor),
                kind=kind,
                version=(current.version + 1) if current else 1,
                title=title,
                body=body,
                published_at=clock.now(),
                published_by=actor.user,
            )
        )
        document.save()
        _audit(
            actor,
            AuditAction.CREATE,
            "staff_attestation_document",
            document.pk,
            kind=kind,
            version=document.version,
        )
    return document


def attestation_sign(*, actor: Actor, document: AttestationDocument) -> AttestationSignature:
    """The signed-in person signs the current version of a statement (S41). Only the
    current version may be signed. Audits one create."""
    current = selectors.attestation_current_document(program_id=_program(actor), kind=document.kind)
    if current is None or current.pk != document.pk:
        raise RuleViolation(_("only the current version can be signed"))
    with transaction.atomic():
        signature = AttestationSignature.objects.create(
            user=actor.user, document=document, signed_at=clock.now()
        )
        _audit(
            actor,
            AuditAction.CREATE,
            "staff_attestation",
            signature.pk,
            kind=document.kind,
            version=document.version,
        )
    return signature


# --- clinical oversight (MA 3.3, 4.3) -----------------------------------------------------


def clinical_director_designate(*, actor: Actor, user: User) -> StaffProfile:
    """Designate the senior clinical staff person who provides clinical oversight. The
    person must meet MA 3.3. Who: staff.manage. Audits one update."""
    _same_program(actor, user)
    met, results = rules.clinical_oversight_3_3(selectors.staff_facts(user=user), clock.today())
    if not met:
        unmet = "; ".join(r for q in results if not q.met for r in q.reasons)
        raise RuleViolation(_("does not meet Model Act 3.3: %(r)s") % {"r": unmet})
    with transaction.atomic():
        profile = StaffProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise RuleViolation(_("record the person's profile first"))
        versioned_update(profile, version=profile.version, changes={"clinical_director": True})
        _audit(actor, AuditAction.UPDATE, "staff_profile", profile.pk, clinical_director=True)
    return profile


def consultation_log(
    *, actor: Actor, director: User, occurred_at: datetime, topic: str, summary: str
) -> ClinicalConsultation:
    """Log a consultation with the clinical director (MA 4.3). No consumer identifiers.
    Who: staff.manage or the director. Audits one create."""
    _same_program(actor, director)
    if not StaffProfile.objects.filter(user=director, clinical_director=True).exists():
        raise ValidationFailed.single("director", _("not a designated clinical director"))
    with transaction.atomic():
        entry = validated(
            ClinicalConsultation(
                director=director,
                occurred_at=occurred_at,
                topic=topic,
                summary=summary,
                recorded_by=actor.user,
                recorded_at=clock.now(),
            )
        )
        entry.save()
        _audit(actor, AuditAction.CREATE, "staff_consultation", entry.pk, director=director.pk)
    return entry
