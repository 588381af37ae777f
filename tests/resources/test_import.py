"""HSDS 3.0 import: Open Referral's own example package (read in place), its API JSON,
and broken packages with exact rejects; nothing rejected is stored."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from casework.resources import hsds
from casework.resources.models import (
    Address,
    Organization,
    Service,
    ServiceLanguage,
    ServicePlace,
    ServiceTerm,
    TaxonomyTerm,
)
from casework.resources.rules import Reject
from casework.resources.services import directory_import
from tests.resources.directory import EXAMPLES, uid, write_package

pytestmark = pytest.mark.django_db

EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def examples() -> Path:
    if not (EXAMPLES / "services.csv").exists():
        pytest.skip(f"SHARED DATA MISSING: {EXAMPLES} is absent; this test reads it in place")
    return EXAMPLES


def test_the_open_referral_example_package_imports_with_no_rejects() -> None:
    report = directory_import(examples())

    assert report.rejects == []
    assert report.kind == "csv"
    assert report.counts["services"] == 1
    assert report.counts["organizations"] == 1
    assert report.counts["service_at_location"] == 1
    service = Service.objects.get()
    assert (str(service.id), service.name, service.status) == (
        EXAMPLE_SERVICE,
        "Community Counselling",
        "active",
    )
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert (
        service.organization is not None
        and service.organization.name == "Example Organization Inc."
    )
    assert [(x.code, x.name) for x in ServiceLanguage.objects.all()] == [("ur", "Urdu")]
    assert sorted(ServicePlace.objects.values_list("kind", "key")) == [
        ("city", "mycity"),
        ("postal", "abc1234"),
        ("state", "mystate"),
    ]
    # The package's attribute links no service (link_entity "link_entity"): no tag.
    assert ServiceTerm.objects.count() == 0


def test_the_example_service_as_api_json_imports_with_no_rejects() -> None:
    report = directory_import(examples() / "service_full.json")

    assert report.rejects == []
    assert report.kind == "json"
    service = Service.objects.get()
    assert str(service.id) == EXAMPLE_SERVICE
    assert [
        (str(t.service_id), t.term.code) for t in ServiceTerm.objects.select_related("term")
    ] == [(EXAMPLE_SERVICE, "code")]
    assert ServicePlace.objects.filter(service=service, key="abc1234").count() == 1


def test_both_shapes_of_the_same_data_set_agree_and_reimport_updates() -> None:
    directory_import(examples())
    directory_import(examples() / "service_full.json")

    assert Service.objects.count() == 1
    assert Organization.objects.count() == 1
    assert Address.objects.count() == 1
    assert ServicePlace.objects.count() == 3


def test_a_broken_package_reports_exact_rejects_and_stores_only_the_rest(tmp_path: Path) -> None:
    folder = write_package(
        tmp_path / "broken",
        {
            "organizations": [
                {"id": uid(1), "name": "Food Bank", "description": "Groceries"},
                {"id": "ORG-2", "name": "Shelter", "description": "Beds"},
            ],
            "taxonomy_terms": [
                {"id": uid(2), "code": "BD-1800", "name": "Food", "description": "Food"}
            ],
            "services": [
                {"id": uid(101), "organization_id": uid(1), "name": "Pantry", "status": "active"},
                {"id": uid(102), "organization_id": uid(1), "name": "", "status": "active"},
                {"id": uid(103), "organization_id": "ORG-2", "name": "Beds", "status": "active"},
            ],
            "attributes": [
                {
                    "id": uid(3),
                    "link_id": uid(101),
                    "link_entity": "service",
                    "taxonomy_term_id": uid(2),
                },
                {
                    "id": uid(4),
                    "link_id": uid(101),
                    "link_entity": "service",
                    "taxonomy_term_id": uid(9),
                },
            ],
        },
    )

    report = directory_import(folder)

    assert report.rejects == [
        Reject("organizations", 2, "ORG-2", "id", "not a UUID: 'ORG-2'"),
        Reject("services", 2, uid(102), "name", "required field is missing"),
        Reject("services", 3, uid(103), "organization_id", "not a UUID: 'ORG-2'"),
        Reject("attributes", 2, uid(4), "taxonomy_term_id", f"unknown taxonomy term: {uid(9)}"),
    ]
    assert [str(s.id) for s in Service.objects.all()] == [uid(101)]
    assert [str(t.id) for t in ServiceTerm.objects.all()] == [uid(3)]
    assert TaxonomyTerm.objects.count() == 1


def test_the_command_lists_rejects_one_a_line(tmp_path: Path) -> None:
    folder = write_package(
        tmp_path / "p",
        {"services": [{"id": "7", "name": "X", "status": "active"}]},
    )
    out = StringIO()

    call_command("resources_import", str(folder), stdout=out)

    assert out.getvalue().splitlines() == [
        "services: 0 imported",
        "rejected: services row 1 id 7: id: not a UUID: '7'",
        "1 rejected",
    ]
    with pytest.raises(CommandError, match="1 rows rejected"):
        call_command("resources_import", str(folder), "--strict", stdout=StringIO())


def test_the_cli_spelling_reaches_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """`casework resources import PATH` runs the resources_import command (run from the
    console it closes the database connections, so the test stops at the dispatch)."""
    import django.core.management

    from casework.cli import main

    seen: list[list[str]] = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)

    main(["resources", "import", "/data/hsds", "--strict"])

    assert seen == [["casework", "resources_import", "/data/hsds", "--strict"]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "data.json",
            "{not json",
            "data.json: not JSON (Expecting property name enclosed in double quotes at line 1)",
        ),
        ("data.json", "42", "data.json: expected a service, a list of services or a page"),
        ("data.txt", "", "expected a data package directory, datapackage.json or a .json file"),
    ],
)
def test_an_unreadable_source_imports_nothing(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)

    with pytest.raises(hsds.SourceError) as raised:
        directory_import(path)

    assert message in str(raised.value)
    assert Service.objects.count() == 0


def test_a_folder_without_a_package_is_refused(tmp_path: Path) -> None:
    with pytest.raises(hsds.SourceError, match=r"no datapackage\.json"):
        directory_import(tmp_path)
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": []}))
    with pytest.raises(hsds.SourceError, match=r"no services\.csv"):
        directory_import(tmp_path)


def test_an_api_page_of_services_is_read(tmp_path: Path) -> None:
    page = {
        "total_items": 2,
        "contents": [
            {
                "id": uid(101),
                "name": "A",
                "status": "active",
                "organization": {"id": uid(1), "name": "O", "description": "d"},
            },
            {
                "id": uid(102),
                "name": "B",
                "status": "defunct",
                "organization": {"id": uid(1), "name": "O", "description": "d"},
                "languages": [{"id": uid(5), "code": "es", "name": "Spanish"}],
            },
        ],
    }
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))

    report = directory_import(path)

    assert report.rejects == []
    assert sorted(Service.objects.values_list("name", "status")) == [
        ("A", "active"),
        ("B", "defunct"),
    ]
    assert [(str(x.service_id), x.code) for x in ServiceLanguage.objects.all()] == [
        (uid(102), "es")
    ]
