"""Avoidable days (H3): recording spans on a stay (service, API, page) and the report."""

import json
from datetime import date, timedelta

import pytest
from django.test import Client

from casework.core import clock
from casework.core.models import AuditEvent
from casework.stays import avoidable_services, services
from casework.stays.avoidable_rules import ReportDimension
from casework.stays.avoidable_selectors import avoidable_day_report
from casework.stays.models import AvoidableDay, Unit
from casework.stays.rules import StatusSource, StayClass
from tests import factories
from tests.api_helpers import token_client

pytestmark = pytest.mark.usefixtures("frozen")  # 2026-03-05 12:00 in Chicago


def _stay(w, cm, visit, *, unit, payer="Acme", attending="Dr. House", hours=80):
    case = factories.active_case(cm)
    return services.stay_create(
        program=w.program,
        consumer=factories.consumer_of(case),
        facts=services.StayFacts(
            visit_number=visit,
            stay_class=StayClass.INPATIENT,
            admitted_at=clock.now() - timedelta(hours=hours),  # 2026-03-02 04:00 Chicago
            unit=unit,
            payer=payer,
            attending=attending,
        ),
        via=services.Via(source=StatusSource.API, actor=factories.actor(cm)),
        drg_version="demo-v42",
    )


def _record(stay, cm, start, end, reason="CP01", category="community_post_acute"):
    return avoidable_services.avoidable_day_record(
        stay=stay,
        actor=factories.actor(cm),
        facts=avoidable_services.AvoidableDayFacts(
            start_date=start,
            end_date=end,
            category=category,
            reason=reason,
            responsible_party="Sunrise SNF",
        ),
    )


@pytest.fixture
def units(world):
    return (
        Unit.objects.create(program=world.program, code="4N", name="4 North"),
        Unit.objects.create(program=world.program, code="5S", name="5 South"),
    )


def _since() -> int:
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def _events(since: int) -> list[tuple[str, str, str, int | None]]:
    return [
        (e.action, e.outcome, e.object_type, e.consumer_id)
        for e in AuditEvent.objects.filter(pk__gt=since).exclude(action="login").order_by("pk")
    ]


def test_recording_a_span_keeps_the_stays_unit_payer_and_attending(world, units) -> None:
    stay = _stay(world, world.cm, "A", unit=units[0])
    since = _since()

    row = _record(stay, world.cm, date(2026, 3, 3), date(2026, 3, 5))

    assert (row.days, row.taxonomy, row.category, row.reason) == (
        3,
        "casework-avoidable-2026.1",
        "community_post_acute",
        "CP01",
    )
    assert (row.unit_id, row.payer, row.attending, row.responsible_party) == (
        units[0].pk,
        "Acme",
        "Dr. House",
        "Sunrise SNF",
    )
    assert _events(since) == [("create", "success", "avoidable_day", stay.consumer_id)]


def test_api_records_a_span_and_refuses_an_overlap_changing_nothing(world, units) -> None:
    stay = _stay(world, world.cm, "A", unit=units[0])
    client = token_client(world.cm)
    body = {
        "start_date": "2026-03-03",
        "end_date": "2026-03-04",
        "category": "payer",
        "reason": "PY01",
        "responsible_party": "Acme Health Plan",
        "note": "Waiting for SNF authorization",
    }
    created = client.post(
        f"/api/v1/stays/{stay.pk}/avoidable-days", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert (created.json()["days"], created.json()["reason"]) == (2, "PY01")
    since = _since()

    overlap = client.post(
        f"/api/v1/stays/{stay.pk}/avoidable-days",
        json.dumps({**body, "start_date": "2026-03-04", "end_date": "2026-03-05"}),
        content_type="application/json",
    )

    assert overlap.status_code == 422
    assert overlap.json()["detail"] == [
        {
            "loc": ["body", "start_date"],
            "msg": "overlaps the avoidable days already recorded from 2026-03-03 to 2026-03-04",
            "type": "value_error",
        }
    ]
    assert AvoidableDay.objects.filter(stay=stay).count() == 1
    assert [e[:3] for e in _events(since)] == []


def test_api_refuses_a_reason_of_another_category(world, units) -> None:
    stay = _stay(world, world.cm, "A", unit=units[0])
    response = token_client(world.cm).post(
        f"/api/v1/stays/{stay.pk}/avoidable-days",
        json.dumps(
            {
                "start_date": "2026-03-03",
                "end_date": "2026-03-03",
                "category": "payer",
                "reason": "CP01",
                "responsible_party": "Acme",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]
    assert AvoidableDay.objects.count() == 0


def test_the_page_records_a_span_from_the_taxonomy(world, units) -> None:
    stay = _stay(world, world.cm, "A", unit=units[0])
    client = Client()
    client.force_login(world.cm)
    url = f"/stays/{stay.pk}/avoidable-days/new/"
    assert b"CP01 No skilled nursing facility bed or acceptance" in client.get(url).content

    response = client.post(
        url,
        {
            "start_date": "2026-03-04",
            "end_date": "2026-03-05",
            "reason": "HS01",
            "responsible_party": "Radiology",
            "note": "MRI not scheduled on the weekend",
        },
    )

    assert response.status_code == 302 and response["Location"] == f"/stays/{stay.pk}/"
    row = AvoidableDay.objects.get(stay=stay)
    assert (row.category, row.reason, row.days, row.note) == (
        "hospital_system",
        "HS01",
        2,
        "MRI not scheduled on the weekend",
    )
    assert b"Radiology" in client.get(f"/stays/{stay.pk}/").content


def test_the_page_shows_a_refusal_on_the_form_and_writes_nothing(world, units) -> None:
    stay = _stay(world, world.cm, "A", unit=units[0])
    client = Client()
    client.force_login(world.cm)
    since = _since()

    response = client.post(
        f"/stays/{stay.pk}/avoidable-days/new/",
        {"start_date": "2026-03-01", "end_date": "2026-03-02", "reason": "HS01",
         "responsible_party": "Radiology"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == [
        "must not be before the admission day (2026-03-02)"
    ]
    assert AvoidableDay.objects.count() == 0
    assert _events(since) == []


def test_the_report_groups_by_category_unit_payer_and_week(world, units) -> None:
    north, south = units
    a = _stay(world, world.cm, "A", unit=north, payer="Acme")
    b = _stay(world, world.cm, "B", unit=south, payer="Medicare", attending="Dr. Grey")
    _record(a, world.cm, date(2026, 3, 2), date(2026, 3, 4))  # 3 days
    _record(a, world.cm, date(2026, 3, 5), date(2026, 3, 5), "PY02", "payer")  # 1 day
    _record(b, world.cm, date(2026, 3, 3), date(2026, 3, 4), "PY01", "payer")  # 2 days

    def report(by, **kw):
        rows = avoidable_day_report(
            program_id=world.program.pk, by=by, start=kw.get("start"), end=kw.get("end")
        )
        return [(r.key, r.days, r.spans) for r in rows]

    assert report(ReportDimension.CATEGORY) == [("community_post_acute", 3, 1), ("payer", 3, 2)]
    assert report(ReportDimension.UNIT) == [("4N", 4, 2), ("5S", 2, 1)]
    assert report(ReportDimension.PAYER) == [("Acme", 4, 2), ("Medicare", 2, 1)]
    assert report(ReportDimension.PHYSICIAN) == [("Dr. House", 4, 2), ("Dr. Grey", 2, 1)]
    assert report(ReportDimension.WEEK) == [("2026-03-02", 6, 3)]
    assert report(ReportDimension.REASON, start=date(2026, 3, 3)) == [
        ("PY01", 2, 1),
        ("PY02", 1, 1),
    ]


def test_the_report_page_is_for_um_roles_and_audits_one_list(world, units) -> None:
    stay = _stay(world, world.cm, "A", unit=units[0])
    _record(stay, world.cm, date(2026, 3, 3), date(2026, 3, 4))
    quality = Client()
    quality.force_login(world.quality)
    since = _since()

    response = quality.get("/avoidable-days/?by=unit")

    assert response.status_code == 200
    assert [(r.key, r.days) for r in response.context["rows"]] == [("4N", 2)]
    assert _events(since) == [("list", "success", "avoidable_day_report", None)]

    refused = Client()
    refused.force_login(world.cm)
    since = _since()
    assert refused.get("/avoidable-days/").status_code == 404
    assert _events(since) == [("list", "denied", "avoidable_day_report", None)]


def test_the_report_api_answers_totals(world, units) -> None:
    stay = _stay(world, world.cm, "A", unit=units[0])
    _record(stay, world.cm, date(2026, 3, 3), date(2026, 3, 4))
    response = token_client(world.supervisor).get("/api/v1/avoidable-days/report?by=category")
    assert response.status_code == 200
    assert response.json() == {
        "by": "category",
        "taxonomy": "casework-avoidable-2026.1",
        "total_days": 2,
        "rows": [
            {
                "key": "community_post_acute",
                "label": "Community or post-acute placement",
                "days": 2,
                "spans": 1,
            }
        ],
    }
