"""Tests that use the database get the shipped instruments (see factories.instruments)."""

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def shipped_instruments(request: pytest.FixtureRequest) -> None:
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        request.getfixturevalue("db")
        factories.instruments()
