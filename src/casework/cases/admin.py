"""Admin for referrals and cases: read-only and audited (changes go through the services)."""

from django.contrib import admin

from casework.cases.models import Case, CaseAssignment, Consent, Notice, Referral
from casework.core.admin import AuditedReadAdmin


@admin.register(Referral)
class ReferralAdmin(AuditedReadAdmin):
    list_display = ["id", "source", "consumer_id", "received_at"]
    list_filter = ["source"]


@admin.register(Case)
class CaseAdmin(AuditedReadAdmin):
    list_display = ["id", "consumer_id", "state", "assigned_to", "team", "opened_at"]
    list_filter = ["state", "team"]


@admin.register(Notice)
class NoticeAdmin(AuditedReadAdmin):
    consumer_path = "case__consumer_id"
    list_display = ["id", "case_id", "kind", "recipient_type", "delivered_at"]


@admin.register(Consent)
class ConsentAdmin(AuditedReadAdmin):
    consumer_path = "case__consumer_id"
    list_display = ["id", "case_id", "decision", "given_by", "decided_at"]


@admin.register(CaseAssignment)
class CaseAssignmentAdmin(AuditedReadAdmin):
    consumer_path = "case__consumer_id"
    list_display = ["id", "case_id", "assigned_to", "previous", "assigned_at"]
