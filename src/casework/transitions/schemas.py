"""API shapes for transitions of care and closed-loop referrals."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from casework.transitions.rules import (
    AttemptOutcome,
    BarrierReason,
    BarrierState,
    ContactChannel,
    Destination,
    EducationAudience,
    EducationMethod,
    PostAcuteNeed,
    ReferralStatus,
    RootCause,
    SequencedItem,
    TeachBack,
)
from casework.web.api import InputSchema
from casework.web.dates import PlannedDate, PlannedDatetime, RecentDatetime

Text = Field("", max_length=2000)
Entry = list[str]


class TransitionPlanIn(InputSchema):
    destination: Destination
    anticipated_discharge_date: PlannedDate | None = None
    needs: list[PostAcuteNeed] = Field(default_factory=list, max_length=7)
    barriers: str = Field("", max_length=2000)
    readmission_risk: str = Field("", max_length=200)
    comorbidity_codes: list[str] = Field(default_factory=list, max_length=100)
    acute: bool | None = None
    haemoglobin: Decimal | None = Field(None, description="g/dL at discharge")
    sodium: Decimal | None = Field(None, description="mmol/L at discharge")
    oncology: bool | None = None
    procedure: bool | None = None
    version: int | None = Field(None, ge=0, description="the version you read; omit for the first")


class TransitionPlanOut(Schema):
    id: int
    destination: str
    anticipated_discharge_date: date | None
    needs: list[str]
    barriers: str
    readmission_risk: str
    risk_inputs: dict[str, Any]
    risk: dict[str, Any]
    version: int
    updated_at: datetime


class ChoiceListIn(InputSchema):
    provider_type: PostAcuteNeed
    postal_code: str = Field(pattern=r"^[0-9]{5}$")
    language: Literal["en", "es"] = "en"


class ChoiceEntryOut(Schema):
    provider_id: int
    ccn: str
    name: str
    medicare: bool
    star_rating: int | None
    quality_measures: dict[str, str]
    financial_interest: bool


class ChoiceListOut(Schema):
    id: int
    provider_type: str
    postal_code: str
    language: str
    presented_at: datetime
    entries: list[ChoiceEntryOut]


class ChoicesIn(InputSchema):
    provider_ids: list[int] = Field(min_length=1, max_length=20)


class ChoiceOut(Schema):
    rank: int
    provider_id: int


class PlacementIn(InputSchema):
    provider_id: int = Field(ge=1)
    reason: str = Field("", max_length=2000)


class PlacementOut(Schema):
    id: int
    provider_id: int
    from_choice: bool
    reason: str
    recorded_at: datetime


class HandoffContentsIn(InputSchema):
    reason_for_stay: str = Field(max_length=2000)
    problems: Entry = Field(default_factory=list, max_length=100)
    medications_start: Entry = Field(default_factory=list, max_length=100)
    medications_stop: Entry = Field(default_factory=list, max_length=100)
    medications_change: Entry = Field(default_factory=list, max_length=100)
    allergies: Entry = Field(default_factory=list, max_length=100)
    pending_tests: Entry = Field(default_factory=list, max_length=100)
    appointments: Entry = Field(default_factory=list, max_length=100)
    goals_of_care: Entry = Field(default_factory=list, max_length=100)
    contacts: Entry = Field(default_factory=list, max_length=100)


class HandoffIn(InputSchema):
    receiver_name: str = Field(max_length=200)
    receiver_provider_id: int | None = Field(None, ge=1)
    contents: HandoffContentsIn


class HandoffOut(Schema):
    id: int
    receiver_name: str
    sent_at: datetime
    task_status: str
    received_at: datetime | None
    receipt_method: str
    received_by: str
    contents: dict[str, Any]


class ReceiptIn(InputSchema):
    confirmed_by: str = Field(max_length=200, description="who at the receiver confirmed")


class FollowUpAttemptIn(InputSchema):
    attempted_at: RecentDatetime
    channel: ContactChannel
    outcome: AttemptOutcome
    note: str = Field("", max_length=2000)


class FollowUpStateOut(Schema):
    reached_at: datetime | None
    failed_attempts: int
    escalate: bool
    tcm_met: bool | None


class ReadmissionReviewIn(InputSchema):
    planned: bool
    planned_reason: str = Field("", max_length=2000)
    root_cause: RootCause | None = None
    notes: str = Field("", max_length=2000)


class ReadmissionOut(Schema):
    id: int
    index_stay_id: int
    stay_id: int
    days_after: int
    planned: bool
    planned_reason: str
    root_cause: str
    reviewed_at: datetime | None


class TransitionClockOut(Schema):
    kind: str
    due_at: datetime
    state: str
    escalation_level: int


class TransitionOut(Schema):
    stay_id: int
    plan: TransitionPlanOut | None
    choice_lists: list[ChoiceListOut]
    placement: PlacementOut | None
    handoff: HandoffOut | None
    attempts: int
    clocks: list[TransitionClockOut]
    readmission: ReadmissionOut | None


class CommunityReferralIn(InputSchema):
    service_id: UUID
    need: str = Field(max_length=200)
    note: str = Field("", max_length=2000)


class ReferralStatusIn(InputSchema):
    status: ReferralStatus
    reason: str = Field("", max_length=2000)


class ReferralStepOut(Schema):
    status: str
    reason: str
    changed_by: str
    changed_at: datetime


class CommunityReferralOut(Schema):
    id: int
    consumer_id: int
    service_id: UUID
    service_name: str
    need: str
    status: str
    status_reason: str
    sent_at: datetime
    updated_at: datetime


class CommunityReferralPage(Schema):
    count: int
    items: list[CommunityReferralOut]


class ReceiverHandoffOut(Schema):
    stay_id: int
    receiver_name: str
    sent_at: datetime
    task_status: str
    received_at: datetime | None


class ReceiverHandoffPage(Schema):
    count: int
    items: list[ReceiverHandoffOut]


class EducationIn(InputSchema):
    topic: str = Field(max_length=200)
    audience: EducationAudience
    method: EducationMethod
    materials: str = Field("", max_length=2000)
    materials_language: str = Field("", max_length=10, description="the consumer's when blank")
    teach_back: TeachBack
    given_at: RecentDatetime
    note: str = Field("", max_length=2000)


class EducationOut(Schema):
    id: int
    stay_id: int
    topic: str
    audience: str
    method: str
    materials: str
    materials_language: str
    teach_back: str
    note: str
    given_at: datetime
    given_by_id: int
    recorded_at: datetime


class EducationPage(Schema):
    count: int
    items: list[EducationOut]


class SequencingBarrierIn(InputSchema):
    item: SequencedItem
    description: str = Field(max_length=200)
    ordered_at: RecentDatetime
    expected_at: PlannedDatetime | None = None
    reason: BarrierReason
    note: str = Field("", max_length=2000)


class SequencingEscalationOut(Schema):
    level: int
    role: str
    response_hours: int
    opened_at: datetime
    due_at: datetime
    responded_at: datetime | None
    responder: str
    response: str
    lapsed_at: datetime | None


class SequencingBarrierOut(Schema):
    id: int
    stay_id: int
    consumer_id: int
    item: SequencedItem
    description: str
    ordered_at: datetime
    expected_at: datetime | None
    reason: BarrierReason
    note: str
    state: BarrierState
    level: int = Field(description="the level escalated to; 0 when not escalated")
    response_due_at: datetime | None = Field(
        None, description="when the current level must respond (the open clock)"
    )
    recorded_at: datetime
    resolved_at: datetime | None
    resolution: str
    escalations: list[SequencingEscalationOut] = Field(default_factory=list)


class SequencingBarrierPage(Schema):
    count: int
    items: list[SequencingBarrierOut]


class SequencingResponseIn(InputSchema):
    responder: str = Field(max_length=120, description="name and role of who responded")
    response: str = Field(max_length=2000)
    responded_at: RecentDatetime
    resolves: bool = False


class SequencingResolveIn(InputSchema):
    resolution: str = Field(max_length=2000)


class EscalationLevelOut(Schema):
    level: int
    role: str
    response_hours: int


class EscalationPathOut(Schema):
    default: bool = Field(description="true while the program uses the shipped default")
    levels: list[EscalationLevelOut]
