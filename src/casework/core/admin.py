"""Admin for core tables. Audit rows are read-only here: no add, change or delete (S23).

`ReadOnlyAdmin` is for records changed only through services; `AuditedReadAdmin` also
writes one audit event for each list or record view of consumer data (S20), because the
admin reads PHI outside the pages and API that audit their own reads.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from casework.core.actor import actor_for, client_address
from casework.core.audit import audit_record
from casework.core.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    AuditSeal,
    Deadline,
    Program,
    Team,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """View only: rows change through services, never through the admin."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [f.name for f in self.model._meta.fields]


class AuditedReadAdmin(ReadOnlyAdmin):
    """Read-only, and each list or record view of consumer data writes one audit event."""

    consumer_path = "consumer_id"  # how to reach the consumer id from an object

    def _audit(self, request: HttpRequest, action: str, obj: Model | None = None) -> None:
        consumer_id = None
        if obj is not None:
            value: Any = obj
            for part in self.consumer_path.split("__"):
                value = getattr(value, part)
            consumer_id = value
        audit_record(
            actor=actor_for(request.user, address=client_address(request)),  # type: ignore[arg-type]
            action=action,
            consumer_id=consumer_id,
            object_type=self.model._meta.model_name or "",
            object_id=obj.pk if obj is not None else "",
            detail={"via": "admin"},
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            self._audit(request, AuditAction.LIST)
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._audit(request, AuditAction.READ, self.get_object(request, object_id))
        return response


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "program", "supervisor"]
    list_filter = ["program"]
    raw_id_fields = ["supervisor"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "occurred_at",
        "actor_username",
        "actor_role",
        "action",
        "outcome",
        "consumer_id",
        "object_type",
        "object_id",
        "purpose_of_use",
    ]
    list_filter = ["action", "outcome", "actor_role", "break_glass"]
    search_fields = ["actor_username", "object_id"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdmin):
    list_display = ["seq", "event_id", "mac", "sealed_at"]
    show_full_result_count = False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "subject_type", "subject_id", "due_at", "state", "swept_at"]
    list_filter = ["kind", "state"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    exclude = ["key_hash"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [f.name for f in self.model._meta.fields if f.name != "key_hash"]
