"""Work items, communications, notes and the care team (F1-F3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.core.roles import Role


class WorkItemKind(models.TextChoices):
    SERVICE = "service", _("Service to the consumer")
    ADMINISTRATIVE = "administrative", _("Administrative (enrollment, paperwork)")


class WorkItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class WorkItem(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="work_items")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=WorkItemKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_items"
    )
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=WorkItemStatus.choices, default=WorkItemStatus.OPEN
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("outcome or cancellation reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "status", "due_at"], name="workitem_owner_status_due"),
            models.Index(fields=["case", "status"], name="workitem_case_status"),
        ]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    FAX = "fax", _("Fax")
    MAIL = "mail", _("Mail")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person")
    PORTAL = "portal", _("Portal message")
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text message")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class CommunicationTopic(models.TextChoices):
    ENROLLMENT = "enrollment", _("Enrollment, notices and consent")
    CARE = "care", _("Care and services")


class Communication(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="communications")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    topic = models.CharField(_("topic"), max_length=12, choices=CommunicationTopic.choices)
    parties = models.CharField(_("parties"), max_length=300)
    summary = models.TextField(_("summary"))
    occurred_at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["case", "occurred_at"], name="communication_case_time")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"


class NoteKind(models.TextChoices):
    CONSENT_ATTEMPT = "consent_attempt", _("Engagement and consent attempt")
    PROGRESS = "progress", _("Progress note")
    SUPERVISION = "supervision", _("Supervision note")


class Note(models.Model):
    """A case note. Notes are signed when written; a correction is a new note that amends."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    # A substance-use-disorder record under 42 CFR Part 2 (S40): shown only to its author
    # and to the roles the consumer's Part 2 consent names (`Part2Consent`), never opened
    # by break-glass, and always with the redisclosure notice (`rules.PART2_NOTICE`).
    part2 = models.BooleanField(_("substance use disorder record (42 CFR Part 2)"), default=False)
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "signed_at"], name="note_case_time")]
        constraints = [
            # A note is amended once: a later correction amends the amendment, so the
            # versions of a note form one chain and the latest is never in doubt.
            models.UniqueConstraint(
                fields=["amends"],
                condition=models.Q(amends__isnull=False),
                name="note_amended_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.signed_at:%Y-%m-%d}"


class CareTeamKind(models.TextChoices):
    STAFF = "staff", _("Our staff")
    PROVIDER = "provider", _("Outside provider")
    CAREGIVER = "caregiver", _("Caregiver or family")
    OTHER = "other", _("Other support")


class CareTeamMember(models.Model):
    """A member of the consumer's care team: staff (grants access) or an outside party (F2)."""

    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.CASCADE, related_name="care_team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CareTeamKind.choices, default=CareTeamKind.OTHER
    )
    is_external_provider = models.BooleanField(default=False)  # kind == provider
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"], name="careteam_user_active")]

    def __str__(self) -> str:
        return self.name


class Part2Consent(models.Model):
    """A consumer's written consent (42 CFR 2.31) to use and disclose their Part 2 records
    to one recipient: the staff of one role of the program (`role`), or a payer (`payer`,
    as a stay names it, for the appeal packets of the consumer's stays with that payer).
    One row per recipient; revoked rows stay as the record of what was consented when."""

    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.CASCADE, related_name="part2_consents"
    )
    role = models.CharField(_("role covered"), max_length=30, choices=Role.choices, blank=True)
    payer = models.CharField(
        _("payer named"),
        max_length=100,
        blank=True,
        help_text=_("The payer as the consumer's stays name it."),
    )
    scope = models.TextField(
        _("scope of the consent"),
        help_text=_("What may be disclosed, to whom and for what purpose, as the consent says."),
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "role", "payer"],
                condition=models.Q(revoked_at=None),
                name="part2_consent_one_active_per_recipient",
            ),
            models.CheckConstraint(
                condition=(models.Q(role="") & ~models.Q(payer=""))
                | (~models.Q(role="") & models.Q(payer="")),
                name="part2_consent_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"Part 2 consent {self.pk}"
