"""API plumbing shared by every context's router: authentication, the acting user,
role checks, pagination, list auditing and the error responses (S2, S3, S7, S35, S37).

Authentication (tried in this order):
  bearer   `Authorization: Bearer cw_…` per-user API token; needs no CSRF token. A bearer
           header that does not verify is a 401 even when a session cookie is present.
  session  the browser's Django session; unsafe methods need the CSRF token
           (`X-CSRFToken` header) or they are refused with 403.
Anything else is 401 on every route.
"""

import inspect
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import BaseThrottle
from ninja.utils import check_csrf
from pydantic import ConfigDict, field_validator

from casework.core.actor import Actor, actor_from_request
from casework.core.audit import audit_denied, audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction, AuditOutcome
from casework.core.policy import Permission, Scope, scope_for
from casework.core.selectors import AuditFilters
from casework.core.tokens import token_verify
from casework.staff.models import User
from casework.staff.selectors import staff_of_program
from casework.web.access import (
    CONSUMER_PERMISSIONS,
    audit_action,
    confidentiality_gate,
    user_may,
)
from casework.web.exports import audit_csv_response, audit_event_list
from casework.web.local_time import activate_api_zone
from casework.web.mfa import second_factor_pending

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


class TokenAuth(HttpBearer):
    """Per-user API token (`casework apitoken create`)."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = token_verify(token.strip())
        if user is None:
            # Fail closed: a bad bearer token never falls through to the session.
            raise AuthenticationError()
        request.user = user
        activate_api_zone(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; CSRF enforced on unsafe methods for a signed-in user."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
            return None
        if second_factor_pending(request):
            return None  # signed in with a password only (S17): 401 until the second step
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed")
        activate_api_zone(request, user)
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return None  # unused: __call__ checks the session user itself


class ListRateThrottle(BaseThrottle):
    """A per-user limit on list (search) requests (S37): `CASEWORK_API_LIST_RATE`
    requests per minute (default 600), counted in the default cache (per process with
    the local-memory cache; approximate under concurrent requests of one user). Over it
    → 429 with Retry-After. The instance is shared, so the wait is kept per thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        if not isinstance(user, User):
            return True
        limit = int(getattr(settings, "CASEWORK_API_LIST_RATE", 600))
        window = 60.0
        key = f"casework:api-list:{user.pk}"
        now = time.time()
        history = [t for t in cache.get(key, []) if t > now - window]
        if len(history) >= limit:
            self._local.wait = max(1.0, history[-1] + window - now)
            return False
        cache.set(key, [now, *history], int(window))
        return True

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


LIST_THROTTLE = ListRateThrottle()


# --- request helpers --------------------------------------------------------------------


def actor_of(request: HttpRequest) -> Actor:
    """The acting user (set by either authenticator), with purpose of use and address."""
    return actor_from_request(request)


def require(actor: Actor, permission: Permission, object_type: str, object_id: object) -> None:
    """A role without `permission` at any scope gets 403 (audited as denied).

    A person without a signed current confidentiality statement gets 403 for any
    consumer permission. This reveals nothing about the object: it depends only on the
    caller's role and attestation. A role that has the permission, but not over this
    consumer, gets 404 from the guarded load."""
    if not user_may(actor, permission):
        audit_denied(
            actor=actor,
            action=audit_action(permission),
            object_type=object_type,
            object_id=object_id,
            reason=f"role lacks {permission}",
        )
        raise HttpError(403, "your role does not permit this")
    if permission in CONSUMER_PERMISSIONS:
        confidentiality_gate(actor, audit_action(permission), object_type, object_id)


def audit_list(
    actor: Actor,
    *,
    object_type: str,
    count: int,
    returned: list[int],
    consumer_id: int | None = None,
    parent: object = "",
    **detail: Any,
) -> None:
    """One `list` event for a list request: the total, and the ids returned (no PHI)."""
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        consumer_id=consumer_id,
        object_type=object_type,
        object_id=parent,
        detail={"count": count, "ids": returned, **detail},
    )


def paginate[M: models.Model](qs: QuerySet[M], page: "PageParams") -> tuple[int, list[M]]:
    """The total and one page of `qs` (its order is fixed by the selector)."""
    return qs.count(), list(qs[page.offset : page.offset + page.limit])


def listed_page[M: models.Model](
    actor: Actor,
    qs: QuerySet[M],
    page: "PageParams",
    *,
    object_type: str,
    consumer_id: int | None = None,
    parent: object = "",
) -> dict[str, Any]:
    """One page of a list endpoint, audited as one `list` event: {"count", "items"}."""
    count, items = paginate(qs, page)
    audit_list(
        actor,
        object_type=object_type,
        count=count,
        returned=[item.pk for item in items],
        consumer_id=consumer_id,
        parent=parent,
    )
    return {"count": count, "items": items}


class Versioned(Protocol):
    """A record written under optimistic concurrency."""

    @property
    def version(self) -> int: ...


def version_step[R: Versioned, T](
    record: R | None,
    payload: "VersionIn",
    step: Callable[[R, int, dict[str, Any]], T],
    *,
    missing: str = "",
) -> T:
    """The body of a handler that records one step of `record` (loaded under the guarded
    parent): a missing `record` is a 404 (`missing` says which; the guard audits it),
    else `step(record, the version sent, the payload's other fields)`, the one service
    whose event is the write's."""
    if record is None:
        raise Http404(missing)
    return step(record, payload.version, payload.model_dump(exclude={"version"}))


def service_step(
    service: Callable[..., Any],
    actor: Actor,
    record_param: str,
    facts: Callable[..., object] | None = None,
) -> Callable[[Any, int, dict[str, Any]], Any]:
    """The `step` of `version_step` and `web.pages.step_page` that calls a service as
    `service(actor=actor, <record_param>=record, version=version, facts=facts(**fields))`,
    or with the fields as keyword arguments when there is no `facts` class."""

    def step(record: Any, version: int, fields: dict[str, Any]) -> Any:
        given = {"facts": facts(**fields)} if facts is not None else fields
        return service(actor=actor, **{record_param: record}, version=version, **given)

    return step


def record_step(
    router: Router,
    path: str,
    *,
    permission: Permission,
    load: Callable[..., Any],
    record_param: str,
    body: type[Schema],
    response: type[Schema],
    step: Callable[..., object],
    answer: Callable[[Any], object],
    summary: str,
    operation_id: str,
    description: str,
) -> None:
    """Add `POST path` to `router`: one step of the record that `load` finds by the id in
    the path (guarded by `permission`), through `step(actor=…, <record_param>=record,
    **the fields of the `body` sent)`, the one service whose event is the write's; the answer is
    `answer(record)`. The operation is documented as a handler written out would be."""
    from casework.web.guard import guard  # the guard uses `require` of this module

    def record_step(request: HttpRequest, actor: Actor, record: Any, payload: Any) -> object:
        step(actor=actor, **{record_param: record}, **payload.model_dump())
        return answer(record)

    params = list(inspect.signature(record_step).parameters.values())
    record_step.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [*params[:3], params[3].replace(annotation=body)]
    )
    record_step.__name__ = operation_id
    router.post(
        path,
        response=responses({200: response}, write=True),
        summary=summary,
        description=description,
        operation_id=operation_id,
    )(guard(permission, load)(record_step))


def child_step(
    operation: Callable[..., Callable[[Callable[..., Any]], object]],
    path: str,
    *,
    permission: Permission,
    load: Callable[..., Any],
    child_param: str,
    child_of: Callable[[Any, int], Any],
    body: type[Schema],
    step: Callable[[Actor, Any, int, Any], object],
    **documented: Any,
) -> None:
    """Add `path` to `router` through `operation` (`router.patch`, `router.post`): one
    versioned step of a record under the parent that `load` finds by the first id in the
    path (guarded by `permission`). `child_of(parent, <child_param>)` finds the record (None
    is a 404 the guard audits); `step(actor, record, version, payload)` is the one service
    whose event is the write's. `documented`: response, summary, operation_id and
    description, as a handler written out would give them."""
    from casework.web.guard import guard  # the guard uses `require` of this module

    def child_step(request: HttpRequest, actor: Actor, parent: Any, **values: Any) -> object:
        payload = values["payload"]
        return version_step(
            child_of(parent, values[child_param]),
            payload,
            lambda record, version, _: step(actor, record, version, payload),
        )

    params = list(inspect.signature(child_step).parameters.values())
    child_step.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            *params[:3],
            inspect.Parameter(child_param, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int),
            inspect.Parameter("payload", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=body),
        ]
    )
    child_step.__name__ = documented["operation_id"]
    response = documented.pop("response")
    operation(path, response=responses({200: response}, write=True), **documented)(
        guard(permission, load)(child_step)
    )


def staff_member(actor: Actor, user_id: int, field: str) -> User:
    """A staff member of the actor's program named in a request body; 422 otherwise."""
    user = staff_of_program(program_id=actor.user.program_id, user_id=user_id)
    if user is None:
        raise ValidationFailed.single(field, "no such staff member in your program")
    return user


# --- schemas shared by every router -----------------------------------------------------


NUL_REFUSED = "must not contain a NUL character"


def contains_nul(value: object) -> bool:
    """Whether a NUL character is anywhere in `value` (strings, and the keys and values
    of lists and dicts). PostgreSQL refuses NUL in text, SQLite truncates at it: it is
    never a valid character of anything a person types."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(contains_nul(v) for v in value)
    return False


class InputSchema(Schema):
    """Request bodies accept only their declared fields (S9: no mass assignment), and no
    text anywhere in them may hold a NUL character (422 naming the field)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        if contains_nul(value):
            raise ValueError(NUL_REFUSED)
        return value


def null_not_documented(*nullable: str) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` of a PATCH schema whose fields default to None to mean "not
    sent": the document shows each field as its type only (null is refused with 422),
    except the `nullable` ones, where null clears the value."""

    def edit(schema: dict[str, Any]) -> None:
        for name, prop in schema.get("properties", {}).items():
            branches = prop.get("anyOf")
            if name in nullable or not isinstance(branches, list):
                continue
            kept = [b for b in branches if b.get("type") != "null"]
            if len(kept) == 1:
                del prop["anyOf"]
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept

    return edit


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="page size")
    offset: int = Field(0, ge=0, le=1_000_000, description="items to skip")


class ErrorOut(Schema):
    detail: str = Field(..., description="why the request was refused")


class ConflictOut(Schema):
    detail: str = Field(..., description="why the request conflicts with the record's state")
    current_version: int | None = Field(
        None, description="present when the version sent is stale: reload and retry"
    )


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(..., description='where, e.g. ["body", "title"]')
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class StaffRef(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.get_full_name() or obj.username


class VersionIn(InputSchema):
    version: int = Field(..., ge=1, description="the version you read (optimistic concurrency)")


ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 409: ConflictOut, 413: ErrorOut}


LIST_ERRORS: dict[int, type[Schema]] = {**ERRORS, 429: ErrorOut}


def responses(ok: dict[int, Any], *, write: bool = False, listing: bool = False) -> dict[int, Any]:
    """The response map of an operation: its success plus every error it can return."""
    return {**ok, **(WRITE_ERRORS if write else LIST_ERRORS if listing else ERRORS)}


# --- who am I ------------------------------------------------------------------------------


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    program_id: int | None
    team_id: int | None
    permissions: dict[str, str] = Field(
        ..., description="each permission the role holds, with its scope (own, team, program)"
    )


router = Router(tags=["session"])


@router.get(
    "/me",
    response=responses({200: MeOut}),
    summary="The signed-in user, their role and permissions",
    operation_id="me",
)
def me(request: HttpRequest) -> MeOut:
    """Who the API treats you as: no consumer data, so no audit event."""
    user = actor_of(request).user
    perms = {p.value: scope_for(user.role, p).value for p in Permission}
    return MeOut(
        id=user.pk,
        username=user.username,
        name=user.get_full_name() or user.username,
        role=user.role,
        program_id=user.program_id,
        team_id=user.team_id,
        permissions={k: v for k, v in perms.items() if v != Scope.NONE},
    )


# --- the audit report (S25) --------------------------------------------------------------


AuditSort = Literal[
    "time", "-time", "user", "-user", "consumer", "-consumer", "action", "-action",
    "category", "-category",
]  # fmt: skip


class AuditQuery(Schema):
    since: datetime | None = Field(None, description="from this time (inclusive, ISO 8601)")
    until: datetime | None = Field(None, description="before this time (exclusive)")
    username: str = Field("", max_length=150, description="one user (case-insensitive)")
    consumer_id: int | None = Field(None, ge=1, description="events about one consumer")
    action: AuditAction | None = None
    outcome: AuditOutcome | None = None
    sort: AuditSort = Field("-time", description="column, '-' for descending")

    def filters(self) -> AuditFilters:
        if self.since and self.until and self.until <= self.since:
            raise ValidationFailed.single("until", "must be after since", location="query")
        return AuditFilters(
            since=self.since,
            until=self.until,
            username=self.username.strip(),
            consumer_id=self.consumer_id,
            action=self.action or "",
            outcome=self.outcome or "",
            sort=self.sort,
        )


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_username: str
    actor_role: str
    action: str
    outcome: str
    consumer_id: int | None
    object_type: str
    object_id: str
    purpose_of_use: str
    client_address: str | None
    break_glass: bool
    detail: dict[str, Any]


class AuditEventPage(Schema):
    count: int
    items: list[AuditEventOut]


audit_router = Router(tags=["audit"])


@audit_router.get(
    "/audit-events",
    response=responses({200: AuditEventPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="The audit report: who did what to which consumer's data, and when",
    operation_id="audit_event_list",
)
def audit_event_list_api(
    request: HttpRequest, query: Query[AuditQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Compliance officers and auditors, over their program. The read is audited as one
    `list` event naming the filters and the event ids returned."""
    actor = actor_of(request)
    require(actor, Permission.AUDIT_READ, "audit_event", "")
    filters = query.filters()
    events = audit_event_list(user=actor.user, filters=filters)
    count, items = paginate(events, page)
    audit_list(
        actor,
        object_type="audit_event",
        count=count,
        returned=[item.pk for item in items],
        filters=filters.described(),
    )
    return {"count": count, "items": items}


@audit_router.get(
    "/audit-events/export",
    response=LIST_ERRORS,  # 200 is the CSV stream, described in openapi_extra
    throttle=LIST_THROTTLE,
    summary="The audit report as CSV (the same filters; at most 200,000 rows)",
    operation_id="audit_event_export",
    openapi_extra={
        "responses": {
            "200": {
                "description": "CSV, header row first",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def audit_event_export_api(request: HttpRequest, query: Query[AuditQuery]) -> StreamingHttpResponse:
    """The filtered report as a CSV download; audited as one `export` event."""
    actor = actor_of(request)
    require(actor, Permission.AUDIT_READ, "audit_event", "")
    return audit_csv_response(actor, query.filters())
