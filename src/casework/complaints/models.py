"""Complaints and grievances (K1): received from any channel, acknowledged, investigated,
resolved within the limit of the consumer's coverage, closed with a letter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.complaints.rules import (
    Category,
    ComplaintChannel,
    ComplaintKind,
    ComplaintSeverity,
    ComplaintState,
    CoverageType,
    Outcome,
)

CHANNEL_LABELS = {
    ComplaintChannel.PHONE: _("Phone"),
    ComplaintChannel.MAIL: _("Mail"),
    ComplaintChannel.EMAIL: _("E-mail"),
    ComplaintChannel.PORTAL: _("Portal"),
    ComplaintChannel.IN_PERSON: _("In person"),
}
KIND_LABELS = {ComplaintKind.GRIEVANCE: _("Grievance"), ComplaintKind.APPEAL: _("Appeal")}
CATEGORY_LABELS = {
    Category.QUALITY_OF_CARE: _("Quality of care"),
    Category.ACCESS: _("Access or timeliness"),
    Category.COMMUNICATION: _("Communication"),
    Category.STAFF_CONDUCT: _("Staff conduct"),
    Category.PRIVACY: _("Privacy"),
    Category.DISCRIMINATION: _("Discrimination"),
    Category.BILLING: _("Billing"),
    Category.CARE_OPTIONS: _("Disagreement about care options"),
    Category.OTHER: _("Other"),
}
SEVERITY_LABELS = {
    ComplaintSeverity.LOW: _("Low"),
    ComplaintSeverity.MEDIUM: _("Medium"),
    ComplaintSeverity.HIGH: _("High"),
}
COVERAGE_LABELS = {
    CoverageType.MEDICAID_MANAGED_CARE: _("Medicaid managed care"),
    CoverageType.MEDICARE_ADVANTAGE: _("Medicare Advantage"),
    CoverageType.ERISA: _("Employer group health plan (ERISA)"),
    CoverageType.PROGRAM_POLICY: _("Program policy (no payer rule)"),
}
STATE_LABELS = {
    ComplaintState.RECEIVED: _("Received"),
    ComplaintState.ACKNOWLEDGED: _("Acknowledged"),
    ComplaintState.RESOLVED: _("Resolved"),
    ComplaintState.WITHDRAWN: _("Withdrawn"),
}
OUTCOME_LABELS = {
    Outcome.UPHELD: _("Upheld"),
    Outcome.PARTLY_UPHELD: _("Partly upheld"),
    Outcome.NOT_UPHELD: _("Not upheld"),
}


def choices(labels: dict) -> list[tuple[str, object]]:  # type: ignore[type-arg]
    return [(str(key), label) for key, label in labels.items()]


class ComplaintPolicy(models.Model):
    """A program's complaint policy: its own limits and the named reviewer of
    disagreements about care options (K1)."""

    program = models.OneToOneField(
        "core.Program", on_delete=models.CASCADE, related_name="complaint_policy"
    )
    acknowledge_business_days = models.PositiveSmallIntegerField(
        _("acknowledge within (business days)"), default=5
    )
    resolve_days = models.PositiveSmallIntegerField(_("resolve within (calendar days)"), default=30)
    expedited_hours = models.PositiveSmallIntegerField(
        _("expedited: resolve within (hours)"), default=72
    )
    care_options_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer of disagreements about care options"),
    )

    def __str__(self) -> str:
        return f"complaint policy of {self.program_id}"


class Complaint(models.Model):
    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, related_name="complaints"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=choices(KIND_LABELS))
    channel = models.CharField(_("received by"), max_length=12, choices=choices(CHANNEL_LABELS))
    received_at = models.DateTimeField(_("received at"))
    complainant = models.CharField(_("who complained"), max_length=200)
    complainant_relationship = models.CharField(_("relationship to the consumer"), max_length=100)
    about = models.TextField(_("what it is about"))
    category = models.CharField(_("category"), max_length=20, choices=choices(CATEGORY_LABELS))
    severity = models.CharField(_("severity"), max_length=10, choices=choices(SEVERITY_LABELS))
    coverage = models.CharField(_("coverage"), max_length=30, choices=choices(COVERAGE_LABELS))
    expedited = models.BooleanField(_("expedited"), default=False)
    expedite_reason = models.CharField(_("why expedited"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=choices(STATE_LABELS), default=ComplaintState.RECEIVED
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named reviewer"),
    )
    rule_code = models.CharField(max_length=20)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_method = models.CharField(max_length=12, blank=True)
    extension_notice_sent_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=choices(OUTCOME_LABELS), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["program", "state"], name="complaint_program_state"),
            models.Index(fields=["consumer"], name="complaint_consumer"),
        ]

    def __str__(self) -> str:
        return f"complaint {self.pk}"


class ComplaintNote(models.Model):
    """An investigation note."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"note {self.pk} on complaint {self.complaint_id}"
