"""What the transitions services share: the audit call, the owner of a stay's clocks and
the slack allowed on times typed for events."""

from datetime import timedelta
from typing import Any

from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.stays.models import Stay

EVENT_SLACK = timedelta(minutes=5)


def _audit(
    actor: Actor | None,
    action: str,
    consumer_id: int,
    object_type: str,
    object_id: object,
    *,
    username: str = "",
    **detail: Any,
) -> None:
    audit_record(
        actor=actor,
        username=username,
        action=action,
        consumer_id=consumer_id,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def _owner_id(stay: Stay) -> int | None:
    """Who works the stay's transition clocks: the case manager of its case, else the
    stay's reviewer."""
    if stay.case_id is not None and stay.case is not None and stay.case.assigned_to_id:
        return stay.case.assigned_to_id
    return stay.reviewer_id
