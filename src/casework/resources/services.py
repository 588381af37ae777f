"""Import an HSDS 3.0 data set into the resource directory (F5).

All or nothing per run: the accepted rows are written in one transaction (re-importing
updates rows by their HSDS id); rejected rows are reported, never written.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from casework.core import clock
from casework.resources import hsds, rules
from casework.resources.models import (
    Address,
    Location,
    Organization,
    PlaceKind,
    Service,
    ServiceArea,
    ServiceLanguage,
    ServicePlace,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)


@dataclass
class ImportReport:
    kind: str
    counts: dict[str, int] = field(default_factory=dict)  # accepted rows per table read
    rejects: list[rules.Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _t(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


def _key(value: str) -> str:
    return " ".join(value.lower().split())


def place_keys(postal_code: str, city: str, state: str) -> list[tuple[str, str]]:
    """The search keys of one address: postal code without spaces, city and state
    lower-cased (a postal code is lower-cased too, so one key column serves all)."""
    return [
        (PlaceKind.POSTAL_CODE, postal_code.replace(" ", "").lower()),
        (PlaceKind.CITY, _key(city)),
        (PlaceKind.STATE, _key(state)),
    ]


def _float(value: Any) -> float | None:
    try:
        return float(value) if _t({"v": value}, "v") else None
    except (TypeError, ValueError):
        return None


def _upsert(model: type[Any], objects: list[Any], fields: list[str]) -> None:
    if objects:
        model.objects.bulk_create(
            objects,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=fields,
        )


def directory_import(path: Path) -> ImportReport:
    """Read, check and store the data set at `path`. Raises hsds.SourceError when the
    data set cannot be read at all."""
    source = hsds.read(path)
    checked = rules.check(source.tables)
    report = ImportReport(source.kind, rejects=checked.rejects, notes=source.notes)
    report.counts = {t: len(rows) for t, rows in checked.accepted.items() if source.tables.get(t)}
    acc = checked.accepted
    now = clock.now()
    with transaction.atomic():
        _upsert(
            Taxonomy,
            [
                Taxonomy(
                    id=_t(r, "id"),
                    name=_t(r, "name"),
                    description=_t(r, "description"),
                    uri=_t(r, "uri"),
                    version=_t(r, "version"),
                )
                for r in acc["taxonomies"]
            ],
            ["name", "description", "uri", "version"],
        )
        _upsert(
            TaxonomyTerm,
            [
                TaxonomyTerm(
                    id=_t(r, "id"),
                    code=_t(r, "code"),
                    code_key=_key(_t(r, "code")),
                    name=_t(r, "name"),
                    name_key=_key(_t(r, "name")),
                    description=_t(r, "description"),
                    parent_id=_t(r, "parent_id") or None,
                    taxonomy_id=_t(r, "taxonomy_id") or None,
                    language=_t(r, "language"),
                    term_uri=_t(r, "term_uri"),
                )
                for r in acc["taxonomy_terms"]
            ],
            [
                "code",
                "code_key",
                "name",
                "name_key",
                "description",
                "parent_id",
                "taxonomy_id",
                "language",
                "term_uri",
            ],
        )
        _upsert(
            Organization,
            [
                Organization(
                    id=_t(r, "id"),
                    name=_t(r, "name"),
                    description=_t(r, "description"),
                    email=_t(r, "email"),
                    website=_t(r, "website"),
                )
                for r in acc["organizations"]
            ],
            ["name", "description", "email", "website"],
        )
        service_fields = [
            "name",
            "description",
            "status",
            "url",
            "email",
            "interpretation_services",
            "application_process",
            "fees_description",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "alert",
            "last_modified",
        ]
        _upsert(
            Service,
            [
                Service(
                    id=_t(r, "id"),
                    organization_id=_t(r, "organization_id") or None,
                    minimum_age=rules.age_of(r.get("minimum_age")),
                    maximum_age=rules.age_of(r.get("maximum_age")),
                    imported_at=now,
                    **{
                        f: _t(r, f)
                        for f in service_fields
                        if f not in ("minimum_age", "maximum_age")
                    },
                )
                for r in acc["services"]
            ],
            ["organization", *service_fields, "imported_at"],
        )
        _upsert(
            Location,
            [
                Location(
                    id=_t(r, "id"),
                    organization_id_ref=_t(r, "organization_id") or None,
                    location_type=_t(r, "location_type"),
                    name=_t(r, "name"),
                    description=_t(r, "description"),
                    latitude=_float(r.get("latitude")),
                    longitude=_float(r.get("longitude")),
                )
                for r in acc["locations"]
            ],
            [
                "organization_id_ref",
                "location_type",
                "name",
                "description",
                "latitude",
                "longitude",
            ],
        )
        address_fields = [
            "address_1",
            "address_2",
            "city",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ]
        _upsert(
            Address,
            [
                Address(
                    id=_t(r, "id"),
                    location_id=_t(r, "location_id"),
                    **{f: _t(r, f) for f in address_fields},
                )
                for r in acc["addresses"]
                if _t(r, "location_id")
            ],
            ["location", *address_fields],
        )
        _upsert(
            ServiceLanguage,
            [
                ServiceLanguage(
                    id=_t(r, "id"),
                    service_id=_t(r, "service_id"),
                    name=_t(r, "name"),
                    code=_t(r, "code"),
                    code_key=_key(_t(r, "code")),
                    name_key=_key(_t(r, "name")),
                    note=_t(r, "note"),
                )
                for r in acc["languages"]
                if _t(r, "service_id")
            ],
            ["service", "name", "code", "code_key", "name_key", "note"],
        )
        _upsert(
            ServiceArea,
            [
                ServiceArea(
                    id=_t(r, "id"),
                    service_id=_t(r, "service_id"),
                    name=_t(r, "name"),
                    description=_t(r, "description"),
                )
                for r in acc["service_areas"]
                if _t(r, "service_id")
            ],
            ["service", "name", "description"],
        )
        _upsert(
            ServiceTerm,
            [
                ServiceTerm(
                    id=_t(r, "id"),
                    service_id=_t(r, "link_id"),
                    term_id=_t(r, "taxonomy_term_id"),
                    value=_t(r, "value"),
                )
                for r in acc["attributes"]
                if _t(r, "link_entity") == "service"
            ],
            ["service", "term", "value"],
        )
        _places(acc)
    return report


def _chunks(items: list[str], size: int = 5000) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _places(acc: dict[str, list[dict[str, Any]]]) -> None:
    """Rebuild the place rows of the services this run delivered locations for, from the
    stored addresses of their locations."""
    links = [
        (_t(r, "service_id").lower(), _t(r, "location_id").lower())
        for r in acc["service_at_location"]
    ]
    if not links:
        return
    for chunk in _chunks(sorted({s for s, _ in links})):
        ServicePlace.objects.filter(service_id__in=chunk).delete()
    by_location: dict[str, list[Address]] = {}
    for chunk in _chunks(sorted({loc for _, loc in links})):
        for address in Address.objects.filter(location_id__in=chunk):
            by_location.setdefault(str(address.location_id), []).append(address)
    places = [
        ServicePlace(service_id=service_id, location_id=location_id, kind=kind, key=key)
        for service_id, location_id in links
        for a in by_location.get(location_id, [])
        for kind, key in place_keys(a.postal_code, a.city, a.state_province)
        if key
    ]
    ServicePlace.objects.bulk_create(places, batch_size=1000)
