"""Directory search by need, place, language, age and eligibility; API and pages."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.resources.selectors import Search, service_search
from tests.api_helpers import events_since, last_event_id, session_client, token_client
from tests.conftest import World
from tests.resources.directory import service, uid


@pytest.fixture
def directory(db: None) -> None:
    service(
        1,
        "Pantry North",
        need="BD-1800",
        postal="02139",
        city="Cambridge",
        language=("es", "Spanish"),
        eligibility="Residents of Cambridge",
    )
    service(
        2,
        "Pantry South",
        need="BD-1800",
        postal="02118",
        city="Boston",
        language=("en", "English"),
        ages=(60, None),
        eligibility="Seniors over 60",
    )
    service(
        3,
        "Youth shelter",
        need="BH-1800",
        postal="02139",
        city="Cambridge",
        language=("es", "Spanish"),
        ages=(12, 24),
    )
    service(4, "Closed pantry", need="BD-1800", postal="02139", city="Cambridge", status="defunct")


def names(**filters: object) -> list[str]:
    return [s.name for s in service_search(Search(**filters))]  # type: ignore[arg-type]


@pytest.mark.usefixtures("directory")
def test_each_filter_and_their_conjunction() -> None:
    assert names() == ["Pantry North", "Pantry South", "Youth shelter"]
    assert names(need="bd-1800") == ["Pantry North", "Pantry South"]
    assert names(need="BD-1800 services") == ["Pantry North", "Pantry South"]  # by term name
    assert names(place="02139") == ["Pantry North", "Youth shelter"]
    assert names(place=" cambridge ") == ["Pantry North", "Youth shelter"]
    assert names(place="MA") == ["Pantry North", "Pantry South", "Youth shelter"]
    assert names(language="Spanish") == ["Pantry North", "Youth shelter"]
    assert names(language="ES", need="BD-1800", place="Cambridge") == ["Pantry North"]
    assert names(eligibility="seniors") == ["Pantry South"]
    assert names(need="nothing") == []
    assert names(include_inactive=True, need="BD-1800", place="02139") == [
        "Closed pantry",
        "Pantry North",
    ]


@pytest.mark.usefixtures("directory")
def test_age_limits_are_inclusive_and_blank_means_any() -> None:
    assert names(age=11) == ["Pantry North"]
    assert names(age=12) == ["Pantry North", "Youth shelter"]
    assert names(age=24) == ["Pantry North", "Youth shelter"]
    assert names(age=25) == ["Pantry North"]
    assert names(age=60) == ["Pantry North", "Pantry South"]


@pytest.mark.usefixtures("directory")
def test_api_search_and_detail_write_no_audit(world: World) -> None:
    client = token_client(world.cm)
    since = last_event_id()

    found = client.get(
        "/api/v1/resources/services", {"need": "BD-1800", "place": "02139", "limit": 10}
    )
    detail = client.get(f"/api/v1/resources/services/{uid(1001)}")

    assert found.status_code == 200
    assert found.json()["count"] == 1
    assert [(s["id"], s["name"], s["organization"]) for s in found.json()["items"]] == [
        (uid(1001), "Pantry North", "Org")
    ]
    assert detail.status_code == 200
    body = detail.json()
    assert (body["name"], body["languages"], body["needs"]) == (
        "Pantry North",
        [{"code": "es", "name": "Spanish"}],
        [{"code": "BD-1800", "name": "BD-1800 services"}],
    )
    assert events_since(since) == []


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ({"age": "-1"}, ["query", "age"]),
        ({"age": "151"}, ["query", "age"]),
        ({"age": "ten"}, ["query", "age"]),
        ({"need": "x" * 201}, ["query", "need"]),
        ({"limit": "0"}, ["query", "limit"]),
    ],
)
def test_api_bad_filters_are_422_naming_the_field(
    world: World, query: dict[str, str], loc: list[str]
) -> None:
    response = token_client(world.cm).get("/api/v1/resources/services", query)

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [loc]


def test_api_unknown_or_malformed_service_id(world: World) -> None:
    client = token_client(world.cm)
    assert client.get(f"/api/v1/resources/services/{uid(999)}").status_code == 404
    response = client.get("/api/v1/resources/services/not-a-uuid")
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["path", "service_id"]]


@pytest.mark.usefixtures("directory")
def test_the_search_page_finds_and_links_services(world: World) -> None:
    client = session_client(world.cm)

    page = client.get(reverse("resource_search"), {"need": "BD-1800", "language": "es"})
    detail = client.get(reverse("resource_service", args=[uid(1001)]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "1 service found" in text
    assert reverse("resource_service", args=[uid(1001)]) in text
    assert "Pantry South" not in text
    assert detail.status_code == 200
    assert "Residents of Cambridge" in detail.content.decode()


@pytest.mark.usefixtures("directory")
def test_opened_for_a_consumer_each_result_links_to_their_referral_form(world: World) -> None:
    page = session_client(world.cm).get(
        reverse("resource_search"), {"need": "BD-1800", "language": "es", "consumer": "42"}
    )

    text = page.content.decode()
    assert f'href="/consumers/42/community-referrals/new/?service={uid(1001)}"' in text
    assert 'name="consumer" value="42"' in text


@pytest.mark.usefixtures("directory")
def test_without_a_consumer_no_referral_link_is_shown(world: World) -> None:
    page = session_client(world.cm).get(reverse("resource_search"), {"need": "BD-1800"})

    assert "community-referrals/new/" not in page.content.decode()


def test_the_search_page_shows_form_errors(world: World) -> None:
    response = session_client(world.cm).get(reverse("resource_search"), {"age": "-3"})

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "age": ["Ensure this value is greater than or equal to 0."]
    }


def test_an_unknown_service_page_is_404(world: World) -> None:
    assert (
        session_client(world.cm).get(reverse("resource_service", args=[uid(999)])).status_code
        == 404
    )


def test_pages_need_a_signed_in_user(db: None) -> None:
    response = Client().get(reverse("resource_search"))
    assert response.status_code == 302
