"""What the audit report shows people instead of codes and ids (issue 13, item 17):
the actor's name, the role's and the purpose's labels, the consumer's name and record
number, and a label for the kind of record touched."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from casework.consumers.selectors import consumer_labels
from casework.core.models import AuditEvent
from casework.core.roles import PurposeOfUse, Role
from casework.staff.selectors import staff_names

OBJECT_LABELS: dict[str, Promise] = {
    "abuse_report": _("Abuse report"),
    "advance_directive": _("Advance directive"),
    "advisor_referral": _("Advisor referral"),
    "api_token": _("API token"),
    "assessment_response": _("Assessment"),
    "audit_event": _("Audit report"),
    "care_plan": _("Plan of care"),
    "care_plan_version": _("Plan of care version"),
    "care_team_member": _("Care team member"),
    "case": _("Case"),
    "communication": _("Communication"),
    "complaint": _("Complaint"),
    "consent": _("Consent"),
    "consumer": _("Consumer"),
    "incident": _("Incident"),
    "need": _("Need"),
    "note": _("Note"),
    "notice": _("Notice"),
    "session": _("Sign-in"),
    "staff": _("Staff record"),
    "stay": _("Hospital stay"),
    "support_person": _("Support person"),
    "user": _("Staff account"),
    "work_item": _("Work item"),
    "worklist": _("Worklist"),
}
ROLE_LABELS = dict(Role.choices)
PURPOSE_LABELS = dict(PurposeOfUse.choices)


def object_label(object_type: str) -> str:
    """A label for a kind of record: the known ones translated, others made readable."""
    if not object_type:
        return ""
    known = OBJECT_LABELS.get(object_type)
    return str(known) if known is not None else object_type.replace("_", " ").capitalize()


@dataclass(frozen=True)
class AuditRow:
    """One event as people read it."""

    event: AuditEvent
    who: str
    username: str
    role: str
    consumer: str
    record_number: str
    record: str
    purpose: str


def audit_rows(events: Sequence[AuditEvent], *, program_id: int) -> list[AuditRow]:
    """The events with names and labels (consumers of `program_id` only): two queries
    whatever the number of rows."""
    names = staff_names(user_ids={e.actor_id for e in events if e.actor_id is not None})
    consumers = consumer_labels(
        program_id=program_id,
        consumer_ids=sorted({e.consumer_id for e in events if e.consumer_id is not None}),
    )
    rows = []
    for event in events:
        consumer_name, mrn = (
            consumers.get(event.consumer_id, ("", "")) if event.consumer_id else ("", "")
        )
        label = object_label(event.object_type)
        rows.append(
            AuditRow(
                event=event,
                who=names.get(event.actor_id or 0, "") or event.actor_username,
                username=event.actor_username,
                role=str(ROLE_LABELS.get(event.actor_role, event.actor_role)),
                consumer=consumer_name,
                record_number=mrn,
                record=f"{label} {event.object_id}".strip() if event.object_id else label,
                purpose=str(PURPOSE_LABELS.get(event.purpose_of_use, event.purpose_of_use)),
            )
        )
    return rows
