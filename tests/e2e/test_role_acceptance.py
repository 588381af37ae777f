"""Acceptance journeys of issue 13: every role signs in and reaches what it needs from
its landing page by clicking, never typing a URL; the case manager's day at 1280 px and
at 390 px, where the worklist, the case page and the plan fit without scrolling sideways
(item 16). axe-core checks every page. One module, few tests: they share the live server.
"""

import os
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from casework.careplans.seed import first_plan_seed
from casework.coordination.services import work_item_create
from casework.core import clock
from casework.core.roles import Role
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import PASSWORD, Checked
from tests.e2e.test_journeys import heading

pytestmark = [pytest.mark.e2e, pytest.mark.slow(15)]


def fits(page: Page, width: int) -> None:
    """Nothing on the page is wider than the window, and no table scrolls sideways."""
    widths = page.evaluate(
        """() => ({
            document: document.documentElement.scrollWidth,
            scrolled: Array.from(document.querySelectorAll('.usa-table-container--scrollable'))
                .filter(e => e.scrollWidth > e.clientWidth + 1).length,
        })"""
    )
    assert widths == {"document": width, "scrolled": 0}, page.url


def sign_in(c: Checked, username: str) -> None:
    """Sign in without checking the sign-in page again (each test checks it once)."""
    c.page.goto(c.base_url + "/")
    c.page.get_by_label("Username").fill(username)
    c.page.get_by_label("Password").fill(PASSWORD)
    c.page.get_by_role("button", name="Sign in").click()


def case_managers_day(c: Checked, world: World, case_id: int, width: int) -> None:
    page = c.page
    page.set_viewport_size({"width": width, "height": 900})
    (c.sign_in if width == 1280 else lambda name: sign_in(c, name))(world.cm.username)
    heading(page, "Worklist")
    fits(page, width)
    c.check()
    page.get_by_role("link", name="Call the pharmacy").first.click()
    expect(page).to_have_url(f"{c.base_url}/cases/{case_id}/#work-items")
    heading(page, "Lena Ortiz")
    fits(page, width)
    c.check()
    page.get_by_role("link", name="Open the plan of care").click()
    heading(page, "Plan of care")
    expect(page.get_by_role("heading", name="Goal: Mood improves enough to return")).to_be_visible()
    fits(page, width)
    c.check()
    page.get_by_role("button", name="Sign out").click()


def test_a_case_manager_works_at_1280_and_at_390_px(checked: Checked, fresh_world: World) -> None:
    cm = fresh_world.cm
    case = factories.active_case(cm, given_name="Lena", family_name="Ortiz", mrn="MRN-LO-1")
    first_plan_seed(actor=factories.actor(cm), case=case, case_manager=cm, now=clock.now())
    work_item_create(
        actor=factories.actor(cm),
        case=case,
        title="Call the pharmacy",
        kind="administrative",
        owner=cm,
        due_at=clock.now() - timedelta(days=1),
    )
    cm.set_password(PASSWORD)
    cm.save()
    for width in (1280, 390):
        case_managers_day(checked, fresh_world, case.pk, width)


# Each role: its landing page's heading, then the links it follows to reach its work.
ROLE_WAYS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    Role.SUPERVISOR: ("Worklist", [("Dashboard", "Team dashboard")]),
    Role.QUALITY_ANALYST: ("Find a consumer", [("Dashboard", "Quality dashboard")]),
    Role.COMPLIANCE_OFFICER: ("Find a consumer", [("Audit report", "Audit report")]),
    Role.AUDITOR: ("Find a consumer", [("Audit report", "Audit report")]),
    # Senior clinical staff's way to a consumer is test_find_journeys's.
    Role.PHYSICIAN_ADVISOR: ("Find a consumer", [("Advisor queue", "Physician advisor queue")]),
    Role.ADMINISTRATOR: ("Staff governance", [("All staff", "Staff")]),
}


def test_every_other_role_reaches_its_work_from_its_landing_page(
    checked: Checked, fresh_world: World
) -> None:
    factories.active_case(fresh_world.cm, given_name="Lena", family_name="Ortiz")
    c, page = checked, checked.page
    page.set_viewport_size({"width": 1280, "height": 900})
    seen: set[str] = set()  # a landing page shared by several roles is checked once
    for role, (landing, ways) in ROLE_WAYS.items():
        user: Any = fresh_world.by_role(role)
        user.set_password(PASSWORD)
        user.save()
        if seen:
            sign_in(c, user.username)
        else:
            c.sign_in(user.username)
        heading(page, landing)
        if landing not in seen:
            c.check()
            seen.add(landing)
        for link, reached in ways:
            page.locator("#main-content, .cw-nav").get_by_role(
                "link", name=link, exact=True
            ).first.click()
            heading(page, reached)
            if os.environ.get("CASEWORK_SCREENSHOTS"):
                page.screenshot(
                    path=f"{os.environ['CASEWORK_SCREENSHOTS']}/{role}.png", full_page=True
                )
            fits(page, 1280)
            c.check()
        page.get_by_role("button", name="Sign out").click()
