"""Admin for the program's complaint policy (the limits of the program-policy clocks and
the reviewer of care-option disagreements). Complaints themselves name a consumer and
are never shown here (`casework.core.admin`)."""

from django.contrib import admin

from casework.complaints.models import ComplaintPolicy


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["program"]
