"""Handing out a document attached to a stay, for the page and the API alike: as an
attachment under a generated name with its checked media type (S38), one `print` event.
A document not of the stay, or whose file is missing, is None here: the caller refuses
it (404, one denied event)."""

from django.http import FileResponse

from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.models import AuditAction
from casework.stays import selectors
from casework.stays.models import Stay


def document_download(actor: Actor, stay: Stay, document_id: int) -> FileResponse | None:
    document = selectors.document_of_stay(stay_id=stay.pk, document_id=document_id)
    if document is None or not document.file.storage.exists(document.file.name or ""):
        return None
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        consumer_id=stay.consumer_id,
        object_type="stay_document",
        object_id=document.pk,
        detail={"stay_id": stay.pk},
    )
    extension = (document.file.name or "").rsplit(".", 1)[-1]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"stay-{stay.pk}-document-{document.pk}.{extension}",
        content_type=document.media_type,
    )
