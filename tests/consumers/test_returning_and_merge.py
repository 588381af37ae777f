"""A returning consumer, a likely duplicate, and merging two records (issue 13, item 9)."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases import services as case_services
from casework.cases.models import Case, Referral
from casework.consumers import rules, services
from casework.consumers.models import Consumer, ConsumerMerge, SupportPerson
from casework.consumers.services import LikelyDuplicate
from casework.consumers.views import merge_blockers
from casework.core import clock
from casework.core.errors import RuleViolation, ValidationFailed
from casework.governance.services import legal_hold_place
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, session_client, snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db


# --- rules (no database) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("José María", "josemaria"),
        ("O'Neil-Smith", "oneilsmith"),
        ("O\u2019Neil Smith", "oneilsmith"),
        ("  ANNE-MARIE  ", "annemarie"),
        ("St. John", "stjohn"),
    ],
)
def test_a_name_is_compared_without_accents_case_or_punctuation(name: str, normal: str) -> None:
    assert rules.normalised_name(name) == normal


def test_the_same_names_swapped_are_likely_the_same_person() -> None:
    assert rules.likely_same_person("Lopez", "Maria", "maria", "LÓPEZ") is True


def test_another_given_name_is_not_likely_the_same_person() -> None:
    assert rules.likely_same_person("Mario", "Lopez", "Maria", "Lopez") is False


def test_empty_names_are_never_likely_the_same_person() -> None:
    assert rules.likely_same_person("", "", "", "") is False


# --- intake --------------------------------------------------------------------------------


def _refer(user: Any, **overrides: Any) -> Case:
    decision = overrides.pop("duplicate_decision", "")
    consumer = overrides.pop("consumer", None)
    return case_services.referral_intake(
        actor=factories.actor(user),
        source="self",
        reason="Needs help at home",
        received_at=clock.now(),
        consumer=consumer,
        new_consumer=None if consumer else factories.consumer_fields(**overrides),  # type: ignore[arg-type]
        reaches_consumer=_reach(user),
        duplicate_decision=decision,
    )


def _reach(user: Any) -> Any:
    from casework.web.access import reaches_consumer

    return reaches_consumer(factories.actor(user))


def _withdrawn(user: Any, **overrides: Any) -> Case:
    case = factories.referred_case(user, **overrides)
    return case_services.case_withdraw(
        actor=factories.actor(user), case=case, version=case.version, reason="moved away"
    )


def test_a_returning_record_number_links_the_referral_to_the_consumer(world: World) -> None:
    earlier = _withdrawn(world.cm, mrn="MRN-BACK")
    consumers, since = Consumer.objects.count(), last_event_id()

    case = _refer(world.cm, mrn="MRN-BACK", given_name="Other", family_name="Name")

    assert case.consumer_id == earlier.consumer_id
    assert Consumer.objects.count() == consumers
    assert Referral.objects.filter(consumer_id=earlier.consumer_id).count() == 2
    (event,) = events_since(since)
    assert (event.action, event.consumer_id, event.detail["returning"]) == (
        "create",
        earlier.consumer_id,
        "record_number",
    )


def test_a_likely_duplicate_is_asked_about_and_nothing_is_written(world: World) -> None:
    mine = _withdrawn(
        world.cm, given_name="José", family_name="O'Neil", birth_date=date(1950, 3, 1)
    )
    before, since = snapshot(), last_event_id()

    with pytest.raises(LikelyDuplicate) as info:
        _refer(
            world.cm,
            given_name="jose",
            family_name="ONEIL",
            birth_date=date(1950, 3, 1),
            mrn="",
        )

    assert info.value.candidates == [mine.consumer_id]
    assert list(info.value.errors) == ["duplicate_decision"]
    assert (snapshot(), events_since(since)) == (before, [])


def test_a_different_person_is_created_and_the_decision_recorded(world: World) -> None:
    mine = _withdrawn(world.cm, given_name="Ann", family_name="Lee", birth_date=date(1960, 1, 2))
    since = last_event_id()

    case = _refer(
        world.cm,
        given_name="Ann",
        family_name="Lee",
        birth_date=date(1960, 1, 2),
        duplicate_decision="different",
    )

    assert case.consumer_id != mine.consumer_id
    (event,) = events_since(since)
    assert (event.detail["duplicate_decision"], event.detail["duplicate_candidates"]) == (
        "different",
        [mine.consumer_id],
    )


def test_the_same_person_links_the_referral_and_records_the_decision(world: World) -> None:
    mine = _withdrawn(world.cm)
    since = last_event_id()

    case = _refer(world.cm, consumer=mine.consumer, duplicate_decision="same")

    assert case.consumer_id == mine.consumer_id
    (event,) = events_since(since)
    assert event.detail["duplicate_decision"] == "same"


def test_a_duplicate_out_of_reach_is_not_told_but_audited(world: World) -> None:
    theirs = factories.referred_case(
        world.cm, given_name="Kim", family_name="Park", birth_date=date(1970, 5, 5)
    )
    since = last_event_id()

    case = _refer(world.cm2, given_name="Kim", family_name="Park", birth_date=date(1970, 5, 5))

    assert case.consumer_id != theirs.consumer_id
    (event,) = events_since(since)
    assert event.detail["possible_duplicates"] == [theirs.consumer_id]
    assert "duplicate_candidates" not in event.detail


def test_a_merged_record_is_not_referred_again(world: World) -> None:
    survivor, duplicate = factories.referred_case(world.cm), _withdrawn(world.cm)
    _merge(world, survivor, duplicate)
    stale = Consumer.objects.get(pk=duplicate.consumer_id)

    with pytest.raises(ValidationFailed) as info:
        _refer(world.cm, consumer=stale)

    assert list(info.value.errors) == ["consumer"]


def test_api_a_likely_duplicate_is_a_422_naming_the_consumers(world: World) -> None:
    mine = _withdrawn(
        world.cm, given_name="Maria", family_name="Lopez", birth_date=date(1948, 5, 17)
    )
    from tests.cases.test_api import intake_body

    before = snapshot()
    response = call(session_client(world.cm), "POST", "/api/v1/referrals", intake_body())

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "duplicate_decision"]
    assert [e["msg"] for e in response.json()["detail"]][-1] == f"consumer_id {mine.consumer_id}"
    assert snapshot() == before


def test_page_a_likely_duplicate_is_offered_as_a_choice(world: World) -> None:
    mine = _withdrawn(
        world.cm, given_name="Maria", family_name="Lopez", birth_date=date(1948, 5, 17)
    )
    client = Client()
    client.force_login(world.cm)
    form = {
        "source": "self",
        "reason": "Needs help at home",
        "received_at": "2026-02-01T09:30",
        "complexity": "moderate",
        "severity": "moderate",
        "given_name": "María",
        "family_name": "Lopez",
        "birth_date": "1948-05-17",
        "sex": "female",
        "preferred_language": "en",
    }
    cases = Case.objects.count()

    asked = client.post(reverse("intake"), form)
    linked = client.post(reverse("intake"), {**form, "duplicate": f"same-{mine.consumer_id}"})

    assert asked.status_code == 200
    assert f'value="same-{mine.consumer_id}"' in asked.content.decode()
    assert linked.status_code == 302
    assert Case.objects.count() == cases + 1
    assert Case.objects.order_by("-pk").first().consumer_id == mine.consumer_id  # type: ignore[union-attr]


# --- merge ---------------------------------------------------------------------------------


def _merge(world: World, survivor: Case, duplicate: Case, **kwargs: Any) -> ConsumerMerge:
    return services.consumer_merge(
        actor=factories.actor(world.supervisor),
        survivor=Consumer.objects.get(pk=survivor.consumer_id),
        duplicate=Consumer.objects.get(pk=duplicate.consumer_id),
        reason="Same person, two records",
        blockers=kwargs.get("blockers", merge_blockers),
    )


def test_a_merge_moves_the_duplicates_records_and_is_stored(world: World) -> None:
    survivor, duplicate = factories.referred_case(world.cm), _withdrawn(world.cm)
    person = services.support_person_create(
        actor=factories.actor(world.cm),
        consumer=duplicate.consumer,
        name="Pat Doe",
        relationship="spouse",
    )
    since = last_event_id()

    merge = _merge(world, survivor, duplicate)

    assert Case.objects.get(pk=duplicate.pk).consumer_id == survivor.consumer_id
    assert Referral.objects.get(pk=duplicate.referral_id).consumer_id == survivor.consumer_id
    assert SupportPerson.objects.get(pk=person.pk).consumer_id == survivor.consumer_id
    assert Consumer.objects.get(pk=duplicate.consumer_id).merged_into_id == survivor.consumer_id
    assert merge.moved["cases.Case.consumer"] == [duplicate.pk]
    assert merge.moved["consumers.SupportPerson.consumer"] == [person.pk]
    (event,) = events_since(since)
    assert (event.action, event.consumer_id, event.object_type, event.detail["merged"]) == (
        "update",
        survivor.consumer_id,
        "consumer_merge",
        duplicate.consumer_id,
    )


def test_undoing_a_merge_restores_what_it_moved(world: World) -> None:
    survivor, duplicate = factories.referred_case(world.cm), _withdrawn(world.cm)
    merge = _merge(world, survivor, duplicate)
    later = services.support_person_create(
        actor=factories.actor(world.cm),
        consumer=survivor.consumer,
        name="Sam Roe",
        relationship="friend",
    )
    since = last_event_id()

    services.consumer_merge_undo(
        actor=factories.actor(world.supervisor), merge=merge, version=1, reason="Two people"
    )

    assert Case.objects.get(pk=duplicate.pk).consumer_id == duplicate.consumer_id
    assert Consumer.objects.get(pk=duplicate.consumer_id).merged_into_id is None
    assert SupportPerson.objects.get(pk=later.pk).consumer_id == survivor.consumer_id
    assert ConsumerMerge.objects.get().undo_reason == "Two people"
    (event,) = events_since(since)
    assert event.detail == {"merged": duplicate.consumer_id, "undone": True}


def test_undoing_twice_is_refused_and_changes_nothing(world: World) -> None:
    survivor, duplicate = factories.referred_case(world.cm), _withdrawn(world.cm)
    merge = _merge(world, survivor, duplicate)
    services.consumer_merge_undo(
        actor=factories.actor(world.supervisor), merge=merge, version=1, reason="Two people"
    )
    before, since = snapshot(), last_event_id()

    with pytest.raises(RuleViolation):
        services.consumer_merge_undo(
            actor=factories.actor(world.supervisor), merge=merge, version=2, reason="Again"
        )

    assert (snapshot(), events_since(since)) == (before, [])


def _refused_merge(world: World, survivor: Case, duplicate: Case) -> str:
    before, since = snapshot(), last_event_id()
    merges = ConsumerMerge.objects.count()
    with pytest.raises(RuleViolation) as info:
        _merge(world, survivor, duplicate)
    assert (snapshot(), events_since(since)) == (before, [])
    assert ConsumerMerge.objects.count() == merges
    assert Consumer.objects.get(pk=duplicate.consumer_id).merged_into_id is None
    return info.value.reason


def test_a_merge_under_a_legal_hold_is_refused_and_changes_nothing(world: World) -> None:
    survivor, duplicate = factories.referred_case(world.cm), _withdrawn(world.cm)
    legal_hold_place(
        actor=factories.actor(world.compliance), consumer=duplicate.consumer, reason="Litigation"
    )

    reason = _refused_merge(world, survivor, duplicate)

    assert reason.startswith("A legal hold is in force on the records of")


def test_a_merge_of_two_open_cases_is_refused_and_changes_nothing(world: World) -> None:
    survivor, duplicate = factories.referred_case(world.cm), factories.referred_case(world.cm)

    reason = _refused_merge(world, survivor, duplicate)

    assert reason == "Both records have an open case: close or withdraw one first."


def test_a_merge_of_two_legal_decision_makers_is_refused_and_changes_nothing(
    world: World,
) -> None:
    survivor, duplicate = factories.referred_case(world.cm), _withdrawn(world.cm)
    for case in (survivor, duplicate):
        services.support_person_create(
            actor=factories.actor(world.cm),
            consumer=Consumer.objects.get(pk=case.consumer_id),
            name="Guardian",
            relationship="guardian",
            is_legal_decision_maker=True,
        )

    reason = _refused_merge(world, survivor, duplicate)

    assert reason.startswith("both records hold something only one consumer may have")


def test_a_merge_without_a_reason_is_refused(world: World) -> None:
    survivor, duplicate = factories.referred_case(world.cm), _withdrawn(world.cm)

    with pytest.raises(ValidationFailed) as info:
        services.consumer_merge(
            actor=factories.actor(world.supervisor),
            survivor=survivor.consumer,
            duplicate=duplicate.consumer,
            reason="  ",
            blockers=merge_blockers,
        )

    assert info.value.errors == {"reason": ["say why these are the same person"]}
    assert ConsumerMerge.objects.count() == 0


def test_api_a_supervisor_merges_and_undoes(world: World) -> None:
    survivor, duplicate = factories.referred_case(world.cm), _withdrawn(world.cm)
    client = session_client(world.supervisor)

    merged = call(
        client,
        "POST",
        f"/api/v1/consumers/{survivor.consumer_id}/merges",
        {"duplicate_id": duplicate.consumer_id, "reason": "Same person"},
    )
    undone = call(
        client,
        "POST",
        f"/api/v1/consumers/{survivor.consumer_id}/merges/{merged.json()['id']}/undo",
        {"version": 1, "reason": "Two people"},
    )

    assert (merged.status_code, undone.status_code) == (201, 200)
    assert merged.json()["moved"]["cases.Case.consumer"] == [duplicate.pk]
    assert undone.json()["undo_reason"] == "Two people"
    assert Case.objects.get(pk=duplicate.pk).consumer_id == duplicate.consumer_id


def test_api_a_duplicate_of_another_team_is_404_and_changes_nothing(world: World) -> None:
    survivor = factories.referred_case(world.cm)
    theirs = _withdrawn(world.other_cm)
    before, since = snapshot(), last_event_id()

    response = call(
        session_client(world.supervisor),
        "POST",
        f"/api/v1/consumers/{survivor.consumer_id}/merges",
        {"duplicate_id": theirs.consumer_id, "reason": "Same person"},
    )

    assert response.status_code == 404
    assert snapshot() == before
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [("denied", None)]


def test_api_a_merge_under_a_hold_is_409_and_changes_nothing(world: World) -> None:
    survivor, duplicate = factories.referred_case(world.cm), _withdrawn(world.cm)
    legal_hold_place(
        actor=factories.actor(world.compliance), consumer=survivor.consumer, reason="Litigation"
    )
    before, since = snapshot(), last_event_id()

    response = call(
        session_client(world.supervisor),
        "POST",
        f"/api/v1/consumers/{survivor.consumer_id}/merges",
        {"duplicate_id": duplicate.consumer_id, "reason": "Same person"},
    )

    assert response.status_code == 409
    assert (snapshot(), events_since(since)) == (before, [])


def test_page_offers_the_likely_duplicate_and_merges_it(world: World) -> None:
    survivor = factories.referred_case(
        world.cm, given_name="Lee", family_name="Chan", birth_date=date(1955, 2, 2)
    )
    duplicate = _withdrawn(
        world.cm2, given_name="LEE", family_name="Chan", birth_date=date(1955, 2, 2)
    )
    client = Client()
    client.force_login(world.supervisor)
    url = reverse("consumer_merge", args=[survivor.consumer_id])

    shown = client.get(url)
    merged = client.post(url, {"duplicate_id": duplicate.consumer_id, "reason": "Same"})

    assert f'value="{duplicate.consumer_id}"' in shown.content.decode()
    assert merged.status_code == 302
    assert Consumer.objects.get(pk=duplicate.consumer_id).merged_into_id == survivor.consumer_id
