"""API shapes of the payer interface and denials (H2, H4)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from casework.core.dates import Span
from casework.stays.payers.rules import (
    AppealOutcome,
    AuthorizationUnit,
    DenialKind,
    LevelOfCare,
    PeerToPeerOutcome,
    PeerToPeerSpeaker,
    PeerToPeerStep,
    is_post_acute,
)
from casework.web.api import InputSchema, VersionIn
from casework.web.dates import PastDate, PlannedDatetime, RecentDatetime, plausible

RecentDate = Annotated[date, AfterValidator(plausible(Span.RECENT))]


class AppealLevelOut(Schema):
    level: int
    name: str
    filing_amount: int
    filing_unit: str
    decision_amount: int
    decision_unit: str
    expedited_amount: int
    expedited_unit: str
    citation: str


class PayerSettingsOut(Schema):
    id: int
    name: str
    payer_type: str
    notification_amount: int
    notification_unit: str
    notification_citation: str
    review_every_amount: int
    review_every_unit: str
    review_every_citation: str
    decision_amount: int
    decision_unit: str
    decision_citation: str
    expedited_decision_amount: int
    expedited_decision_unit: str
    expedited_decision_citation: str
    peer_to_peer_amount: int | None
    peer_to_peer_unit: str
    peer_to_peer_citation: str
    levels: list[AppealLevelOut]

    @staticmethod
    def resolve_levels(obj: object) -> list[object]:
        return list(obj.levels.all())  # type: ignore[attr-defined]


class PayerSettingsPage(Schema):
    count: int
    items: list[PayerSettingsOut]


PlannedDate = Annotated[date, AfterValidator(plausible(Span.PLANNED))]


class AuthorizationIn(InputSchema):
    """A level of care in the hospital (days), or a post-acute service with its unit
    (days, visits or items; empty: the service's usual one), receiving provider and
    requested start. `requested_days` counts the unit."""

    level_of_care: LevelOfCare
    requested_days: int = Field(..., ge=1, le=365)
    expedited: bool = False
    notification_sent_at: RecentDatetime | None = None
    unit: AuthorizationUnit | Literal[""] = ""
    provider_name: str = Field("", max_length=200)
    requested_start_date: PlannedDate | None = None


class AuthorizationStepIn(VersionIn):
    step: Literal["notified", "acknowledged", "decided", "review_sent"]
    at: RecentDatetime
    reference_number: str = Field("", max_length=60)
    decision: Literal["", "approved", "partly_approved", "denied"] = ""
    authorized_days: int | None = Field(None, ge=0, le=365)
    valid_from: PlannedDate | None = None
    valid_until: PlannedDate | None = None


class AuthorizationOut(Schema):
    id: int
    stay_id: int
    payer_id: int
    level_of_care: str
    post_acute: bool
    expedited: bool
    unit: str
    requested_days: int
    authorized_days: int | None
    provider_name: str
    requested_start_date: date | None
    valid_from: date | None
    valid_until: date | None
    state: str
    reference_number: str
    notification_sent_at: datetime | None
    acknowledged_at: datetime | None
    decided_at: datetime | None
    last_review_sent_at: datetime | None
    next_review_due_at: datetime | None
    version: int

    @staticmethod
    def resolve_post_acute(obj: object) -> bool:
        return is_post_acute(obj.level_of_care)  # type: ignore[attr-defined]


class AuthorizationPage(Schema):
    count: int
    items: list[AuthorizationOut]


class DenialIn(InputSchema):
    kind: DenialKind
    reason: str = Field(..., min_length=1, max_length=4000)
    reason_category: str = Field(
        ..., min_length=1, max_length=40, description="a code of the program's denial taxonomy"
    )
    received_date: RecentDate
    denied_days: int | None = Field(None, ge=1, le=365)
    denied_amount: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2)
    reference_number: str = Field("", max_length=60)
    authorization_id: int | None = Field(None, ge=1)


class AppealOut(Schema):
    id: int
    denial_id: int
    level: int
    level_name: str
    expedited: bool
    filed_at: datetime
    filed_in_time: bool
    late_reason: str
    decision_due_at: datetime
    outcome: str
    decided_at: datetime | None
    overturned_days: int | None
    overturned_amount: Decimal | None
    version: int


class DenialOut(Schema):
    id: int
    stay_id: int
    payer_id: int
    authorization_id: int | None
    kind: str
    reason: str
    reason_category: str
    reason_taxonomy: str
    denied_days: int | None
    denied_amount: Decimal | None
    currency: str
    received_date: date
    reference_number: str
    state: str
    version: int


class DenialPage(Schema):
    count: int
    items: list[DenialOut]


class DenialQuery(Schema):
    payer_id: int | None = Field(None, ge=1)
    state: Literal["", "open", "appealing", "overturned", "closed"] = ""
    kind: DenialKind | None = None


class AppealIn(VersionIn):
    filed_at: RecentDatetime
    expedited: bool = False
    argument: str = Field("", max_length=20000)
    late_reason: str = Field("", max_length=300)


class AppealOutcomeIn(VersionIn):
    outcome: AppealOutcome
    decided_at: RecentDatetime
    overturned_days: int | None = Field(None, ge=0, le=365)
    overturned_amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class PeerToPeerIn(InputSchema):
    """Name the authorization or the denial the conversation is about (one of them)."""

    authorization_id: int | None = Field(None, ge=1)
    denial_id: int | None = Field(None, ge=1)
    speaker: PeerToPeerSpeaker
    physician_name: str = Field(..., min_length=1, max_length=200)
    payer_contact: str = Field("", max_length=200)
    requested_at: RecentDatetime


class PeerToPeerStepIn(VersionIn):
    """`scheduled` with `scheduled_at`; `concluded` with `outcome`, `held_at` (not for
    not_held), a note, and on an overturn what was recovered."""

    step: PeerToPeerStep
    scheduled_at: PlannedDatetime | None = None
    held_at: RecentDatetime | None = None
    outcome: PeerToPeerOutcome | Literal[""] = ""
    note: str = Field("", max_length=4000)
    overturned_days: int | None = Field(None, ge=0, le=365)
    overturned_amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class PeerToPeerOut(Schema):
    id: int
    stay_id: int
    authorization_id: int | None
    denial_id: int | None
    requested_at: datetime
    requested_by_id: int
    speaker: str
    physician_name: str
    payer_contact: str
    scheduled_at: datetime | None
    held_at: datetime | None
    outcome: str
    note: str
    overturned_days: int | None
    overturned_amount: Decimal | None
    version: int


class PeerToPeerPage(Schema):
    count: int
    items: list[PeerToPeerOut]


class DenialReportQuery(Schema):
    by: Literal["kind", "category", "unit", "physician", "payer", "week"] = "category"
    start: PastDate | None = Field(None, description="denials received on or after this day")
    end: PastDate | None = Field(None, description="denials received on or before this day")


class DenialReportRowOut(Schema):
    key: str
    label: str
    denials: int
    days: int
    amount: Decimal
    appealed: int
    overturned: int
    days_recovered: int
    amount_recovered: Decimal


class DenialReportOut(Schema):
    by: str
    taxonomy: str
    currency: str
    total: DenialReportRowOut
    rows: list[DenialReportRowOut]


class DenialEducationOut(Schema):
    """A denial prevention education item (about an attending or a unit; no consumer)."""

    id: int
    target_kind: Literal["attending", "unit"]
    unit_id: int | None
    attending: str
    reason_category: str
    window_start: date
    window_end: date
    denial_count: int
    denial_ids: list[int] = Field(description="the denials counted")
    opened_at: datetime
    owner_id: int | None
    state: Literal["open", "done"]
    done_at: datetime | None
    done_by_id: int | None
    note: str
    version: int

    @staticmethod
    def resolve_denial_ids(obj: object) -> list[int]:
        return sorted(obj.denials.values_list("pk", flat=True))  # type: ignore[attr-defined]


class DenialEducationPage(Schema):
    count: int
    items: list[DenialEducationOut]


class DenialEducationQuery(Schema):
    state: Literal["open", "done"] = "open"


class DenialEducationDoneIn(VersionIn):
    note: str = Field(min_length=1, max_length=4000, description="what was done, for whom")
