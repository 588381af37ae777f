"""Program-wide roles sign in to 'Find a consumer', find someone by what they have to
hand, and reach the case without typing a URL (issue 13, item 7). Every page is checked
by axe-core."""

import pytest
from playwright.sync_api import expect

from casework.core.roles import Role
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import PASSWORD, Checked
from tests.e2e.test_journeys import heading

pytestmark = [pytest.mark.e2e, pytest.mark.slow(25)]


@pytest.mark.parametrize(
    "role",
    [
        Role.QUALITY_ANALYST,
        Role.COMPLIANCE_OFFICER,
        Role.SENIOR_CLINICAL,
        Role.PHYSICIAN_ADVISOR,
        Role.AUDITOR,
    ],
)
def test_a_program_wide_role_finds_a_consumer_and_opens_the_case(
    checked: Checked, fresh_world: World, role: str
) -> None:
    case = factories.referred_case(
        fresh_world.cm, given_name="Lena", family_name="Ortiz", mrn="MRN-LO-1", phone="312-555-0199"
    )
    factories.referred_case(fresh_world.cm2, given_name="Leo", family_name="Ortega")
    user = fresh_world.by_role(role)
    user.set_password(PASSWORD)
    user.save()
    c, page = checked, checked.page

    c.sign_in(user.username)
    heading(page, "Find a consumer")
    expect(page.get_by_role("status").first).to_contain_text("2 consumers.")
    c.check()
    page.get_by_label("Name, birth date, record number, member id or phone").fill("(312) 555 0199")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").first).to_have_text("1 consumer matches.")
    c.check()
    page.get_by_role("link", name="Ortiz, Lena").click()
    heading(page, "Lena Ortiz")
    c.check()
    page.locator("tbody").get_by_role("link").first.click()
    expect(page).to_have_url(f"{c.base_url}/cases/{case.pk}/")
    heading(page, "Lena Ortiz")
    c.check()


def test_a_case_manager_sorts_the_worklist_and_follows_a_work_item(
    checked: Checked, fresh_world: World
) -> None:
    from datetime import timedelta

    from casework.coordination.services import work_item_create
    from casework.core import clock

    case = factories.referred_case(fresh_world.cm, given_name="Lena", family_name="Ortiz")
    work_item_create(
        actor=factories.actor(fresh_world.cm),
        case=case,
        title="Call the pharmacy",
        kind="administrative",
        owner=fresh_world.cm,
        due_at=clock.now() + timedelta(days=1),
    )
    fresh_world.cm.set_password(PASSWORD)
    fresh_world.cm.save()
    c, page = checked, checked.page

    c.sign_in(fresh_world.cm.username)
    heading(page, "Worklist")
    page.get_by_role("link", name="Work item (select to sort)").click()
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Work item")
    c.check()
    page.get_by_role("link", name="Call the pharmacy").click()
    heading(page, "Lena Ortiz")
    c.check()
