"""Protections (J1-J3): abuse, neglect and exploitation reports, incidents and ethics
consultations; the reporting deadlines and follow-up clocks, pure.

The jurisdiction table is the program's own (a row per state, reporter class, victim
class and setting). `SAMPLE_JURISDICTION` ships the state-specific examples of
../shared/reference/regulatory-timers.md section D as a SAMPLE, clearly labelled: a
program verifies and edits its own rows before relying on them. No rule here reads a
protected attribute of the consumer (J4).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from casework.core.clocks import ClockRule, ClockUnit


class ReportKind(StrEnum):
    ABUSE = "abuse"
    NEGLECT = "neglect"
    SELF_NEGLECT = "self_neglect"
    EXPLOITATION = "exploitation"


class VictimClass(StrEnum):
    ELDER = "elder"  # an elder or dependent adult in the community
    LTC_RESIDENT = "ltc_resident"
    CHILD = "child"


class Setting(StrEnum):
    COMMUNITY = "community"
    LTC_FACILITY = "ltc_facility"


class Injury(StrEnum):
    ANY = "any"
    SERIOUS = "serious"  # serious bodily injury
    NOT_SERIOUS = "not_serious"


class ReportState(StrEnum):
    OPEN = "open"  # suspicion recorded; agency report(s) owed
    REPORTED = "reported"  # every report the rule requires was made
    CLOSED = "closed"


class IncidentKind(StrEnum):
    FALL = "fall"
    MEDICATION_ERROR = "medication_error"
    WORKPLACE_VIOLENCE = "workplace_violence"
    EXPOSURE = "exposure"  # blood or other potentially infectious material
    PRIVACY_BREACH = "privacy_breach"
    OTHER = "other"


class IncidentState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ConsultationKind(StrEnum):
    ETHICS = "ethics"  # a conflict for the ethics committee
    OUT_OF_SCOPE = "out_of_scope"  # a need beyond the program's scope, routed elsewhere


class Party(StrEnum):
    CONSUMER = "consumer"
    PAYER = "payer"
    PROVIDER = "provider"
    PROGRAM = "program"
    FAMILY = "family"


class ConsultationState(StrEnum):
    REQUESTED = "requested"
    CLOSED = "closed"


# Staff incidents that are recordable-case candidates (OSHA 300 log decision in 7 days).
STAFF_INCIDENTS = frozenset({IncidentKind.WORKPLACE_VIOLENCE, IncidentKind.EXPOSURE})


@dataclass(frozen=True)
class JurisdictionRow:
    """One row of a program's reporting table."""

    state: str
    reporter_class: str
    victim_class: VictimClass
    setting: Setting
    injury: Injury
    oral_amount: int
    oral_unit: ClockUnit
    written_amount: int | None
    written_unit: ClockUnit
    agency: str
    citation: str
    note: str = ""


H, BD = ClockUnit.HOURS, ClockUnit.BUSINESS_DAYS
ELDER, LTC, CHILD = VictimClass.ELDER, VictimClass.LTC_RESIDENT, VictimClass.CHILD
COMMUNITY, FACILITY = Setting.COMMUNITY, Setting.LTC_FACILITY
SAMPLE_LABEL = "SAMPLE (state-specific example: verify and edit before use)"

# "Immediately" in a statute has no number: the sample reads it as 1 hour and says so.
SAMPLE_JURISDICTION: tuple[JurisdictionRow, ...] = (
    JurisdictionRow(
        "US", "covered individual", LTC, FACILITY, Injury.SERIOUS, 2, H, 5, BD,
        "Administrator, State Survey Agency and law enforcement",
        "42 CFR 483.12(c)(1),(4); SSA 1150B", "Any abuse allegation also runs 2 h.",
    ),
    JurisdictionRow(
        "US", "covered individual", LTC, FACILITY, Injury.NOT_SERIOUS, 24, H, 5, BD,
        "Administrator and State Survey Agency", "42 CFR 483.12(c)(1),(4)",
    ),
    JurisdictionRow(
        "CA", "mandated reporter", ELDER, COMMUNITY, Injury.ANY, 1, H, 2, BD,
        "County Adult Protective Services", "Cal. WIC 15630(b)(1)",
        "Phone immediately or as soon as practicable (read as 1 h); written in 2 working days.",
    ),
    JurisdictionRow(
        "CA", "mandated reporter", LTC, FACILITY, Injury.SERIOUS, 2, H, 2, H,
        "Local law enforcement and the long-term care ombudsman", "Cal. WIC 15630(b)(1)",
    ),
    JurisdictionRow(
        "IL", "mandated reporter", ELDER, COMMUNITY, Injury.ANY, 24, H, None, H,
        "Adult Protective Services (Department on Aging)", "320 ILCS 20/4(a-5)",
    ),
    JurisdictionRow(
        "TX", "professional", CHILD, COMMUNITY, Injury.ANY, 48, H, None, H,
        "Department of Family and Protective Services", "Tex. Fam. Code 261.101",
        "Cannot be delegated.",
    ),
    JurisdictionRow(
        "CA", "mandated reporter", CHILD, COMMUNITY, Injury.ANY, 1, H, 36, H,
        "County child welfare agency or police", "Cal. Penal Code 11166(a)",
        "Phone immediately (read as 1 h); written form SS 8572 within 36 h.",
    ),
)  # fmt: skip


def jurisdiction_match[R: JurisdictionRow](
    rows: Iterable[R], *, state: str, victim_class: str, setting: str, serious_injury: bool
) -> R | None:
    """The row that applies: the suspicion's state, or the federal (US) row; the same
    victim class and setting; an injury condition that holds (a specific one before
    "any"). None when the table has no row: the program must add one."""
    injury = Injury.SERIOUS if serious_injury else Injury.NOT_SERIOUS
    candidates = [
        row
        for row in rows
        if row.state in (state.upper(), "US")
        and row.victim_class == victim_class
        and row.setting == setting
        and row.injury in (Injury.ANY, injury)
    ]
    candidates.sort(key=lambda r: (r.state == "US", r.injury == Injury.ANY))
    return candidates[0] if candidates else None


def report_rules(row: JurisdictionRow) -> tuple[ClockRule, ClockRule | None]:
    """The oral and written reporting clocks of a row (no written clock when none)."""
    oral = ClockRule(
        code=f"{row.state}-ORAL",
        amount=row.oral_amount,
        unit=row.oral_unit,
        citation=row.citation,
        escalate_at=(0.5,),
    )
    if row.written_amount is None:
        return oral, None
    written = ClockRule(
        code=f"{row.state}-WRITTEN",
        amount=row.written_amount,
        unit=row.written_unit,
        citation=row.citation,
    )
    return oral, written


# Incident follow-up clocks (reference sheet D).
EVALUATION_RULE = ClockRule(
    code="BBP-1",
    amount=2,
    unit=ClockUnit.HOURS,
    citation="29 CFR 1910.1030(f)(3): 'immediately' (program reads as 2 h)",
    escalate_at=(0.5,),
)
WRITTEN_OPINION_RULE = ClockRule(
    code="BBP-2", amount=15, unit=ClockUnit.CALENDAR_DAYS, citation="29 CFR 1910.1030(f)(5)"
)
OSHA_DECISION_RULE = ClockRule(
    code="OSHA-1", amount=7, unit=ClockUnit.CALENDAR_DAYS, citation="29 CFR 1904.29(b)(3)"
)
ETHICS_REVIEW_RULE = ClockRule(
    code="ETH-1", amount=5, unit=ClockUnit.BUSINESS_DAYS, citation="Program policy"
)


def privacy_case(kind: str, *, sharps_or_infectious: bool, requested: bool) -> bool:
    """An OSHA privacy case (the name is withheld from the 300 log): a contaminated sharps
    injury or an infectious-disease exposure, or the employee asked (1904.29(b)(7))."""
    return requested or (kind == IncidentKind.EXPOSURE and sharps_or_infectious)


def needs_osha_decision(kind: str, *, staff_involved: bool) -> bool:
    return staff_involved and kind in STAFF_INCIDENTS
