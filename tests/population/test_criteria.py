"""Criteria files: validation, protected attributes, and the annual review."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from casework.population.cli import main
from casework.population.criteria import (
    CriteriaError,
    add_one_year,
    criteria_library,
    criteria_load,
    criteria_parse,
    criteria_review,
    criteria_review_due,
)


def shipped() -> dict[str, Any]:
    return json.loads(criteria_library()["readmission-risk"].read_text())


def parse(data: dict[str, Any]) -> Any:
    return criteria_parse(json.dumps(data))


def test_shipped_criteria_set_loads_with_citations_author_and_dates() -> None:
    criteria = criteria_load("readmission-risk")
    assert (criteria.version, criteria.effective_date, criteria.review_due_date) == (
        "2026.1.0",
        dt.date(2026, 1, 1),
        dt.date(2027, 1, 1),
    )
    assert len(criteria.citations) == 4
    assert criteria.author.startswith("casework population analytics")
    assert [t.label for t in criteria.tiers] == ["intensive", "complex", "outreach"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [(dt.date(2026, 1, 1), dt.date(2027, 1, 1)), (dt.date(2028, 2, 29), dt.date(2029, 2, 28))],
)
def test_review_is_due_one_year_later(day: dt.date, expected: dt.date) -> None:
    assert add_one_year(day) == expected


def test_review_due_date_other_than_one_year_is_rejected() -> None:
    data = shipped() | {"review_due_date": "2027-06-01"}
    with pytest.raises(CriteriaError, match="one year after effective_date"):
        parse(data)


@pytest.mark.parametrize("attribute", ["sex", "race", "ethnicity", "language", "age"])
def test_rule_on_a_protected_attribute_is_rejected(attribute: str) -> None:
    data = shipped()
    data["rules"].append(
        {"id": "bad", "kind": "metric", "metric": attribute, "op": ">=", "value": 1}
    )
    with pytest.raises(CriteriaError, match=f"protected attribute\\(s\\) {attribute}"):
        parse(data)


def test_rule_smuggling_a_protected_attribute_through_a_list_is_rejected() -> None:
    data = shipped()
    data["rules"].append({"id": "bad", "kind": "drug_class", "classes": ["insulin", "race"]})
    with pytest.raises(CriteriaError, match="protected attribute"):
        parse(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "metric", "metric": "zip_code", "op": ">", "value": 1}, "unknown metric"),
        ({"kind": "metric", "metric": "lace", "op": "~", "value": 1}, "op must be one of"),
        ({"kind": "sql", "where": "1=1"}, "unknown kind"),
        ({"kind": "diagnosis", "code_system": "SNOMED", "prefixes": ["1"]}, "code_system"),
        ({"kind": "social_risk", "flags": ["wealth"]}, "social-risk flag"),
        ({"kind": "metric", "metric": "lace", "op": ">", "value": 1, "column": "x"}, "unexpected"),
    ],
)
def test_malformed_rules_are_rejected(change: dict[str, Any], message: str) -> None:
    data = shipped()
    data["rules"].append({"id": "extra"} | change)
    with pytest.raises(CriteriaError, match=message):
        parse(data)


def test_tier_referring_to_unknown_rule_is_rejected() -> None:
    data = copy.deepcopy(shipped())
    data["tiers"][0]["any_of"] = ["nonexistent"]
    with pytest.raises(CriteriaError, match="unknown or missing rules"):
        parse(data)


def test_review_is_recorded_and_moves_the_due_date(tmp_path: Path) -> None:
    criteria = criteria_load("readmission-risk")
    log = tmp_path / "reviews.jsonl"
    assert criteria_review_due(criteria, log) == dt.date(2027, 1, 1)
    review = criteria_review(
        criteria,
        reviewer="Dr Reviewer",
        reviewed_on=dt.date(2026, 12, 15),
        notes="thresholds unchanged",
        log_path=log,
    )
    assert review.next_review_due == dt.date(2027, 12, 15)
    assert criteria_review_due(criteria, log) == dt.date(2027, 12, 15)
    record = json.loads(log.read_text())
    assert (record["reviewer"], record["version"], record["reviewed_on"]) == (
        "Dr Reviewer",
        "2026.1.0",
        "2026-12-15",
    )


def test_cli_criteria_review_appends_to_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "reviews.jsonl"
    argv = ["criteria", "review", "readmission-risk", "--reviewer", "A. Analyst"]
    argv += ["--date", "2026-12-01", "--reviews", str(log)]
    assert main(argv) == 0
    assert main(argv) == 0
    assert len(log.read_text().splitlines()) == 2
    assert "next review due 2027-12-01" in capsys.readouterr().out


def test_cli_unknown_criteria_set_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["criteria", "review", "no-such-set", "--reviewer", "A"]
    assert main(argv) == 2
    assert "no criteria set 'no-such-set'" in capsys.readouterr().err


def test_the_default_window_ends_on_the_day_where_the_command_runs() -> None:
    from zoneinfo import ZoneInfo

    import time_machine

    from casework.population.cli import _today

    # The same moment, 02:00 UTC on 4 December, on machines in two zones (time-machine
    # sets the process's zone to the destination's): New York is still on 3 December.
    moment = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment.astimezone(ZoneInfo("America/New_York")), tick=False):
        assert _today() == dt.date(2026, 12, 3)
    with time_machine.travel(moment.astimezone(ZoneInfo("UTC")), tick=False):
        assert _today() == dt.date(2026, 12, 4)
