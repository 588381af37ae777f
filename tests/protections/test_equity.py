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


# The one reviewed exception: a screening instrument whose publisher validated a different
# positive cut-off by sex (the AUDIT-C, `scoring.cutoff`; docs/careplans.md) is scored with
# the consumer's recorded sex, and the result records which cut-off it used. Only the
# cut-off machinery of assessments/rules.py may read it; nothing else in any rule module.
ALLOWED = {("assessments/rules.py", "sex"): {"Result.as_json", "Cutoff", "cutoff_for", "score"}}


def _protected_reads(path: Path) -> list[tuple[str, str, str]]:
    """(module, protected name, enclosing top-level definition) for every read."""
    tree = ast.parse(path.read_text())
    module = str(path.relative_to(SRC))
    found = []

    def visit(node: ast.AST, owner: str) -> None:
        name = None
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.keyword):
            name = node.arg
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        if name in PROTECTED_NAMES:
            found.append((module, name, owner))
        for child in ast.iter_child_nodes(node):
            inner = owner
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = f"{owner}.{child.name}" if owner else child.name
            visit(child, inner)

    visit(tree, "")
    return found


def _allowed(module: str, name: str, owner: str) -> bool:
    owners = ALLOWED.get((module, name), set())
    return any(owner == o or owner.startswith(o + ".") for o in owners)


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
    assert [hit for hit in reads if not _allowed(*hit)] == []
    # The exception is used where it is declared, and only there.
    assert {(m, n) for m, n, _ in reads} == set(ALLOWED)


def test_the_walker_finds_a_read_outside_the_exception() -> None:
    rules = SRC / "assessments" / "rules.py"
    hits = _protected_reads(rules)
    assert ("assessments/rules.py", "sex", "Result.as_json") in hits
    assert all(_allowed(*hit) for hit in hits)
    assert not _allowed("assessments/rules.py", "sex", "band_for")
    assert not _allowed("assessments/rules.py", "race", "cutoff_for")
    assert not _allowed("careplans/rules.py", "sex", "score")


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
