"""Sequencing escalation rules without a database: the path's checks, each level's
deadline exactly at the hour, and the last level reached."""

from datetime import UTC, datetime, timedelta

import pytest

from casework.transitions.rules import (
    DEFAULT_ESCALATION_PATH,
    EscalationLevel,
    TransitionError,
    barrier_dates_check,
    escalation_path_check,
    escalation_path_from_json,
    level_due_at,
    level_lapsed,
    next_level,
)

OPENED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def test_the_default_path_has_four_levels_with_their_hours() -> None:
    assert [(lv.level, lv.role, lv.response_hours) for lv in DEFAULT_ESCALATION_PATH] == [
        (1, "Charge nurse or unit manager", 4),
        (2, "Attending physician", 4),
        (3, "Physician advisor", 8),
        (4, "Chief medical officer or administrator on call", 24),
    ]


def test_a_level_is_due_its_hours_after_it_opened() -> None:
    assert level_due_at(OPENED, EscalationLevel(1, "Charge nurse", 4)) == datetime(
        2026, 11, 2, 19, 0, tzinfo=UTC
    )


def test_a_level_counts_elapsed_hours_across_a_clock_change() -> None:
    # 1 November 2026, 01:30 EDT: eight elapsed hours end at 08:30 EST (one wall hour less).
    opened = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert level_due_at(opened, EscalationLevel(1, "x", 8)) == datetime(
        2026, 11, 1, 13, 30, tzinfo=UTC
    )


def test_a_naive_opening_is_refused() -> None:
    with pytest.raises(TransitionError) as error:
        level_due_at(datetime(2026, 11, 2, 15, 0), EscalationLevel(1, "x", 4))
    assert error.value.field == "opened_at"


def test_a_level_has_not_lapsed_one_second_before_its_deadline() -> None:
    due = OPENED + timedelta(hours=4)
    assert level_lapsed(due, due - timedelta(seconds=1)) is False


def test_a_level_has_lapsed_exactly_at_its_deadline() -> None:
    due = OPENED + timedelta(hours=4)
    assert level_lapsed(due, due) is True


def test_the_first_escalation_opens_level_one() -> None:
    assert next_level(DEFAULT_ESCALATION_PATH, 0) == DEFAULT_ESCALATION_PATH[0]


def test_a_lapsed_level_passes_to_the_next() -> None:
    assert next_level(DEFAULT_ESCALATION_PATH, 2) == DEFAULT_ESCALATION_PATH[2]


def test_after_the_last_level_there_is_none() -> None:
    assert next_level(DEFAULT_ESCALATION_PATH, 4) is None


def test_a_one_level_path_ends_after_level_one() -> None:
    assert next_level((EscalationLevel(1, "Unit manager", 2),), 1) is None


def test_a_path_is_trimmed_and_kept_in_order() -> None:
    path = escalation_path_check(
        [EscalationLevel(1, " Unit manager ", 2), EscalationLevel(2, "CMO", 1)]
    )
    assert path == (EscalationLevel(1, "Unit manager", 2), EscalationLevel(2, "CMO", 1))


@pytest.mark.parametrize(
    ("levels", "field"),
    [
        ([], "levels"),
        ([EscalationLevel(n, "x", 1) for n in range(1, 8)], "levels"),
        ([EscalationLevel(1, "x", 1), EscalationLevel(3, "y", 1)], "levels"),
        ([EscalationLevel(1, "  ", 1)], "level_1_role"),
        ([EscalationLevel(1, "x", 4), EscalationLevel(2, "y", 0)], "level_2_hours"),
        ([EscalationLevel(1, "x", 169)], "level_1_hours"),
    ],
)
def test_a_bad_path_names_its_field(levels: list[EscalationLevel], field: str) -> None:
    with pytest.raises(TransitionError) as error:
        escalation_path_check(levels)
    assert error.value.field == field


def test_one_hundred_sixty_eight_hours_is_the_longest_response_allowed() -> None:
    assert escalation_path_check([EscalationLevel(1, "x", 168)])[0].response_hours == 168


def test_a_path_survives_its_json_copy() -> None:
    rows = [level.as_json() for level in DEFAULT_ESCALATION_PATH]
    assert escalation_path_from_json(rows) == DEFAULT_ESCALATION_PATH


def test_expected_before_ordered_is_refused() -> None:
    with pytest.raises(TransitionError) as error:
        barrier_dates_check(ordered_at=OPENED, expected_at=OPENED - timedelta(minutes=1))
    assert error.value.field == "expected_at"


def test_expected_at_the_order_instant_is_accepted() -> None:
    assert barrier_dates_check(ordered_at=OPENED, expected_at=OPENED) is None
