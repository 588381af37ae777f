"""Payer interface and denials (H2, H4) through the API and the pages: each write is one
audit event and sets its clock from the payer's settings; bad input is refused naming
the field and changes nothing; who sees what follows the stay's relationship."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casework.core import clock
from casework.core.clocks import ClockUnit, add_units
from casework.core.deadlines import deadline_worklist, program_calendar
from casework.core.models import AuditAction, AuditOutcome, Deadline, DeadlineState
from casework.stays import services as stay_services
from casework.stays.payers import packet, selectors, services
from casework.stays.payers.deadlines import PayerDeadline
from casework.stays.payers.models import StayAppeal, StayDenial
from casework.stays.rules import ReviewKind
from tests import factories
from tests.api_helpers import (
    assert_form_refused,
    call,
    events_since,
    last_event_id,
    snapshot,
    token_client,
)

NEW_YORK = ZoneInfo("America/New_York")  # the world program's zone


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=NEW_YORK).astimezone(UTC)


@pytest.fixture
def api(world) -> Client:
    """cm's API client (issuing its token is an audit event of its own, made first)."""
    return token_client(world.cm)


@pytest.fixture
def payer(world):
    return factories.payer_settings(world.program)


def _stay(world, cm=None, payer_name="Acme Medicaid", days=4):
    return factories.payer_stay(world.program, cm or world.cm, payer_name, days)


def _clock(kind: str, subject_id: int) -> Deadline:
    return Deadline.objects.get(kind=kind, subject_id=subject_id)


def _iso(at: datetime) -> str:
    return at.isoformat()


def _one_event(since: int, action: str, object_type: str, consumer_id: int) -> None:
    assert [(e.action, e.outcome, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (action, AuditOutcome.SUCCESS, object_type, consumer_id)
    ]


# --- authorizations -----------------------------------------------------------------------


def test_opening_an_authorization_starts_the_notification_clock(world, payer, api) -> None:
    stay = _stay(world)
    since = last_event_id()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/authorizations",
        {"level_of_care": "acute", "requested_days": 3},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["requested_days"], body["payer_id"]) == (
        "pending_notification",
        3,
        payer.pk,
    )
    notify = _clock(PayerDeadline.NOTIFY, body["id"])
    start = stay.inpatient_at or stay.admitted_at
    calendar = program_calendar(program_id=world.program.pk)
    assert notify.due_at == add_units(start, 1, ClockUnit.BUSINESS_DAYS, calendar)
    assert (notify.state, notify.subject_type, notify.consumer_id) == (
        DeadlineState.OPEN,
        "stay_authorization",
        stay.consumer_id,
    )
    _one_event(since, AuditAction.CREATE, "stay_authorization", stay.consumer_id)


def test_a_stay_whose_payer_has_no_settings_is_refused_and_nothing_changes(
    world, payer, api
) -> None:
    stay = _stay(world, payer_name="Unknown Health")
    before, since = snapshot(), last_event_id()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/authorizations",
        {"level_of_care": "acute", "requested_days": 3},
    )

    assert response.status_code == 409
    assert "Unknown Health" in response.json()["detail"]
    assert snapshot() == before
    assert events_since(since) == []


def test_each_step_meets_its_clock_and_starts_the_next(world, payer, api) -> None:
    stay = _stay(world)
    authorization = services.authorization_open(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.AuthorizationFacts(level_of_care="acute", requested_days=3, expedited=True),
    )
    client = api
    url = f"/api/v1/stays/{stay.pk}/authorizations/{authorization.pk}"
    sent = (clock.now() - timedelta(hours=30)).replace(microsecond=0)

    since = last_event_id()
    notified = call(client, "POST", url, {"version": 1, "step": "notified", "at": _iso(sent)})
    assert notified.status_code == 200, notified.content
    _one_event(since, AuditAction.UPDATE, "stay_authorization", stay.consumer_id)
    assert _clock(PayerDeadline.NOTIFY, authorization.pk).state == DeadlineState.MET
    assert _clock(PayerDeadline.DECISION, authorization.pk).due_at == sent + timedelta(hours=72)

    decided_at = sent + timedelta(hours=20)
    decided = call(
        client,
        "POST",
        url,
        {
            "version": notified.json()["version"],
            "step": "decided",
            "at": _iso(decided_at),
            "decision": "partly_approved",
            "authorized_days": 2,
            "reference_number": "AUTH-77",
        },
    )

    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert (body["state"], body["authorized_days"], body["reference_number"]) == (
        "partly_approved",
        2,
        "AUTH-77",
    )
    assert _clock(PayerDeadline.DECISION, authorization.pk).state == DeadlineState.MET
    review = _clock(PayerDeadline.REVIEW, authorization.pk)
    local_day = decided_at.astimezone(NEW_YORK).date()
    assert review.due_at == end_of_day(local_day + timedelta(days=3))
    assert body["next_review_due_at"] == review.due_at.isoformat().replace("+00:00", "Z")


def test_more_days_authorized_than_requested_is_422_and_nothing_changes(world, payer, api) -> None:
    stay = _stay(world)
    authorization = services.authorization_open(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.AuthorizationFacts(
            level_of_care="acute", requested_days=3, notification_sent_at=clock.now()
        ),
    )
    before, since = snapshot(), last_event_id()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/authorizations/{authorization.pk}",
        {
            "version": authorization.version,
            "step": "decided",
            "at": _iso(clock.now()),
            "decision": "approved",
            "authorized_days": 4,
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "authorized_days"]
    assert snapshot() == before
    assert events_since(since) == []


def test_an_authorization_of_another_stay_is_404_and_one_denial(world, payer, api) -> None:
    mine, other = _stay(world), _stay(world)
    authorization = services.authorization_open(
        actor=factories.actor(world.cm),
        stay=other,
        facts=services.AuthorizationFacts(level_of_care="acute", requested_days=3),
    )
    before, since = snapshot(), last_event_id()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{mine.pk}/authorizations/{authorization.pk}",
        {"version": 1, "step": "notified", "at": _iso(clock.now())},
    )

    assert response.status_code == 404
    assert snapshot() == before
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, None)
    ]


# --- denials and appeals -------------------------------------------------------------------


def _denial(world, stay, **facts):
    return factories.stay_denial(world.cm, stay, **facts)


def test_a_denial_starts_the_filing_clock_of_the_first_level(world, payer, api) -> None:
    stay = _stay(world)
    received = clock.now().astimezone(NEW_YORK).date() - timedelta(days=1)
    since = last_event_id()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/denials",
        {
            "kind": "level_of_care",
            "reason": "Acute level not met",
            "reason_category": "lower_level_of_care",
            "received_date": received.isoformat(),
            "denied_amount": "1800.50",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["denied_amount"], body["denied_days"]) == ("open", "1800.50", None)
    filing = _clock(PayerDeadline.APPEAL_FILE, body["id"])
    assert filing.due_at == end_of_day(received + timedelta(days=60))
    _one_event(since, AuditAction.CREATE, "stay_denial", stay.consumer_id)


def test_a_denial_without_days_or_amount_is_422_naming_the_field(world, payer, api) -> None:
    stay = _stay(world)
    before, since = snapshot(), last_event_id()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/denials",
        {
            "kind": "administrative",
            "reason": "Late notification",
            "reason_category": "authorization",
            "received_date": factories.local_today().isoformat(),
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "denied_days"]
    assert snapshot() == before
    assert events_since(since) == []


def test_an_upheld_plan_appeal_opens_the_fair_hearing_filing_clock(world, payer, api) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    client = api
    filed_at = (clock.now() - timedelta(hours=10)).replace(microsecond=0)

    filed = call(
        client,
        "POST",
        f"/api/v1/stays/{stay.pk}/denials/{denial.pk}/appeals",
        {"version": denial.version, "filed_at": _iso(filed_at), "argument": "Sepsis criteria"},
    )

    assert filed.status_code == 201, filed.content
    appeal = filed.json()
    assert (appeal["level"], appeal["level_name"], appeal["filed_in_time"]) == (
        1,
        "Plan appeal",
        True,
    )
    local = filed_at.astimezone(NEW_YORK).date()
    assert _clock(PayerDeadline.APPEAL_DECISION, denial.pk).due_at == end_of_day(
        local + timedelta(days=30)
    )
    assert _clock(PayerDeadline.APPEAL_FILE, denial.pk).state == DeadlineState.MET

    decided_at = filed_at + timedelta(hours=2)
    since = last_event_id()
    outcome = call(
        client,
        "POST",
        f"/api/v1/stays/{stay.pk}/appeals/{appeal['id']}/outcome",
        {"version": appeal["version"], "outcome": "upheld", "decided_at": _iso(decided_at)},
    )

    assert outcome.status_code == 200, outcome.content
    _one_event(since, AuditAction.UPDATE, "stay_appeal", stay.consumer_id)
    denial.refresh_from_db()
    assert denial.state == "open"
    assert _clock(PayerDeadline.APPEAL_DECISION, denial.pk).state == DeadlineState.MET
    filing = _clock(PayerDeadline.APPEAL_FILE, denial.pk)
    assert (filing.state, filing.due_at) == (
        DeadlineState.OPEN,
        end_of_day(decided_at.astimezone(NEW_YORK).date() + timedelta(days=120)),
    )


def test_a_late_appeal_needs_its_good_cause(world, payer, api) -> None:
    stay = _stay(world, days=80)
    # The plan appeal's 60-day filing limit passed 10 days ago.
    denial = _denial(world, stay, received_date=clock.now().date() - timedelta(days=70))
    client = api
    url = f"/api/v1/stays/{stay.pk}/denials/{denial.pk}/appeals"
    body = {"version": denial.version, "filed_at": _iso(clock.now() - timedelta(minutes=5))}
    before, since = snapshot(), last_event_id()

    refused = call(client, "POST", url, body)

    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "late_reason"]
    assert snapshot() == before
    assert events_since(since) == []

    accepted = call(client, "POST", url, {**body, "late_reason": "Payer letter misaddressed"})

    assert accepted.status_code == 201
    assert accepted.json()["filed_in_time"] is False


def test_recovering_more_than_was_denied_is_422(world, payer, api) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    appeal = services.appeal_file(
        actor=factories.actor(world.cm),
        denial=denial,
        version=denial.version,
        facts=services.AppealFacts(filed_at=clock.now() - timedelta(hours=1)),
    )
    before, since = snapshot(), last_event_id()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/appeals/{appeal.pk}/outcome",
        {
            "version": appeal.version,
            "outcome": "overturned",
            "decided_at": _iso(clock.now()),
            "overturned_amount": "4200.01",
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "overturned_amount"]
    assert snapshot() == before
    assert events_since(since) == []


def test_the_denial_list_holds_only_the_stays_i_reach(world, payer, api) -> None:
    mine = _denial(world, _stay(world))
    _denial(world, _stay(world, cm=world.cm2))
    since = last_event_id()

    response = call(api, "GET", "/api/v1/denials")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [mine.pk]
    assert [(e.action, e.object_type) for e in events_since(since)] == [
        (AuditAction.LIST, "stay_denial")
    ]


# --- pages ---------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_stay_page_shows_the_payer_authorizations_and_denials(world, payer) -> None:
    stay = _stay(world)
    services.authorization_open(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.AuthorizationFacts(level_of_care="acute", requested_days=3),
    )
    _denial(world, stay)
    client = _client(world.cm)
    client.get(f"/stays/{stay.pk}/")  # warm the session
    since = last_event_id()

    with CaptureQueriesContext(connection) as one_each:
        response = client.get(f"/stays/{stay.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Acme Medicaid" in page
    assert "Notify the payer of the admission" in page
    assert "File the appeal of the denial" in page
    assert [(e.action, e.object_type) for e in events_since(since)] == [(AuditAction.READ, "stay")]
    # More rows cost no more queries.
    services.authorization_open(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.AuthorizationFacts(level_of_care="step_down", requested_days=2),
    )
    denial = _denial(world, stay)
    services.appeal_file(
        actor=factories.actor(world.cm),
        denial=denial,
        version=denial.version,
        facts=services.AppealFacts(filed_at=clock.now() - timedelta(hours=1)),
    )
    with CaptureQueriesContext(connection) as two_each:
        client.get(f"/stays/{stay.pk}/")
    assert len(two_each) == len(one_each) <= 19  # 18, and the attached documents' list


def test_the_denial_form_refuses_bad_input_and_records_good(world, payer) -> None:
    stay = _stay(world)
    client = _client(world.cm)
    url = f"/stays/{stay.pk}/denials/new/"
    form = {
        "kind": "medical_necessity",
        "reason": "Not necessary",
        "reason_category": "criteria_not_met",
        "received_date": factories.local_today().isoformat(),
    }
    assert_form_refused(client, url, form, "give the days denied")

    saved = client.post(url, {**form, "denied_days": "2"})

    assert saved.status_code == 302
    assert StayDenial.objects.get(stay=stay).denied_days == 2


def test_the_appeal_packet_holds_the_reviews_and_is_one_print(world, payer) -> None:
    stay = _stay(world)
    stay_services.review_record(
        stay=stay,
        actor=factories.actor(world.cm),
        facts=stay_services.ReviewFacts(
            kind=ReviewKind.CONTINUED_STAY,
            results={"active_treatment": True, "plan": True, "no_lower_level": False},
        ),
        criteria_key="casework-open-um-2026.1",
    )
    denial = _denial(world, stay)
    sections = packet.packet_sections(
        stay=stay,
        denial=denial,
        reviews=selectors.packet_reviews(stay_id=stay.pk),
        referrals=[],
        appeals=[],
    )
    assert [s.title for s in sections] == [
        "Stay",
        "Denial",
        "Utilization reviews and criteria",
        "Physician advisor",
        "Case notes during the stay",
        "Documents of the stay",
        "Appeals",
        "Attached documents",
    ]
    assert "    no_lower_level: not met" in sections[2].lines
    since = last_event_id()

    response = _client(world.cm).get(f"/stays/{stay.pk}/denials/{denial.pk}/packet.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert [(e.action, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.PRINT, "stay_denial", stay.consumer_id)
    ]


def test_a_payer_clock_on_the_worklist_leads_to_its_stay_for_those_who_reach_it(
    world, payer
) -> None:
    stay = _stay(world)
    authorization = services.authorization_open(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.AuthorizationFacts(level_of_care="acute", requested_days=3),
    )
    Deadline.objects.filter(subject_id=authorization.pk).update(owner=world.cm)
    (row,) = [
        r
        for r in deadline_worklist(
            owner_ids=[world.cm.pk], due_before=clock.now() + timedelta(days=9)
        )
        if r["kind"] == PayerDeadline.NOTIFY
    ]
    assert row["url"] == f"/stays/authorizations/{authorization.pk}/"

    mine = _client(world.cm).get(row["url"])
    assert mine.status_code == 302
    assert mine["Location"] == f"/stays/{stay.pk}/#authorization-{authorization.pk}"

    since = last_event_id()
    theirs = _client(world.cm2).get(row["url"])
    assert theirs.status_code == 404
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, None)
    ]


def test_the_payer_terms_page_lists_the_levels_with_their_rules(world, payer) -> None:
    response = _client(world.cm).get("/payers/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "State fair hearing" in page
    assert "MC-SFH: 42 CFR 438.408(f)(2)" in page
    assert StayAppeal.objects.count() == 0
