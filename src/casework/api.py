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
  body too large     413 (DATA_UPLOAD_MAX_MEMORY_SIZE)
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

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
from casework.protections.api import router as protections_router
from casework.staff.api import router as staff_router
from casework.staff.models import User
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
Emergency purposes (`ETREAT`, `BTG`) are refused until break-glass access exists.
Every read and write of consumer data is audited.

Updates carry the `version` you read; a stale version is refused with 409 and the
current version. A consumer or case you may not reach is 404, exactly as if it did not
exist. Lists take `limit` (at most 100) and `offset`.
"""

api = NinjaAPI(
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
