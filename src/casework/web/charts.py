"""Server-rendered SVG charts (issue 13, item 19): pure geometry for the templates
`core/includes/bar_chart.html` and `core/includes/line_chart.html`, which draw an
accessible SVG (role="img", a title and a description that states what the chart shows)
with the same numbers as a table beside it. No JavaScript, no chart library."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

BAR_HEIGHT = 28
BAR_GAP = 10
LABEL_WIDTH = 190
PLOT_WIDTH = 420
VALUE_WIDTH = 70
TOP = 10
AXIS = 24


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `value`."""
    if value <= 0:
        return 1.0
    power = 1.0
    while power * 10 < value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    y: int
    width: float
    text_y: int
    over: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart: one bar per row, an optional limit drawn as a line."""

    key: str
    title: str
    summary: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    width: int
    height: int
    plot_left: int
    plot_width: int
    axis_y: int
    limit_x: float | None
    limit_label: str

    @property
    def value_x(self) -> int:
        return self.plot_left + self.plot_width + 8


def bar_chart(
    *,
    key: str,
    title: str,
    summary: str,
    rows: Sequence[tuple[str, Decimal | int | float]],
    limit: Decimal | int | float | None = None,
    limit_label: str = "",
) -> BarChart:
    """Bars for `rows` ``(label, value)`` scaled to the largest value or the limit."""
    values = [float(v) for _, v in rows]
    top = _nice_ceiling(max([*values, float(limit or 0), 1.0]))
    scale = PLOT_WIDTH / top
    bars = []
    for i, (label, value) in enumerate(rows):
        y = TOP + i * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            Bar(
                label=label,
                value=_number(float(value)),
                y=y,
                width=round(float(value) * scale, 1),
                text_y=y + BAR_HEIGHT // 2 + 5,
                over=limit is not None and float(value) > float(limit),
            )
        )
    axis_y = TOP + len(rows) * (BAR_HEIGHT + BAR_GAP)
    ticks = tuple(
        Tick(x=round(LABEL_WIDTH + top * f * scale, 1), label=_number(top * f))
        for f in (0, 0.25, 0.5, 0.75, 1)
    )
    return BarChart(
        key=key,
        title=title,
        summary=summary,
        bars=tuple(bars),
        ticks=ticks,
        width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        height=axis_y + AXIS,
        plot_left=LABEL_WIDTH,
        plot_width=PLOT_WIDTH,
        axis_y=axis_y,
        limit_x=round(LABEL_WIDTH + float(limit) * scale, 1) if limit is not None else None,
        limit_label=limit_label,
    )


@dataclass(frozen=True)
class Point:
    label: str
    value: str
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    """A line of percentages over time (0 to 100 %)."""

    key: str
    title: str
    summary: str
    points: tuple[Point, ...]
    ticks: tuple[Tick, ...]
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    plot_right: int

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


LINE_LEFT = 48
LINE_TOP = 12
LINE_HEIGHT = 200
LINE_WIDTH = 640


def line_chart(
    *, key: str, title: str, summary: str, rows: Sequence[tuple[str, int | None]]
) -> LineChart:
    """Points for `rows` ``(label, percent)`` spread evenly left to right; a row with no
    value (nobody on staff yet) is left out of the line."""
    right = LINE_WIDTH - 40
    step = (right - LINE_LEFT) / max(len(rows) - 1, 1)
    bottom = LINE_TOP + LINE_HEIGHT
    points = tuple(
        Point(
            label=label,
            value=f"{value}%",
            x=round(LINE_LEFT + i * step, 1),
            y=round(bottom - LINE_HEIGHT * value / 100, 1),
        )
        for i, (label, value) in enumerate(rows)
        if value is not None
    )
    ticks = tuple(
        Tick(x=round(bottom - LINE_HEIGHT * p / 100, 1), label=f"{p}%")
        for p in (0, 25, 50, 75, 100)
    )
    return LineChart(
        key=key,
        title=title,
        summary=summary,
        points=points,
        ticks=ticks,
        width=LINE_WIDTH,
        height=bottom + 40,
        plot_left=LINE_LEFT,
        plot_top=LINE_TOP,
        plot_bottom=bottom,
        plot_right=right,
    )
