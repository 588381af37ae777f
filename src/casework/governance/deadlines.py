"""Governance clocks (rows in core.Deadline): the right-of-access clock (core.clocks) and
each register entry's review date."""

from django.db import models
from django.utils.translation import gettext_lazy as _

ACCESS_SUBJECT = "access_request"
REQUIREMENT_SUBJECT = "compliance_requirement"


class GovernanceDeadline(models.TextChoices):
    """Deadline kinds of this context (stored values: never change)."""

    ACCESS_RESPOND = "access_request_respond", _("Answer the access request")
    REQUIREMENT_REVIEW = "compliance_review", _("Review the compliance requirement")


PAGES = {
    GovernanceDeadline.ACCESS_RESPOND: "governance_access_request",
    GovernanceDeadline.REQUIREMENT_REVIEW: "governance_requirement",
}
