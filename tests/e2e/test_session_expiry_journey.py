"""Session expiry without losing work (issue 13, item 10), in Chromium, with the idle
timeout shortened by setting: the warning and "Stay signed in"; a form sent after the
session ended goes to sign-in and comes back with what was typed. Every page is checked
by axe-core and for console errors (a CSP violation shows there)."""

from typing import Any

import pytest
from playwright.sync_api import expect

from casework.coordination.models import WorkItem
from tests import factories
from tests.conftest import World
from tests.e2e.conftest import PASSWORD, Checked
from tests.e2e.test_journeys import heading, tick

pytestmark = [pytest.mark.e2e, pytest.mark.slow(25)]


def _short_sessions(settings: Any, *, idle: int, warn: int) -> None:
    settings.SESSION_COOKIE_AGE = idle
    settings.SESSION_SAVE_EVERY_REQUEST = True  # as under production settings: idle expiry
    settings.CASEWORK_SESSION_WARNING_SECONDS = warn


def test_the_warning_offers_to_stay_signed_in(
    checked: Checked, staff: World, settings: Any
) -> None:
    _short_sessions(settings, idle=12, warn=9)
    c, page = checked, checked.page
    c.sign_in(staff.cm.username)
    heading(page, "Worklist")

    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_visible(timeout=8000)  # 3 s after the page loaded
    expect(page.get_by_role("alertdialog")).to_contain_text("You will be signed out")
    c.check()
    stay.click()
    expect(stay).to_be_hidden()
    page.wait_for_timeout(10_000)  # past the first timeout, inside the renewed one

    page.get_by_role("link", name="Worklist").click()
    heading(page, "Worklist")
    c.check()


def test_a_form_sent_after_expiry_comes_back_after_sign_in(
    checked: Checked, staff: World, settings: Any
) -> None:
    case = factories.active_case(staff.cm)
    _short_sessions(settings, idle=6, warn=3)
    c, page = checked, checked.page
    c.sign_in(staff.cm.username)
    heading(page, "Worklist")
    page.goto(f"{c.base_url}/cases/{case.pk}/work-items/new/")
    heading(page, "Add a work item")
    page.get_by_label("Title").fill("Ask the landlord about the ramp")
    tick(page, "Service to the consumer")

    expect(page.get_by_role("alert").filter(has_text="Your session has ended")).to_be_visible(
        timeout=10_000
    )
    c.check()
    page.wait_for_timeout(1500)  # the server's clock is past the timeout too
    page.get_by_role("button", name="Add work item").click()

    expect(page).to_have_url(f"{c.base_url}/sign-in/?next=/cases/{case.pk}/work-items/new/")
    expect(page.get_by_role("status").first).to_contain_text("nothing was saved")
    assert WorkItem.objects.filter(case=case).count() == 0
    c.check()
    page.get_by_label("Username").fill(staff.cm.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    heading(page, "Add a work item")
    expect(page.get_by_label("Title")).to_have_value("Ask the landlord about the ramp")
    expect(page.get_by_label("Service to the consumer")).to_be_checked()
    expect(page.locator("#cw-resumed-notice")).to_contain_text("What you typed")
    c.check()
    page.get_by_role("button", name="Add work item").click()

    expect(page).to_have_url(f"{c.base_url}/cases/{case.pk}/")
    assert list(WorkItem.objects.filter(case=case).values_list("title", flat=True)) == [
        "Ask the landlord about the ramp"
    ]
