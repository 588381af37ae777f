"""Records governance (N4, N6, S28, S29, S42): the retention schedule, legal holds,
destruction certificates, disclosures, right-of-access requests and the compliance
register."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.governance.rules import (
    AccessFormat,
    AccessRequestState,
    DisclosureAuthority,
    DisclosureChannel,
    RecordType,
    RequirementKind,
)

RECORD_TYPE_LABELS = {
    RecordType.COMMUNICATION: _("Communications"),
    RecordType.COMPLAINT: _("Resolved complaints"),
    RecordType.DISCLOSURE: _("Disclosures"),
    RecordType.ACCESS_REQUEST: _("Access requests"),
    RecordType.AUDIT_EVENT: _("Audit events"),
    RecordType.CASE: _("Ended cases, as whole records"),
}
AUTHORITY_LABELS = {
    DisclosureAuthority.REQUIRED_BY_LAW: _("Required by law (164.512(a))"),
    DisclosureAuthority.PUBLIC_HEALTH: _("Public health (164.512(b))"),
    DisclosureAuthority.ABUSE_REPORT: _("Abuse, neglect or violence report (164.512(c))"),
    DisclosureAuthority.HEALTH_OVERSIGHT: _("Health oversight (164.512(d))"),
    DisclosureAuthority.JUDICIAL: _("Judicial or administrative proceeding (164.512(e))"),
    DisclosureAuthority.LAW_ENFORCEMENT: _("Law enforcement (164.512(f))"),
    DisclosureAuthority.DECEDENT: _("About a decedent (164.512(g))"),
    DisclosureAuthority.RESEARCH: _("Research (164.512(i))"),
    DisclosureAuthority.SERIOUS_THREAT: _("Serious threat to health or safety (164.512(j))"),
    DisclosureAuthority.WORKERS_COMPENSATION: _("Workers' compensation (164.512(l))"),
    DisclosureAuthority.OTHER: _("Other"),
}
CHANNEL_LABELS = {
    DisclosureChannel.FAX: _("Fax"),
    DisclosureChannel.PHONE: _("Phone"),
    DisclosureChannel.MAIL: _("Mail"),
    DisclosureChannel.ELECTRONIC: _("Electronic"),
    DisclosureChannel.IN_PERSON: _("In person"),
}
ACCESS_STATE_LABELS = {
    AccessRequestState.OPEN: _("Open"),
    AccessRequestState.FULFILLED: _("Fulfilled"),
    AccessRequestState.DENIED: _("Denied"),
}
FORMAT_LABELS = {AccessFormat.PDF: _("PDF"), AccessFormat.FHIR: _("FHIR (electronic)")}
KIND_LABELS = {
    RequirementKind.REGULATION: _("Regulation"),
    RequirementKind.ACCREDITATION: _("Accreditation standard"),
    RequirementKind.CONTRACT: _("Contract"),
    RequirementKind.POLICY: _("Program policy"),
}


def choices(labels: dict) -> list[tuple[str, object]]:  # type: ignore[type-arg]
    return [(str(key), label) for key, label in labels.items()]


class RetentionRule(models.Model):
    """A program's retention for one record type, where it differs from the documented
    default (`rules.RETENTION_DEFAULTS`)."""

    program = models.ForeignKey("core.Program", on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(
        _("record type"), max_length=20, choices=choices(RECORD_TYPE_LABELS)
    )
    years = models.PositiveSmallIntegerField(_("keep for (years)"))
    reason = models.CharField(_("why the program differs from the default"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "record_type"], name="retention_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.years} years"


class LegalHold(models.Model):
    """A legal hold on a consumer (all their records) or on one case: nothing it covers is
    destroyed while it is in force."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, related_name="legal_holds"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="legal_holds"
    )
    reason = models.CharField(_("reason"), max_length=500)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(_("reason for release"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["consumer", "released_at"], name="legal_hold_consumer")]

    def __str__(self) -> str:
        return f"legal hold {self.pk}"


class DestructionCertificate(models.Model):
    """What one retention run destroyed of one record type: how many, which rows, under
    which rule, when and by whom — never the content (N4, S42)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=20, choices=choices(RECORD_TYPE_LABELS))
    count = models.PositiveIntegerField()
    record_ids = models.JSONField(default=list)
    retention_years = models.PositiveSmallIntegerField()
    citation = models.CharField(max_length=300)
    cutoff_at = models.DateTimeField()
    destroyed_at = models.DateTimeField()
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_back = models.PositiveIntegerField(default=0)
    # Rows destroyed per kind: a case destroyed as a whole record counts its notes, work
    # items, assessments, plan rows and so on (`destruction.CASE_RECORD_KINDS`); any
    # other record type counts itself (and a complaint its notes).
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"destruction of {self.count} {self.record_type}"


class Disclosure(models.Model):
    """A disclosure outside treatment, payment and operations (164.528, S28): append-only;
    a correction is a new row naming the one it corrects."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, related_name="disclosures"
    )
    disclosed_at = models.DateTimeField(_("disclosed at"))
    recipient = models.CharField(_("to whom"), max_length=200)
    recipient_address = models.CharField(_("recipient's address"), max_length=300, blank=True)
    channel = models.CharField(_("how"), max_length=12, choices=choices(CHANNEL_LABELS))
    description = models.TextField(_("what was disclosed"))
    purpose = models.TextField(_("why"))
    authority = models.CharField(
        _("under which authority"), max_length=24, choices=choices(AUTHORITY_LABELS)
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["consumer", "disclosed_at"], name="disclosure_consumer")]

    def __str__(self) -> str:
        return f"disclosure {self.pk}"


class AccessRequest(models.Model):
    """A consumer's request for their designated record set (164.524, S29), on the 30-day
    clock with its one extension."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, related_name="access_requests"
    )
    received_at = models.DateTimeField(_("received at"))
    requested_by = models.CharField(_("who asked"), max_length=200)
    format = models.CharField(_("form and format"), max_length=8, choices=choices(FORMAT_LABELS))
    state = models.CharField(
        max_length=12, choices=choices(ACCESS_STATE_LABELS), default=AccessRequestState.OPEN
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    extension_reason = models.CharField(max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["program", "state"], name="access_request_state")]

    def __str__(self) -> str:
        return f"access request {self.pk}"


class ComplianceRequirement(models.Model):
    """A regulation or accreditation standard the program answers to in one jurisdiction,
    with its owner, next review date and evidence links (N6, MA 7.4)."""

    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.CharField(_("jurisdiction"), max_length=8)
    kind = models.CharField(_("kind"), max_length=16, choices=choices(KIND_LABELS))
    title = models.CharField(_("title"), max_length=200)
    citation = models.CharField(_("citation"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    review_date = models.DateField(_("next review"))
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["program", "review_date"], name="requirement_review")]

    def __str__(self) -> str:
        return self.title
