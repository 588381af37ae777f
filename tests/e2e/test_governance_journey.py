"""Journey: the compliance officer's day with the demo's governance work (issue 17): the
register's overdue entry and due list, a break-glass declaration reviewed, an access
request on its clock, and a consumer's accounting of disclosures as a PDF; axe-core and
console checks on every page."""

import re

import pytest
from playwright.sync_api import expect

from casework.core import clock
from casework.core.actor import actor_for
from casework.governance.models import AccessRequest, ComplianceRequirement
from casework.governance.seed import governance_seed
from casework.web.access import reaches_consumer
from casework.web.break_glass import emergency_access_declare
from casework.web.models import EmergencyAccess
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import Checked
from tests.e2e.test_journeys import heading, tick

pytestmark = pytest.mark.e2e


def test_compliance_officer_walks_the_governance_work(checked: Checked, staff: World) -> None:
    factories.active_case(staff.cm, given_name="Ada", family_name="Moss")
    disclosed = factories.active_case(staff.cm, given_name="Ben", family_name="Ortiz")
    governance_seed(
        program=staff.program, officer=staff.compliance, manager=staff.cm, now=clock.now()
    )
    actor = actor_for(staff.cm2, address="127.0.0.1")
    access = emergency_access_declare(
        actor=actor,
        record_number=disclosed.consumer.mrn,
        reason="Consumer found unresponsive at the day centre; need allergies",
        reaches=reaches_consumer(actor),
    )
    overdue = ComplianceRequirement.objects.get(citation="45 CFR 164.528")
    request = AccessRequest.objects.get()
    c, page = checked, checked.page

    c.sign_in(staff.compliance.username)
    page.goto(f"{c.base_url}/governance/")
    heading(page, "Records governance")
    c.check()
    register = page.locator("#register-table")
    expect(register.locator("tbody tr")).to_have_count(3)
    expect(register.locator("tbody tr").first).to_contain_text("Overdue")
    register.get_by_role("link", name=overdue.title).click()
    heading(page, overdue.title)
    expect(page.get_by_text("45 CFR 164.528")).to_be_visible()
    c.check()

    page.goto(f"{c.base_url}/break-glass/reviews/")
    heading(page, "Break-glass reviews")
    c.check()
    page.get_by_role("link", name="Review", exact=True).click()
    heading(page, "Review an emergency access")
    expect(page.get_by_text("Consumer found unresponsive at the day centre")).to_be_visible()
    c.check()
    tick(page, "Accepted: the emergency justified the access")
    page.get_by_label(re.compile(r"^Note")).fill("Called the day centre: the emergency was real.")
    page.get_by_role("button", name="Record the review").click()
    heading(page, "Break-glass reviews")
    c.check()
    access.refresh_from_db()
    assert (access.review_outcome, access.reviewed_by_id) == ("accepted", staff.compliance.pk)

    page.goto(f"{c.base_url}/governance/")
    page.locator("#access-table").get_by_role("link", name=f"AR-{request.pk}").click()
    heading(page, f"Access request AR-{request.pk}")
    c.check()

    page.goto(f"{c.base_url}/consumers/{disclosed.consumer_id}/disclosures/")
    heading(page, "Accounting of disclosures")
    expect(page.get_by_text("County Adult Protective Services").first).to_be_visible()
    c.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert EmergencyAccess.objects.filter(review_outcome="pending").count() == 0
