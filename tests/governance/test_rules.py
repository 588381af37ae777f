"""Records-governance rules without a database: retention floors and cutoffs, legal holds,
the accounting window, the right-of-access clock, the register's review status."""

from datetime import UTC, date, datetime

from casework.core import clocks
from casework.governance import rules
from casework.governance.rules import RecordType

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def test_a_retention_below_its_floor_is_refused_with_the_rule() -> None:
    problem = rules.retention_years_problem(RecordType.DISCLOSURE, 5)
    assert problem is not None and problem.startswith("at least 6 years (HIPAA 164.528(a)(1)")


def test_a_retention_at_its_floor_is_allowed() -> None:
    assert rules.retention_years_problem(RecordType.COMMUNICATION, 6) is None


def test_an_unknown_record_type_is_named() -> None:
    assert rules.retention_years_problem("letters", 10) == "unknown record type 'letters'"


def test_every_default_cites_its_rule_and_respects_its_floor() -> None:
    for record_type, default in rules.RETENTION_DEFAULTS.items():
        assert default.citation, record_type
        assert default.years >= default.floor_years >= 6, record_type


def test_audit_events_are_never_destroyable() -> None:
    assert RecordType.AUDIT_EVENT not in rules.DESTROYABLE
    assert rules.DESTROYABLE == (
        RecordType.COMMUNICATION,
        RecordType.COMPLAINT,
        RecordType.DISCLOSURE,
        RecordType.ACCESS_REQUEST,
        RecordType.CASE,
    )


def test_a_record_one_day_inside_retention_is_kept() -> None:
    cutoff = rules.retention_cutoff(NOW, 6)
    assert cutoff == datetime(2020, 12, 3, 15, 0, tzinfo=UTC)
    assert not rules.past_retention(cutoff, now=NOW, years=6)
    assert rules.past_retention(datetime(2020, 12, 3, 14, 59, tzinfo=UTC), now=NOW, years=6)


def test_an_open_record_is_never_past_retention() -> None:
    assert not rules.past_retention(None, now=NOW, years=6)


def test_a_legal_hold_keeps_a_record_past_retention() -> None:
    old = datetime(2000, 1, 1, tzinfo=UTC)
    assert rules.destroyable(counted_from=old, now=NOW, years=6, held=False)
    assert not rules.destroyable(counted_from=old, now=NOW, years=6, held=True)


def test_the_accounting_covers_the_six_years_before_the_request() -> None:
    assert rules.accounting_since(NOW) == datetime(2020, 12, 3, 15, 0, tzinfo=UTC)
    leap = datetime(2028, 2, 29, 9, 0, tzinfo=UTC)
    assert rules.accounting_since(leap) == datetime(2022, 2, 28, 9, 0, tzinfo=UTC)


def test_the_access_clock_is_30_calendar_days_with_one_30_day_extension() -> None:
    calendar = clocks.HolidayCalendar(time_zone="UTC")
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    due = clocks.due_at(start=start, rule=rules.ACCESS_RULE, calendar=calendar)
    assert due == datetime(2026, 4, 1, 23, 59, 59, tzinfo=UTC)
    grant = clocks.extension_grant(
        rule=rules.ACCESS_RULE,
        calendar=calendar,
        current_due_at=due,
        extensions_taken=0,
        at=start,
        reason="Records in storage",
        consumer_requested=True,
    )
    assert grant.due_at == datetime(2026, 5, 1, 23, 59, 59, tzinfo=UTC)


def test_review_status_is_overdue_due_or_scheduled() -> None:
    today = date(2026, 12, 3)
    assert rules.review_due(date(2026, 12, 2), today) == "overdue"
    assert rules.review_due(date(2027, 1, 2), today) == "due"
    assert rules.review_due(date(2027, 1, 3), today) == "scheduled"


def test_evidence_links_are_http_addresses() -> None:
    assert rules.evidence_problem(["https://example.org/policy.pdf"]) is None
    assert rules.evidence_problem(["javascript:alert(1)"]) == (
        "'javascript:alert(1)' is not an http(s) address"
    )


def test_a_jurisdiction_is_federal_or_a_state() -> None:
    assert [rules.jurisdiction_valid(j) for j in ("US", "US-CA", "us-ca", "CA", "US-C1")] == [
        True,
        True,
        False,
        False,
        False,
    ]
