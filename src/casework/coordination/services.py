"""Writes for work items, communications and notes (F1, F3). One audit event each.

Clinical records need active consent (C1, S39): service work items, communications
about care and notes other than the consent attempt. Enrollment records (administrative
work items, enrollment communications, consent-attempt notes) only need an open case.
"""

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.cases import rules
from casework.cases.models import Case
from casework.cases.selectors import case_facts
from casework.coordination.deadlines import work_item_deadlines_set
from casework.coordination.models import (
    CareTeamKind,
    CareTeamMember,
    Communication,
    CommunicationTopic,
    Note,
    NoteKind,
    Part2Consent,
    WorkItem,
    WorkItemKind,
    WorkItemStatus,
)
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.deadlines import deadlines_close
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, DeadlineState
from casework.core.roles import Role
from casework.core.validation import validated
from casework.core.versioning import versioned_update
from casework.staff.models import User


def _gate(case: Case, *, clinical: bool) -> None:
    facts = case_facts(case=case)
    decision = rules.may_record_clinical(facts) if clinical else rules.may_record_enrollment(facts)
    if not decision:
        raise RuleViolation(decision.reason)


def _check_owner(case: Case, owner: User) -> None:
    if not owner.is_active or owner.program_id != case.program_id:
        raise ValidationFailed.single("owner", _("not an active staff member of this program"))


def work_item_create(
    *,
    actor: Actor,
    case: Case,
    title: str,
    kind: str,
    owner: User,
    due_at: datetime,
    description: str = "",
) -> WorkItem:
    """Create a work item with an owner and due date; its due date and reminder become
    deadline rows. Service work items need active consent. Who: case.manage."""
    _check_owner(case, owner)
    with transaction.atomic():
        _gate(case, clinical=kind == WorkItemKind.SERVICE)
        item = validated(
            WorkItem(
                case=case,
                title=title,
                description=description,
                kind=kind,
                owner=owner,
                due_at=due_at,
                created_by=actor.user,
                created_at=clock.now(),
            )
        )
        item.save()
        work_item_deadlines_set(
            work_item_id=item.pk,
            due_at=due_at,
            owner_id=owner.pk,
            consumer_id=case.consumer_id,
            new=True,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=case.consumer_id,
            object_type="work_item",
            object_id=item.pk,
        )
    return item


def _update_open(item: WorkItem, version: int, changes: Mapping[str, object]) -> None:
    """Write `changes` if the item is still open at `version` (S43: stale → 409)."""
    versioned_update(
        item,
        version=version,
        changes=changes,
        where=Q(status=WorkItemStatus.OPEN),
        refused=RuleViolation(_("only open work items can be changed")),
    )


def _finish(actor: Actor, item: WorkItem, version: int, status: str, outcome: str) -> WorkItem:
    with transaction.atomic():
        if item.status != WorkItemStatus.OPEN:
            raise RuleViolation(_("the work item is already %(s)s") % {"s": item.status})
        _update_open(
            item, version, {"status": status, "outcome": outcome, "completed_at": clock.now()}
        )
        deadlines_close(
            subject_type="work_item",
            subject_id=item.pk,
            state=DeadlineState.MET if status == WorkItemStatus.COMPLETED else DeadlineState.WAIVED,
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=item.case.consumer_id,
            object_type="work_item",
            object_id=item.pk,
            detail={"status": status},
        )
    return item


def work_item_complete(
    *, actor: Actor, item: WorkItem, version: int, outcome: str = ""
) -> WorkItem:
    """Mark an open work item completed. Who: case.manage."""
    return _finish(actor, item, version, WorkItemStatus.COMPLETED, outcome)


def work_item_cancel(*, actor: Actor, item: WorkItem, version: int, reason: str) -> WorkItem:
    """Cancel an open work item; a reason is required (a case closes only when every
    work item is completed or cancelled with a reason). Who: case.manage."""
    if not reason.strip():
        raise ValidationFailed.single("reason", _("say why the work item is cancelled"))
    return _finish(actor, item, version, WorkItemStatus.CANCELLED, reason)


def work_item_update(
    *,
    actor: Actor,
    item: WorkItem,
    version: int,
    title: str | None = None,
    due_at: datetime | None = None,
    owner: User | None = None,
    description: str | None = None,
) -> WorkItem:
    """Change an open work item's title, description, due date or owner (S43: stale
    version refused). Who: case.manage."""
    if item.status != WorkItemStatus.OPEN:
        raise RuleViolation(_("only open work items can be changed"))
    if owner is not None:
        _check_owner(item.case, owner)
    changes: dict[str, object] = {}
    for name, value in (
        ("title", title),
        ("due_at", due_at),
        ("owner", owner),
        ("description", description),
    ):
        if value is not None:
            setattr(item, name, value)
            changes[name] = value
    if not changes:
        raise ValidationFailed.single("__all__", _("nothing to change"))
    validated(item)
    with transaction.atomic():
        _update_open(item, version, changes)
        if "due_at" in changes or "owner" in changes:
            work_item_deadlines_set(
                work_item_id=item.pk,
                due_at=item.due_at,
                owner_id=item.owner_id,
                consumer_id=item.case.consumer_id,
            )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=item.case.consumer_id,
            object_type="work_item",
            object_id=item.pk,
            detail={"fields": sorted(changes)},
        )
    return item


def work_items_end_with_case(*, case: Case, reason: str) -> int:
    """Cancel every open work item of a case that has just ended without closure (declined
    or withdrawn), with `reason` as the outcome, and waive their deadlines: nothing is left
    on a worklist for a case no one may act on. Called inside the act that ended the case,
    which audits it (with the count)."""
    ids = list(
        WorkItem.objects.filter(case=case, status=WorkItemStatus.OPEN).values_list("id", flat=True)
    )
    for item in WorkItem.objects.filter(pk__in=ids):
        versioned_update(
            item,
            version=item.version,
            changes={
                "status": WorkItemStatus.CANCELLED,
                "outcome": reason,
                "completed_at": clock.now(),
            },
        )
        deadlines_close(subject_type="work_item", subject_id=item.pk, state=DeadlineState.WAIVED)
    return len(ids)


def work_items_transfer(*, case: Case, from_user_id: int | None, to_user: User) -> int:
    """Move the previous assignee's open work items on a case to the new one (called
    inside case_reassign, which audits the act)."""
    if from_user_id is None:
        return 0
    items = WorkItem.objects.filter(case=case, owner_id=from_user_id, status=WorkItemStatus.OPEN)
    ids = list(items.values_list("id", flat=True))
    for item in WorkItem.objects.filter(pk__in=ids):
        versioned_update(item, version=item.version, changes={"owner": to_user})
        work_item_deadlines_set(
            work_item_id=item.pk,
            due_at=item.due_at,
            owner_id=to_user.pk,
            consumer_id=case.consumer_id,
        )
    return len(ids)


CASE_MANAGER_ROLE = "Case manager"


def care_team_case_manager_join(*, case: Case, user: User) -> int | None:
    """Put the case's newly assigned case manager on the consumer's care team (F2), so
    the plan's "responsible party" offers them from the start; nothing when they are on
    it already. Called inside the assignment (intake, reassignment), which audits the act
    and names the membership. Returns the new membership's id."""
    if CareTeamMember.objects.filter(
        consumer_id=case.consumer_id, user=user, ended_at=None
    ).exists():
        return None
    member = validated(
        CareTeamMember(
            consumer_id=case.consumer_id,
            user=user,
            name=user.get_full_name() or user.username,
            role=CASE_MANAGER_ROLE,
            kind=CareTeamKind.STAFF,
            started_at=clock.now(),
        ),
        exclude=["consumer"],  # the case's own consumer: no need to look it up again
    )
    member.save()
    return member.pk


def care_team_handover(
    *, case: Case, from_user_id: int | None, keep_as_role: str = ""
) -> tuple[int, int | None]:
    """End the previous assignee's care-team memberships for the case's consumer (their
    relationship ends with the case: membership grants access). With `keep_as_role` the
    supervisor keeps them on the care team in that other role: one new membership.
    Called inside case_reassign, which validates the role and audits the act. Returns
    how many memberships ended and the kept membership's id."""
    if from_user_id is None:
        return 0, None
    now = clock.now()
    ended = CareTeamMember.objects.filter(
        consumer_id=case.consumer_id, user_id=from_user_id, ended_at=None
    ).update(ended_at=now)
    if not keep_as_role:
        return ended, None
    user = User.objects.get(pk=from_user_id)
    kept = validated(
        CareTeamMember(
            consumer_id=case.consumer_id,
            user=user,
            name=user.get_full_name() or user.username,
            role=keep_as_role,
            kind=CareTeamKind.STAFF,
            started_at=now,
        )
    )
    kept.save()
    return ended, kept.pk


def communication_create(
    *,
    actor: Actor,
    case: Case,
    channel: str,
    direction: str,
    topic: str,
    parties: str,
    summary: str,
    occurred_at: datetime,
) -> Communication:
    """Log a communication (F3, N5). About care: needs active consent. Who: record.note."""
    if occurred_at > clock.now():
        raise ValidationFailed.single("occurred_at", _("a communication cannot be in the future"))
    with transaction.atomic():
        _gate(case, clinical=topic == CommunicationTopic.CARE)
        communication = validated(
            Communication(
                case=case,
                channel=channel,
                direction=direction,
                topic=topic,
                parties=parties,
                summary=summary,
                occurred_at=occurred_at,
                recorded_by=actor.user,
                recorded_at=clock.now(),
            )
        )
        communication.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=case.consumer_id,
            object_type="communication",
            object_id=communication.pk,
        )
    return communication


def note_create(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    text: str,
    amends: Note | None = None,
    part2: bool = False,
    amendment_reason: str = "",
) -> Note:
    """Write and sign a case note. A correction is a new note that amends an earlier one:
    signed notes are never edited, and the original stays shown as amended. Only the
    note's author amends it, once (a later correction amends the amendment), keeping its
    kind and its Part 2 label and saying why. `part2` labels a substance-use-disorder
    record (42 CFR Part 2, S40). Notes other than the consent attempt need active consent.
    Who: record.note. Audits one create."""
    amendment_reason = amendment_reason.strip()
    if amends is not None:
        _check_amendment(actor=actor, case=case, kind=kind, text=text, amends=amends)
        if not amendment_reason:
            raise ValidationFailed.single("amendment_reason", _("say why the note is amended"))
    elif amendment_reason:
        raise ValidationFailed.single(
            "amendment_reason", _("only an amendment of a note has a reason")
        )
    with transaction.atomic():
        _gate(case, clinical=kind != NoteKind.CONSENT_ATTEMPT)
        if amends is not None and Note.objects.filter(amends=amends).exists():
            raise ValidationFailed.single(
                "amends", _("this note has been amended already: amend the latest version")
            )
        note = validated(
            Note(
                case=case,
                kind=kind,
                text=text,
                author=actor.user,
                signed_at=clock.now(),
                amends=amends,
                part2=part2 or (amends is not None and amends.part2),
                amendment_reason=amendment_reason,
            )
        )
        note.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=case.consumer_id,
            object_type="note",
            object_id=note.pk,
            detail={
                **({"amends": amends.pk} if amends else {}),
                **({"part2": True} if note.part2 else {}),
            },
        )
    return note


def _check_amendment(*, actor: Actor, case: Case, kind: str, text: str, amends: Note) -> None:
    if amends.case_id != case.pk:
        raise ValidationFailed.single("amends", _("the amended note belongs to another case"))
    if amends.author_id != actor.user.pk:
        raise ValidationFailed.single(
            "amends", _("only the note's author amends it: write a new note instead")
        )
    if kind != amends.kind:
        raise ValidationFailed.single(
            "kind", _("an amendment keeps the kind of the note it amends")
        )
    if text.strip() == amends.text.strip():
        raise ValidationFailed.single("text", _("the amendment does not change the note"))


def work_item_raise(
    *,
    case: Case,
    title: str,
    owner: User,
    created_by: User,
    due_at: datetime,
    description: str = "",
) -> WorkItem:
    """A service work item raised by another act (an urgent screen, a monitoring trigger,
    the sweep): the caller audits that act, and the item and its deadline rows are
    written in the caller's transaction. No consent gate: the caller has applied it, or
    the item is about acting on a risk already recorded."""
    item = validated(
        WorkItem(
            case=case,
            title=title[:200],
            description=description,
            kind=WorkItemKind.SERVICE,
            owner=owner,
            due_at=due_at,
            created_by=created_by,
            created_at=clock.now(),
        )
    )
    item.save()
    work_item_deadlines_set(
        work_item_id=item.pk,
        due_at=due_at,
        owner_id=owner.pk,
        consumer_id=case.consumer_id,
        new=True,
    )
    return item


def care_team_member_add(
    *,
    actor: Actor,
    case: Case,
    name: str = "",
    role: str,
    kind: str = "",
    user: User | None = None,
    organization: str = "",
    phone: str = "",
    email: str = "",
    is_external_provider: bool = False,
) -> CareTeamMember:
    """Add a member to the consumer's care team (F2): a staff member of the program (which
    grants them access; named from their account), an outside provider, a caregiver or
    family member, or other support. Without `kind` it follows `user` and
    `is_external_provider`. Needs active consent. Who: case.manage. Audits one create."""
    if not kind:
        kind = (
            CareTeamKind.STAFF
            if user is not None
            else CareTeamKind.PROVIDER
            if is_external_provider
            else CareTeamKind.OTHER
        )
    if kind not in CareTeamKind.values:
        raise ValidationFailed.single("kind", _("not a choice"))
    if kind == CareTeamKind.STAFF and user is None:
        raise ValidationFailed.single("user", _("choose the staff member"))
    if kind != CareTeamKind.STAFF and user is not None:
        raise ValidationFailed.single("user", _("only our staff are linked to an account"))
    if user is not None and (not user.is_active or user.program_id != case.program_id):
        raise ValidationFailed.single("user", _("not an active staff member of this program"))
    name = name.strip() or (user.get_full_name() or user.username if user is not None else "")
    with transaction.atomic():
        _gate(case, clinical=True)
        member = validated(
            CareTeamMember(
                consumer_id=case.consumer_id,
                user=user,
                name=name,
                role=role,
                organization=organization,
                phone=phone,
                email=email,
                kind=kind,
                is_external_provider=kind == CareTeamKind.PROVIDER,
                started_at=clock.now(),
            )
        )
        member.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=case.consumer_id,
            object_type="care_team_member",
            object_id=member.pk,
        )
    return member


def _part2_recipient_errors(role: str, payer: str) -> dict[str, list[str]]:
    if role and payer:
        return {"payer": [_("name a role or a payer, not both")]}
    if not role and not payer:
        return {"role": [_("choose a staff role or name a payer")]}
    if role and role not in Role.values:
        return {"role": [_("choose a staff role")]}
    return {}


def part2_consent_grant(
    *, actor: Actor, case: Case, scope: str, role: str = "", payer: str = ""
) -> Part2Consent:
    """Record the consumer's written Part 2 consent (42 CFR 2.31) naming one recipient:
    `role` (from then on that role sees the consumer's Part 2 records within its
    relationship) or `payer` (the consumer's Part 2 notes go into the appeal packets of
    their stays with that payer, matched as the stay names it, ignoring case). Who:
    case.manage over the case. Refused (nothing written) for an unknown role, for both or
    neither recipient, without a scope, or when an active consent already names the
    recipient. Audits one create."""
    scope, role, payer = (scope or "").strip(), (role or "").strip(), (payer or "").strip()
    errors = _part2_recipient_errors(role, payer)
    if not scope:
        errors["scope"] = [_("say what may be disclosed, to whom and for what purpose")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if Part2Consent.objects.filter(
            consumer_id=case.consumer_id, role=role, payer__iexact=payer, revoked_at=None
        ).exists():
            raise RuleViolation(
                _("an active Part 2 consent already names this role")
                if role
                else _("an active Part 2 consent already names this payer")
            )
        consent = Part2Consent.objects.create(
            consumer_id=case.consumer_id,
            role=role,
            payer=payer,
            scope=scope,
            granted_at=clock.now(),
            recorded_by=actor.user,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=case.consumer_id,
            object_type="part2_consent",
            object_id=consent.pk,
            detail={"role": role} if role else {"payer": payer},
        )
    return consent


def part2_consent_revoke(
    *, actor: Actor, case: Case, role: str = "", payer: str = ""
) -> Part2Consent:
    """Revoke the consumer's active Part 2 consent naming `role` or `payer`. Who:
    case.manage. Refused when none is active. Audits one update."""
    role, payer = (role or "").strip(), (payer or "").strip()
    errors = _part2_recipient_errors(role, payer)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        consent = Part2Consent.objects.filter(
            consumer_id=case.consumer_id, role=role, payer__iexact=payer, revoked_at=None
        ).first()
        if consent is None:
            raise RuleViolation(
                _("no active Part 2 consent names this role")
                if role
                else _("no active Part 2 consent names this payer")
            )
        consent.revoked_at = clock.now()
        consent.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=case.consumer_id,
            object_type="part2_consent",
            object_id=consent.pk,
            detail={
                **({"role": consent.role} if consent.role else {"payer": consent.payer}),
                "revoked": True,
            },
        )
    return consent
