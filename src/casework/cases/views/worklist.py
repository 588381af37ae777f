"""The worklist: my open cases (or my team's) and the work due, overdue first."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.cases import rules
from casework.cases.forms import (
    WorklistFilterForm,
)
from casework.cases.models import (
    CaseState,
)
from casework.cases.selectors import (
    CASE_SORTS,
    ITEM_SORTS,
    worklist_build,
)
from casework.core import clock
from casework.core.actor import actor_from_request
from casework.core.audit import audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.web.access import user_may
from casework.web.forms import page_number


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


def _pager(
    filters: dict[str, str], param: str, page: int, pages: int, **keep: int
) -> list[PageLink]:
    """Links to every page of one worklist table (USWDS pagination), filters kept."""
    if pages <= 1:
        return []
    base = {k: v for k, v in filters.items() if v}
    base.update({k: str(v) for k, v in keep.items() if v > 1})
    return [
        PageLink(n, "?" + urlencode({**base, param: str(n)}), n == page)
        for n in range(1, pages + 1)
    ]


@dataclass(frozen=True)
class SortHeader:
    label: str
    url: str
    sort: str  # aria-sort: "ascending", "descending" or "none"


def _sort_key(raw: str | None, sorts: dict[str, tuple[str, ...]]) -> str:
    """A sort key from the query string, or "" (the default order) when it names none."""
    return raw if raw and raw.removeprefix("-") in sorts else ""


def _headers(
    filters: dict[str, str], param: str, current: str, columns: list[tuple[str, str]]
) -> list[SortHeader]:
    """Column headers that sort the table: a link per column (again to reverse it), the
    current one marked with aria-sort. Filters and the other table's order are kept; the
    page goes back to the first."""
    base = {k: v for k, v in filters.items() if v and k != param}
    headers = []
    for key, label in columns:
        state = "none"
        if current.removeprefix("-") == key:
            state = "descending" if current.startswith("-") else "ascending"
        wanted = f"-{key}" if state == "ascending" else key
        headers.append(SortHeader(label, "?" + urlencode({**base, param: wanted}), state))
    return headers


@login_required
@require_http_methods(["GET"])
def worklist(request: HttpRequest) -> HttpResponse:
    """My open cases (or my team's, for a supervisor), overdue and due work first.
    Audited as one `list` event."""
    actor = actor_from_request(request)
    user = actor.user
    supervises = user.role == Role.SUPERVISOR  # only supervisors lead teams (policy: team scope)
    form = WorklistFilterForm(
        request.GET or None,
        state_choices=[c for c in CaseState.choices if c[0] in rules.OPEN_STATES],
        team=supervises,
    )
    scope, state, due = ("team" if supervises else "mine"), "", "7"
    if form.is_bound and form.is_valid():
        scope = form.cleaned_data.get("scope") or scope
        state = form.cleaned_data.get("state") or ""
        due = form.cleaned_data.get("due") or "7"
    team = supervises and scope == "team"
    case_sort = _sort_key(request.GET.get("case_sort"), CASE_SORTS)
    item_sort = _sort_key(request.GET.get("item_sort"), ITEM_SORTS)
    worklist = worklist_build(
        user=user,
        team=team,
        state=state,
        due=due,
        case_page=page_number(request.GET.get("case_page")),
        item_page=page_number(request.GET.get("item_page")),
        case_sort=case_sort,
        item_sort=item_sort,
    )
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="worklist",
        detail={
            "scope": scope,
            "cases": len(worklist.cases),
            "work_items": len(worklist.items),
            "clocks": len(worklist.clocks),
            "case_ids": [row["id"] for row in worklist.cases],
        },
    )
    filters = {
        "scope": scope,
        "state": state,
        "due": due,
        "case_sort": case_sort,
        "item_sort": item_sort,
    }
    item_columns = [
        ("due", _("Due")),
        ("title", _("Work item")),
        ("consumer", _("Consumer")),
        *([("owner", _("Owner"))] if team else []),
    ]
    case_columns = [
        ("consumer", _("Consumer")),
        ("state", _("State")),
        ("open", _("Open work")),
        ("overdue", _("Overdue")),
        *([("manager", _("Case manager"))] if team else []),
        ("opened", _("Opened")),
    ]
    context = {
        "item_headers": _headers(filters, "item_sort", item_sort or "due", item_columns),
        "case_headers": _headers(filters, "case_sort", case_sort, case_columns),
        "nav": "worklist",
        "form": form,
        "team": team,
        "worklist": worklist,
        "now": clock.now(),
        "case_pager": _pager(
            filters,
            "case_page",
            worklist.case_page,
            worklist.case_pages,
            item_page=worklist.item_page,
        ),
        "item_pager": _pager(
            filters,
            "item_page",
            worklist.item_page,
            worklist.item_pages,
            case_page=worklist.case_page,
        ),
        "may_intake": user_may(actor, Permission.CASE_INTAKE),
        "may_reassign": user_may(actor, Permission.CASE_REASSIGN),
        "may_manage": user_may(actor, Permission.CASE_MANAGE),
        # One reverse for every row's link: "<prefix><case id>/".
        "case_url": reverse("case_detail", args=[0]).removesuffix("0/"),
    }
    template = "cases/worklist.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
        context["fragment"] = True
    return render(request, template, context)
