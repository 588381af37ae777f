"""Complaint limits by coverage type (no database): every preset cites its rule."""

import pytest

from casework.complaints import rules
from casework.core.clocks import ClockUnit

POLICY = rules.ProgramPolicy(acknowledge_business_days=3, resolve_days=21, expedited_hours=48)


@pytest.mark.parametrize(
    ("coverage", "kind", "expedited", "code", "amount", "unit"),
    [
        ("medicaid_managed_care", "grievance", False, "MC-2", 90, ClockUnit.CALENDAR_DAYS),
        ("medicaid_managed_care", "appeal", False, "MC-4", 30, ClockUnit.CALENDAR_DAYS),
        ("medicaid_managed_care", "appeal", True, "MC-5", 72, ClockUnit.HOURS),
        # No expedited grievance track under Medicaid: the standard limit applies.
        ("medicaid_managed_care", "grievance", True, "MC-2", 90, ClockUnit.CALENDAR_DAYS),
        ("medicare_advantage", "grievance", False, "MA-G2", 30, ClockUnit.CALENDAR_DAYS),
        ("medicare_advantage", "grievance", True, "MA-G3", 24, ClockUnit.HOURS),
        ("medicare_advantage", "appeal", True, "MA-R5", 72, ClockUnit.HOURS),
        ("erisa", "appeal", False, "ER-6", 30, ClockUnit.CALENDAR_DAYS),
        ("erisa", "appeal", True, "ER-6U", 72, ClockUnit.HOURS),
        ("erisa", "grievance", False, "PP-RES", 21, ClockUnit.CALENDAR_DAYS),
        ("program_policy", "grievance", False, "PP-RES", 21, ClockUnit.CALENDAR_DAYS),
        ("program_policy", "appeal", True, "PP-EXP", 48, ClockUnit.HOURS),
    ],
)
def test_the_limit_that_applies(
    coverage: str, kind: str, expedited: bool, code: str, amount: int, unit: ClockUnit
) -> None:
    rule = rules.resolution_rule(
        coverage=rules.CoverageType(coverage),
        kind=rules.ComplaintKind(kind),
        expedited=expedited,
        policy=POLICY,
    )
    assert (rule.code, rule.amount, rule.unit) == (code, amount, unit)


def test_every_preset_cites_its_rule() -> None:
    assert all(p.rule.citation.startswith(("42 CFR", "29 CFR")) for p in rules.PRESETS)


def test_medicaid_extension_is_14_days_with_2_day_notice() -> None:
    rule = rules.PRESET_INDEX[
        (rules.CoverageType.MEDICAID_MANAGED_CARE, rules.ComplaintKind.GRIEVANCE, False)
    ].rule
    assert (rule.extension_amount, rule.max_extensions, rule.extension_notice_days) == (14, 1, 2)


def test_erisa_appeals_have_no_extension() -> None:
    for expedited in (False, True):
        rule = rules.PRESET_INDEX[
            (rules.CoverageType.ERISA, rules.ComplaintKind.APPEAL, expedited)
        ].rule
        assert rule.max_extensions == 0


def test_only_program_policy_clocks_pause() -> None:
    assert not any(p.rule.pausable for p in rules.PRESETS)
    assert rules.policy_rule(POLICY, expedited=False).pausable


def test_acknowledgement_counts_business_days() -> None:
    rule = rules.acknowledgement_rule(POLICY)
    assert (rule.amount, rule.unit) == (3, ClockUnit.BUSINESS_DAYS)


def test_stored_rule_codes_resolve() -> None:
    for code in ("MC-2", "MA-R5", "ER-6U", "PP-RES", "PP-EXP", "PP-ACK"):
        found = rules.rule_by_code(code, POLICY)
        assert found is not None and found.code == code
    assert rules.rule_by_code("nope", POLICY) is None


def test_care_options_route_to_the_reviewer() -> None:
    assert rules.routes_to_reviewer("care_options")
    assert not rules.routes_to_reviewer("billing")
