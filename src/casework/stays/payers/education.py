"""Denial prevention education (H4): denials of one reason category for one attending
physician or one unit that reach the program's threshold within the window open one
education item, owned by the program's physician advisor (the first active one by name),
with a deadline row on the owner's worklist. Checked when a denial is recorded, in its
transaction; marked done with a note. About no consumer."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.clocks import ClockRule, ClockUnit
from casework.core.deadlines import clock_start, deadlines_finish, program_calendar
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline
from casework.core.roles import Role
from casework.core.versioning import versioned_update
from casework.staff.selectors import active_staff
from casework.stays.payers.deadlines import EDUCATION, PayerDeadline
from casework.stays.payers.models import (
    DenialEducation,
    EducationState,
    EducationTarget,
    StayDenial,
)


def _targets(denial: StayDenial) -> list[tuple[str, str]]:
    out = []
    if denial.attending:
        out.append((EducationTarget.ATTENDING.value, f"attending:{denial.attending}"))
    if denial.unit_id is not None:
        out.append((EducationTarget.UNIT.value, f"unit:{denial.unit_id}"))
    return out


def education_check(*, denial: StayDenial) -> list[DenialEducation]:
    """Open (or add this denial to) the education items its attending and unit reach.
    The window is the `CASEWORK_STAYS_DENIAL_EDUCATION_DAYS` days ending on the denial's
    received date (the item keeps the first counted denial's date as its start); an open
    item for the same target and category takes the denial instead of a second item, and
    denials a done item counted are not counted again. Returns the items opened or added to."""
    if not denial.reason_category:
        return []
    program_id = denial.stay.program_id
    days = settings.CASEWORK_STAYS_DENIAL_EDUCATION_DAYS
    start = denial.received_date - timedelta(days=days - 1)
    touched = []
    for kind, target in _targets(denial):
        same = StayDenial.objects.filter(
            stay__program_id=program_id,
            reason_category=denial.reason_category,
            received_date__gte=start,
            received_date__lte=denial.received_date,
        )
        if kind == EducationTarget.UNIT:
            same = same.filter(unit=denial.unit)
        else:
            same = same.filter(attending=denial.attending)
        item = _open_item(program_id, target, denial.reason_category)
        if item is not None:
            if not item.denials.filter(pk=denial.pk).exists():
                item.denials.add(denial)
                item.denial_count = item.denials.count()
                item.window_end = max(item.window_end, denial.received_date)
                item.save(update_fields=["denial_count", "window_end"])
            touched.append(item)
            continue
        # Denials an earlier (done) item counted are not counted again.
        counted = DenialEducation.denials.through.objects.filter(
            denialeducation__program_id=program_id,
            denialeducation__target=target,
            denialeducation__reason_category=denial.reason_category,
        ).values("staydenial_id")
        rows = list(same.exclude(pk__in=counted).order_by("pk").values_list("pk", "received_date"))
        if len(rows) < settings.CASEWORK_STAYS_DENIAL_EDUCATION_COUNT:
            continue
        first = min(received for _pk, received in rows)
        created = _create(denial, kind, target, first, [pk for pk, _r in rows])
        if created is not None:
            touched.append(created)
    return touched


def _open_item(program_id: int, target: str, category: str) -> DenialEducation | None:
    return (
        DenialEducation.objects.select_for_update()
        .filter(
            program_id=program_id,
            target=target,
            reason_category=category,
            state=EducationState.OPEN,
        )
        .first()
    )


def _create(
    denial: StayDenial, kind: str, target: str, start: date, ids: list[int]
) -> DenialEducation | None:
    program_id = denial.stay.program_id
    owner = active_staff(program_id=program_id, roles=(Role.PHYSICIAN_ADVISOR,)).first()
    now = clock.now()
    try:
        with transaction.atomic():
            item = DenialEducation.objects.create(
                program_id=program_id,
                target_kind=kind,
                target=target,
                unit_id=denial.unit_id if kind == EducationTarget.UNIT else None,
                attending=denial.attending if kind == EducationTarget.ATTENDING else "",
                reason_category=denial.reason_category,
                window_start=start,
                window_end=denial.received_date,
                denial_count=len(ids),
                opened_at=now,
                owner=owner,
            )
    except IntegrityError:
        # Recorded at the same moment by another request: that one opened it.
        return _open_item(program_id, target, denial.reason_category)
    item.denials.add(*ids)
    clock_start(
        kind=PayerDeadline.EDUCATION,
        subject_type=EDUCATION,
        subject_id=item.pk,
        rule=ClockRule(
            code="denial_education",
            amount=settings.CASEWORK_STAYS_DENIAL_EDUCATION_DUE_DAYS,
            unit=ClockUnit.CALENDAR_DAYS,
        ),
        calendar=program_calendar(program_id=program_id),
        started_at=now,
        owner_id=owner.pk if owner is not None else None,
        consumer_id=None,
    )
    # No event of its own: the denial's `create` event is the request's one event.
    return item


def education_done(
    *, actor: Actor, item: DenialEducation, version: int, note: str
) -> DenialEducation:
    """Mark an open education item done with a note (what was taught, to whom); its
    deadline row finishes. Refused (409) once done. Audits one update."""
    if not note.strip():
        raise ValidationFailed({"note": [_("say what was done")]})
    if item.state != EducationState.OPEN:
        raise RuleViolation(_("this education item is already done"))
    with transaction.atomic():
        item = versioned_update(
            item,
            version=version,
            changes={
                "state": EducationState.DONE,
                "done_at": clock.now(),
                "done_by": actor.user,
                "note": note.strip(),
            },
            where=Q(state=EducationState.OPEN),
            refused=RuleViolation(_("this education item is already done")),
        )
        deadlines_finish(
            Deadline.objects.filter(
                kind=PayerDeadline.EDUCATION, subject_type=EDUCATION, subject_id=item.pk
            )
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=None,
            object_type=EDUCATION,
            object_id=item.pk,
            detail={"state": EducationState.DONE.value},
        )
    return item


def education_list(*, program_id: int, state: str = EducationState.OPEN) -> list[DenialEducation]:
    """The program's education items in `state`, oldest opened first, with their unit
    and owner."""
    return list(
        DenialEducation.objects.filter(program_id=program_id, state=state)
        .select_related("unit", "owner", "done_by")
        .order_by("opened_at", "pk")
    )


def education_of_program(*, program_id: int, education_id: int) -> DenialEducation | None:
    return (
        DenialEducation.objects.filter(program_id=program_id, pk=education_id)
        .select_related("unit", "owner", "done_by")
        .first()
    )
