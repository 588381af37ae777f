"""Reads for cases: the facts the rules need, worklists and the timeline."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from casework.cases import rules
from casework.cases.models import (
    Case,
    CaseAssignment,
    CaseState,
    Consent,
    ConsentDecision,
    Notice,
    NoticeKind,
)
from casework.coordination.models import WorkItem, WorkItemStatus
from casework.coordination.selectors import work_item_worklist_filter
from casework.core import clock
from casework.core.deadlines import deadline_worklist
from casework.core.prepared import PreparedQuery
from casework.staff.models import User


def consent_current(*, case_id: int) -> Consent | None:
    return Consent.objects.filter(case_id=case_id).order_by("-recorded_at", "-id").first()


FACT_NOTICE_KINDS = tuple(k for k in NoticeKind.values if k != NoticeKind.CLOSURE)


def case_fact_annotations() -> dict[str, Any]:
    """What `case_facts` needs of a case, as annotations on a Case query: the current
    consent decision, which enrollment notices were given and the open work items."""
    notices = {
        f"notice_{kind}": Exists(Notice.objects.filter(case_id=OuterRef("pk"), kind=kind))
        for kind in FACT_NOTICE_KINDS
    }
    return {
        "fact_consent": Subquery(
            Consent.objects.filter(case_id=OuterRef("pk"))
            .order_by("-recorded_at", "-id")
            .values("decision")[:1]
        ),
        "fact_open_items": Coalesce(
            Subquery(
                WorkItem.objects.filter(case_id=OuterRef("pk"), status=WorkItemStatus.OPEN)
                .values("case_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        ),
        **notices,
    }


def facts_of(case: Case) -> rules.CaseFacts:
    """The facts of a case loaded with `case_fact_annotations()`."""
    return rules.CaseFacts(
        state=case.state,
        consent=case.fact_consent,  # type: ignore[attr-defined]
        notices_given=frozenset(k for k in FACT_NOTICE_KINDS if getattr(case, f"notice_{k}")),
        open_work_items=case.fact_open_items,  # type: ignore[attr-defined]
    )


_FACTS = PreparedQuery(
    lambda case_id: (
        Case.objects.filter(pk=case_id)
        .annotate(**case_fact_annotations())
        .values_list("fact_consent", "fact_open_items", *(f"notice_{k}" for k in FACT_NOTICE_KINDS))
    ),
    case_id=987_654_311,
)


def case_facts(*, case: Case) -> rules.CaseFacts:
    """What the case's state rules weigh (`cases.rules.CaseFacts`), in one query (compiled
    once: every write under a case's state rules asks it, a note's among them)."""
    found = _FACTS.rows(case_id=case.pk)
    if not found:
        raise Case.DoesNotExist("Case matching query does not exist.")
    consent, open_items, *given = found[0]
    return rules.CaseFacts(
        state=case.state,
        consent=consent,
        notices_given=frozenset(k for k, g in zip(FACT_NOTICE_KINDS, given, strict=True) if g),
        open_work_items=open_items,
    )


def case_list_for_worklist(*, user: User, team: bool, states: list[str] | None) -> QuerySet[Case]:
    """Open cases of the user (or of the teams the user supervises), with open and
    overdue work-item counts, soonest work first."""
    now = clock.now()
    # (`program_id`, not `program=user.program`: no query for the program)
    qs = Case.objects.filter(program_id=user.program_id or 0)
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


def case_for_response(*, case_id: int) -> Case:
    """A case with what its API representation names (consumer, referral, manager)."""
    return Case.objects.select_related("consumer", "referral", "assigned_to").get(pk=case_id)


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


WORKLIST_PAGE_SIZE = 25
DUE_WINDOWS = {"overdue": 0, "7": 7, "30": 30, "any": 3650}


@dataclass(frozen=True)
class Worklist:
    """One page of a worklist: rows are plain dicts of the displayed columns only."""

    cases: Sequence[Mapping[str, Any]]
    cases_total: int
    case_page: int
    case_pages: int
    items: Sequence[Mapping[str, Any]]
    items_total: int
    item_page: int
    item_pages: int
    overdue_total: int
    clocks: Sequence[Mapping[str, Any]] = ()
    """Regulatory clocks (complaints, protections) owned by the same people, running and
    due within the window (`core.deadlines.deadline_worklist`)."""


def _page_of(total: int, page: int) -> tuple[int, int, int]:
    pages = max(1, -(-total // WORKLIST_PAGE_SIZE))
    page = min(max(1, page), pages)
    return page, pages, (page - 1) * WORKLIST_PAGE_SIZE


# The worklist's sortable columns: a key (as in ?case_sort=consumer, "-consumer" for
# descending) and the order it stands for. The first of each is the default.
CASE_SORTS: dict[str, tuple[str, ...]] = {
    "priority": ("-overdue_items", "state", "opened_at"),
    "consumer": ("consumer__family_name", "consumer__given_name"),
    "state": ("state", "opened_at"),
    "open": ("open_items", "opened_at"),
    "overdue": ("overdue_items", "opened_at"),
    "manager": ("assigned_to__last_name", "assigned_to__first_name", "assigned_to__username"),
    "opened": ("opened_at",),
}
ITEM_SORTS: dict[str, tuple[str, ...]] = {
    "due": ("due_at",),
    "title": ("title", "due_at"),
    "consumer": ("case__consumer__family_name", "case__consumer__given_name", "due_at"),
    "owner": ("owner__last_name", "owner__first_name", "owner__username", "due_at"),
}


def sort_order(sorts: dict[str, tuple[str, ...]], key: str) -> tuple[str, ...]:
    """The ORDER BY of a sort key ("consumer", or "-consumer" for descending; an unknown
    key is the default), ending with the id so pages never overlap."""
    descending = key.startswith("-")
    fields = sorts.get(key.removeprefix("-")) or next(iter(sorts.values()))
    if descending:
        fields = tuple(f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in fields)
    return (*fields, "-id" if descending else "id")


def worklist_build(
    *,
    user: User,
    team: bool,
    state: str = "",
    due: str = "7",
    case_page: int = 1,
    item_page: int = 1,
    case_sort: str = "",
    item_sort: str = "",
) -> Worklist:
    """The worklist of a case manager (or of the teams a supervisor leads): open work items
    overdue first then by due date, and open cases with overdue work first; one page of
    each. Only the displayed columns are loaded (bench/worklist.py)."""
    now = clock.now()
    cases = Case.objects.filter(program_id=user.program_id or 0)
    cases = cases.filter(team__supervisor=user) if team else cases.filter(assigned_to=user)
    cases = cases.filter(state__in=[state] if state else sorted(rules.OPEN_STATES))
    open_items = Q(work_items__status="open")
    overdue = Q(work_items__status="open", work_items__due_at__lt=now)
    if due == "overdue":
        cases = cases.filter(
            Exists(WorkItem.objects.filter(case_id=OuterRef("pk"), status="open", due_at__lt=now))
        )
    cases_total = cases.count()
    c_page, c_pages, c_offset = _page_of(cases_total, case_page)
    case_rows = list(
        cases.values(
            "id",
            "state",
            "opened_at",
            "consumer__given_name",
            "consumer__family_name",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "assigned_to__username",
        )
        .annotate(
            open_items=Count("work_items", filter=open_items),
            overdue_items=Count("work_items", filter=overdue),
        )
        .order_by(*sort_order(CASE_SORTS, case_sort))[c_offset : c_offset + WORKLIST_PAGE_SIZE]
    )
    owners = (
        list(User.objects.filter(team__supervisor=user).values_list("id", flat=True))
        if team
        else [user.pk]
    )
    items = work_item_worklist_filter(
        owner_ids=owners,
        program_id=user.program_id or 0,
        due_before=now + timedelta(days=DUE_WINDOWS.get(due, 7)),
    )
    if due == "overdue":
        items = items.filter(due_at__lt=now)
    totals = items.aggregate(total=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    i_page, i_pages, i_offset = _page_of(totals["total"], item_page)
    item_rows = list(
        items.values(
            "id",
            "title",
            "due_at",
            "case_id",
            "case__consumer__given_name",
            "case__consumer__family_name",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            "version",
        ).order_by(*sort_order(ITEM_SORTS, item_sort))[i_offset : i_offset + WORKLIST_PAGE_SIZE]
    )
    clocks = deadline_worklist(
        owner_ids=owners, due_before=now + timedelta(days=DUE_WINDOWS.get(due, 7))
    )
    if due == "overdue":
        clocks = [row for row in clocks if row["due_at"] < now]
    return Worklist(
        clocks=clocks,
        cases=case_rows,
        cases_total=cases_total,
        case_page=c_page,
        case_pages=c_pages,
        items=item_rows,
        items_total=totals["total"],
        item_page=i_page,
        item_pages=i_pages,
        overdue_total=totals["overdue"],
    )


def consumers_with_open_cases(*, consumer_ids: list[int]) -> set[int]:
    """Which of the consumers have an open case."""
    return set(
        Case.objects.filter(consumer_id__in=consumer_ids, state__in=rules.OPEN_STATES)
        .values_list("consumer_id", flat=True)
        .distinct()
    )


def open_case_acuity(*, user_ids: list[int]) -> list[tuple[int, str, str]]:
    """(case manager id, complexity, severity) of every open case assigned to `user_ids`:
    what staff weighs as caseload (registered in `CasesConfig.ready`)."""
    return list(
        Case.objects.filter(
            assigned_to_id__in=user_ids, state__in=sorted(rules.OPEN_STATES)
        ).values_list("assigned_to_id", "complexity", "severity")
    )


def previous_assignees(*, user_ids: list[int], consumer_id: int) -> set[int]:
    """Which of `user_ids` have been assigned a case of the consumer before."""
    return set(
        CaseAssignment.objects.filter(
            assigned_to_id__in=user_ids, case__consumer_id=consumer_id
        ).values_list("assigned_to_id", flat=True)
    )


def case_section(*, case: Case) -> dict[str, Any]:
    """The case's own parts of the case page: its facts, notices, consents, assignments,
    the consumer's other cases, and what its state allows next (C1-C3, I1)."""
    facts = case_facts(case=case)
    consents = list(consent_history(case_id=case.pk))
    notice_labels = dict(NoticeKind.choices)
    return {
        "facts": facts,
        "notices": list(notice_list_for_case(case_id=case.pk)),
        "consents": consents,
        "consent": consents[-1] if consents else None,
        "assignments": list(
            case.assignments.select_related("assigned_to").order_by("assigned_at", "id")
        ),
        "other_cases": [
            c for c in case_list_for_consumer(consumer_id=case.consumer_id) if c.pk != case.pk
        ],
        "missing_notices": [
            (kind, notice_labels[kind]) for kind in rules.missing_enrollment_notices(facts)
        ],
        "enrollment_notices": [
            (kind, notice_labels[kind]) for kind in sorted(rules.ENROLLMENT_NOTICES)
        ],
        "clinical": rules.may_record_clinical(facts),
        "enrollment": rules.may_record_enrollment(facts),
        "may_activate": bool(rules.can_transition(facts, rules.ACTIVE)),
        "may_withdraw": rules.WITHDRAWN in rules.TRANSITIONS[case.state],
        "may_close": rules.CLOSED in rules.TRANSITIONS[case.state],
        "consent_choices": [
            d for d in ConsentDecision.values if rules.may_record_consent(facts, d)
        ],
    }
