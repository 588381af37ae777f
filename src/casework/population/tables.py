"""Versioned reference tables (code maps, weights, point tables) shipped as JSON.

Each file under ``weights/`` carries ``table``, ``version`` and ``source`` (the paper and
section it transcribes). Scores read their numbers from these tables, never from code.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from casework.population.engine import DataFrame, Engine


@cache
def table_load(name: str) -> dict[str, Any]:
    """Return the parsed table ``weights/<name>.json``."""
    text = resources.files("casework.population").joinpath(f"weights/{name}.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def table_versions() -> dict[str, str]:
    """``{table name: version}`` of every reference table, recorded with each run."""
    names = [
        "charlson_map",
        "charlson_weights",
        "elixhauser_map",
        "elixhauser_weights",
        "lace_points",
        "hospital_points",
        "social_risk_zcodes",
    ]
    return {name: str(table_load(name)["version"]) for name in names}


def code_map_frame(engine: Engine, name: str) -> DataFrame:
    """The code map ``name`` as a DataFrame ``(category, code_system, prefix)``."""
    rows = [(r["category"], r["code_system"], r["prefix"]) for r in table_load(name)["rows"]]
    return engine.reference_table(name, rows, "category string, code_system string, prefix string")


def weights_frame(engine: Engine, name: str, scheme: str) -> DataFrame:
    """Weights of ``scheme`` in table ``name`` as a DataFrame ``(category, weight)``."""
    schemes = table_load(name)["schemes"]
    if scheme not in schemes:
        raise ValueError(f"unknown weighting {scheme!r} for {name}; known: {sorted(schemes)}")
    rows = [(category, int(weight)) for category, weight in schemes[scheme].items()]
    return engine.reference_table(f"{name}_{scheme}", rows, "category string, weight int")


def hierarchy_frame(engine: Engine, name: str) -> DataFrame:
    """Hierarchy rules of ``name`` as ``(category, dominant)``: drop category when dominant."""
    rows = [(r["drop"], r["when"]) for r in table_load(name)["hierarchy"]]
    return engine.reference_table(f"{name}_hierarchy", rows, "category string, dominant string")
