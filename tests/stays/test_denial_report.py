"""The denial report (H4, UM director): denials with their reason category, kind, unit,
attending and payer as recorded, the days and money denied, appeal outcomes and what
appeals and peer-to-peers recovered, by group and by week; a program report naming no
consumer, for UM roles, one `list` event."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from casework.core import clock
from casework.stays.models import Stay, Unit
from casework.stays.payers import peer_to_peer_services, rules, selectors, services
from casework.stays.payers.rules import DenialReportDimension
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, snapshot, token_client
from tests.stays.test_payers import NEW_YORK, _stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def payers(world):
    return (
        services.payer_settings_from_preset(
            program=world.program, name="Acme Medicaid", payer_type="medicaid_managed_care"
        ),
        services.payer_settings_from_preset(
            program=world.program, name="Beta Advantage", payer_type="medicare_advantage"
        ),
    )


def _placed(world, unit_code: str, attending: str, payer: str = "Acme Medicaid") -> Stay:
    stay = _stay(world, payer_name=payer, days=20)
    unit = Unit.objects.get_or_create(program=world.program, code=unit_code, name=unit_code)[0]
    Stay.objects.filter(pk=stay.pk).update(unit=unit, attending=attending)
    stay.refresh_from_db()
    return stay


def _deny(world, stay, category, received, days=None, amount=None, kind="medical_necessity"):
    return services.denial_record(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.DenialFacts(
            kind=kind,
            reason="Payer's words",
            reason_category=category,
            received_date=received,
            denied_days=days,
            denied_amount=amount,
        ),
    )


@pytest.fixture
def denied(world, payers):
    today = clock.now().astimezone(NEW_YORK).date()
    monday = today - timedelta(days=today.weekday())
    a = _placed(world, "4N", "Dr. House")
    b = _placed(world, "5S", "Dr. Grey", payer="Beta Advantage")
    actor = factories.actor(world.cm)
    won = _deny(world, a, "criteria_not_met", monday - timedelta(days=7), 2, Decimal("3000.00"))
    appeal = services.appeal_file(
        actor=actor,
        denial=won,
        version=won.version,
        facts=services.AppealFacts(filed_at=clock.now() - timedelta(hours=5)),
    )
    services.appeal_decide(
        actor=actor,
        appeal=appeal,
        version=appeal.version,
        facts=services.OutcomeFacts(
            outcome="overturned",
            decided_at=clock.now() - timedelta(hours=1),
            overturned_days=2,
            overturned_amount=Decimal("3000.00"),
        ),
    )
    talked = _deny(world, a, "criteria_not_met", monday, 1, Decimal("500.00"))
    peer = peer_to_peer_services.peer_to_peer_request(
        actor=actor,
        stay=a,
        facts=peer_to_peer_services.PeerToPeerFacts(
            speaker="attending",
            physician_name="Dr. House",
            requested_at=clock.now() - timedelta(hours=4),
            denial_id=talked.pk,
        ),
    )
    peer_to_peer_services.peer_to_peer_step(
        actor=actor,
        peer=peer,
        version=peer.version,
        facts=peer_to_peer_services.PeerToPeerStepFacts(
            step="concluded",
            outcome="partly_overturned",
            held_at=clock.now() - timedelta(hours=2),
            overturned_amount=Decimal("200.00"),
        ),
    )
    _deny(world, b, "documentation", monday, amount=Decimal("900.00"), kind="administrative")
    return monday


def _report(world, by, **kw):
    rows = selectors.denial_report(
        program_id=world.program.pk, by=by, start=kw.get("start"), end=kw.get("end")
    )
    return [
        (r.key, r.denials, r.days, r.amount, r.appealed, r.overturned, r.amount_recovered)
        for r in rows
    ]


def test_the_report_groups_by_category_with_appeals_and_recoveries(world, denied) -> None:
    assert _report(world, DenialReportDimension.CATEGORY) == [
        ("criteria_not_met", 2, 3, Decimal("3500.00"), 1, 1, Decimal("3200.00")),
        ("documentation", 1, 0, Decimal("900.00"), 0, 0, Decimal("0.00")),
    ]


def test_the_report_groups_by_unit_attending_payer_and_kind(world, denied) -> None:
    assert [r[:2] for r in _report(world, DenialReportDimension.UNIT)] == [("4N", 2), ("5S", 1)]
    assert [r[:2] for r in _report(world, DenialReportDimension.PHYSICIAN)] == [
        ("Dr. House", 2),
        ("Dr. Grey", 1),
    ]
    assert [r[:2] for r in _report(world, DenialReportDimension.PAYER)] == [
        ("Acme Medicaid", 2),
        ("Beta Advantage", 1),
    ]
    assert [r[:2] for r in _report(world, DenialReportDimension.KIND)] == [
        ("medical_necessity", 2),
        ("administrative", 1),
    ]


def test_the_report_trends_by_the_week_received(world, denied) -> None:
    monday = denied
    assert _report(world, DenialReportDimension.WEEK) == [
        (
            (monday - timedelta(days=7)).isoformat(),
            1,
            2,
            Decimal("3000.00"),
            1,
            1,
            Decimal("3000.00"),
        ),
        (monday.isoformat(), 2, 1, Decimal("1400.00"), 0, 0, Decimal("200.00")),
    ]
    assert [r[0] for r in _report(world, DenialReportDimension.WEEK, start=monday)] == [
        monday.isoformat()
    ]


def test_the_report_page_is_for_um_roles_and_audits_one_list(world, denied) -> None:
    quality = Client()
    quality.force_login(world.quality)
    since = last_event_id()

    response = quality.get("/denials/report/?by=payer")

    assert response.status_code == 200
    assert [(r.key, r.denials) for r in response.context["rows"]] == [
        ("Acme Medicaid", 2),
        ("Beta Advantage", 1),
    ]
    assert response.context["total"].amount == Decimal("4400.00")
    assert [(e.action, e.outcome, e.object_type, e.consumer_id) for e in events_since(since)] == [
        ("list", "success", "denial_report", None)
    ]

    refused = Client()
    refused.force_login(world.cm)
    since = last_event_id()
    assert refused.get("/denials/report/").status_code == 404
    assert [(e.action, e.outcome) for e in events_since(since)] == [("list", "denied")]


def test_the_report_api_answers_totals(world, denied) -> None:
    response = token_client(world.supervisor).get("/api/v1/denials/report?by=category")

    assert response.status_code == 200
    body = response.json()
    assert (body["by"], body["taxonomy"], body["currency"]) == (
        "category",
        "casework-denial-reasons-2026.1",
        "USD",
    )
    assert body["rows"][1] == {
        "key": "documentation",
        "label": "Clinical documentation insufficient or not received",
        "denials": 1,
        "days": 0,
        "amount": "900.00",
        "appealed": 0,
        "overturned": 0,
        "days_recovered": 0,
        "amount_recovered": "0.00",
    }
    assert (body["total"]["denials"], body["total"]["amount_recovered"]) == (3, "3200.00")


def test_a_denial_outside_the_taxonomy_is_422_and_nothing_changes(world, payers) -> None:
    stay = _stay(world)
    before, since = snapshot(), last_event_id()

    response = call(
        token_client(world.cm),
        "POST",
        f"/api/v1/stays/{stay.pk}/denials",
        {
            "kind": "medical_necessity",
            "reason": "Not necessary",
            "reason_category": "bad_luck",
            "received_date": factories.local_today().isoformat(),
            "denied_days": 1,
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason_category"]
    assert snapshot() == before
    assert [e for e in events_since(since) if e.object_type == "stay_denial"] == []


def test_a_denial_keeps_the_unit_and_attending_of_its_day(world, payers) -> None:
    stay = _placed(world, "4N", "Dr. House")
    denial = _deny(world, stay, "continued_stay", factories.local_today(), 1)
    Stay.objects.filter(pk=stay.pk).update(attending="Dr. Grey")

    denial.refresh_from_db()
    assert (denial.unit.code, denial.attending, denial.reason_taxonomy) == (
        "4N",
        "Dr. House",
        "casework-denial-reasons-2026.1",
    )


def test_the_shipped_taxonomy_has_a_source_and_unique_codes() -> None:
    taxonomy = rules.denial_taxonomy("casework-denial-reasons-2026.1")
    codes = [code for code, _title in taxonomy.categories]
    assert len(codes) == len(set(codes)) == 7
    assert "not a published standard" in taxonomy.source
