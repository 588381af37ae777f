"""Hand-off to the case-management queue: one referral per member and window."""

from __future__ import annotations

from pathlib import Path

from casework.population.handoff import selected_members


def test_selected_members_carry_everything_a_referral_needs(fixture_run: Path) -> None:
    first = next(iter(selected_members(fixture_run)))
    assert first == {
        "member_id": "M001",
        "given_name": "Ada",
        "family_name": "Rivera",
        "birth_date": "1950-03-15",
        "sex": "F",
        "language": "en",
        "tier": 1,
        "tier_label": "intensive",
        "reasons": [
            {"rule": "charlson_high", "value": 4.0},
            {"rule": "heart_failure", "value": 1.0},
            {"rule": "insulin_use", "value": 2.0},
            {"rule": "lace_high", "value": 14.0},
        ],
        "criteria_id": "readmission-risk",
        "criteria_version": "2026.1.0",
        "input_snapshot": first["input_snapshot"],
        "window_start": "2025-07-01",
        "window_end": "2026-06-30",
        "idempotency_key": "screen:M001:2025-07-01:2026-06-30",
    }


def test_only_selected_members_are_handed_off(fixture_run: Path) -> None:
    assert [m["member_id"] for m in selected_members(fixture_run)] == [
        "M001",
        "M003",
        "M004",
        "M005",
        "M006",
    ]


def test_repeating_the_import_creates_no_duplicate_referrals(fixture_run: Path) -> None:
    queue: dict[str, dict] = {}
    for _ in range(3):
        for member in selected_members(fixture_run):
            queue.setdefault(member["idempotency_key"], member)
    assert len(queue) == 5
