"""Peer-to-peer requests with the payer (H2, H4) through the API and the pages: a
request starts the payer's window, its conclusion meets it, an overturn changes the
authorization or the denial as the payer's word does, and each request is one audit
event; bad input and refused steps change nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from casework.core import clock
from casework.core.clocks import ClockUnit, add_units
from casework.core.deadlines import program_calendar
from casework.core.models import AuditAction, AuditOutcome, Deadline, DeadlineState
from casework.stays.payers import services
from casework.stays.payers.deadlines import PayerDeadline
from casework.stays.payers.models import PayerSettings, StayAuthorization, StayPeerToPeer
from tests import factories
from tests.api_helpers import (
    assert_form_refused,
    call,
    events_since,
    last_event_id,
    snapshot,
    token_client,
)
from tests.stays.test_payers import NEW_YORK, _denial, _one_event, _stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world) -> Client:
    return token_client(world.cm)


@pytest.fixture
def payer(world):
    return factories.payer_settings(world.program)


def _when(hours: float = 1) -> str:
    return (clock.now() - timedelta(hours=hours)).replace(microsecond=0).isoformat()


def _decided(world, stay, decision="denied", authorized_days=None):
    actor = factories.actor(world.cm)
    authorization = services.authorization_open(
        actor=actor,
        stay=stay,
        facts=services.AuthorizationFacts(
            level_of_care="acute",
            requested_days=4,
            notification_sent_at=clock.now() - timedelta(hours=20),
        ),
    )
    return services.authorization_step(
        actor=actor,
        authorization=authorization,
        version=authorization.version,
        facts=services.StepFacts(
            step="decided",
            at=clock.now() - timedelta(hours=10),
            decision=decision,
            authorized_days=authorized_days,
        ),
    )


def _request(api, stay, **about):
    return call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/peer-to-peers",
        {
            "speaker": "physician_advisor",
            "physician_name": "Dr. Rivera",
            "payer_contact": "Dr. Chen",
            "requested_at": _when(5),
            **about,
        },
    )


def test_a_request_about_a_denied_authorization_starts_the_payer_window(world, payer, api) -> None:
    stay = _stay(world)
    authorization = _decided(world, stay)
    since = last_event_id()

    response = _request(api, stay, authorization_id=authorization.pk)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["authorization_id"], body["denial_id"], body["speaker"], body["outcome"]) == (
        authorization.pk,
        None,
        "physician_advisor",
        "",
    )
    window = Deadline.objects.get(kind=PayerDeadline.PEER_TO_PEER, subject_id=body["id"])
    requested = StayPeerToPeer.objects.get(pk=body["id"]).requested_at
    calendar = program_calendar(program_id=world.program.pk)
    assert window.due_at == add_units(requested, 1, ClockUnit.BUSINESS_DAYS, calendar)
    assert (window.state, window.subject_type, window.consumer_id) == (
        DeadlineState.OPEN,
        "stay_peer_to_peer",
        stay.consumer_id,
    )
    _one_event(since, AuditAction.CREATE, "stay_peer_to_peer", stay.consumer_id)


def test_a_payer_without_a_window_gets_the_request_and_no_clock(world, payer, api) -> None:
    PayerSettings.objects.filter(pk=payer.pk).update(peer_to_peer_amount=None)
    stay = _stay(world)
    denial = _denial(world, stay)

    response = _request(api, stay, denial_id=denial.pk)

    assert response.status_code == 201, response.content
    assert not Deadline.objects.filter(kind=PayerDeadline.PEER_TO_PEER).exists()


def test_a_request_about_an_approved_authorization_is_409_and_nothing_changes(
    world, payer, api
) -> None:
    stay = _stay(world)
    authorization = _decided(world, stay, decision="approved", authorized_days=4)
    before, since = snapshot(), last_event_id()

    response = _request(api, stay, authorization_id=authorization.pk)

    assert response.status_code == 409
    assert "approved" in response.json()["detail"]
    assert snapshot() == before
    assert events_since(since) == []


def test_a_request_naming_both_or_neither_is_422_naming_the_field(world, payer, api) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    authorization = _decided(world, stay)
    before, since = snapshot(), last_event_id()

    both = _request(api, stay, denial_id=denial.pk, authorization_id=authorization.pk)
    neither = _request(api, stay)

    for response in (both, neither):
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "authorization_id"]
    assert snapshot() == before
    assert events_since(since) == []


def test_a_second_request_while_one_is_pending_is_409(world, payer, api) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    assert _request(api, stay, denial_id=denial.pk).status_code == 201
    before = snapshot()

    again = _request(api, stay, denial_id=denial.pk)

    assert again.status_code == 409
    assert snapshot() == before


def test_another_stays_denial_is_422_and_nothing_changes(world, payer, api) -> None:
    stay = _stay(world)
    other = _denial(world, _stay(world))
    before = snapshot()

    response = _request(api, stay, denial_id=other.pk)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "denial_id"]
    assert snapshot() == before


def _step(api, stay, peer_id, version, **body):
    return call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/peer-to-peers/{peer_id}",
        {"version": version, **body},
    )


def test_an_overturn_approves_the_days_requested_through_the_authorization(
    world, payer, api
) -> None:
    stay = _stay(world)
    authorization = _decided(world, stay)
    peer = _request(api, stay, authorization_id=authorization.pk).json()
    scheduled = _step(
        api, stay, peer["id"], 1, step="scheduled", scheduled_at=_when(-20)
    )  # tomorrow
    assert scheduled.status_code == 200, scheduled.content
    since = last_event_id()

    held_at = _when(1)
    response = _step(
        api,
        stay,
        peer["id"],
        2,
        step="concluded",
        outcome="overturned",
        held_at=held_at,
        note="Telemetry need accepted",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["outcome"], response.json()["note"]) == (
        "overturned",
        "Telemetry need accepted",
    )
    authorization.refresh_from_db()
    assert (authorization.state, authorization.authorized_days) == ("approved", 4)
    window = Deadline.objects.get(kind=PayerDeadline.PEER_TO_PEER, subject_id=peer["id"])
    assert window.state == DeadlineState.MET
    review = Deadline.objects.get(kind=PayerDeadline.REVIEW, subject_id=authorization.pk)
    assert review.state == DeadlineState.OPEN
    _one_event(since, AuditAction.UPDATE, "stay_peer_to_peer", stay.consumer_id)


def test_a_partial_overturn_adds_the_days_to_a_partial_approval(world, payer, api) -> None:
    stay = _stay(world)
    authorization = _decided(world, stay, decision="partly_approved", authorized_days=1)
    peer = _request(api, stay, authorization_id=authorization.pk).json()

    response = _step(
        api,
        stay,
        peer["id"],
        1,
        step="concluded",
        outcome="partly_overturned",
        held_at=_when(1),
        overturned_days=2,
    )

    assert response.status_code == 200, response.content
    authorization.refresh_from_db()
    assert (authorization.state, authorization.authorized_days) == ("partly_approved", 3)


def test_an_overturned_denial_is_won_and_its_appeal_clock_waived(world, payer, api) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    peer = _request(api, stay, denial_id=denial.pk).json()

    response = _step(
        api,
        stay,
        peer["id"],
        1,
        step="concluded",
        outcome="overturned",
        held_at=_when(1),
        overturned_days=2,
        overturned_amount="4200.00",
    )

    assert response.status_code == 200, response.content
    denial.refresh_from_db()
    assert denial.state == "overturned"
    filing = Deadline.objects.get(kind=PayerDeadline.APPEAL_FILE, subject_id=denial.pk)
    assert filing.state == DeadlineState.WAIVED
    assert StayPeerToPeer.objects.get(pk=peer["id"]).overturned_amount == Decimal("4200.00")


def test_an_upheld_denial_stays_open_to_appeal(world, payer, api) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    peer = _request(api, stay, denial_id=denial.pk).json()

    response = _step(api, stay, peer["id"], 1, step="concluded", outcome="upheld", held_at=_when(1))

    assert response.status_code == 200, response.content
    denial.refresh_from_db()
    assert denial.state == "open"
    filing = Deadline.objects.get(kind=PayerDeadline.APPEAL_FILE, subject_id=denial.pk)
    assert filing.state == DeadlineState.OPEN


def test_recovering_more_than_denied_is_422_and_nothing_changes(world, payer, api) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    peer = _request(api, stay, denial_id=denial.pk).json()
    before, since = snapshot(), last_event_id()

    response = _step(
        api,
        stay,
        peer["id"],
        1,
        step="concluded",
        outcome="overturned",
        held_at=_when(1),
        overturned_amount="4200.01",
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "overturned_amount"]
    assert snapshot() == before
    assert events_since(since) == []


def test_a_concluded_peer_to_peer_is_409_and_nothing_changes(world, payer, api) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    peer = _request(api, stay, denial_id=denial.pk).json()
    assert _step(api, stay, peer["id"], 1, step="concluded", outcome="not_held").status_code == 200
    before, since = snapshot(), last_event_id()

    response = _step(api, stay, peer["id"], 2, step="scheduled", scheduled_at=_when(-5))

    assert response.status_code == 409
    assert snapshot() == before
    assert events_since(since) == []


def test_another_stays_peer_to_peer_is_404_and_one_denial(world, payer, api) -> None:
    stay = _stay(world)
    other = _stay(world)
    peer = _request(api, other, denial_id=_denial(world, other).pk).json()
    before, since = snapshot(), last_event_id()

    response = _step(api, stay, peer["id"], 1, step="scheduled", scheduled_at=_when(-5))

    assert response.status_code == 404
    assert snapshot() == before
    assert [e.outcome for e in events_since(since)] == [AuditOutcome.DENIED]


# --- pages ---------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _local(hours: float) -> str:
    return (clock.now() - timedelta(hours=hours)).astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")


def test_the_stay_page_requests_and_records_a_peer_to_peer(world, payer) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    client = _client(world.cm)
    page = client.get(f"/stays/{stay.pk}/").content.decode()
    assert f"/stays/{stay.pk}/peer-to-peers/new/?about=denial-{denial.pk}" in page
    url = f"/stays/{stay.pk}/peer-to-peers/new/"
    form = {
        "about": f"denial-{denial.pk}",
        "speaker": "attending",
        "physician_name": "",
        "requested_at": _local(2),
    }
    assert_form_refused(client, url, form, "This field is required.")

    saved = client.post(url, {**form, "physician_name": "Dr. Okafor"})

    assert saved.status_code == 302
    peer = StayPeerToPeer.objects.get(stay=stay)
    assert (peer.denial_id, peer.speaker, peer.physician_name) == (
        denial.pk,
        "attending",
        "Dr. Okafor",
    )
    concluded = client.post(
        f"/stays/{stay.pk}/peer-to-peers/{peer.pk}/step/",
        {"version": "1", "step": "concluded", "outcome": "upheld", "held_at": _local(1)},
    )
    assert concluded.status_code == 302
    shown = client.get(f"/stays/{stay.pk}/").content.decode()
    assert f'id="peer-to-peer-{peer.pk}"' in shown
    assert "Dr. Okafor" in shown


def test_a_peer_to_peer_clock_on_the_worklist_leads_to_its_stay(world, payer, api) -> None:
    stay = _stay(world)
    peer = _request(api, stay, denial_id=_denial(world, stay).pk).json()

    mine = _client(world.cm).get(f"/stays/peer-to-peers/{peer['id']}/")
    assert mine.status_code == 302
    assert mine["Location"] == f"/stays/{stay.pk}/#peer-to-peer-{peer['id']}"

    since = last_event_id()
    theirs = _client(world.cm2).get(f"/stays/peer-to-peers/{peer['id']}/")
    assert theirs.status_code == 404
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, None)
    ]
    assert StayAuthorization.objects.count() == 0


def test_the_payer_terms_page_shows_the_peer_to_peer_window_and_its_source(world, payer) -> None:
    page = _client(world.cm).get("/payers/").content.decode()

    assert "Peer-to-peer held within" in page
    assert "URAC Health UM (U8): within 1 business day of the request" in page
