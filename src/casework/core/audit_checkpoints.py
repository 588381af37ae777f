"""Audit chain checkpoints outside the database (S24; docs/adr/0002-audit-chain.md).

After each sealing batch commits, the sealer appends one line to an append-only file the
operator configures (`CASEWORK_AUDIT_CHECKPOINT_FILE`, on another volume than the
database, ideally `chattr +a` and shipped elsewhere): the chain's head seq, its MAC, the
id of the last sealed event and how many events the chain covers, with an HMAC over the
line (a key derived from `CASEWORK_AUDIT_KEY`). The file is opened with O_APPEND and
each line is fsync'ed before the sealer goes on.

The sealer refuses to seal when the database's chain is below (or differs from) the
highest checkpoint; `audit verify` checks every checkpoint against the chain. Someone
who can write the database but not this file therefore cannot cut, rewrite or re-seal
the chain without `audit verify` naming the first seq they touched.
"""

import hashlib
import hmac
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from casework.core import clock

# Domain separation: the checkpoint MAC key is derived from the audit key.
CHECKPOINT_KEY_LABEL = b"casework audit checkpoint v1"


class CheckpointError(Exception):
    """The checkpoint file is unreadable or holds a line without a valid MAC."""


@dataclass(frozen=True)
class Checkpoint:
    """One line of the checkpoint file."""

    seq: int
    mac: str
    event_id: int
    events: int
    at: str

    def payload(self) -> bytes:
        fields = {
            "seq": self.seq,
            "mac": self.mac,
            "event_id": self.event_id,
            "events": self.events,
            "at": self.at,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_path() -> Path:
    """The configured checkpoint file; the sealer and verify refuse to run without one."""
    value = getattr(settings, "CASEWORK_AUDIT_CHECKPOINT_FILE", "")
    if not value:
        raise ImproperlyConfigured(
            "CASEWORK_AUDIT_CHECKPOINT_FILE is not set: the audit chain needs an "
            "append-only checkpoint file outside the database (docs/audit.md)"
        )
    return Path(value)


def _line_mac(key: bytes, checkpoint: Checkpoint) -> str:
    derived = hmac.new(key, CHECKPOINT_KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(derived, checkpoint.payload(), hashlib.sha256).hexdigest()


def checkpoint_append(*, key: bytes, seq: int, mac: str, event_id: int, path: Path) -> None:
    """Append one checkpoint line (O_APPEND, then fsync) to the file at `path`."""
    at: datetime = clock.now()
    checkpoint = Checkpoint(seq=seq, mac=mac, event_id=event_id, events=seq, at=at.isoformat())
    line = json.loads(checkpoint.payload())
    line["cmac"] = _line_mac(key, checkpoint)
    data = (json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n").encode()
    created = not path.exists()
    if created:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # make the new file's directory entry durable too
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _parse(key: bytes, raw: bytes, number: int, path: Path) -> Checkpoint:
    try:
        line = json.loads(raw)
        checkpoint = Checkpoint(
            seq=int(line["seq"]),
            mac=str(line["mac"]),
            event_id=int(line["event_id"]),
            events=int(line["events"]),
            at=str(line["at"]),
        )
        cmac = str(line["cmac"])
    except (ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"{path} line {number} is not a checkpoint") from error
    if not hmac.compare_digest(_line_mac(key, checkpoint), cmac):
        raise CheckpointError(f"{path} line {number} does not match its MAC (forged or edited)")
    return checkpoint


def checkpoints_read(*, key: bytes, path: Path, offset: int = 0) -> tuple[list[Checkpoint], int]:
    """Every complete line from byte `offset` on, checked; and the offset after the last
    complete line (a line cut short by a crash mid-write is left for the next read)."""
    if not path.exists():
        return [], offset
    with path.open("rb") as handle:
        handle.seek(offset)
        data = handle.read()
    end = data.rfind(b"\n") + 1
    first_line = 1 + (offset and _lines_before(path, offset))
    found = [
        _parse(key, raw, first_line + i, path)
        for i, raw in enumerate(data[:end].splitlines())
        if raw.strip()
    ]
    return found, offset + end


def _lines_before(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n")


class HighWaterMark:
    """The highest checkpoint in the file, read incrementally (each process keeps its
    place in the file, so the sealer reads only the lines appended since its last pass)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._offset = 0
        self._best: Checkpoint | None = None

    def highest(self, *, key: bytes, path: Path) -> Checkpoint | None:
        with self._lock:
            if path != self._path:  # another file configured (a test's, a new volume)
                self._path, self._offset, self._best = path, 0, None
            size = path.stat().st_size if path.exists() else 0
            if size < self._offset:
                raise CheckpointError(
                    f"{path} is shorter than when it was last read ({size} < {self._offset} "
                    "bytes): it is append-only, so it was truncated or replaced"
                )
            found, self._offset = checkpoints_read(key=key, path=path, offset=self._offset)
            for checkpoint in found:
                if self._best is None or checkpoint.seq > self._best.seq:
                    self._best = checkpoint
            return self._best


HIGH_WATER = HighWaterMark()
