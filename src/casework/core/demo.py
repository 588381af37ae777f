"""Demo data for `make run` (`casework demo-data`): a program, its staff and ~50 consumers
with cases in every state, built through the real services so it obeys every rule.

Refused under production settings. Demo accounts get generated passwords, printed once
and written to DATA_DIR/demo-accounts.txt (mode 0600); there is no default password.
"""

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from casework.cases import services as cases
from casework.cases.models import Case, CaseState
from casework.consumers import services as consumers
from casework.consumers.models import Consumer, SupportPerson
from casework.coordination import services as coordination
from casework.core import clock
from casework.core.actor import Actor, actor_for
from casework.core.audit import audit_seal
from casework.core.models import Program, Team
from casework.core.roles import Role
from casework.staff.demo import staff_governance_seed
from casework.staff.models import User
from casework.staff.services.accounts import password_generate, staff_account_create

ACCOUNTS_FILE = "demo-accounts.txt"

GIVEN = [
    "Ana", "Ben", "Carmen", "Dev", "Elena", "Frank", "Grace", "Hector", "Irene", "Jamal",
    "Keiko", "Luis", "Maya", "Nate", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tomas",
    "Uma", "Victor", "Wendy", "Ximena", "Yusuf",
]  # fmt: skip
FAMILY = [
    "Acosta", "Brooks", "Castillo", "Dunn", "Espinoza", "Fischer", "Garza", "Holt",
    "Ibarra", "Jensen", "Kowalski", "Lopez", "Murphy", "Nguyen", "Ortega", "Price",
    "Quintero", "Reyes", "Stone", "Trujillo", "Underwood", "Vega", "Walsh", "Young", "Zamora",
]  # fmt: skip

# 50 cases: every state, most of them active.
STATES = (
    [CaseState.REFERRED] * 8
    + [CaseState.ENGAGED] * 8
    + [CaseState.ACTIVE] * 20
    + [CaseState.CLOSED] * 6
    + [CaseState.DECLINED] * 4
    + [CaseState.WITHDRAWN] * 4
)

STAFF = [
    ("supervisor", Role.SUPERVISOR, "Sam", "Rivera", "en,es"),
    ("cm.alvarez", Role.CASE_MANAGER, "Lucia", "Alvarez", "en,es"),
    ("cm.baker", Role.CASE_MANAGER, "Tom", "Baker", "en"),
    ("cm.chen", Role.CASE_MANAGER, "Mei", "Chen", "en"),
    ("senior", Role.SENIOR_CLINICAL, "Rita", "Okafor", "en"),
    ("physician", Role.PHYSICIAN_ADVISOR, "Dr. Paul", "Meyer", "en"),
    ("quality", Role.QUALITY_ANALYST, "Quentin", "Hale", "en"),
    ("compliance", Role.COMPLIANCE_OFFICER, "Carla", "Diaz", "en,es"),
    ("admin", Role.ADMINISTRATOR, "Ada", "Park", "en"),
    ("auditor", Role.AUDITOR, "Omar", "Fitch", "en"),
]


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
    return Program.objects.exists()


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


class _Builder:
    """Builds one consumer's story through the services, as its case manager would."""

    def __init__(self, program: Program, managers: list[User]) -> None:
        self.program = program
        self.managers = managers
        self.now = clock.now()
        self.today_due = self.now.replace(hour=23, minute=30, second=0, microsecond=0)
        if self.today_due <= self.now:
            self.today_due = self.now + timedelta(minutes=5)

    def consumer_case(self, i: int, state: str) -> Case:
        cm = self.managers[i % len(self.managers)]
        actor = actor_for(cm, address="127.0.0.1")
        spanish = i % 5 == 0
        received = self.now - timedelta(days=40 - (i % 30), hours=i)
        source = ("professional", "self", "family")[i % 3]
        case = cases.referral_intake(
            actor=actor,
            source=source,
            referrer_name={"professional": "Dr. Imani Cole", "family": "A family member"}.get(
                source, ""
            ),
            referrer_organization="Riverside Clinic" if source == "professional" else "",
            reason=(
                "Two admissions for heart failure in 60 days; needs help with medicines."
                if i % 2
                else "Diabetes out of control after discharge; lives alone."
            ),
            received_at=received,
            complexity=("low", "moderate", "high")[i % 3],
            new_consumer={
                "given_name": GIVEN[i % len(GIVEN)],
                "family_name": FAMILY[(i * 7) % len(FAMILY)],
                "birth_date": date(1938 + i % 50, 1 + i % 12, 1 + i % 28),
                "sex": ("female", "male")[i % 2],
                "mrn": f"DEMO{i:05d}",
                "member_id": f"M{900000 + i}",
                "preferred_language": "es" if spanish else "en",
                "interpreter_needed": spanish,
                "phone": f"555-01{i:02d}",
                "address": f"{100 + i} Main Street, Springfield",
            },
        )
        consumer = Consumer.objects.get(pk=case.consumer_id)
        surrogate = self._support_system(actor, consumer, i)
        if state == CaseState.REFERRED:
            self._referred(actor, case, i)
        elif state == CaseState.WITHDRAWN:
            self._notices(actor, case, consumer, partial=True)
            case.refresh_from_db()
            cases.case_withdraw(
                actor=actor,
                case=case,
                version=case.version,
                reason="Moved out of the service area before services began.",
            )
        elif state == CaseState.DECLINED:
            self._notices(actor, case, consumer)
            self._consent(actor, case, surrogate, decision="refused")
        else:
            self._notices(actor, case, consumer)
            self._consent(actor, case, surrogate, decision="granted")
            case.refresh_from_db()
            if state == CaseState.ENGAGED:
                self._work_item(actor, case, cm, "Schedule the first home visit", i, "service")
            else:
                self._active(actor, case, cm, i, close=state == CaseState.CLOSED)
        case.refresh_from_db()
        assert case.state == state, (case.pk, case.state, state)
        return case

    def _support_system(self, actor: Actor, consumer: Consumer, i: int) -> SupportPerson | None:
        surrogate = None
        if i % 7 == 3:
            surrogate = consumers.support_person_create(
                actor=actor,
                consumer=consumer,
                name=f"{GIVEN[(i + 5) % len(GIVEN)]} {consumer.family_name}",
                relationship="child" if i % 2 else "guardian",
                phone="555-0199",
                is_legal_decision_maker=True,
                has_power_of_attorney=True,
                is_emergency_contact=True,
            )
        elif i % 2 == 0:
            consumers.support_person_create(
                actor=actor,
                consumer=consumer,
                name=f"{GIVEN[(i + 3) % len(GIVEN)]} {FAMILY[(i + 1) % len(FAMILY)]}",
                relationship=("spouse", "friend", "sibling")[i % 3],
                phone="555-0142",
                is_emergency_contact=True,
            )
        if i % 4 == 0:
            consumers.advance_directive_create(
                actor=actor,
                consumer=consumer,
                kind=("health_care_poa", "polst", "living_will")[i % 3],
                document_date=date(2020 + i % 5, 3, 15),
                location="Copy in the consumer's kitchen drawer; scanned to the EHR.",
            )
        return surrogate

    def _notices(self, actor: Actor, case: Case, consumer: Consumer, partial: bool = False) -> None:
        kinds = ["program_purpose"] if partial else [
            "program_purpose", "complaint_process", "privacy_practices"
        ]  # fmt: skip
        for kind in kinds:
            cases.notice_record(
                actor=actor,
                case=case,
                kind=kind,
                method="in_person",
                delivered_at=self.now - timedelta(days=20),
                acknowledgement="acknowledged",
                interpreter_used=consumer.interpreter_needed,
            )

    def _consent(
        self, actor: Actor, case: Case, surrogate: SupportPerson | None, decision: str
    ) -> None:
        cases.consent_record(
            actor=actor,
            case=case,
            decision=decision,
            method="written",
            decided_at=self.now - timedelta(days=19),
            given_by="surrogate" if surrogate else "consumer",
            surrogate=surrogate,
            evidence="Signed form scanned to the record.",
        )

    def _work_item(
        self, actor: Actor, case: Case, owner: User, title: str, i: int, kind: str
    ) -> None:
        due = (
            self.today_due,
            self.now - timedelta(days=1 + i % 4),
            self.now + timedelta(days=3 + i % 10),
        )[i % 3]
        coordination.work_item_create(
            actor=actor, case=case, title=title, kind=kind, owner=owner, due_at=due
        )

    def _referred(self, actor: Actor, case: Case, i: int) -> None:
        coordination.note_create(
            actor=actor,
            case=case,
            kind="consent_attempt",
            text="Called to introduce the program; left a message, will try again.",
        )
        coordination.communication_create(
            actor=actor,
            case=case,
            channel="phone",
            direction="outbound",
            topic="enrollment",
            parties="Case manager; consumer (voicemail)",
            summary="Introduced the program and asked for a call back.",
            occurred_at=self.now - timedelta(days=2),
        )
        self._work_item(
            actor, case, actor.user, "Reach the consumer to enroll", i, "administrative"
        )

    def _active(self, actor: Actor, case: Case, cm: User, i: int, close: bool) -> None:
        cases.case_activate(actor=actor, case=case, version=case.version)
        case.refresh_from_db()
        for n, title in enumerate(("Reconcile medicines with the pharmacy", "Arrange transport")):
            self._work_item(actor, case, cm, title, i + n, "service")
        coordination.communication_create(
            actor=actor,
            case=case,
            channel="phone",
            direction="outbound",
            topic="care",
            parties="Case manager; primary care office",
            summary="Asked the clinic for the discharge medicine list; fax promised today.",
            occurred_at=self.now - timedelta(days=3, hours=i % 5),
        )
        coordination.note_create(
            actor=actor,
            case=case,
            kind="progress",
            text="Home visit: medicines reviewed, two duplicates found and reported.",
        )
        if not close:
            if i % 3 == 0:
                self._care_plan(actor, case, cm, i)
            return
        for item in case.work_items.filter(status="open"):
            coordination.work_item_complete(
                actor=actor, item=item, version=item.version, outcome="Done."
            )
        case.refresh_from_db()
        cases.case_close(
            actor=actor,
            case=case,
            version=case.version,
            reason="goals_met",
            instructions=f"If things change, call {self.program.after_closure_contact}",
            consumer_notice=cases.ClosureNotice(method="mail", delivered_at=self.now),
            provider_notices=[
                cases.ClosureNotice(
                    method="fax",
                    delivered_at=self.now,
                    recipient_type="provider",
                    recipient_name="Riverside Clinic",
                )
            ],
            summary="Medicines reconciled; follow-up visits kept for three months.",
        )

    def _care_plan(self, actor: Actor, case: Case, cm: User, i: int) -> None:
        """A PHQ-9 (moderate, no safety item), a care team and a first plan of care with
        the consumer's agreement, as the case manager would record them."""
        from casework.assessments import services as assessments
        from casework.assessments.models import Instrument
        from casework.careplans import rules as plan_rules
        from casework.careplans import services as careplans
        from casework.careplans.models import CarePlan

        phq9 = Instrument.objects.filter(code="phq9", is_current=True).first()
        if phq9 is None:  # the instruments migration was not run
            return
        scores = ["LA6570-1", "LA6569-3", "LA6570-1", "LA6570-1", "LA6569-3"]
        answers = {f"phq9_{n}": scores[(n + i) % len(scores)] for n in range(1, 9)}
        answers["phq9_9"] = "LA6568-5"
        assessments.assessment_record(
            actor=actor,
            case=case,
            instrument=phq9,
            answers=answers,
            participants="Consumer",
            language=case.consumer.preferred_language,
        )
        own = coordination.care_team_member_add(
            actor=actor, case=case, name=cm.get_full_name(), role="Case manager", user=cm
        )
        doctor = coordination.care_team_member_add(
            actor=actor,
            case=case,
            name="Dr. Priya Raman",
            role="Primary care physician",
            organization="Riverside Clinic",
            phone="555-0142",
            is_external_provider=True,
        )
        today = self.now.date()
        plan = plan_rules.PlanSpec(
            problems=(
                plan_rules.ProblemSpec(
                    key="p1", description="Depressive symptoms", priority=1, consumer_priority=1
                ),
            ),
            goals=(
                plan_rules.GoalSpec(
                    key="g1",
                    problem_key="p1",
                    description="Mood improves enough to return to the weekly walking group",
                    target_date=today + timedelta(days=90),
                    target_value="PHQ-9 below 10",
                    guideline="USPSTF 2023: screening for depression in adults",
                ),
            ),
            interventions=(
                plan_rules.InterventionSpec(
                    key="i1",
                    goal_key="g1",
                    kind="coordination",
                    description="Share the PHQ-9 with the primary care physician for review",
                    responsible_id=doctor.pk,
                    due_date=today + timedelta(days=7),
                ),
                plan_rules.InterventionSpec(
                    key="i2",
                    goal_key="g1",
                    kind="monitoring",
                    description="Repeat the PHQ-9 by phone every four weeks",
                    responsible_id=own.pk,
                    due_date=today + timedelta(days=28),
                ),
            ),
            barriers=(plan_rules.BarrierSpec(goal_key="g1", description="No transport"),),
        )
        version = careplans.care_plan_revise(
            actor=actor, case=case, plan=plan, reason="First plan of care", version=None
        )
        careplans.plan_agreement_record(
            actor=actor,
            plan=CarePlan.objects.get(pk=version.plan_id),
            plan_version=version.number,
            agreed_by=str(case.consumer),
            role="consumer",
            method="in_person",
            participants="Consumer and case manager",
            agreed_at=self.now - timedelta(hours=1),
        )


def demo_load(*, url: str = "http://127.0.0.1:8000/") -> DemoResult:
    """Load the demo program, staff and consumers; write the accounts file; seal the audit.

    Refused under production settings and when a program already exists."""
    if settings.CASEWORK_PRODUCTION:
        raise DemoRefused("demo data is never loaded under production settings")
    if demo_exists():
        raise DemoRefused("the database already holds a program; demo data needs an empty one")
    accounts: list[DemoAccount] = []
    with transaction.atomic():
        program = Program.objects.create(
            code="demo",
            name="Springfield Community Case Management (demo)",
            purpose_statement=(
                "We help adults with complex health and social needs coordinate their care "
                "across doctors, hospitals, pharmacies and community services."
            ),
            complaint_contact=(
                "Call the program office at 555-0100, write to 1 Civic Plaza, Springfield, "
                "or use the complaint form at the front desk. You will not lose services "
                "for complaining."
            ),
            after_closure_contact="the program office at 555-0100 (weekdays 8-5)",
        )
        team = Team.objects.create(program=program, name="North team")
        users: dict[str, User] = {}
        for username, role, first, last, languages in STAFF:
            password = password_generate()
            users[username] = staff_account_create(
                username=username,
                role=role,
                password=password,
                program=program,
                team=team if role in (Role.SUPERVISOR, Role.CASE_MANAGER) else None,
                first_name=first,
                last_name=last,
                languages=languages,
            )
            accounts.append(DemoAccount(username, role, password))
        team.refresh_from_db()
        staff_governance_seed(admin=users["admin"], people=list(users.values()))
        managers = [users["cm.alvarez"], users["cm.baker"], users["cm.chen"]]
        builder = _Builder(program, managers)
        counts: dict[str, int] = {}
        for i, state in enumerate(STATES):
            builder.consumer_case(i, state)
            counts[state] = counts.get(state, 0) + 1
        _reassign_one(users["supervisor"], managers)
    path = Path(settings.DATA_DIR) / ACCOUNTS_FILE
    _write_accounts(path, accounts, url)
    audit_seal()
    return DemoResult(program, accounts, path, counts)


def _reassign_one(supervisor: User, managers: list[User]) -> None:
    """A supervisor moves one active case between case managers (assignment history)."""
    case = (
        Case.objects.filter(assigned_to=managers[2], state=CaseState.ACTIVE).order_by("id").first()
    )
    if case is None:
        return
    cases.case_reassign(
        actor=actor_for(supervisor, address="127.0.0.1"),
        case=case,
        version=case.version,
        assign_to=managers[0],
        reason="Consumer prefers a Spanish-speaking case manager.",
    )


def due_summary(now: datetime | None = None) -> str:
    """One line on the demo's work items, for the console."""
    from casework.coordination.models import WorkItem

    at = now or clock.now()
    open_items = WorkItem.objects.filter(status="open")
    overdue = open_items.filter(due_at__lt=at).count()
    today = open_items.filter(due_at__gte=at, due_at__date=at.date()).count()
    return f"{open_items.count()} open work items: {overdue} overdue, {today} due today"
