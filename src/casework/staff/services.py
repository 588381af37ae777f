"""Writes for staff governance (A2-A8): profiles, credentials, verification, CE,
corrective actions, training, attestations, job descriptions, clinical oversight,
caseload guidelines and the assignment gate.

Staff records are not consumer data, but every change is governance and is audited:
each service runs in one transaction and writes exactly one audit event (object type
`staff_*`, no consumer). Who may call them is decided by the caller (`staff.manage`:
administrators and compliance officers), except `attestation_sign`, which a person
does for themself.
"""

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.deadlines import deadline_set, deadlines_close
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState
from casework.core.roles import Role
from casework.core.validation import validated
from casework.staff import rules, selectors
from casework.staff.models import (
    ADVERSE_STATUSES,
    AssignmentOverride,
    AttestationDocument,
    AttestationSignature,
    CaseloadGuideline,
    ClinicalConsultation,
    ContinuingEducation,
    CorrectiveAction,
    CorrectiveStatus,
    Course,
    Credential,
    JobDescription,
    StaffProfile,
    TrainingAssignment,
    TrainingCompletion,
    User,
    Verification,
    VerificationOutcome,
)


class StaffDeadline(models.TextChoices):
    """Deadline kinds of this context (rows in core.Deadline; overdue is a query)."""

    REVERIFICATION = "staff_reverification", _("Credential re-verification due")
    EXPIRY = "staff_credential_expiry", _("Credential expires")
    CE = "staff_ce_due", _("Continuing education due")
    TRAINING = "staff_training_due", _("Training due")


EVIDENCE_TYPES: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def _audit(actor: Actor, action: str, object_type: str, object_id: object, **detail: Any) -> None:
    audit_record(
        actor=actor, action=action, object_type=object_type, object_id=object_id, detail=detail
    )


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=clock.now().tzinfo)


def _program(actor: Actor) -> int:
    if actor.user.program_id is None:
        raise RuleViolation(_("you are not a member of a program"))
    return actor.user.program_id


def _same_program(actor: Actor, user: User) -> None:
    if user.program_id is None or user.program_id != actor.user.program_id:
        raise ValidationFailed.single("user", _("no such staff member in your program"))


def _bump[M: models.Model](model: type[M], obj: Any, version: int, **changes: Any) -> None:
    updated = model._default_manager.filter(pk=obj.pk, version=version).update(  # type: ignore[attr-defined]
        **changes, version=version + 1
    )
    if not updated:
        current = model._default_manager.filter(pk=obj.pk).values_list("version", flat=True).get()  # type: ignore[attr-defined]
        raise StaleVersion(current)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.version = version + 1


# --- profile, job descriptions -----------------------------------------------------------

PROFILE_FIELDS = (
    "hired_date",
    "state_requires_licensure",
    "case_manager_years",
    "supervision_years",
    "post_graduate_direct_care",
    "oversight_qualified",
    "physician",
)


def staff_profile_save(
    *,
    actor: Actor,
    user: User,
    version: int | None = None,
    job_description: JobDescription | None = None,
    **fields: Any,
) -> StaffProfile:
    """Create or update a person's governance record (position, experience). A stale
    `version` is refused. Who: staff.manage. Audits one create or update."""
    _same_program(actor, user)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed({name: [_("unknown field")] for name in sorted(unknown)})
    if job_description is not None and job_description.program_id != user.program_id:
        raise ValidationFailed.single("job_description", _("no such position in your program"))
    with transaction.atomic():
        profile = StaffProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            profile = validated(
                StaffProfile(user=user, job_description=job_description, **fields),
                exclude=["user"],
            )
            profile.save()
            action = AuditAction.CREATE
        else:
            if version is not None and version != profile.version:
                raise StaleVersion(profile.version)
            for name, value in fields.items():
                setattr(profile, name, value)
            if job_description is not None:
                profile.job_description = job_description
            validated(profile, exclude=["user"])
            profile.version += 1
            profile.save()
            action = AuditAction.UPDATE
        _audit(actor, action, "staff_profile", profile.pk, user=user.pk, fields=sorted(fields))
    return profile


def job_description_save(
    *, actor: Actor, title: str, role: str, version: int | None = None, **fields: Any
) -> JobDescription:
    """Create or revise a written job description (MA 3.4). Who: staff.manage."""
    program_id = _program(actor)
    with transaction.atomic():
        job = JobDescription.objects.filter(program_id=program_id, title=title).first()
        if job is None:
            job = validated(JobDescription(program_id=program_id, title=title, role=role, **fields))
            job.save()
            action = AuditAction.CREATE
        else:
            if version is not None and version != job.version:
                raise StaleVersion(job.version)
            job.role = role
            for name, value in fields.items():
                setattr(job, name, value)
            validated(job)
            job.version += 1
            job.save()
            action = AuditAction.UPDATE
        _audit(actor, action, "staff_job_description", job.pk)
    return job


# --- credentials, verification, CE, corrective action ------------------------------------


def _expiry_deadline(credential: Credential) -> None:
    if credential.expires_date is None:
        deadlines_close(
            subject_type="staff_credential", subject_id=credential.pk, state=DeadlineState.WAIVED
        )
        return
    deadline_set(
        kind=StaffDeadline.EXPIRY,
        subject_type="staff_credential",
        subject_id=credential.pk,
        due_at=_at(credential.expires_date),
        owner_id=credential.user_id,
        consumer_id=None,
    )


def _corrective_open(credential: Credential | None, user: User, reason: str) -> CorrectiveAction:
    supervisor_id = user.team.supervisor_id if user.team_id and user.team else None
    action = CorrectiveAction.objects.create(
        user=user,
        credential=credential,
        reason=reason,
        owner_id=supervisor_id,
        opened_at=clock.now(),
    )
    return action


CREDENTIAL_FIELDS = {f.name for f in Credential._meta.get_fields()} - {
    "id",
    "user",
    "created_at",
    "version",
    "verifications",
    "kind",
    "credential_type",
}


def credential_add(
    *, actor: Actor, user: User, kind: str, credential_type: str, **fields: Any
) -> Credential:
    """Record a license, certification or degree; its expiry becomes a deadline row.
    Who: staff.manage. Audits one create."""
    _same_program(actor, user)
    unknown = set(fields) - CREDENTIAL_FIELDS
    if unknown:
        raise ValidationFailed({name: [_("unknown field")] for name in sorted(unknown)})
    if fields.get("restricted") and not str(fields.get("restrictions", "")).strip():
        raise ValidationFailed.single("restrictions", _("describe the restrictions"))
    with transaction.atomic():
        credential = validated(
            Credential(
                user=user,
                kind=kind,
                credential_type=credential_type,
                created_at=clock.now(),
                **fields,
            )
        )
        credential.save()
        _expiry_deadline(credential)
        _audit(
            actor, AuditAction.CREATE, "staff_credential", credential.pk, user=user.pk, kind=kind
        )
    return credential


def credential_update(
    *, actor: Actor, credential: Credential, version: int, **changes: Any
) -> Credential:
    """Change a credential (status, restriction, expiry...). An adverse change (suspended,
    revoked, on probation, inactive, expired, or newly restricted) opens a corrective
    action (MA 3.5(d)). Who: staff.manage. Audits one update."""
    _same_program(actor, credential.user)
    unknown = set(changes) - CREDENTIAL_FIELDS
    if unknown:
        raise ValidationFailed({name: [_("unknown field")] for name in sorted(unknown)})
    with transaction.atomic():
        locked = (
            Credential.objects.select_for_update(of=("self",))
            .select_related("user__team")
            .get(pk=credential.pk)
        )
        if locked.version != version:
            raise StaleVersion(locked.version)
        adverse = (
            changes.get("status", locked.status) in ADVERSE_STATUSES
            and locked.status not in ADVERSE_STATUSES
        ) or (changes.get("restricted") is True and not locked.restricted)
        for name, value in changes.items():
            setattr(locked, name, value)
        if locked.restricted and not locked.restrictions.strip():
            raise ValidationFailed.single("restrictions", _("describe the restrictions"))
        validated(locked)
        locked.version += 1
        locked.save()
        _expiry_deadline(locked)
        corrective = None
        if adverse:
            corrective = _corrective_open(
                locked, locked.user, _("Adverse change: %(s)s") % {"s": locked.status}
            ).pk
        _audit(
            actor,
            AuditAction.UPDATE,
            "staff_credential",
            locked.pk,
            user=locked.user_id,
            fields=sorted(changes),
            corrective_action=corrective,
        )
    return locked


def evidence_check(upload: UploadedFile) -> tuple[str, str]:
    """The upload's extension and media type, checked by extension, magic bytes and size
    (S37, S38); the stored name is generated here, never the client's."""
    name = (upload.name or "").lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    limit = int(getattr(settings, "CASEWORK_EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES))
    if upload.size is None or upload.size > limit:
        raise ValidationFailed.single("evidence", _("the file is larger than the limit"))
    if ext not in EVIDENCE_TYPES:
        raise ValidationFailed.single("evidence", _("only PDF, PNG or JPEG files"))
    magic, media_type = EVIDENCE_TYPES[ext]
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        raise ValidationFailed.single("evidence", _("the file content does not match its type"))
    return ext, media_type


def verification_record(
    *,
    actor: Actor,
    credential: Credential,
    source: str,
    source_name: str,
    verified_date: date,
    outcome: str,
    evidence: UploadedFile | None = None,
    note: str = "",
) -> Verification:
    """Record a verification at hire or a re-verification (MA 3.5(a), (b)). A verified
    outcome moves the re-verification deadline to N years later (default 3); a
    discrepancy opens a corrective action. Who: staff.manage. Audits one create."""
    _same_program(actor, credential.user)
    if verified_date > clock.today():
        raise ValidationFailed.single("verified_date", _("may not be in the future"))
    ext, media_type = evidence_check(evidence) if evidence is not None else ("", "")
    with transaction.atomic():
        verification = Verification(
            credential=credential,
            source=source,
            source_name=source_name,
            verified_date=verified_date,
            outcome=outcome,
            verifier=actor.user,
            note=note,
            created_at=clock.now(),
        )
        if evidence is not None:
            evidence.name = f"{uuid.uuid4().hex}.{ext}"
            verification.evidence = evidence  # type: ignore[assignment]
            verification.evidence_type = media_type
            verification.evidence_size = evidence.size or 0
        validated(verification, exclude=["evidence"])
        verification.save()
        corrective = None
        if outcome == VerificationOutcome.VERIFIED:
            settings_ = selectors.rule_settings_for(program_id=credential.user.program_id or 0)
            deadline_set(
                kind=StaffDeadline.REVERIFICATION,
                subject_type="staff_credential",
                subject_id=credential.pk,
                due_at=_at(rules.reverification_due(verified_date, settings_)),
                owner_id=credential.user_id,
                consumer_id=None,
            )
        else:
            corrective = _corrective_open(
                credential, credential.user, _("Verification found a discrepancy")
            ).pk
        _audit(
            actor,
            AuditAction.CREATE,
            "staff_verification",
            verification.pk,
            credential=credential.pk,
            outcome=outcome,
            corrective_action=corrective,
        )
    return verification


def _ce_deadline(user: User) -> rules.CeStatus:
    status = selectors.ce_status_for(user=user)
    deadline_set(
        kind=StaffDeadline.CE,
        subject_type="staff_user",
        subject_id=user.pk,
        due_at=_at(status.due_date),
        owner_id=user.pk,
        consumer_id=None,
    )
    return status


def ce_record(
    *, actor: Actor, user: User, title: str, hours: Decimal, completed_date: date
) -> ContinuingEducation:
    """Record continuing-education hours (MA 3.5(c)); the CE deadline moves with the
    rolling window. Who: staff.manage. Audits one create."""
    _same_program(actor, user)
    if hours <= 0:
        raise ValidationFailed.single("hours", _("must be more than zero"))
    if completed_date > clock.today():
        raise ValidationFailed.single("completed_date", _("may not be in the future"))
    with transaction.atomic():
        record = validated(
            ContinuingEducation(
                user=user,
                title=title,
                hours=hours,
                completed_date=completed_date,
                recorded_by=actor.user,
                created_at=clock.now(),
            )
        )
        record.save()
        status = _ce_deadline(user)
        _audit(
            actor,
            AuditAction.CREATE,
            "staff_ce",
            record.pk,
            user=user.pk,
            hours_in_window=str(status.hours_in_window),
        )
    return record


def corrective_action_resolve(
    *, actor: Actor, action: CorrectiveAction, version: int, resolution: str
) -> CorrectiveAction:
    """Resolve a corrective action with what was done. Who: staff.manage."""
    _same_program(actor, action.user)
    if not resolution.strip():
        raise ValidationFailed.single("resolution", _("say how it was resolved"))
    with transaction.atomic():
        if action.status != CorrectiveStatus.OPEN:
            raise RuleViolation(_("the corrective action is already resolved"))
        _bump(
            CorrectiveAction,
            action,
            version,
            status=CorrectiveStatus.RESOLVED,
            resolution=resolution,
            resolved_at=clock.now(),
        )
        _audit(actor, AuditAction.UPDATE, "staff_corrective_action", action.pk, status="resolved")
    return action


def credential_lapse_act(*, deadline: Deadline) -> CorrectiveAction | None:
    """The sweep found a credential past its expiry or re-verification date: open a
    corrective action (one open per credential). Audited as a system update."""
    credential = (
        Credential.objects.select_related("user__team").filter(pk=deadline.subject_id).first()
    )
    if credential is None:
        return None
    if CorrectiveAction.objects.filter(
        credential=credential, status=CorrectiveStatus.OPEN
    ).exists():
        return None
    reason = (
        _("Credential expired")
        if deadline.kind == StaffDeadline.EXPIRY
        else _("Re-verification overdue")
    )
    action = _corrective_open(credential, credential.user, reason)
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        object_type="staff_corrective_action",
        object_id=action.pk,
        username="system",
        detail={"credential": credential.pk, "deadline": deadline.pk},
    )
    return action


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
        profile.clinical_director = True
        profile.version += 1
        profile.save()
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


# --- caseloads and the assignment gate (MA 5.1(n); A5-A8) --------------------------------


def caseload_guideline_set(
    *, actor: Actor, role: str, max_weighted_load: Decimal, rationale: str
) -> CaseloadGuideline:
    """Set a role's caseload limit with its written rationale. Who: supervisors and
    staff.manage. Audits one create or update."""
    if role not in Role.values:
        raise ValidationFailed.single("role", _("unknown role"))
    if max_weighted_load <= 0:
        raise ValidationFailed.single("max_weighted_load", _("must be more than zero"))
    if len(rationale.strip()) < 20:
        raise ValidationFailed.single("rationale", _("write the rationale (20 characters or more)"))
    with transaction.atomic():
        row = CaseloadGuideline.objects.filter(program_id=_program(actor), role=role).first()
        action = AuditAction.UPDATE if row else AuditAction.CREATE
        if row is None:
            row = CaseloadGuideline(program_id=_program(actor), role=role, version=0)
        row.max_weighted_load = max_weighted_load
        row.rationale = rationale
        row.set_by = actor.user
        row.set_at = clock.now()
        row.version += 1
        validated(row)
        row.save()
        _audit(
            actor,
            action,
            "staff_caseload_guideline",
            row.pk,
            role=role,
            limit=str(max_weighted_load),
        )
    return row


def assignment_gate(
    *,
    actor: Actor,
    assignee: User,
    complexity: str,
    severity: str,
    consumer_id: int | None,
    override_reason: str = "",
) -> list[str]:
    """May `assignee` take a new case? Refuses (RuleViolation, with the reasons) when
    they lack a current verified credential, orientation or a signed current
    confidentiality statement, or the case would put them over their caseload limit.
    A supervisor may override with a reason: the blockers are returned for the caller
    to record (`assignment_override_record`) in its own audited transaction."""
    facts = selectors.assignee_facts(user=assignee, consumer_id=consumer_id)
    blockers = rules.assignment_blockers(facts, adding=rules.acuity_weight(complexity, severity))
    if not blockers:
        return []
    reasons = "; ".join(rules.BLOCKER_TEXT[b] for b in blockers)
    if not override_reason.strip():
        raise RuleViolation(
            _("%(name)s cannot be assigned new cases: %(reasons)s")
            % {"name": assignee.get_full_name() or assignee.username, "reasons": reasons}
        )
    if actor.user.role != Role.SUPERVISOR:
        raise RuleViolation(_("only a supervisor may override: %(r)s") % {"r": reasons})
    return blockers


def assignment_override_record(
    *, actor: Actor, case_id: int, assignee: User, blockers: list[str], reason: str
) -> AssignmentOverride:
    """Keep the override beside the assignment; the caller's audit event names it."""
    return AssignmentOverride.objects.create(
        case_id=case_id,
        assignee=assignee,
        overridden_by=actor.user,
        blockers=blockers,
        reason=reason[:2000],
        at=clock.now(),
    )


def assignment_suggestions(
    *,
    team_members: list[User],
    complexity: str,
    severity: str,
    consumer_id: int | None,
    language: str,
) -> list[User]:
    """People who may take the case, best first: continuity, language, lowest load."""
    facts = {u.pk: selectors.assignee_facts(user=u, consumer_id=consumer_id) for u in team_members}
    order = rules.suggestion_rank(
        facts, adding=rules.acuity_weight(complexity, severity), language=language
    )
    by_id = {u.pk: u for u in team_members}
    return [by_id[pk] for pk in order]
