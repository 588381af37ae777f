"""Referral, the case episode and its states, notices, consent and assignment (B2, C1-C3, I1)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReferralSource(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    SELF = "self", _("Self-referral")
    FAMILY = "family", _("Family member or caregiver")
    POPULATION_SCREENING = "population_screening", _("Population screening")


class Referral(models.Model):
    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, related_name="referrals"
    )
    source = models.CharField(_("source"), max_length=30, choices=ReferralSource.choices)
    referrer_name = models.CharField(_("referrer name"), max_length=200, blank=True)
    referrer_organization = models.CharField(_("referrer organization"), max_length=200, blank=True)
    referrer_contact = models.CharField(_("referrer contact"), max_length=200, blank=True)
    reason = models.TextField(_("reason for referral"))
    received_at = models.DateTimeField(_("received"))
    external_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Idempotency key for imported referrals (e.g. member and screening window)."),
    )
    detail = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Referral {self.pk}"


class CaseState(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ENGAGED = "engaged", _("Engaged")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Complexity(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")


class Severity(models.TextChoices):
    """With complexity, weights the case in its manager's caseload (MA 5.1(n), A8)."""

    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals of the plan met")
    CONSUMER_REQUEST = "consumer_request", _("Consumer asked to end case management")
    CONSENT_REVOKED = "consent_revoked", _("Consent revoked")
    TRANSFERRED = "transferred", _("Transferred to another program or level of care")
    BENEFITS_ENDED = "benefits_ended", _("Coverage or benefits ended")
    UNABLE_TO_REACH = "unable_to_reach", _("Unable to reach the consumer")
    DECEASED = "deceased", _("Consumer died")
    OTHER = "other", _("Other")


class Case(models.Model):
    program = models.ForeignKey("core.Program", on_delete=models.PROTECT, related_name="cases")
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.PROTECT, related_name="cases"
    )
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="case")
    state = models.CharField(
        _("state"), max_length=12, choices=CaseState.choices, default=CaseState.REFERRED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    complexity = models.CharField(
        _("complexity"), max_length=10, choices=Complexity.choices, default=Complexity.MODERATE
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MODERATE
    )
    opened_at = models.DateTimeField()
    engaged_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=30, choices=ClosureReason.choices, blank=True)
    closure_summary = models.TextField(blank=True)
    closure_instructions = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["assigned_to", "state"], name="case_assignee_state"),
            models.Index(fields=["team", "state"], name="case_team_state"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"


class NoticeKind(models.TextChoices):
    PROGRAM_PURPOSE = "program_purpose", _("Purpose of the program")
    COMPLAINT_PROCESS = "complaint_process", _("How to make a complaint")
    PRIVACY_PRACTICES = "privacy_practices", _("Notice of privacy practices")
    CLOSURE = "closure", _("Closure of case management")


class RecipientType(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    LEGAL_DECISION_MAKER = "legal_decision_maker", _("Legal decision maker")
    PROVIDER = "provider", _("Involved provider")


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    MAIL = "mail", _("Mail")
    PHONE = "phone", _("Phone (verbal)")
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Portal")
    FAX = "fax", _("Fax")
    VIDEO = "video", _("Video visit")


class Acknowledgement(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Acknowledged in writing")
    VERBAL = "verbal", _("Acknowledged verbally")
    GOOD_FAITH_ATTEMPT = "good_faith_attempt", _("Refused or not obtained: good-faith attempt")
    NOT_REQUIRED = "not_required", _("No acknowledgement required")


class Notice(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("notice"), max_length=20, choices=NoticeKind.choices)
    recipient_type = models.CharField(
        _("given to"), max_length=25, choices=RecipientType.choices, default=RecipientType.CONSUMER
    )
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    method = models.CharField(_("how it was given"), max_length=12, choices=DeliveryMethod.choices)
    language = models.CharField(_("language"), max_length=20)
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    delivered_at = models.DateTimeField(_("given on"))
    acknowledgement = models.CharField(
        _("acknowledgement"), max_length=20, choices=Acknowledgement.choices
    )
    good_faith_note = models.TextField(_("good-faith effort made"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.get_kind_display()


class ConsentDecision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


class ConsentGivenBy(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    SURROGATE = "surrogate", _("Legal decision maker (surrogate)")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written signature")
    VERBAL = "verbal", _("Verbal, witnessed")
    ELECTRONIC = "electronic", _("Electronic signature")


class Consent(models.Model):
    """Consent to case management; history is append-only, the latest row is current."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    decision = models.CharField(_("decision"), max_length=10, choices=ConsentDecision.choices)
    given_by = models.CharField(_("decided by"), max_length=10, choices=ConsentGivenBy.choices)
    surrogate = models.ForeignKey(
        "consumers.SupportPerson", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope = models.CharField(_("scope"), max_length=300, default="Case management services")
    method = models.CharField(_("method"), max_length=12, choices=ConsentMethod.choices)
    decided_at = models.DateTimeField(_("decided on"))
    evidence = models.TextField(_("evidence or witness"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by="consumer") | Q(surrogate__isnull=False),
                name="consent_surrogate_named",
            )
        ]

    def __str__(self) -> str:
        return self.get_decision_display()


class CaseAssignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.case_id} → {self.assigned_to_id}"
