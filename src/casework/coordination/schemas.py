"""API schemas for work items, communications and notes (F1, F3)."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from casework.coordination import rules
from casework.coordination.models import (
    CareTeamKind,
    Channel,
    CommunicationTopic,
    Direction,
    Note,
    NoteKind,
    WorkItemKind,
    WorkItemStatus,
)
from casework.web.api import InputSchema, StaffRef, VersionIn, null_not_documented
from casework.web.dates import PlannedDatetime, RecentDatetime

LONG_TEXT = 20000


class WorkItemIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: WorkItemKind = Field(
        ..., description="service items need active consent; administrative ones do not"
    )
    owner: int = Field(..., description="the staff member responsible")
    due_at: PlannedDatetime
    description: str = Field("", max_length=LONG_TEXT)


class WorkItemPatch(VersionIn):
    """Only the fields sent are changed; `version` is the one you read."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=null_not_documented())

    title: str | None = Field(None, min_length=1, max_length=200)
    owner: int | None = None
    due_at: PlannedDatetime | None = None
    description: str | None = Field(None, max_length=LONG_TEXT)


class WorkItemCompleteIn(VersionIn):
    outcome: str = Field("", max_length=LONG_TEXT)


class WorkItemCancelIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=LONG_TEXT)


class WorkItemOut(Schema):
    id: int
    version: int
    case_id: int
    title: str
    description: str
    kind: WorkItemKind
    owner: StaffRef
    due_at: datetime
    status: WorkItemStatus
    completed_at: datetime | None
    outcome: str = Field(..., description="the outcome, or the reason it was cancelled")
    created_at: datetime


class WorkItemPage(Schema):
    count: int
    items: list[WorkItemOut]


class CommunicationIn(InputSchema):
    channel: Channel
    direction: Direction
    topic: CommunicationTopic = Field(
        ..., description="care communications need active consent; enrollment ones do not"
    )
    parties: str = Field(..., min_length=1, max_length=300)
    summary: str = Field(..., min_length=1, max_length=LONG_TEXT)
    occurred_at: RecentDatetime


class CommunicationOut(Schema):
    id: int
    case_id: int
    channel: Channel
    direction: Direction
    topic: CommunicationTopic
    parties: str
    summary: str
    occurred_at: datetime
    recorded_by: StaffRef
    recorded_at: datetime


class CommunicationPage(Schema):
    count: int
    items: list[CommunicationOut]


class NoteIn(InputSchema):
    kind: NoteKind = Field(..., description="notes other than consent_attempt need consent")
    text: str = Field(..., min_length=1, max_length=LONG_TEXT)
    amends: int | None = Field(
        None,
        description="the id of an earlier note on this case that this note corrects (its"
        " author only, once; the kind stays the same)",
    )
    amendment_reason: str = Field(
        "", max_length=LONG_TEXT, description="why the note is amended (required with `amends`)"
    )
    part2: bool = Field(
        False,
        description=(
            "a substance-use-disorder record under 42 CFR Part 2: shown only to its author "
            "and the roles the consumer's Part 2 consent names"
        ),
    )


class NoteOut(Schema):
    id: int
    case_id: int
    kind: NoteKind
    text: str
    author: StaffRef
    signed_at: datetime
    amends_id: int | None
    amendment_reason: str
    amended_by_id: int | None = Field(
        None, description="the amendment that corrects this note, if any"
    )
    part2: bool = Field(description="a substance-use-disorder record (42 CFR Part 2)")
    security_labels: list[str] = Field(
        description="HL7 security labels: R and ETH on a Part 2 record (DS4P)"
    )
    redisclosure_notice: str | None = Field(
        description="the 42 CFR 2.32 notice that accompanies every Part 2 record"
    )

    @staticmethod
    def resolve_security_labels(obj: Note) -> list[str]:
        return rules.security_labels(part2=obj.part2)

    @staticmethod
    def resolve_redisclosure_notice(obj: Note) -> str | None:
        return rules.PART2_NOTICE if obj.part2 else None


class NotePage(Schema):
    count: int
    items: list[NoteOut]


class CareTeamMemberIn(InputSchema):
    name: str = Field("", max_length=200, description="required unless `user` is given")
    kind: CareTeamKind | None = Field(
        None,
        description=(
            "staff, provider, caregiver or other; without it, staff when `user` is given,"
            " provider when `is_external_provider`, else other"
        ),
    )
    role: str = Field(
        ..., min_length=1, max_length=100, description="e.g. primary care physician, caregiver"
    )
    user: int | None = Field(None, description="a staff member of the program (grants access)")
    organization: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    is_external_provider: bool = False


class CareTeamMemberOut(Schema):
    id: int
    consumer_id: int
    user_id: int | None
    name: str
    role: str
    kind: str
    organization: str
    phone: str
    email: str
    is_external_provider: bool
    started_at: datetime


class CareTeamPage(Schema):
    count: int
    items: list[CareTeamMemberOut]
