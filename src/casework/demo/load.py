"""Demo data for `make run` (`casework demo-data`): a program, its staff and ~50 consumers
with cases in every state, built through the real services so it obeys every rule.

Each context seeds its own part (`<context>/seed.py`); this module only composes them
into one story per consumer. Refused under production settings. Demo accounts get
generated passwords, printed once and written to DATA_DIR/demo-accounts.txt (mode 0600);
there is no default password.
"""

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from casework.assessments import seed as assessments
from casework.careplans import seed as careplans
from casework.cases import seed as cases
from casework.cases.models import Case, CaseState
from casework.complaints import seed as complaints
from casework.consumers import seed as consumers
from casework.coordination import seed as coordination
from casework.core import clock
from casework.core.actor import Actor, actor_for
from casework.core.audit import audit_seal
from casework.core.models import Program
from casework.core.seed import DEMO_ACCOUNTS_FILE, program_exists, program_seed, serve_url
from casework.governance import seed as governance
from casework.protections import seed as protections
from casework.resources import seed as resources
from casework.staff import seed as staff
from casework.staff.models import User
from casework.stays import seed as stays
from casework.transitions import seed as transitions
from casework.web.access import reaches_consumer
from casework.web.break_glass import emergency_access_declare


class DemoRefused(Exception):
    """Demo data may not be loaded here (production settings, or data already exists)."""


@dataclass
class DemoAccount:
    username: str
    role: str
    password: str


@dataclass
class DemoResult:
    program: Program
    accounts: list[DemoAccount]
    accounts_file: Path
    cases_by_state: dict[str, int] = field(default_factory=dict)


def demo_exists() -> bool:
    """True when the database already holds a program (demo or real)."""
    return program_exists()


def _write_accounts(path: Path, accounts: list[DemoAccount], url: str) -> None:
    """Write the generated passwords to a file only the owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# casework demo accounts: generated passwords, shown once on the console.",
        f"# Sign in at {url}",
        *(f"{a.username:<12} {a.role:<20} {a.password}" for a in accounts),
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write("\n".join(lines) + "\n")


class _Story:
    """One consumer's story from referral to the state it should reach, told through the
    contexts' seeds as its case manager would record it."""

    def __init__(self, program: Program, managers: list[User]) -> None:
        self.program = program
        self.managers = managers
        self.now = clock.now()
        self.today_due = self.now.replace(hour=23, minute=30, second=0, microsecond=0)
        if self.today_due <= self.now:
            self.today_due = self.now + timedelta(minutes=5)

    def _due(self, i: int) -> datetime:
        """Due today, overdue or later, in turn."""
        return (
            self.today_due,
            self.now - timedelta(days=1 + i % 4),
            self.now + timedelta(days=3 + i % 10),
        )[i % 3]

    def consumer_case(self, i: int, state: str) -> None:
        cm = self.managers[i % len(self.managers)]
        actor = actor_for(cm, address="127.0.0.1")
        case = cases.referral_seed(
            actor=actor, i=i, now=self.now, new_consumer=consumers.consumer_fields_seed(i)
        )
        surrogate = consumers.support_system_seed(actor=actor, consumer_id=case.consumer_id, i=i)
        notices_at = self.now - timedelta(days=20)
        consent_at = self.now - timedelta(days=19)
        if state == CaseState.REFERRED:
            coordination.outreach_seed(actor=actor, case=case, now=self.now)
            coordination.work_item_seed(
                actor=actor,
                case=case,
                owner=actor.user,
                title="Reach the consumer to enroll",
                kind="administrative",
                due_at=self._due(i),
            )
        elif state == CaseState.WITHDRAWN:
            cases.notices_seed(actor=actor, case=case, delivered_at=notices_at, partial=True)
            cases.case_withdraw_seed(actor=actor, case=case)
        elif state == CaseState.DECLINED:
            cases.notices_seed(actor=actor, case=case, delivered_at=notices_at, partial=False)
            cases.consent_seed(
                actor=actor,
                case=case,
                surrogate=surrogate,
                decision="refused",
                decided_at=consent_at,
            )
        else:
            cases.notices_seed(actor=actor, case=case, delivered_at=notices_at, partial=False)
            case = cases.consent_seed(
                actor=actor,
                case=case,
                surrogate=surrogate,
                decision="granted",
                decided_at=consent_at,
            )
            if state == CaseState.ENGAGED:
                coordination.work_item_seed(
                    actor=actor,
                    case=case,
                    owner=cm,
                    title="Schedule the first home visit",
                    kind="service",
                    due_at=self._due(i),
                )
            else:
                self._active(actor, case, cm, i, close=state == CaseState.CLOSED)
        cases.case_state_check(case=case, state=state)

    def _active(self, actor: Actor, case: Case, cm: User, i: int, close: bool) -> None:
        case = cases.case_activate_seed(actor=actor, case=case)
        for n, title in enumerate(("Reconcile medicines with the pharmacy", "Arrange transport")):
            coordination.work_item_seed(
                actor=actor,
                case=case,
                owner=cm,
                title=title,
                kind="service",
                due_at=self._due(i + n),
            )
        coordination.care_contact_seed(
            actor=actor, case=case, occurred_at=self.now - timedelta(days=3, hours=i % 5)
        )
        if not close:
            if i % 3 == 0 and assessments.phq9_seed(actor=actor, case=case, i=i):
                careplans.first_plan_seed(actor=actor, case=case, case_manager=cm, now=self.now)
            return
        coordination.work_items_complete_seed(actor=actor, case=case)
        cases.case_close_seed(
            actor=actor,
            case=case,
            now=self.now,
            after_closure_contact=self.program.after_closure_contact,
        )


def _break_glass_seed(*, declarer: User, owner: User) -> None:
    """A declared emergency awaiting the compliance officer's review: `declarer` opens a
    consumer on `owner`'s caseload (outside their own relationship)."""
    case = (
        Case.objects.filter(assigned_to=owner, state=CaseState.ACTIVE)
        .select_related("consumer")
        .order_by("-pk")
        .first()
    )
    if case is None or not case.consumer.mrn:
        return
    actor = actor_for(declarer, address="127.0.0.1")
    emergency_access_declare(
        actor=actor,
        record_number=case.consumer.mrn,
        reason="Consumer found unresponsive at the day centre; need medicines and allergies",
        reaches=reaches_consumer(actor),
    )


def demo_load(*, url: str | None = None) -> DemoResult:
    """Load the demo program, staff and consumers; write the accounts file; seal the audit.

    Refused under production settings and when a program already exists."""
    if settings.CASEWORK_PRODUCTION:
        raise DemoRefused("demo data is never loaded under production settings")
    if demo_exists():
        raise DemoRefused("the database already holds a program; demo data needs an empty one")
    with transaction.atomic():
        program, team = program_seed()
        seeded = staff.staff_accounts_seed(program=program, team=team)
        users = {account.user.username: account.user for account in seeded}
        staff.staff_governance_seed(admin=users["admin"], people=list(users.values()))
        managers = [users["cm.alvarez"], users["cm.baker"], users["cm.chen"]]
        story = _Story(program, managers)
        counts: dict[str, int] = {}
        for i, state in enumerate(cases.DEMO_CASE_STATES):
            story.consumer_case(i, state)
            counts[state] = counts.get(state, 0) + 1
        cases.case_reassign_seed(
            supervisor=users["supervisor"], from_user=managers[2], to_user=managers[0]
        )
        complaints.complaints_seed(
            program=program, managers=managers, reviewer=users["senior"], now=story.now
        )
        protections.protections_seed(program=program, manager=managers[0], now=story.now)
        stays.hospital_seed(program=program, covering=managers[:2])
        stays.utilization_seed(
            program=program, manager=managers[0], physician=users["physician"], now=clock.now()
        )
        resources.directory_seed()
        transitions.transitions_seed(program=program, manager=managers[0], now=story.now)
        governance.governance_seed(
            program=program, officer=users["compliance"], manager=managers[0], now=story.now
        )
        _break_glass_seed(declarer=managers[1], owner=managers[0])
    accounts = [DemoAccount(a.user.username, a.user.role, a.password) for a in seeded]
    path = Path(settings.DATA_DIR) / DEMO_ACCOUNTS_FILE
    _write_accounts(path, accounts, url or serve_url())
    audit_seal()
    return DemoResult(program, accounts, path, counts)


def due_summary(now: datetime | None = None) -> str:
    """One line on the demo's work items, for the console."""
    return coordination.work_items_due_summary(now=now or clock.now())
