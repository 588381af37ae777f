"""The idempotency keys in the admin: who, which key, which status and until when. Read
only, and never the stored response (it may hold consumer data)."""

from django.contrib import admin
from django.http import HttpRequest

from casework.web.models import BreakGlassSettings, IdempotencyKey


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin[IdempotencyKey]):
    list_display = ("user", "key", "status_code", "created_at", "expires_at")
    fields = ("user", "key", "status_code", "created_at", "expires_at")
    readonly_fields = fields
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(BreakGlassSettings)
class BreakGlassSettingsAdmin(admin.ModelAdmin[BreakGlassSettings]):
    """Which roles of a program may declare an emergency (an empty list disables it)."""

    list_display = ("program", "roles")
    list_select_related = ("program",)
