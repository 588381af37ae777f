"""The audit report's CSV export, shared by the API and the page (S25, ONC (d)(3))."""

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from casework.consumers.selectors import consumer_ids_of_program
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction, AuditEvent
from casework.core.selectors import (
    AUDIT_EXPORT_MAX_ROWS,
    AuditFilters,
    audit_csv_lines,
)
from casework.core.selectors import audit_event_list as _audit_event_list
from casework.staff.models import User


def audit_event_list(*, user: User, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The audit events of `user`'s program, filtered and sorted (core's selector, given
    the program's consumers)."""
    consumers = consumer_ids_of_program(program_id=user.program_id or 0)
    return _audit_event_list(user=user, filters=filters, program_consumers=consumers)


def audit_csv_response(actor: Actor, filters: AuditFilters) -> StreamingHttpResponse:
    """Stream the report as CSV after auditing the export (refused, with nothing audited,
    when it has more than `AUDIT_EXPORT_MAX_ROWS` rows). Used by the API and the page."""
    # Freeze the export at the newest event now, so it does not list its own audit event.
    newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    events = audit_event_list(user=actor.user, filters=filters).filter(pk__lte=newest)
    count = events.count()
    if count > AUDIT_EXPORT_MAX_ROWS:
        raise ValidationFailed.single(
            "since",
            f"{count} events match; narrow the date range to at most {AUDIT_EXPORT_MAX_ROWS}",
            location="query",
        )
    export = audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="audit_event",
        detail={"count": count, "filters": filters.described()},
    )
    # Its own event too: ids come in blocks per process on PostgreSQL (core.audit), so
    # it may have an id below another process's newest event.
    events = events.exclude(pk=export.pk)
    response = StreamingHttpResponse(audit_csv_lines(events), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response
