"""Reads of avoidable days (H3): a stay's spans, and the report over the program."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, QuerySet, Sum

from casework.stays import avoidable_rules
from casework.stays.avoidable_rules import ReportDimension
from casework.stays.models import AvoidableDay
from casework.stays.rules import weekly_totals

GROUP_FIELD = {
    ReportDimension.CATEGORY: "category",
    ReportDimension.REASON: "reason",
    ReportDimension.UNIT: "unit__code",
    ReportDimension.PAYER: "payer",
    ReportDimension.PHYSICIAN: "attending",
}


def avoidable_day_list(*, stay_id: int) -> QuerySet[AvoidableDay]:
    """A stay's spans, the earliest first."""
    return (
        AvoidableDay.objects.filter(stay_id=stay_id)
        .select_related("unit", "recorded_by")
        .order_by("start_date", "pk")
    )


@dataclass(frozen=True)
class ReportRow:
    key: str
    label: str
    days: int
    spans: int


def _label(dimension: ReportDimension, key: str) -> str:
    taxonomy = avoidable_rules.avoidable_taxonomy(settings.CASEWORK_STAYS_AVOIDABLE_TAXONOMY)
    if dimension == ReportDimension.CATEGORY:
        found = taxonomy.category(key)
        return found.title if found else key
    if dimension == ReportDimension.REASON:
        reason = taxonomy.reason(key)
        return reason.title if reason else key
    return key or "—"


def avoidable_day_report(
    *, program_id: int, by: ReportDimension, start: date | None, end: date | None
) -> list[ReportRow]:
    """Avoidable days of the program's stays grouped by `by` (the unit, payer and attending
    as recorded with each span), the most days first; spans that start within
    [start, end]. By week: the days of each span counted in the week it starts, oldest
    week first. No consumer is named."""
    qs = AvoidableDay.objects.filter(stay__program_id=program_id)
    if start is not None:
        qs = qs.filter(start_date__gte=start)
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    if by == ReportDimension.WEEK:
        weekly = weekly_totals(
            (start_date, avoidable_rules.SpanTotals(days, 1))
            for start_date, days in qs.values_list("start_date", "days").iterator()
        )
        return [
            ReportRow(key=week.isoformat(), label=week.isoformat(), days=t.days, spans=t.spans)
            for week, t in weekly
        ]
    field = GROUP_FIELD[by]
    grouped = (
        qs.values(field).annotate(total=Sum("days"), spans=Count("pk")).order_by("-total", field)
    )
    return [
        ReportRow(
            key=row[field] or "",
            label=_label(by, row[field] or ""),
            days=row["total"],
            spans=row["spans"],
        )
        for row in grouped
    ]
