"""The REST API at /api/v1/ (Django Ninja); OpenAPI at /api/v1/openapi.json.

Every route needs authentication (see `casework.web.api`). Domain errors map to:
  ValidationFailed   422 {"detail": [{"loc": ["body", field], "msg": reason,
                          "type": "value_error"}]}
  RuleViolation      409 {"detail": reason}
  AttestationRequired 403: sign the current confidentiality statement first (S41)
  PurposeRefused     403 {"detail": reason}: a purpose of use the role may not state
                     (audited as a denied attempt)
  StaleVersion       409 {"detail": ..., "current_version": n}
  missing/forbidden  404 {"detail": "Not Found"} (audited as a denied attempt)
  body too large     413 (CASEWORK_MAX_REQUEST_BYTES, DATA_UPLOAD_MAX_MEMORY_SIZE)
  body not JSON      415 (any content type but application/json)
  body unparseable   422 {"detail": [{"loc": ["body"], "type": "json_invalid", ...}]}
  concurrent write   409 (a unique key taken by a request that committed first)
  anything else      500 {"detail": "internal error"}: logged by class and frames only,
                     never the message (a database error names key values)
"""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from casework.assessments.api import router as assessments_router
from casework.careplans.api import router as careplans_router
from casework.cases.api import router as cases_router
from casework.complaints.api import router as complaints_router
from casework.consumers.api import router as consumers_router
from casework.coordination.api import router as coordination_router
from casework.core.actor import client_address
from casework.core.errors import (
    AttestationRequired,
    PurposeRefused,
    RuleViolation,
    StaleVersion,
    ValidationFailed,
)
from casework.core.logs import redacted_traceback
from casework.governance.api import router as governance_router
from casework.protections.api import router as protections_router
from casework.resources.api import router as resources_router
from casework.staff.api import router as staff_router
from casework.staff.models import User
from casework.stays.api import router as stays_router
from casework.stays.payers.api import router as stays_payers_router
from casework.transitions.api import ReceiverAuth
from casework.transitions.api import receiver_router as transitions_receiver_router
from casework.transitions.api import router as transitions_router
from casework.web.access import purpose_refused_audit
from casework.web.api import SessionAuth, TokenAuth, audit_router
from casework.web.api import router as core_router

DESCRIPTION = """
Case management REST API. Authenticate with a per-user API token
(`Authorization: Bearer cw_…`, issued with `casework apitoken create`) or, from the
browser, the signed-in session plus the `X-CSRFToken` header on unsafe methods.

State your purpose of use in the `X-Purpose-Of-Use` header (HL7 PurposeOfUse code, e.g.
`CAREMGT`, `TREAT`, `HQUALIMP`); without it the role's default purpose is recorded. A
purpose your role may not state, or an unknown one, is refused with 403 (audited).
Emergency purposes (`ETREAT`, `BTG`) are never stated: a declared emergency
(break-glass, on the `/break-glass/` page) opens one consumer's records for a limited
time and marks every event under it with `ETREAT` and `break_glass=true`.
Every read and write of consumer data is audited.

Updates carry the `version` you read; a stale version is refused with 409 and the
current version. A consumer or case you may not reach is 404, exactly as if it did not
exist. Lists take `limit` (at most 100) and `offset`.

Request bodies are JSON sent as `application/json` (415 otherwise); a body that does not
parse is 422. Text may not contain the NUL character (422 naming the field). Every error
is JSON: `{"detail": ...}`.

Any POST may carry an `Idempotency-Key` header (1-255 printable ASCII characters): a
retry with the same key and the same body, by the same user within 24 hours, returns the
first response (marked `Idempotent-Replayed: true`) and writes nothing; the same key with
another body is 409.
"""

logger = logging.getLogger("casework.api")

BODY_ERRORS: dict[int, dict[str, Any]] = {
    413: {
        "description": "the request body is larger than the server accepts",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    },
    415: {
        "description": "the request body is not sent as application/json",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    },
}
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": (
        "A key of your choosing (1-255 printable characters) that makes a retry safe: the "
        "same key with the same body, from the same user within 24 hours, returns the "
        "first response again instead of writing twice; the same key with another body "
        "is 409."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


NO_NUL_PATTERN = "^[^\\u0000]*$"


def _request_components(schema: dict[str, Any]) -> set[str]:
    """The component schemas a request body refers to, directly or nested."""
    components = schema.get("components", {}).get("schemas", {})
    found: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found.add(name)
                    visit(components.get(name))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            visit(operation.get("requestBody"))
    return found


def _document_input(node: dict[str, Any]) -> None:
    """What a request property accepts, exactly: text without NUL (422 otherwise), and a
    decimal as a JSON number (a string is also taken, but not promised)."""
    branches = node.get("anyOf")
    if isinstance(branches, list):
        numbers = [b for b in branches if b.get("type") == "number"]
        # pydantic documents a Decimal as number | string
        decimal_strings = [
            b for b in branches if b.get("type") == "string" and not {"format", "enum"} & set(b)
        ]
        if numbers and decimal_strings:
            node["anyOf"] = [b for b in branches if b not in decimal_strings]
            if len(node["anyOf"]) == 1:
                node.update(node.pop("anyOf")[0])
        for branch in node.get("anyOf", []):
            _document_input(branch)
    if node.get("type") == "string" and not {"enum", "format", "pattern", "const"} & set(node):
        node["pattern"] = NO_NUL_PATTERN
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        _document_input(node["items"])
    if isinstance(node.get("additionalProperties"), dict):
        _document_input(node["additionalProperties"])
    for child in node.get("properties", {}).values():
        _document_input(child)


class CaseworkAPI(NinjaAPI):
    """Ninja with what every operation shares written into the OpenAPI document: 413 and
    415 wherever a body is taken, the Idempotency-Key header on POST, and request fields
    documented as exactly what they accept (no NUL in text; decimals as numbers)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.get("components", {}).get("schemas", {})
        for name in _request_components(schema):
            if name in components:
                _document_input(components[name])
        for methods in schema.get("paths", {}).values():
            for method, operation in methods.items():
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "query" and isinstance(parameter.get("schema"), dict):
                        _document_input(parameter["schema"])
                if "requestBody" in operation:
                    responses = operation["responses"]
                    for status, response in BODY_ERRORS.items():
                        if status not in responses and str(status) not in responses:
                            responses[status] = response
                if method == "post":
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
        return schema


api = CaseworkAPI(
    title="casework",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)


def _validation_detail(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ninja's errors without the body parameter's name: ["body", "payload", "title"]
    becomes ["body", "title"], the same shape as a service's ValidationFailed."""
    detail = []
    for error in errors:
        loc = list(error.get("loc", []))
        if len(loc) >= 2 and loc[0] == "body" and loc[1] == "payload":
            loc = ["body", *loc[2:]]
        elif len(loc) >= 2 and loc[0] == "query" and loc[1] in ("page", "filters"):
            loc = ["query", *loc[2:]]
        detail.append({"loc": loc, "msg": str(error.get("msg", "")), "type": error.get("type", "")})
    return detail


@api.exception_handler(ValidationError)
def schema_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _validation_detail(exc.errors)}, status=422)


@api.exception_handler(ValidationFailed)
def validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    detail = [
        {"loc": [exc.location, *field.split(".")], "msg": reason, "type": "value_error"}
        for field, reasons in exc.errors.items()
        for reason in reasons
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(RuleViolation)
def rule_violation(request: HttpRequest, exc: RuleViolation) -> HttpResponse:
    return api.create_response(request, {"detail": exc.reason}, status=409)


@api.exception_handler(AttestationRequired)
def attestation_required(request: HttpRequest, exc: AttestationRequired) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(PurposeRefused)
def purpose_refused(request: HttpRequest, exc: PurposeRefused) -> HttpResponse:
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        purpose_refused_audit(user, client_address(request), exc)
    return api.create_response(request, {"detail": exc.reason}, status=403)


@api.exception_handler(StaleVersion)
def stale_version(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc), "current_version": exc.current_version}, status=409
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # Ninja's "Cannot parse request body"
        detail = [{"loc": ["body"], "msg": "the body is not valid JSON", "type": "json_invalid"}]
        return api.create_response(request, {"detail": detail}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(IntegrityError)
def integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """A unique key taken by a concurrent request that committed first. The database's
    message names the key's values (PHI): it is neither returned nor logged."""
    logger.warning("conflicting concurrent write on %s %s", request.method, _route(request))
    detail = "another request changed the same record at the same time: reload and retry"
    return api.create_response(request, {"detail": detail}, status=409)


@api.exception_handler(Exception)
def internal_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any other failure: JSON 500. Logged by class and frames, without the message."""
    logger.error(
        "internal error on %s %s\n%s", request.method, _route(request), redacted_traceback(exc)
    )
    return api.create_response(request, {"detail": "internal error"}, status=500)


def _route(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.route if match is not None else "?"


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "request body too large"}, status=413)


api.add_router("/", core_router)
api.add_router("/", consumers_router)
api.add_router("/", cases_router)
api.add_router("/", coordination_router)
api.add_router("/", assessments_router)
api.add_router("/", careplans_router)
api.add_router("/", audit_router)
api.add_router("/", staff_router)
api.add_router("/", complaints_router)
api.add_router("/", protections_router)
api.add_router("/", stays_router)
api.add_router("/", stays_payers_router)
api.add_router("/", resources_router)
api.add_router("/", transitions_router)
api.add_router("/", governance_router)

# The receiving system's API: its own credential (`cwr_`), which the API above refuses
# (401), and three routes over the handoffs addressed to its organisation (issue 16).
receiver_api = NinjaAPI(
    title="casework receiver",
    version="1",
    description="For a receiving provider's system: the handoffs addressed to it "
    "(`Authorization: Bearer cwr_…`, issued with `casework receivertoken create`).",
    urls_namespace="receiver_api",
    auth=[ReceiverAuth()],
)
for _error, _handler in api._exception_handlers.items():
    receiver_api.add_exception_handler(_error, _handler)
receiver_api.add_router("/", transitions_receiver_router)
