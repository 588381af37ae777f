"""API schemas for instruments, assessment responses, needs and triggers (D1-D4)."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from casework.assessments.models import AssessmentResponse, NeedKind, NeedStatus
from casework.coordination.rules import PART2_NOTICE, security_labels
from casework.web.api import InputSchema, StaffRef, VersionIn

Answer = str | int | list[str]


class InstrumentOut(Schema):
    id: int
    code: str
    version: str
    title: str
    source: str


class InstrumentPage(Schema):
    count: int
    items: list[InstrumentOut]


class AssessmentIn(InputSchema):
    instrument: str = Field(..., max_length=60, description="the code of a current instrument")
    answers: dict[str, Answer] = Field(
        ..., description="question id → option code, list of codes, whole number or text"
    )
    participants: str = Field(..., min_length=1, max_length=300)
    language: str = Field("en", max_length=20)
    interpreter_used: bool = False
    part2: bool = Field(
        False,
        description=(
            "a substance-use-disorder record under 42 CFR Part 2: shown only to its assessor "
            "and the roles the consumer's Part 2 consent names (always set for an instrument "
            "marked Part 2)"
        ),
    )


class AssessmentOut(Schema):
    id: int
    case_id: int
    instrument: InstrumentOut
    answers: dict[str, Any]
    total_score: int | None
    band: str
    urgent: bool
    result: dict[str, Any] = Field(..., description="total, band, domain screens, urgent flags")
    participants: str
    language: str
    interpreter_used: bool
    administered_by: StaffRef
    administered_at: datetime
    part2: bool = Field(description="a substance-use-disorder record (42 CFR Part 2)")
    security_labels: list[str] = Field(
        description="HL7 security labels: R and ETH on a Part 2 record (DS4P)"
    )
    redisclosure_notice: str | None = Field(
        description="the 42 CFR 2.32 notice that accompanies every Part 2 record"
    )

    @staticmethod
    def resolve_security_labels(obj: AssessmentResponse) -> list[str]:
        return security_labels(part2=obj.part2)

    @staticmethod
    def resolve_redisclosure_notice(obj: AssessmentResponse) -> str | None:
        return PART2_NOTICE if obj.part2 else None


class AssessmentPage(Schema):
    count: int
    items: list[AssessmentOut]


class NeedIn(InputSchema):
    kind: NeedKind
    description: str = Field(..., min_length=1, max_length=500)
    domain: str = Field("", max_length=40)
    acuity: int | None = Field(None, ge=1, le=3, description="1 high, 2 medium, 3 low")
    consumer_priority: int | None = Field(None, ge=1, le=99)


class NeedDecideIn(VersionIn):
    status: Literal["confirmed", "dismissed"]
    acuity: int | None = Field(None, ge=1, le=3)
    consumer_priority: int | None = Field(None, ge=1, le=99)


class NeedOut(Schema):
    id: int
    version: int
    case_id: int
    kind: NeedKind
    domain: str
    description: str
    status: NeedStatus
    acuity: int | None
    consumer_priority: int | None
    source_response_id: int | None
    created_at: datetime


class NeedPage(Schema):
    count: int
    items: list[NeedOut]


class TriggerIn(InputSchema):
    kind: Literal["condition_change", "transition_of_care"]
    detail: str = Field(..., min_length=1, max_length=2000)


class TriggerOut(Schema):
    work_item_id: int
