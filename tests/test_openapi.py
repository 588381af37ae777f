"""The OpenAPI document at /api/v1/openapi.json describes every route an integrating
client can call, with tags, summaries, security and the responses each can return."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.api_helpers import PUBLIC_ROUTES, api_routes

WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}


@pytest.fixture
def document(db: None) -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_the_document_lists_every_route(document: dict[str, Any]) -> None:
    assert set(_operations(document)) == api_routes()


def test_every_api_url_is_a_documented_route_or_public() -> None:
    """Nothing is served under /api/v1/ that the document (or the allowlist) omits."""
    api_resolver = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == "api/v1/"
    )
    served = {
        "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        for p in api_resolver.url_patterns
        if isinstance(p, URLPattern)
    }
    documented = {path for _, path in api_routes()} | {path for _, path in PUBLIC_ROUTES}
    assert served == documented


def test_the_docs_are_public_and_the_root_serves_nothing(db: None) -> None:
    assert Client().get("/api/v1/docs").status_code == 200
    assert Client().get("/api/v1/").status_code == 404


def test_every_operation_has_a_tag_summary_id_and_description(document: dict[str, Any]) -> None:
    for key, operation in _operations(document).items():
        assert operation["tags"], key
        assert operation["summary"], key
        assert operation["operationId"], key
        assert operation["description"], key


def test_every_operation_requires_a_token_or_the_session(document: dict[str, Any]) -> None:
    for key, operation in _operations(document).items():
        assert operation["security"] == [{"TokenAuth": []}, {"SessionAuth": []}], key
    assert document["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"},
        "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }


def test_every_operation_documents_its_error_responses(document: dict[str, Any]) -> None:
    lists = exports = 0
    for (method, path), operation in _operations(document).items():
        expected = {"401", "403", "404", "422"}
        if method in WRITE_METHODS:
            expected |= {"409", "413"}
        if "requestBody" in operation:
            expected |= {"413", "415"}  # any body: too large, or not application/json
        content = operation["responses"].get("200", {}).get("content", {})
        ok = content.get("application/json", {})
        if ok.get("schema", {}).get("$ref", "").endswith("Page"):
            expected |= {"429"}  # lists are rate-limited per user (S37)
            lists += 1
        if "text/csv" in content:
            expected |= {"429"}  # so are exports
            exports += 1
        codes = set(operation["responses"])
        assert expected <= codes, (method, path)
        success = codes - expected
        assert success in ({"200"}, {"201"}), (method, path)
    # Every context adds lists: a floor, not a count each branch must edit (the checks
    # above ran on the paged lists and on the one export).
    assert lists > 25 and exports == 1, (lists, exports)


def test_creates_answer_201_and_other_operations_200(document: dict[str, Any]) -> None:
    created = {
        key
        for key, op in _operations(document).items()
        if "201" in op["responses"] and "200" not in op["responses"]
    }
    assert created == {
        ("POST", "/api/v1/referrals"),
        ("POST", "/api/v1/consumers/{consumer_id}/complaints"),
        ("POST", "/api/v1/complaints/{complaint_id}/notes"),
        ("POST", "/api/v1/consumers/{consumer_id}/abuse-reports"),
        ("POST", "/api/v1/incidents"),
        ("POST", "/api/v1/staff/{user_id}/mfa-resets"),
        ("POST", "/api/v1/consumers/{consumer_id}/merges"),
        ("POST", "/api/v1/stays/{stay_id}/education"),
        ("POST", "/api/v1/stays/{stay_id}/sequencing-barriers"),
        ("POST", "/api/v1/consumers/{consumer_id}/ethics-consultations"),
        ("POST", "/api/v1/consumers/{consumer_id}/support-persons"),
        ("POST", "/api/v1/consumers/{consumer_id}/advance-directives"),
        ("POST", "/api/v1/cases/{case_id}/notices"),
        ("POST", "/api/v1/cases/{case_id}/consents"),
        ("POST", "/api/v1/cases/{case_id}/work-items"),
        ("POST", "/api/v1/cases/{case_id}/communications"),
        ("POST", "/api/v1/cases/{case_id}/notes"),
        ("POST", "/api/v1/cases/{case_id}/care-team"),
        ("POST", "/api/v1/cases/{case_id}/assessments"),
        ("POST", "/api/v1/cases/{case_id}/needs"),
        ("POST", "/api/v1/cases/{case_id}/reassessment-triggers"),
        ("POST", "/api/v1/cases/{case_id}/care-plan/versions"),
        ("POST", "/api/v1/cases/{case_id}/care-plan/agreements"),
        ("POST", "/api/v1/cases/{case_id}/care-plan/informed-choices"),
        ("POST", "/api/v1/cases/{case_id}/care-plan/progress"),
        ("POST", "/api/v1/staff/{user_id}/credentials"),
        ("POST", "/api/v1/credentials/{credential_id}/verifications"),
        ("POST", "/api/v1/staff/{user_id}/continuing-education"),
        ("POST", "/api/v1/courses"),
        ("POST", "/api/v1/staff/{user_id}/training-assignments"),
        ("POST", "/api/v1/staff/{user_id}/training-completions"),
        ("POST", "/api/v1/attestations"),
        ("POST", "/api/v1/attestations/{document_id}/sign"),
        ("POST", "/api/v1/job-descriptions"),
        ("POST", "/api/v1/clinical-consultations"),
        ("POST", "/api/v1/stays"),
        ("POST", "/api/v1/stays/{stay_id}/reviews"),
        ("POST", "/api/v1/stays/{stay_id}/notices"),
        ("POST", "/api/v1/stays/{stay_id}/authorizations"),
        ("POST", "/api/v1/stays/{stay_id}/denials"),
        ("POST", "/api/v1/stays/{stay_id}/peer-to-peers"),
        ("POST", "/api/v1/stays/{stay_id}/denials/{denial_id}/appeals"),
        ("POST", "/api/v1/stays/{stay_id}/avoidable-days"),
        ("POST", "/api/v1/stays/{stay_id}/documents"),
        ("POST", "/api/v1/fhir/Encounter"),
        ("POST", "/api/v1/stays/{stay_id}/choice-lists"),
        ("POST", "/api/v1/stays/{stay_id}/handoff"),
        ("POST", "/api/v1/consumers/{consumer_id}/community-referrals"),
        ("POST", "/api/v1/consumers/{consumer_id}/legal-holds"),
        ("POST", "/api/v1/consumers/{consumer_id}/disclosures"),
        ("POST", "/api/v1/consumers/{consumer_id}/access-requests"),
        ("POST", "/api/v1/compliance-register"),
    }


def test_input_schemas_forbid_unknown_fields(document: dict[str, Any]) -> None:
    """S9: every request body refuses fields it does not declare."""
    schemas = document["components"]["schemas"]
    for key, operation in _operations(document).items():
        body = operation.get("requestBody")
        if body is None:
            continue
        if key[1].startswith("/api/v1/fhir/"):
            # A FHIR resource carries elements we do not read (extensions, narrative…):
            # the handler reads named elements and refuses bad ones by name (422).
            assert body["content"]["application/json"]["schema"]["type"] == "object", key
            continue
        if "multipart/form-data" in body["content"]:
            # A file upload (web.middleware.UPLOAD_PATHS): its form fields, all required;
            # the handler refuses any other field by name (tests/stays/test_stay_documents.py).
            assert key == ("POST", "/api/v1/stays/{stay_id}/documents"), key
            form = body["content"]["multipart/form-data"]["schema"]
            assert form["required"] == ["title", "kind", "file"] == list(form["properties"])
            continue
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert schemas[ref].get("additionalProperties") is False, (key, ref)


def test_update_bodies_require_the_version(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("ConsumerPatch", "WorkItemPatch", "VersionIn", "WithdrawIn", "CloseIn"):
        assert "version" in schemas[name]["required"], name


def test_every_schema_class_has_a_name_of_its_own() -> None:
    """The document names a component by its class name: two contexts' `NoticeIn` would
    make one route document the other's body, and two enums called `Severity` would
    make one field document the other's values. Every `schemas` module, sub-packages'
    included, and every enum a schemas module uses."""
    import enum
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import casework

    owners: dict[str, set[str]] = {}
    for info in pkgutil.walk_packages(casework.__path__, "casework."):
        if not info.name.endswith(".schemas"):
            continue
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            schema = issubclass(cls, Schema) and cls.__module__ == module.__name__
            ours = issubclass(cls, enum.Enum) and cls.__module__.startswith("casework.")
            if schema or ours:
                owners.setdefault(name, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}
