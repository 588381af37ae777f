"""Admin for hospital units and who covers them (a unit assignment gives a case manager
the unit's census). Stays name a consumer and are never shown here
(`casework.core.admin`)."""

from django.contrib import admin

from casework.stays.models import Unit, UnitAssignment


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "program"]
    list_filter = ["program"]


@admin.register(UnitAssignment)
class UnitAssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["unit", "user", "assigned_at"]


# The payers' settings (program settings of the payer interface) register themselves.
from casework.stays.payers import admin as _payers_admin  # noqa: E402, F401
