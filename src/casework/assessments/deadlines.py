"""Deadline kinds of this context (rows in core.Deadline; registered in `apps.py`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentDeadline(models.TextChoices):
    """Stored values: never change them."""

    REASSESSMENT_DUE = "reassessment_due", _("Reassessment due")
