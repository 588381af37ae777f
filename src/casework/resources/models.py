"""The resource directory: what the search needs from an HSDS 3.0 data set.

Ids are the publisher's UUIDs, so a re-import updates the same rows. Search columns are
kept in a normalised form beside the published value (`code_key`, `name_key`, a place's `key`:
lower-cased, trimmed) and indexed, so each filter is an index look-up.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    uri = models.CharField(max_length=500, blank=True)
    version = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A need a service meets (HSDS taxonomy_term). `taxonomy_id` and `parent_id` are
    kept as given: HSDS data sets may name a taxonomy they do not ship."""

    id = models.UUIDField(primary_key=True)
    code = models.CharField(max_length=200, blank=True)
    code_key = models.CharField(max_length=200, blank=True, db_index=True)
    name = models.CharField(max_length=300)
    name_key = models.CharField(max_length=300, blank=True, db_index=True)
    description = models.TextField(blank=True)
    parent_id = models.UUIDField(null=True, blank=True)
    taxonomy_id = models.UUIDField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True)
    term_uri = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    email = models.CharField(max_length=300, blank=True)
    website = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class Service(models.Model):
    id = models.UUIDField(primary_key=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=30, choices=ServiceStatus.choices)
    url = models.CharField(max_length=500, blank=True)
    email = models.CharField(max_length=300, blank=True)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.CharField(max_length=40, blank=True)
    imported_at = models.DateTimeField()

    # No index on status: it selects most rows, and an index on it leads SQLite to scan
    # every active service instead of starting from the filters' indexed look-ups.

    def __str__(self) -> str:
        return self.name


class ServiceTerm(models.Model):
    """A service tagged with a taxonomy term (HSDS attribute linking a service)."""

    id = models.UUIDField(primary_key=True)  # the attribute's id
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="terms")
    term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="services")
    value = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["term", "service"], name="resources_term_service")]

    def __str__(self) -> str:
        return f"{self.service_id} → {self.term_id}"


class ServiceLanguage(models.Model):
    id = models.UUIDField(primary_key=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=20, blank=True)
    code_key = models.CharField(max_length=20, blank=True)
    name_key = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["code_key", "service"], name="resources_lang_code_service"),
            models.Index(fields=["name_key", "service"], name="resources_lang_name_service"),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Location(models.Model):
    id = models.UUIDField(primary_key=True)
    organization_id_ref = models.UUIDField(null=True, blank=True)
    location_type = models.CharField(max_length=20)
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class Address(models.Model):
    id = models.UUIDField(primary_key=True)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=200)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=30)
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city}"


class PlaceKind(models.TextChoices):
    POSTAL_CODE = "postal", _("Postal code")
    CITY = "city", _("City")
    STATE = "state", _("State or province")


class ServicePlace(models.Model):
    """Where a service is delivered: for each service and address (from
    service_at_location → location → address) one row per kind of place (postal code,
    city, state/province) with its normalised `key`, so that a place search is one
    index look-up whichever kind the person typed."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="places")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=PlaceKind.choices)
    key = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["key", "service"], name="resources_place_key_service")]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.kind} {self.key}"


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="areas")
    name = models.TextField(blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
