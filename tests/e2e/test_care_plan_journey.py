"""Journey: assessment → needs → plan → agreement → progress → revision → PDF download,
with axe-core and console checks on every page (issue 4)."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from casework.careplans.models import CarePlan
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import Checked
from tests.e2e.test_journeys import heading, tick

pytestmark = [pytest.mark.e2e, pytest.mark.slow(15)]


def choose(page: Page, field: str, index: int) -> None:
    """Tick the index-th answer of a question (answer texts repeat across questions)."""
    page.locator(f"label[for='id_{field}_{index}']").click()
    expect(page.locator(f"#id_{field}_{index}")).to_be_checked()


def saved(page: Page, message: str) -> None:
    expect(page.get_by_role("status").first).to_contain_text(message)


def test_assessment_to_plan_to_pdf(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    factories.instruments()
    case = factories.active_case(
        staff.cm, given_name="Rosa", family_name="Delgado", preferred_language="es"
    )
    c.sign_in(staff.cm.username)
    page.goto(f"{c.base_url}/cases/{case.pk}/")
    heading(page, "Rosa Delgado")
    c.check()

    # Assessment: the Hunger Vital Sign finds food insecurity.
    page.get_by_role("link", name="Start an assessment").click()
    heading(page, "Start an assessment")
    c.check()
    page.get_by_role("link", name="Start Hunger Vital Sign").click()
    heading(page, "Hunger Vital Sign")
    c.check()
    page.get_by_label("Who took part").fill("Rosa and her son Luis")
    page.get_by_role("button", name="Record and score").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("an answer is required")
    c.check()
    choose(page, "hvs_worried", 0)
    choose(page, "hvs_didnt_last", 2)
    page.get_by_role("button", name="Record and score").click()
    saved(page, "Assessment recorded and scored.")
    c.check()

    # Its summary: every question with the answer in words.
    page.get_by_role("link", name="Hunger Vital Sign").click()
    heading(page, "Hunger Vital Sign")
    expect(page.get_by_role("cell", name="Often true", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Never true", exact=True)).to_be_visible()
    expect(page.get_by_text("Rosa and her son Luis")).to_be_visible()
    c.check()
    page.get_by_role("link", name="Back to the case").click()
    heading(page, "Rosa Delgado")

    # Needs: confirm the suggested finding with both priorities.
    page.get_by_role("link", name="Confirm or dismiss Food insecurity").click()
    heading(page, "Confirm or dismiss a need")
    c.check()
    tick(page, "Confirm")
    page.get_by_label("Priority", exact=True).select_option("1")
    page.get_by_label("The consumer's own priority (1 = most important)").fill("1")
    page.get_by_role("button", name="Save decision").click()
    saved(page, "Decision saved.")
    expect(page.get_by_role("cell", name="Confirmed", exact=True)).to_be_visible()

    # Plan: care team, problem, goal, intervention.
    page.get_by_role("link", name="Open the plan of care").click()
    heading(page, "Plan of care")
    c.check()
    page.get_by_role("link", name="Add care team member").click()
    heading(page, "Add a care team member")
    c.check()
    tick(page, "Caregiver or family")
    page.get_by_label(re.compile(r"^Name")).fill("Luis Delgado")
    page.get_by_label(re.compile(r"^Role")).fill("Caregiver (son)")
    page.get_by_role("button", name="Add to the care team").click()
    saved(page, "Care team member added.")

    page.get_by_role("link", name="Add problem").click()
    heading(page, "Add a problem to the plan")
    c.check()
    page.get_by_label("From a confirmed need").select_option(label="Food insecurity")
    page.get_by_label(re.compile(r"^Priority")).select_option("1")
    page.get_by_label(re.compile(r"^Reason for the change")).fill("First plan with Rosa")
    page.get_by_role("button", name="Add problem").click()
    saved(page, "saved as a new version")
    c.check()

    page.get_by_role("link", name="Add goal").click()
    heading(page, "Add a goal")
    c.check()
    page.get_by_label(re.compile(r"^Goal \*")).fill("Enough food every day")
    page.get_by_label(re.compile(r"^Target value")).fill("0 days without a meal each week")
    page.get_by_label(re.compile(r"^Target date")).fill(
        (date.today() + timedelta(days=60)).isoformat()
    )
    page.get_by_label(re.compile(r"^Reason for the change")).fill("Goal agreed with Rosa")
    page.get_by_role("button", name="Add goal").click()
    saved(page, "saved as a new version")

    page.get_by_role("link", name="Add intervention").click()
    heading(page, "Add an intervention")
    c.check()
    tick(page, "Referral")
    page.get_by_label(re.compile(r"^Intervention \*")).fill("Refer to the food pantry")
    page.get_by_label(re.compile(r"^Due date")).fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_label(re.compile(r"^Reason for the change")).fill("First step")
    page.get_by_role("button", name="Add intervention").click()
    saved(page, "saved as a new version")
    expect(page.get_by_role("cell", name="Refer to the food pantry")).to_be_visible()
    c.check()

    # Agreement and progress.
    page.get_by_role("link", name="Record agreement").click()
    heading(page, "Record agreement to the plan")
    c.check()
    page.get_by_label(re.compile(r"^Who agreed")).fill("Rosa Delgado")
    tick(page, "Consumer")
    page.get_by_label(re.compile(r"^How")).select_option("in_person")
    page.get_by_label(re.compile(r"^Who took part")).fill("Rosa, Luis and the case manager")
    page.get_by_role("button", name="Record agreement").click()
    saved(page, "Agreement recorded.")
    expect(page.get_by_text("Agreed by Rosa Delgado (Consumer)")).to_be_visible()

    page.get_by_role("link", name="Record progress").click()
    heading(page, "Record progress on a goal")
    c.check()
    tick(page, "Improving")
    page.get_by_label(re.compile(r"^Note")).fill("First pantry visit done.")
    page.get_by_role("button", name="Record progress").click()
    saved(page, "Progress recorded.")
    expect(page.get_by_text("First pantry visit done.")).to_be_visible()

    # Revision: the goal is met; the earlier version stays readable.
    page.get_by_role("link", name="Change goal status").click()
    heading(page, "Change a goal's status")
    c.check()
    page.get_by_label("New status").select_option("achieved")
    page.get_by_label(re.compile(r"^Reason for the change")).fill("Goal met at review")
    page.get_by_role("button", name="Save status").click()
    saved(page, "saved as a new version")
    expect(page.get_by_role("cell", name="Goal met at review")).to_be_visible()
    c.check()
    page.get_by_role("link", name="Version 3").click()
    heading(page, "Plan of care, version 3")
    c.check()
    page.go_back()

    # The document: Spanish print page, then the PDF download.
    page.get_by_role("link", name="Print the plan for the consumer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Su plan de atención")
    c.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the plan (PDF)").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"plan-of-care-{case.pk}.pdf"
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    plan = CarePlan.objects.get(case=case)
    assert plan.current is not None
    assert (plan.current.number, plan.current.reason) == (4, "Goal met at review")
    assert plan.current.goals.get().status == "achieved"
