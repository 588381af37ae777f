"""Which notes belong to a span of time (no database): the appeal packet's notes."""

from dataclasses import dataclass
from datetime import UTC, datetime

from casework.coordination import rules


@dataclass
class N:
    pk: int
    amends_id: int | None
    signed_at: datetime


def test_note_versions_rule_takes_the_latest_correction_of_a_note_first_signed_in_span() -> None:
    def at(day: int) -> datetime:
        return datetime(2026, 3, day, 12, tzinfo=UTC)

    notes = [
        N(1, None, at(1)),  # before the span
        N(2, 1, at(3)),  # corrects a note outside the span
        N(3, None, at(2)),  # first day, included
        N(4, None, at(5)),  # last day, included
        N(5, 4, at(9)),  # corrects note 4 after the span
        N(6, 5, at(10)),  # and again
        N(7, None, at(6)),  # after the span
    ]

    versions = rules.note_versions(notes, at(2), at(5))

    assert [(v.first.pk, v.latest.pk, v.amended) for v in versions] == [
        (3, 3, False),
        (4, 6, True),
    ]
