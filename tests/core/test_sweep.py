"""The sweep: overdue work items and reminders through django.tasks, idempotently (F1)."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from casework.coordination import services as coordination
from casework.coordination.deadlines import WorkItemDeadline
from casework.coordination.models import WorkItem
from casework.coordination.tasks import work_item_overdue_notify
from casework.core.deadlines import (
    DEADLINE_KINDS,
    SweepTally,
    deadline_kind_register,
    deadline_set,
)
from casework.core.models import AuditSeal, Deadline, DeadlineState
from casework.core.sweep import SweepResult, sweep_loop, sweep_once
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OVERDUE_TASK = "casework.coordination.tasks.work_item_overdue_notify"
REMINDER_TASK = "casework.coordination.tasks.work_item_reminder_notify"


def work_item(world: World, due_at: datetime) -> WorkItem:
    with time_machine.travel(T0, tick=False):
        case = factories.active_case(world.cm)
        return coordination.work_item_create(
            actor=factories.actor(world.cm),
            case=case,
            title="Call the pharmacy",
            kind="service",
            owner=world.cm,
            due_at=due_at,
        )


def deadline_state(item: WorkItem, kind: str) -> str:
    return Deadline.objects.get(subject_type="work_item", subject_id=item.pk, kind=kind).state


def sweep_at(at: datetime) -> SweepResult:
    with time_machine.travel(at, tick=False):
        return sweep_once()


def task_paths() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_nothing_due_enqueues_nothing(world: World) -> None:
    work_item(world, T0 + timedelta(days=2))
    result = sweep_at(T0 + timedelta(hours=1))
    assert (result.overdue, result.reminders) == (0, 0)
    assert DBTaskResult.objects.count() == 0


def test_reminder_is_enqueued_and_met_at_its_time(world: World) -> None:
    item = work_item(world, T0 + timedelta(days=2))
    result = sweep_at(T0 + timedelta(days=1, minutes=1))
    assert (result.overdue, result.reminders) == (0, 1)
    assert task_paths() == [REMINDER_TASK]
    assert deadline_state(item, WorkItemDeadline.REMINDER) == DeadlineState.MET
    assert deadline_state(item, WorkItemDeadline.DUE) == DeadlineState.OPEN


def test_due_item_is_marked_breached_and_overdue_notice_enqueued(world: World) -> None:
    item = work_item(world, T0 + timedelta(days=2))
    result = sweep_at(T0 + timedelta(days=2, minutes=1))
    assert (result.overdue, result.reminders) == (1, 1)
    assert task_paths() == [OVERDUE_TASK, REMINDER_TASK]
    assert deadline_state(item, WorkItemDeadline.DUE) == DeadlineState.BREACHED
    swept = Deadline.objects.get(subject_id=item.pk, kind=WorkItemDeadline.DUE).swept_at
    assert swept == T0 + timedelta(days=2, minutes=1)


def test_second_sweep_enqueues_nothing(world: World) -> None:
    work_item(world, T0 + timedelta(days=2))
    sweep_at(T0 + timedelta(days=3))
    states_before = sorted(Deadline.objects.values_list("id", "state"))
    result = sweep_at(T0 + timedelta(days=3))
    assert (result.overdue, result.reminders) == (0, 0)
    assert DBTaskResult.objects.count() == 2
    assert sorted(Deadline.objects.values_list("id", "state")) == states_before


def test_sweep_across_time_acts_once_per_deadline(world: World) -> None:
    work_item(world, T0 + timedelta(days=2))
    sweep_at(T0 + timedelta(days=1, hours=1))
    sweep_at(T0 + timedelta(days=2, hours=1))
    sweep_at(T0 + timedelta(days=9))
    assert task_paths() == [OVERDUE_TASK, REMINDER_TASK]


def test_completed_work_item_is_not_reported_overdue(world: World) -> None:
    item = work_item(world, T0 + timedelta(days=2))
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        coordination.work_item_complete(
            actor=factories.actor(world.cm), item=item, version=item.version
        )
    result = sweep_at(T0 + timedelta(days=5))
    assert (result.overdue, result.reminders) == (0, 0)
    assert DBTaskResult.objects.count() == 0


def test_task_arguments_are_ids_only(world: World) -> None:
    item = work_item(world, T0 + timedelta(days=2))
    sweep_at(T0 + timedelta(days=3))
    due = Deadline.objects.get(subject_id=item.pk, kind=WorkItemDeadline.DUE)
    row = DBTaskResult.objects.get(task_path=OVERDUE_TASK)
    assert row.args_kwargs == {
        "args": [],
        "kwargs": {"deadline_id": due.pk, "work_item_id": item.pk, "owner_id": world.cm.pk},
    }


def test_past_due_at_creation_is_swept_on_the_next_sweep(world: World) -> None:
    work_item(world, T0 - timedelta(days=1))
    result = sweep_at(T0 + timedelta(seconds=1))
    assert (result.overdue, result.reminders) == (1, 1)


def test_sweep_seals_the_audit_chain(world: World) -> None:
    work_item(world, T0 + timedelta(days=2))
    result = sweep_at(T0 + timedelta(hours=1))
    assert result.sealed > 0
    assert AuditSeal.objects.count() == result.sealed
    assert sweep_at(T0 + timedelta(hours=1)).sealed == 0


def test_task_body_runs_with_ids(world: World) -> None:
    assert work_item_overdue_notify.call(deadline_id=1, work_item_id=2, owner_id=3) is None


def test_command_once_prints_what_it_did(world: World) -> None:
    work_item(world, T0 + timedelta(days=2))
    out = StringIO()
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        call_command("sweep", stdout=out)
        assert "1 work item(s) overdue; 1 reminder(s) enqueued" in out.getvalue()
        out = StringIO()
        call_command("sweep", stdout=out)
    assert "0 work item(s) overdue; 0 reminder(s) enqueued" in out.getvalue()
    assert DBTaskResult.objects.count() == 2


def test_command_loop_runs_the_given_number_of_sweeps(world: World) -> None:
    work_item(world, T0 + timedelta(days=2))
    out = StringIO()
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        call_command("sweep", "--loop", "--interval", "0", "--iterations", "3", stdout=out)
    assert "3 sweep(s) run" in out.getvalue()
    assert DBTaskResult.objects.count() == 2


def test_loop_survives_a_failing_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def failing(**kwargs: object) -> SweepResult:
        calls.append(1)
        raise RuntimeError("database is locked")

    monkeypatch.setattr("casework.core.sweep.sweep_once", failing)
    assert sweep_loop(interval=0, iterations=2) == 2
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_ready_tasks_run_in_the_sweeper(fresh_world: World) -> None:
    """The worker manages its own connections and transactions, so no test transaction."""
    from casework.core.sweep import tasks_run_ready

    work_item(fresh_world, T0 + timedelta(days=2))
    sweep_at(T0 + timedelta(days=3))
    tasks_run_ready()
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [
        "SUCCESSFUL",
        "SUCCESSFUL",
    ]


def test_loop_alternates_quick_and_full_sealing_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    passes: list[bool] = []

    def seal(*, full: bool = True) -> int:
        passes.append(full)
        return 0

    monkeypatch.setattr("casework.core.sweep.FULL_SEAL_EVERY", 2)
    monkeypatch.setattr("casework.core.sweep.audit_seal", seal)
    monkeypatch.setattr("casework.core.sweep.deadlines_sweep", lambda: (0, 0))
    sweep_loop(interval=0, iterations=5)
    assert passes == [True, False, True, False, True]


# ---- the deadline kind registry ----


def test_every_context_registers_its_kinds_with_their_stored_values() -> None:
    assert sorted(DEADLINE_KINDS) == [
        "abuse_oral_report",
        "abuse_written_report",
        "access_request_respond",
        "complaint_acknowledge",
        "complaint_extension_notice",
        "complaint_resolve",
        "compliance_review",
        "ethics_review",
        "goal_target",
        "incident_evaluation",
        "incident_osha_decision",
        "incident_written_opinion",
        "reassessment_due",
        "staff_ce_due",
        "staff_credential_expiry",
        "staff_reverification",
        "staff_training_due",
        "stay_advisor",
        "stay_appeal_decision",
        "stay_appeal_file",
        "stay_denial_education",
        "stay_im_follow_up",
        "stay_im_initial",
        "stay_moon",
        "stay_payer_decision",
        "stay_payer_notify",
        "stay_payer_review",
        "stay_peer_to_peer",
        "stay_review",
        "stay_ur_notice",
        "transition_follow_up",
        "transition_handoff_receipt",
        "transition_referral_stalled",
        "transition_sequencing_response",
        "transition_tcm_contact",
        "work_item_due",
        "work_item_reminder",
    ]


def test_deadline_kind_choices_come_from_the_registry() -> None:
    choices = dict(Deadline._meta.get_field("kind").choices)  # type: ignore[arg-type]
    assert sorted(choices) == sorted(DEADLINE_KINDS)
    assert str(choices["work_item_due"]) == "Work item due"


def test_an_unregistered_kind_cannot_be_set() -> None:
    with pytest.raises(ValueError, match="unknown deadline kind 'parole_due'"):
        deadline_set(
            kind="parole_due",
            subject_type="case",
            subject_id=1,
            due_at=T0,
            owner_id=None,
            consumer_id=None,
        )
    assert Deadline.objects.count() == 0


def test_a_kind_registered_twice_differently_is_refused() -> None:
    with pytest.raises(ValueError, match="'work_item_due' is already registered differently"):
        deadline_kind_register("work_item_due", "Something else")
    assert DEADLINE_KINDS["work_item_due"].tally == SweepTally.OVERDUE


def test_a_row_of_an_unknown_kind_is_left_breached_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    row = Deadline.objects.create(
        kind="retired_kind", subject_type="case", subject_id=1, due_at=T0, created_at=T0
    )
    with caplog.at_level("WARNING", logger="casework.sweep"):
        result = sweep_at(T0 + timedelta(minutes=1))
    assert (result.overdue, result.reminders) == (0, 0)
    row.refresh_from_db()
    assert row.state == DeadlineState.BREACHED
    assert caplog.messages == [f"deadline {row.pk} has unknown kind retired_kind: left breached"]
    assert DBTaskResult.objects.count() == 0
