"""Bulk reassignment for supervisors (issue 13, item 11): one transaction, one audit
update per case, the picker showing each person's weighted caseload."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases import services
from casework.cases.models import Case, CaseAssignment
from casework.core.errors import ValidationFailed
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_several_cases_are_reassigned_with_one_audit_update_each(world: World) -> None:
    first, second = factories.referred_case(world.cm), factories.referred_case(world.cm)
    since = last_event_id()

    done = services.cases_reassign(
        actor=factories.actor(world.supervisor),
        cases=[first, second],
        assign_to=world.cm2,
        reason="Leave",
    )

    assert [case.pk for case in done] == [first.pk, second.pk]
    assert set(Case.objects.values_list("assigned_to_id", flat=True)) == {world.cm2.pk}
    events = events_since(since)
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("update", "case", str(first.pk)),
        ("update", "case", str(second.pk)),
    ]


def test_one_refused_case_refuses_them_all_and_changes_nothing(world: World) -> None:
    mine = factories.referred_case(world.cm)
    already = factories.referred_case(world.cm2)
    before, since = snapshot(), last_event_id()
    assignments = CaseAssignment.objects.count()

    with pytest.raises(ValidationFailed) as info:
        services.cases_reassign(
            actor=factories.actor(world.supervisor),
            cases=[mine, already],
            assign_to=world.cm2,
            reason="Leave",
        )

    assert info.value.errors == {
        "assign_to": [f"case {already.pk}: the case is already assigned to them"]
    }
    assert (snapshot(), events_since(since)) == (before, [])
    assert CaseAssignment.objects.count() == assignments


def test_a_case_manager_of_another_team_is_refused_and_nothing_changes(world: World) -> None:
    case = factories.referred_case(world.cm)
    before, since = snapshot(), last_event_id()

    with pytest.raises(ValidationFailed) as info:
        services.cases_reassign(
            actor=factories.actor(world.supervisor),
            cases=[case],
            assign_to=world.other_cm,
            reason="Leave",
        )

    assert info.value.errors == {
        "assign_to": [f"case {case.pk}: not an active case manager on your team"]
    }
    assert (snapshot(), events_since(since)) == (before, [])


def test_an_inactive_case_manager_is_refused_and_nothing_changes(world: World) -> None:
    case = factories.referred_case(world.cm)
    world.cm3.is_active = False
    world.cm3.save(update_fields=["is_active"])
    before = snapshot()

    with pytest.raises(ValidationFailed) as info:
        services.cases_reassign(
            actor=factories.actor(world.supervisor),
            cases=[case],
            assign_to=world.cm3,
            reason="Leave",
        )

    assert list(info.value.errors) == ["assign_to"]
    assert snapshot() == before


def test_no_case_chosen_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.cases_reassign(
            actor=factories.actor(world.supervisor), cases=[], assign_to=world.cm2, reason="x"
        )

    assert info.value.errors == {"cases": ["choose at least one case"]}


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_page_the_picker_shows_each_weighted_caseload(world: World) -> None:
    factories.referred_case(world.cm)
    factories.referred_case(world.cm2)

    page = _client(world.supervisor).get(reverse("cases_reassign")).content.decode()

    name = world.cm2.get_full_name()
    assert f"{name}: weighted caseload 2.50" in page
    assert f"{world.cm3.get_full_name()}: weighted caseload 0" in page


def test_page_reassigns_the_chosen_cases(world: World) -> None:
    first, second = factories.referred_case(world.cm), factories.referred_case(world.cm)

    response = _client(world.supervisor).post(
        reverse("cases_reassign"),
        {"cases": [first.pk, second.pk], "assign_to": world.cm3.pk, "reason": "Leave"},
    )

    assert response.status_code == 302
    assert set(Case.objects.values_list("assigned_to_id", flat=True)) == {world.cm3.pk}


def test_page_a_case_of_another_team_is_no_choice_and_nothing_changes(world: World) -> None:
    theirs = factories.referred_case(world.other_cm)
    before = snapshot()

    response = _client(world.supervisor).post(
        reverse("cases_reassign"),
        {"cases": [theirs.pk], "assign_to": world.cm3.pk, "reason": "Leave"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before


def test_page_a_case_manager_may_not_open_it(world: World) -> None:
    since = last_event_id()

    response = _client(world.cm).get(reverse("cases_reassign"))

    assert response.status_code == 404
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [("denied", None)]
