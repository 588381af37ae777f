"""Journeys: an exposure incident to its follow-up, and an abuse report to closure, with
axe-core and console checks on every page (J1, J2)."""

import pytest
from playwright.sync_api import expect

from casework.protections.models import AbuseReport, Incident
from casework.protections.services import jurisdiction_sample_install
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import Checked
from tests.e2e.test_journeys import heading, tick

pytestmark = [pytest.mark.e2e, pytest.mark.slow(10)]


def saved(checked: Checked, message: str) -> None:
    expect(checked.page.get_by_role("status").first).to_contain_text(message)


def test_exposure_incident_to_follow_up(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    c.sign_in(staff.cm.username)
    page.goto(f"{c.base_url}/protections/")
    heading(page, "Protections")
    c.check()
    page.get_by_role("link", name="Record an incident").click()
    heading(page, "Record an incident")
    c.check()
    page.get_by_label("Kind").select_option("exposure")
    page.get_by_label("What happened").fill("Needlestick from a used lancet during a home visit.")
    page.get_by_role("button", name="Record the incident").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("name the staff member affected")
    c.check()
    page.get_by_label("Staff member affected").select_option(str(staff.cm.pk))
    tick(page, "Contaminated sharps or infectious material involved")
    page.get_by_role("button", name="Record the incident").click()
    incident = Incident.objects.get()
    heading(page, f"Incident {incident.pk}")
    saved(c, "Incident recorded")
    expect(page.get_by_text("Privacy case: the name is withheld from the OSHA log")).to_be_visible()
    expect(page.get_by_role("cell", name="BBP-1")).to_be_visible()
    c.check()

    page.get_by_role("link", name="Record the evaluation offered").click()
    heading(page, "Post-exposure evaluation offered")
    c.check()
    page.get_by_role("button", name="Record").click()
    saved(c, "Follow-up recorded.")
    expect(page.get_by_role("cell", name="BBP-2")).to_be_visible()
    c.check()
    page.get_by_role("link", name="Record the written opinion").click()
    page.get_by_role("button", name="Record").click()
    saved(c, "Follow-up recorded.")
    page.get_by_role("link", name="Record the OSHA decision").click()
    heading(page, "OSHA recordability decision")
    c.check()
    page.get_by_label("Recordable on the OSHA 300 log").select_option("yes")
    page.get_by_label("Why").fill("Contaminated sharps injury (1904.8)")
    page.get_by_role("button", name="Record the decision").click()
    saved(c, "Decision recorded.")
    page.get_by_role("link", name="Close the incident").click()
    page.get_by_label("Outcome").fill("Source tested negative; follow-up complete.")
    page.get_by_role("button", name="Close").click()
    saved(c, "Incident closed.")
    c.check()
    incident.refresh_from_db()
    assert (incident.status, incident.osha_recordable) == ("closed", True)


def test_abuse_report_to_closure(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    jurisdiction_sample_install(program=staff.program)
    case = factories.active_case(staff.cm, given_name="Ana", family_name="Ruiz")
    c.sign_in(staff.cm.username)
    page.goto(f"{c.base_url}/consumers/{case.consumer_id}/")
    page.get_by_role("link", name="Report suspected abuse, neglect or exploitation").click()
    heading(page, "Report suspected abuse, neglect or exploitation")
    c.check()
    page.get_by_label("What is suspected").select_option("neglect")
    page.get_by_label("Who").select_option("elder")
    page.get_by_label("Where").select_option("community")
    page.get_by_label("State").fill("CA")
    page.get_by_label("What was seen or told").fill("No food in the house; bed sores.")
    page.get_by_role("button", name="Record and show the reporting duty").click()
    report = AbuseReport.objects.get()
    heading(page, f"Protection report {report.pk}")
    expect(page.get_by_text("Report to: County Adult Protective Services")).to_be_visible()
    expect(page.get_by_text("shipped sample table")).to_be_visible()
    c.check()
    for mode, reference in (("oral", "APS-2291"), ("written", "SOC 341")):
        page.get_by_role("link", name="Record a report to the agency").click()
        heading(page, "Record a report to the agency")
        c.check()
        page.get_by_label("Report made").select_option(mode)
        page.get_by_label("Agency reference number").fill(reference)
        page.get_by_role("button", name="Record the report").click()
        saved(c, "Report recorded.")
    page.get_by_role("link", name="Close the report").click()
    page.get_by_label("Outcome").fill("APS substantiated neglect; in-home services started.")
    page.get_by_role("button", name="Close").click()
    saved(c, "Report closed.")
    c.check()
    report.refresh_from_db()
    assert (report.status, report.oral_reference, report.written_reference) == (
        "closed",
        "APS-2291",
        "SOC 341",
    )
