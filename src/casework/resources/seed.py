"""Demo seed of this context (composed by `casework.demo`): a small community resource
directory, imported through the HSDS importer as a program would load its own."""

import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

from casework.resources.services import directory_import

NAMESPACE = uuid.UUID("5f1c1f3e-6b1e-4a53-9a55-0c6a4d2e8f10")

# (name, need code, need name, city, postal code, languages, ages, eligibility)
type Ages = tuple[int | None, int | None]
type DemoService = tuple[str, str, str, str, str, tuple[str, ...], Ages, str]

DEMO_SERVICES: tuple[DemoService, ...] = (
    (
        "Riverside Food Pantry",
        "BD-1800",
        "Food pantries",
        "Springfield",
        "01103",
        ("en", "es"),
        (None, None),
        "Residents of Springfield",
    ),
    (
        "Meals on Wheels Springfield",
        "BD-5000.8300",
        "Home delivered meals",
        "Springfield",
        "01105",
        ("en",),
        (60, None),
        "Homebound adults 60 and over",
    ),
    (
        "Hampden Emergency Shelter",
        "BH-1800",
        "Emergency shelter",
        "Springfield",
        "01103",
        ("en", "es"),
        (18, None),
        "Adults without housing",
    ),
    (
        "Valley Rides",
        "BT-4500",
        "Transportation to medical appointments",
        "Holyoke",
        "01040",
        ("en", "es"),
        (None, None),
        "MassHealth members",
    ),
    (
        "Casa Esperanza Counseling",
        "RP-1400",
        "Mental health counseling",
        "Holyoke",
        "01040",
        ("es",),
        (12, None),
        "Spanish-speaking families",
    ),
    (
        "Youth Housing Project",
        "BH-8400",
        "Transitional housing",
        "Chicopee",
        "01013",
        ("en",),
        (16, 24),
        "Young people leaving foster care",
    ),
    (
        "Utility Help Desk",
        "BV-8900",
        "Utility assistance",
        "Springfield",
        "01105",
        ("en", "vi"),
        (None, None),
        "Households under 200% of the poverty line",
    ),
)

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "vi": "Vietnamese"}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def directory_document() -> list[dict[str, Any]]:
    """The demo directory as HSDS API JSON (a list of services)."""
    taxonomy = {"id": _id("taxonomy"), "name": "Demo needs", "description": "Demo"}
    services = []
    for name, code, need, city, postal, languages, (low, high), eligibility in DEMO_SERVICES:
        location = _id(name, "location")
        services.append(
            {
                "id": _id(name),
                "name": name,
                "status": "active",
                "description": f"{need} in {city}.",
                "eligibility_description": eligibility,
                "minimum_age": low,
                "maximum_age": high,
                "organization": {"id": _id(name, "org"), "name": name, "description": need},
                "languages": [
                    {"id": _id(name, code_), "code": code_, "name": LANGUAGE_NAMES[code_]}
                    for code_ in languages
                ],
                "service_at_locations": [
                    {
                        "id": _id(name, "sal"),
                        "location": {
                            "id": location,
                            "location_type": "physical",
                            "name": name,
                            "addresses": [
                                {
                                    "id": _id(name, "address"),
                                    "address_1": "1 Main Street",
                                    "city": city,
                                    "state_province": "MA",
                                    "postal_code": postal,
                                    "country": "US",
                                    "address_type": "physical",
                                }
                            ],
                        },
                    }
                ],
                "attributes": [
                    {
                        "id": _id(name, "need"),
                        "taxonomy_term": {
                            "id": _id("term", code),
                            "code": code,
                            "name": need,
                            "description": need,
                            "taxonomy_detail": taxonomy,
                        },
                    }
                ],
            }
        )
    return services


def directory_seed() -> int:
    """Import the demo directory; returns the number of rejects (0)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "directory.json"
        path.write_text(json.dumps(directory_document()), encoding="utf-8")
        return len(directory_import(path).rejects)
