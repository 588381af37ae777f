"""Payer interface (H2) and denials and appeals (H4): the rules, pure and without the ORM.

Every payer clock is a `core.clocks.ClockRule` built from the payer's settings (data the
program edits), so due times are counted in calendar days, business days (the program's
holiday calendar) or hours by the one mechanism. The presets below are what a new
payer's settings start from; each number cites its row of
../shared/reference/regulatory-timers.md section B. Where the sheet marks a rule ⚠ (or
gives no federal rule, as for the hospital's admission notification window and the
clinical review frequency, which payer contracts set) the number is only the default of a
setting.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache

from casework.core.clocks import ClockRule, ClockUnit
from casework.stays.rules import DATA_DIR


class PayerType(StrEnum):
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICAID_MANAGED_CARE = "medicaid_managed_care"
    COMMERCIAL = "commercial"


class LevelOfCare(StrEnum):
    """What an authorization is for: a level of care in the hospital, or a post-acute
    service after it (`POST_ACUTE`)."""

    ACUTE = "acute"
    INTENSIVE_CARE = "intensive_care"
    STEP_DOWN = "step_down"
    OBSERVATION = "observation"
    SKILLED_NURSING = "skilled_nursing"
    INPATIENT_REHAB = "inpatient_rehab"
    LONG_TERM_ACUTE = "long_term_acute"
    HOME_HEALTH = "home_health"
    HOSPICE = "hospice"
    DURABLE_MEDICAL_EQUIPMENT = "durable_medical_equipment"
    OUTPATIENT_THERAPY = "outpatient_therapy"


class AuthorizationUnit(StrEnum):
    """What an authorization counts (its `requested_days` and `authorized_days`)."""

    DAYS = "days"
    VISITS = "visits"
    ITEMS = "items"


POST_ACUTE = frozenset(
    {
        LevelOfCare.SKILLED_NURSING,
        LevelOfCare.INPATIENT_REHAB,
        LevelOfCare.LONG_TERM_ACUTE,
        LevelOfCare.HOME_HEALTH,
        LevelOfCare.HOSPICE,
        LevelOfCare.DURABLE_MEDICAL_EQUIPMENT,
        LevelOfCare.OUTPATIENT_THERAPY,
    }
)

# The units each service is authorized in; the first is the default.
UNITS: dict[LevelOfCare, tuple[AuthorizationUnit, ...]] = {
    **{level: (AuthorizationUnit.DAYS,) for level in LevelOfCare},
    LevelOfCare.HOME_HEALTH: (AuthorizationUnit.VISITS, AuthorizationUnit.DAYS),
    LevelOfCare.OUTPATIENT_THERAPY: (AuthorizationUnit.VISITS,),
    LevelOfCare.DURABLE_MEDICAL_EQUIPMENT: (AuthorizationUnit.ITEMS,),
}


def is_post_acute(level_of_care: str) -> bool:
    return level_of_care in POST_ACUTE


def authorization_problems(
    *,
    level_of_care: str,
    unit: str,
    provider_name: str,
    requested_start_date: date | None,
    admitted_date: date,
) -> dict[str, list[str]]:
    """Why an authorization as asked cannot be opened: field → reasons. A post-acute
    service counts in one of its units and names when it should start (not before the
    admission); a level of care in the hospital counts days and names no provider."""
    if level_of_care not in LevelOfCare._value2member_map_:
        return {"level_of_care": ["not one of the choices"]}
    level = LevelOfCare(level_of_care)
    errors: dict[str, list[str]] = {}
    if unit and unit not in UNITS[level]:
        errors["unit"] = [f"{level.value} is authorized in {', '.join(UNITS[level])}"]
    if level in POST_ACUTE:
        if requested_start_date is None:
            errors["requested_start_date"] = ["give the date the service should start"]
        elif requested_start_date < admitted_date:
            errors["requested_start_date"] = ["cannot be before the admission"]
    else:
        if provider_name.strip():
            errors["provider_name"] = ["only a post-acute service has a receiving provider"]
        if requested_start_date is not None:
            errors["requested_start_date"] = ["only a post-acute service has a requested start"]
    return errors


def validity_problems(*, valid_from: date | None, valid_until: date | None) -> dict[str, list[str]]:
    """An authorization's validity: both ends or none, the end not before the start."""
    if (valid_from is None) != (valid_until is None):
        return {"valid_until": ["give both ends of the validity, or neither"]}
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        return {"valid_until": ["cannot be before the start of the validity"]}
    return {}


class AuthorizationState(StrEnum):
    PENDING_NOTIFICATION = "pending_notification"
    NOTIFIED = "notified"
    ACKNOWLEDGED = "acknowledged"
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    DENIED = "denied"


class AuthorizationStep(StrEnum):
    """What a case manager records on an authorization, one step at a time."""

    NOTIFIED = "notified"  # the admission notification was sent to the payer
    ACKNOWLEDGED = "acknowledged"  # the payer acknowledged it (reference number)
    DECIDED = "decided"  # the payer approved, partly approved or denied days
    REVIEW_SENT = "review_sent"  # a continued-stay clinical review was sent
    RECONSIDERED = "reconsidered"  # the payer changed its adverse decision (peer-to-peer)


class DenialKind(StrEnum):
    MEDICAL_NECESSITY = "medical_necessity"
    LEVEL_OF_CARE = "level_of_care"
    ADMINISTRATIVE = "administrative"


class DenialState(StrEnum):
    OPEN = "open"  # may be appealed at its next level
    APPEALING = "appealing"  # an appeal is pending with the payer
    OVERTURNED = "overturned"  # won, in whole
    CLOSED = "closed"  # upheld at the last level, partly won at the last level, or dropped


class PeerToPeerOutcome(StrEnum):
    """How a peer-to-peer conversation with the payer's medical director ended."""

    UPHELD = "upheld"
    OVERTURNED = "overturned"
    PARTLY_OVERTURNED = "partly_overturned"
    NOT_HELD = "not_held"


class PeerToPeerStep(StrEnum):
    SCHEDULED = "scheduled"  # the payer gave a time
    CONCLUDED = "concluded"  # held (with its outcome) or not held


class PeerToPeerSpeaker(StrEnum):
    """Who speaks for the hospital."""

    ATTENDING = "attending"
    PHYSICIAN_ADVISOR = "physician_advisor"


class AppealOutcome(StrEnum):
    OVERTURNED = "overturned"
    PARTLY_OVERTURNED = "partly_overturned"
    UPHELD = "upheld"
    WITHDRAWN = "withdrawn"


# Waiting for the payer: what the census counts as an open authorization.
OPEN_AUTHORIZATION_STATES = frozenset(
    {
        AuthorizationState.PENDING_NOTIFICATION,
        AuthorizationState.NOTIFIED,
        AuthorizationState.ACKNOWLEDGED,
    }
)

DECIDED_STATES = frozenset(
    {
        AuthorizationState.APPROVED,
        AuthorizationState.PARTLY_APPROVED,
        AuthorizationState.DENIED,
    }
)

# Which state may take each step.
STEP_FROM: dict[AuthorizationStep, frozenset[AuthorizationState]] = {
    AuthorizationStep.NOTIFIED: frozenset({AuthorizationState.PENDING_NOTIFICATION}),
    AuthorizationStep.ACKNOWLEDGED: frozenset({AuthorizationState.NOTIFIED}),
    AuthorizationStep.DECIDED: frozenset(
        {AuthorizationState.NOTIFIED, AuthorizationState.ACKNOWLEDGED}
    ),
    AuthorizationStep.REVIEW_SENT: frozenset(
        {AuthorizationState.APPROVED, AuthorizationState.PARTLY_APPROVED}
    ),
    # The payer reconsidered its decision (a peer-to-peer overturned it, in whole or part).
    AuthorizationStep.RECONSIDERED: frozenset(
        {AuthorizationState.DENIED, AuthorizationState.PARTLY_APPROVED}
    ),
}

# An adverse decision a peer-to-peer may be requested on.
PEER_TO_PEER_AUTHORIZATION_STATES = frozenset(
    {AuthorizationState.DENIED, AuthorizationState.PARTLY_APPROVED}
)


def step_allowed(step: AuthorizationStep, state: str) -> bool:
    return state in STEP_FROM[step]


@dataclass(frozen=True)
class Limit:
    """`amount` `unit`s, with the rule it comes from."""

    amount: int
    unit: ClockUnit
    citation: str


@dataclass(frozen=True)
class AppealLevelTerms:
    """One appeal level of a payer: how long after the adverse decision the hospital may
    file, and how long the payer has to decide, standard and expedited."""

    level: int
    name: str
    filing: Limit
    decision: Limit
    expedited_decision: Limit


@dataclass(frozen=True)
class PayerTerms:
    """A payer's settings as the rules read them."""

    payer_type: PayerType
    notification: Limit  # the admission notification, after the inpatient admission
    review_every: Limit  # continued-stay clinical reviews, after the last decision or review
    decision: Limit  # the payer's standard authorization decision
    expedited_decision: Limit
    levels: tuple[AppealLevelTerms, ...]
    # The payer's window to hold a peer-to-peer after it is requested (None: no window).
    peer_to_peer: Limit | None = None


DAYS, BUSINESS, HOURS = ClockUnit.CALENDAR_DAYS, ClockUnit.BUSINESS_DAYS, ClockUnit.HOURS
CONTRACT = "Payer contract (no federal rule): a setting"
# ⚠ No federal rule: URAC's Health UM standard has the peer-to-peer conversation within
# one business day of the request (../shared/reference/product-anchors.md U8); payer
# contracts vary, so it is only the default of a setting.
PEER_TO_PEER = Limit(
    1, BUSINESS, "URAC Health UM (U8): within 1 business day of the request (⚠ a setting)"
)

PRESETS: dict[PayerType, PayerTerms] = {
    PayerType.MEDICARE_ADVANTAGE: PayerTerms(
        payer_type=PayerType.MEDICARE_ADVANTAGE,
        notification=Limit(1, BUSINESS, CONTRACT),
        peer_to_peer=PEER_TO_PEER,
        review_every=Limit(3, DAYS, CONTRACT),
        # MA-OD1: 14 calendar days to 12/31/2025, 7 from 1/1/2026 (CMS-0057-F, ◐).
        decision=Limit(7, DAYS, "MA-OD1: 42 CFR 422.568(b)(1); CMS-0057-F"),
        expedited_decision=Limit(72, HOURS, "MA-OD3: 42 CFR 422.572"),
        levels=(
            AppealLevelTerms(
                level=1,
                name="Reconsideration",
                # MA-R1 is ⚠: 60 calendar days (422.582(b)) or 65 (2025 guidance).
                filing=Limit(60, DAYS, "MA-R1: 42 CFR 422.582 (⚠ 60 or 65 days: a setting)"),
                decision=Limit(30, DAYS, "MA-R2: 42 CFR 422.590(a)"),
                expedited_decision=Limit(72, HOURS, "MA-R5: 42 CFR 422.590(e)"),
            ),
        ),
    ),
    PayerType.MEDICAID_MANAGED_CARE: PayerTerms(
        payer_type=PayerType.MEDICAID_MANAGED_CARE,
        notification=Limit(1, BUSINESS, CONTRACT),
        peer_to_peer=PEER_TO_PEER,
        review_every=Limit(3, DAYS, CONTRACT),
        # MC-SA-1: 14 calendar days; 7 for rating periods from 1/1/2026 (◐).
        decision=Limit(7, DAYS, "MC-SA-1: 42 CFR 438.210(d)(1); CMS-0057-F"),
        expedited_decision=Limit(72, HOURS, "MC-SA-2: 42 CFR 438.210(d)(2)"),
        levels=(
            AppealLevelTerms(
                level=1,
                name="Plan appeal",
                filing=Limit(60, DAYS, "MC-3: 42 CFR 438.402(c)(2)(ii)"),
                decision=Limit(30, DAYS, "MC-4: 42 CFR 438.408(b)(2)"),
                expedited_decision=Limit(72, HOURS, "MC-5: 42 CFR 438.408(b)(3)"),
            ),
            AppealLevelTerms(
                level=2,
                name="State fair hearing",
                filing=Limit(120, DAYS, "MC-SFH: 42 CFR 438.408(f)(2)"),
                # MC-SFH2 is ⚠ (not checked): 90 days standard, 3 working days expedited.
                decision=Limit(90, DAYS, "MC-SFH2: 42 CFR 431.244(f) (⚠ a setting)"),
                expedited_decision=Limit(3, BUSINESS, "MC-SFH2: 42 CFR 431.244(f) (⚠ a setting)"),
            ),
        ),
    ),
    PayerType.COMMERCIAL: PayerTerms(
        payer_type=PayerType.COMMERCIAL,
        notification=Limit(1, BUSINESS, CONTRACT),
        peer_to_peer=PEER_TO_PEER,
        review_every=Limit(3, DAYS, CONTRACT),
        # ERISA rows are ◐; "days" read as calendar days (the sheet's convention).
        decision=Limit(15, DAYS, "ER-3: 29 CFR 2560.503-1(f)(2)(iii)(A)"),
        expedited_decision=Limit(72, HOURS, "ER-1: 29 CFR 2560.503-1(f)(2)(i)"),
        levels=(
            AppealLevelTerms(
                level=1,
                name="Internal appeal",
                filing=Limit(180, DAYS, "ER-5: 29 CFR 2560.503-1(h)(3)(i)"),
                decision=Limit(30, DAYS, "ER-6: 29 CFR 2560.503-1(i)(2) (pre-service)"),
                expedited_decision=Limit(72, HOURS, "ER-6: 29 CFR 2560.503-1(i)(2) (urgent)"),
            ),
        ),
    ),
}


def _rule(code: str, limit: Limit) -> ClockRule:
    return ClockRule(code=code, amount=limit.amount, unit=limit.unit, citation=limit.citation)


def notification_rule(terms: PayerTerms) -> ClockRule:
    """The admission notification to the payer, from the inpatient admission."""
    return _rule("PAYER-NOTIFY", terms.notification)


def decision_rule(terms: PayerTerms, *, expedited: bool) -> ClockRule:
    """The payer's authorization decision, from the notification (or request) sent."""
    if expedited:
        return _rule("PAYER-DECIDE-EXP", terms.expedited_decision)
    return _rule("PAYER-DECIDE", terms.decision)


def review_rule(terms: PayerTerms) -> ClockRule:
    """The next continued-stay clinical review, from the decision or the last review."""
    return _rule("PAYER-REVIEW", terms.review_every)


def peer_to_peer_rule(terms: PayerTerms) -> ClockRule | None:
    """The payer's window to hold a requested peer-to-peer, from the request (None when
    the payer's settings give no window)."""
    if terms.peer_to_peer is None:
        return None
    return _rule("PAYER-P2P", terms.peer_to_peer)


def level_terms(terms: PayerTerms, level: int) -> AppealLevelTerms | None:
    return next((lv for lv in terms.levels if lv.level == level), None)


def filing_rule(level: AppealLevelTerms) -> ClockRule:
    """Filing the appeal at `level`, from the denial received (level 1) or the previous
    level's decision."""
    return _rule(f"APPEAL-FILE-{level.level}", level.filing)


def appeal_decision_rule(level: AppealLevelTerms, *, expedited: bool) -> ClockRule:
    """The payer's decision on an appeal at `level`, from its filing."""
    if expedited:
        return _rule(f"APPEAL-DECIDE-EXP-{level.level}", level.expedited_decision)
    return _rule(f"APPEAL-DECIDE-{level.level}", level.decision)


def next_level(terms: PayerTerms, decided_levels: int) -> AppealLevelTerms | None:
    """The level an appeal is filed at after `decided_levels` decided ones (None: no
    level is left)."""
    return level_terms(terms, decided_levels + 1)


def denial_state_after(outcome: AppealOutcome, *, more_levels: bool) -> DenialState:
    """A denial after its appeal's outcome: won, open to the next level, or closed."""
    if outcome == AppealOutcome.OVERTURNED:
        return DenialState.OVERTURNED
    if outcome == AppealOutcome.WITHDRAWN:
        return DenialState.CLOSED
    return DenialState.OPEN if more_levels else DenialState.CLOSED


def denial_problems(*, days: int | None, amount: Decimal | None, kind: str) -> dict[str, list[str]]:
    """Why a denial as given cannot be recorded: field → reasons (empty when fine)."""
    errors: dict[str, list[str]] = {}
    if kind not in DenialKind._value2member_map_:
        errors["kind"] = ["not one of the choices"]
    if days is None and amount is None:
        errors["denied_days"] = ["give the days denied, the amount denied, or both"]
    if days is not None and days <= 0:
        errors["denied_days"] = ["must be at least 1"]
    if amount is not None and amount <= 0:
        errors["denied_amount"] = ["must be more than zero"]
    return errors


def outcome_problems(
    *,
    outcome: str,
    overturned_days: int | None,
    overturned_amount: Decimal | None,
    denied_days: int | None,
    denied_amount: Decimal | None,
) -> dict[str, list[str]]:
    """Why an appeal outcome as given cannot be recorded: an overturn names what was
    recovered, never more than was denied; an upheld or withdrawn appeal recovers nothing."""
    errors: dict[str, list[str]] = {}
    if outcome not in AppealOutcome._value2member_map_:
        return {"outcome": ["not one of the choices"]}
    recovered = outcome in (AppealOutcome.OVERTURNED, AppealOutcome.PARTLY_OVERTURNED)
    if not recovered:
        if overturned_days or overturned_amount:
            errors["overturned_amount"] = ["an upheld or withdrawn appeal recovers nothing"]
        return errors
    if overturned_days is None and overturned_amount is None:
        errors["overturned_days"] = ["give the days or the amount overturned"]
    if overturned_days is not None:
        if overturned_days < 0:
            errors["overturned_days"] = ["cannot be negative"]
        elif denied_days is not None and overturned_days > denied_days:
            errors["overturned_days"] = [f"more than the {denied_days} days denied"]
    if overturned_amount is not None:
        if overturned_amount < 0:
            errors["overturned_amount"] = ["cannot be negative"]
        elif denied_amount is not None and overturned_amount > denied_amount:
            errors["overturned_amount"] = [f"more than the {denied_amount} denied"]
    return errors


def days_over_authorized(*, authorized_days: int | None, days_in_house: int) -> int:
    """Days in the house beyond the days authorized (0 when within them or undecided):
    the daily flag of days authorized versus days in the house."""
    if authorized_days is None:
        return 0
    return max(0, days_in_house - authorized_days)


def peer_to_peer_problems(
    *,
    outcome: str,
    held: bool,
    overturned_days: int | None,
    overturned_amount: Decimal | None,
    denied_days: int | None,
    denied_amount: Decimal | None,
    on_denial: bool,
) -> dict[str, list[str]]:
    """Why a peer-to-peer's outcome as given cannot be recorded: one held has a time
    and one not held has none; on a denial an overturn names what was recovered (as an
    appeal's outcome does); on an authorization a partial overturn names the days added,
    fewer than those still denied (`denied_days`)."""
    if outcome not in PeerToPeerOutcome._value2member_map_:
        return {"outcome": ["not one of the choices"]}
    errors: dict[str, list[str]] = {}
    not_held = outcome == PeerToPeerOutcome.NOT_HELD
    if not_held and held:
        errors["held_at"] = ["a conversation not held has no time held"]
    if not not_held and not held:
        errors["held_at"] = ["give the time the conversation was held"]
    if not_held:
        if overturned_days or overturned_amount:
            errors["overturned_days"] = ["a conversation not held recovers nothing"]
        return errors
    if on_denial:
        errors.update(
            outcome_problems(
                outcome=outcome,
                overturned_days=overturned_days,
                overturned_amount=overturned_amount,
                denied_days=denied_days,
                denied_amount=denied_amount,
            )
        )
        return errors
    if overturned_amount is not None:
        errors["overturned_amount"] = ["an authorization is of days, not money"]
    if outcome == PeerToPeerOutcome.PARTLY_OVERTURNED:
        if overturned_days is None or overturned_days < 1:
            errors["overturned_days"] = ["give the days the payer added"]
        elif denied_days is not None and overturned_days >= denied_days:
            errors["overturned_days"] = [
                f"{denied_days} or more days is the whole of those denied: an overturn"
            ]
    elif overturned_days:
        errors["overturned_days"] = ["only a partial overturn names the days added"]
    return errors


# --- denial reason categories and the denial report --------------------------------------


@dataclass(frozen=True)
class DenialTaxonomy:
    """A shipped, versioned list of denial reason categories (code → title)."""

    id: str
    version: str
    source: str
    categories: tuple[tuple[str, str], ...]

    @property
    def key(self) -> str:
        return f"{self.id}-{self.version}"

    def title(self, code: str) -> str | None:
        return dict(self.categories).get(code)


@cache
def denial_taxonomy(key: str) -> DenialTaxonomy:
    """data/denials/<key>.json."""
    raw = json.loads((DATA_DIR / "denials" / f"{key}.json").read_text(encoding="utf-8"))
    return DenialTaxonomy(
        id=raw["id"],
        version=raw["version"],
        source=raw["source"],
        categories=tuple((c["code"], c["title"]) for c in raw["categories"]),
    )


def category_problems(taxonomy: DenialTaxonomy, code: str) -> dict[str, list[str]]:
    if taxonomy.title(code) is None:
        codes = ", ".join(c for c, _title in taxonomy.categories)
        return {"reason_category": [f"unknown category '{code}' (one of: {codes})"]}
    return {}


class DenialReportDimension(StrEnum):
    """What the denial report groups by."""

    KIND = "kind"
    CATEGORY = "category"
    UNIT = "unit"
    PHYSICIAN = "physician"
    PAYER = "payer"
    WEEK = "week"


@dataclass(frozen=True)
class DenialTotals:
    """A denial report row's figures: denials, what they denied, how many were appealed
    and won, and what appeals and peer-to-peers recovered."""

    denials: int = 0
    days: int = 0
    amount: Decimal = Decimal("0.00")
    appealed: int = 0
    overturned: int = 0
    days_recovered: int = 0
    amount_recovered: Decimal = Decimal("0.00")

    def __add__(self, other: "DenialTotals") -> "DenialTotals":
        """The figures of both (a plain `DenialTotals`, whatever the operands' class)."""
        return DenialTotals(
            denials=self.denials + other.denials,
            days=self.days + other.days,
            amount=self.amount + other.amount,
            appealed=self.appealed + other.appealed,
            overturned=self.overturned + other.overturned,
            days_recovered=self.days_recovered + other.days_recovered,
            amount_recovered=self.amount_recovered + other.amount_recovered,
        )
