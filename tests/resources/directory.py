"""Builders for resource-directory tests: small HSDS data sets written in tmp dirs."""

import csv
import json
from pathlib import Path
from typing import Any

from casework.core import clock
from casework.resources.models import (
    Address,
    Location,
    Organization,
    Service,
    ServiceLanguage,
    ServicePlace,
    ServiceTerm,
    TaxonomyTerm,
)
from casework.resources.services import place_keys

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hsds-3.0-examples"


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def write_package(folder: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for table, rows in tables.items():
        fields = list(dict.fromkeys(k for row in rows for k in row))
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        resources.append({"name": table, "path": f"{table}.csv"})
    (folder / "datapackage.json").write_text(json.dumps({"name": "test", "resources": resources}))
    return folder


def service(
    n: int,
    name: str,
    *,
    need: str = "",
    postal: str = "",
    city: str = "",
    language: tuple[str, str] | None = None,
    ages: tuple[int | None, int | None] = (None, None),
    eligibility: str = "",
    status: str = "active",
) -> Service:
    """One service stored directly, with its tags (for search and API tests)."""
    org, _ = Organization.objects.get_or_create(id=uid(1), defaults={"name": "Org"})
    svc = Service.objects.create(
        id=uid(1000 + n),
        organization=org,
        name=name,
        status=status,
        minimum_age=ages[0],
        maximum_age=ages[1],
        eligibility_description=eligibility,
        imported_at=clock.now(),
    )
    if need:
        term = TaxonomyTerm.objects.filter(code=need).first() or TaxonomyTerm.objects.create(
            id=uid(2000 + TaxonomyTerm.objects.count()),
            code=need,
            code_key=need.lower(),
            name=f"{need} services",
            name_key=f"{need} services".lower(),
        )
        ServiceTerm.objects.create(id=uid(3000 + n), service=svc, term=term)
    if postal or city:
        loc = Location.objects.create(id=uid(4000 + n), location_type="physical")
        Address.objects.create(
            id=uid(5000 + n),
            location=loc,
            address_1="1 Main St",
            city=city,
            state_province="MA",
            postal_code=postal,
            country="US",
            address_type="physical",
        )
        ServicePlace.objects.bulk_create(
            ServicePlace(service=svc, location=loc, kind=kind, key=key)
            for kind, key in place_keys(postal, city, "MA")
            if key
        )
    if language:
        ServiceLanguage.objects.create(
            id=uid(6000 + n),
            service=svc,
            code=language[0],
            code_key=language[0].lower(),
            name=language[1],
            name_key=language[1].lower(),
        )
    return svc
