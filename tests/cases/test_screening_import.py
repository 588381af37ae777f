"""Population-screening hand-off (B2): referrals created once per member and window."""

import pytest

from casework.cases.models import Case, Referral
from casework.cases.services import ScreenedMember, referrals_import_from_screening
from casework.consumers.models import Consumer
from casework.core.models import AuditEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def member(member_id: str, window: str = "2026-01-01") -> ScreenedMember:
    return ScreenedMember(
        key=f"screen:{member_id}:{window}:2026-06-30",
        member_id=member_id,
        given_name="Rosa",
        family_name="Diaz",
        birth_date="1948-03-02",
        sex="female",
        language="es",
        tier="high",
        reasons=[{"rule": "lace_high", "value": 12}],
        criteria_id="readmission-risk",
        criteria_version="2026.1",
        window_start=window,
        window_end="2026-06-30",
    )


def test_import_creates_unassigned_referrals_in_the_team_queue(world: World) -> None:
    result = referrals_import_from_screening(
        actor=factories.actor(world.supervisor), members=[member("M1"), member("M2")]
    )
    assert (result.created, result.already_present, result.skipped_open_case) == (2, 0, 0)
    case = Case.objects.get(consumer__member_id="M1")
    assert (case.state, case.assigned_to_id, case.team_id) == ("referred", None, world.team.pk)
    referral = case.referral
    assert referral.source == "population_screening"
    assert referral.detail["tier"] == "high"
    assert referral.detail["reasons"] == [{"rule": "lace_high", "value": 12}]
    assert Consumer.objects.get(member_id="M1").preferred_language == "es"
    assert AuditEvent.objects.filter(action="create", object_type="case").count() == 2


def test_rerunning_the_import_creates_nothing(world: World) -> None:
    actor = factories.actor(world.supervisor)
    referrals_import_from_screening(actor=actor, members=[member("M1")])
    events = AuditEvent.objects.count()
    again = referrals_import_from_screening(actor=actor, members=[member("M1")])
    assert (again.created, again.already_present) == (0, 1)
    assert (Referral.objects.count(), Case.objects.count()) == (1, 1)
    assert AuditEvent.objects.count() == events


def test_member_with_an_open_case_is_skipped(world: World) -> None:
    actor = factories.actor(world.supervisor)
    referrals_import_from_screening(actor=actor, members=[member("M1", "2026-01-01")])
    later = referrals_import_from_screening(actor=actor, members=[member("M1", "2026-07-01")])
    assert (later.created, later.skipped_open_case) == (0, 1)
    assert Consumer.objects.filter(member_id="M1").count() == 1
