"""Admin for work items, communications, notes and care teams: read-only and audited."""

from django.contrib import admin

from casework.coordination.models import CareTeamMember, Communication, Note, WorkItem
from casework.core.admin import AuditedReadAdmin


@admin.register(WorkItem)
class WorkItemAdmin(AuditedReadAdmin):
    consumer_path = "case__consumer_id"
    list_display = ["id", "case_id", "title", "owner", "due_at", "status"]
    list_filter = ["status", "kind"]


@admin.register(Communication)
class CommunicationAdmin(AuditedReadAdmin):
    consumer_path = "case__consumer_id"
    list_display = ["id", "case_id", "channel", "direction", "occurred_at"]


@admin.register(Note)
class NoteAdmin(AuditedReadAdmin):
    consumer_path = "case__consumer_id"
    list_display = ["id", "case_id", "kind", "author", "signed_at"]


@admin.register(CareTeamMember)
class CareTeamMemberAdmin(AuditedReadAdmin):
    list_display = ["id", "consumer_id", "name", "role", "is_external_provider"]
