"""Profiles, job descriptions, credentials, verification, CE and corrective actions
(MA 3.1-3.5)."""

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TypedDict, Unpack, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.deadlines import deadline_set, deadlines_close
from casework.core.documents import upload_check
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState
from casework.core.validation import validated
from casework.core.versioning import versioned_update
from casework.staff import rules, selectors
from casework.staff.models import (
    ADVERSE_STATUSES,
    ContinuingEducation,
    CorrectiveAction,
    CorrectiveStatus,
    Credential,
    JobDescription,
    ProgramStaffSettings,
    StaffProfile,
    User,
    Verification,
    VerificationOutcome,
)
from casework.staff.services._common import (
    EVIDENCE_MAX_BYTES,
    StaffDeadline,
    _at,
    _audit,
    _program,
    _same_program,
)

# --- profile, job descriptions -----------------------------------------------------------


class ProfileFields(TypedDict, total=False):
    """A person's position and experience (`staff_profile_save`)."""

    hired_date: date
    state_requires_licensure: bool
    case_manager_years: Decimal
    supervision_years: Decimal
    post_graduate_direct_care: bool
    oversight_qualified: bool
    physician: bool


PROFILE_FIELDS = tuple(ProfileFields.__annotations__)


class JobDescriptionFields(TypedDict, total=False):
    """A job description beyond its title and role (`job_description_save`)."""

    required_education: str
    required_degree_level: str
    competencies: str
    licensure: str
    requires_license: bool
    requires_case_manager_certification: bool
    scope: str


def staff_profile_save(
    *,
    actor: Actor,
    user: User,
    version: int | None = None,
    job_description: JobDescription | None = None,
    **fields: Unpack[ProfileFields],
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
            changes: dict[str, object] = {name: getattr(profile, name) for name in fields}
            if job_description is not None:
                changes["job_description"] = job_description
            versioned_update(profile, version=profile.version, changes=changes)
            action = AuditAction.UPDATE
        _audit(actor, action, "staff_profile", profile.pk, user=user.pk, fields=sorted(fields))
    return profile


def job_description_save(
    *,
    actor: Actor,
    title: str,
    role: str,
    version: int | None = None,
    **fields: Unpack[JobDescriptionFields],
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
            changes = {name: getattr(job, name) for name in ["role", *fields]}
            versioned_update(job, version=job.version, changes=changes)
            action = AuditAction.UPDATE
        _audit(actor, action, "staff_job_description", job.pk)
    return job


class RuleSettings(TypedDict, total=False):
    """A program's rule parameters (`rule_settings_save`); each must be above zero."""

    supervisor_case_manager_years: Decimal
    supervisor_supervision_years: Decimal
    reverification_years: int
    ce_hours: Decimal
    ce_window_years: int
    annual_recurrence_months: int
    attestation_months: int


RULE_SETTING_FIELDS = tuple(RuleSettings.__annotations__)


def rule_settings_save(*, actor: Actor, **fields: Unpack[RuleSettings]) -> ProgramStaffSettings:
    """Set the program's rule parameters (years, hours, intervals), which otherwise take
    the Model Act defaults. Each must be above zero. Who: staff.manage. One audit event
    naming the old and new values."""
    unknown = set(fields) - set(RULE_SETTING_FIELDS)
    if unknown:
        raise ValidationFailed({name: [_("not a rule setting")] for name in sorted(unknown)})
    values = cast(Mapping[str, Decimal | int | None], fields)  # callers may send None
    not_positive = sorted(name for name, value in values.items() if value is None or value <= 0)
    if not_positive:
        raise ValidationFailed({name: [_("must be above zero")] for name in not_positive})
    program_id = _program(actor)
    with transaction.atomic():
        row = ProgramStaffSettings.objects.select_for_update().filter(program_id=program_id).first()
        if row is None:
            row = ProgramStaffSettings(program_id=program_id)
        before = {name: str(getattr(row, name)) for name in fields}
        for name, value in fields.items():
            setattr(row, name, value)
        validated(row)
        action = AuditAction.UPDATE if row.pk else AuditAction.CREATE
        row.save()
        _audit(
            actor,
            action,
            "staff_rule_settings",
            row.pk,
            before=before,
            after={name: str(value) for name, value in fields.items()},
        )
    return row


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


class CredentialFields(TypedDict, total=False):
    """A credential beyond its kind and type (`credential_add`, `credential_update`)."""

    state: str
    number: str
    issuing_body: str
    status: str
    restricted: bool
    restrictions: str
    restriction_controls: str
    issued_date: date | None
    expires_date: date | None
    health_or_human_services: bool
    independent_assessment: bool
    advanced: bool
    clinical: bool
    case_manager_certification: bool
    clinical_specialty: bool
    board_certification: bool
    degree_level: str
    field_of_study: str
    accredited: bool
    supervised_field_experience: bool
    ce_hours_required: Decimal | None


CREDENTIAL_FIELDS = set(CredentialFields.__annotations__)


def credential_add(
    *,
    actor: Actor,
    user: User,
    kind: str,
    credential_type: str,
    **fields: Unpack[CredentialFields],
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
    *, actor: Actor, credential: Credential, version: int, **changes: Unpack[CredentialFields]
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
        written = {name: getattr(locked, name) for name in changes}
        versioned_update(locked, version=version, changes=written)
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
    """The evidence file's extension and media type (`core.documents.upload_check`: size,
    type and the whole document's structure, S37, S38)."""
    limit = int(getattr(settings, "CASEWORK_EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES))
    return upload_check(upload, field="evidence", limit=limit)


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
        versioned_update(
            action,
            version=version,
            changes={
                "status": CorrectiveStatus.RESOLVED,
                "resolution": resolution,
                "resolved_at": clock.now(),
            },
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
        # user_id: the staff member concerned, so the audit report can attribute an
        # event without an actor to their program (core.selectors.audit_event_list).
        detail={
            "credential": credential.pk,
            "deadline": deadline.pk,
            "user_id": credential.user_id,
        },
    )
    return action
