"""Pure rules of coordination records: the 42 CFR Part 2 labels and notice (S40), shared
by every context that holds Part 2 records (notes, assessments), and which notes belong
to a span of time (a hospital stay's appeal packet)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# HL7 security labels of a substance-use-disorder record (DS4P): confidentiality R
# (restricted) and sensitivity ETH (substance abuse information), kept in every output.
PART2_SECURITY_LABELS = ("R", "ETH")
# 42 CFR 2.32 (2024 rule), Statement 1: every disclosure of a Part 2 record carries it,
# with the scope of the consent it is disclosed under.
PART2_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, "
    "or testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, "
    "except as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with "
    "42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from making any other "
    "use or disclosure of this record unless at least one of the following applies: (A) "
    "Further use or disclosure is expressly permitted by the written consent of the "
    "individual whose information is being disclosed in this record or as otherwise "
    "permitted by 42 CFR part 2. (B) You are a covered entity or business associate and "
    "have received the record for treatment, payment, or health care operations, or (C) "
    "You have received the record from a covered entity or business associate as "
    "permitted by 45 CFR part 164, subparts A and E. A general authorization for the "
    "release of medical or other information is NOT sufficient to meet the required "
    "elements of written consent to further use or redisclose the record (see 42 CFR 2.31)."
)


def security_labels(*, part2: bool) -> list[str]:
    """The HL7 security labels a record carries."""
    return list(PART2_SECURITY_LABELS) if part2 else []


CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
# The FHIR `meta.security` of a Part 2 resource: confidentiality R (restricted) and the
# policy 42CFRPart2 (HL7 v3 ActCode, "42 CFR Part2"), as DS4P labels them.
PART2_FHIR_SECURITY = (
    {"system": CONFIDENTIALITY_SYSTEM, "code": "R", "display": "restricted"},
    {"system": ACT_CODE_SYSTEM, "code": "42CFRPart2", "display": "42 CFR Part2"},
)


def fhir_meta(*, part2: bool) -> dict[str, list[dict[str, str]]]:
    """The `meta` a FHIR resource carries for its Part 2 label: empty when not Part 2."""
    return {"security": [dict(c) for c in PART2_FHIR_SECURITY]} if part2 else {}


def fhir_part2(*, part2: bool, notice: bool = False) -> dict[str, Any]:
    """What a FHIR resource made from a Part 2 record carries (S40): its `meta.security`
    labels and, with `notice`, the 42 CFR 2.32 statement as its narrative (`text`, status
    additional). Nothing for any other record."""
    if not part2:
        return {}
    labelled: dict[str, Any] = {"meta": fhir_meta(part2=True)}
    if notice:
        div = f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{PART2_NOTICE}</p></div>'
        labelled["text"] = {"status": "additional", "div": div}
    return labelled


@dataclass(frozen=True)
class NoteVersion:
    """A note as first signed and in its latest version (the same note when never
    amended)."""

    first: Any
    latest: Any

    @property
    def amended(self) -> bool:
        return self.first.pk != self.latest.pk


def note_versions(notes: Sequence[Any], start: datetime, end: datetime) -> list[NoteVersion]:
    """The notes first signed from `start` to `end` (both included), oldest first, each
    in its latest version: a correction (an amendment, signed whenever) takes the place of
    what it corrects; an amendment of a note first signed outside the span is left out.
    `notes` (anything with `pk`, `amends_id` and `signed_at`, like `models.Note`) must
    hold every amendment of the notes it holds."""
    by_amended = {n.amends_id: n for n in notes if n.amends_id is not None}
    versions = []
    for note in sorted(notes, key=lambda n: (n.signed_at, n.pk)):
        if note.amends_id is not None or not start <= note.signed_at <= end:
            continue
        latest = note
        while latest.pk in by_amended:
            latest = by_amended[latest.pk]
        versions.append(NoteVersion(first=note, latest=latest))
    return versions
