"""The demo seed shows every situation, including a paused and an extended clock."""

import pytest

from casework.complaints.seed import complaints_seed
from casework.core import clock
from casework.core.models import Deadline, DeadlineState
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_seed_has_a_paused_an_extended_and_a_resolved_complaint(world: World) -> None:
    for cm in (world.cm, world.cm2, world.cm3):
        factories.active_case(cm)
    made = complaints_seed(
        program=world.program,
        managers=[world.cm, world.cm2, world.cm3],
        reviewer=world.senior,
        now=clock.now(),
    )
    extended, paused, expedited, resolved, care_options = made
    resolve = {c.pk: Deadline.objects.get(subject_id=c.pk, kind="complaint_resolve") for c in made}
    assert len(resolve[extended.pk].extensions) == 1
    assert Deadline.objects.filter(
        subject_id=extended.pk, kind="complaint_extension_notice"
    ).exists()
    assert resolve[paused.pk].state == DeadlineState.PAUSED
    assert resolve[expedited.pk].rule_code == "MC-5"
    assert resolve[resolved.pk].state == DeadlineState.MET
    assert resolved.state == "resolved"
    assert care_options.reviewer_id == world.senior.pk
