"""Reads for cases: the facts the rules need, worklists and the timeline."""

from django.db.models import Count, Q, QuerySet

from casework.cases import rules
from casework.cases.models import Case, CaseState, Consent, Notice, NoticeKind
from casework.coordination.selectors import work_item_open_count
from casework.staff.models import User


def consent_current(*, case_id: int) -> Consent | None:
    return Consent.objects.filter(case_id=case_id).order_by("-recorded_at", "-id").first()


def case_facts(*, case: Case) -> rules.CaseFacts:
    consent = consent_current(case_id=case.pk)
    kinds = (
        Notice.objects.filter(case_id=case.pk)
        .exclude(kind=NoticeKind.CLOSURE)
        .values_list("kind", flat=True)
    )
    return rules.CaseFacts(
        state=case.state,
        consent=consent.decision if consent else None,
        notices_given=frozenset(kinds),
        open_work_items=work_item_open_count(case_id=case.pk),
    )


def case_list_for_worklist(*, user: User, team: bool, states: list[str] | None) -> QuerySet[Case]:
    """Open cases of the user (or of the teams the user supervises), with open and
    overdue work-item counts, soonest work first."""
    from casework.core import clock

    now = clock.now()
    qs = Case.objects.filter(program=user.program)
    qs = qs.filter(team__supervisor_id=user.pk) if team else qs.filter(assigned_to_id=user.pk)
    qs = qs.filter(state__in=states or sorted(rules.OPEN_STATES))
    return (
        qs.select_related("consumer", "assigned_to")
        .annotate(
            open_items=Count("work_items", filter=Q(work_items__status="open")),
            overdue_items=Count(
                "work_items", filter=Q(work_items__status="open", work_items__due_at__lt=now)
            ),
        )
        .order_by("-overdue_items", "state", "opened_at", "id")
    )


def notice_list_for_case(*, case_id: int) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(case_id=case_id)
        .select_related("recorded_by")
        .order_by("delivered_at", "id")
    )


def consent_history(*, case_id: int) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(case_id=case_id)
        .select_related("surrogate")
        .order_by("recorded_at", "id")
    )


def case_list_for_consumer(*, consumer_id: int) -> QuerySet[Case]:
    return (
        Case.objects.filter(consumer_id=consumer_id)
        .select_related("assigned_to")
        .order_by("-opened_at")
    )


STATE_LABELS = dict(CaseState.choices)
