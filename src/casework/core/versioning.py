"""Optimistic concurrency (S43): one guarded UPDATE for every versioned record.

A record with a `version` column is changed only if it is still at the version the
caller read; the change bumps the version. Every service that takes a `version` writes
through `versioned_update`, so the guard, the bump and the error are the same everywhere.
"""

from collections.abc import Mapping

from django.db.models import BooleanField, ExpressionWrapper, Model, Q

from casework.core.errors import DomainError, StaleVersion


def versioned_update[M: Model](
    obj: M,
    *,
    version: int,
    changes: Mapping[str, object],
    where: Q | None = None,
    refused: DomainError | None = None,
) -> M:
    """Write `changes` to `obj`'s row if it is still at `version` (and matches `where`,
    e.g. `Q(status="open")`), bump the version, and set the attributes on `obj`.

    When no row matches, nothing is written and it raises `StaleVersion` with the row's
    current version; when the row is still at `version` but fails `where`, it raises
    `refused` instead (`StaleVersion` when none is given). One UPDATE when it succeeds,
    one more SELECT when it is refused. Runs in the caller's transaction."""
    rows = type(obj)._default_manager.filter(Q(pk=obj.pk, version=version) & (where or Q()))
    if not rows.update(**changes, version=version + 1):
        raise _refusal(obj, version, where, refused)
    for name, value in changes.items():
        setattr(obj, name, value)
    setattr(obj, "version", version + 1)  # noqa: B010 (`version` is not on Model)
    return obj


def _refusal(obj: Model, version: int, where: Q | None, refused: DomainError | None) -> DomainError:
    row = type(obj)._default_manager.filter(pk=obj.pk)
    if where is None:
        return StaleVersion(row.values_list("version", flat=True).get())
    current, holds = row.values_list(
        "version", ExpressionWrapper(where, output_field=BooleanField())
    ).get()
    if current == version and not holds and refused is not None:
        return refused
    return StaleVersion(current)
