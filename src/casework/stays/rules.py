"""Pure rules of hospital stays (H1, H2, reference sheet sections A and I): stay classes,
ADT event meanings, midnights, the Medicare notice clocks, Condition Code 44 steps and
the UR-committee reviewer rules of 42 CFR 482.30. No ORM here.

Clock conventions (reference sheet): "N calendar days after X" ends at the end of day
X+N in the facility's local time; hour clocks run from stored aware timestamps.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Protocol, Self
from zoneinfo import ZoneInfo

DATA_DIR = Path(__file__).resolve().parent / "data"


class StayClass(StrEnum):
    """The patient class of a stay (HL7 PV1-2, FHIR Encounter.class)."""

    INPATIENT = "inpatient"
    OBSERVATION = "observation"
    EMERGENCY = "emergency"
    OUTPATIENT_BED = "outpatient_bed"


class StayState(StrEnum):
    IN_HOUSE = "in_house"
    DISCHARGED = "discharged"
    CANCELLED = "cancelled"


class StatusSource(StrEnum):
    """Where a status change came from."""

    ADT = "adt"
    MANUAL = "manual"
    API = "api"
    FHIR = "fhir"


class StayEvent(StrEnum):
    """What happened to a stay (each a row of its history, with time and source)."""

    ADMIT = "admit"
    REGISTER = "register"
    TRANSFER = "transfer"
    DISCHARGE = "discharge"
    CLASS_CHANGE = "class_change"
    UPDATE = "update"
    CANCEL_ADMIT = "cancel_admit"
    CANCEL_TRANSFER = "cancel_transfer"
    CANCEL_DISCHARGE = "cancel_discharge"
    MERGE = "merge"


# HL7 v2 PV1-2 patient class → stay class. "O" with an observation hint comes as the
# site's own code; the common ones are listed (reference sheet I).
PV1_CLASS = {
    "I": StayClass.INPATIENT,
    "E": StayClass.EMERGENCY,
    "O": StayClass.OUTPATIENT_BED,
    "B": StayClass.OBSERVATION,  # some sites use B (obstetrics) for observation beds
    "OBS": StayClass.OBSERVATION,
    "R": StayClass.OUTPATIENT_BED,
}
CLASS_PV1 = {
    StayClass.INPATIENT: "I",
    StayClass.EMERGENCY: "E",
    StayClass.OUTPATIENT_BED: "O",
    StayClass.OBSERVATION: "OBS",
}
# FHIR v3 ActCode encounter classes (Encounter.class in R4).
FHIR_CLASS = {
    StayClass.INPATIENT: "IMP",
    StayClass.OBSERVATION: "OBSENC",
    StayClass.EMERGENCY: "EMER",
    StayClass.OUTPATIENT_BED: "AMB",
}
FHIR_CLASS_IN = {v: k for k, v in FHIR_CLASS.items()} | {"ACUTE": StayClass.INPATIENT}


class AdtTrigger(StrEnum):
    """The ADT trigger events the listener applies (HL7 table 0003)."""

    A01 = "A01"  # admit
    A02 = "A02"  # transfer
    A03 = "A03"  # discharge
    A04 = "A04"  # register (outpatient, ED, observation)
    A06 = "A06"  # outpatient → inpatient
    A07 = "A07"  # inpatient → outpatient
    A08 = "A08"  # update
    A11 = "A11"  # cancel admit
    A12 = "A12"  # cancel transfer
    A13 = "A13"  # cancel discharge
    A40 = "A40"  # merge patient


class AckCode(StrEnum):
    """MSA-1 (table 0008), original mode."""

    ACCEPT = "AA"
    ERROR = "AE"
    REJECT = "AR"


class AdtOutcome(StrEnum):
    APPLIED = "applied"
    ERROR = "error"  # kept in the error queue; replayable
    REJECTED = "rejected"  # malformed: kept for a person to see
    REPLAYED = "replayed"  # an error later applied by replay
    RESOLVED = "resolved"  # an error a person closed without applying it (with a note)


@dataclass(frozen=True)
class MshKey:
    """The de-duplication key: (MSH-3, MSH-4, MSH-10)."""

    sending_application: str
    sending_facility: str
    control_id: str


def local_zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    """The last instant of `day` in `zone`, as aware UTC (the end of a calendar-day clock)."""
    start_next = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return (start_next - timedelta(microseconds=1)).astimezone(UTC)


def midnights(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    """Midnights crossed between `start` and `end` in facility time (two-midnight rule)."""
    if end <= start:
        return 0
    return max(0, (local_date(end, zone) - local_date(start, zone)).days)


def length_of_stay_days(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    """Hospital days as billed: midnights crossed, at least 1 for a stay that began."""
    return max(1, midnights(start, end, zone))


def days_over_gmlos(los_days: int, gmlos: Decimal | None) -> Decimal | None:
    """Days past the DRG's geometric mean LOS (0 when under); None without a GMLOS."""
    if gmlos is None:
        return None
    return max(Decimal(0), Decimal(los_days) - gmlos)


# --- Medicare notices (A-IM-1, A-IM-2, A-MOON) -------------------------------------------


def im_initial_due(inpatient_at: datetime, zone: ZoneInfo, days: int = 2) -> datetime:
    """The IM is due no later than `days` calendar days after inpatient admission
    (405.1205(b)): day 0 is the admission date; the end of day +2, local time."""
    return end_of_local_day(local_date(inpatient_at, zone) + timedelta(days=days), zone)


def im_follow_up_required(
    initial_given_at: datetime | None, discharge_date: date, zone: ZoneInfo, days: int = 2
) -> bool:
    """A follow-up copy is needed unless the initial IM was delivered within `days`
    calendar days of discharge (405.1205(c)(2))."""
    if initial_given_at is None:
        return True
    return (discharge_date - local_date(initial_given_at, zone)).days > days


def im_follow_up_window(
    discharge_date: date, zone: ZoneInfo, days: int = 2
) -> tuple[datetime, datetime]:
    """The follow-up copy goes before discharge but not more than `days` calendar days
    before: from the start of discharge_date - days to the end of discharge_date."""
    earliest = datetime.combine(discharge_date - timedelta(days=days), time(0), tzinfo=zone)
    return earliest.astimezone(UTC), end_of_local_day(discharge_date, zone)


def im_follow_up_timely(
    given_at: datetime, discharge_date: date, zone: ZoneInfo, days: int = 2
) -> bool:
    earliest, latest = im_follow_up_window(discharge_date, zone, days)
    return earliest <= given_at <= latest


MOON_THRESHOLD = timedelta(hours=24)
MOON_LIMIT = timedelta(hours=36)


def moon_required(observation_start: datetime, observation_end: datetime) -> bool:
    """The MOON is owed to a Medicare beneficiary in observation for more than 24 hours
    (489.20(y)): exactly 24 h is not more than 24 h."""
    return observation_end - observation_start > MOON_THRESHOLD


def moon_due(observation_start: datetime, ended_at: datetime | None = None) -> datetime:
    """Within 36 hours of the start of observation, or sooner if the patient is
    transferred, discharged or admitted (the end of observation)."""
    due = observation_start + MOON_LIMIT
    return min(due, ended_at) if ended_at is not None else due


# --- Condition Code 44 (A-CC44) ------------------------------------------------------------


@dataclass(frozen=True)
class Cc44Facts:
    """What is recorded when an inpatient stay is to become outpatient."""

    in_house: bool  # not yet discharged
    inpatient_claim_submitted: bool
    ur_physician_decided: bool  # a UR-committee physician decided inpatient was not necessary
    attending_concurred: bool
    concurrence_documented: bool


def cc44_missing_steps(facts: Cc44Facts) -> list[str]:
    """The Condition Code 44 steps not met; an empty list allows the change."""
    missing = []
    if not facts.in_house:
        missing.append("the change must be made before discharge")
    if facts.inpatient_claim_submitted:
        missing.append("an inpatient claim has already been submitted")
    if not facts.ur_physician_decided:
        missing.append("a utilization review committee physician must decide")
    if not facts.attending_concurred:
        missing.append("the attending physician must concur")
    if not facts.concurrence_documented:
        missing.append("the attending's concurrence must be documented")
    return missing


# --- 42 CFR 482.30 reviewer rules (A-UR-1, A-UR-2) -----------------------------------------


@dataclass(frozen=True)
class ReviewerFacts:
    is_physician: bool
    involved_in_care: bool  # attested
    financial_interest: bool  # attested
    attestations_recorded: bool


def reviewer_refusals(facts: ReviewerFacts) -> list[str]:
    """Why a reviewer may not make a UR determination (482.30(b)); empty when they may."""
    reasons = []
    if not facts.attestations_recorded:
        reasons.append("the reviewer's attestations are not recorded")
    if facts.involved_in_care:
        reasons.append("the reviewer is professionally involved in the patient's care")
    if facts.financial_interest:
        reasons.append("the reviewer has a direct financial interest in the hospital")
    if not facts.is_physician:
        reasons.append("a not-necessary determination needs a physician")
    return reasons


class AttendingView(StrEnum):
    NOT_CONSULTED = "not_consulted"
    CONCURS = "concurs"
    NO_VIEW = "no_view"  # offered the chance, gave no view
    DISAGREES = "disagrees"


def not_necessary_refusals(attending: AttendingView, physician_reviewers: int) -> list[str]:
    """482.30(d)(1): the attending is consulted first; one physician member suffices when
    the attending concurs or gives no view; otherwise at least two must agree."""
    if attending == AttendingView.NOT_CONSULTED:
        return ["the attending physician must be consulted first"]
    needed = 2 if attending == AttendingView.DISAGREES else 1
    if physician_reviewers < needed:
        return [f"{needed} physician reviewers must agree when the attending disagrees"]
    return []


def ur_notice_due(determined_at: datetime, zone: ZoneInfo, days: int = 2) -> datetime:
    """Written notice of a not-necessary determination within `days` days (482.30(d)(3);
    the day type is not stated: calendar days, a setting)."""
    return end_of_local_day(local_date(determined_at, zone) + timedelta(days=days), zone)


# --- DRG table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrgEntry:
    code: str
    title: str
    gmlos: Decimal | None


@dataclass(frozen=True)
class DrgTable:
    version: str
    source: str
    entries: dict[str, DrgEntry]


@cache
def drg_table(version: str) -> DrgTable:
    """A shipped, versioned DRG table (data/drg/<version>.json)."""
    path = DATA_DIR / "drg" / f"{version}.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    entries = {
        code: DrgEntry(
            code=code,
            title=row["title"],
            gmlos=Decimal(row["gmlos"]) if row.get("gmlos") is not None else None,
        )
        for code, row in raw["entries"].items()
    }
    return DrgTable(version=raw["version"], source=raw["source"], entries=entries)


# --- HL7 v2 values ----------------------------------------------------------------------


def hl7_timestamp(value: str, zone: ZoneInfo) -> datetime | None:
    """An HL7 v2 TS/DTM (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]) as aware UTC; a value
    without an offset is facility local time. None for an empty value; ValueError for a
    malformed one."""
    value = value.strip()
    if not value:
        return None
    offset = None
    for sign in ("+", "-"):
        if sign in value[4:]:
            head, tail = value.rsplit(sign, 1)
            if len(tail) != 4 or not tail.isdigit():
                raise ValueError(f"bad time-zone offset in {value!r}")
            minutes = int(tail[:2]) * 60 + int(tail[2:])
            offset = timedelta(minutes=minutes if sign == "+" else -minutes)
            value = head
            break
    digits = value.split(".", 1)[0]
    if not digits.isdigit() or len(digits) not in (4, 6, 8, 10, 12, 14):
        raise ValueError(f"not an HL7 timestamp: {value!r}")
    padded = digits + "0101000000"[len(digits) - 4 :] if len(digits) < 14 else digits
    naive = datetime.strptime(padded[:14], "%Y%m%d%H%M%S")
    if offset is not None:
        from datetime import timezone

        return naive.replace(tzinfo=timezone(offset)).astimezone(UTC)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def hl7_date(value: str) -> date | None:
    value = value.strip()[:8]
    if not value:
        return None
    return datetime.strptime(value, "%Y%m%d").date()


MEDICARE_PLAN_TYPES = frozenset({"MC", "MCR", "MA", "MEDICARE", "MCARE"})


def is_medicare(plan_type: str, payer: str) -> bool:
    """Whether IN1 names Medicare (traditional or Advantage): by the plan type (IN1-15)
    or the payer's name."""
    return plan_type.strip().upper() in MEDICARE_PLAN_TYPES or "medicare" in payer.lower()


def stay_class_of(patient_class: str, patient_type: str = "") -> StayClass | None:
    """The stay class of PV1-2 (and PV1-18 patient type "OBS" for observation)."""
    if patient_type.strip().upper() in ("OBS", "OBSERVATION"):
        return StayClass.OBSERVATION
    return PV1_CLASS.get(patient_class.strip().upper())


# --- review criteria (H1) -----------------------------------------------------------------


class ReviewKind(StrEnum):
    ADMISSION = "admission"
    CONTINUED_STAY = "continued_stay"


class ReviewOutcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"


class ReferralState(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class Determination(StrEnum):
    NECESSARY = "necessary"
    NOT_NECESSARY = "not_necessary"


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    version: str
    name: str
    source: str
    subsets: dict[str, list[tuple[str, str]]]  # subset → [(criterion id, text)]
    decisive: dict[str, list[list[str]]]  # subset → alternatives, each all-of


@cache
def criteria_set(key: str) -> CriteriaSet:
    """A shipped, versioned criteria set (data/criteria/<id>-<version>.json)."""
    raw = json.loads((DATA_DIR / "criteria" / f"{key}.json").read_text(encoding="utf-8"))
    return CriteriaSet(
        id=raw["id"],
        version=raw["version"],
        name=raw["name"],
        source=raw["source"],
        subsets={k: [(c["id"], c["text"]) for c in v] for k, v in raw["subsets"].items()},
        decisive=raw["decisive"],
    )


def criteria_outcome(cs: CriteriaSet, subset: str, results: dict[str, bool]) -> ReviewOutcome:
    """Met when every criterion of one of the subset's alternatives is met."""
    for alternative in cs.decisive[subset]:
        if all(results.get(c) for c in alternative):
            return ReviewOutcome.MET
    return ReviewOutcome.NOT_MET


def criteria_errors(cs: CriteriaSet, subset: str, results: dict[str, bool]) -> list[str]:
    """A result for every criterion of the subset, and none other."""
    if subset not in cs.subsets:
        return [f"no subset {subset} in {cs.id} {cs.version}"]
    known = {c for c, _ in cs.subsets[subset]}
    errors = [f"no result for {c}" for c in sorted(known - set(results))]
    errors += [f"{c} is not a criterion of {subset}" for c in sorted(set(results) - known)]
    return errors


# --- Medicare notices: delivery ------------------------------------------------------------


class NoticeKind(StrEnum):
    IM_INITIAL = "im_initial"
    IM_FOLLOW_UP = "im_follow_up"
    MOON = "moon"


class NoticeResponse(StrEnum):
    SIGNED = "signed"
    REFUSED = "refused"


def notice_errors(
    kind: NoticeKind,
    response: NoticeResponse,
    *,
    signer: str,
    staff_name: str,
    staff_title: str,
    certified: bool,
    oral_explained: bool,
) -> dict[str, str]:
    """What a delivery record needs: a signer's name when signed; on a refusal the staff
    member's name (and for the MOON, title and certification: 489.20(y)); the MOON is
    also explained orally."""
    errors: dict[str, str] = {}
    if response == NoticeResponse.SIGNED and not signer.strip():
        errors["signer"] = "the name of the beneficiary or representative who signed"
    if response == NoticeResponse.REFUSED:
        if not staff_name.strip():
            errors["staff_name"] = "a refusal names the staff member who delivered the notice"
        if kind == NoticeKind.MOON and not staff_title.strip():
            errors["staff_title"] = "a MOON refusal records the staff member's title"
        if kind == NoticeKind.MOON and not certified:
            errors["certified"] = "a MOON refusal is certified by the staff member"
    if kind == NoticeKind.MOON and not oral_explained:
        errors["oral_explained"] = "the MOON is given in writing and explained orally"
    return errors


# --- the reports' weekly trend (avoidable days, denials) ---------------------------------


class Totals(Protocol):
    """A report's figures for one group: adding two gives the figures of both."""

    def __add__(self, other: Self, /) -> Self: ...


def week_start(day: date) -> date:
    """The Monday of the ISO week holding `day` (the reports' trend buckets)."""
    return date.fromordinal(day.toordinal() - day.weekday())


def totals_by[K, T: Totals](items: Iterable[tuple[K, T]]) -> dict[K, T]:
    """Add up the figures of the items that share a key."""
    grouped: dict[K, T] = {}
    for key, figures in items:
        grouped[key] = grouped[key] + figures if key in grouped else figures
    return grouped


def weekly_totals[T: Totals](items: Iterable[tuple[date, T]]) -> list[tuple[date, T]]:
    """The figures of the items added up in the ISO week (its Monday) of each item's
    date, the oldest week first: the trend of a report."""
    return sorted(totals_by((week_start(day), figures) for day, figures in items).items())
