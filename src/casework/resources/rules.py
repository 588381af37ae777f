"""HSDS 3.0 validation, pure (no ORM, no files): tables of rows in, accepted rows and
exact rejects out.

A reject names the table, the row (1-based data row of a CSV file, or the record's
position in a JSON document), the record's id, the field and the reason. A row is
rejected whole; rows that refer to a rejected or missing row are rejected in turn
("unknown organization", "unknown taxonomy term", ...), so what is stored is always a
consistent directory. Tables are checked in dependency order.

What is checked (HSDS 3.0, ../shared/reference/regulatory-timers.md section F):
- required fields per table (`REQUIRED`);
- every id and every reference to another table's id is a UUID (tax_id is not an id);
- ids are unique within a table;
- enumerations: service.status, location.location_type;
- minimum_age / maximum_age are whole numbers, minimum not above maximum;
- references that the directory relies on (`REFERENCES`) point at an accepted row;
  an attribute's taxonomy_term_id must name a known taxonomy term, and an attribute
  whose link_entity is "service" must link a known service.

Not enforced, and why: a taxonomy term's parent_id and taxonomy_id, a location's
organization_id and an organization's parent_organization_id may point outside the data
set (a location shared by organisations of several data sets) (Open Referral's
own example package does so: the term names a taxonomy it does not ship); they are
kept as given.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)

SERVICE_STATUSES = frozenset({"active", "inactive", "defunct", "temporarily closed"})
LOCATION_TYPES = frozenset({"physical", "postal", "virtual"})

# The HSDS 3.0 tables, in dependency order (a table refers only to those before it).
TABLES: tuple[str, ...] = (
    "taxonomies",
    "taxonomy_terms",
    "organizations",
    "programs",
    "services",
    "locations",
    "addresses",
    "service_at_location",
    "languages",
    "service_areas",
    "attributes",
    "phones",
    "contacts",
    "schedules",
    "accessibility",
    "cost_options",
    "funding",
    "required_documents",
    "organization_identifiers",
    "metadata",
    "meta_table_descriptions",
)

REQUIRED: dict[str, tuple[str, ...]] = {
    "taxonomies": ("id", "name", "description"),
    "taxonomy_terms": ("id", "name", "description"),
    "organizations": ("id", "name", "description"),
    "programs": ("id", "organization_id", "name", "description"),
    "services": ("id", "name", "status"),
    "locations": ("id", "location_type"),
    "addresses": (
        "id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "service_at_location": ("id", "service_id", "location_id"),
    "languages": ("id",),
    "service_areas": ("id",),
    "attributes": ("id", "link_id", "taxonomy_term_id"),
    "phones": ("id", "number"),
}

# field → (table it names, what a reject calls a missing one)
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "programs": {"organization_id": ("organizations", "unknown organization")},
    "services": {
        "organization_id": ("organizations", "unknown organization"),
        "program_id": ("programs", "unknown program"),
    },
    "addresses": {"location_id": ("locations", "unknown location")},
    "service_at_location": {
        "service_id": ("services", "unknown service"),
        "location_id": ("locations", "unknown location"),
    },
    "languages": {
        "service_id": ("services", "unknown service"),
        "location_id": ("locations", "unknown location"),
    },
    "service_areas": {"service_id": ("services", "unknown service")},
    "attributes": {"taxonomy_term_id": ("taxonomy_terms", "unknown taxonomy term")},
}

NOT_IDS = frozenset({"tax_id"})


@dataclass(frozen=True)
class Reject:
    table: str
    row: int
    record_id: str
    field: str
    reason: str

    def __str__(self) -> str:
        ident = f" id {self.record_id}" if self.record_id else ""
        return f"{self.table} row {self.row}{ident}: {self.field}: {self.reason}"


@dataclass
class Checked:
    accepted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    unknown_tables: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _is_id_field(name: str) -> bool:
    return (name == "id" or name.endswith("_id")) and name not in NOT_IDS


def _whole(value: Any) -> int | None:
    """A whole number from CSV text or JSON; None for blank; ValueError otherwise."""
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError
    return int(text)


def check_row(
    table: str, row: Mapping[str, Any], known: Mapping[str, set[str]]
) -> tuple[str, str] | None:
    """The first problem with one row as (field, reason), or None when it is acceptable.
    `known` holds the accepted ids of the tables checked before this one."""
    for name in REQUIRED.get(table, ("id",)):
        if _text(row.get(name)) == "":
            return name, "required field is missing"
    for name, value in row.items():
        if _is_id_field(name) and _text(value) and not UUID_RE.match(_text(value)):
            return name, f"not a UUID: {_text(value)!r}"
    if table == "services":
        status = _text(row.get("status"))
        if status not in SERVICE_STATUSES:
            return "status", f"must be one of {', '.join(sorted(SERVICE_STATUSES))}: {status!r}"
        ages: dict[str, int | None] = {}
        for name in ("minimum_age", "maximum_age"):
            try:
                ages[name] = _whole(row.get(name))
            except ValueError:
                return name, f"not a whole number: {_text(row.get(name))!r}"
            age = ages[name]
            if age is not None and not 0 <= age <= 150:
                return name, f"out of range 0-150: {age}"
        low, high = ages["minimum_age"], ages["maximum_age"]
        if low is not None and high is not None and low > high:
            return "minimum_age", f"above maximum_age ({low} > {high})"
    if table == "locations":
        kind = _text(row.get("location_type"))
        if kind not in LOCATION_TYPES:
            return "location_type", f"must be one of {', '.join(sorted(LOCATION_TYPES))}: {kind!r}"
    if table == "attributes" and _text(row.get("link_entity")) == "service":
        link = _text(row.get("link_id"))
        if link not in known.get("services", set()):
            return "link_id", f"unknown service: {link}"
    for name, (target, reason) in REFERENCES.get(table, {}).items():
        ref = _text(row.get(name))
        if ref and ref not in known.get(target, set()):
            return name, f"{reason}: {ref}"
    return None


def check(tables: Mapping[str, Iterable[tuple[int, Mapping[str, Any]]]]) -> Checked:
    """Check every table (rows numbered by their source) in dependency order."""
    out = Checked(unknown_tables=sorted(set(tables) - set(TABLES)))
    known: dict[str, set[str]] = {}
    for table in TABLES:
        ids: set[str] = set()
        accepted: list[dict[str, Any]] = []
        for number, row in tables.get(table, ()):
            record_id = _text(row.get("id"))
            problem = check_row(table, row, known)
            if problem is None and record_id in ids:
                problem = ("id", "duplicate id")
            if problem is not None:
                out.rejects.append(Reject(table, number, record_id, *problem))
                continue
            ids.add(record_id)
            accepted.append(dict(row))
        known[table] = ids
        out.accepted[table] = accepted
    return out


def age_of(value: Any) -> int | None:
    """A checked row's age field as a number (blank → None)."""
    return _whole(value)
