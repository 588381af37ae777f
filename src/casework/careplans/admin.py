"""Admin for the plan of care: read-only and audited (plans change through services)."""

from django.contrib import admin

from casework.careplans.models import (
    CarePlan,
    CarePlanVersion,
    GoalProgress,
    InformedChoice,
    PlanAgreement,
    PlanBarrier,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
)
from casework.core.admin import AuditedReadAdmin


@admin.register(CarePlan)
class CarePlanAdmin(AuditedReadAdmin):
    consumer_path = "case__consumer_id"
    list_display = ["id", "case_id", "current", "version"]


@admin.register(CarePlanVersion)
class CarePlanVersionAdmin(AuditedReadAdmin):
    consumer_path = "plan__case__consumer_id"
    list_display = ["id", "plan_id", "number", "author", "created_at"]


@admin.register(GoalProgress)
class GoalProgressAdmin(AuditedReadAdmin):
    consumer_path = "plan__case__consumer_id"
    list_display = ["id", "plan_id", "goal_key", "trend", "recorded_at"]


class VersionPartAdmin(AuditedReadAdmin):
    consumer_path = "plan_version__plan__case__consumer_id"
    list_display = ["id", "plan_version_id", "__str__"]


for model in (
    PlanProblem,
    PlanGoal,
    PlanIntervention,
    PlanBarrier,
    PlanAgreement,
    InformedChoice,
):
    admin.site.register(model, VersionPartAdmin)
