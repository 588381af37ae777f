"""Reads of protections (J1-J3): the program's jurisdiction table, who sees restricted
records, the lists and one record's clocks."""

from datetime import date

from django.db.models import Q, QuerySet

from casework.core.clocks import ClockUnit
from casework.core.models import Deadline
from casework.core.roles import Role
from casework.protections import equity, rules
from casework.protections.models import (
    DEFAULT_RESTRICTED_ROLES,
    AbuseReport,
    EthicsConsultation,
    Incident,
    JurisdictionRule,
    ProtectionSettings,
)


def restricted_roles(*, program_id: int | None) -> list[str]:
    """The roles the program names for its restricted records (compliance by default)."""
    row = ProtectionSettings.objects.filter(program_id=program_id or 0).first()
    roles = row.restricted_roles if row is not None else DEFAULT_RESTRICTED_ROLES
    return [r for r in roles if r in Role.values]


def restricted_q(*, user_id: int, role: str, program_id: int) -> Q:
    """Restricted records of the program that this person reaches: those they recorded,
    and all of them when their role is named. Never widened by break-glass."""
    mine = Q(program_id=program_id, recorded_by_id=user_id)
    if role in restricted_roles(program_id=program_id):
        return Q(program_id=program_id)
    return mine


def jurisdiction_rows(*, program_id: int) -> list[tuple[JurisdictionRule, rules.JurisdictionRow]]:
    return [
        (
            row,
            rules.JurisdictionRow(
                state=row.state,
                reporter_class=row.reporter_class,
                victim_class=rules.VictimClass(row.victim_class),
                setting=rules.Setting(row.setting),
                injury=rules.Injury(row.injury),
                oral_amount=row.oral_amount,
                oral_unit=ClockUnit(row.oral_unit),
                written_amount=row.written_amount,
                written_unit=ClockUnit(row.written_unit),
                agency=row.agency,
                citation=row.citation,
                note=row.note,
            ),
        )
        for row in JurisdictionRule.objects.filter(program_id=program_id).order_by("state", "pk")
    ]


def jurisdiction_table(*, program_id: int) -> QuerySet[JurisdictionRule]:
    return JurisdictionRule.objects.filter(program_id=program_id).order_by("state", "pk")


def abuse_report_list(*, reach: Q) -> QuerySet[AbuseReport]:
    return (
        AbuseReport.objects.filter(reach)
        .select_related("consumer", "rule")
        .order_by("-suspected_at", "-pk")
    )


def incident_list(*, reach: Q) -> QuerySet[Incident]:
    return Incident.objects.filter(reach).select_related("consumer").order_by("-occurred_at", "-pk")


def consultation_list(*, reach: Q) -> QuerySet[EthicsConsultation]:
    return (
        EthicsConsultation.objects.filter(reach)
        .select_related("consumer")
        .order_by("-requested_at", "-pk")
    )


def record_clocks(*, subject_type: str, subject_id: int) -> list[Deadline]:
    return list(
        Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by(
            "due_at", "pk"
        )
    )


def service_outcomes(*, program_id: int, on: date) -> list[equity.ConsumerOutcome]:
    """Every consumer of the program with the service decisions about them (J4)."""
    from casework.cases.models import Case, CaseState
    from casework.complaints.models import Complaint
    from casework.consumers.models import Consumer

    decided: dict[int, set[str]] = {}
    for consumer_id, state, activated_at in Case.objects.filter(program_id=program_id).values_list(
        "consumer_id", "state", "activated_at"
    ):
        seen = decided.setdefault(consumer_id, set())
        if activated_at is not None:
            seen.add("enrolled")
        if state == CaseState.DECLINED:
            seen.add("declined")
        if state == CaseState.CLOSED:
            seen.add("closed")
    escalated = set(
        Deadline.objects.filter(escalation_level__gt=0, consumer_id__isnull=False).values_list(
            "consumer_id", flat=True
        )
    ) | set(
        Complaint.objects.filter(program_id=program_id, expedited=True).values_list(
            "consumer_id", flat=True
        )
    )
    return [
        equity.ConsumerOutcome(
            age_band=equity.age_band_of(birth_date, on),
            sex=sex or "unknown",
            race=race or "unknown",
            ethnicity=ethnicity or "unknown",
            language=(language or "unknown").split("-")[0].lower(),
            decisions=frozenset(
                decided.get(pk, set()) | ({"escalated"} if pk in escalated else set())
            ),
        )
        for pk, birth_date, sex, race, ethnicity, language in Consumer.objects.filter(
            program_id=program_id
        ).values_list("pk", "birth_date", "sex", "race", "ethnicity", "preferred_language")
    ]
