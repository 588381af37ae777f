"""Versioned reference tables (code maps, weights, point tables) shipped as JSON.

Each file under ``weights/`` carries ``table``, ``version`` and ``source`` (the paper and
section it transcribes). Scores read their numbers from these tables, never from code.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


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
        "fhir_labs",
        "rxnorm_drug_classes",
    ]
    return {name: str(table_load(name)["version"]) for name in names}
