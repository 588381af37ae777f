"""Criteria library: versioned criteria sets as JSON files, loading, validation, review.

A criteria set (docs/population.md, "Criteria file format") names its rules over scores,
utilisation counts, diagnoses, drug classes and social-risk flags, and the tiers built
from them. It carries citations, an author, an effective date and a review-due date one
year later. Rules may never read a protected attribute (sex, race, ethnicity, language,
age, names): the loader rejects such a rule, and the pipeline gives rules no access to
demographics (see tests/population/test_bias.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from casework.population.schema import PROTECTED_ATTRIBUTES
from casework.population.scores import CHARLSON_WEIGHTINGS, HospitalSettings, LaceSettings
from casework.population.tables import table_load

METRICS = frozenset(
    {
        "charlson",
        "elixhauser_vw",
        "lace",
        "hospital",
        "hospital_simplified",
        "inpatient_admissions",
        "ed_visits",
        "allowed_amount_total",
        "pharmacy_fills",
        "distinct_drug_classes",
    }
)
"""Member features a ``metric`` rule may compare (docs/population.md, "Metrics")."""

OPERATORS = (">=", ">", "<=", "<", "==")
RULE_KINDS = ("metric", "diagnosis", "drug_class", "social_risk")
RULE_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ALLOWED_KEYS = {
    "metric": {"id", "kind", "description", "metric", "op", "value"},
    "diagnosis": {"id", "kind", "description", "code_system", "prefixes"},
    "drug_class": {"id", "kind", "description", "classes"},
    "social_risk": {"id", "kind", "description", "flags"},
}


class CriteriaError(ValueError):
    """A criteria file that does not follow the documented format."""


@dataclass(frozen=True)
class Rule:
    """One rule; ``value`` is the threshold of a metric rule."""

    id: str
    kind: str
    description: str
    metric: str | None = None
    op: str | None = None
    value: float | None = None
    code_system: str | None = None
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tier:
    """A tier: members with at least ``min_fired`` of the ``any_of`` rules fired."""

    tier: int
    label: str
    any_of: tuple[str, ...]
    min_fired: int


@dataclass(frozen=True)
class Criteria:
    """A loaded and validated criteria set."""

    criteria_id: str
    version: str
    title: str
    author: str
    effective_date: dt.date
    review_due_date: dt.date
    citations: tuple[str, ...]
    lookback_days: int
    charlson_weighting: str
    lace: LaceSettings
    hospital: HospitalSettings
    rules: tuple[Rule, ...]
    tiers: tuple[Tier, ...]
    source_sha256: str
    condition_dating: str = "active_during_window"
    """Which diagnoses count in the window (``pipeline.diagnoses_in_window``):
    ``active_during_window`` or ``start_in_window``."""


CONDITION_DATINGS = ("active_during_window", "start_in_window")


def add_one_year(day: dt.date) -> dt.date:
    """The same calendar day a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _date(data: dict[str, Any], key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(data[key]))
    except (KeyError, ValueError):
        raise CriteriaError(f"{key}: missing or not an ISO date") from None


def _rule(raw: dict[str, Any]) -> Rule:
    referenced = {str(v) for v in raw.values() if isinstance(v, str)}
    for value in raw.values():
        if isinstance(value, list):
            referenced |= {str(v) for v in value}
    protected = sorted(referenced & PROTECTED_ATTRIBUTES)
    if protected:
        raise CriteriaError(
            f"rule {raw.get('id')!r} references protected attribute(s) {', '.join(protected)}; "
            "protected attributes are reported on, never used to select"
        )
    kind = raw.get("kind")
    if kind not in RULE_KINDS:
        raise CriteriaError(f"rule {raw.get('id')!r}: unknown kind {kind!r}")
    rule_id = str(raw.get("id", ""))
    if not RULE_ID.match(rule_id):
        raise CriteriaError(f"rule id {rule_id!r} must match {RULE_ID.pattern}")
    extra = set(raw) - ALLOWED_KEYS[kind]
    if extra:
        raise CriteriaError(f"rule {rule_id!r}: unexpected key(s) {', '.join(sorted(extra))}")
    description = str(raw.get("description", ""))
    if kind == "metric":
        metric = raw.get("metric")
        if metric not in METRICS:
            raise CriteriaError(f"rule {rule_id!r}: unknown metric {metric!r}")
        if raw.get("op") not in OPERATORS:
            raise CriteriaError(f"rule {rule_id!r}: op must be one of {', '.join(OPERATORS)}")
        if not isinstance(raw.get("value"), int | float):
            raise CriteriaError(f"rule {rule_id!r}: value must be a number")
        return Rule(rule_id, kind, description, metric, raw["op"], float(raw["value"]))
    if kind == "diagnosis":
        if raw.get("code_system") not in ("ICD10CM", "ICD9CM"):
            raise CriteriaError(f"rule {rule_id!r}: code_system must be ICD10CM or ICD9CM")
        prefixes = tuple(str(p).upper().replace(".", "") for p in raw.get("prefixes", []))
        if not prefixes:
            raise CriteriaError(f"rule {rule_id!r}: prefixes must not be empty")
        return Rule(rule_id, kind, description, code_system=raw["code_system"], items=prefixes)
    if kind == "drug_class":
        classes = tuple(str(c).lower() for c in raw.get("classes", []))
        if not classes:
            raise CriteriaError(f"rule {rule_id!r}: classes must not be empty")
        return Rule(rule_id, kind, description, items=classes)
    flags = tuple(str(f) for f in raw.get("flags", []))
    known = {r["flag"] for r in table_load("social_risk_zcodes")["rows"]}
    unknown = sorted(set(flags) - known)
    if not flags or unknown:
        raise CriteriaError(f"rule {rule_id!r}: unknown or missing social-risk flag(s) {unknown}")
    return Rule(rule_id, kind, description, items=flags)


def criteria_parse(text: str) -> Criteria:
    """Parse and validate a criteria file's JSON text."""
    import hashlib

    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CriteriaError(f"not JSON: {error}") from None
    for key in ("criteria_id", "version", "title", "author", "citations", "rules", "tiers"):
        if not data.get(key):
            raise CriteriaError(f"{key}: missing")
    effective = _date(data, "effective_date")
    due = _date(data, "review_due_date")
    if due != add_one_year(effective):
        raise CriteriaError(
            f"review_due_date must be one year after effective_date ({add_one_year(effective)})"
        )
    rules = tuple(_rule(r) for r in data["rules"])
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise CriteriaError("rule ids must be unique")
    tiers = []
    for raw in data["tiers"]:
        any_of = tuple(raw.get("any_of", []))
        unknown = sorted(set(any_of) - set(ids))
        if not any_of or unknown:
            raise CriteriaError(f"tier {raw.get('tier')}: unknown or missing rules {unknown}")
        min_fired = int(raw.get("min_fired", 1))
        if not 1 <= min_fired <= len(any_of):
            raise CriteriaError(f"tier {raw.get('tier')}: min_fired out of range")
        tiers.append(Tier(int(raw["tier"]), str(raw["label"]), any_of, min_fired))
    settings = data.get("settings", {})
    dating = data.get("condition_dating", CONDITION_DATINGS[0])
    if dating not in CONDITION_DATINGS:
        raise CriteriaError(f"condition_dating must be one of {', '.join(CONDITION_DATINGS)}")
    weighting = settings.get("charlson_weighting", "quan2011")
    if weighting not in CHARLSON_WEIGHTINGS:
        raise CriteriaError(f"settings.charlson_weighting: unknown {weighting!r}")
    lace_settings = dict(settings.get("lace", {}))
    if "acute_admit_types" in lace_settings:
        lace_settings["acute_admit_types"] = tuple(lace_settings["acute_admit_types"])
    hospital_settings = dict(settings.get("hospital", {}))
    for key in ("urgent_admit_types", "oncology_service_lines"):
        if key in hospital_settings:
            hospital_settings[key] = tuple(hospital_settings[key])
    try:
        lace = LaceSettings(**lace_settings)
        hospital = HospitalSettings(**hospital_settings)
    except TypeError as error:
        raise CriteriaError(f"settings: {error}") from None
    return Criteria(
        criteria_id=str(data["criteria_id"]),
        version=str(data["version"]),
        title=str(data["title"]),
        author=str(data["author"]),
        effective_date=effective,
        review_due_date=due,
        citations=tuple(str(c) for c in data["citations"]),
        lookback_days=int(data.get("lookback_days", 365)),
        charlson_weighting=weighting,
        lace=lace,
        hospital=hospital,
        rules=rules,
        tiers=tuple(sorted(tiers, key=lambda t: t.tier)),
        source_sha256=hashlib.sha256(text.encode()).hexdigest(),
        condition_dating=dating,
    )


def criteria_library() -> dict[str, Path]:
    """``{criteria_id: path}`` of the criteria sets shipped in ``criteria_sets/``."""
    folder = resources.files("casework.population").joinpath("criteria_sets")
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            found[json.loads(entry.read_text())["criteria_id"]] = Path(str(entry))
    return found


def criteria_load(name_or_path: str) -> Criteria:
    """Load a shipped criteria set by id, or any criteria file by path."""
    library = criteria_library()
    path = library.get(name_or_path) or Path(name_or_path)
    if not path.exists():
        raise CriteriaError(
            f"no criteria set {name_or_path!r}; shipped: {', '.join(sorted(library))}"
        )
    try:
        return criteria_parse(path.read_text(encoding="utf-8"))
    except CriteriaError as error:
        raise CriteriaError(f"{path.name}: {error}") from None


@dataclass(frozen=True)
class Review:
    """One recorded annual review of a criteria set."""

    criteria_id: str
    version: str
    reviewer: str
    reviewed_on: dt.date
    notes: str
    next_review_due: dt.date


def criteria_review(
    criteria: Criteria, *, reviewer: str, reviewed_on: dt.date, notes: str, log_path: Path
) -> Review:
    """Record the annual review of ``criteria`` in the append-only JSON-lines ``log_path``.

    The next review falls due one year after this one.
    """
    if not reviewer.strip():
        raise CriteriaError("a review needs a reviewer")
    review = Review(
        criteria.criteria_id,
        criteria.version,
        reviewer.strip(),
        reviewed_on,
        notes,
        add_one_year(reviewed_on),
    )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as handle:
        record = review.__dict__ | {
            "reviewed_on": reviewed_on.isoformat(),
            "next_review_due": review.next_review_due.isoformat(),
        }
        handle.write(json.dumps(record, sort_keys=True) + "\n")
    return review


def criteria_review_due(criteria: Criteria, log_path: Path | None) -> dt.date:
    """When ``criteria`` is next due for review: a year after its latest recorded review of
    this version, or its ``review_due_date`` when none is recorded."""
    due = criteria.review_due_date
    if log_path is not None and log_path.exists():
        for line in log_path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if (record["criteria_id"], record["version"]) == (
                criteria.criteria_id,
                criteria.version,
            ):
                due = max(due, dt.date.fromisoformat(record["next_review_due"]))
    return due
