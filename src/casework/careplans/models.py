"""The plan of care (E1-E5, F6): a plan per case and its immutable versions.

Each change to the plan writes a new `CarePlanVersion` with its own problems, goals,
interventions and barriers (author, time and reason on the version); rows of an earlier
version are never updated or deleted (`Immutable`). Goals and interventions keep a
stable `key` across versions, so progress entries follow a goal through revisions.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Immutable(models.Model):
    """A row written once: saving an existing row or deleting one is refused."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError(f"{type(self).__name__} rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{type(self).__name__} rows are immutable")


class CarePlan(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="care_plan")
    current = models.ForeignKey(
        "CarePlanVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"plan of case {self.case_id}"


class CarePlanVersion(Immutable):
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    reason = models.CharField(_("reason for the change"), max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="careplanversion_number"),
        ]

    def __str__(self) -> str:
        return f"version {self.number}"


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    CANCELLED = "cancelled", _("Cancelled")


class InterventionKind(models.TextChoices):
    EDUCATION = "education", _("Education")
    COORDINATION = "coordination", _("Coordination")
    REFERRAL = "referral", _("Referral")
    MONITORING = "monitoring", _("Monitoring")
    ADVOCACY = "advocacy", _("Advocacy")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanProblem(Immutable):
    plan_version = models.ForeignKey(
        CarePlanVersion, on_delete=models.PROTECT, related_name="problems"
    )
    key = models.CharField(max_length=40)
    need = models.ForeignKey(
        "assessments.Need", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("problem or need"), max_length=500)
    priority = models.PositiveSmallIntegerField(_("priority"))
    consumer_priority = models.PositiveSmallIntegerField(
        _("the consumer's priority"), null=True, blank=True
    )

    def __str__(self) -> str:
        return self.description


class PlanGoal(Immutable):
    plan_version = models.ForeignKey(
        CarePlanVersion, on_delete=models.PROTECT, related_name="goals"
    )
    problem = models.ForeignKey(PlanProblem, on_delete=models.PROTECT, related_name="goals")
    key = models.CharField(max_length=40)
    description = models.CharField(_("goal"), max_length=500)
    target_value = models.CharField(_("target value"), max_length=200, blank=True)
    observable_outcome = models.CharField(_("observable outcome"), max_length=500, blank=True)
    target_date = models.DateField(_("target date"))
    status = models.CharField(_("status"), max_length=14, choices=GoalStatus.choices)
    guideline = models.CharField(_("guideline reference"), max_length=500, blank=True)

    def __str__(self) -> str:
        return self.description


class PlanIntervention(Immutable):
    plan_version = models.ForeignKey(
        CarePlanVersion, on_delete=models.PROTECT, related_name="interventions"
    )
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="interventions")
    key = models.CharField(max_length=40)
    kind = models.CharField(_("type"), max_length=14, choices=InterventionKind.choices)
    description = models.CharField(_("intervention"), max_length=500)
    responsible = models.ForeignKey(
        "coordination.CareTeamMember", on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=InterventionStatus.choices)
    guideline = models.CharField(_("guideline reference"), max_length=500, blank=True)

    def __str__(self) -> str:
        return self.description


class PlanBarrier(Immutable):
    plan_version = models.ForeignKey(
        CarePlanVersion, on_delete=models.PROTECT, related_name="barriers"
    )
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="barriers")
    description = models.CharField(_("barrier"), max_length=500)

    def __str__(self) -> str:
        return self.description


class AgreementRole(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    LEGAL_DECISION_MAKER = "legal_decision_maker", _("Legal decision maker")
    FAMILY = "family", _("Family or caregiver")


class AgreementMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    WRITTEN = "written", _("Written signature")


class PlanAgreement(Immutable):
    """Who took part in and agreed to a plan version, how and when (E2)."""

    plan_version = models.ForeignKey(
        CarePlanVersion, on_delete=models.PROTECT, related_name="agreements"
    )
    agreed_by = models.CharField(_("who agreed"), max_length=200)
    role = models.CharField(_("as"), max_length=24, choices=AgreementRole.choices)
    method = models.CharField(_("how"), max_length=12, choices=AgreementMethod.choices)
    participants = models.CharField(_("who took part"), max_length=500)
    agreed_at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.agreed_by


class InformedChoice(Immutable):
    """The informed-choice discussion (E5): benefits, risks, costs and alternatives,
    including no treatment, as given to the consumer."""

    plan_version = models.ForeignKey(
        CarePlanVersion, on_delete=models.PROTECT, related_name="informed_choices"
    )
    topic = models.CharField(_("decision discussed"), max_length=300)
    benefits = models.TextField(_("benefits"))
    risks = models.TextField(_("risks"))
    costs = models.TextField(_("costs"))
    alternatives = models.TextField(_("alternatives, including no treatment"))
    consumer_choice = models.CharField(_("the consumer's choice"), max_length=500)
    discussed_at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.topic


class ProgressTrend(models.TextChoices):
    IMPROVING = "improving", _("Improving")
    NO_CHANGE = "no_change", _("No change")
    WORSENING = "worsening", _("Worsening")
    MET = "met", _("Target met")


class GoalProgress(Immutable):
    """A progress entry on a goal (F6), by the goal's stable key."""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="progress")
    goal_key = models.CharField(max_length=40)
    trend = models.CharField(_("trend"), max_length=10, choices=ProgressTrend.choices)
    value = models.CharField(_("measured value"), max_length=200, blank=True)
    note = models.TextField(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["plan", "goal_key"], name="progress_plan_goal")]

    def __str__(self) -> str:
        return f"{self.goal_key} {self.trend}"
