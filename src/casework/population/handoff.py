"""Hand-off of a finished run to the case-management queue (Django side, not here).

``selected_members`` reads a run folder and yields one plain dict per selected member
with a stable idempotency key ``screen:{member_id}:{window_start}:{window_end}``, so the
importer creates each referral once however often a run (or the import) repeats.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def idempotency_key(member_id: str, window_start: str, window_end: str) -> str:
    """The referral key for a member screened over a window."""
    return f"screen:{member_id}:{window_start}:{window_end}"


def selected_members(run_dir: Path | str) -> Iterator[dict[str, Any]]:
    """Yield each selected member of the run in ``run_dir`` (see module docstring)."""
    folder = Path(run_dir)
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    start, end = manifest["window_start"], manifest["window_end"]
    with (folder / "selected.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            yield {
                "member_id": record["member_id"],
                "given_name": record["given_name"],
                "family_name": record["family_name"],
                "birth_date": record["birth_date"],
                "sex": record["sex"],
                "language": record["language"],
                "tier": record["tier"],
                "tier_label": record["tier_label"],
                "reasons": record["reasons"],
                "criteria_id": manifest["criteria_id"],
                "criteria_version": manifest["criteria_version"],
                "input_snapshot": manifest["input_snapshot"],
                "window_start": start,
                "window_end": end,
                "idempotency_key": idempotency_key(record["member_id"], start, end),
            }
