"""Non-discrimination monitoring (J4): service decisions by demographic group, pure.

For each attribute (age band, sex, race, ethnicity, language) and each group: the
consumers, and how many were enrolled (a case reached active), declined, closed and
escalated (a clock of theirs reached an escalation level, or a complaint was expedited),
with each rate and, for enrolment, its ratio to the highest group's rate and the
four-fifths flag. The small-cell rule is the population bias report's
(`casework.population.bias`): a group with fewer than 11 members shows no counts, rates
or flag, and no rate of a decision is shown when fewer than 11 consumers in all had it.

This is a report: it reads protected attributes to show outcomes. No rule, criterion or
service decision reads them (tests/protections/test_no_protected_attribute.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from casework.population.bias import AGE_BANDS, BIAS_MIN_COUNT, FLAG_BELOW, OLDEST_BAND

ATTRIBUTES = ("age_band", "sex", "race", "ethnicity", "language")
DECISIONS = ("enrolled", "declined", "closed", "escalated")


def age_band_of(birth_date: date, on: date) -> str:
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return OLDEST_BAND[1]


@dataclass(frozen=True)
class ConsumerOutcome:
    age_band: str
    sex: str
    race: str
    ethnicity: str
    language: str
    decisions: frozenset[str]


@dataclass(frozen=True)
class GroupRow:
    attribute: str
    group: str
    members: int | None  # None: suppressed
    counts: dict[str, int | None] = field(default_factory=dict)
    rates: dict[str, float | None] = field(default_factory=dict)
    enrolled_ratio: float | None = None
    flagged: bool = False
    suppressed: str = ""


def decision_report(
    outcomes: Iterable[ConsumerOutcome], *, min_count: int = BIAS_MIN_COUNT
) -> list[GroupRow]:
    rows = list(outcomes)
    totals = {d: sum(1 for r in rows if d in r.decisions) for d in DECISIONS}
    report: list[GroupRow] = []
    for attribute in ATTRIBUTES:
        groups: dict[str, list[ConsumerOutcome]] = {}
        for row in rows:
            groups.setdefault(getattr(row, attribute) or "unknown", []).append(row)
        rated: dict[str, float] = {}
        for name, members in groups.items():
            if len(members) >= min_count and totals["enrolled"] >= min_count:
                rated[name] = sum("enrolled" in m.decisions for m in members) / len(members)
        highest = max(rated.values(), default=0.0)
        for name in sorted(groups):
            members = groups[name]
            if len(members) < min_count:
                report.append(
                    GroupRow(
                        attribute=attribute,
                        group=name,
                        members=None,
                        suppressed=f"group has fewer than {min_count} members",
                    )
                )
                continue
            counts: dict[str, int | None] = {}
            rates: dict[str, float | None] = {}
            for decision in DECISIONS:
                n = sum(decision in m.decisions for m in members)
                shown = totals[decision] >= min_count
                counts[decision] = n
                rates[decision] = round(n / len(members), 6) if shown else None
            ratio = round(rated[name] / highest, 6) if name in rated and highest > 0 else None
            report.append(
                GroupRow(
                    attribute=attribute,
                    group=name,
                    members=len(members),
                    counts=counts,
                    rates=rates,
                    enrolled_ratio=ratio,
                    flagged=ratio is not None and ratio < FLAG_BELOW,
                    suppressed=""
                    if totals["enrolled"] >= min_count
                    else f"fewer than {min_count} enrolled in all",
                )
            )
    return report
