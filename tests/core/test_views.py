"""Sign-in and sign-out: audit, session cycling and clearing the client (S12, S13, S33)."""

from uuid import UUID

import pytest
from django.test import Client
from django.urls import reverse

from casework.core.models import AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def with_password(world: World) -> None:
    world.cm.set_password(PASSWORD)
    world.cm.save()


def test_signing_in_cycles_the_session_and_is_audited(world: World) -> None:
    with_password(world)
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = client.post(reverse("login"), {"username": world.cm.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("worklist")
    assert client.session.session_key != before
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor_id) == ("login", "success", world.cm.pk)


def test_a_failed_sign_in_is_audited_without_the_password(world: World) -> None:
    with_password(world)
    response = Client().post(
        reverse("login"), {"username": world.cm.username, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor_id, event.actor_username) == (
        "login_failed",
        "denied",
        None,
        world.cm.username,
    )
    assert "wrong-password" not in str(event.detail)


def test_sign_out_is_post_only(world: World) -> None:
    client = Client()
    client.force_login(world.cm)
    assert client.get(reverse("logout")).status_code == 405


def test_sign_out_ends_the_session_and_clears_the_client(world: World) -> None:
    client = Client()
    client.force_login(world.cm)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert AuditEvent.objects.filter(action="logout", actor=world.cm).count() == 1
    after = client.get(reverse("worklist"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))


def test_sign_out_without_a_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.cm)
    assert client.post(reverse("logout")).status_code == 403


# The session keep-alive answers a script, not a person: 401 once the session has ended
# (tests/web/test_session_expiry.py).
PUBLIC_ROUTES = {"login", "logout", "session_keep_alive"}


def test_every_page_route_but_sign_in_needs_a_signed_in_user(world: World) -> None:
    """S2: enumerate the browser routes; anonymous → the sign-in page, except the
    allowlist (sign-in itself, and sign-out, which answers only POST)."""
    from django.urls import URLPattern

    from tests.routes import page_routes

    checked = []
    routes = page_routes()
    for pattern in routes:
        assert isinstance(pattern, URLPattern)
        if pattern.name in PUBLIC_ROUTES:
            continue
        kwargs = {
            name: {"kind": "program_purpose", "service_id": UUID(int=1)}.get(name, 1)
            for name in pattern.pattern.regex.groupindex
        }
        url = reverse(str(pattern.name), kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            assert response.status_code == 302, (method, url)
            assert response["Location"] == f"{reverse('login')}?next={url}", (method, url)
        checked.append(pattern.name)
    assert len(checked) == len(routes) - len(PUBLIC_ROUTES)
    assert AuditEvent.objects.count() == 0


def test_dates_read_naturally() -> None:
    from datetime import UTC, date, datetime

    from django.utils import translation

    from casework.web.templatetags.casework_ui import day, when

    moment = datetime(2026, 3, 4, 9, 5, tzinfo=UTC)
    assert when(moment) == "4 Mar 2026, 09:05 UTC"
    assert day(moment) == "4 Mar 2026"
    assert day(date(2026, 12, 31)) == "31 Dec 2026"
    assert when(None) == ""
    with translation.override("es"):
        assert day(date(2026, 1, 15)) == "15 ene 2026"
