"""The supervisor's and the quality analyst's dashboards (issue 13, item 19): the
charts' numbers, who may see which staff, and one audited read."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from casework.coordination.services import work_item_create
from casework.core import clock
from casework.core.models import AuditEvent
from casework.core.roles import Role
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def get(user: object) -> tuple[int, str, list[AuditEvent]]:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse("dashboard"))
    return (
        response.status_code,
        response.content.decode(),
        list(AuditEvent.objects.filter(pk__gt=before)),
    )


@pytest.fixture
def overdue(world: World) -> None:
    case = factories.active_case(world.cm)
    for days in (1, 2):
        work_item_create(
            actor=factories.actor(world.cm),
            case=case,
            title=f"Late {days}",
            kind="administrative",
            owner=world.cm,
            due_at=clock.now() - timedelta(days=days),
        )


def test_the_supervisor_sees_their_team_with_the_numbers_in_tables(
    world: World, overdue: None
) -> None:
    status, html, events = get(world.supervisor)
    assert status == 200
    assert "<h1>Team dashboard</h1>" in html
    cm = world.cm.get_full_name()
    assert f'<tr><th scope="row">{cm}</th><td>2</td></tr>' in html
    assert f'<tr><th scope="row">{world.cm2.get_full_name()}</th><td>0</td></tr>' in html
    assert world.other_cm.get_full_name() not in html  # another supervisor's team
    assert html.count('role="img"') == 3
    assert "2 overdue work items in all." in html
    assert [(e.action, e.object_type, e.detail) for e in events] == [
        ("read", "dashboard", {"scope": "team", "staff": 4})
    ]


def test_the_quality_analyst_sees_the_program(world: World, overdue: None) -> None:
    status, html, events = get(world.quality)
    assert status == 200
    assert "<h1>Quality dashboard</h1>" in html
    assert world.other_cm.get_full_name() in html
    assert world.outsider_cm.get_full_name() not in html
    # every clinical member of the program has a verified credential (the factories)
    assert "Today 100% of 8 staff" in html
    assert [e.detail for e in events] == [{"scope": "program", "staff": 8}]


@pytest.mark.parametrize(
    "role", [Role.CASE_MANAGER, Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR, Role.AUDITOR]
)
def test_other_roles_get_404_and_one_denied_event(world: World, role: str) -> None:
    status, _html, events = get(world.by_role(role))
    assert status == 404
    assert [(e.outcome, e.object_type) for e in events] == [("denied", "dashboard")]


def test_the_dashboard_is_in_the_navigation_of_those_who_may_see_it(world: World) -> None:
    client = Client()
    for user, shown in ((world.quality, True), (world.supervisor, True), (world.cm, False)):
        client.force_login(user)
        html = client.get(reverse("staff_me")).content.decode()
        assert (f'href="{reverse("dashboard")}"' in html) is shown


def test_the_dashboard_query_count_does_not_grow_with_staff(
    world: World, overdue: None, django_assert_max_num_queries: object
) -> None:
    client = Client()
    client.force_login(world.quality)
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert client.get(reverse("dashboard")).status_code == 200
