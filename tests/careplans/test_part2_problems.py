"""A plan problem started from a need a 42 CFR Part 2 record suggested is a Part 2 record
(S40), and so is everything hanging from it: for a reader the consumer's Part 2 consent
does not cover it is withheld from the plan page, the document, the FHIR export and the
API (counted on the page and the document, never shown; named in the one read or print
event); its routes are 404 with one denied event; the reader may still change the rest
of the plan, and the withheld rows go into each new version unchanged. A covered reader
sees it all, with the redisclosure notice on every disclosure."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from casework.careplans.models import CarePlan, CarePlanVersion, GoalProgress, PlanProblem
from casework.cases.models import Case
from casework.coordination.rules import PART2_NOTICE
from casework.core import clock
from casework.core.models import AuditOutcome
from casework.core.roles import Role
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, snapshot, token_client
from tests.assessments.test_part2_needs import _case, _confirm, _consent
from tests.conftest import World
from tests.documents import pdf_text

pytestmark = pytest.mark.django_db

WITHHELD = "1 problem withheld: a 42 CFR Part 2 record your access is not covered for"
PART2_WORDS = ("Alcohol use", "Drink less", "Refer to counselling", "Cravings", "Two dry weeks")


def _day(days: int) -> str:
    return (clock.now() + timedelta(days=days)).date().isoformat()


def part2_plan_body(member_id: int, need_id: int | None, version: int | None) -> dict[str, Any]:
    """A plan with a problem written by hand (p1) and, with `need_id`, one started from
    the Part 2 need (p2), each with a goal, an intervention and a barrier."""
    body: dict[str, Any] = {
        "version": version,
        "reason": "Initial plan" if version is None else "Change",
        "problems": [{"key": "p1", "description": "Food insecurity", "priority": 2}],
        "goals": [
            {
                "key": "g1",
                "problem_key": "p1",
                "description": "Enough food",
                "target_date": _day(30),
                "target_value": "0 days without a meal",
            }
        ],
        "interventions": [
            {
                "key": "i1",
                "goal_key": "g1",
                "kind": "referral",
                "description": "Refer to the food pantry",
                "responsible": member_id,
                "due_date": _day(7),
            }
        ],
        "barriers": [{"goal_key": "g1", "description": "No car"}],
    }
    if need_id is not None:
        body["problems"].append(
            {"key": "p2", "description": "Alcohol use", "priority": 1, "need_id": need_id}
        )
        body["goals"].append(
            {
                "key": "g2",
                "problem_key": "p2",
                "description": "Drink less",
                "target_date": _day(60),
                "target_value": "AUDIT-C under 3",
            }
        )
        body["interventions"].append(
            {
                "key": "i2",
                "goal_key": "g2",
                "kind": "referral",
                "description": "Refer to counselling",
                "responsible": member_id,
                "due_date": _day(14),
            }
        )
        body["barriers"].append({"goal_key": "g2", "description": "Cravings at night"})
    return body


def part2_plan_case(world: World) -> tuple[Case, PlanProblem]:
    """A case whose plan, written by the AUDIT-C's assessor (the case manager), holds a
    problem written by hand (p1) and one started from the Part 2 need (p2)."""
    case, need = _case(world)
    _confirm(world, need)
    member = factories.care_team_member(world.cm, case)
    created = call(
        token_client(world.cm),
        "POST",
        f"/api/v1/cases/{case.pk}/care-plan/versions",
        part2_plan_body(member.pk, need.pk, None),
    )
    assert created.status_code == 201, created.content
    return case, PlanProblem.objects.get(key="p2", plan_version__plan__case=case)


def _plan(world: World) -> tuple[Case, CarePlan, PlanProblem]:
    """The assessor's plan with the Part 2 problem, and progress on its goal."""
    case, problem = part2_plan_case(world)
    client = token_client(world.cm)
    progress = call(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/care-plan/progress",
        {"goal_key": "g2", "trend": "improving", "note": "Two dry weeks"},
    )
    assert progress.status_code == 201, progress.content
    return case, CarePlan.objects.select_related("current").get(case=case), problem


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(user: Any, case: Case) -> str:
    response = _client(user).get(reverse("care_plan", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _whole(plan: CarePlan) -> list[tuple[str, ...]]:
    """The current version's rows, as written."""
    version = CarePlanVersion.objects.get(pk=CarePlan.objects.get(pk=plan.pk).current_id)
    return [
        *((p.key, p.description, str(p.need_id)) for p in version.problems.order_by("key")),
        *((g.key, g.problem.key, g.description, g.status) for g in version.goals.order_by("key")),
        *((i.key, i.goal.key, i.description) for i in version.interventions.order_by("key")),
        *((b.goal.key, b.description) for b in version.barriers.order_by("description")),
    ]


# --- the page -----------------------------------------------------------------------------


def test_the_assessor_sees_the_part2_problem_with_its_notice(world: World) -> None:
    case, _, _ = _plan(world)

    html = _page(world.cm, case)

    assert all(word in html for word in PART2_WORDS)
    assert PART2_NOTICE in html
    assert WITHHELD not in html


def test_without_consent_the_page_withholds_it_and_everything_hanging_from_it(
    world: World,
) -> None:
    case, _, _ = _plan(world)

    html = _page(world.supervisor, case)

    assert "Food insecurity" in html
    assert "Refer to the food pantry" in html
    assert [word for word in PART2_WORDS if word in html] == []


def test_without_consent_the_page_says_one_problem_is_withheld(world: World) -> None:
    case, _, _ = _plan(world)

    html = _page(world.supervisor, case)

    assert WITHHELD in html
    assert PART2_NOTICE not in html


def test_without_consent_the_read_names_the_withheld_problem(world: World) -> None:
    case, _, problem = _plan(world)
    since = last_event_id()

    _page(world.supervisor, case)

    assert [(e.action, e.object_type, e.object_id, e.detail) for e in events_since(since)] == [
        ("read", "case", str(case.pk), {"part2_withheld_problems": [problem.pk]})
    ]


def test_a_consent_naming_the_role_shows_it_all(world: World) -> None:
    case, _, _ = _plan(world)
    _consent(world, case, Role.SUPERVISOR)
    since = last_event_id()

    html = _page(world.supervisor, case)

    assert all(word in html for word in PART2_WORDS)
    assert WITHHELD not in html
    assert [e.detail for e in events_since(since)] == [{}]


def test_a_consent_naming_another_role_does_not(world: World) -> None:
    case, _, _ = _plan(world)
    _consent(world, case, Role.SENIOR_CLINICAL)

    html = _page(world.supervisor, case)

    assert "Alcohol use" not in html
    assert WITHHELD in html


def test_break_glass_never_shows_it(world: World) -> None:
    case, _, _ = _plan(world)
    _consent(world, case, Role.CASE_MANAGER)
    client = _client(world.cm2)
    client.post(
        reverse("break_glass_declare"),
        {"record_number": case.consumer.mrn, "reason": "Overdose in the waiting room now"},
    )

    html = client.get(reverse("care_plan", args=[case.pk])).content.decode()

    assert "Food insecurity" in html
    assert "Alcohol use" not in html
    assert WITHHELD in html


def test_an_earlier_version_withholds_it_too(world: World) -> None:
    case, _, _ = _plan(world)

    response = _client(world.supervisor).get(reverse("care_plan_version", args=[case.pk, 1]))

    html = response.content.decode()
    assert "Food insecurity" in html
    assert "Alcohol use" not in html
    assert WITHHELD in html


def test_the_case_page_withholds_it_from_the_plan_section(world: World) -> None:
    case, _, _ = _plan(world)

    html = _client(world.supervisor).get(reverse("case_detail", args=[case.pk])).content.decode()

    assert "Enough food" in html
    assert "Drink less" not in html
    assert WITHHELD in html


# --- the document ---------------------------------------------------------------------------


def test_without_consent_the_pdf_withholds_it_and_says_so(world: World) -> None:
    case, _, _ = _plan(world)

    response = _client(world.supervisor).get(reverse("care_plan_pdf", args=[case.pk]))

    text = _flat(pdf_text(response.content))
    assert "Food insecurity" in text
    assert WITHHELD in text
    assert [word for word in PART2_WORDS if word in text] == []
    assert "42 CFR part 2" not in text


def test_without_consent_the_print_names_the_withheld_problem(world: World) -> None:
    case, _, problem = _plan(world)
    since = last_event_id()

    _client(world.supervisor).get(reverse("care_plan_pdf", args=[case.pk]))

    assert [(e.action, e.object_type, e.detail) for e in events_since(since)] == [
        (
            "print",
            "care_plan",
            {
                "version": 1,
                "format": "pdf",
                "language": "en",
                "part2_withheld_problems": [problem.pk],
            },
        )
    ]


def test_a_covered_reader_gets_it_in_the_pdf_with_the_redisclosure_notice(
    world: World,
) -> None:
    case, _, _ = _plan(world)
    _consent(world, case, Role.SUPERVISOR)

    response = _client(world.supervisor).get(reverse("care_plan_pdf", args=[case.pk]))

    text = _flat(pdf_text(response.content))
    assert all(word in text for word in PART2_WORDS[:4])
    assert "Alcohol use (42 CFR Part 2 record)" in text
    assert _flat(PART2_NOTICE) in text
    assert WITHHELD not in text


def test_the_print_page_withholds_it_too(world: World) -> None:
    case, _, _ = _plan(world)

    html = _client(world.supervisor).get(reverse("care_plan_print", args=[case.pk]))

    assert "Alcohol use" not in html.content.decode()
    assert WITHHELD in html.content.decode()


# --- FHIR and the API -----------------------------------------------------------------------


def _fhir(client: Client, case: Case) -> dict[str, Any]:
    response = client.get(f"/api/v1/cases/{case.pk}/care-plan/fhir")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    Bundle.model_validate(body)
    return body


def _resources(body: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == kind]


def test_without_consent_fhir_has_neither_its_condition_nor_its_goal(world: World) -> None:
    case, _, _ = _plan(world)

    body = _fhir(token_client(world.supervisor), case)

    assert [c["code"]["text"] for c in _resources(body, "Condition")] == ["Food insecurity"]
    assert [g["description"]["text"] for g in _resources(body, "Goal")] == ["Enough food"]
    care_plan = _resources(body, "CarePlan")[0]
    assert [a["detail"]["description"] for a in care_plan["activity"]] == [
        "Refer to the food pantry"
    ]
    assert "meta" not in care_plan


def test_without_consent_the_fhir_read_names_the_withheld_problem(world: World) -> None:
    case, plan, problem = _plan(world)
    client = token_client(world.supervisor)
    since = last_event_id()

    _fhir(client, case)

    assert [(e.action, e.object_type, e.object_id, e.detail) for e in events_since(since)] == [
        ("read", "care_plan", str(plan.pk), {"part2_withheld_problems": [problem.pk]})
    ]


def test_a_covered_reader_gets_it_in_fhir_labelled_with_the_notice(world: World) -> None:
    case, _, _ = _plan(world)
    _consent(world, case, Role.SUPERVISOR)

    body = _fhir(token_client(world.supervisor), case)

    conditions = {c["code"]["text"]: c for c in _resources(body, "Condition")}
    assert sorted(conditions) == ["Alcohol use", "Food insecurity"]
    alcohol = conditions["Alcohol use"]
    assert [s["code"] for s in alcohol["meta"]["security"]] == ["R", "42CFRPart2"]
    assert PART2_NOTICE in alcohol["text"]["div"]
    assert "meta" not in conditions["Food insecurity"]
    goals = {g["description"]["text"]: g for g in _resources(body, "Goal")}
    assert "meta" in goals["Drink less"]
    assert "meta" not in goals["Enough food"]
    assert "meta" in _resources(body, "CarePlan")[0]


def _api_problems(client: Client, path: str) -> list[dict[str, Any]]:
    response = client.get(path)
    assert response.status_code == 200, response.content
    problems: list[dict[str, Any]] = response.json()["problems"]
    return problems


def test_without_consent_the_api_leaves_it_out(world: World) -> None:
    case, _, _ = _plan(world)

    problems = _api_problems(token_client(world.supervisor), f"/api/v1/cases/{case.pk}/care-plan")

    assert [(p["key"], p["part2"], p["redisclosure_notice"]) for p in problems] == [
        ("p1", False, None)
    ]


def test_without_consent_the_api_leaves_it_out_of_earlier_versions(world: World) -> None:
    case, _, problem = _plan(world)
    client = token_client(world.supervisor)
    since = last_event_id()

    problems = _api_problems(client, f"/api/v1/cases/{case.pk}/care-plan/versions/1")

    assert [p["key"] for p in problems] == ["p1"]
    assert [e.detail for e in events_since(since)] == [{"part2_withheld_problems": [problem.pk]}]


def test_a_covered_caller_gets_it_from_the_api_with_the_notice(world: World) -> None:
    case, _, _ = _plan(world)
    _consent(world, case, Role.SUPERVISOR)

    problems = _api_problems(token_client(world.supervisor), f"/api/v1/cases/{case.pk}/care-plan")

    assert [(p["key"], p["part2"]) for p in problems] == [("p2", True), ("p1", False)]
    assert problems[0]["redisclosure_notice"] == PART2_NOTICE
    assert [g["progress"][0]["note"] for g in problems[0]["goals"]] == ["Two dry weeks"]


# --- changing the plan without being covered ------------------------------------------------


def _denied_unchanged(user: Any, send: Any, object_type: str, object_id: str) -> None:
    """`send()` is 404, one denied event naming the row, and nothing changed."""
    before = snapshot()
    since = last_event_id()

    response = send()

    assert response.status_code == 404
    assert [(e.outcome, e.object_type, e.object_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, object_type, object_id)
    ]
    assert snapshot() == before


def test_the_api_revision_naming_it_is_404_with_one_denial(world: World) -> None:
    case, plan, _ = _plan(world)
    member = factories.care_team_member(world.cm, case)
    body = part2_plan_body(member.pk, None, plan.version)
    body["goals"][0]["problem_key"] = "p2"
    client = token_client(world.supervisor)

    _denied_unchanged(
        world.supervisor,
        lambda: call(client, "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", body),
        "care_plan",
        str(plan.pk),
    )


def test_progress_on_its_goal_through_the_api_is_404_with_one_denial(world: World) -> None:
    case, _, _ = _plan(world)
    client = token_client(world.supervisor)
    body = {"goal_key": "g2", "trend": "worsening", "note": "Relapse"}

    _denied_unchanged(
        world.supervisor,
        lambda: call(client, "POST", f"/api/v1/cases/{case.pk}/care-plan/progress", body),
        "plan_goal",
        "g2",
    )
    assert GoalProgress.objects.filter(note="Relapse").exists() is False


FORMS = [
    ("plan_goal_add", {"problem": "p2", "description": "X", "target_date": "2099-01-01"}, "p2"),
    ("plan_intervention_add", {"goal": "g2", "kind": "referral", "description": "X"}, "g2"),
    ("plan_barrier_add", {"goal": "g2", "description": "X"}, "g2"),
    ("plan_goal_status", {"goal": "g2", "status": "cancelled"}, "g2"),
    ("plan_progress_add", {"goal": "g2", "trend": "worsening", "note": "X"}, "g2"),
]


@pytest.mark.parametrize(("route", "data", "key"), FORMS, ids=[f[0] for f in FORMS])
def test_a_form_naming_it_is_404_with_one_denial(
    world: World, route: str, data: dict[str, str], key: str
) -> None:
    case, plan, _ = _plan(world)
    client = _client(world.supervisor)
    post = {**data, "version": str(plan.version), "reason": "Change"}

    _denied_unchanged(
        world.supervisor,
        lambda: client.post(reverse(route, args=[case.pk]), post),
        "plan_problem" if key.startswith("p") else "plan_goal",
        key,
    )


def test_the_forms_do_not_offer_it(world: World) -> None:
    case, _, _ = _plan(world)
    client = _client(world.supervisor)

    goal_form = client.get(reverse("plan_goal_add", args=[case.pk])).content.decode()
    progress_form = client.get(reverse("plan_progress_add", args=[case.pk])).content.decode()

    assert '<option value="p1">Food insecurity</option>' in goal_form
    assert "Alcohol use" not in goal_form
    assert '<option value="g1">Enough food</option>' in progress_form
    assert "Drink less" not in progress_form


def test_a_goal_added_without_consent_carries_the_withheld_rows_over_unchanged(
    world: World,
) -> None:
    case, plan, _ = _plan(world)
    kept = [row for row in _whole(plan) if row[0] in ("p2", "g2", "i2") or "Cravings" in row[1]]

    response = _client(world.supervisor).post(
        reverse("plan_goal_add", args=[case.pk]),
        {
            "problem": "p1",
            "description": "Cook at home",
            "target_date": _day(40),
            "observable_outcome": "Cooks three meals a week",
            "version": str(plan.version),
            "reason": "New goal",
        },
    )

    assert response.status_code == 302
    after = _whole(plan)
    assert [row for row in after if row in kept] == kept
    assert any(row[2:3] == ("Cook at home",) for row in after)


def test_an_api_revision_without_consent_carries_the_withheld_rows_over(world: World) -> None:
    case, plan, _ = _plan(world)
    before = _whole(plan)
    member_id = CarePlanVersion.objects.get(pk=plan.current_id).interventions.first().responsible_id
    body = part2_plan_body(member_id, None, plan.version)
    body["goals"][0]["status"] = "achieved"

    response = call(
        token_client(world.supervisor), "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", body
    )

    assert response.status_code == 201, response.content
    assert [p["key"] for p in response.json()["problems"]] == ["p1"]
    expected = [
        ("g1", "p1", "Enough food", "achieved") if row[:3] == ("g1", "p1", "Enough food") else row
        for row in before
    ]
    assert _whole(plan) == expected


def test_agreement_without_consent_still_works(world: World) -> None:
    case, plan, _ = _plan(world)

    response = call(
        token_client(world.supervisor),
        "POST",
        f"/api/v1/cases/{case.pk}/care-plan/agreements",
        {
            "plan_version": 1,
            "agreed_by": "Consumer",
            "role": "consumer",
            "method": "in_person",
            "participants": "Consumer",
            "agreed_at": (clock.now() - timedelta(hours=1)).isoformat(),
        },
    )

    assert response.status_code == 201, response.content
    assert CarePlan.objects.get(pk=plan.pk).current.agreements.count() == 1
