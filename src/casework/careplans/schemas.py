"""API schemas for the plan of care (E1-E5, F6)."""

from datetime import date, datetime

from ninja import Field, Schema

from casework.careplans.models import (
    AgreementMethod,
    AgreementRole,
    GoalStatus,
    InterventionKind,
    InterventionStatus,
    ProgressTrend,
)
from casework.web.api import InputSchema, StaffRef
from casework.web.dates import PlannedDate, RecentDatetime

KEY = Field(..., min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
TEXT = 500


class ProblemIn(InputSchema):
    key: str = KEY
    description: str = Field(..., max_length=TEXT)
    priority: int = Field(..., ge=1, le=3, description="1 high, 2 medium, 3 low")
    consumer_priority: int | None = Field(None, ge=1, le=99)
    need_id: int | None = Field(None, description="the confirmed need this problem comes from")


class GoalIn(InputSchema):
    key: str = KEY
    problem_key: str = Field(..., max_length=40)
    description: str = Field(..., max_length=TEXT)
    target_date: PlannedDate | None = None
    target_value: str = Field("", max_length=200)
    observable_outcome: str = Field("", max_length=TEXT)
    status: GoalStatus = GoalStatus.ACTIVE
    guideline: str = Field("", max_length=TEXT, description="evidence-based guideline reference")


class InterventionIn(InputSchema):
    key: str = KEY
    goal_key: str = Field(..., max_length=40)
    kind: InterventionKind
    description: str = Field(..., max_length=TEXT)
    responsible: int | None = Field(None, description="a care-team member id")
    due_date: PlannedDate | None = None
    status: InterventionStatus = InterventionStatus.PLANNED
    guideline: str = Field("", max_length=TEXT)


class BarrierIn(InputSchema):
    goal_key: str = Field(..., max_length=40)
    description: str = Field(..., max_length=TEXT)


class PlanRevisionIn(InputSchema):
    """The whole plan as it should now be; it becomes a new version."""

    version: int | None = Field(
        ..., ge=1, description="the plan's version you read; null when there is no plan yet"
    )
    reason: str = Field(
        "",
        max_length=TEXT,
        description="why the plan changes: required (422 on `reason`) when the change "
        "alters agreed content (problems, goals and their targets, interventions, their "
        "responsible parties and due dates); optional for statuses, guideline references "
        "and barriers",
    )
    problems: list[ProblemIn] = Field(..., max_length=50)
    goals: list[GoalIn] = Field(..., max_length=200)
    interventions: list[InterventionIn] = Field(..., max_length=500)
    barriers: list[BarrierIn] = Field([], max_length=200)


class MemberRef(Schema):
    id: int
    name: str
    role: str
    organization: str


class InterventionOut(Schema):
    key: str
    kind: InterventionKind
    description: str
    responsible: MemberRef
    due_date: date
    status: InterventionStatus
    guideline: str


class ProgressOut(Schema):
    trend: ProgressTrend
    value: str
    note: str
    recorded_at: datetime


class GoalOut(Schema):
    key: str
    description: str
    target_value: str
    observable_outcome: str
    target_date: date
    status: GoalStatus
    guideline: str
    interventions: list[InterventionOut]
    barriers: list[str]
    progress: list[ProgressOut]


class ProblemOut(Schema):
    key: str
    description: str
    priority: int
    consumer_priority: int | None
    need_id: int | None
    part2: bool = Field(
        description="started from a need a 42 CFR Part 2 record suggested: listed only to "
        "a caller the consumer's Part 2 consent covers"
    )
    redisclosure_notice: str | None = Field(
        description="the 42 CFR 2.32 notice that accompanies every Part 2 record"
    )
    goals: list[GoalOut]


class AgreementOut(Schema):
    agreed_by: str
    role: AgreementRole
    method: AgreementMethod
    participants: str
    agreed_at: datetime


class InformedChoiceOut(Schema):
    topic: str
    benefits: str
    risks: str
    costs: str
    alternatives: str
    consumer_choice: str
    discussed_at: datetime


class PlanOut(Schema):
    plan_id: int
    version: int = Field(..., description="send this back to revise (optimistic concurrency)")
    number: int = Field(..., description="the plan version shown")
    current_number: int
    reason: str
    author: StaffRef
    created_at: datetime
    problems: list[ProblemOut]
    agreements: list[AgreementOut]
    informed_choices: list[InformedChoiceOut]


class AgreementIn(InputSchema):
    plan_version: int = Field(..., ge=1, description="the number of the version agreed to")
    agreed_by: str = Field(..., min_length=1, max_length=200)
    role: AgreementRole
    method: AgreementMethod
    participants: str = Field(..., min_length=1, max_length=TEXT)
    agreed_at: RecentDatetime


class InformedChoiceIn(InputSchema):
    plan_version: int = Field(..., ge=1)
    topic: str = Field(..., min_length=1, max_length=300)
    benefits: str = Field(..., min_length=1, max_length=4000)
    risks: str = Field(..., min_length=1, max_length=4000)
    costs: str = Field(..., min_length=1, max_length=4000)
    alternatives: str = Field(
        ..., min_length=1, max_length=4000, description="must include no treatment"
    )
    consumer_choice: str = Field(..., min_length=1, max_length=TEXT)
    discussed_at: RecentDatetime


class ProgressIn(InputSchema):
    goal_key: str = Field(..., max_length=40)
    trend: ProgressTrend
    value: str = Field("", max_length=200)
    note: str = Field(..., min_length=1, max_length=4000)


class CreatedOut(Schema):
    id: int
