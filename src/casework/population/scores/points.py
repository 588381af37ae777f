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
    total = None
    for column in columns:
        total = column if total is None else total + column
    return total


def risk_band(engine: Engine, score: Column, bands: list[list[Any]]) -> Column:
    """Label of the ``[low, high, label]`` band containing ``score``."""
    return band_points(engine, score, bands)
