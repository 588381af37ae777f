"""The readmission risk on the transition plan: computed from the stay and the
consumer's other stays at each save, stored on the version; bad entries change nothing."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from casework.core.errors import ValidationFailed
from casework.core.models import AuditEvent
from casework.stays.rules import StayClass
from casework.transitions import services
from casework.transitions.models import TransitionPlan, TransitionPlanVersion
from casework.transitions.rules import Destination
from tests import factories
from tests.conftest import World
from tests.transitions.helpers import admit, discharge

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def points(score: dict) -> dict[str, int]:
    return {c["component"]: c["points"] for c in score["components"]}


def test_the_plan_scores_lace_and_hospital_from_the_stay_and_keeps_them_per_version(
    world: World,
) -> None:
    # two emergency visits in the 6 months before, one the day of admission (excluded
    # from E, makes the admission acute), and two inpatient stays in the 12 months before
    first = admit(world.cm, at=NOW - timedelta(days=300), visit="P1")
    consumer_id = first.consumer_id
    discharge(first, world.cm, NOW - timedelta(days=296))
    second = admit(world.cm, at=NOW - timedelta(days=100), visit="P2", consumer_id=consumer_id)
    discharge(second, world.cm, NOW - timedelta(days=98))
    for n, days in enumerate([150, 40]):
        ed = admit(
            world.cm,
            at=NOW - timedelta(days=days),
            visit=f"E{n}",
            consumer_id=consumer_id,
            stay_class=StayClass.EMERGENCY,
        )
        discharge(ed, world.cm, NOW - timedelta(days=days) + timedelta(hours=3))
    ed_today = admit(
        world.cm,
        at=NOW - timedelta(days=6, hours=2),
        visit="E9",
        consumer_id=consumer_id,
        stay_class=StayClass.EMERGENCY,
    )
    discharge(ed_today, world.cm, NOW - timedelta(days=6, hours=1))
    stay = admit(world.cm, at=NOW - timedelta(days=6), visit="P3", consumer_id=consumer_id)
    actor = factories.actor(world.cm)
    plan = services.transition_plan_save(
        actor=actor,
        stay=stay,
        facts=services.PlanFacts(
            destination=Destination.HOME,
            anticipated_discharge_date=date(2026, 11, 4),
            risk=services.RiskEntries(
                comorbidity_codes=("I50.9", "N18.4"), haemoglobin=Decimal("11.5")
            ),
        ),
    )
    lace, hospital = plan.risk["lace"], plan.risk["hospital"]
    # LOS 2026-10-27 → 2026-11-04 = 8 days (5), acute (3), CHF 1 + renal 2 = 3 (3), ED 2 (2)
    assert points(lace) == {"L": 5, "A": 3, "C": 3, "E": 2}
    assert (lace["total"], lace["band"], lace["missing"]) == (13, "high", [])
    assert {c["component"]: c["source"] for c in lace["components"]}["A"] == (
        "an emergency visit of the consumer just before admission"
    )
    # H 1, O/S/P missing 0, IT 1, A 2 admissions (2), L ≥ 5 (2)
    assert points(hospital) == {"H": 1, "O": 0, "S": 0, "P": 0, "IT": 1, "A": 2, "L": 2}
    assert hospital["total"] == 6
    assert hospital["missing"] == [
        "discharge from an oncology service",
        "sodium at discharge (mmol/L)",
        "procedure during the stay",
    ]
    version = TransitionPlanVersion.objects.get(plan=plan, number=1)
    assert version.facts["risk"] == plan.risk
    assert version.facts["risk_inputs"]["comorbidity_codes"] == ["I50.9", "N18.4"]

    # the stay is discharged earlier than planned: the next version scores the real LOS
    discharge(stay, world.cm, NOW - timedelta(days=3))
    plan = services.transition_plan_save(
        actor=actor,
        stay=stay,
        facts=services.PlanFacts(destination=Destination.HOME, risk=services.RiskEntries()),
        version=1,
    )
    assert points(plan.risk["lace"]) == {"L": 3, "A": 3, "C": 0, "E": 2}
    assert plan.risk["lace"]["missing"] == ["comorbidity codes"]
    assert TransitionPlanVersion.objects.get(plan=plan, number=1).facts["risk"] == {
        **version.facts["risk"]
    }


def test_an_entered_elective_admission_overrides_the_stay(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=1), visit="P1")
    plan = services.transition_plan_save(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.PlanFacts(
            destination=Destination.HOME, risk=services.RiskEntries(acute=False)
        ),
    )
    a = next(c for c in plan.risk["lace"]["components"] if c["component"] == "A")
    assert (a["value"], a["points"], a["source"]) == (False, 0, "entered on the plan")
    # LOS so far: admitted yesterday, still in house with no anticipated date → 1 day
    assert points(plan.risk["lace"])["L"] == 1


def test_bad_risk_entries_are_refused_and_nothing_is_written(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=1), visit="P1")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.transition_plan_save(
            actor=factories.actor(world.cm),
            stay=stay,
            facts=services.PlanFacts(
                destination=Destination.HOME,
                risk=services.RiskEntries(
                    comorbidity_codes=("I50.9", "HEART"), sodium=Decimal("20")
                ),
            ),
        )
    assert caught.value.errors == {
        "comorbidity_codes": ["not ICD-10-CM codes: HEART"],
        "sodium": ["between 90 and 200 mmol/L"],
    }
    assert TransitionPlan.objects.count() == 0
    assert AuditEvent.objects.count() == before
