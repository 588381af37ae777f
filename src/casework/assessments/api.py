"""Instruments, assessments, needs and reassessment triggers (D1-D4).

Instruments hold no consumer data. Reads need consumer.read over the case; writes need
care.plan and active consent (409 otherwise). Each request writes exactly one audit
event about consumer data."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from casework.assessments import fhir, selectors, services
from casework.assessments.models import AssessmentResponse, Need
from casework.assessments.schemas import (
    AssessmentIn,
    AssessmentOut,
    AssessmentPage,
    InstrumentPage,
    NeedDecideIn,
    NeedIn,
    NeedOut,
    NeedPage,
    TriggerIn,
    TriggerOut,
)
from casework.cases.models import Case
from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission
from casework.web.access import access_case, access_need, access_response
from casework.web.api import LIST_THROTTLE, PageParams, paginate, responses
from casework.web.guard import guard
from casework.web.lists import case_record_list

router = Router(tags=["assessments"])


@router.get(
    "/instruments",
    response=responses({200: InstrumentPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="List the instruments offered",
    operation_id="instrument_list",
)
def instrument_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The current version of each instrument; no consumer data, so no audit event."""
    count, items = paginate(selectors.instrument_list_current(), page)
    return {"count": count, "items": items}


@router.get(
    "/instruments/{instrument_id}/fhir",
    response=responses({200: dict[str, Any]}),
    summary="An instrument version as a FHIR R4 Questionnaire",
    operation_id="instrument_fhir",
)
def instrument_fhir(request: HttpRequest, instrument_id: int) -> dict[str, Any]:
    """Any version, current or not; no consumer data, so no audit event."""
    instrument = selectors.instrument_by_id(instrument_id=instrument_id)
    if instrument is None:
        raise HttpError(404, "Not Found")
    return fhir.questionnaire(instrument)


case_record_list(
    router,
    "/cases/{case_id}/assessments",
    page_schema=AssessmentPage,
    rows_seen_by=lambda case, actor: selectors.response_list_for_case(case_id=case.pk, actor=actor),
    object_type="assessment_response",
    summary="List a case's assessments",
    operation_id="assessment_list",
    description=(
        "Newest first. A substance-use-disorder record (42 CFR Part 2, `part2`) is listed "
        "only to its assessor and to the roles the consumer's Part 2 consent names, never "
        "under break-glass, with its security labels and the redisclosure notice. Audits "
        "one list."
    ),
)


@router.post(
    "/cases/{case_id}/assessments",
    response=responses({201: AssessmentOut}, write=True),
    summary="Record and score an assessment",
    operation_id="assessment_create",
)
@guard(Permission.CARE_PLAN, access_case)
def assessment_create(
    request: HttpRequest, actor: Actor, case: Case, payload: AssessmentIn
) -> Status[AssessmentResponse]:
    """Answers are checked against the current version of the instrument (422 names each
    question). Positive findings become suggested needs; an urgent flag raises a work item
    due the same day. Audits one create."""
    instrument = selectors.instrument_current(code=payload.instrument)
    if instrument is None:
        raise ValidationFailed.single("instrument", "no current instrument with this code")
    data = payload.model_dump(exclude={"instrument"})
    return Status(
        201, services.assessment_record(actor=actor, case=case, instrument=instrument, **data)
    )


@router.get(
    "/assessments/{response_id}/fhir",
    response=responses({200: dict[str, Any]}),
    summary="An assessment as FHIR R4 QuestionnaireResponse and Observations",
    operation_id="assessment_fhir",
)
@guard(Permission.CONSUMER_READ, access_response)
def assessment_fhir(
    request: HttpRequest, actor: Actor, response: AssessmentResponse
) -> dict[str, Any]:
    """A Bundle (collection): the QuestionnaireResponse, then one survey Observation per
    LOINC-coded answer (POS on answers that signal a need) and the total score. Audits
    one read."""
    return fhir.response_bundle(response)


case_record_list(
    router,
    "/cases/{case_id}/needs",
    page_schema=NeedPage,
    rows_seen_by=lambda case, actor: selectors.need_list_for_case(case_id=case.pk, actor=actor),
    object_type="need",
    summary="List a case's needs, strengths and barriers",
    operation_id="need_list",
    description=(
        "Dismissed needs are left out, and so is a need suggested by a substance-use-"
        "disorder record (42 CFR Part 2) the caller may not see. Audits one list."
    ),
)


@router.post(
    "/cases/{case_id}/needs",
    response=responses({201: NeedOut}, write=True),
    summary="Record a need, strength or barrier",
    operation_id="need_create",
)
@guard(Permission.CARE_PLAN, access_case)
def need_create(request: HttpRequest, actor: Actor, case: Case, payload: NeedIn) -> Status[Need]:
    """Confirmed at once, with its priority and the consumer's own. Audits one create."""
    return Status(201, services.need_create(actor=actor, case=case, **payload.model_dump()))


@router.post(
    "/needs/{need_id}/decide",
    response=responses({200: NeedOut}, write=True),
    summary="Confirm or dismiss a suggested need",
    operation_id="need_decide",
)
@guard(Permission.CARE_PLAN, access_need)
def need_decide(request: HttpRequest, actor: Actor, need: Need, payload: NeedDecideIn) -> Need:
    """A confirmed problem needs a priority (`acuity`); record the consumer's own priority
    too. A stale `version` is 409. Audits one update."""
    return services.need_decide(actor=actor, need=need, **payload.model_dump())


@router.post(
    "/cases/{case_id}/reassessment-triggers",
    response=responses({201: TriggerOut}, write=True),
    summary="Record a change in condition or a transition of care",
    operation_id="reassessment_trigger",
)
@guard(Permission.CARE_PLAN, access_case)
def reassessment_trigger(
    request: HttpRequest, actor: Actor, case: Case, payload: TriggerIn
) -> Status[dict[str, int]]:
    """Raises a reassessment work item (next day for a change in condition, two days for a
    transition of care). Audits one create."""
    item_id = services.reassessment_trigger(
        actor=actor, case=case, kind=payload.kind, detail=payload.detail
    )
    return Status(201, {"work_item_id": item_id})
