"""Journeys through the browser: a referral to a closed case, and a refused consent."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from casework.cases.models import Case, CaseState
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import Checked

pytestmark = [pytest.mark.e2e, pytest.mark.slow(35)]


def heading(page: Page, text: str) -> None:
    """The page with this heading, loaded: its scripts (htmx) run, so a filter's change
    event is caught rather than lost to a page still starting."""
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    page.wait_for_load_state("load")


def tick(page: Page, label: str) -> None:
    """Tick a USWDS radio or checkbox by clicking its label (the input is visually hidden)."""
    control = page.get_by_label(label, exact=True)
    page.locator(f"label[for='{control.get_attribute('id')}']").click()
    expect(control).to_be_checked()


def state_is(page: Page, label: str) -> None:
    expect(page.locator("#case-state")).to_have_text(label)


def take_referral(c: Checked, *, source: str, given: str, family: str) -> None:
    page = c.page
    page.locator("main").get_by_role("link", name="New referral").click()
    heading(page, "New referral")
    c.check()
    tick(page, source)
    if source != "Self-referral":
        page.get_by_label("Referrer's name").fill("Dr. Amara Okafor")
        page.get_by_label("Referrer's organization").fill("Riverside Clinic")
    page.get_by_label("Reason for referral").fill("Three admissions for heart failure this year.")
    page.get_by_label("Consumer's given name").fill(given)
    page.get_by_label("Consumer's family name").fill(family)
    page.get_by_label("Birth date").fill("1948-02-17")
    page.get_by_label("Preferred language").select_option("es")
    tick(page, "Needs an interpreter")
    page.get_by_role("button", name="Open case").click()
    heading(page, f"{given} {family}")
    expect(page.get_by_role("status").first).to_contain_text("Referral recorded")
    state_is(page, "Referred")
    c.check()


def record_notice(c: Checked, label: str, *, good_faith: bool = False) -> None:
    page = c.page
    page.get_by_role("link", name=f"Record {label}").click()
    heading(page, "Record a notice given")
    c.check()
    page.get_by_label("How it was given").select_option("in_person")
    if good_faith:
        tick(page, "Refused or not obtained: good-faith attempt")
        page.get_by_role("button", name="Record notice").click()
        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Describe the good-faith effort")
        c.check()
        page.get_by_label("Good-faith effort made").fill(
            "Explained the notice; the consumer declined to sign."
        )
    else:
        tick(page, "Acknowledged in writing")
    page.get_by_role("button", name="Record notice").click()
    expect(page.get_by_role("status").first).to_contain_text("Notice recorded.")


def test_referral_to_closure(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    c.sign_in(staff.cm.username)
    heading(page, "Worklist")
    c.check()

    take_referral(c, source="Professional", given="Rosa", family="Delgado")
    case_url = page.url
    expect(page.get_by_text("Interpreter needed")).to_be_visible()

    page.get_by_role("link", name="Add support person").click()
    c.check()
    page.get_by_label(re.compile(r"^Name \*$")).fill("Luis Delgado")
    page.get_by_label("Relationship").select_option("child")
    tick(page, "Emergency contact")
    page.get_by_role("button", name="Add support person").click()
    expect(page.get_by_role("cell", name="Luis Delgado", exact=True)).to_be_visible()

    page.get_by_role("link", name="Purpose of the program", exact=True).click()
    heading(page, "Acerca de Program main")
    c.check()
    page.goto(case_url)

    record_notice(c, "Purpose of the program")
    record_notice(c, "How to make a complaint")
    record_notice(c, "Notice of privacy practices", good_faith=True)
    c.check()

    page.get_by_role("link", name="Record consent decision").click()
    heading(page, "Record consent to case management")
    c.check()
    tick(page, "Granted")
    page.get_by_label("Method").select_option("written")
    page.get_by_role("button", name="Record decision").click()
    state_is(page, "Engaged")
    c.check()

    page.get_by_role("button", name="Start services").click()
    state_is(page, "Active")

    page.get_by_role("link", name="Add work item").click()
    heading(page, "Add a work item")
    c.check()
    page.get_by_label("Title").fill("Arrange a home health visit")
    tick(page, "Service to the consumer")
    page.get_by_role("button", name="Add work item").click()
    expect(
        page.get_by_role("cell", name=re.compile("^Arrange a home health visit"))
    ).to_be_visible()

    page.get_by_role("link", name="Log communication").click()
    heading(page, "Log a communication")
    c.check()
    page.get_by_label("Channel").select_option("phone")
    page.get_by_label("Parties").fill("Rosa Delgado and her son Luis")
    page.get_by_label("Summary").fill("Agreed on a home health visit next week.")
    page.get_by_role("button", name="Log communication").click()
    expect(page.get_by_role("cell", name="Rosa Delgado and her son Luis")).to_be_visible()

    page.get_by_role("link", name="Write note").click()
    heading(page, "Write a case note")
    c.check()
    tick(page, "Progress note")
    page.get_by_label(re.compile(r"^Note \*$")).fill("Home visit arranged; medications reviewed.")
    page.get_by_role("button", name="Sign and save note").click()
    expect(page.get_by_text("Home visit arranged; medications reviewed.")).to_be_visible()
    c.check()

    page.get_by_role("link", name="Complete with an outcome Arrange a home health visit").click()
    heading(page, "Complete a work item")
    c.check()
    page.get_by_label("Outcome").fill("Visit took place.")
    page.get_by_role("button", name="Mark completed").click()
    expect(page.get_by_role("status").first).to_contain_text("Work item completed")

    page.get_by_role("link", name="Close case").click()
    heading(page, "Close the case")
    expect(page.get_by_label("Where to go if things change")).to_have_value(
        "Call 555-0100 if your needs change."
    )
    c.check()
    page.get_by_label("Reason for closing").select_option("goals_met")
    page.get_by_label("How the consumer was told").select_option("phone")
    page.get_by_role("button", name="Close case").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("each involved provider")
    c.check()
    page.get_by_label("Provider 1: name").fill("Dr. Amara Okafor")
    page.get_by_label("Provider 1: how they were told").select_option("fax")
    page.get_by_role("button", name="Close case").click()
    state_is(page, "Closed")
    c.check()

    page.get_by_role("link", name="Closure of case management", exact=True).click()
    heading(page, "Su administración de casos ha terminado")
    c.check()

    case = Case.objects.get()
    assert case.state == CaseState.CLOSED
    assert case.notices.filter(kind="closure").count() == 2
    # S33: nothing about the consumer is kept in the browser's storage.
    stored = page.evaluate(
        "() => [localStorage, sessionStorage].flatMap(s => Object.entries(s)).flat().join(' ')"
    )
    for phi in ("Rosa", "Delgado", "1948", "Luis", "heart failure", "Home visit arranged"):
        assert phi not in stored
    assert page.evaluate("() => window.localStorage.length") == 0
    assert page.evaluate("async () => (await indexedDB.databases()).length") == 0


def test_refused_consent_declines_and_offers_no_clinical_forms(
    checked: Checked, staff: World
) -> None:
    c, page = checked, checked.page
    c.sign_in(staff.cm.username)
    heading(page, "Worklist")

    take_referral(c, source="Self-referral", given="Ana", family="Pérez")
    expect(page.get_by_role("link", name="Write consent-attempt note")).to_be_visible()
    for clinical in ("Write note", "Add work item", "Log communication"):
        expect(page.get_by_role("link", name=clinical, exact=True)).to_have_count(0)

    page.get_by_role("link", name="Write consent-attempt note").click()
    c.check()
    expect(page.get_by_label("Progress note")).to_have_count(0)
    page.get_by_label(re.compile(r"^Note \*$")).fill(
        "Explained case management; she will think about it."
    )
    page.get_by_role("button", name="Sign and save note").click()

    page.get_by_role("link", name="Record consent decision").click()
    tick(page, "Refused")
    page.get_by_label("Method").select_option("verbal")
    page.get_by_role("button", name="Record decision").click()
    state_is(page, "Declined")
    c.check()
    expect(page.get_by_text("Nothing new can be recorded on it.")).to_be_visible()
    for offered in (
        "Write note",
        "Write consent-attempt note",
        "Add work item",
        "Add administrative work item",
        "Log communication",
        "Log enrollment communication",
        "Start services",
    ):
        expect(page.get_by_role("link", name=offered, exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name=offered, exact=True)).to_have_count(0)

    page.get_by_role("link", name="Worklist").first.click()
    heading(page, "Worklist")
    page.get_by_label("Case state").select_option("referred")
    expect(page.locator("#worklist-results")).to_contain_text("No open cases match these filters.")
    expect(page).to_have_url(re.compile(r"state=referred"))
    expect(page.locator("#worklist-status")).to_have_text("Showing 0 open cases.")
    c.check()
    assert Case.objects.get().state == CaseState.DECLINED


def test_supervisor_reassigns_a_case_of_the_team(checked: Checked, staff: World) -> None:
    case = factories.referred_case(staff.cm, given_name="Iris", family_name="Moreno")
    elsewhere = factories.referred_case(staff.other_cm)
    c, page = checked, checked.page

    page.goto(c.base_url + "/")
    page.get_by_label("Username").fill(staff.supervisor.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#error-summary")).to_be_focused()
    c.check()
    c.sign_in(staff.supervisor.username)
    heading(page, "Worklist")
    expect(page.get_by_role("heading", name="Your team's open cases")).to_be_visible()
    c.check()

    page.get_by_role("link", name="Iris Moreno").click()
    page.get_by_role("link", name="Reassign").click()
    heading(page, "Reassign the case")
    c.check()
    page.get_by_label("New case manager").select_option(str(staff.cm2.pk))
    page.get_by_label("Reason").fill("Balancing caseloads")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_role("status").first).to_contain_text("reassigned")
    c.check()
    case.refresh_from_db()
    assert case.assigned_to_id == staff.cm2.pk

    page.goto(f"{c.base_url}/cases/{elsewhere.pk}/")
    heading(page, "Page not found")
    c.check(expect_status=404)


def test_compliance_officer_reviews_the_audit_report(checked: Checked, staff: World) -> None:
    case = factories.referred_case(staff.cm, given_name="Lena", family_name="Ortiz")
    c, page = checked, checked.page

    c.sign_in(staff.cm.username)
    heading(page, "Worklist")
    page.get_by_role("link", name="Lena Ortiz").click()
    heading(page, "Lena Ortiz")
    page.get_by_role("button", name="Sign out").click()

    c.sign_in(staff.compliance.username)
    heading(page, "Find a consumer")
    page.get_by_role("navigation", name="Primary").get_by_role("link", name="Audit report").click()
    heading(page, "Audit report")
    c.check()
    page.get_by_label("User name").fill(staff.cm.username)
    page.get_by_label("Consumer: name or record number").fill(case.consumer.mrn)
    page.get_by_label("Action").select_option("read")
    page.get_by_role("button", name="Apply filters").click()
    heading(page, "Audit report")
    expect(page.get_by_role("status").first).to_contain_text("1 events match")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr td").nth(2)).to_have_text("Read")
    c.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert len(lines) == 2
    assert lines[1].split(",")[3] == staff.cm.username
