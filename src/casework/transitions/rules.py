"""Transitions of care (G1-G4, F4, F7): the pure rules, without the ORM.

The clocks a discharge starts (regulatory-timers.md section C), when follow-up escalates,
which stay is a readmission of which, what a handoff must hold, and the closed-loop
referral's states with their FHIR Task statuses (Gravity SDOH, section F).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from casework.core.clocks import ClockUnit, HolidayCalendar, add_units


class TransitionDeadline(StrEnum):
    """Deadline kinds of this context (stored values: never change)."""

    FOLLOW_UP = "transition_follow_up"
    TCM_CONTACT = "transition_tcm_contact"
    HANDOFF_RECEIPT = "transition_handoff_receipt"
    REFERRAL_STALLED = "transition_referral_stalled"
    SEQUENCING_RESPONSE = "transition_sequencing_response"


class Destination(StrEnum):
    """The anticipated discharge destination."""

    HOME = "home"
    HOME_WITH_SERVICES = "home_with_services"
    SKILLED_NURSING = "skilled_nursing"
    REHABILITATION = "rehabilitation"
    LONG_TERM_ACUTE = "long_term_acute"
    HOSPICE = "hospice"
    OTHER = "other"


class PostAcuteNeed(StrEnum):
    """A post-acute need of the plan; the provider types of the directory are the same."""

    HOME_HEALTH = "home_health"
    SKILLED_NURSING = "skilled_nursing"
    REHABILITATION = "rehabilitation"
    LONG_TERM_ACUTE = "long_term_acute"
    HOSPICE = "hospice"
    DURABLE_EQUIPMENT = "durable_equipment"
    HOME_SERVICES = "home_services"


class ContactChannel(StrEnum):
    PHONE = "phone"
    VIDEO = "video"
    IN_PERSON = "in_person"
    TEXT = "text"
    PORTAL = "portal"


class AttemptOutcome(StrEnum):
    """How a follow-up attempt went. Only `reached` is an interactive contact."""

    REACHED = "reached"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"
    DECLINED = "declined"


INTERACTIVE_CHANNELS = frozenset(
    {ContactChannel.PHONE, ContactChannel.VIDEO, ContactChannel.IN_PERSON}
)


class ReceiptMethod(StrEnum):
    PERSON = "person"  # a person confirmed receipt (phone call, portal)
    TASK = "task"  # the receiving system updated the FHIR Task


class ReferralStatus(StrEnum):
    """A closed-loop referral's states (Gravity SDOH Task status in the comment)."""

    SENT = "sent"  # requested
    ACCEPTED = "accepted"  # accepted
    REJECTED = "rejected"  # rejected
    CANCELLED = "cancelled"  # cancelled
    COMPLETED = "completed"  # completed


REFERRAL_NEXT: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.SENT: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.REJECTED, ReferralStatus.CANCELLED}
    ),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.COMPLETED, ReferralStatus.CANCELLED}),
    ReferralStatus.REJECTED: frozenset(),
    ReferralStatus.CANCELLED: frozenset(),
    ReferralStatus.COMPLETED: frozenset(),
}
REASON_REQUIRED = frozenset({ReferralStatus.REJECTED, ReferralStatus.CANCELLED})
TASK_STATUS: dict[ReferralStatus, str] = {
    ReferralStatus.SENT: "requested",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.REJECTED: "rejected",
    ReferralStatus.CANCELLED: "cancelled",
    ReferralStatus.COMPLETED: "completed",
}
FROM_TASK_STATUS = {value: key for key, value in TASK_STATUS.items()}


class RootCause(StrEnum):
    """The root-cause category of a readmission review."""

    CLINICAL = "clinical"
    MEDICATION = "medication"
    FOLLOW_UP_MISSED = "follow_up_missed"
    HANDOFF_GAP = "handoff_gap"
    SOCIAL_NEEDS = "social_needs"
    PATIENT_CHOICE = "patient_choice"
    OTHER = "other"


class TransitionError(ValueError):
    """A transition rule refused an input; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


# --- clocks (regulatory-timers.md C) ------------------------------------------------------


@dataclass(frozen=True)
class DischargeClocks:
    """The clocks a discharge starts: the follow-up contact (`hours` after discharge,
    or business days when the program counts them so), TCM's interactive contact by the
    end of the 2nd business day, and the handoff's receipt."""

    follow_up_at: datetime
    tcm_contact_at: datetime | None
    handoff_receipt_at: datetime | None


def follow_up_due(
    discharged_at: datetime,
    calendar: HolidayCalendar,
    *,
    hours: int = 72,
    business_days: int = 0,
) -> datetime:
    """When the post-discharge follow-up contact is due: `hours` elapsed hours after the
    discharge (72 by default: a Friday-noon discharge is due Monday noon, weekend or
    not), or, when `business_days` is set, the end of that business day."""
    if business_days:
        return add_units(discharged_at, business_days, ClockUnit.BUSINESS_DAYS, calendar)
    return add_units(discharged_at, hours, ClockUnit.HOURS, calendar)


TCM_CONTACT_BUSINESS_DAYS = 2
TCM_UNSUCCESSFUL_ATTEMPTS = 2  # TCM-1: two timely documented attempts satisfy the rule


def tcm_contact_due(discharged_at: datetime, calendar: HolidayCalendar) -> datetime:
    """TCM (CPT 99495/99496): an interactive contact within 2 business days of the
    discharge: the end of the 2nd business day after the discharge day (holidays and the
    program's closures skipped)."""
    return add_units(discharged_at, TCM_CONTACT_BUSINESS_DAYS, ClockUnit.BUSINESS_DAYS, calendar)


def handoff_receipt_due(start: datetime, calendar: HolidayCalendar, *, hours: int = 24) -> datetime:
    """Receipt of the handoff must be confirmed `hours` after the later of the discharge
    and the sending (24 by default, program policy)."""
    return add_units(start, hours, ClockUnit.HOURS, calendar)


def discharge_clocks(
    *,
    discharged_at: datetime,
    calendar: HolidayCalendar,
    follow_up_hours: int,
    follow_up_business_days: int,
    tcm: bool,
    handoff_sent_at: datetime | None,
    handoff_receipt_hours: int,
) -> DischargeClocks:
    """Every clock a discharge starts, from its facts."""
    receipt = None
    if handoff_sent_at is not None:
        receipt = handoff_receipt_due(
            max(discharged_at, handoff_sent_at), calendar, hours=handoff_receipt_hours
        )
    return DischargeClocks(
        follow_up_at=follow_up_due(
            discharged_at,
            calendar,
            hours=follow_up_hours,
            business_days=follow_up_business_days,
        ),
        tcm_contact_at=tcm_contact_due(discharged_at, calendar) if tcm else None,
        handoff_receipt_at=receipt,
    )


# --- follow-up attempts ---------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    at: datetime
    channel: ContactChannel
    outcome: AttemptOutcome


@dataclass(frozen=True)
class FollowUpState:
    """Where the follow-up stands: reached (and when), failed attempts so far, whether it
    escalates, and whether TCM's interactive contact was made in time."""

    reached_at: datetime | None
    failed_attempts: int
    escalate: bool
    tcm_met: bool | None


def follow_up_state(
    attempts: Sequence[Attempt],
    *,
    max_failed: int,
    tcm_due_at: datetime | None = None,
) -> FollowUpState:
    """Count the attempts in time order up to the first that reached the consumer. After
    `max_failed` failed attempts without reaching them, follow-up escalates. TCM's
    interactive contact (TCM-1) is met by reaching the consumer over an interactive
    channel (phone, video, in person) by its due time, or by two separate documented
    unsuccessful attempts by then; None when TCM does not apply."""
    failed, reached_at, tcm_at = 0, None, None
    failed_in_time = 0
    for attempt in sorted(attempts, key=lambda item: item.at):
        if attempt.outcome == AttemptOutcome.REACHED:
            if reached_at is None:
                reached_at = attempt.at
            if attempt.channel in INTERACTIVE_CHANNELS and tcm_at is None:
                tcm_at = attempt.at
            continue
        if reached_at is None:
            failed += 1
        if tcm_due_at is not None and attempt.at <= tcm_due_at:
            failed_in_time += 1
    tcm_met = None
    if tcm_due_at is not None:
        reached_in_time = tcm_at is not None and tcm_at <= tcm_due_at
        tcm_met = reached_in_time or failed_in_time >= TCM_UNSUCCESSFUL_ATTEMPTS
    return FollowUpState(
        reached_at=reached_at,
        failed_attempts=failed,
        escalate=reached_at is None and failed >= max_failed,
        tcm_met=tcm_met,
    )


# --- readmissions -------------------------------------------------------------------------


READMISSION_DAYS = 30


def readmission_of(
    admitted_at: datetime,
    discharges: Iterable[tuple[int, datetime]],
    *,
    days: int = READMISSION_DAYS,
) -> int | None:
    """The index stay of an admission at `admitted_at`: of the consumer's earlier stays
    (`(stay id, discharged at)`), the latest discharged at or before the admission and
    no more than `days` days (elapsed) before it; None when there is none."""
    window = timedelta(days=days)
    best: tuple[datetime, int] | None = None
    for stay_id, discharged_at in discharges:
        in_window = discharged_at <= admitted_at and admitted_at - discharged_at <= window
        if in_window and (best is None or discharged_at > best[0]):
            best = (discharged_at, stay_id)
    return best[1] if best else None


# --- the handoff --------------------------------------------------------------------------

HANDOFF_SECTIONS = (
    "reason_for_stay",
    "problems",
    "medications_start",
    "medications_stop",
    "medications_change",
    "allergies",
    "pending_tests",
    "appointments",
    "goals_of_care",
    "contacts",
)
HANDOFF_REQUIRED = ("reason_for_stay", "allergies", "contacts")
HANDOFF_LIST_SECTIONS = HANDOFF_SECTIONS[1:]
MAX_ITEM = 500
MAX_ITEMS = 100


def handoff_contents_check(contents: Mapping[str, object]) -> dict[str, list[str]]:
    """What is wrong with the contents of a handoff, field by field (empty when none).

    `reason_for_stay` is text; every other section is a list of short texts. Reason,
    allergies ("none known" is an entry) and contacts are required for continuity and
    safety; the other sections may be empty lists."""
    errors: dict[str, list[str]] = {}
    for name in contents:
        if name not in HANDOFF_SECTIONS:
            errors[name] = ["not a section of the handoff"]
    reason = contents.get("reason_for_stay", "")
    if not isinstance(reason, str) or not reason.strip():
        errors["reason_for_stay"] = ["required"]
    elif len(reason) > MAX_ITEM * 4:
        errors["reason_for_stay"] = [f"at most {MAX_ITEM * 4} characters"]
    for name in HANDOFF_LIST_SECTIONS:
        value = contents.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            errors[name] = ["a list of texts"]
            continue
        items = [item for item in value if item.strip()]
        if name in HANDOFF_REQUIRED and not items:
            errors[name] = ["at least one entry (write 'none known' when there is none)"]
        elif len(items) > MAX_ITEMS:
            errors[name] = [f"at most {MAX_ITEMS} entries"]
        elif any(len(item) > MAX_ITEM for item in items):
            errors[name] = [f"each entry at most {MAX_ITEM} characters"]
    return errors


def handoff_contents_clean(contents: Mapping[str, object]) -> dict[str, object]:
    """The contents with every section present, texts stripped and blank entries gone."""
    clean: dict[str, object] = {"reason_for_stay": str(contents.get("reason_for_stay", "")).strip()}
    for name in HANDOFF_LIST_SECTIONS:
        value = contents.get(name, [])
        items = value if isinstance(value, list) else []
        clean[name] = [str(item).strip() for item in items if str(item).strip()]
    return clean


# --- referrals ----------------------------------------------------------------------------


def referral_transition_check(current: ReferralStatus, target: ReferralStatus, reason: str) -> None:
    """Raise TransitionError unless `current` → `target` is a step of the closed loop
    (sent → accepted → completed; rejected or cancelled with a reason)."""
    if target not in REFERRAL_NEXT[current]:
        raise TransitionError(
            f"a {current.value} referral cannot become {target.value}", field="status"
        )
    if target in REASON_REQUIRED and not reason.strip():
        raise TransitionError(f"a {target.value} referral needs its reason", field="reason")


REFERRAL_STALLED_DAYS = 7


def referral_stalled_at(since: datetime, *, days: int = REFERRAL_STALLED_DAYS) -> datetime:
    """A referral unanswered (sent) or not completed (accepted) this long is stalled."""
    return since + timedelta(days=days)


# --- the post-acute provider directory (CSV) ---------------------------------------------

PROVIDER_COLUMNS = (
    "ccn",
    "name",
    "provider_type",
    "address",
    "city",
    "state",
    "postal_code",
    "phone",
    "service_area",
    "medicare",
    "star_rating",
    "quality_measures",
    "financial_interest",
)
PROVIDER_REQUIRED = ("ccn", "name", "provider_type", "postal_code")
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}


@dataclass(frozen=True)
class ProviderRow:
    ccn: str
    name: str
    provider_type: PostAcuteNeed
    address: str
    city: str
    state: str
    postal_code: str
    phone: str
    service_area: tuple[str, ...]
    medicare: bool
    star_rating: int | None
    quality_measures: dict[str, str]
    financial_interest: bool


@dataclass(frozen=True)
class ProviderReject:
    line: int
    field: str
    reason: str


def _flag(value: str, name: str) -> bool:
    low = value.strip().lower()
    if low in YES:
        return True
    if low in NO:
        return False
    raise TransitionError("yes or no", field=name)


def _postal(value: str, name: str) -> str:
    code = value.strip()[:5]
    if len(code) != 5 or not code.isdigit():
        raise TransitionError("a 5-digit ZIP code", field=name)
    return code


def provider_row_parse(row: Mapping[str, str]) -> ProviderRow:
    """One CSV row of the program's copy of the public provider data, or TransitionError.
    `service_area` lists ZIP codes separated by spaces or semicolons (the provider's own
    ZIP when empty); `quality_measures` is `name=value` pairs separated by semicolons."""
    for name in PROVIDER_REQUIRED:
        if not (row.get(name) or "").strip():
            raise TransitionError("required", field=name)
    try:
        kind = PostAcuteNeed((row.get("provider_type") or "").strip())
    except ValueError:
        raise TransitionError("not a post-acute provider type", field="provider_type") from None
    postal = _postal(row["postal_code"], "postal_code")
    area_text = (row.get("service_area") or "").replace(";", " ").split()
    area = tuple(sorted({_postal(code, "service_area") for code in area_text} | {postal}))
    stars_text = (row.get("star_rating") or "").strip()
    stars = None
    if stars_text:
        if stars_text not in {"1", "2", "3", "4", "5"}:
            raise TransitionError("a star rating from 1 to 5", field="star_rating")
        stars = int(stars_text)
    measures: dict[str, str] = {}
    for pair in (row.get("quality_measures") or "").split(";"):
        if not pair.strip():
            continue
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise TransitionError("name=value pairs separated by ';'", field="quality_measures")
        measures[name.strip()[:80]] = value.strip()[:80]
    return ProviderRow(
        ccn=row["ccn"].strip()[:20],
        name=row["name"].strip()[:200],
        provider_type=kind,
        address=(row.get("address") or "").strip()[:200],
        city=(row.get("city") or "").strip()[:100],
        state=(row.get("state") or "").strip()[:2].upper(),
        postal_code=postal,
        phone=(row.get("phone") or "").strip()[:30],
        service_area=area,
        medicare=_flag(row.get("medicare") or "", "medicare"),
        star_rating=stars,
        quality_measures=measures,
        financial_interest=_flag(row.get("financial_interest") or "", "financial_interest"),
    )


def provider_csv_parse(text: str) -> tuple[list[ProviderRow], list[ProviderReject]]:
    """Every row of a provider CSV: the good rows and the rejects (line, field, reason).
    A missing required column rejects the file (line 1); a CCN twice rejects the second."""
    reader = csv.DictReader(io.StringIO(text))
    columns = set(reader.fieldnames or [])
    missing = [name for name in PROVIDER_REQUIRED if name not in columns]
    if missing:
        return [], [ProviderReject(1, name, "missing column") for name in missing]
    rows: list[ProviderRow] = []
    rejects: list[ProviderReject] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        try:
            parsed = provider_row_parse({k: v or "" for k, v in raw.items() if k})
        except TransitionError as error:
            rejects.append(ProviderReject(line, error.field, str(error)))
            continue
        if parsed.ccn in seen:
            rejects.append(ProviderReject(line, "ccn", "the same CCN twice in the file"))
            continue
        seen.add(parsed.ccn)
        rows.append(parsed)
    return rows, rejects


class EducationAudience(StrEnum):
    """Who was taught (the Standards of Practice: consumer, family, caregiver, team)."""

    CONSUMER = "consumer"
    FAMILY = "family"
    CAREGIVER = "caregiver"
    TEAM = "team"


class EducationMethod(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"
    DEMONSTRATION = "demonstration"
    VIDEO = "video"
    INTERPRETER = "interpreter"


class TeachBack(StrEnum):
    """The teach-back result (Project RED): could the learner say it back in their own
    words or show it?"""

    UNDERSTOOD = "understood"
    PARTLY = "partly"
    NOT_UNDERSTOOD = "not_understood"
    NOT_DONE = "not_done"


TEACH_BACK_REASON_REQUIRED = frozenset({TeachBack.NOT_DONE})


# --- sequencing barriers and their escalation path (seed: Sequencing) ---------------------


class SequencedItem(StrEnum):
    """What a sequencing barrier delays."""

    CONSULT = "consult"
    TEST = "test"
    PROCEDURE = "procedure"
    THERAPY = "therapy"
    PLACEMENT = "placement"


class BarrierReason(StrEnum):
    """Why the consult, test, procedure, therapy or placement is delayed."""

    SCHEDULING = "scheduling"
    AWAITING_RESULT = "awaiting_result"
    AUTHORIZATION = "authorization"
    ORDER = "order"
    TRANSPORT = "transport"
    EQUIPMENT = "equipment"
    CONSUMER_CONDITION = "consumer_condition"
    CONSUMER_DECISION = "consumer_decision"
    OTHER = "other"


class BarrierState(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class EscalationLevel:
    """One level of a program's escalation path: who is asked, and within how many hours
    they must respond before the barrier goes to the next level."""

    level: int
    role: str
    response_hours: int

    def as_json(self) -> dict[str, object]:
        return {"level": self.level, "role": self.role, "response_hours": self.response_hours}


DEFAULT_ESCALATION_PATH: tuple[EscalationLevel, ...] = (
    EscalationLevel(1, "Charge nurse or unit manager", 4),
    EscalationLevel(2, "Attending physician", 4),
    EscalationLevel(3, "Physician advisor", 8),
    EscalationLevel(4, "Chief medical officer or administrator on call", 24),
)
"""The path a program starts with until its clinical director edits it (a program
default, not a regulatory limit; docs/transitions.md)."""

MAX_ESCALATION_LEVELS = 6
MAX_RESPONSE_HOURS = 168


def escalation_path_check(levels: Sequence[EscalationLevel]) -> tuple[EscalationLevel, ...]:
    """A valid path: 1 to MAX_ESCALATION_LEVELS levels numbered 1, 2, … in order, each
    with a role and 1 to MAX_RESPONSE_HOURS hours to respond. TransitionError names the
    field at fault (`level_N_role`, `level_N_hours`, or `levels`)."""
    if not levels:
        raise TransitionError("the path needs at least one level", field="levels")
    if len(levels) > MAX_ESCALATION_LEVELS:
        raise TransitionError(f"at most {MAX_ESCALATION_LEVELS} levels", field="levels")
    for expected, level in enumerate(levels, start=1):
        if level.level != expected:
            raise TransitionError("levels are numbered 1, 2, 3 … without gaps", field="levels")
        if not level.role.strip():
            raise TransitionError("required", field=f"level_{expected}_role")
        if not 1 <= level.response_hours <= MAX_RESPONSE_HOURS:
            raise TransitionError(
                f"between 1 and {MAX_RESPONSE_HOURS} hours", field=f"level_{expected}_hours"
            )
    return tuple(
        EscalationLevel(level.level, level.role.strip()[:120], level.response_hours)
        for level in levels
    )


def escalation_path_from_json(rows: Iterable[Mapping[str, object]]) -> tuple[EscalationLevel, ...]:
    return tuple(
        EscalationLevel(int(str(r["level"])), str(r["role"]), int(str(r["response_hours"])))
        for r in rows
    )


def level_due_at(opened_at: datetime, level: EscalationLevel) -> datetime:
    """When a level must have responded: its hours elapsed from when it was opened."""
    if opened_at.tzinfo is None:
        raise TransitionError("naive datetime", field="opened_at")
    return opened_at + timedelta(hours=level.response_hours)


def level_lapsed(due_at: datetime, now: datetime) -> bool:
    """A level has lapsed from its due instant on (exactly at the hour included), as the
    sweep claims a row due at or before now."""
    return now >= due_at


def next_level(path: Sequence[EscalationLevel], current: int) -> EscalationLevel | None:
    """The level after `current` (0: not escalated yet), or None once the last level of
    the path is reached."""
    return next((level for level in path if level.level == current + 1), None)


def barrier_dates_check(*, ordered_at: datetime, expected_at: datetime | None) -> None:
    """The item is expected no earlier than it was ordered."""
    if expected_at is not None and expected_at < ordered_at:
        raise TransitionError("may not be before the order", field="expected_at")
