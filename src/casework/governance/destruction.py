"""Whole-record destruction of closed cases (N4, S42): a case and everything that hangs
from it, deleted together, children first, inside the retention run's transaction.

What a case holds, and so what goes with it: its notes (each with the amendments that
correct it: a note is never left without its chain), work items, communications,
assessment responses and the needs they suggested, the plan of care with every version,
problem, goal, intervention, barrier, agreement, informed choice and progress entry, its
consents, notices and assignment history, the legal holds on it that were released, and
the deadline rows of the case, its work items and its goals. A stay that named the case
is the utilization record of its own context: it stays, no longer naming the case.
Counts are returned per kind, never content."""

from collections import Counter
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from casework.assessments.models import AssessmentResponse, Need
from casework.careplans.models import (
    CarePlan,
    CarePlanVersion,
    GoalProgress,
    InformedChoice,
    PlanAgreement,
    PlanBarrier,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
)
from casework.cases.models import Case, CaseAssignment, Consent, Notice
from casework.coordination.models import Communication, Note, WorkItem
from casework.core.deadlines import deadlines_delete
from casework.governance.models import LegalHold

# The kinds a destruction record counts, in the order they are deleted (children first).
CASE_RECORD_KINDS = (
    "plan_progress",
    "plan_agreement",
    "informed_choice",
    "plan_barrier",
    "plan_intervention",
    "plan_goal",
    "plan_problem",
    "care_plan_version",
    "care_plan",
    "need",
    "assessment_response",
    "note",
    "work_item",
    "communication",
    "consent",
    "notice",
    "case_assignment",
    "legal_hold",
    "deadline",
    "case",
)


def _notes_destroy(case_ids: list[int]) -> int:
    """The cases' notes, each amendment before the note it corrects (a chain may be
    longer than one): every round deletes the notes no remaining note amends."""
    removed = 0
    notes = Note.objects.filter(case_id__in=case_ids)
    while True:
        leaves = notes.filter(~Exists(Note.objects.filter(amends_id=OuterRef("pk"))))
        count = leaves.delete()[0]
        if not count:
            return removed
        removed += count


def case_records_destroy(*, case_ids: list[int]) -> Counter[str]:
    """Delete cases `case_ids` and everything hanging from them (module docstring); how
    many rows of each kind went. The caller has checked retention and holds and audits
    the destruction; this runs inside its transaction."""
    counts: Counter[str] = Counter()
    plans = CarePlan.objects.filter(case_id__in=case_ids)
    versions = CarePlanVersion.objects.filter(plan__in=plans)
    goal_ids = list(PlanGoal.objects.filter(plan_version__in=versions).values_list("pk", flat=True))
    work_item_ids = list(WorkItem.objects.filter(case_id__in=case_ids).values_list("pk", flat=True))
    counts["deadline"] += deadlines_delete(subject_type="plan_goal", subject_ids=goal_ids)
    counts["deadline"] += deadlines_delete(subject_type="work_item", subject_ids=work_item_ids)
    counts["deadline"] += deadlines_delete(subject_type="case", subject_ids=case_ids)
    plans.update(current=None)  # the plan points at its current version
    in_order: list[tuple[str, QuerySet[Any]]] = [
        ("plan_progress", GoalProgress.objects.filter(plan__in=plans)),
        ("plan_agreement", PlanAgreement.objects.filter(plan_version__in=versions)),
        ("informed_choice", InformedChoice.objects.filter(plan_version__in=versions)),
        ("plan_barrier", PlanBarrier.objects.filter(plan_version__in=versions)),
        ("plan_intervention", PlanIntervention.objects.filter(plan_version__in=versions)),
        ("plan_goal", PlanGoal.objects.filter(pk__in=goal_ids)),
        ("plan_problem", PlanProblem.objects.filter(plan_version__in=versions)),
        ("care_plan_version", versions),
        ("care_plan", plans),
        ("need", Need.objects.filter(case_id__in=case_ids)),
        ("assessment_response", AssessmentResponse.objects.filter(case_id__in=case_ids)),
    ]
    for kind, qs in in_order:
        counts[kind] += qs.delete()[0]
    counts["note"] += _notes_destroy(case_ids)
    in_order = [
        ("work_item", WorkItem.objects.filter(pk__in=work_item_ids)),
        ("communication", Communication.objects.filter(case_id__in=case_ids)),
        ("consent", Consent.objects.filter(case_id__in=case_ids)),
        ("notice", Notice.objects.filter(case_id__in=case_ids)),
        ("case_assignment", CaseAssignment.objects.filter(case_id__in=case_ids)),
        ("legal_hold", LegalHold.objects.filter(case_id__in=case_ids, released_at__isnull=False)),
        ("case", Case.objects.filter(pk__in=case_ids)),
    ]
    for kind, qs in in_order:
        counts[kind] += qs.delete()[0]
    return Counter({kind: n for kind, n in counts.items() if n})
