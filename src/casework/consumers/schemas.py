"""API schemas for consumers and their support system (C4, C5)."""

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from casework.consumers.models import DirectiveKind, Relationship, Sex
from casework.web.api import InputSchema, StaffRef, VersionIn, null_not_documented
from casework.web.dates import BirthDate, PastDate

LONG_TEXT = 5000


class ConsumerOut(Schema):
    id: int
    program_id: int
    mrn: str
    member_id: str
    given_name: str
    family_name: str
    birth_date: date
    sex: Sex
    preferred_language: str = Field(..., description="BCP 47 code, e.g. en, es")
    interpreter_needed: bool
    cultural_preferences: str
    makes_own_decisions: bool = Field(
        ..., description="false when a legal decision maker decides for the consumer"
    )
    phone: str
    email: str
    address: str
    payer: str = Field(..., description="payer or health plan (sets the reassessment schedule)")
    race: str = Field(..., description="kept only for equity reporting")
    ethnicity: str = Field(..., description="kept only for equity reporting")
    created_at: datetime
    updated_at: datetime
    version: int


class ConsumerIn(InputSchema):
    """A new consumer, taken with a referral."""

    given_name: str = Field(..., min_length=1, max_length=100)
    family_name: str = Field(..., min_length=1, max_length=100)
    birth_date: BirthDate
    sex: Sex = Sex.UNKNOWN
    mrn: str = Field("", max_length=40, description="medical record number, unique per program")
    member_id: str = Field("", max_length=40)
    preferred_language: str = Field("en", min_length=2, max_length=20)
    interpreter_needed: bool = False
    cultural_preferences: str = Field("", max_length=LONG_TEXT)
    makes_own_decisions: bool = True
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    payer: str = Field("", max_length=100)
    race: str = Field("", max_length=60)
    ethnicity: str = Field("", max_length=60)


class ConsumerPatch(VersionIn):
    """Only the fields sent are changed; `version` is the one you read."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=null_not_documented())

    given_name: str | None = Field(None, min_length=1, max_length=100)
    family_name: str | None = Field(None, min_length=1, max_length=100)
    birth_date: BirthDate | None = None
    sex: Sex | None = None
    mrn: str | None = Field(None, max_length=40)
    member_id: str | None = Field(None, max_length=40)
    preferred_language: str | None = Field(None, min_length=2, max_length=20)
    interpreter_needed: bool | None = None
    cultural_preferences: str | None = Field(None, max_length=LONG_TEXT)
    makes_own_decisions: bool | None = None
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=300)
    payer: str | None = Field(None, max_length=100)
    race: str | None = Field(None, max_length=60)
    ethnicity: str | None = Field(None, max_length=60)


class SupportPersonIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    relationship: Relationship
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    is_legal_decision_maker: bool = False
    has_power_of_attorney: bool = False
    is_emergency_contact: bool = False
    notes: str = Field("", max_length=LONG_TEXT)


class SupportPersonOut(Schema):
    id: int
    consumer_id: int
    name: str
    relationship: Relationship
    phone: str
    email: str
    is_legal_decision_maker: bool
    has_power_of_attorney: bool
    is_emergency_contact: bool
    notes: str
    created_at: datetime
    created_by: StaffRef
    version: int


class SupportPersonPage(Schema):
    count: int
    items: list[SupportPersonOut]


class AdvanceDirectiveIn(InputSchema):
    kind: DirectiveKind
    document_date: PastDate | None = None
    location: str = Field("", max_length=300, description="where the document is kept")
    summary: str = Field("", max_length=LONG_TEXT)


class AdvanceDirectiveOut(Schema):
    id: int
    consumer_id: int
    kind: DirectiveKind
    document_date: date | None
    location: str
    summary: str
    recorded_at: datetime
    recorded_by: StaffRef
    version: int


class AdvanceDirectivePage(Schema):
    count: int
    items: list[AdvanceDirectiveOut]


class SupportPersonPatch(VersionIn):
    """Only the fields sent are changed; `version` is the one you read."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=null_not_documented())

    name: str | None = Field(None, min_length=1, max_length=200)
    relationship: Relationship | None = None
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    is_legal_decision_maker: bool | None = None
    has_power_of_attorney: bool | None = None
    is_emergency_contact: bool | None = None
    notes: str | None = Field(None, max_length=LONG_TEXT)


class AdvanceDirectivePatch(VersionIn):
    """Only the fields sent are changed; `version` is the one you read. `document_date`
    may be null (not known)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=null_not_documented("document_date")
    )

    kind: DirectiveKind | None = None
    document_date: PastDate | None = None
    location: str | None = Field(None, max_length=300)
    summary: str | None = Field(None, max_length=LONG_TEXT)


class RemovalIn(VersionIn):
    """Remove a record: it is kept with the reason, and no longer shown or offered."""

    reason: str = Field(..., min_length=1, max_length=LONG_TEXT)


class ConsumerMergeIn(InputSchema):
    """Merge a duplicate record into this consumer's (supervisors)."""

    duplicate_id: int = Field(..., description="the duplicate consumer record, merged away")
    reason: str = Field(..., min_length=1, max_length=LONG_TEXT)


class ConsumerMergeUndoIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=LONG_TEXT)


class ConsumerMergeOut(Schema):
    id: int
    survivor_id: int
    merged_id: int
    reason: str
    moved: dict[str, list[int]] = Field(
        ..., description='the rows moved to the survivor, by "app.Model.field"'
    )
    merged_at: datetime
    merged_by: StaffRef
    undone_at: datetime | None
    undo_reason: str
    version: int
