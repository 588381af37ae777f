"""Queries compiled once (core.prepared): the token lookup and the audit insert that every
API request runs, with the same results as the ORM calls they replace."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.db.models.signals import pre_save
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from casework.cases.models import Case
from casework.core import audit
from casework.core.audit import audit_record
from casework.core.models import AuditEvent, Program, Team
from casework.core.prepared import PreparedInsert, PreparedLoad, PreparedQuery, PreparedUpdate
from casework.core.tokens import token_issue, token_verify
from tests import factories
from tests.conftest import World


def test_token_verify_is_one_query_and_brings_the_user_and_team(
    world: World, django_assert_num_queries: Any
) -> None:
    _, raw = token_issue(user=world.cm, name="EHR bridge")
    token_verify(raw)  # records last_used_at (one update a minute)

    with django_assert_num_queries(1):
        user = token_verify(raw)
        assert user is not None
        assert user.team is not None
        assert (user.team.pk, user.team.name) == (world.team.pk, "Team A")

    assert user.pk == world.cm.pk
    assert model_to_dict(user) == model_to_dict(type(user).objects.get(pk=world.cm.pk))
    assert user._state.adding is False


def test_token_verify_of_a_user_without_a_team(world: World) -> None:
    _, raw = token_issue(user=world.admin, name="Console")

    user = token_verify(raw)

    assert user is not None
    assert (user.pk, user.team_id, user.team) == (world.admin.pk, None, None)


def test_audit_record_is_one_insert_and_returns_the_stored_row(
    world: World, django_assert_num_queries: Any
) -> None:
    """The id comes first (the event's own MAC covers it): on SQLite one more statement
    (an in-process read), on PostgreSQL from a block of ids reserved in one round trip."""
    actor = factories.actor(world.cm)
    audit._ID_BLOCKS._free.clear()
    audit_record(actor=actor, action="read")  # reserves a block on PostgreSQL

    with django_assert_num_queries(2 if connection.vendor == "sqlite" else 1):
        event = audit_record(
            actor=actor,
            action="read",
            consumer_id=7,
            object_type="case",
            object_id=12,
            detail={"ids": [1, 2], "count": 2},
        )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert model_to_dict(event) == model_to_dict(stored)
    assert (stored.actor_id, stored.actor_username, stored.action) == (
        world.cm.pk,
        world.cm.username,
        "read",
    )
    assert (stored.consumer_id, stored.object_id, stored.detail) == (
        7,
        "12",
        {"ids": [1, 2], "count": 2},
    )
    assert (stored.client_address, stored.purpose_of_use) == ("127.0.0.1", actor.purpose_of_use)
    assert event.occurred_at == stored.occurred_at
    assert event._state.adding is False


def test_a_prepared_query_runs_with_new_parameters(world: World) -> None:
    query = PreparedQuery(
        lambda code: Program.objects.filter(code=code).values_list("id", "name"), code="?sample?"
    )

    assert query.rows(code="main") == [(world.program.pk, "Program main")]
    assert query.rows(code="other") == [(world.outsider_program.pk, "Program other")]
    assert query.rows(code="nobody") == []


def test_a_sample_used_twice_is_bound_in_both_places(world: World) -> None:
    either = PreparedQuery(
        lambda code: (
            Program.objects.filter(Q(code=code) | Q(name=code)).order_by("pk").values_list("id")
        ),
        code="x",
    )

    assert either.rows(code="main") == [(world.program.pk,)]
    assert either.rows(code="Program other") == [(world.outsider_program.pk,)]


def test_a_query_whose_parameters_are_derived_from_its_arguments_is_refused(db: None) -> None:
    derived = PreparedQuery(
        lambda code: Program.objects.filter(code=code.upper()).values_list("id"), code="x"
    )

    with pytest.raises(ValueError, match="not preparable"):
        derived.rows(code="main")


def test_a_prepared_load_makes_the_instances_the_orm_makes(world: World) -> None:
    """Per variant, with the select_related objects filled in; a variant may leave a
    sample out."""
    load = PreparedLoad(
        lambda variant, program, pk: Team.objects.select_related("program", "supervisor").filter(
            Q(program_id=program) if variant == "program" else Q(), pk=pk
        ),
        program=987_000_001,
        pk=987_000_002,
    )
    team = world.team

    (by_program,) = load.objects("program", program=world.program.pk, pk=team.pk)
    (anywhere,) = load.objects("any", program=0, pk=team.pk)

    expected = Team.objects.select_related("program", "supervisor").get(pk=team.pk)
    for found in (by_program, anywhere):
        assert model_to_dict(found) == model_to_dict(expected)
        assert found._state.adding is False
        assert (found.program.code, found.supervisor_id) == ("main", expected.supervisor_id)
        assert model_to_dict(found.supervisor) == model_to_dict(expected.supervisor)
    assert load.objects("program", program=world.outsider_program.pk, pk=team.pk) == []


def test_a_prepared_load_sets_each_annotation_as_the_orm_does(world: World) -> None:
    """The case lock's load (every case write): its facts, converted as the ORM converts
    them (booleans, not SQLite's 0 and 1), for each case it is run for."""
    from casework.cases.selectors import FACT_NOTICE_KINDS, case_fact_annotations
    from casework.cases.services._common import _lock

    referred = factories.referred_case(world.cm)
    active = factories.active_case(world.cm)
    names = ["fact_consent", "fact_open_items", *(f"notice_{k}" for k in FACT_NOTICE_KINDS)]
    for case in (referred, active):
        with transaction.atomic():
            locked = _lock(case)
        expected = Case.objects.annotate(**case_fact_annotations()).get(pk=case.pk)
        assert [getattr(locked, n) for n in names] == [getattr(expected, n) for n in names]
        assert model_to_dict(locked) == model_to_dict(expected)
        assert locked.consumer.pk == case.consumer_id
    assert [getattr(_lock(active), f"notice_{k}") for k in FACT_NOTICE_KINDS] == [True] * len(
        FACT_NOTICE_KINDS
    )
    assert _lock(referred).fact_consent is None
    with pytest.raises(Case.DoesNotExist):
        _lock(Case(pk=10**9))


def test_a_prepared_insert_refuses_a_saved_instance(world: World) -> None:
    with pytest.raises(ValueError, match="new instances only"):
        PreparedInsert(Team).insert(world.team)


def test_a_prepared_insert_with_an_explicit_pk_refuses_an_instance_without_one(
    world: World,
) -> None:
    with pytest.raises(ValueError, match="with their primary key set"):
        PreparedInsert(Team, explicit_pk=True).insert(Team(program=world.program, name="C"))


def test_a_prepared_insert_writes_the_explicit_pk(world: World) -> None:
    team = Team(pk=world.team.pk + 100, program=world.program, name="Team C")

    PreparedInsert(Team, explicit_pk=True).insert(team)

    assert Team.objects.get(pk=world.team.pk + 100).name == "Team C"
    assert team._state.adding is False


def test_a_prepared_insert_runs_the_save_signals_when_a_model_has_receivers(
    world: World,
) -> None:
    seen: list[str] = []

    def receiver(sender: type, instance: Team, **kwargs: Any) -> None:
        seen.append(instance.name)

    pre_save.connect(receiver, sender=Team)
    try:
        team = PreparedInsert(Team).insert(Team(program=world.program, name="Team C"))
    finally:
        pre_save.disconnect(receiver, sender=Team)

    assert seen == ["Team C"]
    assert Team.objects.get(pk=team.pk).name == "Team C"


def test_a_prepared_update_writes_every_field_in_one_statement(world: World) -> None:
    team = Team.objects.get(pk=world.team.pk)
    team.name = "Renamed"
    update = PreparedUpdate(Team)

    with CaptureQueriesContext(connection) as queries:
        update.update(team)

    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].startswith('UPDATE "core_team" SET ')
    assert model_to_dict(Team.objects.get(pk=world.team.pk)) == model_to_dict(team)


def test_a_prepared_update_of_named_fields_leaves_the_others(world: World) -> None:
    team = Team.objects.get(pk=world.team.pk)
    before = team.name
    Team.objects.filter(pk=team.pk).update(name="Changed elsewhere")
    team.name = before

    PreparedUpdate(Team, ["supervisor"]).update(team)

    assert Team.objects.get(pk=team.pk).name == "Changed elsewhere"


def test_a_prepared_update_of_a_missing_row_raises(world: World) -> None:
    team = Team.objects.create(program=world.program, name="Team C")
    Team.objects.filter(pk=team.pk).delete()

    with pytest.raises(DatabaseError, match="not found"):
        PreparedUpdate(Team).update(team)


def test_a_prepared_update_refuses_an_unsaved_instance(world: World) -> None:
    with pytest.raises(ValueError, match="saved instances only"):
        PreparedUpdate(Team).update(Team(program=world.program, name="Team C"))
