"""Printable notices in the consumer's preferred language."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from casework.cases.models import Case, CaseState, NoticeKind
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.web.access import access_case, refuse
from casework.web.guard import page_view

NOTICE_LANGUAGES = {"en", "es"}


@page_view(["GET"], Permission.CONSUMER_READ, access_case, log_read=False)
def notice_print(request: HttpRequest, actor: Actor, case: Case, kind: str) -> HttpResponse:
    """A printable notice in the consumer's preferred language (English when the program
    has no catalog for it). Audited as one `print` event (S20)."""
    if kind not in NoticeKind.values:
        raise Http404("No such notice.")
    if kind == NoticeKind.CLOSURE and case.state != CaseState.CLOSED:
        raise refuse(actor, AuditAction.PRINT, "notice", kind, reason="the case is not closed")
    preferred = case.consumer.preferred_language
    language = preferred if preferred in NOTICE_LANGUAGES else "en"
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        consumer_id=case.consumer_id,
        object_type="notice",
        object_id=kind,
        detail={"case_id": case.pk, "language": language},
    )
    with translation.override(language):
        language_name = translation.get_language_info(language)["name_local"]
    return render(
        request,
        "cases/notice_print.html",
        {
            "case": case,
            "consumer": case.consumer,
            "program": case.program,
            "kind": kind,
            "notice_language": language,
            "language_name": language_name,
            "fallback": language != preferred,
            "today": clock.today(),
        },
    )
