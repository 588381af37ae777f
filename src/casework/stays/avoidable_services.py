"""Writes of avoidable days (H3)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from casework.stays import avoidable_rules, rules
from casework.stays.deadlines import facility_zone
from casework.stays.models import AvoidableDay, Stay
from casework.stays.rules import StayState


@dataclass(frozen=True)
class AvoidableDayFacts:
    start_date: date
    end_date: date
    category: str
    reason: str
    responsible_party: str
    note: str = ""
    medically_ready_at: datetime | None = None


@transaction.atomic
def avoidable_day_record(*, stay: Stay, actor: Actor, facts: AvoidableDayFacts) -> AvoidableDay:
    """Record a span of avoidable days on a stay, classified by the program's taxonomy
    (the category, a reason of that category) and attributed to a responsible party.
    Refused (field errors, nothing written) for an unknown category or reason, a span
    outside the stay or overlapping another span of it. Whoever manages the stay
    (case.manage) may. Audits one create."""
    taxonomy = avoidable_rules.avoidable_taxonomy(settings.CASEWORK_STAYS_AVOIDABLE_TAXONOMY)
    errors = avoidable_rules.classification_errors(taxonomy, facts.category, facts.reason)
    if not facts.responsible_party.strip():
        errors["responsible_party"] = ["required"]
    if stay.state == StayState.CANCELLED:
        errors["stay"] = ["the stay was cancelled"]
    zone = facility_zone()
    now = clock.now()
    if facts.medically_ready_at is not None and not (
        stay.admitted_at <= facts.medically_ready_at <= (stay.discharged_at or now)
    ):
        errors["medically_ready_at"] = ["must lie within the stay"]
    # Lock the stay so two recordings of the same days cannot both pass the overlap check.
    Stay.objects.select_for_update().filter(pk=stay.pk).values_list("pk").first()
    taken = tuple(AvoidableDay.objects.filter(stay=stay).values_list("start_date", "end_date"))
    errors |= avoidable_rules.span_errors(
        avoidable_rules.SpanFacts(
            start_date=facts.start_date,
            end_date=facts.end_date,
            admitted_on=rules.local_date(stay.admitted_at, zone),
            last_on=rules.local_date(stay.discharged_at or now, zone),
            taken=taken,
        )
    )
    if errors:
        raise ValidationFailed(errors)
    row = AvoidableDay.objects.create(
        stay=stay,
        start_date=facts.start_date,
        end_date=facts.end_date,
        days=avoidable_rules.span_days(facts.start_date, facts.end_date),
        medically_ready_at=facts.medically_ready_at,
        taxonomy=taxonomy.key,
        category=facts.category,
        reason=facts.reason,
        responsible_party=facts.responsible_party.strip(),
        note=facts.note,
        unit_id=stay.unit_id,
        payer=stay.payer,
        attending=stay.attending,
        recorded_by=actor.user,
        recorded_at=now,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        consumer_id=stay.consumer_id,
        object_type="avoidable_day",
        object_id=row.pk,
        detail={"stay": stay.pk, "reason": row.reason, "days": row.days},
    )
    return row
