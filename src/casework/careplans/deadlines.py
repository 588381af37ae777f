"""Deadline kinds of this context (rows in core.Deadline; registered in `apps.py`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanDeadline(models.TextChoices):
    """Stored values: never change them."""

    GOAL_TARGET = "goal_target", _("Goal target date")
