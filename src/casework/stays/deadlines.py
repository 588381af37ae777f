"""Stay clocks as deadline rows (A-IM-1, A-IM-2, A-MOON), registered in `apps.py`.

`stay_clocks_sync` recomputes every clock of a stay from its current facts: a clock that
applies is set (or moved), one that no longer applies is waived. Every change of a stay,
and every cancel that undoes one, ends with it, so a cancelled event takes its clocks with it;
a new stay starts its clocks with `stay_clocks_start` (the same rows, nothing to look up).
"""

from datetime import UTC, datetime, time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.core.deadlines import deadline_set, deadlines_create
from casework.core.models import Deadline, DeadlineState
from casework.stays import rules
from casework.stays.hooks import stay_changed_notify
from casework.stays.models import MedicareNotice, Stay
from casework.stays.rules import StayClass, StayState

SUBJECT = "stay"


class StayDeadline(models.TextChoices):
    """Deadline kinds of this context (stored values: never change)."""

    IM_INITIAL = "stay_im_initial", _("Important Message from Medicare due")
    IM_FOLLOW_UP = "stay_im_follow_up", _("Follow-up Important Message due")
    MOON = "stay_moon", _("MOON (observation notice) due")
    REVIEW = "stay_review", _("Next utilization review due")
    ADVISOR = "stay_advisor", _("Physician advisor review due")
    UR_NOTICE = "stay_ur_notice", _("Written notice of a not-necessary determination due")


# Review and referral clocks are set by their services, not recomputed from the stay.
SERVICE_KINDS = (StayDeadline.REVIEW, StayDeadline.ADVISOR, StayDeadline.UR_NOTICE)


def facility_zone() -> rules.ZoneInfo:
    return rules.local_zone(settings.CASEWORK_FACILITY_TIME_ZONE)


def _due_now(stay: Stay, *, new: bool = False) -> dict[str, datetime]:
    """The clocks that apply to the stay now: {kind: due at}. A `new` stay has no
    notice given yet (nothing to look up)."""
    zone = facility_zone()
    due: dict[str, datetime] = {}
    if not stay.medicare or stay.state == StayState.CANCELLED:
        return due
    days = settings.CASEWORK_IM_DAYS
    if stay.inpatient_at is not None:
        due[StayDeadline.IM_INITIAL] = rules.im_initial_due(stay.inpatient_at, zone, days)
        initial = (
            None
            if new
            else (
                MedicareNotice.objects.filter(stay=stay, kind=rules.NoticeKind.IM_INITIAL)
                .order_by("delivered_at")
                .values_list("delivered_at", flat=True)
                .first()
            )
        )
        follow_up_needed = stay.expected_discharge_date is not None and (
            rules.im_follow_up_required(initial, stay.expected_discharge_date, zone, days)
        )
        if stay.state == StayState.IN_HOUSE and follow_up_needed:
            assert stay.expected_discharge_date is not None
            due[StayDeadline.IM_FOLLOW_UP] = rules.end_of_local_day(
                stay.expected_discharge_date, zone
            )
    obs_start = stay.class_since if stay.stay_class == StayClass.OBSERVATION else None
    if obs_start is not None:
        ended = stay.discharged_at if stay.state == StayState.DISCHARGED else None
        if ended is None or rules.moon_required(obs_start, ended):
            due[StayDeadline.MOON] = rules.moon_due(obs_start, ended)
    return due


def stay_clocks_start(*, stay: Stay) -> dict[str, datetime]:
    """The first clocks of a stay just inserted: it has no clock and no notice yet, so
    the clocks that apply are created in one INSERT (the same rows `stay_clocks_sync`
    would write, without its look-ups: one admission from the feed in ten messages)."""
    due = _due_now(stay, new=True)
    if due:
        deadlines_create(
            subject_type=SUBJECT,
            subject_id=stay.pk,
            owner_id=stay.reviewer_id,
            consumer_id=stay.consumer_id,
            due=due,
        )
    stay_changed_notify(stay)
    return due


def stay_clocks_sync(*, stay: Stay) -> dict[str, datetime]:
    """Set the clocks that apply; waive the open ones that no longer do."""
    due = _due_now(stay)
    owner = stay.reviewer_id
    for kind, at in due.items():
        current = Deadline.objects.filter(
            kind=kind, subject_type=SUBJECT, subject_id=stay.pk
        ).first()
        if current is not None and current.state == DeadlineState.MET:
            continue
        if current is not None and current.due_at == at and current.state != DeadlineState.WAIVED:
            continue
        deadline_set(
            kind=kind,
            subject_type=SUBJECT,
            subject_id=stay.pk,
            due_at=at,
            owner_id=owner,
            consumer_id=stay.consumer_id,
        )
    Deadline.objects.filter(
        subject_type=SUBJECT,
        subject_id=stay.pk,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
    ).exclude(kind__in=list(due)).exclude(kind__in=[k.value for k in SERVICE_KINDS]).update(
        state=DeadlineState.WAIVED
    )
    if stay.state != StayState.IN_HOUSE:
        # Out of the house: no further review is due.
        Deadline.objects.filter(
            subject_type=SUBJECT,
            subject_id=stay.pk,
            kind=StayDeadline.REVIEW,
            state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
        ).update(state=DeadlineState.WAIVED)
    stay_changed_notify(stay)
    return due


def end_of_today() -> datetime:
    from casework.core import clock

    zone = facility_zone()
    today = clock.now().astimezone(zone).date()
    return datetime.combine(today, time.max, tzinfo=zone).astimezone(UTC)
