"""HSDS 3.0 checks without a database: each kind of reject, exactly."""

from casework.resources.rules import Reject, check
from tests.resources.directory import uid


def rows(*records: dict[str, object]) -> list[tuple[int, dict[str, object]]]:
    return list(enumerate(records, start=1))


ORG = {"id": uid(1), "name": "Food Bank", "description": "Groceries"}
TERM = {"id": uid(2), "code": "BD-1800", "name": "Food pantries", "description": "Food"}


def svc(n: int, **fields: object) -> dict[str, object]:
    return {
        "id": uid(100 + n),
        "organization_id": uid(1),
        "name": f"S{n}",
        "status": "active",
        **fields,
    }


def test_a_valid_set_is_accepted_whole() -> None:
    checked = check(
        {
            "organizations": rows(ORG),
            "taxonomy_terms": rows(TERM),
            "services": rows(svc(1, minimum_age="18", maximum_age="64")),
            "attributes": rows(
                {
                    "id": uid(3),
                    "link_id": uid(101),
                    "link_entity": "service",
                    "taxonomy_term_id": uid(2),
                }
            ),
        }
    )
    assert checked.rejects == []
    assert [len(checked.accepted[t]) for t in ("organizations", "services", "attributes")] == [
        1,
        1,
        1,
    ]


def test_missing_required_fields_are_rejected_by_field() -> None:
    checked = check(
        {
            "organizations": rows(ORG, {"id": uid(9), "name": "", "description": "x"}),
            "services": rows(
                svc(1, name="  "), svc(2, status=""), {"name": "No id", "status": "active"}
            ),
            "locations": rows({"id": uid(50)}),
        }
    )
    assert checked.rejects == [
        Reject("organizations", 2, uid(9), "name", "required field is missing"),
        Reject("services", 1, uid(101), "name", "required field is missing"),
        Reject("services", 2, uid(102), "status", "required field is missing"),
        Reject("services", 3, "", "id", "required field is missing"),
        Reject("locations", 1, uid(50), "location_type", "required field is missing"),
    ]


def test_bad_ids_and_duplicates_are_rejected() -> None:
    checked = check(
        {
            "organizations": rows(ORG, {**ORG, "id": "org-1"}, {**ORG, "tax_id": "12-345"}),
            "services": rows(svc(1, program_id="P7"), svc(2), svc(2)),
        }
    )
    assert checked.rejects == [
        Reject("organizations", 2, "org-1", "id", "not a UUID: 'org-1'"),
        Reject("organizations", 3, uid(1), "id", "duplicate id"),
        Reject("services", 1, uid(101), "program_id", "not a UUID: 'P7'"),
        Reject("services", 3, uid(102), "id", "duplicate id"),
    ]


def test_unknown_taxonomy_term_and_unknown_links_are_rejected() -> None:
    checked = check(
        {
            "organizations": rows(ORG),
            "taxonomy_terms": rows(TERM),
            "services": rows(svc(1), svc(2, organization_id=uid(77))),
            "attributes": rows(
                {
                    "id": uid(3),
                    "link_id": uid(101),
                    "link_entity": "service",
                    "taxonomy_term_id": uid(99),
                },
                {
                    "id": uid(4),
                    "link_id": uid(102),
                    "link_entity": "service",
                    "taxonomy_term_id": uid(2),
                },
                {
                    "id": uid(5),
                    "link_id": uid(101),
                    "link_entity": "service",
                    "taxonomy_term_id": uid(2),
                },
            ),
            "languages": rows({"id": uid(6), "service_id": uid(102), "code": "es"}),
        }
    )
    assert checked.rejects == [
        Reject("services", 2, uid(102), "organization_id", f"unknown organization: {uid(77)}"),
        Reject("languages", 1, uid(6), "service_id", f"unknown service: {uid(102)}"),
        Reject("attributes", 1, uid(3), "taxonomy_term_id", f"unknown taxonomy term: {uid(99)}"),
        Reject("attributes", 2, uid(4), "link_id", f"unknown service: {uid(102)}"),
    ]
    assert [a["id"] for a in checked.accepted["attributes"]] == [uid(5)]


def test_enumerations_and_ages_at_their_boundaries() -> None:
    checked = check(
        {
            "organizations": rows(ORG),
            "services": rows(
                svc(1, status="closed"),
                svc(2, status="temporarily closed", minimum_age="0", maximum_age="150"),
                svc(3, minimum_age="twelve"),
                svc(4, maximum_age="151"),
                svc(5, minimum_age="65", maximum_age="64"),
                svc(6, minimum_age="64", maximum_age="64"),
                svc(7, minimum_age=12.0),
            ),
            "locations": rows({"id": uid(50), "location_type": "mobile"}),
        }
    )
    assert checked.rejects == [
        Reject(
            "services",
            1,
            uid(101),
            "status",
            "must be one of active, defunct, inactive, temporarily closed: 'closed'",
        ),
        Reject("services", 3, uid(103), "minimum_age", "not a whole number: 'twelve'"),
        Reject("services", 4, uid(104), "maximum_age", "out of range 0-150: 151"),
        Reject("services", 5, uid(105), "minimum_age", "above maximum_age (65 > 64)"),
        Reject(
            "locations",
            1,
            uid(50),
            "location_type",
            "must be one of physical, postal, virtual: 'mobile'",
        ),
    ]
    assert [s["id"] for s in checked.accepted["services"]] == [uid(102), uid(106), uid(107)]


def test_a_reject_reads_as_one_line() -> None:
    reject = Reject("services", 3, uid(103), "minimum_age", "not a whole number: 'twelve'")
    assert str(reject) == f"services row 3 id {uid(103)}: minimum_age: not a whole number: 'twelve'"
