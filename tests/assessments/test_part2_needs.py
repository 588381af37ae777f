"""What a Part 2 assessment suggests is a Part 2 record too (42 CFR Part 2, S40): the need
an AUDIT-C (shipped, marked Part 2) suggests is shown, counted and offered to the plan of
care only to its assessor and the roles the consumer's Part 2 consent names, never under
break-glass; everyone else sees the case as if the need were not there."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework.assessments import selectors
from casework.assessments import services as assessment_services
from casework.assessments.models import Need, NeedStatus
from casework.careplans.models import CarePlan
from casework.cases.models import Case
from casework.coordination import services as coordination_services
from casework.core.models import AuditOutcome
from casework.core.roles import Role
from tests import factories
from tests.api_helpers import events_since, last_event_id, token_client
from tests.conftest import World

pytestmark = pytest.mark.django_db

ALCOHOL = {"auditc_1": "LA18929-2", "auditc_2": "LA18931-8", "auditc_3": "LA18891-4"}
LOW_MOOD = {"phq2_1": "LA6571-9", "phq2_2": "LA6571-9"}
EVERY_NEED = ["Housing instability", "Depression", "Alcohol use"]
WITHOUT_PART2 = ["Housing instability", "Depression"]


def _case(world: World) -> tuple[Case, Need]:
    """An active case with a need recorded by hand, one a PHQ-2 suggested and one the
    AUDIT-C (Part 2) suggested; returns the case and the Part 2 need."""
    case = factories.active_case(world.cm)
    assessment_services.need_create(
        actor=factories.actor(world.cm),
        case=case,
        kind="problem",
        description="Housing instability",
        acuity=2,
    )
    factories.assessment(world.cm, case, "phq2", LOW_MOOD)
    secret = factories.assessment(world.cm, case, "auditc", ALCOHOL)
    assert secret.part2 is True
    return case, Need.objects.get(source_response=secret)


def _consent(world: World, case: Case, role: str) -> None:
    coordination_services.part2_consent_grant(
        actor=factories.actor(world.cm), case=case, role=role, scope="Care coordination"
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _listed(user: Any, case: Case) -> list[str]:
    response = token_client(user).get(f"/api/v1/cases/{case.pk}/needs")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return [n["description"] for n in body["items"]]


def test_the_audit_c_suggests_an_alcohol_need_from_a_part2_record(world: World) -> None:
    _, need = _case(world)

    assert (need.description, need.status, need.domain) == (
        "Alcohol use",
        NeedStatus.SUGGESTED,
        "alcohol_use",
    )


def test_the_assessor_lists_every_need(world: World) -> None:
    case, _ = _case(world)

    assert _listed(world.cm, case) == EVERY_NEED


def test_without_consent_the_api_leaves_it_out_and_its_id_unlogged(world: World) -> None:
    case, _ = _case(world)
    shown = list(
        Need.objects.filter(case=case, description__in=WITHOUT_PART2)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    client = token_client(world.supervisor)
    since = last_event_id()

    response = client.get(f"/api/v1/cases/{case.pk}/needs")

    assert [n["description"] for n in response.json()["items"]] == WITHOUT_PART2
    assert response.json()["count"] == 2
    assert [sorted(e.detail.get("ids", [])) for e in events_since(since)] == [shown]


def test_a_consent_naming_the_role_lists_it(world: World) -> None:
    case, _ = _case(world)
    _consent(world, case, Role.SUPERVISOR)

    assert _listed(world.supervisor, case) == EVERY_NEED


def test_a_consent_naming_another_role_does_not(world: World) -> None:
    case, _ = _case(world)
    _consent(world, case, Role.SENIOR_CLINICAL)

    assert _listed(world.supervisor, case) == WITHOUT_PART2


def test_the_selectors_count_only_what_the_reader_may_see(world: World) -> None:
    case, need = _case(world)
    supervisor, assessor = factories.actor(world.supervisor), factories.actor(world.cm)

    suggested = selectors.need_suggested_for_case(case_id=case.pk, actor=supervisor)
    section = selectors.case_section(case_id=case.pk, actor=supervisor)

    assert [n.description for n in suggested] == ["Depression"]
    assert section["suggested_needs"] == 1
    assert selectors.case_section(case_id=case.pk, actor=assessor)["suggested_needs"] == 2
    assert selectors.need_of_case(case_id=case.pk, need_id=need.pk, actor=supervisor) is None


def test_the_case_page_shows_it_and_counts_it_for_the_assessor(world: World) -> None:
    case, _ = _case(world)

    html = _client(world.cm).get(reverse("case_detail", args=[case.pk])).content.decode()

    assert "Alcohol use" in html
    assert "Confirm several needs" in html


def test_without_consent_the_case_page_leaves_it_out_and_uncounted(world: World) -> None:
    case, need = _case(world)

    html = _client(world.supervisor).get(reverse("case_detail", args=[case.pk])).content.decode()

    assert "Housing instability" in html
    assert "Depression" in html
    assert "Alcohol use" not in html
    assert reverse("need_decide", args=[case.pk, need.pk]) not in html
    # One suggested need left: the "confirm several" button is not offered.
    assert "Confirm several needs" not in html


def test_without_consent_its_decision_page_is_404(world: World) -> None:
    case, need = _case(world)

    response = _client(world.supervisor).get(reverse("need_decide", args=[case.pk, need.pk]))

    assert response.status_code == 404
    need.refresh_from_db()
    assert (need.status, need.version) == (NeedStatus.SUGGESTED, 1)


def test_without_consent_the_confirm_several_page_leaves_it_out(world: World) -> None:
    case, need = _case(world)
    depression = Need.objects.get(case=case, description="Depression")

    html = _client(world.supervisor).get(reverse("needs_confirm", args=[case.pk])).content.decode()

    assert f'name="confirm_{depression.pk}"' in html
    assert f'name="confirm_{need.pk}"' not in html


def test_without_consent_deciding_it_through_the_api_is_404_with_one_denial(
    world: World,
) -> None:
    _, need = _case(world)
    client = token_client(world.supervisor)
    since = last_event_id()

    response = client.post(
        f"/api/v1/needs/{need.pk}/decide",
        {"version": 1, "status": "dismissed"},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert [(e.outcome, e.object_type, e.object_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "need", str(need.pk))
    ]
    need.refresh_from_db()
    assert (need.status, need.version) == (NeedStatus.SUGGESTED, 1)


def test_a_covered_role_decides_it_through_the_api(world: World) -> None:
    case, need = _case(world)
    _consent(world, case, Role.SUPERVISOR)

    response = token_client(world.supervisor).post(
        f"/api/v1/needs/{need.pk}/decide",
        {"version": 1, "status": "dismissed"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    need.refresh_from_db()
    assert need.status == NeedStatus.DISMISSED


def _confirm(world: World, need: Need) -> None:
    assessment_services.need_decide(
        actor=factories.actor(world.cm),
        need=need,
        version=need.version,
        status="confirmed",
        acuity=1,
    )


def _offered(user: Any, case: Case) -> str:
    response = _client(user).get(reverse("plan_problem_add", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_plan_of_care_offers_a_confirmed_part2_need_to_its_assessor(world: World) -> None:
    case, need = _case(world)
    _confirm(world, need)

    html = _offered(world.cm, case)

    assert f'<option value="{need.pk}">Alcohol use</option>' in html


def test_without_consent_the_plan_of_care_does_not_offer_it(world: World) -> None:
    case, need = _case(world)
    _confirm(world, need)
    housing = Need.objects.get(case=case, description="Housing instability")

    html = _offered(world.supervisor, case)

    assert f'<option value="{housing.pk}">Housing instability</option>' in html
    assert "Alcohol use" not in html


def test_without_consent_choosing_it_for_the_plan_is_refused(world: World) -> None:
    case, need = _case(world)
    _confirm(world, need)

    response = _client(world.supervisor).post(
        reverse("plan_problem_add", args=[case.pk]),
        {"need": str(need.pk), "description": "", "priority": "1", "reason": "New problem"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert CarePlan.objects.filter(case=case).exists() is False


def test_break_glass_never_shows_it(world: World) -> None:
    case, _ = _case(world)
    _consent(world, case, Role.CASE_MANAGER)
    client = _client(world.cm2)
    client.post(
        reverse("break_glass_declare"),
        {"record_number": case.consumer.mrn, "reason": "Overdose in the waiting room now"},
    )

    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()

    assert "Housing instability" in html
    assert "Alcohol use" not in html
