"""API shapes for stays and FHIR Encounter (R4)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from casework.stays.models import Stay
from casework.stays.rules import StayClass
from casework.web.api import InputSchema
from casework.web.dates import PastDate, PlannedDate, RecentDatetime


class UnitOut(Schema):
    id: int
    code: str
    name: str


class StayOut(Schema):
    id: int
    consumer_id: int
    case_id: int | None
    visit_number: str
    stay_class: str
    state: str
    admitted_at: datetime
    inpatient_at: datetime | None
    admission_order_at: datetime | None
    discharged_at: datetime | None
    expected_discharge_date: date | None
    unit: UnitOut | None
    bed: str
    attending: str
    admitting_diagnosis: str
    payer: str
    plan: str
    medicare: bool
    drg: str
    drg_table_version: str
    version: int


class CensusRowOut(StayOut):
    next_due_at: datetime | None = Field(None, description="the earliest open clock")


class CensusPage(Schema):
    count: int
    items: list[CensusRowOut]


class CensusQuery(Schema):
    unit_id: int | None = Field(None, ge=1)
    stay_class: StayClass | None = None
    payer: str = Field("", max_length=100)
    reviewer_id: int | None = Field(None, ge=1)
    sort: Literal["due", "admitted", "-admitted", "name", "unit", "class"] = "due"


class StayIn(InputSchema):
    consumer_id: int = Field(..., ge=1)
    visit_number: str = Field(..., min_length=1, max_length=40)
    stay_class: StayClass
    admitted_at: RecentDatetime
    unit_id: int | None = Field(None, ge=1)
    bed: str = Field("", max_length=20)
    attending: str = Field("", max_length=120)
    admitting_diagnosis: str = Field("", max_length=200)
    payer: str = Field("", max_length=100)
    plan: str = Field("", max_length=100)
    medicare: bool = False
    admission_order_at: RecentDatetime | None = None
    expected_discharge_date: PlannedDate | None = None
    drg: str = Field("", max_length=4)


class TransferIn(InputSchema):
    unit_id: int | None = Field(None, ge=1)
    bed: str = Field("", max_length=20)
    at: RecentDatetime


class DischargeIn(InputSchema):
    at: RecentDatetime


class EncounterIn(Schema):
    """A FHIR R4 Encounter (the fields we read; others are ignored)."""

    resourceType: Literal["Encounter"]
    status: Literal["planned", "arrived", "in-progress", "finished", "cancelled"]
    class_: dict[str, Any] = Field(..., alias="class")
    subject: dict[str, Any]
    identifier: list[dict[str, Any]] = Field(default_factory=list)
    period: dict[str, Any] = Field(default_factory=dict)
    location: list[dict[str, Any]] = Field(default_factory=list)
    reasonCode: list[dict[str, Any]] = Field(default_factory=list)
    meta: dict[str, Any] | None = None
    id: str | None = None


def stay_out(stay: Stay) -> dict[str, Any]:
    return StayOut.from_orm(stay).dict()


class ReviewIn(InputSchema):
    kind: Literal["admission", "continued_stay"]
    results: dict[str, bool] = Field(..., description="criterion id → met")
    notes: str = Field("", max_length=4000)
    licensed_product: str = Field("", max_length=60)
    licensed_version: str = Field("", max_length=20)
    licensed_result: str = Field("", max_length=60)
    two_midnight_expected: bool | None = None
    inpatient_only: bool | None = None
    refer: bool = Field(False, description="send to the physician advisor even when met")
    question: str = Field("", max_length=2000)


class ReviewOut(Schema):
    id: int
    stay_id: int
    kind: str
    criteria_set: str
    criteria_version: str
    subset: str
    results: dict[str, bool]
    outcome: str
    licensed_product: str
    licensed_version: str
    licensed_result: str
    two_midnight_expected: bool | None
    inpatient_only: bool | None
    reviewer_id: int
    reviewed_at: datetime
    next_review_due_at: datetime | None


class ReviewPage(Schema):
    count: int
    items: list[ReviewOut]


class StayAttestationIn(InputSchema):
    involved_in_care: bool
    financial_interest: bool


class DecisionIn(InputSchema):
    determination: Literal["necessary", "not_necessary"]
    rationale: str = Field(..., min_length=1, max_length=4000)
    attestation: StayAttestationIn
    attending_view: Literal["not_consulted", "concurs", "no_view", "disagrees"]
    peer_to_peer: str = Field("", max_length=4000)
    second_reviewer: int | None = Field(None, ge=1)
    second_attestation: StayAttestationIn | None = None


class AdvisorReferralOut(Schema):
    id: int
    stay_id: int
    review_id: int
    state: str
    referred_at: datetime
    due_at: datetime
    determination: str
    rationale: str
    attending_view: str
    peer_to_peer: str
    advisor_id: int | None
    second_reviewer_id: int | None
    decided_at: datetime | None
    notice_due_at: datetime | None


class ReferralPage(Schema):
    count: int
    items: list[AdvisorReferralOut]


class ClassChangeIn(InputSchema):
    stay_class: StayClass
    at: RecentDatetime
    attending_concurrence_documented: bool = Field(
        False, description="Condition Code 44: the attending's concurrence is in the record"
    )


class MedicareNoticeIn(InputSchema):
    kind: Literal["im_initial", "im_follow_up", "moon"]
    delivered_at: RecentDatetime
    response: Literal["signed", "refused"]
    signer: str = Field("", max_length=200)
    staff_name: str = Field("", max_length=200)
    staff_title: str = Field("", max_length=100)
    certified: bool = False
    oral_explained: bool = False
    language: Literal["en", "es"] = "en"


class MedicareNoticeOut(Schema):
    id: int
    stay_id: int
    kind: str
    delivered_at: datetime
    response: str
    signer: str
    staff_name: str
    staff_title: str
    certified: bool
    oral_explained: bool
    language: str
    timely: bool
    recorded_at: datetime


class AvoidableDayIn(InputSchema):
    start_date: PastDate = Field(..., description="first avoidable day (facility local date)")
    end_date: PastDate = Field(..., description="last avoidable day, included")
    category: str = Field(..., min_length=1, max_length=40)
    reason: str = Field(..., min_length=1, max_length=10, description="a reason code")
    responsible_party: str = Field(..., min_length=1, max_length=120)
    note: str = Field("", max_length=4000)
    medically_ready_at: RecentDatetime | None = None


class AvoidableDayOut(Schema):
    id: int
    stay_id: int
    start_date: date
    end_date: date
    days: int
    medically_ready_at: datetime | None
    taxonomy: str
    category: str
    reason: str
    responsible_party: str
    note: str
    unit_id: int | None
    payer: str
    attending: str
    recorded_by_id: int
    recorded_at: datetime


class AvoidableDayPage(Schema):
    count: int
    items: list[AvoidableDayOut]


class AvoidableReportQuery(Schema):
    by: Literal["category", "reason", "unit", "payer", "physician", "week"] = "category"
    start: PastDate | None = Field(None, description="spans starting on or after this day")
    end: PastDate | None = Field(None, description="spans starting on or before this day")


class AvoidableReportRowOut(Schema):
    key: str
    label: str
    days: int
    spans: int


class AvoidableReportOut(Schema):
    by: str
    taxonomy: str
    total_days: int
    rows: list[AvoidableReportRowOut]


class StayDocumentOut(Schema):
    id: int
    stay_id: int
    title: str
    kind: str
    media_type: str
    size: int
    sha256: str
    uploaded_by_id: int
    uploaded_at: datetime


class StayDocumentPage(Schema):
    count: int
    items: list[StayDocumentOut]
