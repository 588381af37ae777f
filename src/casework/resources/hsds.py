"""Read an Open Referral HSDS 3.0 data set into tables of rows (no ORM).

Two shapes are accepted:
- the CSV data package: a directory (or its `datapackage.json`) holding one CSV file per
  table, `services.csv`, `organizations.csv`, ... The package's `datapackage.json` names
  the files; where it is not a JSON document (Open Referral's example package ships it
  as a link to the canonical HSDS schema file), the CSV files present whose names are
  HSDS tables are read;
- HSDS API JSON: one service as `GET /services/{id}` returns it (with its organization,
  languages, service_at_locations → location → addresses, service_areas and attributes
  → taxonomy_term → taxonomy_detail nested), a list of them, or a `/services` page
  (`{"contents": [...]}`).

Each row carries its number in the source: the 1-based data row of its CSV file, or the
position of the service it came from in the JSON document.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casework.resources.rules import TABLES

type Rows = list[tuple[int, dict[str, Any]]]


class SourceError(Exception):
    """The data set cannot be read at all (nothing is imported)."""


@dataclass
class Source:
    kind: str  # "csv" or "json"
    tables: dict[str, Rows] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read(path: Path) -> Source:
    if path.is_dir():
        return _read_package(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file or directory")
    if path.name == "datapackage.json":
        return _read_package(path.parent)
    if path.suffix.lower() == ".json":
        return _read_api_json(path)
    raise SourceError(
        f"{path}: expected a data package directory, datapackage.json or a .json file"
    )


def _read_package(folder: Path) -> Source:
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        raise SourceError(f"{folder}: no datapackage.json (not an HSDS CSV data package)")
    source = Source("csv")
    files: dict[str, Path] = {}
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        package = None
    if isinstance(package, dict) and isinstance(package.get("resources"), list):
        for resource in package["resources"]:
            rel = resource.get("path") if isinstance(resource, dict) else None
            if isinstance(rel, str) and rel.endswith(".csv") and (folder / rel).is_file():
                files[Path(rel).stem] = folder / rel
    else:
        source.notes.append(
            "datapackage.json is not a JSON descriptor (a link to the HSDS schema?): "
            "reading the HSDS tables' CSV files present"
        )
        files = {
            table: folder / f"{table}.csv"
            for table in TABLES
            if (folder / f"{table}.csv").is_file()
        }
    for table, file in sorted(files.items()):
        source.tables[table] = list(_csv_rows(file))
    unknown = sorted(set(source.tables) - set(TABLES))
    if unknown:
        source.notes.append(f"tables not in HSDS 3.0 ignored: {', '.join(unknown)}")
    if "services" not in source.tables:
        raise SourceError(f"{folder}: no services.csv")
    return source


def _csv_rows(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                yield number, {k.strip(): v for k, v in row.items() if k is not None}
    except UnicodeDecodeError as exc:
        raise SourceError(f"{file.name}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise SourceError(f"{file.name}: not a CSV file ({exc})") from exc


def _scalars(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not isinstance(v, dict | list)}


def _read_api_json(path: Path) -> Source:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name}: not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path.name}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        services = document["contents"]
    elif isinstance(document, dict):
        services = [document]
    elif isinstance(document, list):
        services = document
    else:
        raise SourceError(f"{path.name}: expected a service, a list of services or a page")
    source = Source("json", {table: [] for table in TABLES})
    seen: dict[str, set[str]] = {table: set() for table in TABLES}

    def add(table: str, number: int, row: dict[str, Any], *, shared: bool = False) -> None:
        # Records nested under many services (an organization, a taxonomy term) appear
        # once per service: keep the first.
        ident = str(row.get("id") or "")
        if shared and ident and ident in seen[table]:
            return
        seen[table].add(ident)
        source.tables[table].append((number, row))

    for number, service in enumerate(services, start=1):
        if not isinstance(service, dict):
            source.tables["services"].append((number, {}))
            continue
        row = _scalars(service)
        org = service.get("organization")
        if isinstance(org, dict):
            add("organizations", number, _scalars(org), shared=True)
            row.setdefault("organization_id", org.get("id"))
        program = service.get("program")
        if isinstance(program, dict):
            add(
                "programs",
                number,
                {"organization_id": row.get("organization_id"), **_scalars(program)},
                shared=True,
            )
            row.setdefault("program_id", program.get("id"))
        add("services", number, row)
        sid = row.get("id")
        for language in _dicts(service.get("languages")):
            add("languages", number, {**_scalars(language), "service_id": sid})
        for area in _dicts(service.get("service_areas")):
            add("service_areas", number, {**_scalars(area), "service_id": sid})
        for sal in _dicts(service.get("service_at_locations")):
            location = sal.get("location")
            sal_row = {**_scalars(sal), "service_id": sid}
            if isinstance(location, dict):
                add("locations", number, _scalars(location), shared=True)
                sal_row.setdefault("location_id", location.get("id"))
                for address in _dicts(location.get("addresses")):
                    add(
                        "addresses",
                        number,
                        {**_scalars(address), "location_id": location.get("id")},
                        shared=True,
                    )
            add("service_at_location", number, sal_row)
        for attribute in _dicts(service.get("attributes")):
            term = attribute.get("taxonomy_term")
            attr_row = {**_scalars(attribute), "link_id": sid, "link_entity": "service"}
            if isinstance(term, dict):
                detail = term.get("taxonomy_detail")
                term_row = _scalars(term)
                if isinstance(detail, dict):
                    add("taxonomies", number, _scalars(detail), shared=True)
                    term_row.setdefault("taxonomy_id", detail.get("id"))
                add("taxonomy_terms", number, term_row, shared=True)
                attr_row.setdefault("taxonomy_term_id", term.get("id"))
            add("attributes", number, attr_row)
    return source


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
