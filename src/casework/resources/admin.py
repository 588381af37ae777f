"""Admin for the resource directory: view only. The directory changes by import
(`casework resources import`), which validates and reports rejects; edits here would
bypass both. It holds no consumer data."""

from django.contrib import admin

from casework.core.admin import ReadOnlyAdmin
from casework.resources.models import (
    Address,
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceLanguage,
    ServicePlace,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)

for model in (
    Taxonomy,
    TaxonomyTerm,
    Organization,
    Service,
    ServiceTerm,
    ServiceLanguage,
    Location,
    Address,
    ServicePlace,
    ServiceArea,
):
    admin.site.register(model, ReadOnlyAdmin)
