"""Reads for work items, communications, notes and the care team."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from casework.coordination.models import (
    CareTeamMember,
    Communication,
    Note,
    Part2Consent,
    WorkItem,
    WorkItemStatus,
)
from casework.coordination.rules import PART2_NOTICE, NoteVersion, note_versions
from casework.core.actor import Actor


def care_team_member_exists(*, user_id: int, consumer_ref: OuterRef) -> Exists:
    """Exists() of an active care-team membership of the user for the referenced consumer."""
    return Exists(
        CareTeamMember.objects.filter(consumer_id=consumer_ref, user_id=user_id, ended_at=None)
    )


def work_item_list_for_case(*, case_id: int) -> QuerySet[WorkItem]:
    return (
        WorkItem.objects.filter(case_id=case_id)
        .select_related("owner")
        .order_by("status", "due_at")
    )


def work_item_open_exists(*, case_id: int, title: str) -> bool:
    """Whether case `case_id` has an open work item of this title (a raised item is not
    raised twice)."""
    return WorkItem.objects.filter(
        case_id=case_id, status=WorkItemStatus.OPEN, title=title
    ).exists()


def work_item_overdue_counts(*, owner_ids: list[int], now: datetime) -> dict[int, int]:
    """How many open work items each owner has past their due time (every owner in
    `owner_ids`, zero included): the dashboards' "overdue work by person"."""
    counts = dict.fromkeys(owner_ids, 0)
    rows = (
        WorkItem.objects.filter(owner_id__in=owner_ids, status=WorkItemStatus.OPEN, due_at__lt=now)
        .values("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
    )
    for owner_id, n in rows:
        counts[owner_id] = n
    return counts


def work_item_list_for_worklist(
    *, owner_ids: list[int] | None, program_id: int, now: datetime, due_within_days: int = 7
) -> QuerySet[WorkItem]:
    """Open work items of the given owners (None: every owner), overdue first then by due."""
    from datetime import timedelta

    qs = WorkItem.objects.filter(status=WorkItemStatus.OPEN, case__program_id=program_id)
    if owner_ids is not None:
        qs = qs.filter(owner_id__in=owner_ids)
    return (
        qs.filter(due_at__lte=now + timedelta(days=due_within_days))
        .select_related("case__consumer", "owner")
        .order_by("due_at", "id")
    )


def work_item_worklist_filter(
    *, owner_ids: list[int], program_id: int, due_before: datetime
) -> QuerySet[WorkItem]:
    """Open work items of the owners in the program due before a time (the worklist)."""
    return WorkItem.objects.filter(
        owner_id__in=owner_ids,
        status=WorkItemStatus.OPEN,
        case__program_id=program_id,
        due_at__lte=due_before,
    )


def communication_list_for_case(*, case_id: int) -> QuerySet[Communication]:
    return (
        Communication.objects.filter(case_id=case_id)
        .select_related("recorded_by")
        .order_by("-occurred_at", "-id")
    )


def part2_visible_q(
    actor: Actor,
    *,
    consumer_ref: str = "case__consumer_id",
    author_field: str = "author_id",
    flag: str = "part2",
) -> Q:
    """The records `actor` may see (S40), for any model with a `part2` flag (`flag`: the
    path to it, e.g. through the assessment a need was suggested by): every record that is
    not a Part 2 record; a Part 2 record they wrote (`author_field`); and, outside
    break-glass, one whose consumer has an active Part 2 consent naming their role. The
    one segmentation rule of notes, assessments and what they suggested alike, applied
    inside the list's own query: no query more."""
    visible = Q(**{flag: False}) | Q(**{author_field: actor.user.pk})
    if actor.break_glass:
        return visible
    covered = Part2Consent.objects.filter(
        consumer_id=OuterRef(consumer_ref), role=actor.role, revoked_at=None
    )
    return visible | Q(Exists(covered))


def note_versions_signed_between(
    *, consumer_id: int, program_id: int, start: datetime, end: datetime, within: Q
) -> list[NoteVersion]:
    """The notes of the consumer's cases in the program (those `within` lets through: the
    reader's relationship) first signed from `start` to `end`, oldest first, each in its
    latest version (`rules.note_versions`). One query, with the authors."""
    notes = list(
        Note.objects.filter(
            within,
            case__consumer_id=consumer_id,
            case__program_id=program_id,
            signed_at__gte=start,
        )
        .select_related("author")
        .order_by("signed_at", "pk")
    )
    return note_versions(notes, start, end)


def note_of_case(*, case_id: int, note_id: int, actor: Actor) -> Note | None:
    """Note `note_id` if it belongs to case `case_id` and `actor` may see it."""
    return Note.objects.filter(part2_visible_q(actor), pk=note_id, case_id=case_id).first()


def note_list_for_case(*, case_id: int, actor: Actor) -> QuerySet[Note]:
    """The case's notes `actor` may see (Part 2 records only as `part2_visible_q` says),
    newest first, each with `amended_by_id`: the amendment that corrects it, if any (the
    original is kept and shown as amended)."""
    return (
        Note.objects.filter(part2_visible_q(actor), case_id=case_id)
        .select_related("author", "amends")
        .annotate(
            amended_by_id=Subquery(Note.objects.filter(amends=OuterRef("pk")).values("pk")[:1])
        )
        .order_by("-signed_at", "-id")
    )


def part2_consent_scopes(*, consumer_id: int, role: str) -> list[str]:
    """The scope of each active Part 2 consent of the consumer naming `role`: disclosed
    with every Part 2 record (42 CFR 2.32)."""
    return list(
        Part2Consent.objects.filter(consumer_id=consumer_id, role=role, revoked_at=None)
        .order_by("pk")
        .values_list("scope", flat=True)
    )


def part2_consent_for_payer(*, consumer_id: int, payer: str) -> Part2Consent | None:
    """The consumer's active Part 2 consent naming `payer` (as a stay names it, ignoring
    case and surrounding blanks), if any: it lets their Part 2 notes into an appeal packet
    to that payer. None for an empty payer."""
    payer = (payer or "").strip()
    if not payer:
        return None
    return (
        Part2Consent.objects.filter(consumer_id=consumer_id, payer__iexact=payer, revoked_at=None)
        .order_by("pk")
        .first()
    )


def care_team_for_consumer(*, consumer_id: int) -> QuerySet[CareTeamMember]:
    return CareTeamMember.objects.filter(consumer_id=consumer_id, ended_at=None).order_by("name")


def care_team_membership_of(*, consumer_id: int, user_id: int) -> CareTeamMember | None:
    """The staff member's current membership of the consumer's care team, if any."""
    return CareTeamMember.objects.filter(
        consumer_id=consumer_id, user_id=user_id, ended_at=None
    ).first()


def external_providers_exist(*, consumer_id: int) -> bool:
    return CareTeamMember.objects.filter(
        Q(consumer_id=consumer_id), Q(ended_at=None), Q(is_external_provider=True)
    ).exists()


def case_section(*, case_id: int, consumer_id: int, now: datetime, actor: Actor) -> dict[str, Any]:
    """Work items (each marked overdue or not), communications, notes and the care team,
    as the case page shows them (F1-F3)."""
    work_items = list(work_item_list_for_case(case_id=case_id))
    for item in work_items:
        item.is_overdue = item.status == WorkItemStatus.OPEN and item.due_at < now  # type: ignore[attr-defined]
    return {
        "work_items": work_items,
        "open_work_items": sum(1 for i in work_items if i.status == WorkItemStatus.OPEN),
        "communications": list(communication_list_for_case(case_id=case_id)),
        "notes": list(note_list_for_case(case_id=case_id, actor=actor)),
        "part2_notice": PART2_NOTICE,
        "care_team": list(care_team_for_consumer(consumer_id=consumer_id)),
    }
