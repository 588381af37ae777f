"""Documents attached to a stay (H4: the appeal packet carries them)."""

import hashlib
import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.documents import upload_check
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from casework.stays.models import Stay, StayDocument, StayDocumentKind


def stay_document_attach(
    *, actor: Actor, stay: Stay, title: str, kind: str, upload: UploadedFile
) -> StayDocument:
    """Attach a PDF, PNG or JPEG to `stay`: the file is checked whole (size, type, the
    document's structure: `core.documents.upload_check`) and stored under a generated
    name with its SHA-256. Refused with field errors (title, kind, file) and nothing
    written, the file included. Whoever manages the stay (case.manage) may. Audits one
    create."""
    errors: dict[str, list[str]] = {}
    title = title.strip()
    if not title:
        errors["title"] = [_("required")]
    elif len(title) > 200:
        errors["title"] = [_("at most 200 characters")]
    if kind not in StayDocumentKind.values:
        errors["kind"] = [_("not one of the document kinds")]
    try:
        ext, media_type = upload_check(
            upload, field="file", limit=settings.CASEWORK_STAYS_DOCUMENT_MAX_BYTES
        )
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    upload.name = f"{uuid.uuid4().hex}.{ext}"
    document = StayDocument(
        stay=stay,
        title=title,
        kind=kind,
        media_type=media_type,
        size=upload.size or 0,
        sha256=digest,
        uploaded_by=actor.user,
        uploaded_at=clock.now(),
    )
    document.file = upload  # type: ignore[assignment]
    try:
        with transaction.atomic():
            document.save()  # writes the file, then the row
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                consumer_id=stay.consumer_id,
                object_type="stay_document",
                object_id=document.pk,
                detail={"stay_id": stay.pk, "kind": kind, "size": document.size},
            )
    except BaseException:
        # Not stored after all: no file left on disk without its row.
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document
