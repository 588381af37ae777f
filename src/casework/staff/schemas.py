"""API schemas for staff governance (A2-A8). Staff records only: no consumer data."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

from casework.core.us_states import state_code
from casework.staff.models import (
    AttestationKind,
    Credential,
    CredentialKind,
    CredentialStatus,
    DegreeLevel,
    VerificationOutcome,
    VerificationSource,
)
from casework.web.api import InputSchema, StaffRef, VersionIn, null_not_documented
from casework.web.dates import PastDate, PlannedDate, RecentDatetime


def _us_state(value: str) -> str:
    code = state_code(value)
    if code is None:
        raise PydanticCustomError(
            "us_state", "not a U.S. state or territory: give its two-letter code or its name"
        )
    return code


UsState = Annotated[str, Field(max_length=40), AfterValidator(_us_state)]

TEXT = 5000


class QualificationOut(Schema):
    code: str = Field(..., description="the Model Act paragraph, e.g. 3.1(a)")
    met: bool
    reasons: list[str]


class ReadinessOut(Schema):
    verified_credential: bool
    oriented: bool
    confidentiality_signed: bool
    weighted_load: Decimal
    limit: Decimal | None


class StaffOut(Schema):
    id: int
    username: str
    name: str
    role: str
    team_id: int | None


class StaffRecordOut(StaffOut):
    case_manager: list[QualificationOut] = Field(..., description="MA 3.1 (a) or (b)")
    case_manager_met: bool
    supervisor: list[QualificationOut] = Field(..., description="MA 3.2")
    supervisor_met: bool
    clinical: list[QualificationOut] = Field(..., description="MA 3.3")
    clinical_met: bool
    ce_hours_in_window: Decimal
    ce_required: Decimal
    ce_due_date: date
    job_description_gaps: list[str]
    readiness: ReadinessOut


class StaffPage(Schema):
    count: int
    items: list[StaffOut]


class CredentialIn(InputSchema):
    kind: CredentialKind
    credential_type: str = Field(..., min_length=1, max_length=60)
    state: UsState = Field("", description="USPS code or name of the issuing state: IL, Illinois")
    number: str = Field("", max_length=60)
    issuing_body: str = Field("", max_length=200)
    status: CredentialStatus = CredentialStatus.ACTIVE
    restricted: bool = False
    restrictions: str = Field("", max_length=TEXT)
    restriction_controls: str = Field("", max_length=TEXT)
    issued_date: PastDate | None = None
    expires_date: PlannedDate | None = None
    health_or_human_services: bool = True
    independent_assessment: bool = False
    advanced: bool = False
    clinical: bool = False
    case_manager_certification: bool = False
    clinical_specialty: bool = False
    board_certification: bool = False
    degree_level: DegreeLevel = DegreeLevel.NONE
    field_of_study: str = Field("", max_length=120)
    accredited: bool = False
    supervised_field_experience: bool = False
    ce_hours_required: Decimal | None = Field(None, ge=0, le=1000)


class CredentialPatch(VersionIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra=null_not_documented("expires_date"))

    status: CredentialStatus | None = None
    restricted: bool | None = None
    restrictions: str | None = Field(None, max_length=TEXT)
    restriction_controls: str | None = Field(None, max_length=TEXT)
    expires_date: PlannedDate | None = None
    number: str | None = Field(None, max_length=60)


class CredentialOut(Schema):
    id: int
    user_id: int
    kind: str
    credential_type: str
    state: str
    number: str
    status: str = Field(..., description="as recorded, or 'expired' once past its expiry date")
    restricted: bool
    expires_date: date | None
    version: int

    @staticmethod
    def resolve_status(obj: Credential) -> str:
        return obj.status_today


class VerificationIn(InputSchema):
    source: VerificationSource
    source_name: str = Field(..., min_length=1, max_length=200)
    verified_date: PastDate
    outcome: VerificationOutcome
    note: str = Field("", max_length=TEXT)


class VerificationOut(Schema):
    id: int
    credential_id: int
    source: str
    source_name: str
    verified_date: date
    outcome: str
    verifier: StaffRef


class CeIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    hours: Decimal = Field(..., gt=0, le=500)
    completed_date: PastDate


class IdOut(Schema):
    id: int


class CourseIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[-a-z0-9_]+$")
    title: str = Field(..., min_length=1, max_length=200)
    topics: list[str] = Field(..., description="Model Act 8.1a-8.1i and 10.1a-10.1h codes")
    orientation: bool = False
    recurrence_months: int = Field(0, ge=0, le=60)


class TrainingAssignIn(InputSchema):
    course_id: int
    due_date: PlannedDate


class TrainingCompleteIn(InputSchema):
    course_id: int
    completed_date: PastDate
    evidence: str = Field(..., min_length=1, max_length=300)


class AttestationIn(InputSchema):
    kind: AttestationKind
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=20000)


class AttestationOut(Schema):
    id: int
    kind: str
    version: int
    title: str
    published_at: datetime


class CorrectiveOut(Schema):
    id: int
    user_id: int
    credential_id: int | None
    reason: str
    owner_id: int | None
    status: str
    opened_at: datetime
    resolution: str
    version: int


class CorrectivePage(Schema):
    count: int
    items: list[CorrectiveOut]


class ResolveIn(VersionIn):
    resolution: str = Field(..., min_length=1, max_length=TEXT)


class DeadlineOut(Schema):
    id: int
    kind: str
    owner_id: int | None
    subject_type: str
    subject_id: int
    due_at: datetime
    state: str


class DeadlinePage(Schema):
    count: int
    items: list[DeadlineOut]


class JobDescriptionIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=120)
    role: str = Field(..., max_length=30)
    required_education: str = Field(..., min_length=1, max_length=TEXT)
    required_degree_level: DegreeLevel = DegreeLevel.NONE
    competencies: str = Field(..., min_length=1, max_length=TEXT)
    licensure: str = Field(..., min_length=1, max_length=TEXT)
    requires_license: bool = False
    requires_case_manager_certification: bool = False
    scope: str = Field(..., min_length=1, max_length=TEXT)


class GuidelineIn(InputSchema):
    max_weighted_load: Decimal = Field(..., gt=0, le=1000)
    rationale: str = Field(..., min_length=1, max_length=TEXT)


class GuidelineOut(Schema):
    id: int
    role: str
    max_weighted_load: Decimal
    rationale: str
    version: int


class CaseloadOut(Schema):
    user: StaffRef
    weighted_load: Decimal
    limit: Decimal | None


class DashboardOut(Schema):
    staff: int
    credential_compliance_rate: int
    credential_noncompliant: list[int]
    training_completion_rate: int
    untrained: list[int]
    attestations_outstanding: list[int]
    caseloads: list[CaseloadOut]


class ConsultationIn(InputSchema):
    director_id: int
    occurred_at: RecentDatetime
    topic: str = Field(..., min_length=1, max_length=200)
    summary: str = Field(..., min_length=1, max_length=TEXT)


class SuggestionOut(Schema):
    user: StaffRef
    weighted_load: Decimal
    limit: Decimal | None


class ProfileIn(InputSchema):
    version: int | None = Field(None, ge=1, description="the version you read; omit to create")
    job_description_id: int | None = None
    hired_date: PastDate
    state_requires_licensure: bool = True
    case_manager_years: Decimal = Field(Decimal(0), ge=0, le=80)
    supervision_years: Decimal = Field(Decimal(0), ge=0, le=80)
    post_graduate_direct_care: bool = False
    oversight_qualified: bool = False
    physician: bool = Field(
        False, description="M.D. or D.O. (board certification required, 3.3(d))"
    )


class ProfileOut(Schema):
    id: int
    user_id: int
    job_description_id: int | None
    hired_date: date
    state_requires_licensure: bool
    case_manager_years: Decimal
    supervision_years: Decimal
    post_graduate_direct_care: bool
    oversight_qualified: bool
    physician: bool
    clinical_director: bool
    version: int


class MfaResetIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=TEXT)


class MfaResetOut(Schema):
    id: int
    person_id: int
    status: str
    requested_by_id: int
    decided_by_id: int | None
    authenticators_removed: int
