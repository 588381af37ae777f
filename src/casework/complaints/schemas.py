"""API schemas for complaints and grievances (K1)."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import AwareDatetime

from casework.complaints.rules import (
    Category,
    Channel,
    ComplaintKind,
    ComplaintState,
    CoverageType,
    Outcome,
    Severity,
)
from casework.web.api import InputSchema, StaffRef, VersionIn

LONG_TEXT = 20000


class ComplaintIn(InputSchema):
    kind: ComplaintKind
    channel: Channel
    received_at: AwareDatetime
    complainant: str = Field(..., min_length=1, max_length=200)
    complainant_relationship: str = Field(..., min_length=1, max_length=100)
    about: str = Field(..., min_length=1, max_length=LONG_TEXT)
    category: Category
    severity: Severity
    coverage: CoverageType = Field(..., description="sets the resolution limit (shipped presets)")
    expedited: bool = Field(False, description="health is at risk: the expedited limit applies")
    expedite_reason: str = Field("", max_length=300)


class AcknowledgeIn(VersionIn):
    method: Channel
    acknowledged_at: AwareDatetime


class NoteIn(InputSchema):
    text: str = Field(..., min_length=1, max_length=LONG_TEXT)


class ExtendIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=200)
    consumer_requested: bool = Field(
        ..., description="false: written notice is due within the rule's days"
    )


class PauseIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=200)


class NoticeIn(VersionIn):
    sent_at: AwareDatetime


class ResolveIn(VersionIn):
    outcome: Outcome
    resolution: str = Field(..., min_length=1, max_length=LONG_TEXT)


class ClockOut(Schema):
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


class NoteOut(Schema):
    id: int
    author: StaffRef
    text: str
    created_at: datetime


class ComplaintOut(Schema):
    id: int
    version: int
    consumer_id: int
    kind: ComplaintKind
    channel: Channel
    received_at: datetime
    complainant: str
    complainant_relationship: str
    about: str
    category: Category
    severity: Severity
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
    clocks: list[ClockOut]
    notes: list[NoteOut]


class ComplaintPage(Schema):
    count: int
    items: list[ComplaintOut]
