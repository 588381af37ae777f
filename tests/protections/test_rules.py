"""Protection rules without a database: jurisdiction matching, clocks, privacy cases."""

from casework.core.clocks import ClockUnit
from casework.protections import rules

SAMPLE = rules.SAMPLE_JURISDICTION


def test_state_row_before_federal_and_specific_injury_before_any() -> None:
    row = rules.jurisdiction_match(
        SAMPLE, state="ca", victim_class="ltc_resident", setting="ltc_facility", serious_injury=True
    )
    assert row is not None and (row.state, row.oral_amount) == ("CA", 2)
    federal = rules.jurisdiction_match(
        SAMPLE,
        state="NY",
        victim_class="ltc_resident",
        setting="ltc_facility",
        serious_injury=False,
    )
    assert federal is not None and (federal.state, federal.oral_amount) == ("US", 24)


def test_no_row_is_none() -> None:
    assert (
        rules.jurisdiction_match(
            SAMPLE, state="WY", victim_class="child", setting="community", serious_injury=False
        )
        is None
    )


def test_texas_child_abuse_is_48_hours_without_written_clock() -> None:
    row = rules.jurisdiction_match(
        SAMPLE, state="TX", victim_class="child", setting="community", serious_injury=False
    )
    assert row is not None
    oral, written = rules.report_rules(row)
    assert (oral.amount, oral.unit, written) == (48, ClockUnit.HOURS, None)


def test_california_elder_written_report_is_2_business_days() -> None:
    row = rules.jurisdiction_match(
        SAMPLE, state="CA", victim_class="elder", setting="community", serious_injury=False
    )
    assert row is not None
    _oral, written = rules.report_rules(row)
    assert written is not None and (written.amount, written.unit) == (2, ClockUnit.BUSINESS_DAYS)


def test_incident_clocks_cite_their_rules() -> None:
    assert (rules.OSHA_DECISION_RULE.amount, rules.OSHA_DECISION_RULE.unit) == (
        7,
        ClockUnit.CALENDAR_DAYS,
    )
    assert (rules.WRITTEN_OPINION_RULE.amount, rules.WRITTEN_OPINION_RULE.citation) == (
        15,
        "29 CFR 1910.1030(f)(5)",
    )


def test_privacy_cases() -> None:
    assert rules.privacy_case("exposure", sharps_or_infectious=True, requested=False)
    assert not rules.privacy_case("exposure", sharps_or_infectious=False, requested=False)
    assert rules.privacy_case("workplace_violence", sharps_or_infectious=False, requested=True)


def test_osha_decision_only_for_staff_incidents() -> None:
    assert rules.needs_osha_decision("workplace_violence", staff_involved=True)
    assert not rules.needs_osha_decision("fall", staff_involved=True)
    assert not rules.needs_osha_decision("exposure", staff_involved=False)
