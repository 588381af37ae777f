"""Admin for core tables (S3, S8, S20, S23).

The admin site is for administrators, whom the policy (`casework.core.policy`) gives no
access to consumer data and no audit report. So nothing that holds consumer data, or
names a consumer, is registered here or in any context's admin: consumers, cases and
everything below them are read through the pages and the API, which check the
relationship and audit each read. Audit events and deadlines name consumers (and the
audit trail is the compliance officer's and the auditor's, through the audit report),
so they stay out too. `tests/core/test_admin.py` fails if a registered model reaches a
consumer by any foreign-key path or names one in a column.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from casework.core.models import ApiToken, Program, ProgramClosure, Team


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


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ProgramClosure)
class ProgramClosureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The program's own closure dates, which business-day clocks skip."""

    list_display = ["program", "date", "reason"]
    list_filter = ["program"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "program", "supervisor"]
    list_filter = ["program"]
    raw_id_fields = ["supervisor"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    exclude = ["key_hash"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [f.name for f in self.model._meta.fields if f.name != "key_hash"]
