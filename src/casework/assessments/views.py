"""Pages for assessments, needs and reassessment triggers (D1-D4)."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casework.assessments import documents, rules, selectors, services
from casework.assessments.forms import (
    AssessmentForm,
    NeedDecideForm,
    NeedForm,
    NeedsConfirmForm,
    TriggerForm,
)
from casework.assessments.models import AssessmentResponse, Need
from casework.cases.models import Case
from casework.core.actor import Actor
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.web.access import access_case, access_response
from casework.web.guard import guard
from casework.web.pages import case_form_page


def _to_assessment(case: Case) -> str:
    return reverse("case_detail", args=[case.pk]) + "#assessment"


@login_required
@require_GET
@guard(Permission.CARE_PLAN, access_case, log_read=True)
def assessment_start(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """Choose an instrument. One audited read of the case."""
    return render(
        request,
        "assessments/start.html",
        {
            "case": case,
            "consumer": case.consumer,
            "title": _("Start an assessment"),
            "instruments": list(selectors.instrument_list_current()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def assessment_create(request: HttpRequest, actor: Actor, case: Case, code: str) -> HttpResponse:
    instrument = selectors.instrument_current(code=code)
    if instrument is None:
        raise Http404("No such instrument")
    definition = instrument.definition
    aliases = {f"answers.{q['id']}": q["id"] for q in definition["questions"]}
    asked = request.GET.get("language", "")

    def shown(case: Case) -> tuple[str, dict[str, Any]]:
        """The language the questions are shown in: the one asked for (`?language=`), else
        the consumer's preferred one, when the instrument has it; else English."""
        if asked == "en":
            return "en", definition
        for language in (asked, case.consumer.preferred_language):
            translated = rules.localized(definition, language) if language else None
            if translated is not None:
                return language, translated
        return "en", definition

    def build(case: Case, data: Any) -> forms.Form:
        language, questions = shown(case)
        return AssessmentForm(
            data,
            definition=questions,
            initial={"language": case.consumer.preferred_language},
            language=language,
        )

    def extra(case: Case) -> dict[str, Any]:
        language, questions = shown(case)
        preferred = case.consumer.preferred_language
        return {
            "source": instrument.source,
            "version": instrument.version,
            "shown_language": language,
            "shown_title": questions["title"],
            "untranslated": preferred if preferred != language and not asked else "",
            "other_languages": sorted({"en", *definition.get("translations", {})} - {language}),
        }

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        assert isinstance(form, AssessmentForm)
        d = form.cleaned_data
        return services.assessment_record(
            actor=actor,
            case=case,
            instrument=instrument,
            answers=form.answers(),
            participants=d["participants"],
            language=d["language"],
            interpreter_used=d["administered_with_interpreter"],
            part2=d["part2"],
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=instrument.title,
        submit_label=_("Record and score"),
        success_message=_("Assessment recorded and scored."),
        aliases=aliases,
        extra=extra,
        template="assessments/assessment_form.html",
        success_url=_to_assessment,
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def need_create(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return services.need_create(actor=actor, case=case, **form.cleaned_data)

    return case_form_page(
        request,
        actor,
        case,
        build_form=lambda case, data: NeedForm(data),
        save=save,
        title=_("Record a need, strength or barrier"),
        submit_label=_("Record"),
        success_message=_("Recorded."),
        success_url=_to_assessment,
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def needs_confirm(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """Confirm several suggested needs at once (each with its priority). One update event
    naming them all; a refusal confirms none."""
    needs = selectors.need_suggested_for_case(case_id=case.pk, actor=actor)

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        assert isinstance(form, NeedsConfirmForm)
        return services.needs_confirm(actor=actor, case=case, decisions=form.decisions())

    return case_form_page(
        request,
        actor,
        case,
        build_form=lambda case, data: NeedsConfirmForm(data, needs=needs),
        save=save,
        title=_("Confirm several needs"),
        submit_label=_("Confirm the chosen needs"),
        success_message=_("Needs confirmed."),
        success_url=_to_assessment,
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def need_decide(request: HttpRequest, actor: Actor, case: Case, need_id: int) -> HttpResponse:
    found: dict[str, Need] = {}

    def need_of(case: Case) -> Need:
        if "need" not in found:
            need = selectors.need_of_case(case_id=case.pk, need_id=need_id, actor=actor)
            if need is None:
                raise Http404("No such need")
            found["need"] = need
        return found["need"]

    def build(case: Case, data: Any) -> forms.Form:
        need = need_of(case)
        return NeedDecideForm(
            data,
            initial={
                "version": need.version,
                "status": "confirmed",
                "acuity": need.acuity,
                "consumer_priority": need.consumer_priority,
            },
        )

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return services.need_decide(actor=actor, need=need_of(case), **form.cleaned_data)

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Confirm or dismiss a need"),
        submit_label=_("Save decision"),
        success_message=_("Decision saved."),
        extra=lambda case: {"need": need_of(case)},
        template="assessments/need_decide.html",
        success_url=_to_assessment,
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def reassessment_trigger(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        d = form.cleaned_data
        return services.reassessment_trigger(
            actor=actor, case=case, kind=d["kind"], detail=d["detail"]
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=lambda case, data: TriggerForm(data),
        save=save,
        title=_("Record a change that calls for reassessment"),
        submit_label=_("Record and raise a work item"),
        success_message=_("Reassessment work item raised."),
    )


def _summary(
    actor: Actor,
    case_id: int,
    response_id: int,
    *,
    action: str = AuditAction.READ,
    detail: dict[str, object] | None = None,
) -> tuple[AssessmentResponse, documents.AssessmentSummary]:
    """Response `response_id` of case `case_id` and its summary: the one load behind the
    summary pages, audited as one `action` (a read, or a print)."""
    response = access_response(actor, response_id, case_id=case_id, action=action, detail=detail)
    return response, documents.assessment_summary(response)


# The response's load takes the case it must belong to and the audited action, which the
# guard does not pass: these pages are guarded for the actor, and load through `_summary`.
@login_required
@require_GET
@guard(Permission.CONSUMER_READ, object_type="assessment_response")
def assessment_detail(
    request: HttpRequest, actor: Actor, case_id: int, response_id: int
) -> HttpResponse:
    """One completed assessment: every asked question with its answer, the score and the
    findings. One audited read."""
    response, summary = _summary(actor, case_id, response_id)
    return render(
        request,
        "assessments/detail.html",
        {"case": response.case, "consumer": response.case.consumer, "summary": summary},
    )


@login_required
@require_GET
@guard(Permission.CONSUMER_READ, object_type="assessment_response")
def assessment_pdf(
    request: HttpRequest, actor: Actor, case_id: int, response_id: int
) -> HttpResponse:
    """The same summary as a PDF download, audited as one print (S20)."""
    response, summary = _summary(
        actor, case_id, response_id, action=AuditAction.PRINT, detail={"format": "pdf"}
    )
    download = HttpResponse(documents.summary_pdf(summary), content_type="application/pdf")
    download["Content-Disposition"] = f'attachment; filename="assessment-{response.pk}.pdf"'
    download["Cache-Control"] = "no-store"
    return download
