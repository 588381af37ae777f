"""Browser journeys: pytest-playwright driving Debian's Chromium against the live server.

Skipped as a whole (loudly) when CASEWORK_SKIP_BROWSER=1, which the test script sets only
when chromium cannot be installed; never under CI.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import World

HERE = Path(__file__).parent
PASSWORD = "journey-password-7f3a"
CHROMIUM = "/usr/bin/chromium"
# The accessibility check reads the rendered page, which does not depend on the database:
# CI's second (PostgreSQL) leg runs the journeys without it (CASEWORK_AXE=0); axe-core
# costs about 0.4 s of CPU a page, two fifths of a journey.
AXE = os.environ.get("CASEWORK_AXE", "1") != "0"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CASEWORK_SKIP_BROWSER") != "1":
        return
    skip = pytest.mark.skip(reason="CASEWORK_SKIP_BROWSER=1: chromium is not installed")
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def staff(fresh_world: World) -> World:
    """The world's staff with a known password, so the journeys sign in for real."""
    for user in (fresh_world.cm, fresh_world.supervisor, fresh_world.compliance):
        user.set_password(PASSWORD)
        user.save()
    return fresh_world


class Checked:
    """A page whose every visited view is checked by axe-core and for console errors
    (a CSP violation shows up there)."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.axe = Axe()
        self.errors: list[str] = []
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def check(self, *, expect_status: int | None = None) -> None:
        """No accessibility violations and no console errors on the current page (an
        error page's own status shows up as one console error, which is expected)."""
        # A click that navigates returns before the next document exists: axe reads the
        # page once it has loaded (and once more if a navigation replaced it meanwhile).
        self.page.wait_for_load_state("load")
        if AXE:
            self._axe()
        expected = (
            [f"Failed to load resource: the server responded with a status of {expect_status}"]
            if expect_status
            else []
        )
        errors = [e.split(" (")[0] for e in self.errors]
        assert errors == expected, f"{self.page.url}: {self.errors}"
        self.errors.clear()

    def _axe(self) -> None:
        try:
            results = self.axe.run(self.page)
        except PlaywrightError as exc:
            if "documentElement" not in str(exc):
                raise
            self.page.wait_for_load_state("load")
            results = self.axe.run(self.page)
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base_url + "/")
        self.check()
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def checked(page: Page, live_server: Any) -> Iterator[Checked]:
    yield Checked(page, live_server.url)
