"""`casework screen` then `casework screen import`: selected members become referrals in
the team queue, once (issue 3 hand-off, B2)."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from casework.cases.models import Case, Referral
from casework.population.cli import main as population_main
from casework.population.handoff import selected_members
from tests.conftest import World

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "population" / "fixtures" / "claims"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("screen") / "run"
    argv = ["screen", str(FIXTURES), "--criteria", "readmission-risk", "--out", str(out)]
    assert population_main([*argv, "--window-end", "2026-06-30"]) == 0
    return out


def test_import_creates_a_referral_per_selected_member_once(world: World, run_dir: Path) -> None:
    expected = sorted(str(m["member_id"]) for m in selected_members(run_dir))
    assert expected  # the fixture selects members
    call_command("screen_import", str(run_dir), "--as", world.supervisor.username)
    cases = Case.objects.filter(referral__source="population_screening")
    assert sorted(cases.values_list("consumer__member_id", flat=True)) == expected
    assert set(cases.values_list("state", "team_id", "assigned_to_id")) == {
        ("referred", world.team.pk, None)
    }
    call_command("screen_import", str(run_dir), "--as", world.supervisor.username)
    assert Referral.objects.count() == len(expected)


def test_import_needs_a_supervisor(world: World, run_dir: Path) -> None:
    with pytest.raises(CommandError, match="--as must name an active supervisor"):
        call_command("screen_import", str(run_dir), "--as", world.cm.username)
    assert Referral.objects.count() == 0
