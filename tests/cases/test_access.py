"""Role and relationship access (S3, S4): reach, 404 elsewhere, one audit event each way."""

import pytest
from django.http import Http404

from casework.coordination.models import CareTeamMember
from casework.coordination.services import work_item_create
from casework.core import clock
from casework.core.models import AuditEvent
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.web.access import access_case, access_consumer, access_work_item
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

# role → can read a consumer of `world.cm`'s caseload (team A, program main)
READ_REACH = {
    Role.CASE_MANAGER: True,  # world.cm: own caseload
    Role.SUPERVISOR: True,  # world.supervisor: team A
    Role.SENIOR_CLINICAL: True,
    Role.PHYSICIAN_ADVISOR: True,
    Role.QUALITY_ANALYST: True,
    Role.COMPLIANCE_OFFICER: True,
    Role.ADMINISTRATOR: False,
    Role.AUDITOR: True,
}
MANAGE_REACH = {role: role in (Role.CASE_MANAGER, Role.SUPERVISOR) for role in READ_REACH}


@pytest.mark.parametrize("role", sorted(READ_REACH))
def test_read_by_role(world: World, role: str) -> None:
    case = factories.referred_case(world.cm)
    AuditEvent.objects.all()  # intake already audited
    before = AuditEvent.objects.count()
    act = factories.actor(world.by_role(role))
    if READ_REACH[role]:
        assert access_case(act, case.pk).pk == case.pk
        event = AuditEvent.objects.latest("id")
        assert (event.action, event.outcome, event.consumer_id) == (
            "read",
            "success",
            case.consumer_id,
        )
    else:
        with pytest.raises(Http404):
            access_case(act, case.pk)
        event = AuditEvent.objects.latest("id")
        assert (event.action, event.outcome, event.consumer_id) == ("read", "denied", None)
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.parametrize("role", sorted(MANAGE_REACH))
def test_manage_by_role(world: World, role: str) -> None:
    case = factories.referred_case(world.cm)
    act = factories.actor(world.by_role(role))
    if MANAGE_REACH[role]:
        access_case(act, case.pk, permission=Permission.CASE_MANAGE, log_read=False)
    else:
        with pytest.raises(Http404):
            access_case(act, case.pk, permission=Permission.CASE_MANAGE, log_read=False)


def test_other_caseload_is_404_and_audited(world: World) -> None:
    case = factories.referred_case(world.cm)
    before = AuditEvent.objects.count()
    with pytest.raises(Http404):
        access_consumer(factories.actor(world.cm2), case.consumer_id)
    denied = AuditEvent.objects.get(outcome="denied")
    assert (denied.actor_id, denied.object_type, denied.object_id) == (
        world.cm2.pk,
        "consumer",
        str(case.consumer_id),
    )
    assert AuditEvent.objects.count() == before + 1


def test_other_teams_supervisor_is_404(world: World) -> None:
    case = factories.referred_case(world.cm)
    with pytest.raises(Http404):
        access_case(factories.actor(world.other_supervisor), case.pk)


def test_other_program_is_404_even_for_program_roles(world: World) -> None:
    case = factories.referred_case(world.outsider_cm)
    with pytest.raises(Http404):
        access_case(factories.actor(world.auditor), case.pk)


def test_missing_and_forbidden_look_the_same(world: World) -> None:
    case = factories.referred_case(world.cm)
    with pytest.raises(Http404) as missing:
        access_case(factories.actor(world.cm2), 999999)
    with pytest.raises(Http404) as forbidden:
        access_case(factories.actor(world.cm2), case.pk)
    assert str(missing.value) == str(forbidden.value)


def test_care_team_membership_grants_access(world: World) -> None:
    case = factories.referred_case(world.cm)
    CareTeamMember.objects.create(
        consumer=case.consumer,
        user=world.cm3,
        name="Covering CM",
        role="Case manager",
        started_at=clock.now(),
    )
    assert access_case(factories.actor(world.cm3), case.pk).pk == case.pk


def test_ended_care_team_membership_does_not(world: World) -> None:
    case = factories.referred_case(world.cm)
    CareTeamMember.objects.create(
        consumer=case.consumer,
        user=world.cm3,
        name="Covering CM",
        role="Case manager",
        started_at=clock.now(),
        ended_at=clock.now(),
    )
    with pytest.raises(Http404):
        access_case(factories.actor(world.cm3), case.pk)


def test_inactive_user_reaches_nothing(world: World) -> None:
    case = factories.referred_case(world.cm)
    world.cm.is_active = False
    world.cm.save()
    with pytest.raises(Http404):
        access_case(factories.actor(world.cm), case.pk)


def test_work_item_access_follows_the_case(world: World) -> None:
    case = factories.active_case(world.cm)
    item = work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Call",
        kind="service",
        owner=world.cm,
        due_at=clock.now(),
    )
    assert access_work_item(factories.actor(world.supervisor), item.pk).pk == item.pk
    with pytest.raises(Http404):
        access_work_item(factories.actor(world.cm2), item.pk)
