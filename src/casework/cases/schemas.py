"""API schemas for referrals, cases, notices, consent, closure and reassignment."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from casework.cases.models import (
    Acknowledgement,
    CaseState,
    ClosureReason,
    Complexity,
    ConsentDecision,
    ConsentGivenBy,
    ConsentMethod,
    DeliveryMethod,
    NoticeKind,
    RecipientType,
    ReferralSource,
    Severity,
)
from casework.consumers.rules import DuplicateDecision
from casework.consumers.schemas import LONG_TEXT, ConsumerIn
from casework.web.api import InputSchema, StaffRef, VersionIn
from casework.web.dates import RecentDatetime

NAME = 200


class ConsumerRef(Schema):
    id: int
    given_name: str
    family_name: str
    birth_date: date
    mrn: str


class ReferralOut(Schema):
    id: int
    source: ReferralSource
    referrer_name: str
    referrer_organization: str
    referrer_contact: str
    reason: str
    received_at: datetime


class CaseOut(Schema):
    id: int
    version: int = Field(..., description="send it back with the next change")
    program_id: int
    consumer: ConsumerRef
    referral: ReferralOut
    state: CaseState
    complexity: Complexity
    severity: Severity
    assigned_to: StaffRef | None
    team_id: int | None
    opened_at: datetime
    engaged_at: datetime | None
    activated_at: datetime | None
    ended_at: datetime | None
    closure_reason: ClosureReason | Literal[""]
    closure_summary: str
    closure_instructions: str


class CaseSummaryOut(Schema):
    id: int
    version: int
    consumer: ConsumerRef
    state: CaseState
    complexity: Complexity
    assigned_to: StaffRef | None
    team_id: int | None
    opened_at: datetime
    ended_at: datetime | None


class WorklistCaseOut(CaseSummaryOut):
    open_items: int = Field(..., description="open work items")
    overdue_items: int = Field(..., description="open work items past their due time")


class WorklistPage(Schema):
    count: int
    items: list[WorklistCaseOut]


class CaseSummaryPage(Schema):
    count: int
    items: list[CaseSummaryOut]


class CaseFilters(Schema):
    scope: Literal["mine", "team"] = Field(
        "mine", description="mine: cases assigned to you; team: cases of teams you supervise"
    )
    state: list[CaseState] = Field(
        default_factory=list, description="repeat to filter by several; default: open states"
    )


class IntakeIn(InputSchema):
    """A referral: for an existing consumer (`consumer_id`) or a new one (`consumer`)."""

    consumer_id: int | None = Field(None, description="a consumer you already reach")
    consumer: ConsumerIn | None = Field(None, description="a new consumer")
    source: ReferralSource
    reason: str = Field(..., min_length=1, max_length=LONG_TEXT)
    received_at: RecentDatetime
    referrer_name: str = Field("", max_length=NAME, description="required unless a self-referral")
    referrer_organization: str = Field("", max_length=NAME)
    referrer_contact: str = Field("", max_length=NAME)
    complexity: Complexity = Complexity.MODERATE
    severity: Severity = Field(
        Severity.MODERATE, description="with complexity, weights the caseload (MA 5.1(n))"
    )
    assign_to: int | None = Field(
        None, description="supervisors: a case manager on your team (default: unassigned)"
    )
    override_reason: str = Field(
        "",
        max_length=2000,
        description="supervisors: why to assign despite the staff gate's refusal (audited)",
    )
    external_key: str | None = Field(
        None, min_length=1, max_length=200, description="idempotency key of an importing client"
    )
    duplicate_decision: DuplicateDecision | None = Field(
        None,
        description=(
            "after a 422 on duplicate_decision (a likely duplicate of consumers you work"
            " with): `different` creates a new consumer; `same` with `consumer_id` refers"
            " the existing one"
        ),
    )


class NoticeIn(InputSchema):
    kind: NoticeKind = Field(..., description="closure notices are recorded when closing")
    method: DeliveryMethod
    delivered_at: RecentDatetime
    acknowledgement: Acknowledgement
    language: str = Field("", max_length=20, description="default: the consumer's language")
    recipient_type: RecipientType = RecipientType.CONSUMER
    recipient_name: str = Field("", max_length=NAME)
    interpreter_used: bool = False
    good_faith_note: str = Field(
        "",
        max_length=LONG_TEXT,
        description="required when acknowledgement is a good-faith attempt",
    )


class NoticeOut(Schema):
    id: int
    case_id: int
    kind: NoticeKind
    recipient_type: RecipientType
    recipient_name: str
    method: DeliveryMethod
    language: str
    interpreter_used: bool
    delivered_at: datetime
    acknowledgement: Acknowledgement
    good_faith_note: str
    recorded_by: StaffRef
    recorded_at: datetime


class NoticePage(Schema):
    count: int
    items: list[NoticeOut]


class ConsentIn(InputSchema):
    decision: ConsentDecision
    method: ConsentMethod
    decided_at: RecentDatetime
    given_by: ConsentGivenBy = ConsentGivenBy.CONSUMER
    surrogate: int | None = Field(
        None, description="the support person who is the legal decision maker"
    )
    scope: str = Field("Case management services", min_length=1, max_length=300)
    evidence: str = Field("", max_length=LONG_TEXT)


class ConsentOut(Schema):
    id: int
    case_id: int
    decision: ConsentDecision
    given_by: ConsentGivenBy
    surrogate_id: int | None
    scope: str
    method: ConsentMethod
    decided_at: datetime
    evidence: str
    recorded_by: StaffRef
    recorded_at: datetime


class ConsentPage(Schema):
    count: int
    items: list[ConsentOut]


class WithdrawIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=2000)


class ConsumerNoticeIn(InputSchema):
    method: DeliveryMethod
    delivered_at: RecentDatetime
    recipient_type: Literal["consumer", "legal_decision_maker"] = "consumer"
    recipient_name: str = Field("", max_length=NAME)
    language: str = Field("", max_length=20)


class ProviderNoticeIn(InputSchema):
    method: DeliveryMethod
    delivered_at: RecentDatetime
    recipient_name: str = Field(..., min_length=1, max_length=NAME)


class CloseIn(VersionIn):
    reason: ClosureReason
    instructions: str = Field(
        ..., min_length=1, max_length=LONG_TEXT, description="where to go if things change"
    )
    summary: str = Field("", max_length=LONG_TEXT)
    consumer_notice: ConsumerNoticeIn
    provider_notices: list[ProviderNoticeIn] = Field(default_factory=list, max_length=50)
    no_providers_involved: bool = Field(
        False, description="true when no outside provider is on the care team"
    )


class ReassignIn(VersionIn):
    assign_to: int = Field(..., description="an active case manager on a team you supervise")
    reason: str = Field(..., min_length=1, max_length=300)
    override_reason: str = Field(
        "",
        max_length=2000,
        description="why to assign despite the staff gate's refusal (audited)",
    )
    keep_on_care_team_as: str = Field(
        "",
        max_length=100,
        description=(
            "keep the previous case manager on the care team in this other role (they keep"
            " access to the record); empty: their relationship with the consumer ends"
        ),
    )
