"""Non-discrimination monitoring (J4): the report's small-cell rule (no database), the
page's access, and proof that no rule or criterion reads a protected attribute."""

import ast
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from casework.core.models import AuditAction, AuditOutcome
from casework.population.schema import PROTECTED_ATTRIBUTES
from casework.protections import equity
from tests import factories
from tests.api_helpers import events_since, last_event_id
from tests.conftest import World

SRC = Path(__file__).resolve().parents[2] / "src" / "casework"
# Names under which a consumer's protected attribute can be read: the population schema's
# (its "language" column is the consumer model's `preferred_language`; a bare "language"
# elsewhere is an instrument's translation language, not a person's).
PROTECTED_NAMES = (set(PROTECTED_ATTRIBUTES) - {"language"}) | {"preferred_language", "age_band"}


def outcome(race: str, *decisions: str, **other: str) -> equity.ConsumerOutcome:
    return equity.ConsumerOutcome(
        age_band=other.get("age_band", "45-64"),
        sex=other.get("sex", "female"),
        race=race,
        ethnicity="unknown",
        language="en",
        decisions=frozenset(decisions),
    )


def test_small_groups_are_suppressed_and_large_ones_rated() -> None:
    rows = [outcome("A", "enrolled") for _ in range(20)]
    rows += [outcome("B", "enrolled") for _ in range(6)] + [outcome("B") for _ in range(6)]
    rows += [outcome("C", "declined") for _ in range(3)]
    report = {(r.attribute, r.group): r for r in equity.decision_report(rows)}
    a, b, c = report[("race", "A")], report[("race", "B")], report[("race", "C")]
    assert (a.members, a.counts["enrolled"], a.rates["enrolled"], a.enrolled_ratio) == (
        20,
        20,
        1.0,
        1.0,
    )
    assert (b.members, b.counts["enrolled"], b.rates["enrolled"], b.enrolled_ratio, b.flagged) == (
        12,
        6,
        0.5,
        0.5,
        True,
    )
    assert (c.members, c.counts, c.suppressed) == (None, {}, "group has fewer than 11 members")
    assert b.rates["declined"] is None  # only 3 declined in all: no rate shown


def test_age_bands_match_the_population_report() -> None:
    assert equity.age_band_of(date(1950, 6, 2), date(2026, 6, 1)) == "75+"
    assert equity.age_band_of(date(1952, 6, 1), date(2026, 6, 1)) == "65-74"
    assert equity.age_band_of(date(2010, 1, 1), date(2026, 6, 1)) == "0-17"


def _protected_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.keyword):
            name = node.arg
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        if name in PROTECTED_NAMES:
            found.append(f"{path.relative_to(SRC)}:{getattr(node, 'lineno', '?')} {name}")
    return found


def test_no_rule_reads_a_protected_attribute() -> None:
    # consumers/rules.py validates the consumer record's own fields (a plausible birth
    # date): it decides nothing about selection or service.
    rule_modules = [
        path
        for path in sorted(SRC.glob("*/rules.py")) + sorted(SRC.glob("*/rules/*.py"))
        if path.parent.name != "consumers"
    ]
    assert len(rule_modules) >= 5
    reads = [hit for path in rule_modules for hit in _protected_reads(path)]
    assert reads == []


def test_no_selection_criterion_reads_a_protected_attribute() -> None:
    import json

    from casework.population.criteria import criteria_load

    for path in sorted((SRC / "population" / "criteria_sets").glob("*.json")):
        text = json.dumps(json.loads(path.read_text()))
        assert not any(f'"{name}"' in text for name in PROTECTED_NAMES), path.name
        criteria_load(str(path))  # the loader refuses a rule on a protected attribute


@pytest.mark.django_db
def test_compliance_reads_the_report_and_others_get_404(world: World) -> None:
    factories.active_case(world.cm)
    since = last_event_id()
    client = Client()
    client.force_login(world.compliance)
    response = client.get("/protections/equity/")
    assert response.status_code == 200
    assert [(e.action, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.READ, "equity_report", None)
    ]
    since = last_event_id()
    client.force_login(world.cm)
    assert client.get("/protections/equity/").status_code == 404
    assert [(e.outcome, e.object_type) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "equity_report")
    ]
