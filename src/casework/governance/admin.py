"""Admin for the governance records that hold no consumer data: the program's retention
settings, the destruction certificates (read only) and the compliance register."""

from django.contrib import admin
from django.http import HttpRequest

from casework.governance.models import ComplianceRequirement, DestructionCertificate, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("program", "record_type", "years", "changed_at")
    readonly_fields = ("changed_by", "changed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # set through the service, which checks the floor and audits

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DestructionCertificate)
class DestructionCertificateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("destroyed_at", "program", "record_type", "count", "retention_years")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ComplianceRequirement)
class ComplianceRequirementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "jurisdiction", "kind", "owner", "review_date")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added on the governance page, which starts its review clock

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
