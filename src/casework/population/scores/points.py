"""Point tables as expressions: ``[low, high, points]`` bands, sums, risk bands."""

from __future__ import annotations

from typing import Any

from casework.population.engine import Column, Engine


def band_points(engine: Engine, column: Column, bands: list[list[Any]]) -> Column:
    """``CASE WHEN low <= column <= high THEN points ...`` over a ``[low, high, points]`` table."""
    functions = engine.functions
    expression = None
    for low, high, points in bands:
        condition = (column >= functions.lit(low)) & (column <= functions.lit(high))
        if expression is None:
            expression = functions.when(condition, functions.lit(points))
        else:
            expression = expression.when(condition, functions.lit(points))
    assert expression is not None
    return expression


def _sum(columns: Any) -> Column:
    """``a + b + ...`` as a balanced tree: SQLFrame copies both operands of every
    ``+``, so a left-deep chain of n terms costs n² copies and a balanced one n log n."""
    terms = list(columns)
    if not terms:
        return None
    while len(terms) > 1:
        pairs = [terms[i] + terms[i + 1] for i in range(0, len(terms) - 1, 2)]
        terms = pairs + terms[len(terms) - len(terms) % 2 :]
    return terms[0]


def risk_band(engine: Engine, score: Column, bands: list[list[Any]]) -> Column:
    """Label of the ``[low, high, label]`` band containing ``score``."""
    return band_points(engine, score, bands)
