"""Demo data: every case state, generated passwords, refused in production (scope 2)."""

import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from casework.cases.models import Case, CaseAssignment, CaseState, Consent, Notice
from casework.consumers.models import AdvanceDirective, Consumer, SupportPerson
from casework.coordination.models import Communication, Note, WorkItem
from casework.core.audit import audit_verify
from casework.core.models import AuditEvent, Program, Team
from casework.core.roles import Role
from casework.demo.load import DemoRefused, demo_load
from casework.staff.models import User
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@dataclass
class Loaded:
    output: str
    accounts_file: Path

    def accounts(self) -> list[tuple[str, str, str]]:
        """(username, role, password) from the accounts file."""
        lines = self.accounts_file.read_text().splitlines()
        return [tuple(line.split()) for line in lines if not line.startswith("#")]  # type: ignore[misc]


@pytest.fixture(scope="class")
def demo(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Loaded]:
    """Demo data loaded once for the tests that only read it (it takes several seconds),
    through the command, in a transaction rolled back after the last of them."""
    tmp_path = tmp_path_factory.mktemp("demo")
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        # A checkpoint file of its own: the load seals its chain, which the rollback undoes.
        checkpoints = str(tmp_path / "audit-checkpoints.log")
        with (
            override_settings(DATA_DIR=tmp_path, CASEWORK_AUDIT_CHECKPOINT_FILE=checkpoints),
            time_machine.travel(NOW, tick=False),
        ):
            # The shipped instruments, which a transactional test run earlier in this
            # process may have flushed with the other migration data.
            factories.instruments()
            call_command("demo_data", "--if-empty", stdout=out)
        yield Loaded(out.getvalue(), tmp_path / "demo-accounts.txt")
        transaction.set_rollback(True)


class TestTheLoadedDemo:
    """Facts about one loaded demo: each test only reads it."""

    def test_program_staff_and_cases_in_every_state(self, demo: Loaded) -> None:
        counts = {s: Case.objects.filter(state=s).count() for s in CaseState.values}
        assert counts == {
            "active": 20,
            "closed": 6,
            "declined": 4,
            "engaged": 8,
            "referred": 8,
            "withdrawn": 4,
        }
        # 50 with cases; 64 more came in on the hospital's ADT feed (stays seed).
        assert Consumer.objects.filter(cases__isnull=False).distinct().count() == 50
        assert Consumer.objects.filter(cases__isnull=True).count() == 64
        program = Program.objects.get()
        assert program.purpose_statement and program.complaint_contact
        assert program.after_closure_contact
        team = Team.objects.get()
        assert team.supervisor is not None and team.supervisor.username == "supervisor"
        assert team.members.filter(role=Role.CASE_MANAGER).count() == 3
        roles = sorted(User.objects.values_list("role", flat=True))
        assert roles == sorted([*Role.values, Role.CASE_MANAGER, Role.CASE_MANAGER])

    def test_passwords_generated_printed_once_and_kept_in_a_private_file(
        self, demo: Loaded
    ) -> None:
        accounts = demo.accounts()
        assert len(accounts) == 10
        passwords = [password for _, _, password in accounts]
        assert len(set(passwords)) == 10
        assert all(len(p) >= 20 for p in passwords)
        for username, role, password in accounts:
            user = User.objects.get(username=username)
            assert (user.role, user.check_password(password)) == (role, True)
            assert demo.output.count(password) == 1
        assert stat.S_IMODE(demo.accounts_file.stat().st_mode) == 0o600
        assert "Sign in at http://127.0.0.1:8000/" in demo.output

    def test_clinical_details_work_items_and_sealed_audit(self, demo: Loaded) -> None:
        spanish = Consumer.objects.filter(preferred_language="es")
        assert spanish.count() == 10
        assert spanish.filter(interpreter_needed=True).count() == 10
        assert Notice.objects.filter(language="es", interpreter_used=True).exists()
        assert SupportPerson.objects.filter(is_legal_decision_maker=True).count() == 7
        assert Consent.objects.filter(given_by="surrogate").exists()
        assert AdvanceDirective.objects.count() == 13
        assert Communication.objects.count() > 0 and Note.objects.count() > 0
        assert CaseAssignment.objects.exclude(reason="intake").count() == 1
        open_items = WorkItem.objects.filter(status="open")
        overdue = open_items.filter(due_at__lt=NOW).count()
        today = open_items.filter(due_at__gte=NOW, due_at__date=NOW.date()).count()
        later = open_items.filter(due_at__date__gt=NOW.date()).count()
        assert (overdue, today, later) == (18, 19, 19)
        result = audit_verify()
        assert (result.ok, result.unsealed, result.checked) == (True, 0, AuditEvent.objects.count())

    def test_some_active_cases_have_an_assessment_and_an_agreed_plan(self, demo: Loaded) -> None:
        from casework.assessments.models import AssessmentResponse
        from casework.careplans.models import CarePlan, PlanAgreement

        plans = CarePlan.objects.select_related("case", "current")
        assert plans.count() == 6
        assert {plan.case.state for plan in plans} == {"active"}
        assert {plan.current.number for plan in plans} == {1}  # type: ignore[union-attr]
        assert PlanAgreement.objects.count() == 6
        assert AssessmentResponse.objects.filter(case__in=[p.case for p in plans]).count() == 6

    def test_a_community_resource_directory_to_search(self, demo: Loaded) -> None:
        from casework.resources.selectors import Search, service_search

        assert [s.name for s in service_search(Search(need="BD-1800", language="es"))] == [
            "Riverside Food Pantry"
        ]
        assert [s.name for s in service_search(Search(place="Holyoke"))] == [
            "Casa Esperanza Counseling",
            "Valley Rides",
        ]
        assert service_search(Search()).count() == 7

    def test_governance_work_for_the_compliance_officer(self, demo: Loaded) -> None:
        from casework.governance.models import AccessRequest, Disclosure, LegalHold
        from casework.governance.selectors import requirements_due
        from casework.web.models import EmergencyAccess

        program = Program.objects.get()
        due = requirements_due(program_id=program.pk, today=NOW.date())
        assert [r.citation for r in due["overdue"]] == ["45 CFR 164.528"]
        assert sorted(r.citation for r in due["due"]) == [
            "42 CFR Part 2",
            "Accreditation standard CM-RR 1",
        ]
        assert LegalHold.objects.filter(released_at=None).count() == 1
        assert list(AccessRequest.objects.values_list("state", flat=True)) == ["open"]
        assert Disclosure.objects.count() == 1
        (access,) = EmergencyAccess.objects.select_related("user")
        assert (access.user.username, access.review_outcome) == ("cm.baker", "pending")


def test_refused_under_production_settings(tmp_path: Path) -> None:
    with override_settings(DATA_DIR=tmp_path, CASEWORK_PRODUCTION=True):
        with pytest.raises(DemoRefused):
            demo_load()
        with pytest.raises(CommandError, match="production"):
            call_command("demo_data")
    assert Program.objects.count() == 0
    assert User.objects.count() == 0
    assert not (tmp_path / "demo-accounts.txt").exists()


def test_if_empty_does_nothing_when_a_program_exists(tmp_path: Path) -> None:
    factories.program("real")
    out = StringIO()
    with override_settings(DATA_DIR=tmp_path):
        call_command("demo_data", "--if-empty", stdout=out)
    assert "nothing loaded" in out.getvalue()
    assert Consumer.objects.count() == 0
    assert not (tmp_path / "demo-accounts.txt").exists()


def test_without_if_empty_a_second_load_is_refused(tmp_path: Path) -> None:
    factories.program("real")
    with override_settings(DATA_DIR=tmp_path), pytest.raises(CommandError, match="already"):
        call_command("demo_data")


class TestTheDemoTransitions:
    """Each transitions situation of issue 16 is in the demo (transitions/seed.py)."""

    def test_every_transition_situation(self, demo: Loaded) -> None:
        from casework.core.models import Deadline, DeadlineState
        from casework.transitions.models import (
            CommunityReferral,
            Handoff,
            Readmission,
            TransitionPlanVersion,
        )

        assert TransitionPlanVersion.objects.count() == 2
        assert sorted(Handoff.objects.values_list("receipt_method", flat=True)) == [
            "",
            "",
            "task",
        ]
        assert Readmission.objects.filter(stay__visit_number="TC0006").count() == 1
        escalated = Deadline.objects.filter(
            kind="transition_follow_up", escalation_level=1, state=DeadlineState.OPEN
        )
        assert escalated.count() == 1
        assert sorted(CommunityReferral.objects.values_list("status", flat=True)) == [
            "accepted",
            "completed",
            "sent",
        ]

    def test_an_escalated_sequencing_barrier_awaits_its_response(self, demo: Loaded) -> None:
        from casework.core.models import Deadline
        from casework.transitions.models import SequencingBarrier

        assert list(
            SequencingBarrier.objects.order_by("description").values_list(
                "description", "state", "level"
            )
        ) == [("Cardiology consult", "resolved", 1), ("MRI of the lumbar spine", "escalated", 1)]
        waiting = SequencingBarrier.objects.get(state="escalated")
        assert list(
            Deadline.objects.filter(
                subject_type="sequencing_barrier", subject_id=waiting.pk
            ).values_list("state", "escalation_level")
        ) == [("open", 1)]


class TestTheDemoUtilizationManagement:
    """Each utilization-management situation of issue 15 is on the demo feed's stays
    (stays/seed.py `utilization_seed`)."""

    def test_reviews_referrals_notices_and_authorizations(self, demo: Loaded) -> None:
        from casework.stays.models import AdvisorReferral, MedicareNotice, StayReview
        from casework.stays.payers.models import StayAuthorization

        assert sorted(StayReview.objects.values_list("stay__visit_number", "outcome")) == [
            ("DV0000", "met"),
            ("DV0005", "met"),
            ("DV0008", "met"),
            ("DV0013", "met"),
            ("DV0016", "not_met"),
            ("DV0021", "not_met"),
        ]
        assert sorted(
            AdvisorReferral.objects.values_list("stay__visit_number", "state", "determination")
        ) == [("DV0016", "decided", "not_necessary"), ("DV0021", "open", "")]
        assert sorted(
            MedicareNotice.objects.filter(kind="im_initial").values_list(
                "stay__visit_number", "response"
            )
        ) == [("DV0000", "signed"), ("DV0008", "signed")]
        assert list(StayAuthorization.objects.values_list("stay__visit_number", "payer__name")) == [
            ("DV0001", "Medicare Advantage Gold")
        ]

    def test_avoidable_days_denials_appeals_and_an_attached_letter(self, demo: Loaded) -> None:
        from casework.stays.models import AvoidableDay, StayDocument
        from casework.stays.payers.models import StayAppeal

        assert list(AvoidableDay.objects.values_list("stay__visit_number", "reason", "days")) == [
            ("DV0013", "CP01", 2)
        ]
        assert sorted(
            StayAppeal.objects.values_list(
                "denial__stay__visit_number", "denial__state", "outcome", "overturned_amount"
            )
        ) == [
            ("DV0010", "appealing", "", None),
            ("DV0018", "overturned", "overturned", Decimal("3800.00")),
        ]
        (letter,) = StayDocument.objects.select_related("stay")
        assert (letter.stay.visit_number, letter.kind, letter.media_type) == (
            "DV0010",
            "physician_letter",
            "application/pdf",
        )
