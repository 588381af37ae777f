"""Finding a consumer (issue 13, item 7): by name, birth date, record number, member id
or phone; only within the user's reach; one audited search event; a directory for the
roles that reach the whole program; each role lands where it can work."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from casework.consumers.rules import SearchTerms, search_terms
from casework.core.models import AuditEvent, AuditOutcome
from casework.core.roles import Role
from tests import factories
from tests.conftest import World

# --- reading the query, without a database --------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Rivera", SearchTerms(names=("rivera",))),
        ("  maria   RIVERA ", SearchTerms(names=("maria", "rivera"))),
        ("Rivera 1950-01-31", SearchTerms(names=("rivera",), birth_date=date(1950, 1, 31))),
        ("1/31/1950", SearchTerms(birth_date=date(1950, 1, 31))),
        ("MRN000123", SearchTerms(identifier="MRN000123")),
        ("(312) 555-0100", SearchTerms(phone_digits="3125550100")),
        ("+1 312.555.0100", SearchTerms(phone_digits="13125550100")),
        ("R", SearchTerms(problems=("name",))),
        ("1950-02-30", SearchTerms(problems=("birth_date",))),
    ],
)
def test_search_terms(text: str, terms: SearchTerms) -> None:
    assert search_terms(text) == terms


# --- the page -------------------------------------------------------------------------


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _names(response: object) -> list[str]:
    return [str(c) for c in response.context["rows"]]  # type: ignore[attr-defined]


@pytest.fixture
def people(world: World) -> dict[str, object]:
    mine = factories.referred_case(
        world.cm,
        given_name="Maria",
        family_name="Rivera",
        birth_date=date(1950, 1, 31),
        mrn="MRN-A1",
        member_id="MEM777",
        phone="(312) 555-0100",
    )
    twin = factories.referred_case(
        world.cm, given_name="Marco", family_name="Rivera", birth_date=date(1961, 5, 5)
    )
    theirs = factories.referred_case(
        world.cm2, given_name="Mariana", family_name="Riverside", birth_date=date(1950, 1, 31)
    )
    return {"mine": mine, "twin": twin, "theirs": theirs}


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("rivera", ["Marco Rivera", "Maria Rivera"]),
        ("Maria Rivera", ["Maria Rivera"]),
        ("riv 1950-01-31", ["Maria Rivera"]),
        ("01/31/1950", ["Maria Rivera"]),
        ("MRN-A1", ["Maria Rivera"]),
        ("mem777", ["Maria Rivera"]),
        ("312 555 0100", ["Maria Rivera"]),
        ("Nobody", []),
    ],
)
def test_a_case_manager_finds_only_their_own_consumers(
    world: World, people: dict[str, object], q: str, found: list[str]
) -> None:
    response = _client(world.cm).get(reverse("consumer_find"), {"q": q})
    assert response.status_code == 200
    assert _names(response) == found


def test_a_program_wide_role_finds_anyone_in_the_program(
    world: World, people: dict[str, object]
) -> None:
    response = _client(world.quality).get(reverse("consumer_find"), {"q": "riv"})
    assert _names(response) == ["Marco Rivera", "Maria Rivera", "Mariana Riverside"]
    outsider = _client(world.outsider_cm).get(reverse("consumer_find"), {"q": "riv"})
    assert _names(outsider) == []


def test_a_search_is_one_audit_event_not_a_read_of_each_hit(
    world: World, people: dict[str, object]
) -> None:
    client = _client(world.quality)
    before = AuditEvent.objects.count()

    client.get(reverse("consumer_find"), {"q": "Rivera 1950-01-31"})

    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.object_type, e.consumer_id, e.outcome) for e in events] == [
        ("list", "consumer_search", None, AuditOutcome.SUCCESS)
    ]
    mine = people["mine"].consumer_id  # type: ignore[attr-defined]
    assert events[0].detail == {
        "criteria": ["name", "birth_date"],
        "results": 1,
        "consumer_ids": [mine],
    }


def test_the_directory_lists_every_consumer_a_program_wide_role_reaches(
    world: World, people: dict[str, object]
) -> None:
    client = _client(world.auditor)
    before = AuditEvent.objects.count()
    response = client.get(reverse("consumer_find"))
    assert _names(response) == ["Marco Rivera", "Maria Rivera", "Mariana Riverside"]
    html = response.content.decode()
    assert "3 consumers." in html
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.object_type) for e in events] == [("list", "consumer_directory")]


def test_a_role_that_reads_no_consumer_gets_404_and_a_denied_event(world: World) -> None:
    client = _client(world.admin)
    before = AuditEvent.objects.count()
    response = client.get(reverse("consumer_find"), {"q": "Rivera"})
    assert response.status_code == 404
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.outcome, e.object_type) for e in events] == [
        (AuditOutcome.DENIED, "consumer_search")
    ]


def test_the_search_stays_within_a_fixed_number_of_queries(
    world: World, people: dict[str, object], django_assert_max_num_queries: object
) -> None:
    client = _client(world.quality)
    client.get(reverse("consumer_find"), {"q": "riv"})  # warm the session
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        client.get(reverse("consumer_find"), {"q": "riv"})


# --- landing pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.CASE_MANAGER, "worklist"),
        (Role.SUPERVISOR, "worklist"),
        (Role.QUALITY_ANALYST, "consumer_find"),
        (Role.COMPLIANCE_OFFICER, "consumer_find"),
        (Role.SENIOR_CLINICAL, "consumer_find"),
        (Role.PHYSICIAN_ADVISOR, "consumer_find"),
        (Role.AUDITOR, "consumer_find"),
        (Role.ADMINISTRATOR, "staff_dashboard"),
    ],
)
def test_each_role_lands_where_it_can_work(world: World, role: str, landing: str) -> None:
    user = world.by_role(role)
    user.set_password("a long enough pass phrase 1")
    user.save()
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "a long enough pass phrase 1"}
    )
    assert response["Location"] == reverse(landing)
    assert _client(user).get(reverse("home"))["Location"] == reverse(landing)


def test_the_compliance_landing_page_offers_its_shortcuts(world: World) -> None:
    html = _client(world.compliance).get(reverse("consumer_find")).content.decode()
    assert f'href="{reverse("audit_report")}">Audit report</a>' in html
    assert f'href="{reverse("staff_dashboard")}">Staff dashboard</a>' in html
    assert 'aria-current="page">Find a consumer</a>' in html
