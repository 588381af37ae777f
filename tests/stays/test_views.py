"""The census and stay pages: who sees which stays, filters, order, one audit event."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from casework.core import clock
from casework.core.models import AuditEvent
from casework.stays import services
from casework.stays.models import Unit
from casework.stays.rules import StatusSource, StayClass
from tests import factories


def _stay(w, cm, visit, *, unit, stay_class=StayClass.INPATIENT, medicare=True, hours=30):
    case = factories.active_case(cm)
    return services.stay_create(
        program=w.program,
        consumer=factories.consumer_of(case),
        facts=services.StayFacts(
            visit_number=visit,
            stay_class=stay_class,
            admitted_at=clock.now() - timedelta(hours=hours),
            unit=unit,
            payer="Medicare" if medicare else "Acme",
            medicare=medicare,
            drg="291",
        ),
        via=services.Via(source=StatusSource.API, actor=factories.actor(cm)),
        drg_version="demo-v42",
    )


@pytest.fixture
def units(world):
    return (
        Unit.objects.create(program=world.program, code="4N", name="4 North"),
        Unit.objects.create(program=world.program, code="5S", name="5 South"),
    )


# The census request: session, user, signed statement, units, payers, reviewers, the
# census itself (one query: reach, next clock, consumer, unit, reviewer), the audit event
# (on SQLite its id is read first: one more).
CENSUS_QUERIES = 8 + (connection.vendor == "sqlite")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_census_shows_my_consumers_and_my_units_stays_only(world, units) -> None:
    north, south = units
    mine = _stay(world, world.cm, "A", unit=south)
    on_my_unit = _stay(world, world.cm2, "B", unit=north)
    elsewhere = _stay(world, world.cm2, "C", unit=south)
    services.unit_assign(unit=north, user=world.cm, actor=None)
    since = AuditEvent.objects.order_by("-pk").first().pk

    response = client_for(world.cm).get("/census/")

    assert response.status_code == 200
    shown = [stay.pk for stay, _ in response.context["rows"]]
    assert sorted(shown) == sorted([mine.pk, on_my_unit.pk])
    assert elsewhere.pk not in shown
    events = list(AuditEvent.objects.filter(pk__gt=since).exclude(action="login"))
    assert [(e.action, e.object_type, e.detail["count"]) for e in events] == [("list", "stay", 2)]


def test_census_filters_by_unit_and_status(world, units) -> None:
    north, south = units
    _stay(world, world.cm, "A", unit=north)
    obs = _stay(world, world.cm, "B", unit=south, stay_class=StayClass.OBSERVATION)
    response = client_for(world.cm).get(f"/census/?unit={south.pk}&stay_class=observation")
    assert [stay.pk for stay, _ in response.context["rows"]] == [obs.pk]


def test_census_puts_the_earliest_clock_first(world, units) -> None:
    north, _ = units
    later = _stay(world, world.cm, "A", unit=north, hours=2)  # IM due in 2+ days
    sooner = _stay(world, world.cm, "B", unit=north, hours=60)  # IM due sooner
    no_clock = _stay(world, world.cm, "C", unit=north, medicare=False)
    response = client_for(world.cm).get("/census/")
    assert [s.pk for s, _ in response.context["rows"]] == [sooner.pk, later.pk, no_clock.pk]


def test_stay_page_reads_one_event_and_another_caseload_gets_404(world, units) -> None:
    stay = _stay(world, world.cm, "A", unit=units[0])
    response = client_for(world.cm).get(f"/stays/{stay.pk}/")
    assert response.status_code == 200
    assert b"Heart Failure and Shock with MCC" in response.content

    since = AuditEvent.objects.order_by("-pk").first().pk
    refused = client_for(world.other_cm).get(f"/stays/{stay.pk}/")
    assert refused.status_code == 404
    events = list(AuditEvent.objects.filter(pk__gt=since).exclude(action="login"))
    assert [(e.outcome, e.object_type, e.consumer_id) for e in events] == [("denied", "stay", None)]


@pytest.mark.parametrize("count", [3, 12])
def test_census_query_count_is_pinned_and_does_not_grow_with_rows(
    world, units, django_assert_num_queries, count
) -> None:
    for i in range(count):
        _stay(world, world.cm, f"Q{i}", unit=units[i % 2])
    client = client_for(world.cm)
    client.get("/census/")
    with django_assert_num_queries(CENSUS_QUERIES):
        response = client.get("/census/")
    assert len(response.context["rows"]) == count


def test_advisor_queue_is_for_physician_advisors_ordered_by_due(world, units) -> None:
    from casework.stays.models import AdvisorReferral
    from casework.stays.rules import ReviewKind

    stays = [_stay(world, world.cm, f"P{i}", unit=units[0], medicare=False) for i in range(2)]
    for stay in reversed(stays):
        services.review_record(
            stay=stay,
            actor=factories.actor(world.cm),
            facts=services.ReviewFacts(
                kind=ReviewKind.CONTINUED_STAY,
                results={"active_treatment": False, "plan": True, "no_lower_level": True},
            ),
            criteria_key="casework-open-um-2026.1",
        )
    first = AdvisorReferral.objects.get(stay=stays[0])
    AdvisorReferral.objects.filter(pk=first.pk).update(due_at=first.due_at - timedelta(hours=5))

    response = client_for(world.physician).get("/advisor-queue/")

    assert [r.stay_id for r in response.context["rows"]] == [stays[0].pk, stays[1].pk]
    assert client_for(world.cm).get("/advisor-queue/").status_code == 404
