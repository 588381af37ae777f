"""Protection clocks (rows in core.Deadline, run by core.clocks)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtectionDeadline(models.TextChoices):
    """Deadline kinds of this context (stored values: never change)."""

    ORAL_REPORT = "abuse_oral_report", _("Report to the agency (oral)")
    WRITTEN_REPORT = "abuse_written_report", _("Report to the agency (written)")
    EVALUATION = "incident_evaluation", _("Offer post-exposure evaluation")
    WRITTEN_OPINION = "incident_written_opinion", _("Give the written opinion")
    OSHA_DECISION = "incident_osha_decision", _("Decide OSHA recordability")
    ETHICS_REVIEW = "ethics_review", _("Ethics committee review")


SUBJECTS = {"abuse_report", "incident", "ethics_consultation"}
