"""Admin for the post-acute provider directory: view only. It changes by CSV import
(`casework providers import`), which validates and reports rejects. It holds
no consumer data; every other transitions record does and stays out of the admin."""

from django.contrib import admin

from casework.core.admin import ReadOnlyAdmin
from casework.transitions.models import PostAcuteProvider, ProviderArea

for model in (PostAcuteProvider, ProviderArea):
    admin.site.register(model, ReadOnlyAdmin)
