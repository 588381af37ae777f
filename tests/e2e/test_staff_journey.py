"""Journey: a new case manager is credentialed, verified, oriented and signs the
confidentiality statement, then takes a case; when the license expires the assignment
is refused and a corrective action is open (A5-A8, S41)."""

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from casework.cases.models import Case
from casework.core import clock
from casework.core.sweep import sweep_once
from casework.staff.models import CorrectiveAction
from tests import factories
from tests.conftest import World
from tests.documents import pdf_bytes
from tests.e2e.conftest import PASSWORD, Checked
from tests.e2e.test_journeys import heading, tick

pytestmark = [pytest.mark.e2e, pytest.mark.slow(15)]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def reassign(c: Checked, case: Case, to_pk: int) -> None:
    page = c.page
    page.goto(f"{c.base_url}/cases/{case.pk}/reassign/")
    heading(page, "Reassign the case")
    page.get_by_label("New case manager").select_option(str(to_pk))
    page.get_by_label("Reason").fill("Balancing caseloads")
    page.get_by_role("button", name="Reassign").click()


def test_credential_verify_orient_attest_assign_then_expire(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    new_cm = factories.user("case_manager", staff.program, staff.team, compliant=False)
    for user in (new_cm, staff.compliance):
        user.set_password(PASSWORD)
        user.save()
    first = factories.referred_case(staff.cm, given_name="Iris", family_name="Moreno")
    second = factories.referred_case(staff.cm, given_name="Omar", family_name="Sayed")
    expires = clock.today() + timedelta(days=10)

    # Compliance records the license, verifies it with evidence, and records orientation.
    c.sign_in(staff.compliance.username)
    page.goto(f"{c.base_url}/staff/{new_cm.pk}/")
    heading(page, new_cm.get_full_name())
    expect(page.locator("#assignment-readiness")).to_contain_text("Current verified credential: no")
    c.check()
    page.get_by_role("link", name="Add a credential").click()
    heading(page, "Add a credential")
    c.check()
    page.get_by_label("Kind").select_option("license")
    page.get_by_label("Type (e.g. RN, LCSW, CCM, MSW)").fill("RN")
    page.get_by_label("State", exact=True).select_option("IL")
    page.get_by_label("Number", exact=True).fill("041-555555")
    page.get_by_label("Expires").fill(expires.isoformat())
    tick(page, "The discipline allows independent assessment")
    page.get_by_role("button", name="Add credential").click()
    expect(page.get_by_role("status").first).to_contain_text("Credential added.")
    page.get_by_role("link", name="Verify RN").click()
    c.check()
    page.get_by_label("Source").select_option("primary")
    page.get_by_label("Where it was verified").fill("State board license lookup")
    page.get_by_label("Verified on").fill(factories.local_today().isoformat())
    page.get_by_label("Outcome").select_option("verified")
    page.get_by_label("Evidence (PDF, PNG or JPEG, at most 5 MB)").set_input_files(
        files=[{"name": "lookup.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_role("button", name="Record verification").click()
    expect(page.get_by_role("status").first).to_contain_text("Verification recorded.")
    page.get_by_role("link", name="Record completed training").click()
    page.get_by_label("Course").select_option(label="Orientation")
    page.get_by_label("Completed on").fill(factories.local_today().isoformat())
    page.get_by_label("Evidence (certificate, sign-in sheet)").fill("Sign-in sheet")
    page.get_by_role("button", name="Record training").click()
    expect(page.locator("#assignment-readiness")).to_contain_text("Orientation completed: yes")
    c.check()
    sign_out(page)

    # The new case manager cannot open records until they sign the statement.
    c.sign_in(new_cm.username)
    heading(page, "Statements to sign")
    c.check()
    tick(page, "I have read and understand this statement, and I agree to it.")
    page.get_by_role("button", name="Sign the Confidentiality statement").click()
    heading(page, "Worklist")
    c.check()
    sign_out(page)

    # The supervisor assigns them a case.
    c.sign_in(staff.supervisor.username)
    reassign(c, first, new_cm.pk)
    expect(page.get_by_role("status").first).to_contain_text("reassigned")
    c.check()
    first.refresh_from_db()
    assert first.assigned_to_id == new_cm.pk

    # The license expires: the sweep opens a corrective action; assignment is refused.
    with time_machine.travel(clock.now() + timedelta(days=12), tick=True):
        sweep_once()
        assert CorrectiveAction.objects.filter(user=new_cm, status="open").count() == 1
        c.sign_in(staff.supervisor.username)
        reassign(c, second, new_cm.pk)
        summary = page.locator("#error-summary")
        expect(summary).to_contain_text("no current verified credential")
        c.check()
        second.refresh_from_db()
        assert second.assigned_to_id == staff.cm.pk
        page.goto(f"{c.base_url}/staff/{new_cm.pk}/")
        expect(page.locator("#corrective-actions")).to_contain_text("Credential expired")
        c.check()


def test_governance_pages_are_accessible(checked: Checked, staff: World) -> None:
    c, page = checked, checked.page
    staff.compliance.set_password(PASSWORD)
    staff.compliance.save()
    c.sign_in(staff.compliance.username)
    for path, title in (
        ("/staff/dashboard/", "Staff governance"),
        ("/staff/", "Staff"),
        ("/staff/?show=noncompliant", "Staff"),
        ("/staff/caseloads/", "Caseloads"),
        ("/staff/statements/new/", "Publish a new statement version"),
        ("/staff/consultations/new/", "Log a clinical consultation"),
        ("/staff/positions/new/", "Write a job description"),
        ("/staff/me/", staff.compliance.get_full_name()),
    ):
        page.goto(c.base_url + path)
        heading(page, title)
        c.check()
