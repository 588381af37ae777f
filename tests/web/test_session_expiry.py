"""Session expiry without losing work (issue 13, item 10): a warning before the idle
timeout with a keep-alive, and a form posted after expiry kept (sealed, server-side) and
put back after sign-in, for the same person only, for a while only."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from casework.coordination.models import WorkItem
from casework.core import clock
from casework.web.session_expiry import RESUME_SESSION_KEY, seal, unseal
from tests import factories
from tests.conftest import World

TYPED = {
    "title": "Call Ms Example about the wheelchair ramp",
    "kind": "service",
    "due_at": "2027-01-15T09:00",
}


def _signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _expire(client: Client) -> None:
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=clock.now() - timedelta(seconds=1)
    )


def _post_after_expiry(world: World) -> tuple[Client, str, object]:
    case = factories.active_case(world.cm)
    client = _signed_in(world.cm)
    path = f"/cases/{case.pk}/work-items/new/"
    _expire(client)
    response = client.post(path, {**TYPED, "owner": world.cm.pk})
    return client, path, response


# --- the sealed record, without a database -----------------------------------------------


def test_a_sealed_record_opens_and_hides_its_text() -> None:
    sealed = seal({"user": "7", "fields": {"title": ["Ramp"]}})
    assert "Ramp" not in sealed
    assert unseal(sealed) == {"user": "7", "fields": {"title": ["Ramp"]}}


def test_a_tampered_record_does_not_open() -> None:
    sealed = seal({"user": "7"})
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    assert unseal(tampered) is None
    assert unseal("not base64 !") is None


# --- a form posted after expiry ----------------------------------------------------------


def test_a_form_posted_after_expiry_goes_to_sign_in_and_saves_nothing(world: World) -> None:
    before = WorkItem.objects.count()
    _, path, response = _post_after_expiry(world)

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == f"/sign-in/?next={path}"  # type: ignore[index]
    assert WorkItem.objects.count() == before


def test_the_typed_text_is_in_no_cookie_no_url_and_not_in_clear_in_the_session(
    world: World,
) -> None:
    client, _, response = _post_after_expiry(world)

    raw = Session.objects.get(session_key=client.session.session_key).session_data
    stored = client.session[RESUME_SESSION_KEY]
    assert "wheelchair" not in response["Location"]  # type: ignore[index]
    assert all("wheelchair" not in c.value for c in client.cookies.values())
    assert "wheelchair" not in raw
    assert "wheelchair" not in stored
    assert unseal(stored)["fields"]["title"] == [TYPED["title"]]  # type: ignore[index]


def test_after_sign_in_the_form_comes_back_with_the_typed_text(world: World) -> None:
    client, path, _ = _post_after_expiry(world)
    client.force_login(world.cm)

    page = client.get(path)

    assert page.status_code == 200
    body = page.content.decode()
    start = body.index('<script id="cw-resumed-form" type="application/json">')
    payload = body[start:].split(">", 1)[1].split("</script>", 1)[0]
    restored = json.loads(payload)
    assert restored == {
        "title": [TYPED["title"]],
        "kind": ["service"],
        "due_at": ["2027-01-15T09:00"],
        "owner": [str(world.cm.pk)],
    }
    assert "What you typed before your session ended is back in the form below." in body
    assert RESUME_SESSION_KEY not in client.session  # put back once


def test_the_form_comes_back_once(world: World) -> None:
    client, path, _ = _post_after_expiry(world)
    client.force_login(world.cm)
    client.get(path)

    again = client.get(path).content.decode()

    assert "cw-resumed-form" not in again


def test_another_person_signing_in_does_not_get_the_form(world: World) -> None:
    client, path, _ = _post_after_expiry(world)
    client.force_login(world.cm2)

    page = client.get(path)

    assert "cw-resumed-form" not in page.content.decode()
    assert RESUME_SESSION_KEY not in client.session  # dropped


def test_the_kept_form_expires(world: World) -> None:
    client, path, _ = _post_after_expiry(world)
    client.force_login(world.cm)

    with time_machine.travel(clock.now() + timedelta(minutes=16), tick=False):
        page = client.get(path)

    assert "cw-resumed-form" not in page.content.decode()
    assert RESUME_SESSION_KEY not in client.session


def test_another_page_leaves_the_kept_form_for_its_own(world: World) -> None:
    client, path, _ = _post_after_expiry(world)
    client.force_login(world.cm)

    client.get("/worklist/")
    page = client.get(path)

    assert "cw-resumed-form" in page.content.decode()


def test_a_form_posted_after_signing_out_is_not_kept(world: World) -> None:
    case = factories.active_case(world.cm)
    client = _signed_in(world.cm)
    old_key = client.session.session_key
    client.post("/sign-out/")
    client.cookies["sessionid"] = old_key  # the old cookie, replayed

    response = client.post(f"/cases/{case.pk}/work-items/new/", {**TYPED})

    assert response.status_code == 302
    assert RESUME_SESSION_KEY not in client.session


def test_a_post_without_a_valid_csrf_token_is_refused_not_kept(world: World) -> None:
    case = factories.active_case(world.cm)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.cm)
    _expire(client)

    response = client.post(f"/cases/{case.pk}/work-items/new/", {**TYPED})

    assert response.status_code == 403
    assert RESUME_SESSION_KEY not in client.session


def test_an_htmx_post_after_expiry_redirects_the_whole_page(world: World) -> None:
    case = factories.active_case(world.cm)
    client = _signed_in(world.cm)
    _expire(client)

    response = client.post(
        f"/cases/{case.pk}/work-items/new/",
        {**TYPED},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver/cases/{case.pk}/"},
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/sign-in/?next=/cases/{case.pk}/"
    assert unseal(client.session[RESUME_SESSION_KEY])["path"] == f"/cases/{case.pk}/"  # type: ignore[index]


# --- the warning and the keep-alive -------------------------------------------------------


def test_a_signed_in_page_carries_the_idle_timeout_and_the_warning(
    world: World, settings: pytest.FixtureRequest
) -> None:
    settings.SESSION_COOKIE_AGE = 1800  # type: ignore[attr-defined]
    settings.CASEWORK_SESSION_WARNING_SECONDS = 120  # type: ignore[attr-defined]

    body = _signed_in(world.cm).get("/worklist/").content.decode()

    assert 'data-idle-seconds="1800" data-warn-seconds="120"' in body
    assert "You will be signed out in about 2 minute(s)" in body
    assert '<script nonce="' in body and 'src="/static/web/session.js" defer></script>' in body


def test_the_sign_in_page_has_no_warning() -> None:
    assert 'id="cw-session"' not in Client().get("/sign-in/").content.decode()


def test_stay_signed_in_starts_the_idle_clock_again(world: World) -> None:
    client = _signed_in(world.cm)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=clock.now() + timedelta(seconds=30))

    response = client.post("/session/keep-alive/")

    assert response.status_code == 200
    assert response.json()["signed_in"] is True
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > clock.now() + timedelta(seconds=60)


def test_stay_signed_in_after_expiry_says_so(world: World) -> None:
    client = _signed_in(world.cm)
    _expire(client)

    response = client.post("/session/keep-alive/")

    assert response.status_code == 401
    assert response.json() == {"signed_in": False}


def test_stay_signed_in_is_post_only(world: World) -> None:
    assert _signed_in(world.cm).get("/session/keep-alive/").status_code == 405
