"""The order the test workers take the suite's scopes in (tests/conftest.py `slow_first`):
the scopes marked `slow` first, longest first, then the others by their number of tests."""

from dataclasses import dataclass
from typing import Any, cast

import pytest

from tests.conftest import slow_first, slow_seconds


@dataclass
class Marker:
    args: tuple[float, ...]


@dataclass
class Item:
    nodeid: str
    seconds: float | None = None

    def get_closest_marker(self, name: str) -> Marker | None:
        if name == "slow" and self.seconds is not None:
            return Marker((self.seconds,))
        return None


def order(items: list[Item]) -> list[str]:
    return [item.nodeid for item in slow_first(cast(Any, items))]


def test_a_slow_scope_with_one_test_goes_before_a_large_quick_one() -> None:
    items = [
        Item("tests/a.py::test_1"),
        Item("tests/a.py::test_2"),
        Item("tests/a.py::test_3"),
        Item("tests/fuzz.py::test_fuzz", seconds=150),
        Item("tests/b.py::test_1"),
        Item("tests/e2e/j.py::test_journey", seconds=25),
    ]
    assert order(items) == [
        "tests/fuzz.py::test_fuzz",
        "tests/e2e/j.py::test_journey",
        "tests/a.py::test_1",
        "tests/a.py::test_2",
        "tests/a.py::test_3",
        "tests/b.py::test_1",
    ]


def test_unmarked_scopes_go_by_their_number_of_tests_then_as_collected() -> None:
    items = [
        Item("tests/one.py::test_1"),
        Item("tests/two.py::Case::test_1"),
        Item("tests/two.py::Case::test_2"),
        Item("tests/other.py::test_1"),
        Item("tests/two.py::test_free[x]"),
    ]
    # A class is a scope of its own (xdist's loadscope), apart from its module's functions;
    # its tests stay in their collected order.
    assert order(items) == [
        "tests/two.py::Case::test_1",
        "tests/two.py::Case::test_2",
        "tests/one.py::test_1",
        "tests/other.py::test_1",
        "tests/two.py::test_free[x]",
    ]


def test_in_the_suite_every_slow_module_comes_before_the_others(
    request: pytest.FixtureRequest,
) -> None:
    items = request.session.items
    if len(items) < 1000:
        pytest.skip("only a part of the suite was collected")
    marked = [slow_seconds(cast(Any, item)) > 0 for item in items]
    assert marked[0] and not marked[-1]
    assert marked == sorted(marked, reverse=True)
    fuzzer = next(i for i, item in enumerate(items) if "test_schemathesis" in item.nodeid)
    assert marked[fuzzer]
