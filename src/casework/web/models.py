"""Tables of the web layer: the idempotency keys of API creates."""

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
