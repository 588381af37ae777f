"""Avoidable days (H3): the shipped taxonomy and the span rules, without a database."""

from datetime import date

import pytest

from casework.stays.avoidable_rules import (
    SpanFacts,
    avoidable_taxonomy,
    classification_errors,
    span_days,
    span_errors,
    week_start,
)

TAXONOMY = avoidable_taxonomy("casework-avoidable-2026.1")


def test_the_taxonomy_has_the_five_categories_of_the_reference_sheet() -> None:
    assert TAXONOMY.key == "casework-avoidable-2026.1"
    assert [c.code for c in TAXONOMY.categories] == [
        "patient_family",
        "physician_provider",
        "hospital_system",
        "payer",
        "community_post_acute",
    ]


def test_every_reason_code_is_unique_and_names_its_category() -> None:
    codes = [r.code for c in TAXONOMY.categories for r in c.reasons]
    assert len(codes) == len(set(codes)) == 22
    assert TAXONOMY.reason("CP01").category == "community_post_acute"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("category", "reason", "errors"),
    [
        ("payer", "PY01", {}),
        (
            "weather",
            "PY01",
            {
                "category": [
                    "unknown category 'weather' (one of: patient_family, physician_provider, "
                    "hospital_system, payer, community_post_acute)"
                ]
            },
        ),
        (
            "payer",
            "CP01",
            {"reason": ["'CP01' is not a reason of payer (one of: PY01, PY02, PY03, PY04)"]},
        ),
    ],
)
def test_classification(category: str, reason: str, errors: dict[str, list[str]]) -> None:
    assert classification_errors(TAXONOMY, category, reason) == errors


def _facts(start: date, end: date, taken: tuple[tuple[date, date], ...] = ()) -> SpanFacts:
    return SpanFacts(
        start_date=start,
        end_date=end,
        admitted_on=date(2026, 3, 2),
        last_on=date(2026, 3, 10),
        taken=taken,
    )


def test_a_span_from_the_admission_day_to_the_last_day_is_allowed() -> None:
    assert span_errors(_facts(date(2026, 3, 2), date(2026, 3, 10))) == {}
    assert span_days(date(2026, 3, 2), date(2026, 3, 10)) == 9
    assert span_days(date(2026, 3, 4), date(2026, 3, 4)) == 1


def test_a_span_before_the_admission_day_is_refused() -> None:
    assert span_errors(_facts(date(2026, 3, 1), date(2026, 3, 3))) == {
        "start_date": ["must not be before the admission day (2026-03-02)"]
    }


def test_a_span_after_the_last_day_is_refused() -> None:
    assert span_errors(_facts(date(2026, 3, 9), date(2026, 3, 11))) == {
        "end_date": ["must not be after 2026-03-10 (the discharge day, or today in the house)"]
    }


def test_an_end_before_the_start_is_refused() -> None:
    assert span_errors(_facts(date(2026, 3, 5), date(2026, 3, 4))) == {
        "end_date": ["must not be before the start date"]
    }


@pytest.mark.parametrize(
    ("start", "end", "overlaps"),
    [
        (date(2026, 3, 3), date(2026, 3, 4), False),  # ends the day before
        (date(2026, 3, 3), date(2026, 3, 5), True),  # shares the first day
        (date(2026, 3, 7), date(2026, 3, 8), True),  # shares the last day
        (date(2026, 3, 8), date(2026, 3, 9), False),  # starts the day after
    ],
)
def test_each_day_is_attributed_once(start: date, end: date, overlaps: bool) -> None:
    taken = ((date(2026, 3, 5), date(2026, 3, 7)),)
    errors = span_errors(_facts(start, end, taken))
    assert errors == (
        {
            "start_date": [
                "overlaps the avoidable days already recorded from 2026-03-05 to 2026-03-07"
            ]
        }
        if overlaps
        else {}
    )


def test_weeks_start_on_monday() -> None:
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)  # a Sunday
    assert week_start(date(2026, 3, 9)) == date(2026, 3, 9)  # a Monday
