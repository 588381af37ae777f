"""Readiness and assignment facts for many people at once (A5, A6, S41, MA 5.1(n)):
the same answers as the one-person checks, in a number of queries that does not grow
with the number of people."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.core import clock
from casework.core.roles import Role
from casework.staff import selectors
from casework.staff.models import (
    AttestationDocument,
    AttestationKind,
    AttestationSignature,
    Credential,
    TrainingCompletion,
    User,
)
from casework.staff.selectors import Readiness
from casework.staff.services import assignment_suggestions
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _people(w: World) -> list[User]:
    return [w.cm, w.cm2, w.cm3, w.supervisor, w.senior, w.outsider_cm]


def _mixed_readiness(w: World) -> None:
    """cm: suspended license; cm2: no orientation; cm3: has not signed the revised
    confidentiality statement; only the supervisor signed the conflict-of-interest one."""
    Credential.objects.filter(user=w.cm).update(status="suspended")
    TrainingCompletion.objects.filter(user=w.cm2).delete()
    revised = AttestationDocument.objects.create(
        program=w.program,
        kind=AttestationKind.CONFIDENTIALITY,
        version=2,
        title="Confidentiality statement",
        body="Revised.",
        published_at=clock.now(),
    )
    conflict = AttestationDocument.objects.create(
        program=w.program,
        kind=AttestationKind.CONFLICT_OF_INTEREST,
        version=1,
        title="Conflict of interest",
        body="I declare my interests.",
        published_at=clock.now(),
    )
    for person in (w.cm, w.cm2, w.supervisor, w.senior):
        AttestationSignature.objects.create(user=person, document=revised, signed_at=clock.now())
    AttestationSignature.objects.create(user=w.supervisor, document=conflict, signed_at=clock.now())


def test_readiness_for_many_people_matches_the_one_person_checks(world: World) -> None:
    _mixed_readiness(world)
    people = _people(world)

    ready = selectors.readiness_for(users=people)

    assert ready == {
        world.cm.pk: Readiness(False, True, True, False),
        world.cm2.pk: Readiness(True, False, True, False),
        world.cm3.pk: Readiness(True, True, False, False),
        world.supervisor.pk: Readiness(True, True, True, True),
        world.senior.pk: Readiness(True, True, True, False),
        world.outsider_cm.pk: Readiness(True, True, True, False),
    }
    for person in people:
        assert ready[person.pk] == Readiness(
            verified_credential=selectors.has_verified_credential(user=person),
            oriented=selectors.is_oriented(user=person),
            confidentiality_signed=selectors.confidentiality_signed(user=person),
            conflict_of_interest_signed=selectors.attestation_is_current(
                user=person, kind=AttestationKind.CONFLICT_OF_INTEREST
            ),
        ), person.username


def test_assignee_facts_for_many_people_match_one_at_a_time(world: World) -> None:
    case = factories.active_case(world.cm2)
    factories.active_case(world.cm3)
    _mixed_readiness(world)
    people = _people(world)

    many = selectors.assignee_facts_for(users=people, consumer_id=case.consumer_id)

    assert many == {
        p.pk: selectors.assignee_facts(user=p, consumer_id=case.consumer_id) for p in people
    }
    assert [many[p.pk].previously_assigned for p in people] == [
        False,
        True,
        False,
        False,
        False,
        False,
    ]
    assert many[world.cm2.pk].weighted_load > 0
    assert many[world.cm.pk].weighted_load == 0


def _query_count(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


@pytest.mark.parametrize("page", ["staff_list", "staff_dashboard"])
def test_staff_pages_take_the_same_queries_for_more_people(world: World, page: str) -> None:
    client = Client()
    client.force_login(world.compliance)

    def load() -> None:
        assert client.get(reverse(page)).status_code == 200

    load()
    before = _query_count(load)
    for _ in range(5):
        factories.user(Role.CASE_MANAGER, world.program, world.team)
    after = _query_count(load)

    assert after == before


def test_assignment_suggestions_take_the_same_queries_for_a_bigger_team(world: World) -> None:
    def suggest() -> list[User]:
        team = list(User.objects.filter(team=world.team, role=Role.CASE_MANAGER).order_by("id"))
        return assignment_suggestions(
            team_members=team,
            complexity="moderate",
            severity="moderate",
            consumer_id=None,
            language="en",
        )

    before = _query_count(suggest)
    for _ in range(5):
        factories.user(Role.CASE_MANAGER, world.program, world.team)
    after = _query_count(suggest)

    assert after == before
    assert len(suggest()) == 8
