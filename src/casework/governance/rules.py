"""Records governance (N4, N6, S28, S29, S42): pure rules, no ORM.

- The retention schedule: how long each record type is kept, its documented default and
  the rule it rests on (../shared/reference/security.md §2.2, §2.4; HIPAA 164.530(j),
  164.528), and the floor below which a program may not set it.
- Which records a retention run may destroy: past their retention, and not under a
  legal hold.
- Disclosures outside treatment, payment and operations (164.528): the authorities, and
  the six-year window of an accounting.
- The right of access (164.524): the 30-calendar-day clock with its one 30-day extension
  (regulatory-timers.md E, H-ACC).
- The compliance register (N6): when a requirement is due for review, and overdue.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from casework.core.clocks import ClockRule, ClockUnit


class RecordType(StrEnum):
    """Record types the retention schedule names (stored values: never change)."""

    COMMUNICATION = "communication"
    COMPLAINT = "complaint"
    DISCLOSURE = "disclosure"
    ACCESS_REQUEST = "access_request"
    AUDIT_EVENT = "audit_event"
    CASE = "case"


@dataclass(frozen=True)
class RetentionDefault:
    """A record type's documented default: keep `years` after `counted_from`, never set
    below `floor_years`, under `citation`. `destroyable` False: no run ever destroys it."""

    years: int
    floor_years: int
    counted_from: str
    citation: str
    destroyable: bool = True


SIX_YEARS = "HIPAA 45 CFR 164.530(j)(2): documentation kept 6 years (reference/security.md §2.2)"

RETENTION_DEFAULTS: dict[RecordType, RetentionDefault] = {
    RecordType.COMMUNICATION: RetentionDefault(
        years=10,
        floor_years=6,
        counted_from="the communication",
        citation=(
            "State law governs the clinical record (reference/security.md §2.2); 10 years is "
            "the program default, never under HIPAA's 6 (164.530(j))"
        ),
    ),
    RecordType.COMPLAINT: RetentionDefault(
        years=10,
        floor_years=6,
        counted_from="the resolution",
        citation=(
            "Grievance records: 10 years for Medicare Advantage (42 CFR 422.504(d)); "
            "never under HIPAA's 6 (164.530(j))"
        ),
    ),
    RecordType.DISCLOSURE: RetentionDefault(
        years=6,
        floor_years=6,
        counted_from="the disclosure",
        citation="HIPAA 164.528(a)(1): the accounting covers 6 years; " + SIX_YEARS,
    ),
    RecordType.ACCESS_REQUEST: RetentionDefault(
        years=6,
        floor_years=6,
        counted_from="the request's closing",
        citation="HIPAA 164.524(e) documentation; " + SIX_YEARS,
    ),
    RecordType.CASE: RetentionDefault(
        years=10,
        floor_years=6,
        counted_from="the case's end (closed, declined or withdrawn)",
        citation=(
            "The case record as a whole (notes with their amendments, work items, "
            "assessments, plan of care, communications): state law governs the clinical "
            "record (reference/security.md §2.2); 10 years is the program default, never "
            "under HIPAA's 6 (164.530(j))"
        ),
    ),
    RecordType.AUDIT_EVENT: RetentionDefault(
        years=6,
        floor_years=6,
        counted_from="the event",
        citation=(
            "Audit logs kept at least 6 years (reference/security.md §2.2, §4.6): their purge "
            "is a separate dual-approved operation; `retention run` never destroys them"
        ),
        destroyable=False,
    ),
}

DESTROYABLE = tuple(t for t, d in RETENTION_DEFAULTS.items() if d.destroyable)
MAX_RETENTION_YEARS = 100


class RetentionError(ValueError):
    """A retention setting the rules refuse; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def retention_years_problem(record_type: str, years: int) -> str | None:
    """Why `years` is not an allowed retention for `record_type`, or None."""
    if record_type not in RecordType._value2member_map_:
        return f"unknown record type '{record_type}'"
    default = RETENTION_DEFAULTS[RecordType(record_type)]
    if years < default.floor_years:
        return f"at least {default.floor_years} years ({default.citation})"
    if years > MAX_RETENTION_YEARS:
        return f"at most {MAX_RETENTION_YEARS} years"
    return None


def years_before(now: datetime, years: int) -> datetime:
    """The same instant `years` calendar years earlier; from 29 February, the 28th."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def retention_cutoff(now: datetime, years: int) -> datetime:
    """Records counted from before this instant are past a `years` retention: the same
    instant `years` calendar years earlier (never a day early)."""
    return years_before(now, years)


def past_retention(counted_from: datetime | None, *, now: datetime, years: int) -> bool:
    """Whether a record counted from `counted_from` is past `years` of retention (a
    record still open, with nothing to count from, never is)."""
    return counted_from is not None and counted_from < retention_cutoff(now, years)


def destroyable(*, counted_from: datetime | None, now: datetime, years: int, held: bool) -> bool:
    """A record may be destroyed when it is past retention and not under a legal hold."""
    return not held and past_retention(counted_from, now=now, years=years)


# --- disclosures (164.528) -------------------------------------------------------------


class DisclosureAuthority(StrEnum):
    """Why a disclosure outside TPO was permitted (164.512 and the authorization of 164.508)."""

    REQUIRED_BY_LAW = "required_by_law"  # 164.512(a)
    PUBLIC_HEALTH = "public_health"  # 164.512(b)
    ABUSE_REPORT = "abuse_report"  # 164.512(c): mandated reports appear in the accounting
    HEALTH_OVERSIGHT = "health_oversight"  # 164.512(d)
    JUDICIAL = "judicial"  # 164.512(e)
    LAW_ENFORCEMENT = "law_enforcement"  # 164.512(f)
    DECEDENT = "decedent"  # 164.512(g)
    RESEARCH = "research"  # 164.512(i)
    SERIOUS_THREAT = "serious_threat"  # 164.512(j)
    WORKERS_COMPENSATION = "workers_compensation"  # 164.512(l)
    OTHER = "other"


class DisclosureChannel(StrEnum):
    FAX = "fax"
    PHONE = "phone"
    MAIL = "mail"
    ELECTRONIC = "electronic"
    IN_PERSON = "in_person"


ACCOUNTING_YEARS = 6


def accounting_since(now: datetime) -> datetime:
    """The start of an accounting's window: the six years before the request
    (164.528(a)(1))."""
    return years_before(now, ACCOUNTING_YEARS)


# --- right of access (164.524) ---------------------------------------------------------

ACCESS_RULE = ClockRule(
    code="H-ACC",
    amount=30,
    unit=ClockUnit.CALENDAR_DAYS,
    citation="45 CFR 164.524(b)(2): 30 calendar days, one 30-day extension with written notice",
    extension_amount=30,
    extension_unit=ClockUnit.CALENDAR_DAYS,
    max_extensions=1,
)


class AccessRequestState(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    DENIED = "denied"


OPEN_ACCESS_STATES = frozenset({AccessRequestState.OPEN})


class AccessFormat(StrEnum):
    PDF = "pdf"
    FHIR = "fhir"


# --- compliance register (N6) ------------------------------------------------------------


class RequirementKind(StrEnum):
    REGULATION = "regulation"
    ACCREDITATION = "accreditation"
    CONTRACT = "contract"
    POLICY = "policy"


FEDERAL = "US"
"""The jurisdiction of a federal rule; a state rule names its state (US-XX)."""


def review_due(review_date: date, today: date) -> str:
    """`overdue` past its review date, `due` within 30 days of it, else `scheduled`."""
    if review_date < today:
        return "overdue"
    if review_date <= today + timedelta(days=30):
        return "due"
    return "scheduled"


EVIDENCE_SCHEMES = ("https://", "http://")
MAX_EVIDENCE_LINKS = 20


def evidence_problem(links: list[str]) -> str | None:
    """Why a list of evidence links is refused: each is an http(s) address."""
    if len(links) > MAX_EVIDENCE_LINKS:
        return f"at most {MAX_EVIDENCE_LINKS} links"
    for link in links:
        if not link.startswith(EVIDENCE_SCHEMES) or len(link) > 500 or " " in link:
            return f"'{link[:60]}' is not an http(s) address"
    return None


def jurisdiction_valid(jurisdiction: str) -> bool:
    """`US` (federal) or `US-XX` (a state, ISO 3166-2)."""
    return jurisdiction == FEDERAL or (
        len(jurisdiction) == 5
        and jurisdiction.startswith("US-")
        and jurisdiction[3:].isalpha()
        and jurisdiction[3:].isupper()
    )
