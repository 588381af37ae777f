"""Brute-force throttling of sign-in with django-axes (S14)."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from casework.core import clock
from casework.core.models import AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LIMIT = 5


def sign_in(username: str, password: str, address: str = "10.0.0.1", **headers: str) -> int:
    response = Client(REMOTE_ADDR=address, headers=headers).post(
        reverse("login"), {"username": username, "password": password}
    )
    return response.status_code


@pytest.fixture
def known(world: World) -> str:
    world.cm.set_password(PASSWORD)
    world.cm.save()
    return world.cm.username


def test_four_failures_still_let_the_right_password_in(known: str) -> None:
    assert [sign_in(known, "wrong") for _ in range(LIMIT - 1)] == [200] * (LIMIT - 1)
    assert sign_in(known, PASSWORD) == 302


def test_the_fifth_failure_locks_the_account_even_for_the_right_password(known: str) -> None:
    statuses = [sign_in(known, "wrong") for _ in range(LIMIT)]
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert sign_in(known, PASSWORD) == 429
    assert AuditEvent.objects.filter(action="login").count() == 0


def test_every_attempt_is_audited_once_with_the_peer_address(known: str) -> None:
    for _ in range(LIMIT + 1):
        sign_in(known, "wrong", address="192.0.2.7")
    events = AuditEvent.objects.order_by("id")
    assert [(e.action, e.outcome, e.client_address) for e in events] == [
        ("login_failed", "denied", "192.0.2.7")
    ] * (LIMIT + 1)


def test_the_lockout_page_says_why_and_for_how_long(known: str) -> None:
    for _ in range(LIMIT - 1):
        sign_in(known, "wrong")
    response = Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("login"), {"username": known, "password": "wrong"}
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "There were 5 failed sign-ins for this account." in html
    assert "Sign-in is locked for 15 minutes after the last attempt." in html


def test_a_forged_forwarded_for_neither_resets_the_count_nor_changes_the_address(
    known: str,
) -> None:
    for number in range(LIMIT):
        sign_in(known, "wrong", address="10.0.0.9", x_forwarded_for=f"203.0.113.{number}")
    assert sign_in(known, PASSWORD, address="10.0.0.9", x_forwarded_for="198.51.100.1") == 429
    addresses = set(AuditEvent.objects.values_list("client_address", flat=True))
    assert addresses == {"10.0.0.9"}
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.9"}


def test_changing_the_case_of_the_username_does_not_reset_the_count(known: str) -> None:
    variants = [known.upper(), known, known.title(), known.upper(), known]
    statuses = [sign_in(name, "wrong") for name in variants]
    assert statuses[-1] == 429


def test_a_locked_account_does_not_lock_a_colleague_on_the_same_network(
    known: str, world: World
) -> None:
    for _ in range(LIMIT):
        sign_in(known, "wrong", address="10.1.1.1")
    world.cm2.set_password(PASSWORD)
    world.cm2.save()
    assert sign_in(world.cm2.username, PASSWORD, address="10.1.1.1") == 302


def test_the_lock_lifts_after_the_cool_off(known: str) -> None:
    for _ in range(LIMIT):
        sign_in(known, "wrong")
    assert sign_in(known, PASSWORD) == 429
    with time_machine.travel(clock.now() + timedelta(minutes=16), tick=False):
        assert sign_in(known, PASSWORD) == 302


def test_a_success_resets_the_count(known: str) -> None:
    for _ in range(LIMIT - 1):
        sign_in(known, "wrong")
    assert sign_in(known, PASSWORD) == 302
    assert [sign_in(known, "wrong") for _ in range(LIMIT - 1)] == [200] * (LIMIT - 1)
