"""The dashboards' chart geometry (issue 13, item 19): pure, no database."""

from datetime import date
from decimal import Decimal

from casework.web.charts import LABEL_WIDTH, PLOT_WIDTH, bar_chart, line_chart
from casework.web.dashboards import month_days


def test_bars_scale_to_a_round_top_and_mark_those_over_the_limit() -> None:
    chart = bar_chart(
        key="k",
        title="t",
        summary="s",
        rows=[("Ana", Decimal("18")), ("Bo", Decimal("9")), ("Cy", 0)],
        limit=Decimal("15"),
    )
    assert [(b.label, b.value, b.width, b.over) for b in chart.bars] == [
        ("Ana", "18", 378.0, True),
        ("Bo", "9", 189.0, False),
        ("Cy", "0", 0.0, False),
    ]
    assert [t.label for t in chart.ticks] == ["0", "5", "10", "15", "20"]
    assert chart.limit_x == LABEL_WIDTH + PLOT_WIDTH * 15 / 20


def test_an_empty_bar_chart_has_an_axis_and_no_bars() -> None:
    chart = bar_chart(key="k", title="t", summary="s", rows=[])
    assert (chart.bars, chart.limit_x, [t.label for t in chart.ticks]) == (
        (),
        None,
        ["0", "0.25", "0.5", "0.75", "1"],
    )


def test_a_line_leaves_out_months_without_staff() -> None:
    chart = line_chart(
        key="k", title="t", summary="s", rows=[("Jan", None), ("Feb", 50), ("Mar", 100)]
    )
    assert [(p.label, p.value, p.y) for p in chart.points] == [
        ("Feb", "50%", 112.0),
        ("Mar", "100%", 12.0),
    ]
    assert chart.path == f"{chart.points[0].x},112.0 {chart.points[1].x},12.0"


def test_month_days_are_the_first_of_eleven_months_then_today() -> None:
    days = month_days(date(2026, 3, 15))
    assert days[0] == date(2025, 4, 1)
    assert days[-2:] == [date(2026, 2, 1), date(2026, 3, 15)]
    assert len(days) == 12
