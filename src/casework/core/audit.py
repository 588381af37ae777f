"""Writing audit events (N1, N2, S20) and sealing them into an HMAC-SHA256 chain (S24).

`audit_record` is called inside the same transaction as the service's writes, so an
event exists exactly when the change does. Sealing happens afterwards, in one writer
(`casework audit seal`, also run by `casework sweep`), so request handling never waits
on a chain lock. See docs/adr/0002-audit-chain.md.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, router, transaction
from django.db.models import Exists, OuterRef

from casework.core import clock
from casework.core.actor import Actor
from casework.core.models import AuditAction, AuditEvent, AuditOutcome, AuditSeal
from casework.core.prepared import PreparedInsert

GENESIS = "0" * 64


# Every request writes an event: its INSERT is compiled once per database (core.prepared).
_INSERT = PreparedInsert(AuditEvent)


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
    """Append one audit event. Detail holds identifiers and counts, never PHI values."""
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
        client_address=actor.client_address if actor else client_address,
        break_glass=actor.break_glass if actor else False,
        detail=detail or {},
    )
    return _INSERT.insert(event, using=router.db_for_write(AuditEvent))


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
    return key.encode()


def canonical(event: AuditEvent) -> bytes:
    """The bytes a seal covers: every column of the event, in a fixed order."""
    fields = {
        "id": event.pk,
        "occurred_at": event.occurred_at.isoformat(),
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


def chain_mac(previous_mac: str, seq: int, event: AuditEvent) -> str:
    message = previous_mac.encode() + b"|" + str(seq).encode() + b"|" + canonical(event)
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


# Any fixed 64-bit number: the PostgreSQL advisory lock that one sealer holds at a time.
SEALER_LOCK_ID = 0x0A0D17_5EA1


def _sealer_lock() -> None:
    """Serialize sealers (never request handling) for the current transaction.

    PostgreSQL: a transaction-scoped advisory lock, taken only by sealers. SQLite: the
    transaction already began IMMEDIATE, which holds the database's single write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK_ID])


def _chain_head() -> tuple[int, str]:
    """The seq and mac of the newest seal (0 and the genesis mac on an empty chain)."""
    last = AuditSeal.objects.order_by("-seq").values_list("seq", "mac").first()
    return last if last else (0, GENESIS)


# A quick pass looks for unsealed events only among the newest ids: those above the
# highest sealed event id less this window (events that committed late, behind newer
# ones, fall in it unless their transaction stayed open while this many others
# committed). A full pass looks at every event; see docs/adr/0002-audit-chain.md.
RECENT_WINDOW = 10_000


def _seal_batch(batch_size: int, after_id: int) -> tuple[int, int]:
    """Seal up to `batch_size` unsealed events with id > `after_id`, in id order, after the
    chain head; returns how many were sealed and the last sealed event id."""
    with transaction.atomic():
        _sealer_lock()
        seq, mac = _chain_head()
        # NOT EXISTS with the range on both sides: an anti-join over index ranges, not a
        # scan of every seal (which a LEFT JOIN ... IS NULL gets on PostgreSQL).
        sealed = AuditSeal.objects.filter(event_id=OuterRef("pk"), event_id__gt=after_id)
        unsealed = AuditEvent.objects.filter(id__gt=after_id).filter(~Exists(sealed))
        events = list(unsealed.order_by("id")[:batch_size])
        if not events:
            return 0, after_id
        now = clock.now()
        seals = []
        for event in events:
            seq += 1
            mac = chain_mac(mac, seq, event)
            seals.append(AuditSeal(seq=seq, event=event, mac=mac, sealed_at=now))
        # The primary key on seq (and the unique event) is the backstop: a sealer that
        # read a stale head fails here and rolls back; the chain can never fork.
        AuditSeal.objects.bulk_create(seals)
        return len(seals), events[-1].pk


def audit_seal(*, batch_size: int = 1000, full: bool = True) -> int:
    """Seal every committed, unsealed event in id order; returns how many were sealed.

    `full=False` is the quick pass of the background sweeper: it looks only at the newest
    RECENT_WINDOW ids, so it stays cheap however large the audit table grows; a full
    pass (the default, and every few minutes in the sweeper) scans every event.
    Runs outside request handling (`casework audit seal`, `casework sweep`, the sweeper
    thread of `casework serve`). Sealers take a lock only sealers take; requests keep
    inserting events without waiting. Each batch is one transaction."""
    after_id = 0
    if not full:
        top = AuditSeal.objects.order_by("-event_id").values_list("event_id", flat=True).first()
        after_id = max(0, top - RECENT_WINDOW) if top is not None else 0
    sealed = 0
    while True:
        count, after_id = _seal_batch(batch_size, after_id)
        sealed += count
        if count < batch_size:
            return sealed


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `audit_verify`: the head of the intact chain, or the first break."""

    ok: bool
    checked: int
    unsealed: int
    head_seq: int
    head_mac: str
    broken_seq: int | None = None
    problem: str = ""


def audit_verify(*, anchor_seq: int | None = None, anchor_mac: str | None = None) -> VerifyResult:
    """Walk the chain in seq order and report the first broken link.

    An edited event, a deleted event (a gap in seq, or a seal without its event) and a
    reordering all break the link at the seq where they happened. Deleting the newest
    rows together with their seals is caught only by comparing with an anchor (a head
    seq and mac recorded outside the database). Unsealed events are counted, not checked."""
    mac = GENESIS
    seq = 0
    unsealed = AuditEvent.objects.filter(seal__isnull=True).count()

    def broken(at: int, problem: str) -> VerifyResult:
        return VerifyResult(False, seq, unsealed, seq, mac, at, problem)

    # The inner join drops a seal whose event was deleted: that shows as a gap at its seq.
    seals = AuditSeal.objects.select_related("event").order_by("seq")
    for seal in seals.iterator(chunk_size=2000):
        if seal.seq != seq + 1:
            return broken(seq + 1, f"seq {seq + 1}: the event or its seal is missing")
        if not hmac.compare_digest(chain_mac(mac, seal.seq, seal.event), seal.mac):
            return broken(
                seal.seq,
                f"seq {seal.seq}: event {seal.event_id} does not match its seal "
                "(edited, reordered or sealed with another key)",
            )
        seq, mac = seal.seq, seal.mac
    if AuditSeal.objects.filter(seq__gt=seq).exists():
        return broken(seq + 1, f"seq {seq + 1}: the event of this seal is missing")
    if anchor_seq is not None:
        if anchor_seq > seq:
            return broken(
                seq + 1,
                f"the chain ends at seq {seq} but the anchor is at seq {anchor_seq}: "
                "the newest rows were deleted",
            )
        if anchor_mac is not None:
            found = AuditSeal.objects.filter(seq=anchor_seq).values_list("mac", flat=True).first()
            if found is None or not hmac.compare_digest(found, anchor_mac):
                return broken(anchor_seq, f"seq {anchor_seq}: the seal differs from the anchor")
    return VerifyResult(True, seq, unsealed, seq, mac)


__all__ = [
    "AuditAction",
    "AuditOutcome",
    "VerifyResult",
    "audit_denied",
    "audit_record",
    "audit_seal",
    "audit_verify",
]
