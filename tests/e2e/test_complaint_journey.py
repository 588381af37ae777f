"""Journey: a grievance by phone → acknowledgement → investigation note → resolution →
the resolution letter in Spanish, with axe-core and console checks on every page (K1)."""

import pytest
from playwright.sync_api import expect

from casework.complaints.models import Complaint
from casework.core.models import Deadline
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import Checked
from tests.e2e.test_journeys import heading, tick

pytestmark = pytest.mark.e2e


def test_phone_grievance_to_resolution_letter(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    case = factories.active_case(
        staff.cm, given_name="Rosa", family_name="Delgado", preferred_language="es"
    )
    c.sign_in(staff.cm.username)
    page.goto(f"{c.base_url}/consumers/{case.consumer_id}/")
    heading(page, "Rosa Delgado")
    c.check()

    page.get_by_role("link", name="Receive a complaint or grievance").click()
    heading(page, "Receive a complaint")
    c.check()
    page.get_by_label("Received by").select_option("phone")
    page.get_by_label("Who complained").fill("Rosa Delgado")
    page.get_by_label("Relationship to the consumer").fill("self")
    page.get_by_label("What it is about").fill("The aide missed two visits.")
    page.get_by_label("Category").select_option("quality_of_care")
    page.get_by_label("Severity").select_option("medium")
    page.get_by_label("Coverage").select_option("medicaid_managed_care")
    tick(page, "Expedited: the consumer's health is at risk")
    page.get_by_role("button", name="Record the complaint").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("say why health is at risk")
    c.check()
    page.locator("label[for='id_expedited']").click()  # not urgent after all: untick
    expect(page.locator("#id_expedited")).not_to_be_checked()
    page.get_by_role("button", name="Record the complaint").click()

    complaint = Complaint.objects.get()
    heading(page, f"Grievance C-{complaint.pk}")
    expect(page.get_by_role("status").first).to_contain_text("Complaint received")
    expect(page.get_by_role("cell", name="MC-2")).to_be_visible()
    c.check()

    page.get_by_role("link", name="Record the acknowledgement").click()
    heading(page, "Record the acknowledgement")
    c.check()
    page.get_by_label("How it was acknowledged").select_option("mail")
    page.get_by_role("button", name="Record acknowledgement").click()
    expect(page.get_by_role("status").first).to_contain_text("Acknowledgement recorded.")
    c.check()

    page.get_by_role("link", name="Add an investigation note").click()
    page.get_by_label("Investigation note").fill("Called the agency: two shifts uncovered.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Called the agency: two shifts uncovered.")).to_be_visible()

    page.get_by_role("link", name="Resolve the complaint").click()
    heading(page, "Resolve the complaint")
    c.check()
    page.get_by_label("Outcome").select_option("upheld")
    page.get_by_label("What we found and what we did").fill("The agency assigned a new aide.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("status").first).to_contain_text("Complaint resolved.")
    c.check()

    with page.expect_download() as download:
        page.get_by_role("link", name="Resolution letter in Spanish (PDF)").click()
    assert download.value.suggested_filename == f"complaint-{complaint.pk}-letter.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    complaint.refresh_from_db()
    assert complaint.state == "resolved"
    assert sorted(
        Deadline.objects.filter(subject_id=complaint.pk, subject_type="complaint").values_list(
            "kind", "state"
        )
    ) == [("complaint_acknowledge", "met"), ("complaint_resolve", "met")]

    page.get_by_role("navigation", name="Primary").get_by_role("link", name="Complaints").click()
    heading(page, "Complaints and grievances")
    c.check()
