"""Admin for the payers' settings (program settings, H2/H4): the notification window,
review frequency and decision limits, with the appeal levels inline. A payer added here
without appeal levels gets those of its type's preset. Authorizations, denials and
appeals name a consumer and are never shown here (`casework.core.admin`)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from casework.stays.payers.models import PayerAppealLevel, PayerSettings
from casework.stays.payers.services import payer_levels_from_preset


class PayerAppealLevelInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PayerAppealLevel
    extra = 0


@admin.register(PayerSettings)
class PayerSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "payer_type", "program"]
    list_filter = ["program", "payer_type"]
    inlines = [PayerAppealLevelInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            payer_levels_from_preset(payer=form.instance)


@admin.register(PayerAppealLevel)
class PayerAppealLevelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["payer", "level", "name", "filing_amount", "filing_unit"]
    list_filter = ["payer__program"]
