"""Deadlines as rows (F1): the kind registry, set, close and sweep. Overdue is a query,
never a flag to trust.

Core owns no deadline kind: each context registers its kinds, with what the sweep does
when one falls due, in its `AppConfig.ready()` (`deadline_kind_register`). The sweep looks
the kind up here and nowhere else.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol

from django.db import transaction
from django.db.models import Q
from django.utils.functional import Promise

from casework.core import clock
from casework.core.models import Deadline, DeadlineState


class SweepTally(StrEnum):
    """Which count of the sweep's result a claimed deadline of a kind adds to."""

    OVERDUE = "overdue"
    REMINDER = "reminder"


class DeadlineHandler(Protocol):
    """What the sweep calls with a claimed row of a kind, inside the claim's transaction."""

    def __call__(self, *, deadline: Deadline) -> object: ...


@dataclass(frozen=True)
class DeadlineKindSpec:
    """A deadline kind and what the sweep does with a claimed (breached) row of it: run
    `handle` in the claim's transaction, then leave the row breached or mark it met."""

    kind: str
    label: str | Promise
    handle: DeadlineHandler | None = None
    on_breach: Literal["met", "breached"] = "breached"
    tally: SweepTally | None = None


DEADLINE_KINDS: dict[str, DeadlineKindSpec] = {}


def deadline_kind_register(
    kind: str,
    label: str | Promise,
    handle: DeadlineHandler | None = None,
    *,
    on_breach: Literal["met", "breached"] = "breached",
    tally: SweepTally | None = None,
) -> DeadlineKindSpec:
    """Register a deadline kind of the calling context (from its `AppConfig.ready()`).
    Registering the same spec twice is harmless; a different spec for a taken kind is a
    programming error."""
    spec = DeadlineKindSpec(
        kind=str(kind), label=label, handle=handle, on_breach=on_breach, tally=tally
    )
    known = DEADLINE_KINDS.get(spec.kind)
    if known is not None and known != spec:
        raise ValueError(f"deadline kind '{spec.kind}' is already registered differently")
    DEADLINE_KINDS[spec.kind] = spec
    return spec


def deadline_kind_spec(kind: str) -> DeadlineKindSpec | None:
    """The registered spec of a kind; None for a kind no context registers."""
    return DEADLINE_KINDS.get(kind)


def deadline_kind_choices() -> list[tuple[str, str | Promise]]:
    """The registered kinds as field choices (`Deadline.kind`), in registration order."""
    return [(spec.kind, spec.label) for spec in DEADLINE_KINDS.values()]


def deadline_set(
    *,
    kind: str,
    subject_type: str,
    subject_id: int,
    due_at: datetime,
    owner_id: int | None,
    consumer_id: int | None,
) -> Deadline:
    """Create or move the open deadline of this kind for the subject. The kind must be
    registered (`deadline_kind_register`), so the sweep knows what to do with it."""
    if kind not in DEADLINE_KINDS:
        raise ValueError(
            f"unknown deadline kind '{kind}': register it with deadline_kind_register "
            "in its context's AppConfig.ready()"
        )
    deadline, _ = Deadline.objects.update_or_create(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        defaults={
            "due_at": due_at,
            "owner_id": owner_id,
            "consumer_id": consumer_id,
            "state": DeadlineState.OPEN,
            "swept_at": None,
        },
        create_defaults={
            "due_at": due_at,
            "owner_id": owner_id,
            "consumer_id": consumer_id,
            "created_at": clock.now(),
        },
    )
    return deadline


def deadlines_create(
    *,
    subject_type: str,
    subject_id: int,
    owner_id: int | None,
    consumer_id: int | None,
    due: dict[str, datetime],
) -> list[Deadline]:
    """The first deadlines of a new subject (`{kind: due at}`), written in one INSERT.
    Each kind must be registered, as for `deadline_set`."""
    unknown = sorted(set(due) - set(DEADLINE_KINDS))
    if unknown:
        raise ValueError(f"unknown deadline kind(s) {unknown}: register them first")
    now = clock.now()
    return Deadline.objects.bulk_create(
        [
            Deadline(
                kind=kind,
                subject_type=subject_type,
                subject_id=subject_id,
                due_at=at,
                owner_id=owner_id,
                consumer_id=consumer_id,
                created_at=now,
            )
            for kind, at in due.items()
        ]
    )


def deadlines_close(*, subject_type: str, subject_id: int, state: str) -> int:
    """Close the subject's open or breached deadlines (met when done, waived when cancelled)."""
    return Deadline.objects.filter(
        subject_type=subject_type,
        subject_id=subject_id,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
    ).update(state=state)


def deadlines_due(*, now: datetime, limit: int) -> list[int]:
    return list(
        Deadline.objects.filter(state=DeadlineState.OPEN, due_at__lte=now)
        .order_by("due_at")
        .values_list("id", flat=True)[:limit]
    )


def deadline_claim(*, deadline_id: int, now: datetime) -> Deadline | None:
    """Compare-and-swap open → breached; only one sweeper wins a row."""
    with transaction.atomic():
        won = Deadline.objects.filter(
            Q(pk=deadline_id), Q(state=DeadlineState.OPEN), Q(due_at__lte=now)
        ).update(state=DeadlineState.BREACHED, swept_at=now)
        if not won:
            return None
        return Deadline.objects.get(pk=deadline_id)
