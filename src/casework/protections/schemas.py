"""API schemas for protections (J1-J3)."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from casework.protections.rules import (
    ConsultationKind,
    IncidentKind,
    Party,
    ReportKind,
    Setting,
    VictimClass,
)
from casework.web.api import InputSchema, StaffRef, VersionIn
from casework.web.dates import RecentDatetime

LONG_TEXT = 20000


class ProtectionClockOut(Schema):
    kind: str
    state: str
    rule_code: str
    due_at: datetime
    escalation_level: int


class AbuseReportIn(InputSchema):
    kind: ReportKind
    victim_class: VictimClass
    setting: Setting
    state_code: str = Field(..., min_length=2, max_length=2, description="US state, e.g. CA")
    serious_injury: bool = False
    suspected_at: RecentDatetime
    description: str = Field(..., min_length=1, max_length=LONG_TEXT)


class AgencyReportIn(VersionIn):
    mode: Literal["oral", "written"]
    reported_at: RecentDatetime
    agency: str = Field(..., min_length=1, max_length=200)
    reference: str = Field("", max_length=100)


class ProtectionCloseIn(VersionIn):
    note: str = Field(..., min_length=1, max_length=LONG_TEXT)


class JurisdictionOut(Schema):
    id: int
    state: str
    reporter_class: str
    victim_class: str
    setting: str
    injury: str
    oral_amount: int
    oral_unit: str
    written_amount: int | None
    written_unit: str
    agency: str
    citation: str
    note: str
    sample: bool


class AbuseReportOut(Schema):
    id: int
    version: int
    consumer_id: int
    kind: ReportKind
    victim_class: VictimClass
    setting: Setting
    state_code: str
    serious_injury: bool
    suspected_at: datetime
    description: str
    rule: JurisdictionOut
    status: str
    oral_reported_at: datetime | None
    oral_reference: str
    written_reported_at: datetime | None
    written_reference: str
    reported_agency: str
    closed_at: datetime | None
    closure_note: str
    recorded_by: StaffRef
    clocks: list[ProtectionClockOut]


class IncidentIn(InputSchema):
    kind: IncidentKind
    occurred_at: RecentDatetime
    learned_at: RecentDatetime
    description: str = Field(..., min_length=1, max_length=LONG_TEXT)
    consumer_id: int | None = Field(None, description="the consumer involved, if any")
    staff_member_id: int | None = Field(None, description="the staff member affected")
    sharps_or_infectious: bool = False
    privacy_requested: bool = False


class IncidentStepIn(VersionIn):
    step: Literal["evaluation_offered", "written_opinion"]
    at: RecentDatetime


class OshaDecisionIn(VersionIn):
    recordable: bool
    reason: str = Field(..., min_length=1, max_length=300)


class IncidentOut(Schema):
    id: int
    version: int
    consumer_id: int | None
    kind: IncidentKind
    occurred_at: datetime
    learned_at: datetime
    description: str
    staff_member: StaffRef | None
    privacy_case: bool
    evaluation_offered_at: datetime | None
    written_opinion_at: datetime | None
    osha_recordable: bool | None
    osha_decided_at: datetime | None
    osha_reason: str
    status: str
    closed_at: datetime | None
    recorded_by: StaffRef
    clocks: list[ProtectionClockOut]


class EthicsConsultationIn(InputSchema):
    kind: ConsultationKind
    parties: list[Party] = Field(default_factory=list, max_length=5)
    question: str = Field(..., min_length=1, max_length=LONG_TEXT)
    routed_to: str = Field("", max_length=200)


class ConsultationCloseIn(VersionIn):
    recommendation: str = Field(..., min_length=1, max_length=LONG_TEXT)
    outcome: str = Field(..., min_length=1, max_length=LONG_TEXT)


class ConsultationOut(Schema):
    id: int
    version: int
    consumer_id: int
    kind: ConsultationKind
    parties: list[str]
    question: str
    routed_to: str
    recommendation: str
    outcome: str
    status: str
    requested_at: datetime
    closed_at: datetime | None
    recorded_by: StaffRef
    clocks: list[ProtectionClockOut]


class AbuseReportPage(Schema):
    count: int
    items: list[AbuseReportOut]


class IncidentPage(Schema):
    count: int
    items: list[IncidentOut]


class ConsultationPage(Schema):
    count: int
    items: list[ConsultationOut]
