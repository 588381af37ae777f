"""Security keys (S17): enrolling a key and signing in with it, with Chromium's virtual
authenticator (the DevTools protocol's WebAuthn domain) standing in for the key."""

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from casework.core.models import AuditAction, AuditEvent, AuditOutcome
from tests.conftest import World
from tests.e2e.conftest import Checked

pytestmark = pytest.mark.e2e


def _virtual_authenticator(c: Checked) -> None:
    cdp = c.page.context.new_cdp_session(c.page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def _mfa_events() -> list[tuple[str, str, Any]]:
    return [
        (e.action, e.outcome, e.detail)
        for e in AuditEvent.objects.filter(object_type="mfa").order_by("pk")
    ]


def test_enrol_a_security_key_then_sign_in_with_it(
    checked: Checked, staff: World, settings: Any
) -> None:
    settings.CASEWORK_MFA_REQUIRED = True
    c, page = checked, checked.page
    _virtual_authenticator(c)

    c.sign_in(staff.cm.username)
    expect(page).to_have_url(re.compile(r"/sign-in/second-step/enrol/$"))
    page.get_by_role("link", name="Use a security key or a passkey instead").click()
    c.check()
    page.get_by_label("Name of the key").fill("Blue key")
    page.get_by_role("button", name="Add a security key").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    c.check()
    assert page.locator(".cw-recovery-codes li").count() == 10
    key = Authenticator.objects.get(user=staff.cm, type=Authenticator.Type.WEBAUTHN)
    assert key.data["name"] == "Blue key"
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/worklist/$"))
    page.get_by_role("button", name="Sign out").click()

    c.sign_in(staff.cm.username)
    expect(page).to_have_url(re.compile(r"/sign-in/second-step/$"))
    c.check()
    page.get_by_role("button", name="Use your security key").click()
    expect(page).to_have_url(re.compile(r"/worklist/$"))
    c.check()

    assert _mfa_events() == [
        (
            AuditAction.PRIVILEGE,
            AuditOutcome.SUCCESS,
            {"enrolled": "webauthn", "recovery_codes": 10},
        ),
        (AuditAction.LOGIN, AuditOutcome.SUCCESS, {"factor": "webauthn"}),
    ]
