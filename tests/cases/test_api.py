"""Referral and case endpoints: intake, worklist, notices, consent and the lifecycle.

Bad input is refused with the field and reason and writes nothing, not even an audit
row (S9, S43); the happy paths assert exact values and exactly one audit event."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from casework.cases import services as case_services
from casework.cases.models import Case, CaseAssignment, Notice, Referral
from casework.consumers.models import Consumer
from casework.consumers.services import support_person_create
from casework.coordination.services import work_item_create
from casework.core import clock
from casework.core.models import AuditAction, AuditEvent, AuditOutcome
from tests import factories
from tests.api_helpers import (
    call,
    events_since,
    first_error,
    iso,
    last_event_id,
    refused,
    session_client,
)
from tests.conftest import World


def _ago(hours: int = 1) -> str:
    return iso(clock.now() - timedelta(hours=hours))


def intake_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": "professional",
        "referrer_name": "Dr. Ada Lind",
        "referrer_organization": "Riverside Clinic",
        "reason": "Three admissions in six months",
        "received_at": "2026-02-01T09:30:00Z",
        "consumer": {
            "given_name": "Maria",
            "family_name": "Lopez",
            "birth_date": "1948-05-17",
            "sex": "female",
            "preferred_language": "es",
            "interpreter_needed": True,
            "mrn": "MRN-7781",
        },
    }
    body.update(overrides)
    return body


# --- intake ---------------------------------------------------------------------------------


def test_intake_of_a_new_consumer_opens_a_referred_case_for_the_case_manager(
    world: World,
) -> None:
    since = last_event_id()

    response = call(session_client(world.cm), "POST", "/api/v1/referrals", intake_body())

    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get()
    consumer = Consumer.objects.get()
    assert body["id"] == case.pk
    assert (body["state"], body["version"], body["complexity"]) == ("referred", 1, "moderate")
    assert body["assigned_to"]["id"] == world.cm.pk
    assert body["team_id"] == world.team.pk
    assert body["consumer"] == {
        "id": consumer.pk,
        "given_name": "Maria",
        "family_name": "Lopez",
        "birth_date": "1948-05-17",
        "mrn": "MRN-7781",
    }
    assert body["referral"]["source"] == "professional"
    assert body["referral"]["referrer_name"] == "Dr. Ada Lind"
    assert body["referral"]["received_at"] == "2026-02-01T09:30:00Z"
    assert (consumer.preferred_language, consumer.interpreter_needed) == ("es", True)
    assert CaseAssignment.objects.get().assigned_to == world.cm
    assert [(e.action, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.CREATE, "case", consumer.pk)
    ]


def test_a_supervisor_takes_a_referral_for_a_case_manager_on_the_team(world: World) -> None:
    response = call(
        session_client(world.supervisor),
        "POST",
        "/api/v1/referrals",
        intake_body(assign_to=world.cm2.pk),
    )

    assert response.status_code == 201
    assert response.json()["assigned_to"]["id"] == world.cm2.pk
    assert response.json()["team_id"] == world.team.pk


def _withdrawn(world: World) -> Case:
    case = factories.referred_case(world.cm)
    return case_services.case_withdraw(
        actor=factories.actor(world.cm), case=case, version=case.version, reason="moved"
    )


INTAKE_REFUSALS: dict[str, tuple[Callable[[World], dict[str, Any]], int, Any]] = {
    "missing reason": (
        lambda w: {k: v for k, v in intake_body().items() if k != "reason"},
        422,
        (["body", "reason"], "Field required"),
    ),
    "received_at not a date": (
        lambda w: intake_body(received_at="yesterday"),
        422,
        (
            ["body", "received_at"],
            "Input should be a valid datetime or date, input is too short",
        ),
    ),
    "received_at without a time zone": (
        lambda w: intake_body(received_at="2026-02-01T09:30:00"),
        422,
        (["body", "received_at"], "Input should have timezone info"),
    ),
    "unknown source": (
        lambda w: intake_body(source="rumour"),
        422,
        (
            ["body", "source"],
            "Input should be 'professional', 'self', 'family' or 'population_screening'",
        ),
    ),
    "referrer name too long": (
        lambda w: intake_body(referrer_name="x" * 201),
        422,
        (["body", "referrer_name"], "String should have at most 200 characters"),
    ),
    "given name too long": (
        lambda w: intake_body(consumer={**intake_body()["consumer"], "given_name": "x" * 101}),
        422,
        (["body", "consumer", "given_name"], "String should have at most 100 characters"),
    ),
    "professional referral without the referrer": (
        lambda w: intake_body(referrer_name=""),
        422,
        (["body", "referrer_name"], "name the person who referred"),
    ),
    "neither consumer nor consumer_id": (
        lambda w: {k: v for k, v in intake_body().items() if k != "consumer"},
        422,
        (["body", "consumer"], "give an existing consumer or a new one"),
    ),
    "consumer email invalid": (
        lambda w: intake_body(consumer={**intake_body()["consumer"], "email": "nope"}),
        422,
        (["body", "consumer", "email"], "Enter a valid email address."),
    ),
    "unknown assignee": (
        lambda w: intake_body(assign_to=999_999),
        422,
        (["body", "assign_to"], "no such staff member in your program"),
    ),
    "case manager assigning someone else": (
        lambda w: intake_body(assign_to=w.cm2.pk),
        422,
        (["body", "assign_to"], "a case manager opens cases for themself"),
    ),
    "state is not writable": (
        lambda w: intake_body(state="active"),
        422,
        (["body", "state"], "Extra inputs are not permitted"),
    ),
    "created_by is not writable": (
        lambda w: intake_body(created_by=1),
        422,
        (["body", "created_by"], "Extra inputs are not permitted"),
    ),
    "version is not writable on create": (
        lambda w: intake_body(version=5),
        422,
        (["body", "version"], "Extra inputs are not permitted"),
    ),
    "consumer already has an open case": (
        lambda w: {
            **{k: v for k, v in intake_body().items() if k != "consumer"},
            "consumer_id": factories.referred_case(w.cm).consumer_id,
        },
        409,
        "this consumer already has an open case",
    ),
}


@pytest.mark.parametrize("name", list(INTAKE_REFUSALS))
def test_bad_intake_is_refused_and_writes_nothing(world: World, name: str) -> None:
    make_body, status, expected = INTAKE_REFUSALS[name]
    body = make_body(world)

    response = refused(session_client(world.cm), "POST", "/api/v1/referrals", body)

    assert response.status_code == status
    if status == 422:
        assert first_error(response) == expected
    else:
        assert response.json() == {"detail": expected}


def test_intake_for_an_existing_consumer_reopens_a_case(world: World) -> None:
    old = _withdrawn(world)
    body = {k: v for k, v in intake_body().items() if k != "consumer"}

    response = call(
        session_client(world.cm),
        "POST",
        "/api/v1/referrals",
        {**body, "consumer_id": old.consumer_id},
    )

    assert response.status_code == 201
    assert response.json()["consumer"]["id"] == old.consumer_id
    assert Case.objects.filter(consumer_id=old.consumer_id).count() == 2
    assert Consumer.objects.count() == 1


def test_intake_for_an_unknown_consumer_is_404_and_audited_as_denied(world: World) -> None:
    body = {k: v for k, v in intake_body().items() if k != "consumer"}
    since = last_event_id()

    response = call(
        session_client(world.cm), "POST", "/api/v1/referrals", {**body, "consumer_id": 999_999}
    )

    assert response.status_code == 404
    assert Referral.objects.count() == 0
    assert [(e.outcome, e.object_type, e.object_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "consumer", "999999")
    ]


# --- worklist -------------------------------------------------------------------------------


def test_my_cases_lists_only_my_open_cases_and_audits_one_list(world: World) -> None:
    mine = factories.referred_case(world.cm)
    active = factories.active_case(world.cm)
    factories.referred_case(world.cm2)
    _withdrawn(world)
    since = last_event_id()

    response = call(session_client(world.cm), "GET", "/api/v1/cases")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert sorted(c["id"] for c in response.json()["items"]) == sorted([mine.pk, active.pk])
    events = events_since(since)
    assert [(e.action, e.object_type, e.consumer_id) for e in events] == [
        (AuditAction.LIST, "case", None)
    ]
    assert events[0].detail["count"] == 2
    assert sorted(events[0].detail["ids"]) == sorted([mine.pk, active.pk])


def test_state_filter(world: World) -> None:
    factories.referred_case(world.cm)
    active = factories.active_case(world.cm)

    response = call(session_client(world.cm), "GET", "/api/v1/cases?state=active")

    assert [c["id"] for c in response.json()["items"]] == [active.pk]


def test_state_filter_can_reach_closed_states(world: World) -> None:
    withdrawn = _withdrawn(world)

    response = call(session_client(world.cm), "GET", "/api/v1/cases?state=withdrawn&state=closed")

    assert [c["id"] for c in response.json()["items"]] == [withdrawn.pk]


def test_an_unknown_state_filter_is_422(world: World) -> None:
    response = call(session_client(world.cm), "GET", "/api/v1/cases?state=lost")

    assert response.status_code == 422
    assert first_error(response)[0] == ["query", "state", 0]


def test_team_scope_lists_the_supervisors_team(world: World) -> None:
    a = factories.referred_case(world.cm)
    b = factories.referred_case(world.cm2)
    factories.referred_case(world.other_cm)

    response = call(session_client(world.supervisor), "GET", "/api/v1/cases?scope=team")

    assert sorted(c["id"] for c in response.json()["items"]) == sorted([a.pk, b.pk])


def test_a_case_manager_has_no_team_list(world: World) -> None:
    factories.referred_case(world.cm)

    response = call(session_client(world.cm), "GET", "/api/v1/cases?scope=team")

    assert response.json() == {"count": 0, "items": []}


def test_worklist_counts_open_and_overdue_work_items(world: World) -> None:
    case = factories.active_case(world.cm)
    for days in (-2, 3):
        work_item_create(
            actor=factories.actor(world.cm),
            case=case,
            title="Call",
            kind="service",
            owner=world.cm,
            due_at=clock.now() + timedelta(days=days),
        )

    item = call(session_client(world.cm), "GET", "/api/v1/cases").json()["items"][0]

    assert (item["open_items"], item["overdue_items"]) == (2, 1)


def test_pagination_returns_the_total_and_one_page(world: World) -> None:
    cases = [factories.referred_case(world.cm) for _ in range(3)]
    ordered = [
        c["id"] for c in call(session_client(world.cm), "GET", "/api/v1/cases").json()["items"]
    ]

    response = call(session_client(world.cm), "GET", "/api/v1/cases?limit=1&offset=1")

    assert sorted(ordered) == sorted(c.pk for c in cases)
    assert response.json()["count"] == 3
    assert [c["id"] for c in response.json()["items"]] == [ordered[1]]


def test_a_consumers_cases_are_listed_newest_first(world: World) -> None:
    old = _withdrawn(world)
    body = {k: v for k, v in intake_body().items() if k != "consumer"}
    new = call(
        session_client(world.cm),
        "POST",
        "/api/v1/referrals",
        {**body, "consumer_id": old.consumer_id},
    ).json()

    response = call(session_client(world.cm), "GET", f"/api/v1/consumers/{old.consumer_id}/cases")

    assert response.json()["count"] == 2
    assert [c["id"] for c in response.json()["items"]] == [new["id"], old.pk]


# --- a case, its notices and consent -------------------------------------------------------


def test_get_case_audits_one_read(world: World) -> None:
    case = factories.referred_case(world.cm)
    since = last_event_id()

    response = call(session_client(world.cm), "GET", f"/api/v1/cases/{case.pk}")

    assert response.status_code == 200
    assert response.json()["state"] == "referred"
    assert [(e.action, e.object_type, e.object_id, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.READ, "case", str(case.pk), case.consumer_id)
    ]


def notice(kind: str, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "method": "in_person",
        "delivered_at": _ago(),
        "acknowledgement": "acknowledged",
        **overrides,
    }


def test_notices_and_consent_through_the_api_engage_the_case(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = session_client(world.cm)
    for kind in ("program_purpose", "complaint_process"):
        assert (
            call(client, "POST", f"/api/v1/cases/{case.pk}/notices", notice(kind)).status_code
            == 201
        )
    privacy = call(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/notices",
        notice(
            "privacy_practices",
            acknowledgement="good_faith_attempt",
            good_faith_note="Consumer declined to sign; copy left.",
            language="es",
            interpreter_used=True,
        ),
    )
    consent = call(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/consents",
        {
            "decision": "granted",
            "method": "verbal",
            "decided_at": _ago(),
            "evidence": "Witness: J. Ray",
        },
    )

    assert privacy.status_code == 201
    assert {
        k: privacy.json()[k] for k in ("kind", "acknowledgement", "language", "interpreter_used")
    } == {
        "kind": "privacy_practices",
        "acknowledgement": "good_faith_attempt",
        "language": "es",
        "interpreter_used": True,
    }
    assert consent.status_code == 201
    assert (consent.json()["decision"], consent.json()["given_by"]) == ("granted", "consumer")
    assert call(client, "GET", f"/api/v1/cases/{case.pk}").json()["state"] == "engaged"
    listed = call(client, "GET", f"/api/v1/cases/{case.pk}/notices").json()
    assert listed["count"] == 3
    history = call(client, "GET", f"/api/v1/cases/{case.pk}/consents").json()
    assert [c["decision"] for c in history["items"]] == ["granted"]


def test_refused_consent_declines_the_case(world: World) -> None:
    case = factories.referred_case(world.cm)

    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/cases/{case.pk}/consents",
        {"decision": "refused", "method": "verbal", "decided_at": _ago()},
    )

    assert response.status_code == 201
    case.refresh_from_db()
    assert case.state == "declined"


def test_a_surrogate_consents_for_a_consumer_who_does_not_decide(world: World) -> None:
    case = factories.referred_case(world.cm)
    person = support_person_create(
        actor=factories.actor(world.cm),
        consumer=factories.consumer_of(case),
        name="Ana Lopez",
        relationship="child",
        is_legal_decision_maker=True,
    )

    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/cases/{case.pk}/consents",
        {
            "decision": "granted",
            "method": "written",
            "decided_at": _ago(),
            "given_by": "surrogate",
            "surrogate": person.pk,
        },
    )

    assert response.status_code == 201
    assert (response.json()["given_by"], response.json()["surrogate_id"]) == (
        "surrogate",
        person.pk,
    )


def _case(world: World, kind: str) -> Case:
    if kind == "withdrawn":
        return _withdrawn(world)
    return {
        "referred": factories.referred_case,
        "engaged": factories.engaged_case,
        "active": factories.active_case,
    }[kind](world.cm)


# (case state, route suffix, body) → (status, expected error)
CASE_REFUSALS: dict[str, tuple[str, str, Callable[[World, Case], dict[str, Any]], int, Any]] = {
    "notice: missing kind": (
        "referred",
        "notices",
        lambda w, c: {k: v for k, v in notice("program_purpose").items() if k != "kind"},
        422,
        (["body", "kind"], "Field required"),
    ),
    "notice: wrong type": (
        "referred",
        "notices",
        lambda w, c: notice("program_purpose", interpreter_used="perhaps"),
        422,
        (
            ["body", "interpreter_used"],
            "Input should be a valid boolean, unable to interpret input",
        ),
    ),
    "notice: closure is recorded when closing": (
        "referred",
        "notices",
        lambda w, c: notice("closure"),
        422,
        (["body", "kind"], "closure notices are recorded when closing"),
    ),
    "notice: good-faith attempt without the effort": (
        "referred",
        "notices",
        lambda w, c: notice("privacy_practices", acknowledgement="good_faith_attempt"),
        422,
        (["body", "good_faith_note"], "describe the good-faith effort to obtain acknowledgement"),
    ),
    "notice: recipient name too long": (
        "referred",
        "notices",
        lambda w, c: notice("program_purpose", recipient_name="x" * 201),
        422,
        (["body", "recipient_name"], "String should have at most 200 characters"),
    ),
    "notice: recorded_by is not writable": (
        "referred",
        "notices",
        lambda w, c: notice("program_purpose", recorded_by=w.cm2.pk),
        422,
        (["body", "recorded_by"], "Extra inputs are not permitted"),
    ),
    "notice: withdrawn case": (
        "withdrawn",
        "notices",
        lambda w, c: notice("program_purpose"),
        409,
        "the case is withdrawn",
    ),
    "consent: missing method": (
        "referred",
        "consents",
        lambda w, c: {"decision": "granted", "decided_at": _ago()},
        422,
        (["body", "method"], "Field required"),
    ),
    "consent: unknown surrogate": (
        "referred",
        "consents",
        lambda w, c: {
            "decision": "granted",
            "method": "written",
            "decided_at": _ago(),
            "given_by": "surrogate",
            "surrogate": 999_999,
        },
        422,
        (["body", "surrogate"], "no such support person of this consumer"),
    ),
    "consent: surrogate not named": (
        "referred",
        "consents",
        lambda w, c: {
            "decision": "granted",
            "method": "written",
            "decided_at": _ago(),
            "given_by": "surrogate",
        },
        422,
        (["body", "surrogate"], "name the consumer's support person"),
    ),
    "consent: revoke what was never granted": (
        "referred",
        "consents",
        lambda w, c: {"decision": "revoked", "method": "written", "decided_at": _ago()},
        409,
        "only granted consent can be revoked",
    ),
    "consent: granted twice": (
        "engaged",
        "consents",
        lambda w, c: {"decision": "granted", "method": "written", "decided_at": _ago()},
        409,
        "consent is already granted; revoke it to record a change",
    ),
    "activate: missing version": (
        "engaged",
        "activate",
        lambda w, c: {},
        422,
        (["body", "version"], "Field required"),
    ),
    "activate: version not a number": (
        "engaged",
        "activate",
        lambda w, c: {"version": "latest"},
        422,
        (
            ["body", "version"],
            "Input should be a valid integer, unable to parse string as an integer",
        ),
    ),
    "activate: a referred case": (
        "referred",
        "activate",
        lambda w, c: {"version": c.version},
        409,
        "a referred case cannot become active",
    ),
    "activate: state is not writable": (
        "engaged",
        "activate",
        lambda w, c: {"version": c.version, "state": "closed"},
        422,
        (["body", "state"], "Extra inputs are not permitted"),
    ),
    "withdraw: blank reason": (
        "referred",
        "withdraw",
        lambda w, c: {"version": c.version, "reason": ""},
        422,
        (["body", "reason"], "String should have at least 1 character"),
    ),
    "withdraw: reason too long": (
        "referred",
        "withdraw",
        lambda w, c: {"version": c.version, "reason": "x" * 2001},
        422,
        (["body", "reason"], "String should have at most 2000 characters"),
    ),
    "withdraw: already withdrawn": (
        "withdrawn",
        "withdraw",
        lambda w, c: {"version": c.version, "reason": "again"},
        409,
        "a withdrawn case cannot become withdrawn",
    ),
    "close: missing consumer notice": (
        "active",
        "close",
        lambda w, c: {"version": c.version, "reason": "goals_met", "instructions": "Call us"},
        422,
        (["body", "consumer_notice"], "Field required"),
    ),
    "close: unknown reason": (
        "active",
        "close",
        lambda w, c: {
            "version": c.version,
            "reason": "bored",
            "instructions": "Call us",
            "consumer_notice": {"method": "mail", "delivered_at": _ago()},
        },
        422,
        (
            ["body", "reason"],
            "Input should be 'goals_met', 'consumer_request', 'consent_revoked', 'transferred', "
            "'benefits_ended', 'unable_to_reach', 'deceased' or 'other'",
        ),
    ),
    "close: providers not accounted for": (
        "active",
        "close",
        lambda w, c: {
            "version": c.version,
            "reason": "goals_met",
            "instructions": "Call us",
            "consumer_notice": {"method": "mail", "delivered_at": _ago()},
        },
        409,
        "record the closure notice given to each involved provider",
    ),
    "close: a referred case": (
        "referred",
        "close",
        lambda w, c: {
            "version": c.version,
            "reason": "goals_met",
            "instructions": "Call us",
            "consumer_notice": {"method": "mail", "delivered_at": _ago()},
            "no_providers_involved": True,
        },
        409,
        "a referred case cannot become closed",
    ),
    "reassign: to a case manager on another team": (
        "referred",
        "reassign",
        lambda w, c: {"version": c.version, "assign_to": w.other_cm.pk, "reason": "Leave"},
        422,
        (["body", "assign_to"], "not an active case manager on your team"),
    ),
    "reassign: to the current assignee": (
        "referred",
        "reassign",
        lambda w, c: {"version": c.version, "assign_to": w.cm.pk, "reason": "Leave"},
        422,
        (["body", "assign_to"], "the case is already assigned to them"),
    ),
    "reassign: unknown user": (
        "referred",
        "reassign",
        lambda w, c: {"version": c.version, "assign_to": 999_999, "reason": "Leave"},
        422,
        (["body", "assign_to"], "no such staff member in your program"),
    ),
    "reassign: a withdrawn case": (
        "withdrawn",
        "reassign",
        lambda w, c: {"version": c.version, "assign_to": w.cm2.pk, "reason": "Leave"},
        409,
        "the case is withdrawn",
    ),
}


@pytest.mark.parametrize("name", list(CASE_REFUSALS))
def test_bad_case_writes_are_refused_and_write_nothing(world: World, name: str) -> None:
    state, suffix, make_body, status, expected = CASE_REFUSALS[name]
    case = _case(world, state)
    user = world.supervisor if suffix == "reassign" else world.cm

    response = refused(
        session_client(user), "POST", f"/api/v1/cases/{case.pk}/{suffix}", make_body(world, case)
    )

    assert response.status_code == status, response.content
    if status == 422:
        assert first_error(response) == expected
    else:
        assert response.json() == {"detail": expected}


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        ("activate", {}),
        ("withdraw", {"reason": "Moved"}),
        ("reassign", {"reason": "Leave"}),
        (
            "close",
            {
                "reason": "goals_met",
                "instructions": "Call us",
                "no_providers_involved": True,
            },
        ),
    ],
)
def test_a_stale_version_is_409_with_the_current_version(
    world: World, suffix: str, body: dict[str, Any]
) -> None:
    case = factories.engaged_case(world.cm)
    user = world.supervisor if suffix == "reassign" else world.cm
    if suffix == "reassign":
        body = {**body, "assign_to": world.cm2.pk}
    if suffix == "close":
        body = {**body, "consumer_notice": {"method": "mail", "delivered_at": _ago()}}

    response = refused(
        session_client(user),
        "POST",
        f"/api/v1/cases/{case.pk}/{suffix}",
        {**body, "version": case.version - 1},
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"the record has changed (now at version {case.version}); reload it",
        "current_version": case.version,
    }


def test_activate_then_close_with_notices(world: World) -> None:
    case = factories.engaged_case(world.cm)
    client = session_client(world.cm)

    activated = call(client, "POST", f"/api/v1/cases/{case.pk}/activate", {"version": case.version})
    closed = call(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/close",
        {
            "version": activated.json()["version"],
            "reason": "goals_met",
            "instructions": "Call 555-0100 if your needs change.",
            "summary": "Stable at home.",
            "consumer_notice": {"method": "mail", "delivered_at": _ago()},
            "provider_notices": [
                {"method": "fax", "delivered_at": _ago(), "recipient_name": "Dr. Ada Lind"}
            ],
        },
    )

    assert activated.status_code == 200
    assert activated.json()["state"] == "active"
    assert closed.status_code == 200
    assert {k: closed.json()[k] for k in ("state", "closure_reason", "closure_summary")} == {
        "state": "closed",
        "closure_reason": "goals_met",
        "closure_summary": "Stable at home.",
    }
    closure = Notice.objects.filter(case=case, kind="closure").order_by("pk")
    assert [(n.recipient_type, n.recipient_name, n.method) for n in closure] == [
        ("consumer", "", "mail"),
        ("provider", "Dr. Ada Lind", "fax"),
    ]


def test_close_is_refused_while_work_items_are_open(world: World) -> None:
    case = factories.active_case(world.cm)
    work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Call",
        kind="service",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=1),
    )

    response = refused(
        session_client(world.cm),
        "POST",
        f"/api/v1/cases/{case.pk}/close",
        {
            "version": case.version,
            "reason": "goals_met",
            "instructions": "Call us",
            "consumer_notice": {"method": "mail", "delivered_at": _ago()},
            "no_providers_involved": True,
        },
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "1 open work item(s) must be completed or cancelled first"}


def test_supervisor_reassigns_and_the_case_moves(world: World) -> None:
    case = factories.referred_case(world.cm)
    since = last_event_id()

    response = call(
        session_client(world.supervisor),
        "POST",
        f"/api/v1/cases/{case.pk}/reassign",
        {"version": case.version, "assign_to": world.cm2.pk, "reason": "Caseload balance"},
    )

    assert response.status_code == 200
    assert (response.json()["assigned_to"]["id"], response.json()["version"]) == (
        world.cm2.pk,
        case.version + 1,
    )
    events = events_since(since)
    assert [(e.action, e.actor_id, e.consumer_id) for e in events] == [
        (AuditAction.UPDATE, world.supervisor.pk, case.consumer_id)
    ]
    assert events[0].detail["assigned_to"] == world.cm2.pk


def test_list_events_never_carry_phi(world: World) -> None:
    case = factories.active_case(world.cm, given_name="Rosalind")
    call(session_client(world.cm), "GET", f"/api/v1/cases/{case.pk}/notices")

    event = AuditEvent.objects.order_by("-pk").first()
    assert event is not None
    assert event.action == AuditAction.LIST
    assert set(event.detail) == {"count", "ids"}
    assert "Rosalind" not in str(event.detail)
