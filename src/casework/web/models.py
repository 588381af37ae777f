"""Tables of the web layer: the idempotency keys of API creates, and break-glass
(declared emergencies and which roles of a program may declare one)."""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """A POST made with an `Idempotency-Key` header and the response it got, so that a
    retry (same user, same key, same request) returns that response instead of writing
    twice. Written in the same transaction as the request's own writes; kept until
    `expires_at` (24 hours)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


def default_break_glass_roles() -> list[str]:
    """The clinical roles that may declare an emergency unless the program says otherwise."""
    from casework.core.policy import BREAK_GLASS_DEFAULT_ROLES

    return sorted(BREAK_GLASS_DEFAULT_ROLES)


class BreakGlassSettings(models.Model):
    """Which roles of a program may declare an emergency (N2, S19). Without a row the
    clinical roles may (`policy.BREAK_GLASS_DEFAULT_ROLES`); an empty list disables
    break-glass for the program."""

    program = models.OneToOneField(
        "core.Program", on_delete=models.CASCADE, related_name="break_glass_settings"
    )
    roles = models.JSONField(default=default_break_glass_roles)

    def __str__(self) -> str:
        return f"break-glass settings of {self.program_id}"


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", "Pending review"
    ACCEPTED = "accepted", "Accepted"
    ESCALATED = "escalated", "Escalated"


class EmergencyAccess(models.Model):
    """A declared emergency (break-glass, N2, S19): `user` may read `consumer`'s records
    outside their relationship until `expires_at`; every access under it is audited with
    purpose ETREAT and `break_glass=true`, and a compliance officer reviews each use."""

    program = models.ForeignKey("core.Program", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    consumer = models.ForeignKey(
        "consumers.Consumer", on_delete=models.CASCADE, related_name="emergency_accesses"
    )
    reason = models.TextField()
    declared_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    review_outcome = models.CharField(
        max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"], name="emergency_user_expiry")]

    def __str__(self) -> str:
        return f"emergency access {self.pk}"
