"""Issue 13, item 14: the timeline tells the whole story of a case (assessments, plan
versions, notices, consent decisions, closure); a work item's title on the worklist
leads to its case; the worklist's columns sort."""

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse

from casework.careplans import rules as plan_rules
from casework.careplans import services as plan_services
from casework.cases.selectors import CASE_SORTS, ITEM_SORTS, sort_order
from casework.coordination.services import work_item_create
from casework.core import clock
from tests import factories
from tests.conftest import World


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _timeline(html: str) -> list[str]:
    block = html.split('<ol class="cw-timeline">')[1].split("</ol>")[0]
    return re.findall(r"<strong>([^<]+)</strong>", block)


def test_the_timeline_shows_assessments_plan_versions_notices_and_consent(
    world: World,
) -> None:
    case = factories.active_case(world.cm)
    factories.assessment(world.cm, case, "phq9")
    member = factories.care_team_member(world.cm, case)
    plan = plan_rules.PlanSpec(
        problems=(plan_rules.ProblemSpec(key="p1", description="Food", priority=1),),
        goals=(
            plan_rules.GoalSpec(
                key="g1",
                problem_key="p1",
                description="Enough food",
                target_date=clock.today() + timedelta(days=30),
                target_value="3 meals",
            ),
        ),
        interventions=(
            plan_rules.InterventionSpec(
                key="i1",
                goal_key="g1",
                kind="referral",
                description="Pantry",
                responsible_id=member.pk,
                due_date=clock.today() + timedelta(days=7),
            ),
        ),
    )
    plan_services.care_plan_revise(
        actor=factories.actor(world.cm), case=case, plan=plan, reason="First plan", version=None
    )

    titles = _timeline(_client(world.cm).get(f"/cases/{case.pk}/").content.decode())

    assert f"Assessment: {factories.instrument('phq9').title}" in titles
    assert "Plan of care version 1" in titles
    assert sum(t.startswith("Notice given: ") for t in titles) == 3
    assert "Consent granted" in titles


def test_the_timeline_shows_the_closure_of_a_declined_case(world: World) -> None:
    from casework.cases import services

    case = factories.referred_case(world.cm)
    services.consent_record(
        actor=factories.actor(world.cm),
        case=case,
        decision="refused",
        method="verbal",
        decided_at=clock.now(),
    )
    titles = _timeline(_client(world.cm).get(f"/cases/{case.pk}/").content.decode())
    assert {"Case declined", "Consent refused"} <= set(titles)


def test_a_work_item_title_on_the_worklist_links_to_its_case(world: World) -> None:
    case = factories.referred_case(world.cm)
    work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Call the pharmacy",
        kind="administrative",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=1),
    )
    html = _client(world.cm).get(reverse("worklist")).content.decode()
    assert f'<a class="usa-link" href="/cases/{case.pk}/#work-items">Call the pharmacy</a>' in html


def test_sort_order() -> None:
    assert sort_order(ITEM_SORTS, "") == ("due_at", "id")
    assert sort_order(ITEM_SORTS, "-title") == ("-title", "-due_at", "-id")
    assert sort_order(CASE_SORTS, "nonsense") == ("-overdue_items", "state", "opened_at", "id")
    assert sort_order(CASE_SORTS, "-priority") == ("overdue_items", "-state", "-opened_at", "-id")


def test_the_worklist_sorts_its_work_items_by_a_column_both_ways(world: World) -> None:
    case = factories.referred_case(world.cm)
    for title, days in (("Bravo", 1), ("Alpha", 3), ("Charlie", 2)):
        work_item_create(
            actor=factories.actor(world.cm),
            case=case,
            title=title,
            kind="administrative",
            owner=world.cm,
            due_at=clock.now() + timedelta(days=days),
        )
    client = _client(world.cm)

    def order(**params: str) -> list[str]:
        html = client.get(reverse("worklist"), params).content.decode()
        return re.findall(r'#work-items">(Alpha|Bravo|Charlie)</a>', html)

    assert order() == ["Bravo", "Charlie", "Alpha"]
    assert order(item_sort="title") == ["Alpha", "Bravo", "Charlie"]
    assert order(item_sort="-title") == ["Charlie", "Bravo", "Alpha"]
    html = client.get(reverse("worklist"), {"item_sort": "title"}).content.decode()
    header = '<th scope="col" aria-sort="ascending"><a class="usa-link" href="{}">Work item'
    assert header.format("?scope=mine&amp;due=7&amp;item_sort=-title") in html


def test_the_worklist_sorts_its_cases_by_consumer(world: World) -> None:
    factories.referred_case(world.cm, given_name="Zed", family_name="Young")
    factories.referred_case(world.cm, given_name="Amy", family_name="Adams")
    client = _client(world.cm)

    def order(**params: str) -> list[str]:
        html = client.get(reverse("worklist"), params).content.decode()
        return re.findall(r">(Amy Adams|Zed Young)</a>", html)

    assert order(case_sort="consumer") == ["Amy Adams", "Zed Young"]
    assert order(case_sort="-consumer") == ["Zed Young", "Amy Adams"]
