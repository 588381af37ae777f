"""versioned_update: the one guarded UPDATE behind every optimistic-concurrency write."""

from datetime import timedelta

import pytest
from django.db.models import Q
from pytest_django import DjangoAssertNumQueries

from casework.coordination.models import WorkItem, WorkItemStatus
from casework.core import clock
from casework.core.errors import RuleViolation, StaleVersion
from casework.core.versioning import versioned_update
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

OPEN = Q(status=WorkItemStatus.OPEN)


@pytest.fixture
def item(world: World) -> WorkItem:
    return WorkItem.objects.create(
        case=factories.referred_case(world.cm),
        title="Mail consent form",
        kind="administrative",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=2),
        created_by=world.cm,
        created_at=clock.now(),
        version=3,
    )


def _row(item: WorkItem) -> tuple[str, str, int]:
    return WorkItem.objects.values_list("title", "status", "version").get(pk=item.pk)


def test_success_writes_the_changes_and_bumps_the_version(
    item: WorkItem, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        returned = versioned_update(item, version=3, changes={"title": "Call the pharmacy"})
    assert returned is item
    assert (item.title, item.version) == ("Call the pharmacy", 4)
    assert _row(item) == ("Call the pharmacy", "open", 4)


def test_success_with_no_changes_only_bumps_the_version(item: WorkItem) -> None:
    versioned_update(item, version=3, changes={})
    assert item.version == 4
    assert _row(item) == ("Mail consent form", "open", 4)


def test_success_when_the_extra_condition_holds(item: WorkItem) -> None:
    versioned_update(item, version=3, changes={"status": WorkItemStatus.COMPLETED}, where=OPEN)
    assert (item.status, item.version) == ("completed", 4)
    assert _row(item) == ("Mail consent form", "completed", 4)


def test_stale_version_raises_the_current_version_and_changes_nothing(
    item: WorkItem, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(2), pytest.raises(StaleVersion) as raised:
        versioned_update(item, version=2, changes={"title": "Call the pharmacy"})
    assert raised.value.current_version == 3
    assert str(raised.value) == "the record has changed (now at version 3); reload it"
    assert (item.title, item.version) == ("Mail consent form", 3)
    assert _row(item) == ("Mail consent form", "open", 3)


def test_stale_version_wins_over_the_refusal_when_both_fail(item: WorkItem) -> None:
    WorkItem.objects.filter(pk=item.pk).update(status=WorkItemStatus.CANCELLED, version=5)
    with pytest.raises(StaleVersion) as raised:
        versioned_update(
            item,
            version=3,
            changes={"title": "Call the pharmacy"},
            where=OPEN,
            refused=RuleViolation("not open"),
        )
    assert raised.value.current_version == 5
    assert _row(item) == ("Mail consent form", "cancelled", 5)


def test_failed_extra_condition_raises_the_refusal_and_changes_nothing(item: WorkItem) -> None:
    WorkItem.objects.filter(pk=item.pk).update(status=WorkItemStatus.CANCELLED)
    refusal = RuleViolation("only open work items can be changed")
    with pytest.raises(RuleViolation) as raised:
        versioned_update(
            item, version=3, changes={"title": "Call the pharmacy"}, where=OPEN, refused=refusal
        )
    assert raised.value is refusal
    assert (item.title, item.version) == ("Mail consent form", 3)
    assert _row(item) == ("Mail consent form", "cancelled", 3)


def test_failed_extra_condition_without_a_refusal_is_a_stale_version(item: WorkItem) -> None:
    WorkItem.objects.filter(pk=item.pk).update(status=WorkItemStatus.COMPLETED)
    with pytest.raises(StaleVersion) as raised:
        versioned_update(item, version=3, changes={"title": "Call the pharmacy"}, where=OPEN)
    assert raised.value.current_version == 3
    assert _row(item) == ("Mail consent form", "completed", 3)
