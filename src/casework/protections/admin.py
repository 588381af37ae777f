"""Admin for the program's protection settings (the roles that may open restricted
records) and its jurisdiction table (agencies and reporting limits by state). Reports,
incidents and consultations are never shown here (`casework.core.admin`)."""

from django.contrib import admin

from casework.protections.models import JurisdictionRule, ProtectionSettings


@admin.register(ProtectionSettings)
class ProtectionSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["program"]


@admin.register(JurisdictionRule)
class JurisdictionRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["state", "reporter_class", "victim_class", "setting", "program"]
    list_filter = ["program", "state"]
