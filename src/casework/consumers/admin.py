"""Admin for consumers: read-only and audited (changes go through the services)."""

from django.contrib import admin

from casework.consumers.models import AdvanceDirective, Consumer, SupportPerson
from casework.core.admin import AuditedReadAdmin


@admin.register(Consumer)
class ConsumerAdmin(AuditedReadAdmin):
    consumer_path = "pk"
    list_display = ["id", "family_name", "given_name", "mrn", "preferred_language", "program"]
    search_fields = ["family_name", "mrn", "member_id"]
    list_filter = ["program", "preferred_language"]


@admin.register(SupportPerson)
class SupportPersonAdmin(AuditedReadAdmin):
    list_display = ["id", "name", "relationship", "consumer_id", "is_legal_decision_maker"]


@admin.register(AdvanceDirective)
class AdvanceDirectiveAdmin(AuditedReadAdmin):
    list_display = ["id", "kind", "consumer_id", "document_date"]
