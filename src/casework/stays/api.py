"""Hospital stays (H1) and FHIR Encounter. Reads need consumer.read over the stay's
consumer (or a unit the caller covers); registering, transfer, discharge and Encounter
writes need case.manage. Each request writes exactly one audit event."""

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from ninja import Body, File, Form, Query, Router, Status, UploadedFile

from casework.core.actor import Actor
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.stays import (
    avoidable_selectors,
    avoidable_services,
    document_services,
    documents,
    selectors,
    services,
)
from casework.stays.avoidable_rules import ReportDimension
from casework.stays.fhir import encounter_facts, encounter_of
from casework.stays.models import (
    AdvisorReferral,
    AvoidableDay,
    MedicareNotice,
    Stay,
    StayDocument,
    StayReview,
    Unit,
)
from casework.stays.rules import (
    AttendingView,
    Determination,
    NoticeKind,
    NoticeResponse,
    ReviewKind,
    StatusSource,
)
from casework.stays.schemas import (
    AdvisorReferralOut,
    AvoidableDayIn,
    AvoidableDayOut,
    AvoidableDayPage,
    AvoidableReportOut,
    AvoidableReportQuery,
    CensusPage,
    CensusQuery,
    ClassChangeIn,
    DecisionIn,
    DischargeIn,
    MedicareNoticeIn,
    MedicareNoticeOut,
    ReferralPage,
    ReviewIn,
    ReviewOut,
    ReviewPage,
    StayDocumentOut,
    StayDocumentPage,
    StayIn,
    StayOut,
    TransferIn,
)
from casework.web.access import access_consumer, access_stay, refuse, stay_reach_q
from casework.web.api import (
    LIST_THROTTLE,
    NUL_REFUSED,
    PageParams,
    audit_list,
    contains_nul,
    listed_page,
    responses,
    staff_member,
)
from casework.web.guard import guard
from casework.web.lists import stay_record_list

router = Router(tags=["stays"])


def _unit(actor: Actor, unit_id: int | None, field: str = "unit_id") -> Unit | None:
    if unit_id is None:
        return None
    unit = selectors.unit_of_program(program_id=actor.user.program_id or 0, unit_id=unit_id)
    if unit is None:
        raise ValidationFailed.single(field, "no such unit in your program")
    return unit


def _unit_by_code(actor: Actor, code: str) -> Unit | None:
    if not code:
        return None
    unit = (
        selectors.units_of_program(program_id=actor.user.program_id or 0).filter(code=code).first()
    )
    if unit is None:
        raise ValidationFailed.single("location", "no unit with this code in your program")
    return unit


def _via(actor: Actor, source: StatusSource = StatusSource.API) -> services.Via:
    return services.Via(source=source, actor=actor)


@router.get(
    "/stays",
    response=responses({200: CensusPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="The census: stays in the house that you reach",
    operation_id="census_list",
)
@guard(Permission.CONSUMER_READ, object_type="stay")
def census_list(
    request: HttpRequest, actor: Actor, query: Query[CensusQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """In-house stays of the consumers you reach and of the units you cover; the earliest
    clock first (`sort=due`). Audits one list."""
    rows = selectors.census(
        reach=stay_reach_q(actor.user, Permission.CONSUMER_READ),
        filters=selectors.CensusFilters(
            unit_id=query.unit_id,
            stay_class=query.stay_class or "",
            payer=query.payer.strip(),
            reviewer_id=query.reviewer_id,
            sort=query.sort,
        ),
    )
    return listed_page(actor, rows, page, object_type="stay")


@router.post(
    "/stays",
    response=responses({201: StayOut}, write=True),
    summary="Register a stay by hand",
    operation_id="stay_create",
)
@guard(Permission.CASE_MANAGE, object_type="stay")
def stay_create(request: HttpRequest, actor: Actor, payload: StayIn) -> Status[Stay]:
    """Admit or register a stay of a consumer you reach. Audits one create."""
    consumer = access_consumer(
        actor, payload.consumer_id, permission=Permission.CASE_MANAGE, log_read=False
    )
    data = payload.model_dump(exclude={"consumer_id", "unit_id"})
    facts = services.StayFacts(unit=_unit(actor, payload.unit_id), **data)
    stay = services.stay_create(
        program=consumer.program,
        consumer=consumer,
        facts=facts,
        via=_via(actor),
        drg_version=settings.CASEWORK_STAYS_DRG_TABLE,
    )
    return Status(201, stay)


@router.get(
    "/stays/{stay_id}",
    response=responses({200: StayOut}),
    summary="One stay",
    operation_id="stay_read",
)
@guard(Permission.CONSUMER_READ, access_stay, log_read=True)
def stay_read(request: HttpRequest, actor: Actor, stay: Stay) -> Stay:
    """Audits one read."""
    return stay


@router.post(
    "/stays/{stay_id}/transfer",
    response=responses({200: StayOut}, write=True),
    summary="Transfer a stay to another unit or bed",
    operation_id="stay_transfer",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_transfer(request: HttpRequest, actor: Actor, stay: Stay, payload: TransferIn) -> Stay:
    """Audits one update."""
    return services.stay_transfer(
        stay=stay,
        unit=_unit(actor, payload.unit_id),
        bed=payload.bed,
        at=payload.at,
        via=_via(actor),
    )


@router.post(
    "/stays/{stay_id}/discharge",
    response=responses({200: StayOut}, write=True),
    summary="Discharge a stay",
    operation_id="stay_discharge",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_discharge(request: HttpRequest, actor: Actor, stay: Stay, payload: DischargeIn) -> Stay:
    """Audits one update."""
    return services.stay_discharge(stay=stay, at=payload.at, via=_via(actor))


@router.post(
    "/fhir/Encounter",
    response=responses({201: dict[str, Any]}, write=True),
    summary="Create a stay from a FHIR R4 Encounter",
    operation_id="encounter_create",
)
@guard(Permission.CASE_MANAGE, object_type="stay")
def encounter_create(
    request: HttpRequest, actor: Actor, payload: Body[dict[str, Any]]
) -> Status[dict[str, Any]]:
    """`subject` is Patient/<consumer id>; `identifier` the visit number; `class` an
    ActCode (IMP, OBSENC, EMER, AMB); `location[0].location.display` a unit code.
    Answers the Encounter as stored. Audits one create."""
    facts = _encounter(payload)
    consumer = access_consumer(
        actor, facts["consumer_id"], permission=Permission.CASE_MANAGE, log_read=False
    )
    stay = services.stay_create(
        program=consumer.program,
        consumer=consumer,
        facts=services.StayFacts(
            visit_number=facts["visit_number"],
            stay_class=facts["stay_class"],
            admitted_at=facts["admitted_at"],
            unit=_unit_by_code(actor, facts["unit_code"]),
            admitting_diagnosis=facts["admitting_diagnosis"],
        ),
        via=_via(actor, StatusSource.FHIR),
        drg_version=settings.CASEWORK_STAYS_DRG_TABLE,
    )
    return Status(201, encounter_of(stay))


@router.put(
    "/fhir/Encounter/{stay_id}",
    response=responses({200: dict[str, Any]}, write=True),
    summary="Update a stay from a FHIR R4 Encounter",
    operation_id="encounter_update",
)
@guard(Permission.CASE_MANAGE, access_stay)
def encounter_update(
    request: HttpRequest, actor: Actor, stay: Stay, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    """Class, unit, diagnosis and status: `finished` with `period.end` discharges. The
    subject and visit number must match the stay. Audits one update."""
    facts = _encounter(payload)
    if facts["consumer_id"] != stay.consumer_id or facts["visit_number"] != stay.visit_number:
        raise ValidationFailed.single("subject", "subject and identifier must match the stay")
    stay = services.stay_encounter_apply(
        stay=stay,
        stay_class=facts["stay_class"],
        unit=_unit_by_code(actor, facts["unit_code"]) if facts["unit_code"] else stay.unit,
        admitting_diagnosis=facts["admitting_diagnosis"] or stay.admitting_diagnosis,
        discharged_at=facts["discharged_at"] if facts["status"] == "finished" else None,
        via=_via(actor, StatusSource.FHIR),
    )
    return encounter_of(stay)


def _encounter(payload: dict[str, Any]) -> dict[str, Any]:
    if contains_nul(payload):  # a free-form FHIR body: no schema field check applies
        raise ValidationFailed.single("body", NUL_REFUSED)
    if payload.get("resourceType") != "Encounter":
        raise ValidationFailed.single("resourceType", "must be Encounter")
    if payload.get("status") not in ("planned", "arrived", "in-progress", "finished", "cancelled"):
        raise ValidationFailed.single("status", "not an Encounter status")
    facts = encounter_facts(payload)
    if payload.get("status") == "finished" and facts["discharged_at"] is None:
        raise ValidationFailed.single("period.end", "required when the status is finished")
    return facts


stay_record_list(
    router,
    "/stays/{stay_id}/reviews",
    page_schema=ReviewPage,
    rows=lambda stay: selectors.review_list(stay_id=stay.pk),
    object_type="stay_review",
    summary="A stay's utilization reviews",
    operation_id="stay_review_list",
    description="Newest first. Audits one list.",
)


@router.post(
    "/stays/{stay_id}/reviews",
    response=responses({201: ReviewOut}, write=True),
    summary="Record an admission or continued-stay review",
    operation_id="stay_review_create",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_review_create(
    request: HttpRequest, actor: Actor, stay: Stay, payload: ReviewIn
) -> Status[StayReview]:
    """Against the program's criteria set: a result for every criterion of the subset.
    Not met (or `refer`) refers the stay to the physician advisor. Audits one create."""
    facts = services.ReviewFacts(
        kind=ReviewKind(payload.kind), **payload.model_dump(exclude={"kind"})
    )
    return Status(
        201,
        services.review_record(
            stay=stay, actor=actor, facts=facts, criteria_key=settings.CASEWORK_STAYS_CRITERIA
        ),
    )


@router.get(
    "/advisor-queue",
    response=responses({200: ReferralPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="The physician advisor's queue: open referrals, the earliest due first",
    operation_id="advisor_queue",
)
@guard(Permission.UM_DECIDE, object_type="advisor_referral")
def advisor_queue(request: HttpRequest, actor: Actor, page: Query[PageParams]) -> dict[str, Any]:
    """Audits one list."""
    rows = selectors.advisor_queue(program_id=actor.user.program_id or 0)
    return listed_page(actor, rows, page, object_type="advisor_referral")


@router.post(
    "/stays/{stay_id}/advisor-decision",
    response=responses({200: AdvisorReferralOut}, write=True),
    summary="Decide the stay's open physician advisor referral",
    operation_id="advisor_decision",
)
@guard(Permission.UM_DECIDE, access_stay)
def advisor_decision(
    request: HttpRequest, actor: Actor, stay: Stay, payload: DecisionIn
) -> AdvisorReferral:
    """42 CFR 482.30: the reviewer's attestations (not involved in the care, no financial
    interest), the attending consulted before a not-necessary determination, a second
    physician when the attending disagrees. Audits one update."""
    referral = selectors.open_referral(stay_id=stay.pk)
    if referral is None:
        raise RuleViolation("the stay has no open referral")
    second = (
        staff_member(actor, payload.second_reviewer, "second_reviewer")
        if payload.second_reviewer is not None
        else None
    )
    second_attestation = (
        services.Attestation(**payload.second_attestation.model_dump())
        if payload.second_attestation is not None
        else None
    )
    facts = services.DecisionFacts(
        determination=Determination(payload.determination),
        rationale=payload.rationale,
        attestation=services.Attestation(**payload.attestation.model_dump()),
        attending_view=AttendingView(payload.attending_view),
        peer_to_peer=payload.peer_to_peer,
        second_reviewer=second,
        second_attestation=second_attestation,
    )
    return services.referral_decide(referral=referral, actor=actor, facts=facts)


@router.post(
    "/stays/{stay_id}/class",
    response=responses({200: StayOut}, write=True),
    summary="Change a stay's class (out of inpatient: the Condition Code 44 steps)",
    operation_id="stay_class_change",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_class_change(
    request: HttpRequest, actor: Actor, stay: Stay, payload: ClassChangeIn
) -> Stay:
    """Inpatient → outpatient is refused (409, naming the missing steps) without a UR
    physician's not-necessary determination, the attending's concurrence and its
    documentation, before discharge. Audits one update."""
    return services.stay_class_change(
        stay=stay,
        stay_class=payload.stay_class,
        at=payload.at,
        via=_via(actor),
        cc44=services.cc44_facts(
            stay=stay, attending_concurrence_documented=payload.attending_concurrence_documented
        ),
    )


@router.post(
    "/stays/{stay_id}/notices",
    response=responses({201: MedicareNoticeOut}, write=True),
    summary="Record delivery of an IM, its follow-up copy or a MOON",
    operation_id="medicare_notice_create",
)
@guard(Permission.CASE_MANAGE, access_stay)
def medicare_notice_create(
    request: HttpRequest, actor: Actor, stay: Stay, payload: MedicareNoticeIn
) -> Status[MedicareNotice]:
    """Signed, or refused (a MOON refusal: staff name, title and certification). Meets
    the notice's clock and records whether it was timely. Audits one create."""
    data = payload.model_dump()
    facts = services.NoticeFacts(
        **{
            **data,
            "kind": NoticeKind(data["kind"]),
            "response": NoticeResponse(data["response"]),
        }
    )
    return Status(201, services.notice_record(stay=stay, actor=actor, facts=facts))


# --- documents attached to a stay (H4) -----------------------------------------------------


stay_record_list(
    router,
    "/stays/{stay_id}/documents",
    page_schema=StayDocumentPage,
    rows=lambda stay: selectors.document_list(stay_id=stay.pk),
    object_type="stay_document",
    summary="The documents attached to a stay",
    operation_id="stay_document_list",
    description="The first attached first; the file itself from `.../file`. Audits one list.",
)


@router.post(
    "/stays/{stay_id}/documents",
    response=responses({201: StayDocumentOut}, write=True),
    summary="Attach a document (PDF, PNG or JPEG) to a stay",
    operation_id="stay_document_attach",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_document_attach(
    request: HttpRequest,
    actor: Actor,
    stay: Stay,
    title: Form[str],
    kind: Form[str],
    file: File[UploadedFile],
) -> Status[StayDocument]:
    """multipart/form-data: `title`, `kind` (medical_record, physician_letter,
    payer_correspondence, other) and `file`, checked whole (size, type, the document's
    structure; 422 naming the field otherwise, nothing stored). The appeal packet carries
    it. Audits one create."""
    unknown = sorted((set(request.POST) - {"title", "kind"}) | (set(request.FILES) - {"file"}))
    if unknown:
        raise ValidationFailed({name: ["Extra inputs are not permitted"] for name in unknown})
    return Status(
        201,
        document_services.stay_document_attach(
            actor=actor, stay=stay, title=title, kind=kind, upload=file
        ),
    )


@router.get(
    "/stays/{stay_id}/documents/{document_id}/file",
    response=responses({}),
    summary="Download a document attached to a stay",
    operation_id="stay_document_file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the file (PDF, PNG or JPEG)",
                "content": {
                    media: {"schema": {"type": "string", "format": "binary"}}
                    for media in ("application/pdf", "image/png", "image/jpeg")
                },
            }
        }
    },
)
@guard(Permission.CONSUMER_READ, access_stay)
def stay_document_file(
    request: HttpRequest, actor: Actor, stay: Stay, document_id: int
) -> FileResponse:
    """The file under a generated name with its checked media type, as an attachment.
    Audits one print; 404 (one denied event) for a document not of this stay."""
    response = documents.document_download(actor, stay, document_id)
    if response is None:
        raise refuse(actor, AuditAction.PRINT, "stay_document", document_id)
    return response


# --- avoidable days (H3) -------------------------------------------------------------------


stay_record_list(
    router,
    "/stays/{stay_id}/avoidable-days",
    page_schema=AvoidableDayPage,
    rows=lambda stay: avoidable_selectors.avoidable_day_list(stay_id=stay.pk),
    object_type="avoidable_day",
    summary="A stay's avoidable days",
    operation_id="avoidable_day_list",
    description="The earliest first. Audits one list.",
)


@router.post(
    "/stays/{stay_id}/avoidable-days",
    response=responses({201: AvoidableDayOut}, write=True),
    summary="Record avoidable days on a stay",
    operation_id="avoidable_day_create",
)
@guard(Permission.CASE_MANAGE, access_stay)
def avoidable_day_create(
    request: HttpRequest, actor: Actor, stay: Stay, payload: AvoidableDayIn
) -> Status[AvoidableDay]:
    """A span of whole days within the stay, overlapping no other span of it, with a
    category and reason of the program's taxonomy and a responsible party (422 naming the
    field otherwise). Audits one create."""
    facts = avoidable_services.AvoidableDayFacts(**payload.model_dump())
    return Status(201, avoidable_services.avoidable_day_record(stay=stay, actor=actor, facts=facts))


@router.get(
    "/avoidable-days/report",
    response=responses({200: AvoidableReportOut}),
    summary="Avoidable days by category, reason, unit, payer, physician or week",
    operation_id="avoidable_day_report",
)
@guard(Permission.UM_REPORT, object_type="avoidable_day_report")
def avoidable_day_report(
    request: HttpRequest, actor: Actor, query: Query[AvoidableReportQuery]
) -> dict[str, Any]:
    """Totals over the program's stays; names no consumer. Audits one list."""
    by = ReportDimension(query.by)
    rows = avoidable_selectors.avoidable_day_report(
        program_id=actor.user.program_id or 0, by=by, start=query.start, end=query.end
    )
    audit_list(
        actor,
        object_type="avoidable_day_report",
        count=len(rows),
        returned=[],
        by=by.value,
    )
    return {
        "by": by.value,
        "taxonomy": settings.CASEWORK_STAYS_AVOIDABLE_TAXONOMY,
        "total_days": sum(r.days for r in rows),
        "rows": rows,
    }
