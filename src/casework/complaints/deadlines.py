"""Complaint clocks (rows in core.Deadline, run by core.clocks)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SUBJECT = "complaint"


class ComplaintDeadline(models.TextChoices):
    """Deadline kinds of this context (stored values: never change)."""

    ACKNOWLEDGE = "complaint_acknowledge", _("Acknowledge the complaint")
    RESOLVE = "complaint_resolve", _("Resolve the complaint")
    EXTENSION_NOTICE = "complaint_extension_notice", _("Send the extension notice")
