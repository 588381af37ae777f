"""Education given during the stay (F7): topic, method, materials in the consumer's
language, and teach-back."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from casework.stays.models import Stay
from casework.transitions import rules
from casework.transitions.models import EducationRecord
from casework.transitions.rules import EducationAudience, EducationMethod, TeachBack
from casework.transitions.services._common import EVENT_SLACK, _audit

# --- education ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EducationFacts:
    topic: str
    audience: EducationAudience
    method: EducationMethod
    teach_back: TeachBack
    given_at: datetime
    materials: str = ""
    materials_language: str = ""
    note: str = ""


LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


@transaction.atomic
def education_record(*, actor: Actor, stay: Stay, facts: EducationFacts) -> EducationRecord:
    """Record education given during the stay. The materials' language is the
    consumer's preferred one unless given; teach-back not done needs the reason in the
    note; not before the admission nor in the future. Audits one create."""
    errors: dict[str, list[str]] = {}
    if not facts.topic.strip():
        errors["topic"] = [_("required")]
    language = (facts.materials_language or stay.consumer.preferred_language or "en").strip()
    if not LANGUAGE_TAG.match(language):
        errors["materials_language"] = [_("a language code such as en or es")]
    if facts.given_at < stay.admitted_at - EVENT_SLACK:
        errors["given_at"] = [_("may not be before the admission")]
    elif facts.given_at > clock.now() + EVENT_SLACK:
        errors["given_at"] = [_("may not be in the future")]
    if facts.teach_back in rules.TEACH_BACK_REASON_REQUIRED and not facts.note.strip():
        errors["note"] = [_("say why teach-back was not done")]
    if errors:
        raise ValidationFailed(errors)
    record = EducationRecord.objects.create(
        stay=stay,
        consumer_id=stay.consumer_id,
        topic=facts.topic.strip()[:200],
        audience=facts.audience.value,
        method=facts.method.value,
        materials=facts.materials.strip(),
        materials_language=language,
        teach_back=facts.teach_back.value,
        note=facts.note.strip(),
        given_at=facts.given_at,
        given_by=actor.user,
        recorded_at=clock.now(),
    )
    _audit(actor, AuditAction.CREATE, stay.consumer_id, "education_record", record.pk)
    return record
