"""Admin for the post-acute provider directory, the receiving systems' credentials and
the programs' escalation paths for sequencing barriers: view only. The directory changes
by CSV import (`casework providers import`), which validates and reports rejects;
credentials by `casework receivertoken` (the key's hash is never shown); a path on its
page, by the program's clinical director (audited). None holds consumer data; every
other transitions record does and stays out of the admin."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from casework.core.admin import ReadOnlyAdmin
from casework.transitions.models import (
    PostAcuteProvider,
    ProviderArea,
    ReceiverCredential,
    SequencingLevel,
)

for model in (PostAcuteProvider, ProviderArea, SequencingLevel):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(ReceiverCredential)
class ReceiverCredentialAdmin(ReadOnlyAdmin):
    exclude = ("key_hash",)
    list_display = ("name", "provider", "prefix", "created_at", "revoked_at", "last_used_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [f for f in super().get_readonly_fields(request, obj) if f != "key_hash"]
