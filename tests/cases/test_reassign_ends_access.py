"""Reassignment ends the previous case manager's relationship (issue 12, defect 3).

Before, the previous case manager stayed on the care team as "Case manager" and could
still close or withdraw the case. Now every write route, on the pages and the API, is
404 for them, with nothing changed and one denied event; a supervisor may keep them on
the care team in another role, recorded and audited.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from casework.cases import rules
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.coordination.models import CareTeamKind, CareTeamMember
from casework.core.errors import ValidationFailed
from casework.core.models import AuditEvent, AuditOutcome
from tests import factories
from tests.api_helpers import call, events_since, fill, last_event_id, snapshot, token_client
from tests.conftest import World
from tests.routes import page_routes
from tests.test_api_authz_matrix import MATRIX, ROUTES, _allowed
from tests.web.test_every_route_refuses import _records

pytestmark = pytest.mark.django_db


def _on_care_team(world: World, case: Case) -> None:
    """The case manager is on the care team as "Case manager" (as the demo and the plan
    pages put them)."""
    if not CareTeamMember.objects.filter(consumer_id=case.consumer_id, user=world.cm).exists():
        CareTeamMember.objects.create(
            consumer_id=case.consumer_id,
            user=world.cm,
            name="Former CM",
            role="Case manager",
            kind=CareTeamKind.STAFF,
            started_at=case.opened_at,
        )


def _reassign_away(world: World, case: Case, keep_as: str = "") -> Case:
    """The supervisor gives the case, whose case manager is on its care team, to cm2."""
    case.refresh_from_db()
    _on_care_team(world, case)
    return case_services.case_reassign(
        actor=factories.actor(world.supervisor),
        case=case,
        version=case.version,
        assign_to=world.cm2,
        reason="leave",
        keep_on_care_team_as=keep_as,
    )


def test_reassignment_ends_the_previous_managers_care_team_membership(world: World) -> None:
    case = factories.active_case(world.cm)

    _reassign_away(world, case)

    assert (
        list(
            CareTeamMember.objects.filter(
                consumer_id=case.consumer_id, user=world.cm, ended_at=None
            ).values_list("role", flat=True)
        )
        == []
    )
    event = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).latest("pk")
    assert event.actor_id == world.supervisor.pk
    assert event.detail["care_team_ended"] == 1
    assert (event.detail["kept_on_care_team_as"], event.detail["kept_membership"]) == ("", None)


def test_a_supervisor_may_keep_them_in_another_role_recorded_and_audited(
    world: World,
) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()

    _reassign_away(world, case, keep_as="Behavioral health liaison")

    kept = CareTeamMember.objects.get(consumer_id=case.consumer_id, user=world.cm, ended_at=None)
    assert (kept.role, kept.kind) == ("Behavioral health liaison", CareTeamKind.STAFF)
    events = events_since(since)
    assert [(e.action, e.object_type) for e in events] == [("update", "case")]
    assert events[0].detail["kept_on_care_team_as"] == "Behavioral health liaison"
    assert events[0].detail["kept_membership"] == kept.pk


@pytest.mark.parametrize("role", ["Case manager", "case-manager", " CASE  MANAGER (covering)"])
def test_they_cannot_be_kept_as_case_manager(world: World, role: str) -> None:
    case = factories.active_case(world.cm)
    _on_care_team(world, case)
    before, since = snapshot(), last_event_id()

    with pytest.raises(ValidationFailed) as refused:
        _reassign_away(world, case, keep_as=role)

    assert refused.value.errors == {
        "keep_on_care_team_as": ["choose a role other than case manager"]
    }
    assert snapshot() == before
    assert events_since(since) == []


def test_names_case_manager_rule() -> None:
    assert rules.names_case_manager("Case Manager")
    assert rules.names_case_manager("case-manager")
    assert not rules.names_case_manager("Care coordinator")


# --- every write route, pages --------------------------------------------------------------

PAGE_WRITES = [
    p
    for p in page_routes()
    if isinstance(p, URLPattern)
    and set(p.pattern.converters)  # type: ignore[attr-defined]
    & {"case_id", "consumer_id", "work_item_id", "need_id", "response_id"}
]


@pytest.mark.parametrize("route", PAGE_WRITES, ids=lambda r: r.name)
def test_previous_manager_gets_404_on_every_page_write(world: World, route: URLPattern) -> None:
    values: dict[str, Any] = _records(world, world.cm)
    _reassign_away(world, Case.objects.get(pk=values["case_id"]))
    client = Client()
    client.force_login(world.cm)
    before, since = snapshot(), last_event_id()

    names = route.pattern.converters  # type: ignore[attr-defined]
    url = reverse(route.name or "", kwargs={n: values[n] for n in names})
    response = client.post(url, {"reason": "closing", "version": 99})

    events = events_since(since)
    assert snapshot() == before
    if response.status_code == 405:  # a read-only page: no write to refuse
        assert events == []
        return
    assert response.status_code == 404, response.content[:300]
    assert [(e.outcome, e.actor_id, e.consumer_id) for e in events] == [
        (AuditOutcome.DENIED, world.cm.pk, None)
    ]


# --- every write route, API ------------------------------------------------------------------

API_WRITES = [
    r
    for r in ROUTES
    if r[0] != "GET"
    and MATRIX[r].object_route
    and MATRIX[r].permission is not None
    and _allowed("case_manager", MATRIX[r])
    # A referral names a consumer (whose earlier case the manager closed), not the case
    # that was reassigned: nothing to reassign.
    and r != ("POST", "/api/v1/referrals")
    # A restricted record (abuse report, incident, ethics consultation) is reached by the
    # person who recorded it and the roles the program names, not through the case.
    and not MATRIX[r].restricted
]


def test_the_api_write_routes_are_many() -> None:
    assert len(API_WRITES) >= 20
    assert ("POST", "/api/v1/cases/{case_id}/close") in API_WRITES
    assert ("POST", "/api/v1/cases/{case_id}/withdraw") in API_WRITES


@pytest.mark.parametrize("route", API_WRITES, ids=lambda r: f"{r[0]} {r[1]}")
def test_previous_manager_gets_404_on_every_api_write(world: World, route: tuple[str, str]) -> None:
    method, template = route
    target = MATRIX[route].setup(world)
    cases = Case.objects.filter(assigned_to=world.cm, state__in=rules.OPEN_STATES)
    assert cases.exists(), "the route's target has no open case of the case manager"
    for case in cases:
        _reassign_away(world, case)
    client = token_client(world.cm)
    before, since = snapshot(), last_event_id()

    response = call(client, method, fill(template, target.params), target.body)

    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not Found"}
    assert snapshot() == before
    assert [(e.outcome, e.actor_id, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, world.cm.pk, None)
    ]
