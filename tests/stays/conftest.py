from datetime import UTC, datetime

import pytest
import time_machine

from casework.core.models import Program
from casework.stays.models import Unit
from tests import factories

# 2026-03-05 12:00 in Chicago (18:00 UTC): after the messages' admission times.
NOW = datetime(2026, 3, 5, 18, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hospital(db: None) -> Program:
    program = factories.program("hospital")
    Unit.objects.create(program=program, code="4N", name="4 North")
    Unit.objects.create(program=program, code="5S", name="5 South")
    return program
