"""Transitions of care (G1-G4, F4) and closed-loop community referrals (F5, F7). Reads
need consumer.read over the stay's consumer (or a unit the caller covers); writes need
case.manage. Each request writes exactly one audit event."""

from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Body, Query, Router, Status
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from casework.consumers.models import Consumer
from casework.core.actor import Actor, client_address
from casework.core.audit import audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.resources import selectors as resource_selectors
from casework.stays.models import Stay
from casework.transitions import documents, selectors, services
from casework.transitions.fhir import handoff_bundle, handoff_task, referral_pair
from casework.transitions.models import (
    ChoiceList,
    CommunityReferral,
    Handoff,
    Readmission,
    ReceiverCredential,
    SequencingBarrier,
)
from casework.transitions.schemas import (
    ChoiceListIn,
    ChoiceListOut,
    ChoiceOut,
    ChoicesIn,
    CommunityReferralIn,
    CommunityReferralOut,
    CommunityReferralPage,
    EducationIn,
    EducationOut,
    EducationPage,
    EscalationPathOut,
    FollowUpAttemptIn,
    FollowUpStateOut,
    HandoffIn,
    HandoffOut,
    PlacementIn,
    PlacementOut,
    ReadmissionOut,
    ReadmissionReviewIn,
    ReceiptIn,
    ReceiverHandoffPage,
    ReferralStatusIn,
    SequencingBarrierIn,
    SequencingBarrierOut,
    SequencingBarrierPage,
    SequencingResolveIn,
    SequencingResponseIn,
    TransitionOut,
    TransitionPlanIn,
    TransitionPlanOut,
)
from casework.web.access import (
    access_consumer,
    access_receiver_handoff,
    access_referral,
    access_sequencing_barrier,
    access_stay,
)
from casework.web.api import PageParams, listed_page, responses
from casework.web.guard import guard
from casework.web.lists import stay_record_list

router = Router(tags=["transitions"])


def _provider(actor: Actor, provider_id: int, field: str) -> Any:
    provider = selectors.provider_of_program(
        program_id=actor.user.program_id or 0, provider_id=provider_id
    )
    if provider is None:
        raise ValidationFailed.single(field, "no such provider in your program")
    return provider


def _referral_out(referral: CommunityReferral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "consumer_id": referral.consumer_id,
        "service_id": referral.service_id,
        "service_name": referral.service.name,
        "need": referral.need,
        "status": referral.status,
        "status_reason": referral.status_reason,
        "sent_at": referral.sent_at,
        "updated_at": referral.updated_at,
    }


@router.get(
    "/stays/{stay_id}/transition",
    response=responses({200: TransitionOut}),
    summary="A stay's transition: plan, choices, placement, handoff, follow-up, readmission",
    operation_id="transition_get",
)
@guard(Permission.CONSUMER_READ, access_stay, log_read=True)
def transition_get(request: HttpRequest, actor: Actor, stay: Stay) -> dict[str, Any]:
    """Everything of the stay's transition of care, with its clocks. Audits one read."""
    found = selectors.transition_of_stay(stay=stay)
    return {
        "stay_id": stay.pk,
        "plan": found.plan,
        "choice_lists": found.choice_lists,
        "placement": found.placement,
        "handoff": found.handoff,
        "attempts": len(found.attempts),
        "clocks": found.clocks,
        "readmission": found.readmission,
    }


@router.put(
    "/stays/{stay_id}/transition-plan",
    response=responses({200: TransitionPlanOut}, write=True),
    summary="Save a new version of the stay's transition plan",
    operation_id="transition_plan_save",
)
@guard(Permission.CASE_MANAGE, access_stay)
def transition_plan_save(
    request: HttpRequest, actor: Actor, stay: Stay, payload: TransitionPlanIn
) -> Any:
    """The anticipated destination and date, post-acute needs, barriers and readmission
    risk; each save is a new version (send the version you read). Audits one write."""
    return services.transition_plan_save(
        actor=actor,
        stay=stay,
        facts=services.PlanFacts(
            destination=payload.destination,
            anticipated_discharge_date=payload.anticipated_discharge_date,
            needs=tuple(payload.needs),
            barriers=payload.barriers,
            readmission_risk=payload.readmission_risk,
            risk=services.RiskEntries(
                comorbidity_codes=tuple(code.strip().upper() for code in payload.comorbidity_codes),
                acute=payload.acute,
                haemoglobin=payload.haemoglobin,
                sodium=payload.sodium,
                oncology=payload.oncology,
                procedure=payload.procedure,
            ),
        ),
        version=payload.version,
    )


@router.post(
    "/stays/{stay_id}/choice-lists",
    response=responses({201: ChoiceListOut}, write=True),
    summary="Present the choice list of post-acute providers serving the consumer's area",
    operation_id="choice_list_create",
)
@guard(Permission.CASE_MANAGE, access_stay)
def choice_list_create(
    request: HttpRequest, actor: Actor, stay: Stay, payload: ChoiceListIn
) -> Status[ChoiceList]:
    """The Medicare-participating providers of the type serving the ZIP code, with their
    quality data and any financial interest of the program. Audits one create."""
    providers = selectors.choice_list_providers(
        program_id=stay.program_id,
        provider_type=payload.provider_type,
        postal_code=payload.postal_code,
    )
    choice_list = services.choice_list_create(
        actor=actor,
        stay=stay,
        provider_type=payload.provider_type,
        postal_code=payload.postal_code,
        providers=providers,
        language=payload.language,
    )
    return Status(201, choice_list)


@router.post(
    "/stays/{stay_id}/choice-lists/{choice_list_id}/choices",
    response=responses({200: list[ChoiceOut]}, write=True),
    summary="Record the consumer's choices from a choice list",
    operation_id="choices_record",
)
@guard(Permission.CASE_MANAGE, access_stay)
def choices_record(
    request: HttpRequest, actor: Actor, stay: Stay, choice_list_id: int, payload: ChoicesIn
) -> list[dict[str, int]]:
    """The providers the consumer chose, first preference first. Audits one update."""
    choice_list = selectors.choice_list_of_stay(stay_id=stay.pk, choice_list_id=choice_list_id)
    if choice_list is None:
        raise Http404
    choices = services.choices_record(
        actor=actor, choice_list=choice_list, provider_ids=payload.provider_ids
    )
    return [{"rank": c.rank, "provider_id": c.provider_id} for c in choices]


@router.put(
    "/stays/{stay_id}/placement",
    response=responses({200: PlacementOut}, write=True),
    summary="Record the final placement",
    operation_id="placement_record",
)
@guard(Permission.CASE_MANAGE, access_stay)
def placement_record(request: HttpRequest, actor: Actor, stay: Stay, payload: PlacementIn) -> Any:
    """The provider the consumer goes to (a provider not chosen needs the reason). Audits
    one write."""
    provider = _provider(actor, payload.provider_id, "provider_id")
    return services.placement_record(
        actor=actor, stay=stay, provider=provider, reason=payload.reason
    )


@router.post(
    "/stays/{stay_id}/handoff",
    response=responses({201: HandoffOut}, write=True),
    summary="Send the handoff to the receiving provider",
    operation_id="handoff_send",
)
@guard(Permission.CASE_MANAGE, access_stay)
def handoff_send(
    request: HttpRequest, actor: Actor, stay: Stay, payload: HandoffIn
) -> Status[Handoff]:
    """Reason for the stay, problems, medicines to start, stop and change, allergies,
    pending tests, appointments, goals of care and contacts. Audits one create."""
    receiver = None
    if payload.receiver_provider_id is not None:
        receiver = _provider(actor, payload.receiver_provider_id, "receiver_provider_id")
    handoff = services.handoff_send(
        actor=actor,
        stay=stay,
        receiver_name=payload.receiver_name,
        contents=payload.contents.model_dump(),
        receiver_provider=receiver,
    )
    return Status(201, handoff)


def _handoff(stay: Stay) -> Handoff:
    handoff = selectors.handoff_of_stay(stay_id=stay.pk)
    if handoff is None:
        raise Http404
    return handoff


@router.get(
    "/stays/{stay_id}/handoff/fhir",
    response=responses({200: dict[str, Any]}),
    summary="The handoff as a FHIR R4 Bundle",
    operation_id="handoff_bundle",
)
@guard(Permission.CONSUMER_READ, access_stay, log_read=True)
def handoff_fhir(request: HttpRequest, actor: Actor, stay: Stay) -> dict[str, Any]:
    """A collection Bundle: Composition, Condition, MedicationStatement,
    AllergyIntolerance, ServiceRequest, Appointment and the receipt Task. Audits one
    read."""
    return handoff_bundle(_handoff(stay))


@router.get(
    "/stays/{stay_id}/handoff/pdf",
    response=responses({}),
    summary="The handoff as a PDF (every section), in English or Spanish",
    operation_id="handoff_pdf",
    openapi_extra={
        "responses": {
            "200": {
                "description": "PDF",
                "content": {"application/pdf": {"schema": {"type": "string"}}},
            }
        }
    },
)
@guard(Permission.CONSUMER_READ, access_stay)
def handoff_pdf(
    request: HttpRequest, actor: Actor, stay: Stay, language: Literal["", "en", "es"] = ""
) -> HttpResponse:
    """`language` en or es; the consumer's preferred language by default (English when
    it is neither). Audits one print."""
    handoff = _handoff(stay)
    lang = documents.handoff_language(handoff, language)
    services.handoff_printed(actor=actor, handoff=handoff, language=lang)
    response = HttpResponse(documents.handoff_pdf(handoff, lang), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="handoff-{stay.pk}.pdf"'
    return response


@router.post(
    "/stays/{stay_id}/handoff/receipt",
    response=responses({200: HandoffOut}, write=True),
    summary="Confirm that the receiving provider has the handoff",
    operation_id="handoff_confirm",
)
@guard(Permission.CASE_MANAGE, access_stay)
def handoff_confirm(request: HttpRequest, actor: Actor, stay: Stay, payload: ReceiptIn) -> Handoff:
    """A person confirmed receipt (who at the receiver said so). Audits one update."""
    return services.handoff_confirm(
        actor=actor, handoff=_handoff(stay), confirmed_by=payload.confirmed_by
    )


@router.put(
    "/fhir/Task/handoff-{stay_id}",
    response=responses({200: dict[str, Any]}, write=True),
    summary="The receiving system updates the handoff's FHIR Task",
    operation_id="handoff_task_update",
)
@guard(Permission.CASE_MANAGE, access_stay)
def handoff_task_update(
    request: HttpRequest, actor: Actor, stay: Stay, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    """Task.status received, accepted, in-progress or completed confirms receipt;
    rejected records the refusal. Use an API token of the program's interface account.
    Audits one update."""
    if payload.get("resourceType") != "Task":
        raise ValidationFailed.single("resourceType", "must be Task")
    status = payload.get("status")
    if not isinstance(status, str):
        raise ValidationFailed.single("status", "required")
    handoff = services.handoff_task_update(actor=actor, handoff=_handoff(stay), status=status)
    return handoff_task(handoff)


@router.post(
    "/stays/{stay_id}/follow-up-attempts",
    response=responses({200: FollowUpStateOut}, write=True),
    summary="Log an attempt to reach the consumer after discharge",
    operation_id="follow_up_attempt_record",
)
@guard(Permission.CASE_MANAGE, access_stay)
def follow_up_attempt_record(
    request: HttpRequest, actor: Actor, stay: Stay, payload: FollowUpAttemptIn
) -> Any:
    """Channel and outcome; answers where follow-up stands (reached, failed attempts,
    escalated, TCM met). Audits one create."""
    return services.follow_up_attempt_record(
        actor=actor,
        stay=stay,
        attempted_at=payload.attempted_at,
        channel=payload.channel,
        outcome=payload.outcome,
        note=payload.note,
    )


stay_record_list(
    router,
    "/stays/{stay_id}/education",
    page_schema=EducationPage,
    rows=lambda stay: selectors.education_of_stay(stay_id=stay.pk),
    object_type="education_record",
    parent_ref=lambda stay: f"stay:{stay.pk}",
    summary="The education given during a stay, the latest first",
    operation_id="education_list",
    description=(
        "Topic, audience, method, materials and their language, teach-back, who and when.\n"
        "Audits one list."
    ),
)


@router.post(
    "/stays/{stay_id}/education",
    response=responses({201: EducationOut}, write=True),
    summary="Record education given to the consumer, family, caregiver or team",
    operation_id="education_record",
)
@guard(Permission.CASE_MANAGE, access_stay)
def education_record(
    request: HttpRequest, actor: Actor, stay: Stay, payload: EducationIn
) -> Status[Any]:
    """The materials' language is the consumer's when blank; teach-back `not_done` needs
    the reason in `note`. Audits one create."""
    record = services.education_record(
        actor=actor,
        stay=stay,
        facts=services.EducationFacts(
            topic=payload.topic,
            audience=payload.audience,
            method=payload.method,
            teach_back=payload.teach_back,
            given_at=payload.given_at,
            materials=payload.materials,
            materials_language=payload.materials_language,
            note=payload.note,
        ),
    )
    return Status(201, record)


@router.post(
    "/stays/{stay_id}/readmission/review",
    response=responses({200: ReadmissionOut}, write=True),
    summary="Review a readmission: planned with its reason, or the root cause",
    operation_id="readmission_review",
)
@guard(Permission.CASE_MANAGE, access_stay)
def readmission_review(
    request: HttpRequest, actor: Actor, stay: Stay, payload: ReadmissionReviewIn
) -> Readmission:
    """The stay must be a readmission (404 otherwise). Audits one update."""
    readmission = selectors.readmission_of_stay(stay_id=stay.pk)
    if readmission is None:
        raise Http404
    return services.readmission_review(
        actor=actor,
        readmission=readmission,
        planned=payload.planned,
        planned_reason=payload.planned_reason,
        root_cause=payload.root_cause,
        notes=payload.notes,
    )


# --- closed-loop community referrals -----------------------------------------------------


@router.get(
    "/consumers/{consumer_id}/community-referrals",
    response=responses({200: CommunityReferralPage}, listing=True),
    summary="A consumer's community referrals",
    operation_id="community_referral_list",
)
@guard(Permission.CONSUMER_READ, access_consumer)
def community_referral_list(
    request: HttpRequest, actor: Actor, consumer: Consumer, page: Query[PageParams]
) -> dict[str, Any]:
    """Newest first. Audits one list."""
    listed = listed_page(
        actor,
        selectors.referrals_of_consumer(consumer_id=consumer.pk),
        page,
        object_type="community_referral",
        consumer_id=consumer.pk,
    )
    listed["items"] = [_referral_out(r) for r in listed["items"]]
    return listed


@router.post(
    "/consumers/{consumer_id}/community-referrals",
    response=responses({201: CommunityReferralOut}, write=True),
    summary="Refer the consumer to a community service (closed loop)",
    operation_id="community_referral_send",
)
@guard(Permission.CASE_MANAGE, access_consumer)
def community_referral_send(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: CommunityReferralIn
) -> Status[dict[str, Any]]:
    """A service of the resource directory; the referral is sent (Task requested).
    Audits one create."""
    service = resource_selectors.service_by_id(str(payload.service_id))
    if service is None:
        raise ValidationFailed.single("service_id", "no such service in the directory")
    referral = services.referral_send(
        actor=actor, consumer=consumer, service=service, need=payload.need, note=payload.note
    )
    return Status(201, _referral_out(referral))


@router.post(
    "/community-referrals/{referral_id}/status",
    response=responses({200: CommunityReferralOut}, write=True),
    summary="Move a referral along its loop",
    operation_id="community_referral_status",
)
@guard(Permission.CASE_MANAGE, access_referral)
def community_referral_status(
    request: HttpRequest, actor: Actor, referral: CommunityReferral, payload: ReferralStatusIn
) -> dict[str, Any]:
    """sent → accepted → completed; rejected or cancelled with a reason. Audits one
    update."""
    updated = services.referral_status_set(
        actor=actor, referral=referral, status=payload.status, reason=payload.reason
    )
    return _referral_out(updated)


@router.get(
    "/community-referrals/{referral_id}/fhir",
    response=responses({200: dict[str, Any]}),
    summary="The referral as a Gravity SDOH ServiceRequest and Task",
    operation_id="community_referral_fhir",
)
@guard(Permission.CONSUMER_READ, access_referral, log_read=True)
def community_referral_fhir(
    request: HttpRequest, actor: Actor, referral: CommunityReferral
) -> dict[str, Any]:
    """A collection Bundle with the ServiceRequest and its Task. Audits one read."""
    return referral_pair(referral)


# --- the receiving system's own API (its credential reaches nothing else) -----------------


class ReceiverAuth(HttpBearer):
    """A receiving organisation's credential (`Authorization: Bearer cwr_…`)."""

    def authenticate(self, request: HttpRequest, token: str) -> ReceiverCredential:
        credential = services.receiver_verify(token.strip())
        if credential is None:
            raise AuthenticationError()
        return credential


receiver_router = Router(tags=["receiver"])


def _receiver(request: HttpRequest) -> ReceiverCredential:
    credential = getattr(request, "auth", None)
    assert isinstance(credential, ReceiverCredential)
    return credential


@receiver_router.get(
    "/handoffs",
    response=responses({200: ReceiverHandoffPage}),
    summary="The handoffs addressed to your organisation, the newest first",
    operation_id="receiver_handoff_list",
)
def receiver_handoff_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Stay ids (the key of the Bundle and the Task), when sent and the Task status.
    Audits one list event."""
    credential = _receiver(request)
    qs = selectors.handoffs_of_receiver(
        provider_id=credential.provider_id, program_id=credential.program_id
    )
    count = qs.count()
    items = list(qs[page.offset : page.offset + page.limit])
    audit_record(
        actor=None,
        username=credential.audit_name,
        client_address=client_address(request),
        action=AuditAction.LIST,
        object_type="handoff",
        detail={"count": count, "ids": [h.pk for h in items]},
    )
    return {
        "count": count,
        "items": [
            {
                "stay_id": h.stay_id,
                "receiver_name": h.receiver_name,
                "sent_at": h.sent_at,
                "task_status": h.task_status,
                "received_at": h.received_at,
            }
            for h in items
        ],
    }


@receiver_router.get(
    "/handoffs/{stay_id}/fhir",
    response=responses({200: dict[str, Any]}),
    summary="A handoff addressed to your organisation, as a FHIR R4 Bundle",
    operation_id="receiver_handoff_bundle",
)
def receiver_handoff_bundle(request: HttpRequest, stay_id: int) -> dict[str, Any]:
    """404 (audited) for a handoff addressed to anyone else. Audits one read."""
    credential = _receiver(request)
    handoff = access_receiver_handoff(
        credential, stay_id, action=AuditAction.READ, address=client_address(request)
    )
    bundle = handoff_bundle(handoff)
    audit_record(
        actor=None,
        username=credential.audit_name,
        client_address=client_address(request),
        action=AuditAction.READ,
        consumer_id=handoff.stay.consumer_id,
        object_type="handoff",
        object_id=handoff.pk,
    )
    return bundle


@receiver_router.put(
    "/fhir/Task/handoff-{stay_id}",
    response=responses({200: dict[str, Any]}, write=True),
    summary="Update the Task of a handoff addressed to your organisation",
    operation_id="receiver_task_update",
)
def receiver_task_update(
    request: HttpRequest, stay_id: int, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    """Task.status received, accepted, in-progress or completed confirms receipt;
    rejected records the refusal. 404 (audited) for a handoff addressed to anyone else.
    Audits one update."""
    credential = _receiver(request)
    handoff = access_receiver_handoff(
        credential, stay_id, action=AuditAction.UPDATE, address=client_address(request)
    )
    if payload.get("resourceType") != "Task":
        raise ValidationFailed.single("resourceType", "must be Task")
    status = payload.get("status")
    if not isinstance(status, str):
        raise ValidationFailed.single("status", "required")
    handoff = services.handoff_task_update(
        actor=None, handoff=handoff, status=status, receiver=credential
    )
    return handoff_task(handoff)


# --- sequencing barriers and their escalation path ---------------------------------------


def _barrier_out(barrier_id: int) -> SequencingBarrier:
    return selectors.sequencing_barrier_full(barrier_id=barrier_id)


stay_record_list(
    router,
    "/stays/{stay_id}/sequencing-barriers",
    page_schema=SequencingBarrierPage,
    rows=lambda stay: selectors.sequencing_barriers_of_stay(stay_id=stay.pk),
    object_type="sequencing_barrier",
    parent_ref=lambda stay: f"stay:{stay.pk}",
    summary="The stay's sequencing barriers, unresolved first",
    operation_id="sequencing_barrier_list",
    description=(
        "Each barrier with its levels, responses and the current response deadline. Audits\n"
        "one list."
    ),
)


@router.post(
    "/stays/{stay_id}/sequencing-barriers",
    response=responses({201: SequencingBarrierOut}, write=True),
    summary="Record a barrier to sequencing a consult, test, procedure, therapy or placement",
    operation_id="sequencing_barrier_record",
)
@guard(Permission.CASE_MANAGE, access_stay)
def sequencing_barrier_record(
    request: HttpRequest, actor: Actor, stay: Stay, payload: SequencingBarrierIn
) -> Status[Any]:
    """Ordered not before the admission nor in the future; expected not before ordered.
    Audits one create."""
    barrier = services.sequencing_barrier_record(
        actor=actor,
        stay=stay,
        facts=services.BarrierFacts(
            item=payload.item,
            description=payload.description,
            ordered_at=payload.ordered_at,
            expected_at=payload.expected_at,
            reason=payload.reason,
            note=payload.note,
        ),
    )
    return Status(201, _barrier_out(barrier.pk))


@router.get(
    "/sequencing-barriers/{barrier_id}",
    response=responses({200: SequencingBarrierOut}),
    summary="One sequencing barrier with its escalation",
    operation_id="sequencing_barrier_read",
)
@guard(Permission.CONSUMER_READ, access_sequencing_barrier, log_read=True)
def sequencing_barrier_read(
    request: HttpRequest, actor: Actor, barrier: SequencingBarrier
) -> SequencingBarrier:
    """Audits one read."""
    return _barrier_out(barrier.pk)


@router.post(
    "/sequencing-barriers/{barrier_id}/escalation",
    response=responses({200: SequencingBarrierOut}, write=True),
    summary="Escalate a barrier: level 1 of the program's path opens with its deadline",
    operation_id="sequencing_barrier_escalate",
)
@guard(Permission.CASE_MANAGE, access_sequencing_barrier)
def sequencing_barrier_escalate(
    request: HttpRequest, actor: Actor, barrier: SequencingBarrier
) -> SequencingBarrier:
    """A level that passes its deadline unresolved goes to the next (the sweep). 409 when
    the barrier is already escalated or resolved. Audits one update."""
    services.sequencing_barrier_escalate(actor=actor, barrier=barrier)
    return _barrier_out(barrier.pk)


@router.post(
    "/sequencing-barriers/{barrier_id}/responses",
    response=responses({200: SequencingBarrierOut}, write=True),
    summary="Record the response of the barrier's current level",
    operation_id="sequencing_barrier_respond",
)
@guard(Permission.CASE_MANAGE, access_sequencing_barrier)
def sequencing_barrier_respond(
    request: HttpRequest, actor: Actor, barrier: SequencingBarrier, payload: SequencingResponseIn
) -> SequencingBarrier:
    """`resolves` closes the barrier and its clock. 409 unless escalated. Audits one
    update."""
    services.sequencing_response_record(
        actor=actor,
        barrier=barrier,
        responder=payload.responder,
        response=payload.response,
        responded_at=payload.responded_at,
        resolves=payload.resolves,
    )
    return _barrier_out(barrier.pk)


@router.post(
    "/sequencing-barriers/{barrier_id}/resolution",
    response=responses({200: SequencingBarrierOut}, write=True),
    summary="Resolve a barrier: its clock closes",
    operation_id="sequencing_barrier_resolve",
)
@guard(Permission.CASE_MANAGE, access_sequencing_barrier)
def sequencing_barrier_resolve(
    request: HttpRequest, actor: Actor, barrier: SequencingBarrier, payload: SequencingResolveIn
) -> SequencingBarrier:
    """409 when already resolved. Audits one update."""
    services.sequencing_barrier_resolve(actor=actor, barrier=barrier, resolution=payload.resolution)
    return _barrier_out(barrier.pk)


def _path_out(program_id: int) -> dict[str, Any]:
    return {
        "default": selectors.sequencing_path_is_default(program_id=program_id),
        "levels": [level.as_json() for level in selectors.sequencing_path(program_id=program_id)],
    }


@router.get(
    "/sequencing-path",
    response=responses({200: EscalationPathOut}),
    summary="The program's escalation path for sequencing barriers",
    operation_id="sequencing_path_read",
)
@guard(Permission.CONSUMER_READ, object_type="sequencing_path")
def sequencing_path_read(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """Level 1 first: who is asked and the hours each has to respond. No consumer data;
    no audit event."""
    return _path_out(actor.user.program_id or 0)
