"""API schemas for complaints and grievances (K1)."""

from datetime import datetime

from ninja import Field, Schema

from casework.complaints.rules import (
    Category,
    ComplaintChannel,
    ComplaintKind,
    ComplaintSeverity,
    ComplaintState,
    CoverageType,
    Outcome,
)
from casework.web.api import InputSchema, StaffRef, VersionIn
from casework.web.dates import RecentDatetime

LONG_TEXT = 20000


class ComplaintIn(InputSchema):
    kind: ComplaintKind
    channel: ComplaintChannel
    received_at: RecentDatetime
    complainant: str = Field(..., min_length=1, max_length=200)
    complainant_relationship: str = Field(..., min_length=1, max_length=100)
    about: str = Field(..., min_length=1, max_length=LONG_TEXT)
    category: Category
    severity: ComplaintSeverity
    coverage: CoverageType = Field(..., description="sets the resolution limit (shipped presets)")
    expedited: bool = Field(False, description="health is at risk: the expedited limit applies")
    expedite_reason: str = Field("", max_length=300)


class AcknowledgeIn(VersionIn):
    method: ComplaintChannel
    acknowledged_at: RecentDatetime


class ComplaintNoteIn(InputSchema):
    text: str = Field(..., min_length=1, max_length=LONG_TEXT)


class ExtendIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=200)
    consumer_requested: bool = Field(
        ..., description="false: written notice is due within the rule's days"
    )


class PauseIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=200)


class ExtensionNoticeIn(VersionIn):
    sent_at: RecentDatetime


class ComplaintResolveIn(VersionIn):
    outcome: Outcome
    resolution: str = Field(..., min_length=1, max_length=LONG_TEXT)


class ComplaintClockOut(Schema):
    kind: str
    state: str
    rule_code: str
    started_at: datetime | None
    due_at: datetime
    pause_reason: str
    escalation_level: int
    notice_due_at: datetime | None
    extensions: list[dict[str, object]]
    pauses: list[dict[str, object]]


class ComplaintNoteOut(Schema):
    id: int
    author: StaffRef
    text: str
    created_at: datetime


class ComplaintOut(Schema):
    id: int
    version: int
    consumer_id: int
    kind: ComplaintKind
    channel: ComplaintChannel
    received_at: datetime
    complainant: str
    complainant_relationship: str
    about: str
    category: Category
    severity: ComplaintSeverity
    coverage: CoverageType
    expedited: bool
    expedite_reason: str
    state: ComplaintState
    owner: StaffRef
    reviewer: StaffRef | None
    rule_code: str
    acknowledged_at: datetime | None
    extension_notice_sent_at: datetime | None
    outcome: Outcome | None
    resolution: str
    resolved_at: datetime | None

    @staticmethod
    def resolve_outcome(obj: object) -> str | None:
        return getattr(obj, "outcome", "") or None


class ComplaintDetailOut(ComplaintOut):
    clocks: list[ComplaintClockOut]
    notes: list[ComplaintNoteOut]


class ComplaintPage(Schema):
    count: int
    items: list[ComplaintOut]
