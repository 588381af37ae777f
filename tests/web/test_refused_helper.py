"""The "nothing changed" check of the refused-call helper (tests/api_helpers.py) takes its
snapshot only before the first write to a consumer-data table: these tests keep it honest."""

import pytest

from casework.consumers.models import Consumer
from casework.core.models import Program
from tests import factories
from tests.api_helpers import snapshot_on_first_write
from tests.conftest import World


def test_a_block_that_changes_a_consumer_row_fails_the_check(world: World) -> None:
    consumer = factories.consumer_of(factories.referred_case(world.cm))
    with snapshot_on_first_write() as unchanged:
        Consumer.objects.filter(pk=consumer.pk).update(given_name="Changed")
    with pytest.raises(AssertionError):
        unchanged()


def test_a_block_that_adds_a_row_fails_the_check(world: World) -> None:
    with snapshot_on_first_write() as unchanged:
        factories.referred_case(world.cm)
    with pytest.raises(AssertionError):
        unchanged()


def test_a_block_that_deletes_a_row_fails_the_check(world: World) -> None:
    case = factories.referred_case(world.cm)
    assert case.assignments.count() == 1
    with snapshot_on_first_write() as unchanged:
        case.assignments.all().delete()
    with pytest.raises(AssertionError):
        unchanged()


def test_a_write_undone_before_the_end_leaves_the_rows_as_they_were(world: World) -> None:
    consumer = factories.consumer_of(factories.referred_case(world.cm))
    name = consumer.given_name
    with snapshot_on_first_write() as unchanged:
        Consumer.objects.filter(pk=consumer.pk).update(given_name="Changed")
        Consumer.objects.filter(pk=consumer.pk).update(given_name=name)
    unchanged()
    assert Consumer.objects.get(pk=consumer.pk).given_name == name


def test_reads_and_writes_elsewhere_need_no_snapshot(world: World) -> None:
    factories.referred_case(world.cm)
    with snapshot_on_first_write() as unchanged:
        assert Consumer.objects.count() == 1
        Program.objects.filter(pk=world.program.pk).update(name="Renamed program")
    unchanged()
