"""Avoidable days (H3, reference sheet section H): the versioned taxonomy of categories and
reasons, and the pure rules of recording a span of avoidable days on a stay.

A span covers whole calendar days (facility local dates), both ends included: it starts on
or after the admission day, ends on or before the discharge day (today while in the house),
and overlaps no other span of the same stay: each day is attributed once.
"""

import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

from casework.stays.rules import DATA_DIR, week_start

__all__ = ["week_start"]  # the weekly trend is shared with the denial report (stays.rules)


class ReportDimension(StrEnum):
    """What the avoidable-days report groups by."""

    CATEGORY = "category"
    REASON = "reason"
    UNIT = "unit"
    PAYER = "payer"
    PHYSICIAN = "physician"
    WEEK = "week"


@dataclass(frozen=True)
class AvoidableReason:
    code: str
    title: str
    category: str


@dataclass(frozen=True)
class AvoidableCategory:
    code: str
    title: str
    reasons: tuple[AvoidableReason, ...]


@dataclass(frozen=True)
class AvoidableTaxonomy:
    id: str
    version: str
    source: str
    categories: tuple[AvoidableCategory, ...]

    @property
    def key(self) -> str:
        return f"{self.id}-{self.version}"

    def category(self, code: str) -> AvoidableCategory | None:
        return next((c for c in self.categories if c.code == code), None)

    def reason(self, code: str) -> AvoidableReason | None:
        return next((r for c in self.categories for r in c.reasons if r.code == code), None)


@cache
def avoidable_taxonomy(key: str) -> AvoidableTaxonomy:
    """A shipped, versioned taxonomy (data/avoidable/<key>.json)."""
    raw = json.loads((DATA_DIR / "avoidable" / f"{key}.json").read_text(encoding="utf-8"))
    categories = tuple(
        AvoidableCategory(
            code=c["code"],
            title=c["title"],
            reasons=tuple(
                AvoidableReason(code=r["code"], title=r["title"], category=c["code"])
                for r in c["reasons"]
            ),
        )
        for c in raw["categories"]
    )
    return AvoidableTaxonomy(
        id=raw["id"], version=raw["version"], source=raw["source"], categories=categories
    )


def span_days(start: date, end: date) -> int:
    """Days in a span, both ends included."""
    return (end - start).days + 1


@dataclass(frozen=True)
class SpanFacts:
    start_date: date
    end_date: date
    admitted_on: date  # the admission's local date
    last_on: date  # the discharge's local date, or today while in the house
    taken: tuple[tuple[date, date], ...] = ()  # the stay's other spans


def span_errors(facts: SpanFacts) -> dict[str, list[str]]:
    """Why a span cannot be recorded, by field; empty when it can."""
    errors: dict[str, list[str]] = {}
    if facts.start_date < facts.admitted_on:
        errors["start_date"] = [f"must not be before the admission day ({facts.admitted_on})"]
    if facts.end_date < facts.start_date:
        errors["end_date"] = ["must not be before the start date"]
    elif facts.end_date > facts.last_on:
        errors["end_date"] = [
            f"must not be after {facts.last_on} (the discharge day, or today in the house)"
        ]
    if not errors:
        for start, end in facts.taken:
            if facts.start_date <= end and start <= facts.end_date:
                errors["start_date"] = [
                    f"overlaps the avoidable days already recorded from {start} to {end}"
                ]
                break
    return errors


def classification_errors(
    taxonomy: AvoidableTaxonomy, category: str, reason: str
) -> dict[str, list[str]]:
    """The category must exist in the taxonomy and the reason must belong to it."""
    found = taxonomy.category(category)
    if found is None:
        codes = ", ".join(c.code for c in taxonomy.categories)
        return {"category": [f"unknown category '{category}' (one of: {codes})"]}
    if all(r.code != reason for r in found.reasons):
        codes = ", ".join(r.code for r in found.reasons)
        return {"reason": [f"'{reason}' is not a reason of {category} (one of: {codes})"]}
    return {}


@dataclass(frozen=True)
class SpanTotals:
    """The avoidable days and spans of a report row."""

    days: int
    spans: int

    def __add__(self, other: "SpanTotals") -> "SpanTotals":
        return SpanTotals(self.days + other.days, self.spans + other.spans)
