"""The supervisor's and the quality analyst's dashboard (issue 13, item 19): charts
where people would rather look than read — caseload distribution, overdue work by
person, credential compliance over time — each an accessible SVG drawn on the server
with its numbers in a table. A supervisor sees their teams, a quality analyst the
program. Counts of staff work only: no consumer's data. One audited `read` event."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from casework.coordination.selectors import work_item_overdue_counts
from casework.core import clock
from casework.core.actor import actor_from_request
from casework.core.audit import audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.core.roles import Role
from casework.staff.models import User
from casework.staff.selectors import (
    CLINICAL_ROLES,
    active_staff,
    caseload_limits,
    caseload_weights,
    credential_compliance_series,
    team_case_managers,
)
from casework.web.access import page_refused_unless
from casework.web.charts import bar_chart, line_chart

MONTHS = 12


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def month_days(today: date, months: int = MONTHS) -> list[date]:
    """The first day of each of the `months` - 1 months before this one, then today."""
    days = []
    year, month = today.year, today.month
    for _i in range(months - 1):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        days.append(date(year, month, 1))
    return [*reversed(days), today]


def _caseload_summary(
    by_load: list[User], loads: dict[int, Decimal], limit: Decimal | None, over: int
) -> str:
    if not by_load:
        return _("No case managers.")
    highest = _("Highest: %(name)s, %(load)s.") % {
        "name": _name(by_load[0]),
        "load": f"{float(loads[by_load[0].pk]):g}",
    }
    if limit is None:
        return highest + " " + _("No caseload limit is set.")
    return (
        highest
        + " "
        + ngettext("%(n)d over the limit of %(limit)s.", "%(n)d over the limit of %(limit)s.", over)
        % {"n": over, "limit": f"{float(limit):g}"}
    )


@login_required
@require_http_methods(["GET"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """The charts for a supervisor (their teams) or a quality analyst (the program)."""
    actor = actor_from_request(request)
    page_refused_unless(
        actor,
        Permission.DASHBOARD_READ,
        action=AuditAction.READ,
        reason="role may not read the dashboard",
    )
    user = actor.user
    program_id = user.program_id or 0
    team_only = scope_for(user.role, Permission.DASHBOARD_READ) == Scope.TEAM
    if team_only:
        managers = list(team_case_managers(supervisor_id=user.pk))
        people = [user, *managers]
    else:
        managers = list(active_staff(program_id=program_id, roles=[Role.CASE_MANAGER]))
        people = list(active_staff(program_id=program_id, roles=CLINICAL_ROLES))
    now = clock.now()
    loads = caseload_weights(user_ids=[m.pk for m in managers])
    limit = caseload_limits(program_ids=[program_id]).get((program_id, Role.CASE_MANAGER))
    overdue = work_item_overdue_counts(owner_ids=[m.pk for m in managers], now=now)
    by_load = sorted(managers, key=lambda m: (-loads[m.pk], _name(m)))
    by_overdue = sorted(managers, key=lambda m: (-overdue[m.pk], _name(m)))
    over_limit = [m for m in managers if limit is not None and loads[m.pk] > limit]

    caseload = bar_chart(
        key="caseload",
        title=_("Caseload by case manager (acuity-weighted)"),
        summary=_caseload_summary(by_load, loads, limit, len(over_limit)),
        rows=[(_name(m), loads[m.pk]) for m in by_load],
        limit=limit,
        limit_label=_("Limit") if limit is not None else "",
    )
    total_overdue = sum(overdue.values())
    overdue_chart = bar_chart(
        key="overdue",
        title=_("Overdue work items by person"),
        summary=ngettext(
            "%(n)d overdue work item in all.", "%(n)d overdue work items in all.", total_overdue
        )
        % {"n": total_overdue},
        rows=[(_name(m), overdue[m.pk]) for m in by_overdue],
    )
    series = credential_compliance_series(users=people, days=month_days(clock.today()))
    rates = [
        (date_format(day, "M Y"), round(100 * ok / total) if total else None)
        for day, ok, total in series
    ]
    latest = rates[-1][1] if rates else None
    compliance = line_chart(
        key="credentials",
        title=_("Staff with a current, verified credential"),
        summary=(
            _("Today %(rate)s%% of %(n)d staff; twelve months ago %(then)s.")
            % {
                "rate": latest if latest is not None else 0,
                "n": series[-1][2],
                "then": f"{rates[0][1]}%" if rates[0][1] is not None else "—",
            }
        ),
        rows=rates,
    )
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        object_type="dashboard",
        detail={"scope": "team" if team_only else "program", "staff": len(people)},
    )
    return render(
        request,
        "core/dashboard.html",
        {
            "nav": "dashboard",
            "title": _("Team dashboard") if team_only else _("Quality dashboard"),
            "caseload": caseload,
            "overdue_chart": overdue_chart,
            "compliance": compliance,
            "compliance_rows": [
                (date_format(day, "M Y"), ok, total, rate)
                for (day, ok, total), (_l, rate) in zip(series, rates, strict=True)
            ],
            "as_of": now,
        },
    )
