"""Writing audit events (N1, N2, S20) and sealing them into an HMAC-SHA256 chain (S24).

`audit_record` is called inside the same transaction as the service's writes, so an
event exists exactly when the change does; each event carries its own MAC from its
INSERT. Sealing happens afterwards, in one writer (`casework audit seal`, also run by
`casework sweep`), so request handling never waits on a chain lock; the sealer seals
only events whose MAC holds and checkpoints the chain to a file outside the database
(core.audit_checkpoints). See docs/adr/0002-audit-chain.md.
"""

import contextlib
import functools
import hashlib
import hmac
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections, router, transaction
from django.db.models import Exists, OuterRef

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit_checkpoints import (
    HIGH_WATER,
    CheckpointError,
    checkpoint_append,
    checkpoint_path,
    checkpoints_read,
)
from casework.core.models import AuditAction, AuditEvent, AuditOutcome, AuditSeal
from casework.core.prepared import PreparedInsert

GENESIS = "0" * 64


# Every request writes an event: its INSERT is compiled once per database (core.prepared).
_INSERT = PreparedInsert(AuditEvent, explicit_pk=True)


def _next_id(using: str) -> int:
    """The id the next audit event will have, allocated before its INSERT (its MAC covers
    it). PostgreSQL: from a block of the column's sequence that this process reserved
    (one round trip per ID_BLOCK events, not one per event). SQLite: one past the table's
    AUTOINCREMENT counter, read in the transaction that holds SQLite's single write lock,
    so committed ids stay dense (1, 2, 3, ... with no gap: a rolled-back event rolls the
    counter back)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        return _ID_BLOCKS.take(using)
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_NEXT_ID)
        return int(cursor.fetchone()[0])


_SQLITE_NEXT_ID = (
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'core_auditevent'), 0),"
    " coalesce((SELECT max(id) FROM core_auditevent), 0)) + 1"
)

# Ids a PostgreSQL process reserves at a time. Ids from several processes interleave,
# so id order is not quite commit order (it never was: transactions commit out of
# order); the sealer's quick pass looks RECENT_WINDOW ids back, far more than the
# blocks the busy processes hold, and its full pass finds the rest.
ID_BLOCK = 32


class _IdBlocks:
    """Per process and database: the reserved ids not yet used (never shared with a
    forked child, which reserves its own)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._free: dict[str, list[int]] = {}
        self._sequence: dict[str, str] = {}

    def take(self, using: str) -> int:
        with self._lock:
            if self._pid != os.getpid():
                self._pid, self._free = os.getpid(), {}
            free = self._free.setdefault(using, [])
            if not free:
                free.extend(reversed(self._reserve(using)))
            return free.pop()

    def _reserve(self, using: str) -> list[int]:
        # On the driver's own cursor: one round trip per ID_BLOCK events, amortized, so
        # it stays out of the per-request query counts (CaptureQueriesContext) that the
        # query budgets pin exactly.
        connection = connections[using]
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            sequence = self._sequence.get(using)
            if sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence('core_auditevent', 'id')")
                sequence = self._sequence[using] = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, ID_BLOCK])
            return sorted(row[0] for row in cursor.fetchall())


_ID_BLOCKS = _IdBlocks()


def ids_are_dense(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether committed event ids have no gaps (SQLite) or may have some (PostgreSQL,
    whose sequences skip the ids of rolled-back transactions)."""
    return connections[using].vendor == "sqlite"


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    outcome: str = AuditOutcome.SUCCESS,
    consumer_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
    client_address: str | None = None,
) -> AuditEvent:
    """Append one audit event, with its own MAC over every column (its id included).
    Detail holds identifiers and counts, never PHI values."""
    address = actor.client_address if actor else client_address
    event = AuditEvent(
        occurred_at=clock.now(),
        actor=actor.user if actor else None,
        actor_username=actor.user.username if actor else username,
        actor_role=actor.role if actor else "",
        action=action,
        outcome=outcome,
        consumer_id=consumer_id,
        object_type=object_type,
        object_id="" if object_id in (None, "") else str(object_id),
        purpose_of_use=actor.purpose_of_use if actor else "",
        # As the database will return it (IPv6 normalized, no address as NULL), so the
        # MAC computed here matches the row read back.
        client_address=_ADDRESS_FIELD.get_prep_value(address) or None,
        break_glass=actor.break_glass if actor else False,
        detail=detail or {},
    )
    using = router.db_for_write(AuditEvent)
    key = _event_key()
    # On SQLite the id is read and used under one write lock: a transaction of its own
    # unless the caller's (which already holds the lock) is open. PostgreSQL's ids come
    # from a reserved block and need none, so the event stays one round trip.
    lock = (
        transaction.atomic(using=using, savepoint=False)
        if ids_are_dense(using)
        else contextlib.nullcontext()
    )
    with lock:
        event.pk = _next_id(using)
        event.mac = hmac.new(key, canonical(event), hashlib.sha256).hexdigest()
        return _INSERT.insert(event, using=using)


_ADDRESS_FIELD = AuditEvent._meta.get_field("client_address")


def audit_denied(
    *, actor: Actor, action: str, object_type: str, object_id: object, reason: str
) -> AuditEvent:
    """Record a refused attempt. The consumer is not named: the caller had no right to it."""
    return audit_record(
        actor=actor,
        action=action,
        outcome=AuditOutcome.DENIED,
        object_type=object_type,
        object_id=object_id,
        detail={"reason": reason},
    )


def _key() -> bytes:
    key = settings.CASEWORK_AUDIT_KEY
    if not key:
        raise ImproperlyConfigured("CASEWORK_AUDIT_KEY is not set")
    return str(key).encode()


# The chain MAC is keyed with CASEWORK_AUDIT_KEY itself (as before events had their own
# MAC); an event's own MAC with a key derived from it, for domain separation.
EVENT_KEY_LABEL = b"casework audit event v1"


@functools.lru_cache(maxsize=4)
def _derive(key: bytes, label: bytes) -> bytes:
    return hmac.new(key, label, hashlib.sha256).digest()


def _event_key() -> bytes:
    return _derive(_key(), EVENT_KEY_LABEL)


def canonical(event: AuditEvent) -> bytes:
    """The bytes a MAC covers: every column of the event but its MAC, in a fixed order."""
    fields = {
        "id": event.pk,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_role": event.actor_role,
        "action": event.action,
        "outcome": event.outcome,
        "consumer_id": event.consumer_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "purpose_of_use": event.purpose_of_use,
        "client_address": event.client_address,
        "break_glass": event.break_glass,
        "detail": event.detail,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_mac(event: AuditEvent, content: bytes | None = None) -> str:
    """The event's own MAC, as `audit_record` wrote it."""
    message = canonical(event) if content is None else content
    return hmac.new(_event_key(), message, hashlib.sha256).hexdigest()


def _event_mac_ok(event: AuditEvent, content: bytes) -> bool:
    return bool(event.mac) and hmac.compare_digest(event_mac(event, content), event.mac)


def chain_mac(previous_mac: str, seq: int, event: AuditEvent, content: bytes | None = None) -> str:
    body = canonical(event) if content is None else content
    message = previous_mac.encode() + b"|" + str(seq).encode() + b"|" + body
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


class AuditTampered(Exception):
    """The sealer found the chain or an event altered, and sealed nothing past it."""

    def __init__(self, problem: str, *, seq: int | None = None, event_id: int | None = None):
        super().__init__(problem)
        self.problem = problem
        self.seq = seq
        self.event_id = event_id


# Any fixed 64-bit number: the PostgreSQL advisory lock that one sealer holds at a time.
SEALER_LOCK_ID = 0x0A0D17_5EA1


def _sealer_lock() -> None:
    """Serialize sealers (never request handling) for the current transaction.

    PostgreSQL: a transaction-scoped advisory lock, taken only by sealers. SQLite: the
    transaction already began IMMEDIATE, which holds the database's single write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK_ID])


@dataclass(frozen=True)
class _Head:
    seq: int
    mac: str
    event_id: int | None


def _chain_head() -> _Head:
    """The newest seal (seq 0 and the genesis mac on an empty chain)."""
    last = AuditSeal.objects.order_by("-seq").values_list("seq", "mac", "event_id").first()
    return _Head(*last) if last else _Head(0, GENESIS, None)


def _check_against_checkpoint(head: _Head, path: Path) -> int:
    """Refuse to seal unless the database's chain reaches, and agrees with, the highest
    checkpoint ever written outside it (so a cut or rewritten chain is never sealed on);
    returns that checkpoint's seq (0 when there is none yet)."""
    checkpoint = HIGH_WATER.highest(key=_key(), path=path)
    if checkpoint is None:
        return 0
    if head.seq < checkpoint.seq:
        raise AuditTampered(
            f"the chain ends at seq {head.seq} but the checkpoint file records seq "
            f"{checkpoint.seq}: sealed events were deleted; refusing to seal",
            seq=head.seq + 1,
        )
    mac = head.mac
    if head.seq > checkpoint.seq:
        found = AuditSeal.objects.filter(seq=checkpoint.seq).values_list("mac", flat=True)
        mac = found.first() or ""
    if not hmac.compare_digest(mac, checkpoint.mac):
        raise AuditTampered(
            f"seq {checkpoint.seq} differs from the checkpoint file; refusing to seal",
            seq=checkpoint.seq,
        )
    return checkpoint.seq


# A quick pass looks for unsealed events only among the newest ids: those above the
# highest sealed event id less this window (events that committed late, behind newer
# ones, fall in it unless their transaction stayed open while this many others
# committed). A full pass looks at every event; see docs/adr/0002-audit-chain.md.
RECENT_WINDOW = 10_000


def _seal_batch(batch_size: int, after_id: int, path: Path) -> tuple[int, int]:
    """Seal up to `batch_size` unsealed events with id > `after_id`, in id order, after the
    chain head; returns how many were sealed and the last sealed event id. Stops before
    the first event the application did not write (no valid MAC of its own, or, where
    ids are dense, not the next id): seals what precedes it, then raises AuditTampered."""
    problem: AuditTampered | None = None
    with transaction.atomic():
        _sealer_lock()
        head = _chain_head()
        checkpointed = _check_against_checkpoint(head, path)
        # NOT EXISTS with the range on both sides: an anti-join over index ranges, not a
        # scan of every seal (which a LEFT JOIN ... IS NULL gets on PostgreSQL).
        sealed = AuditSeal.objects.filter(event_id=OuterRef("pk"), event_id__gt=after_id)
        unsealed = AuditEvent.objects.filter(id__gt=after_id).filter(~Exists(sealed))
        events = list(unsealed.order_by("id")[:batch_size])
        if not events:
            if head.event_id is not None and checkpointed < head.seq:
                # A batch committed but its line was never written (a crash, a full
                # disk): write it now, so the file does not lag behind for long.
                checkpoint_append(
                    key=_key(), seq=head.seq, mac=head.mac, event_id=head.event_id, path=path
                )
            return 0, after_id
        dense = ids_are_dense()
        expected = head.event_id + 1 if dense and head.event_id is not None else None
        seq, mac = head.seq, head.mac
        now = clock.now()
        seals = []
        for event in events:
            content = canonical(event)
            if expected is not None and event.pk != expected:
                problem = AuditTampered(
                    f"event id {expected} is missing before event id {event.pk} "
                    "(deleted before it was sealed); refusing to seal past it",
                    event_id=expected,
                )
                break
            if not _event_mac_ok(event, content):
                problem = AuditTampered(
                    f"event id {event.pk} does not match its own MAC (written or edited "
                    "outside the application); refusing to seal it",
                    event_id=event.pk,
                )
                break
            seq += 1
            mac = chain_mac(mac, seq, event, content)
            seals.append(AuditSeal(seq=seq, event=event, mac=mac, sealed_at=now))
            expected = event.pk + 1 if dense else None
        # The primary key on seq (and the unique event) is the backstop: a sealer that
        # read a stale head fails here and rolls back; the chain can never fork.
        AuditSeal.objects.bulk_create(seals)
    if seals:
        # After the commit: the file never names a seq the database does not have.
        checkpoint_append(key=_key(), seq=seq, mac=mac, event_id=seals[-1].event_id, path=path)
    if problem is not None:
        raise problem
    return len(seals), events[-1].pk


def audit_seal(*, batch_size: int = 1000, full: bool = True) -> int:
    """Seal every committed, unsealed event in id order; returns how many were sealed.

    `full=False` is the quick pass of the background sweeper: it looks only at the newest
    RECENT_WINDOW ids, so it stays cheap however large the audit table grows; a full
    pass (the default, and every few minutes in the sweeper) scans every event.
    Runs outside request handling (`casework audit seal`, `casework sweep`, the sweeper
    thread of `casework serve`). Sealers take a lock only sealers take; requests keep
    inserting events without waiting. Each batch is one transaction, followed by a
    checkpoint line in the external file (core.audit_checkpoints).

    Raises AuditTampered, having sealed what precedes it, at an event the application
    did not write or when the chain is below or differs from the external checkpoints."""
    path = checkpoint_path()
    after_id = 0
    if not full:
        top = AuditSeal.objects.order_by("-event_id").values_list("event_id", flat=True).first()
        after_id = max(0, top - RECENT_WINDOW) if top is not None else 0
    sealed = 0
    while True:
        count, after_id = _seal_batch(batch_size, after_id, path)
        sealed += count
        if count < batch_size:
            return sealed


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `audit_verify`: the head of the intact chain, or the first break
    (a seq in the chain, or the id of an event not yet sealed)."""

    ok: bool
    checked: int
    unsealed: int
    head_seq: int
    head_mac: str
    broken_seq: int | None = None
    problem: str = ""
    broken_event_id: int | None = None
    checkpoints: int = 0


def audit_verify(
    *,
    anchor_seq: int | None = None,
    anchor_mac: str | None = None,
    checkpoint_file: Path | None = None,
    as_of_seq: int | None = None,
) -> VerifyResult:
    """Check every event and seal against the key and the external checkpoints; report
    the first break. Trusts nothing the database holds alone:

    - each sealed event, in seq order: no gap in seq, the chain MAC, the event's own MAC,
      (where ids are dense) no missing id, and the seal at every checkpointed seq;
    - the chain reaches the highest checkpoint (newest sealed rows were not cut off);
    - each unsealed event, in id order: its own MAC and (dense ids) no missing id.
    `anchor_seq`/`anchor_mac` are an extra head recorded by hand (optional);
    `as_of_seq` verifies a copy restored from a backup taken at that seq (checkpoints
    written after it are not expected in the copy)."""
    key = _key()
    path = checkpoint_file or checkpoint_path()
    mac = GENESIS
    seq = 0
    event_id: int | None = None
    unsealed = AuditEvent.objects.filter(seal__isnull=True).count()
    dense = ids_are_dense()
    try:
        found, _ = checkpoints_read(key=key, path=path)
    except CheckpointError as error:
        return VerifyResult(False, 0, unsealed, 0, GENESIS, None, str(error))
    checkpoints: dict[int, str] = {}
    for checkpoint in found:
        if as_of_seq is not None and checkpoint.seq > as_of_seq:
            continue
        if checkpoints.setdefault(checkpoint.seq, checkpoint.mac) != checkpoint.mac:
            problem = f"{path} holds two different MACs for seq {checkpoint.seq}"
            return VerifyResult(False, 0, unsealed, 0, GENESIS, checkpoint.seq, problem)
    highest = max(checkpoints, default=0)

    def broken(at: int | None, problem: str, event: int | None = None) -> VerifyResult:
        return VerifyResult(False, seq, unsealed, seq, mac, at, problem, event, len(checkpoints))

    # The inner join drops a seal whose event was deleted: that shows as a gap at its seq.
    seals = AuditSeal.objects.select_related("event").order_by("seq")
    for seal in seals.iterator(chunk_size=2000):
        event = seal.event
        if seal.seq != seq + 1:
            return broken(seq + 1, f"seq {seq + 1}: the event or its seal is missing")
        content = canonical(event)
        if not hmac.compare_digest(chain_mac(mac, seal.seq, event, content), seal.mac):
            what = (
                "was edited"
                if not _event_mac_ok(event, content)
                else "is not the event sealed there (reordered, inserted or re-pointed seal)"
            )
            return broken(seal.seq, f"seq {seal.seq}: event {event.pk} {what}")
        if not _event_mac_ok(event, content):
            return broken(seal.seq, f"seq {seal.seq}: event {event.pk} lost its own MAC")
        if dense and event_id is not None and event.pk != event_id + 1:
            return broken(
                seal.seq,
                f"seq {seal.seq}: event id {event_id + 1} is missing before event "
                f"{event.pk} (deleted before it was sealed)",
            )
        if seal.seq in checkpoints and not hmac.compare_digest(checkpoints[seal.seq], seal.mac):
            return broken(seal.seq, f"seq {seal.seq}: the seal differs from the checkpoint file")
        seq, mac, event_id = seal.seq, seal.mac, event.pk
    if AuditSeal.objects.filter(seq__gt=seq).exists():
        return broken(seq + 1, f"seq {seq + 1}: the event of this seal is missing")
    if highest > seq:
        return broken(
            seq + 1,
            f"the chain ends at seq {seq} but the checkpoint file records seq {highest}: "
            "sealed events were deleted",
        )
    if anchor_seq is not None:
        if anchor_seq > seq:
            return broken(
                seq + 1,
                f"the chain ends at seq {seq} but the anchor is at seq {anchor_seq}: "
                "the newest rows were deleted",
            )
        if anchor_mac is not None:
            found_mac = AuditSeal.objects.filter(seq=anchor_seq).values_list("mac", flat=True)
            stored = found_mac.first()
            if stored is None or not hmac.compare_digest(stored, anchor_mac):
                return broken(anchor_seq, f"seq {anchor_seq}: the seal differs from the anchor")
    expected = event_id + 1 if dense and event_id is not None else None
    pending = AuditEvent.objects.filter(seal__isnull=True).order_by("id")
    for event in pending.iterator(chunk_size=2000):
        if expected is not None and event.pk < expected:
            return broken(None, f"event id {event.pk} was inserted below the chain", event.pk)
        if expected is not None and event.pk != expected:
            return broken(
                None,
                f"event id {expected} (not yet sealed) is missing before event {event.pk}",
                expected,
            )
        if not _event_mac_ok(event, canonical(event)):
            return broken(
                None,
                f"event id {event.pk} (not yet sealed) does not match its own MAC "
                "(edited, reordered or written outside the application)",
                event.pk,
            )
        expected = event.pk + 1 if dense else None
    return VerifyResult(True, seq, unsealed, seq, mac, checkpoints=len(checkpoints))


__all__ = [
    "AuditAction",
    "AuditOutcome",
    "AuditTampered",
    "VerifyResult",
    "audit_denied",
    "audit_record",
    "audit_seal",
    "audit_verify",
]
