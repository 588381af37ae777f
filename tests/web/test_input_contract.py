"""What every request must be, and what every API error is (issue 12, defects 4 and 13).

A NUL character is refused in every text input with a 422 naming the field (PostgreSQL
refuses NUL in text and answered 500); an API body is JSON sent as application/json;
an unparseable body is a 422 the OpenAPI document lists; every API error is JSON."""

from typing import Any

import pytest
from django.test import Client

from casework.api import api
from casework.cases.models import Referral
from casework.consumers.models import Consumer
from casework.web.api import NUL_REFUSED, contains_nul
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, refused, token_client
from tests.cases.test_api import intake_body
from tests.conftest import World

NUL = "bad\x00value"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()  # type: ignore[no-any-return]


def _body_properties(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(method, path, property) for every property of every JSON request body."""
    found = []
    schemas = document["components"]["schemas"]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            if "$ref" not in body["schema"]:  # a free-form body (FHIR): tested below
                continue
            ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
            for name in schemas[ref].get("properties", {}):
                found.append((method.upper(), path, name))
    return found


def _with_consumer(**fields: Any) -> dict[str, Any]:
    return intake_body(consumer={**intake_body()["consumer"], **fields})


def test_contains_nul_looks_inside_lists_and_dicts() -> None:
    assert contains_nul("a\x00")
    assert contains_nul(["ok", {"k": "v\x00"}])
    assert contains_nul({"k\x00": 1})
    assert not contains_nul({"k": ["v", 1, None]})


def test_every_text_input_of_every_api_body_refuses_nul(
    world: World, document: dict[str, Any]
) -> None:
    """The whole class: each property of each request body, sent with a NUL, is a 422
    naming exactly that property, before any handler runs (nothing written or audited)."""
    client = token_client(world.supervisor)
    properties = _body_properties(document)
    assert len(properties) > 100
    for method, template, name in properties:
        path = template.replace("{", "").replace("}", "")
        path = "/".join("1" if part.endswith("_id") else part for part in path.split("/"))
        response = refused(client, method, path, {name: NUL})
        assert response.status_code == 422, (method, template, name, response.content)
        errors = [e for e in response.json()["detail"] if e["loc"] == ["body", name]]
        assert [e["msg"] for e in errors] == [f"Value error, {NUL_REFUSED}"], (template, name)


def _free_form_bodies(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if "$ref"
        not in operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {"schema": {"$ref": ""}})["schema"]
    ]


def test_every_free_form_body_refuses_nul(world: World, document: dict[str, Any]) -> None:
    """Bodies without a schema of fields (FHIR resources) are checked whole: a NUL
    anywhere is a 422 naming the body. (A route with a record in its path loads the
    record first; the update of an Encounter parses its body with the same check.)"""
    client = token_client(world.supervisor)
    bodies = _free_form_bodies(document)
    assert ("POST", "/api/v1/fhir/Encounter") in bodies
    for method, path in bodies:
        if "{" in path:
            continue
        template = path
        response = refused(client, method, path, {"resourceType": "Encounter", "id": NUL})
        assert response.status_code == 422, (template, response.content)
        assert response.json()["detail"][0]["loc"] == ["body", "body"], template


@pytest.mark.parametrize(
    ("where", "body"),
    [
        ("referral reason", lambda: intake_body(reason=NUL)),
        ("consumer name", lambda: _with_consumer(given_name=NUL)),
        ("record number", lambda: _with_consumer(mrn=NUL)),
    ],
)
def test_a_referral_with_nul_is_422_on_either_database(world: World, where: str, body: Any) -> None:
    response = refused(token_client(world.cm), "POST", "/api/v1/referrals", body())
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["msg"] == f"Value error, {NUL_REFUSED}"
    assert Referral.objects.count() == 0


def test_a_note_with_nul_is_422_naming_the_field(world: World) -> None:
    case = factories.active_case(world.cm)
    response = refused(
        token_client(world.cm), "POST", f"/api/v1/cases/{case.pk}/notes", {"text": NUL}
    )
    assert response.status_code == 422
    assert ["body", "text"] in [e["loc"] for e in response.json()["detail"]]


def test_a_consumer_update_with_nul_is_422(world: World) -> None:
    case = factories.active_case(world.cm)
    consumer = Consumer.objects.get(pk=case.consumer_id)
    response = refused(
        token_client(world.cm),
        "PATCH",
        f"/api/v1/consumers/{consumer.pk}",
        {"version": consumer.version, "address": NUL},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "address"]


def test_a_nul_in_a_query_parameter_is_422_naming_it(world: World) -> None:
    response = token_client(world.supervisor).get("/api/v1/cases?state=%00&limit=5")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["query", "state"], "msg": NUL_REFUSED, "type": "value_error"}]
    }


def test_a_nul_in_a_page_query_is_400_not_500(world: World) -> None:
    client = Client()
    client.force_login(world.cm)
    assert client.get("/worklist/?q=a%00b").status_code == 400


def test_a_nul_in_a_form_is_a_form_error(world: World) -> None:
    case = factories.active_case(world.cm)
    client = Client()
    client.force_login(world.cm)
    since = last_event_id()
    before = case.notes.count() if hasattr(case, "notes") else None
    response = client.post(f"/cases/{case.pk}/notes/new/", {"text": NUL})
    assert response.status_code in (200, 422), response.status_code
    assert "Null characters are not allowed." in response.content.decode()
    if before is not None:
        assert case.notes.count() == before
    assert all(e.outcome != "success" or e.action != "create" for e in events_since(since))


# --- the content type and the body's syntax (defect 13) ----------------------------------


def test_a_json_body_sent_as_text_plain_is_415(world: World) -> None:
    client = token_client(world.cm)
    since = last_event_id()
    response = client.post("/api/v1/referrals", data='{"reason": "x"}', content_type="text/plain")
    assert response.status_code == 415
    assert response.json() == {"detail": "send the request body as application/json"}
    assert events_since(since) == []


def test_a_body_without_a_content_type_is_415(world: World) -> None:
    client = token_client(world.cm)
    response = client.generic("POST", "/api/v1/referrals", data=b"{}", content_type="")
    assert response.status_code == 415


def test_an_unparseable_body_is_a_listed_422(world: World, document: dict[str, Any]) -> None:
    client = token_client(world.cm)
    response = client.post("/api/v1/referrals", data="{not json", content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body"], "msg": "the body is not valid JSON", "type": "json_invalid"}]
    }
    assert 422 in document["paths"]["/api/v1/referrals"]["post"]["responses"]


# --- every API error is JSON --------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/no-such-thing", 404),
        ("GET", "/api/nothing-here", 404),
        ("DELETE", "/api/v1/me", 405),
        ("PUT", "/api/v1/referrals", 405),
    ],
)
def test_api_errors_are_json(world: World, method: str, path: str, status: int) -> None:
    response = call(token_client(world.cm), method, path, {})
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_an_unhandled_api_error_is_a_json_500(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casework.web import api as web_api

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret detail Maria Lopez 1948-05-17")

    monkeypatch.setattr(web_api, "scope_for", boom)
    client = token_client(world.cm)
    client.raise_request_exception = False
    response = client.get("/api/v1/me")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error"}


# --- the document says what is accepted (defect 13) ---------------------------------------


def test_patch_fields_are_optional_but_not_documented_as_nullable(
    document: dict[str, Any],
) -> None:
    """A PATCH field may be left out; null is refused (422), so null is not documented."""
    schemas = document["components"]["schemas"]
    for name in ("ConsumerPatch", "WorkItemPatch"):
        for field, schema in schemas[name]["properties"].items():
            assert "anyOf" not in schema, (name, field)
    assert "anyOf" in schemas["CredentialPatch"]["properties"]["expires_date"]  # null clears


def test_decimal_inputs_are_documented_as_numbers_and_take_them(world: World) -> None:
    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert schemas["GuidelineIn"]["properties"]["max_weighted_load"] == {
        "type": "number",
        "exclusiveMinimum": 0.0,
        "maximum": 1000.0,
        "title": "Max Weighted Load",
    }


def test_request_text_is_documented_without_nul(document: dict[str, Any]) -> None:
    note = document["components"]["schemas"]["NoteIn"]["properties"]["text"]
    assert note["pattern"] == "^[^\\u0000]*$"


# --- body limits in Django itself, whatever the server (defect 7) --------------------------


@pytest.mark.parametrize(("path", "json"), [("/sign-in/", False), ("/api/v1/referrals", True)])
def test_a_body_over_the_limit_is_413_before_it_is_read(db: None, path: str, json: bool) -> None:
    class Unreadable:
        def read(self, *args: Any) -> bytes:
            raise AssertionError("the body was read")

        readline = read

    response = Client().generic(
        "POST",
        path,
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    if json:
        assert response.json() == {"detail": "request body too large"}
