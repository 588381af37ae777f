"""API schemas for records governance (N4, N6, S28, S29, S42)."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from casework.core.selectors import zone_today
from casework.governance.rules import (
    AccessFormat,
    AccessRequestState,
    DisclosureAuthority,
    DisclosureChannel,
    RecordType,
    RequirementKind,
    review_due,
)
from casework.web.api import InputSchema, StaffRef, VersionIn
from casework.web.dates import PlannedDate, RecentDatetime

LONG_TEXT = 5000


class ScheduleRowOut(Schema):
    record_type: RecordType
    years: int
    default_years: int
    floor_years: int
    counted_from: str
    citation: str
    destroyable: bool
    reason: str


class RetentionRuleIn(InputSchema):
    record_type: RecordType
    years: int = Field(..., ge=1, le=100)
    reason: str = Field(..., min_length=1, max_length=300)


class PlanRowOut(Schema):
    record_type: RecordType
    years: int
    citation: str
    cutoff_at: datetime
    due_ids: list[int]
    held_ids: list[int]


class LegalHoldIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=500)
    case_id: int | None = Field(None, ge=1, description="hold one case only; omit for all")


class LegalHoldReleaseIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=500)


class LegalHoldOut(Schema):
    id: int
    version: int
    consumer_id: int
    case_id: int | None
    reason: str
    placed_by: StaffRef
    placed_at: datetime
    released_at: datetime | None
    release_reason: str


class LegalHoldPage(Schema):
    count: int
    items: list[LegalHoldOut]


class DisclosureIn(InputSchema):
    disclosed_at: RecentDatetime
    recipient: str = Field(..., min_length=1, max_length=200)
    recipient_address: str = Field("", max_length=300)
    channel: DisclosureChannel
    description: str = Field(..., min_length=1, max_length=LONG_TEXT)
    purpose: str = Field(..., min_length=1, max_length=LONG_TEXT)
    authority: DisclosureAuthority
    corrects_id: int | None = Field(None, ge=1, description="the entry this one corrects")


class DisclosureOut(Schema):
    id: int
    consumer_id: int
    disclosed_at: datetime
    recipient: str
    recipient_address: str
    channel: DisclosureChannel
    description: str
    purpose: str
    authority: DisclosureAuthority
    corrects_id: int | None
    recorded_by: StaffRef
    recorded_at: datetime


class AccountingOut(Schema):
    consumer_id: int
    since: datetime
    until: datetime
    disclosures: list[DisclosureOut]


class AccessRequestIn(InputSchema):
    received_at: RecentDatetime
    requested_by: str = Field(..., min_length=1, max_length=200)
    format: AccessFormat


class AccessExtendIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=300)


class AccessCloseIn(VersionIn):
    outcome: AccessRequestState = Field(..., description="fulfilled or denied")
    note: str = Field("", max_length=500)


class AccessRequestClockOut(Schema):
    kind: str
    state: str
    rule_code: str
    due_at: datetime
    extensions: list[dict[str, Any]]


class AccessRequestOut(Schema):
    id: int
    version: int
    consumer_id: int
    received_at: datetime
    requested_by: str
    format: AccessFormat
    state: AccessRequestState
    owner: StaffRef
    extension_reason: str
    closed_at: datetime | None
    closing_note: str
    clock: AccessRequestClockOut | None = None


class AccessRequestPage(Schema):
    count: int
    items: list[AccessRequestOut]


class RequirementIn(InputSchema):
    jurisdiction: str = Field(..., min_length=2, max_length=8, description="US or US-XX")
    kind: RequirementKind
    title: str = Field(..., min_length=1, max_length=200)
    citation: str = Field(..., min_length=1, max_length=200)
    owner_id: int = Field(..., ge=1)
    review_date: PlannedDate
    evidence_links: list[str] = Field(default_factory=list, max_length=20)


class RequirementReviewIn(VersionIn):
    next_review_date: PlannedDate
    evidence_links: list[str] = Field(default_factory=list, max_length=20)


class RequirementOut(Schema):
    id: int
    version: int
    jurisdiction: str
    kind: RequirementKind
    title: str
    citation: str
    owner: StaffRef
    review_date: date
    evidence_links: list[str]
    last_reviewed_at: datetime | None
    status: str = Field(..., description="scheduled, due (within 30 days) or overdue")

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return review_due(obj.review_date, zone_today(obj.program.time_zone))


class RequirementPage(Schema):
    count: int
    items: list[RequirementOut]
