"""Every 404 on a record's path is one denied audit event (S4), for every page route.

The routes are read from `casework.web_urls`, so a page added later is covered: for each
route that names a record, GET and POST by someone outside the relationship is 404, with
nothing changed and exactly one event, a denial naming no consumer. A method the route
does not serve is 405 with no event (it depends on the route alone, never on the
record). A route whose second path value names another case's record, or none, is the
same 404 and one denial for the case's own case manager: never a read.

The API's routes are covered the same way by tests/test_api_authz_matrix.py (another
caseload, program or team); its second-value routes are below.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from casework.assessments import services as assessment_services
from casework.cases.models import Case
from casework.consumers import services as consumer_services
from casework.coordination import services as coordination_services
from casework.core import clock
from casework.core.models import AuditEvent, AuditOutcome
from casework.core.roles import Role
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot, token_client
from tests.conftest import World
from tests.routes import page_routes

pytestmark = [pytest.mark.django_db, pytest.mark.slow(30)]

MISSING = 987_654


# Pages whose path value names no record of a consumer or a person: the resource
# directory is published reference data any signed-in user may read (docs/resources.md).
NOT_RECORDS = {"resource_service"}


def _record_routes() -> list[URLPattern]:
    return [
        p
        for p in page_routes()
        if isinstance(p, URLPattern)
        and p.pattern.converters  # type: ignore[attr-defined]
        and p.name not in NOT_RECORDS
    ]


ROUTES = _record_routes()
SECOND_VALUE_ROUTES = [p for p in ROUTES if len(p.pattern.converters) > 1]  # type: ignore[attr-defined]


def test_the_route_list_is_read_from_the_url_conf() -> None:
    names = {p.name for p in ROUTES}
    assert {"case_detail", "need_decide", "work_item_complete", "staff_record"} <= names
    assert {p.name for p in SECOND_VALUE_ROUTES} == {
        "notice_print",
        "assessment_create",
        "assessment_detail",
        "assessment_pdf",
        "need_decide",
        "care_plan_version",
        "stay_notice_print",
        "stay_authorization_step",
        "stay_appeal_new",
        "stay_appeal_packet",
        "stay_appeal_outcome",
        "stay_peer_to_peer_step",
        "stay_review_new",
        "stay_document_download",
        "complaint_step",
        "abuse_report_step",
        "incident_step",
        "transition_step",
        "support_person_edit",
        "support_person_remove",
        "advance_directive_edit",
        "advance_directive_remove",
        "note_amend",
        "consumer_merge_undo",
    }


def _records(world: World, cm: Any) -> dict[str, Any]:
    """An active case of `cm` with one of each record a path can name."""
    case = factories.active_case(cm)
    actor = factories.actor(cm)
    response = factories.assessment(cm, case)
    need = assessment_services.need_create(
        actor=actor, case=case, kind="problem", description="Needs rides", acuity=2
    )
    item = coordination_services.work_item_create(
        actor=actor,
        case=case,
        title="Call the clinic",
        kind="service",
        owner=cm,
        due_at=clock.now() + timedelta(days=2),
    )
    person = consumer_services.support_person_create(
        actor=actor, consumer=case.consumer, name="Pat Doe", relationship="spouse"
    )
    directive = consumer_services.advance_directive_create(
        actor=actor, consumer=case.consumer, kind="living_will"
    )
    note = coordination_services.note_create(
        actor=actor, case=case, kind="progress", text="Called the clinic"
    )
    credential = cm.credentials.first()
    verification = credential.verifications.first() if credential else None
    return {
        "case_id": case.pk,
        "consumer_id": case.consumer_id,
        "response_id": response.pk,
        "need_id": need.pk,
        "work_item_id": item.pk,
        "support_person_id": person.pk,
        "directive_id": directive.pk,
        "note_id": note.pk,
        "user_id": cm.pk,
        "credential_id": credential.pk if credential else MISSING,
        "verification_id": verification.pk if verification else MISSING,
        "action_id": MISSING,
        # Records outside the case (stays, complaints, restricted protection records):
        # one that does not exist is refused like one out of reach.
        "stay_id": MISSING,
        "message_id": MISSING,
        "complaint_id": MISSING,
        "report_id": MISSING,
        "incident_id": MISSING,
        "consultation_id": MISSING,
        "authorization_id": MISSING,
        "denial_id": MISSING,
        "education_id": MISSING,
        "appeal_id": MISSING,
        "peer_to_peer_id": MISSING,
        "document_id": MISSING,
        "referral_id": MISSING,
        "barrier_id": MISSING,
        "access_id": MISSING,  # a break-glass declaration (reviewed by compliance only)
        "hold_id": MISSING,
        "request_id": MISSING,
        "requirement_id": MISSING,
        "merge_id": MISSING,
        "step": "close",
        "number": 1,
        "kind": "enrollment",
        "code": "phq9",
    }


def _url(route: URLPattern, values: dict[str, Any]) -> str:
    names = route.pattern.converters  # type: ignore[attr-defined]
    return reverse(route.name or "", kwargs={name: values[name] for name in names})


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_refused(response: Any, since: int, user: Any) -> None:
    events = events_since(since)
    if response.status_code == 405:
        assert events == []
        return
    assert response.status_code == 404, response.content[:500]
    assert [(e.outcome, e.actor_id, e.consumer_id) for e in events] == [
        (AuditOutcome.DENIED, user.pk, None)
    ]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_outside_the_relationship_every_record_route_is_404_and_one_denial(
    world: World, route: URLPattern, method: str
) -> None:
    values = _records(world, world.cm)
    client = _client(world.cm2)
    before, since = snapshot(), last_event_id()

    url = _url(route, values)
    response = client.get(url) if method == "GET" else client.post(url, {"reason": "x"})

    _assert_refused(response, since, world.cm2)
    assert snapshot() == before


def _second_values(world: World, own: dict[str, Any]) -> dict[str, Any]:
    """The first path value the actor's own; the second another case's record, or none."""
    other = _records(world, world.cm3)
    return {
        **own,
        "response_id": other["response_id"],
        "need_id": other["need_id"],
        "support_person_id": other["support_person_id"],
        "directive_id": other["directive_id"],
        "note_id": other["note_id"],
        "number": 9,
        "kind": "no-such-notice",
        "code": "no-such-instrument",
    }


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("route", SECOND_VALUE_ROUTES, ids=lambda r: r.name)
def test_a_second_value_out_of_reach_is_404_and_one_denial_never_a_read(
    world: World, route: URLPattern, method: str
) -> None:
    values = _second_values(world, _records(world, world.cm))
    client = _client(world.cm)
    before, since = snapshot(), last_event_id()

    url = _url(route, values)
    response = client.get(url) if method == "GET" else client.post(url, {"status": "confirmed"})

    _assert_refused(response, since, world.cm)
    assert snapshot() == before


def test_the_denial_of_another_cases_need_names_the_need(world: World) -> None:
    own = _records(world, world.cm)
    other = _records(world, world.cm3)
    since = last_event_id()

    response = _client(world.cm).get(
        reverse("need_decide", kwargs={"case_id": own["case_id"], "need_id": other["need_id"]})
    )

    assert response.status_code == 404
    (event,) = events_since(since)
    assert (event.outcome, event.object_type, event.object_id) == (
        AuditOutcome.DENIED,
        "case",
        str(own["case_id"]),
    )
    assert event.detail == {"reason": f"not found or not permitted (need_id={other['need_id']})"}


def test_printing_a_plan_that_does_not_exist_is_one_denial(world: World) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()

    response = _client(world.cm).get(reverse("care_plan_print", kwargs={"case_id": case.pk}))

    assert response.status_code == 404
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, None)
    ]


def test_missing_evidence_is_one_denial(world: World) -> None:
    since = last_event_id()

    response = _client(world.compliance).get(
        reverse("staff_verification_evidence", kwargs={"verification_id": MISSING})
    )

    assert response.status_code == 404
    assert [(e.outcome, e.object_type, e.object_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "verification_evidence", str(MISSING))
    ]


# --- the API's routes with a second path value ------------------------------------------


def test_api_another_cases_plan_version_is_404_and_one_denial(world: World) -> None:
    case: Case = factories.active_case(world.cm)
    client = token_client(world.cm)
    since = last_event_id()

    response = client.get(f"/api/v1/cases/{case.pk}/care-plan/versions/9")

    assert response.status_code == 404
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, None)
    ]


def test_api_another_cases_need_is_404_and_one_denial(world: World) -> None:
    other = _records(world, world.cm3)
    client = token_client(world.cm)
    before, since = snapshot(), last_event_id()

    response = client.post(
        f"/api/v1/needs/{other['need_id']}/decide",
        data={"version": 1, "status": "confirmed", "acuity": 2},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert snapshot() == before
    assert [(e.outcome, e.object_type) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "need")
    ]
    assert AuditEvent.objects.filter(outcome=AuditOutcome.SUCCESS, pk__gt=since).count() == 0


# --- Part 2 records on pages (S40) ------------------------------------------------------
# The same cases as the API matrix's Part 2 section (tests/test_api_authz_matrix.py): the
# case page lists a Part 2 note and assessment only to their author and a role the
# consumer's Part 2 consent names, with the notice; the assessment's summary page and PDF
# are the 404 of a missing record to anyone else.

PART2_NOTE = "Methadone 80 mg daily."
PART2_TITLE = "Substance use screen (test)"


def _part2_case(world: World) -> tuple[Case, Any]:
    case = factories.active_case(world.cm)
    factories.part2_instrument()
    coordination_services.note_create(
        actor=factories.actor(world.cm), case=case, kind="progress", text=PART2_NOTE, part2=True
    )
    response = factories.assessment(
        world.cm, case, factories.PART2_INSTRUMENT, {"phq2_1": "LA6568-5", "phq2_2": "LA6568-5"}
    )
    return case, response


@pytest.mark.parametrize("covered", [True, False], ids=["consent names the role", "no consent"])
@pytest.mark.parametrize("role", list(Role.values))
def test_part2_pages_show_the_records_only_to_a_covered_role(
    world: World, role: str, covered: bool
) -> None:
    case, response = _part2_case(world)
    user = world.by_role(role)
    if covered:
        coordination_services.part2_consent_grant(
            actor=factories.actor(world.cm), case=case, role=role, scope="Care coordination"
        )
    client = _client(user)

    page = client.get(reverse("case_detail", args=[case.pk]))
    summary = client.get(f"/cases/{case.pk}/assessments/{response.pk}/")
    since = last_event_id()
    pdf = client.get(f"/cases/{case.pk}/assessments/{response.pk}/pdf/")

    if page.status_code == 404:  # a role that does not read consumers
        assert (summary.status_code, pdf.status_code) == (404, 404)
        return
    html = page.content.decode()
    if covered or user == world.cm:
        assert (PART2_NOTE in html, PART2_TITLE in html) == (True, True)
        assert html.count("protected by Federal confidentiality rules") == 2
        assert (summary.status_code, pdf.status_code) == (200, 200)
        assert "protected by Federal confidentiality rules" in summary.content.decode()
    else:
        assert (PART2_NOTE in html, PART2_TITLE in html) == (False, False)
        assert "protected by Federal confidentiality rules" not in html
        assert (summary.status_code, pdf.status_code) == (404, 404)
        assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
            (AuditOutcome.DENIED, None)
        ]


@pytest.mark.parametrize("covered", [True, False], ids=["consent names the role", "no consent"])
@pytest.mark.parametrize("role", list(Role.values))
@pytest.mark.parametrize("route", ["care_plan", "care_plan_pdf"])
def test_part2_plan_problem_is_shown_only_to_a_covered_role(
    world: World, route: str, role: str, covered: bool
) -> None:
    from tests.careplans.test_part2_problems import part2_plan_case
    from tests.documents import pdf_text

    case, problem = part2_plan_case(world)
    user = world.by_role(role)
    if covered:
        coordination_services.part2_consent_grant(
            actor=factories.actor(world.cm), case=case, role=role, scope="Care coordination"
        )
    client = _client(user)
    since = last_event_id()

    response = client.get(reverse(route, args=[case.pk]))

    if response.status_code == 404:  # a role that does not read consumers
        assert [e.outcome for e in events_since(since)] == [AuditOutcome.DENIED]
        return
    assert response.status_code == 200
    text = (
        " ".join(pdf_text(response.content).split())
        if route == "care_plan_pdf"
        else response.content.decode()
    )
    seen = covered or user == world.cm
    assert ("Alcohol use" in text, "Food insecurity" in text) == (seen, True)
    assert ("1 problem withheld" in text) is not seen
    (event,) = events_since(since)
    assert event.detail.get("part2_withheld_problems") == (None if seen else [problem.pk])
