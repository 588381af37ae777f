"""Core tables: the program and its teams, the audit trail, deadlines and API tokens (N1, N2)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.core.roles import PurposeOfUse


class Program(models.Model):
    """The organization running case management (MA §II)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    purpose_statement = models.TextField(
        help_text=_("What the program does and for whom; given to the consumer at enrollment.")
    )
    complaint_contact = models.TextField(
        help_text=_("How a consumer makes a complaint: phone, address, web (MA 5.1d).")
    )
    after_closure_contact = models.TextField(
        help_text=_("Where a consumer goes if things change after closure (MA 5.1q).")
    )
    reassessment_interval_days = models.PositiveSmallIntegerField(
        default=90,
        help_text=_(
            "Days between comprehensive assessments; set it to the payer's expectation (E4)."
        ),
    )

    time_zone = models.CharField(
        max_length=60,
        default="America/New_York",
        help_text=_("IANA time zone the program's clocks count days in (e.g. America/Chicago)."),
    )
    holiday_country = models.CharField(
        max_length=2,
        default="US",
        help_text=_("Country whose public holidays are not business days (ISO 3166 code)."),
    )
    holiday_subdivision = models.CharField(
        max_length=10,
        blank=True,
        help_text=_("State or province whose holidays also count (e.g. CA); blank for none."),
    )

    def __str__(self) -> str:
        return self.name


class ProgramClosure(models.Model):
    """A day the program is closed beyond the public holidays: not a business day."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "date"], name="closure_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class Team(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_teams",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="team_unique_name_in_program")
        ]

    def __str__(self) -> str:
        return self.name


class AuditAction(models.TextChoices):
    READ = "read", _("Read")
    LIST = "list", _("List or search")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    PRINT = "print", _("Print or download")
    EXPORT = "export", _("Export")
    LOGIN = "login", _("Sign in")
    LOGOUT = "logout", _("Sign out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    PRIVILEGE = "privilege", _("Privilege change")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    DENIED = "denied", _("Denied")


class AppendOnlyQuerySet[M: models.Model](models.QuerySet[M]):
    """Append-only: bulk update and delete are refused (S23)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")

    def _raw_delete(self, using: Any) -> int:
        raise PermissionError("audit events are append-only")


AppendOnlyManager = models.Manager.from_queryset(AppendOnlyQuerySet)


class AuditEvent(models.Model):
    """One access to, or change of, consumer data or security state (ASTM E2147 fields).

    Append-only. `mac` is the event's own HMAC, written with the row by the application
    (core.audit); the row is sealed afterwards into an HMAC chain by `AuditSeal` rows.
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices)
    consumer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose_of_use = models.CharField(max_length=12, choices=PurposeOfUse.choices, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    break_glass = models.BooleanField(default=False)
    detail = models.JSONField(default=dict, blank=True)
    mac = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppendOnlyManager()

    class Meta:
        indexes = [models.Index(fields=["actor", "occurred_at"], name="audit_actor_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditSeal(models.Model):
    """The HMAC chain over audit events, in sealing order (see docs/adr/0002)."""

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(
        AuditEvent, on_delete=models.PROTECT, related_name="seal", db_constraint=False
    )
    mac = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    objects = AppendOnlyManager()

    def __str__(self) -> str:
        return f"seal {self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit seals are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit seals are append-only")


def deadline_kind_choices() -> list[tuple[str, Any]]:
    """The deadline kinds the contexts registered (`core.deadlines.deadline_kind_register`):
    evaluated when used, so a new kind needs no migration."""
    from casework.core.deadlines import deadline_kind_choices as registered

    return registered()


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    WAIVED = "waived", _("Waived")
    PAUSED = "paused", _("Paused")


class Deadline(models.Model):
    """A due date as a row: overdue is a query, and `casework sweep` acts on due rows."""

    kind = models.CharField(max_length=40, choices=deadline_kind_choices)
    subject_type = models.CharField(max_length=60)
    subject_id = models.BigIntegerField()
    consumer_id = models.BigIntegerField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    state = models.CharField(
        max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    pause_reason = models.CharField(max_length=200, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    rule_version = models.CharField(max_length=20, default="1")
    swept_at = models.DateTimeField(null=True, blank=True)
    # When the work the clock waited for was done. A clock finished late keeps its
    # `breached` state (the miss stays on record) and gets this, so it leaves the
    # worklists; a breached row without it is still outstanding.
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    # A regulatory clock (core.clocks): the rule it runs by, when it started, its pauses
    # and extensions (JSON lists, oldest first), the notice an extension requires, and the
    # instants its escalation levels begin (the next one in `escalates_at`, for the sweep).
    rule_code = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)
    extensions = models.JSONField(default=list, blank=True)
    notice_due_at = models.DateTimeField(null=True, blank=True)
    escalations = models.JSONField(default=list, blank=True)
    escalates_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "due_at"], name="deadline_state_due"),
            models.Index(fields=["state", "escalates_at"], name="deadline_state_escalates"),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"], name="deadline_one_per_subject_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}:{self.subject_id} {self.due_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A per-user API token; only its SHA-256 is stored (revocable, optional expiry)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
