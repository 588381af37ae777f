"""One guard for pages and API handlers (S2, S3, S4): authenticate → permission-checked
load → the handler; 404 and one denied audit event otherwise.

    @router.post("/cases/{case_id}/work-items", ...)
    @guard(Permission.CASE_MANAGE, access_case)
    def work_item_create(request, actor: Actor, case: Case, payload: WorkItemIn): ...

    @page_view(["GET", "POST"], Permission.CASE_MANAGE, access_work_item, log_read="get")
    def work_item_complete(request, actor: Actor, item: WorkItem): ...

The handler receives the actor and the loaded record in place of the record's id: the
guard takes the id from the URL (`case_id` for `access_case`, …), and shows Ninja a
signature with that id, so the OpenAPI document is unchanged. On the API a role without
the permission at any scope is 403 (audited) before any load, and so is a person without
a signed confidentiality statement; a record out of reach is 404 (audited), exactly like a
missing one. Pages never reveal the role check: they get the 404 of the load.

`log_read`: True writes the load's read event (a read handler), False leaves the one
event to the service or list (a write, or a list), "get" does the first on GET and the
second on POST (a form page). The read event is written once the handler has answered:

A record opened under a declared emergency (break-glass, `access.acting_on`) gives the
handler an actor marked ETREAT / `break_glass=true`, so every event of the request about
that consumer is marked; a page also keeps the emergency's end in the session for the
banner.

Every 404 is one denied event (S4). A handler that finds its second record missing or
out of reach (a need of another case, a version that does not exist) raises a plain
`Http404`; the guard turns it into one denied event naming the route's record, and
writes no read. A 404 that a load or `access.refuse` already audited passes through.
"""

import functools
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.views.decorators.http import require_http_methods
from ninja.errors import HttpError

from casework.core.actor import Actor, actor_from_request
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.staff.models import User
from casework.web import access
from casework.web.api import require

type LogRead = bool | Literal["get"]


def _exposed_signature(func: Callable[..., Any], id_param: str | None) -> inspect.Signature:
    """`func`'s signature as the caller sees it: without the actor and the loaded record,
    with the record's id in their place."""
    params = list(inspect.signature(func).parameters.values())
    request, rest = params[0], params[2:]
    if id_param is None:
        return inspect.Signature([request, *rest])
    record_id = inspect.Parameter(id_param, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int)
    return inspect.Signature([request, record_id, *rest[1:]])


def _refuse_missing(
    actor: Actor,
    permission: Permission,
    object_type: str,
    record_ref: object,
    path_values: dict[str, Any],
) -> access.Refused:
    """The denied event of a handler's own 404, naming the other path values it missed."""
    missed = ", ".join(
        f"{name}={value}"
        for name, value in path_values.items()
        if isinstance(value, int | str) and not isinstance(value, bool)
    )
    reason = "not found or not permitted" + (f" ({missed})" if missed else "")
    return access.refuse(
        actor, access.audit_action(permission), object_type, record_ref, reason=reason
    )


BREAK_GLASS_SESSION_KEY = "casework_break_glass_until"


def remember_emergency(request: HttpRequest, until: datetime | None) -> None:
    """Keep the end of the emergency access a page opened in the session, for the banner
    every page shows while it lasts (no query per page)."""
    if until is None:
        return
    known = request.session.get(BREAK_GLASS_SESSION_KEY, "")
    if not known or known < until.isoformat():
        request.session[BREAK_GLASS_SESSION_KEY] = until.isoformat()


def guard(
    permission: Permission,
    load: Callable[..., Any] | None = None,
    *,
    log_read: LogRead = False,
    object_type: str = "",
    action: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a page or an API handler `f(request, actor, [record,] ...)`.

    Without `load` the guard checks the role only (lists and reports over the program);
    `object_type` then names what a refusal was about, and `action` the audit action of a
    page's refusal (a list page says `list`; by default a read on GET, else the
    permission's action)."""
    spec = access.LOADS[load] if load is not None else None
    id_param, refused_type = (spec.id_param, spec.refused_type) if spec else (None, object_type)
    fixed_permission = spec is not None and spec.fixed_permission

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            is_api = hasattr(request, "auth")
            user = request.user
            if not is_api and not (isinstance(user, User) and user.is_authenticated):
                return redirect_to_login(request.get_full_path())
            actor = actor_from_request(request)
            record_ref = kwargs.get(id_param, "") if id_param else ""
            if is_api:
                require(actor, permission, refused_type, record_ref)
            elif load is None and not access.user_may(actor, permission):
                # A page over the program (no record to load) for a role without the
                # permission: the 404 of a page that does not exist, one denied event.
                raise access.refuse(
                    actor,
                    action
                    or (
                        AuditAction.READ
                        if request.method == "GET"
                        else access.audit_action(permission)
                    ),
                    refused_type,
                    "",
                    reason=f"role lacks {permission}",
                )
            try:
                if load is None or id_param is None:
                    return func(request, actor, *args, **kwargs)
                record_id = kwargs.pop(id_param)
                read = log_read if log_read != "get" else request.method == "GET"
                if fixed_permission:
                    record = load(actor, record_id)
                else:
                    record = load(actor, record_id, permission=permission, log_read=False)
                actor = access.acting_on(actor, record)
                if actor.break_glass and not is_api:
                    remember_emergency(request, access.emergency_until(actor, record))
                answer = func(request, actor, record, *args, **kwargs)
                if read and not fixed_permission:
                    access.audit_load_read(actor, record)
                return answer
            except access.Refused:
                raise
            except Http404 as exc:
                raise _refuse_missing(actor, permission, refused_type, record_ref, kwargs) from exc
            except HttpError as exc:
                if exc.status_code != 404:
                    raise
                raise _refuse_missing(actor, permission, refused_type, record_ref, kwargs) from exc

        guarded.__signature__ = _exposed_signature(func, id_param)  # type: ignore[attr-defined]
        return guarded

    return decorate


def page_view(
    methods: list[str],
    permission: Permission,
    load: Callable[..., Any] | None = None,
    **options: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a page: sign-in first (`login_required`), then the HTTP `methods` it
    answers (405 otherwise), then `guard(permission, load, **options)`."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        guarded = guard(permission, load, **options)(func)
        return login_required(require_http_methods(methods)(guarded))

    return decorate
