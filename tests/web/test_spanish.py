"""Spanish throughout (issue 13, item 15): a language switcher on every page (Django's
set_language), the interface in Spanish once chosen, and dates in the locale's style."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import translation

from casework.web.templatetags.casework_ui import day, when
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_offers_spanish_and_switches_to_it(client: Client) -> None:
    page = client.get("/sign-in/").content.decode()
    assert '<html lang="en">' in page
    assert 'name="language" value="es" lang="es"' in page
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/sign-in/"})
    assert (response.status_code, response["Location"]) == (302, "/sign-in/")
    page = client.get("/sign-in/").content.decode()
    assert '<html lang="es">' in page
    assert "<h1>Iniciar sesión</h1>" in page
    assert 'name="language" value="en" lang="en"' in page


def test_a_signed_in_page_is_spanish_once_chosen(world: World) -> None:
    client = Client()
    client.force_login(world.cm)
    client.post("/i18n/setlang/", {"language": "es", "next": "/worklist/"})
    page = client.get("/worklist/").content.decode()
    assert "<h1>Lista de trabajo</h1>" in page
    assert "Aplicar filtros" in page
    assert "Apply filters" not in page


def test_switching_refuses_an_outside_next_address(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_dates_follow_the_language() -> None:
    moment = datetime(2026, 12, 3, 15, 5, tzinfo=UTC)
    with translation.override("en"):
        assert (when(moment), day(date(2026, 12, 3))) == ("3 Dec 2026, 15:05 UTC", "3 Dec 2026")
    with translation.override("es"):
        assert (when(moment), day(date(2026, 12, 3))) == ("3 dic 2026, 15:05 UTC", "3 dic 2026")
