"""Protections (J1-J3): abuse, neglect and exploitation reports, incidents, ethics
consultations.

Recording needs protection.report over the consumer. Reading and working a record is
restricted (protection.read): its recorder and the roles the program names; anyone
else gets 404 (audited), and break-glass does not open it. One audit event a request."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from casework.consumers.models import Consumer
from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.protections import selectors, services
from casework.protections.models import AbuseReport, EthicsConsultation, Incident
from casework.protections.schemas import (
    AbuseReportIn,
    AbuseReportOut,
    AbuseReportPage,
    AgencyReportIn,
    ConsultationCloseIn,
    ConsultationOut,
    ConsultationPage,
    EthicsConsultationIn,
    IncidentIn,
    IncidentOut,
    IncidentPage,
    IncidentStepIn,
    OshaDecisionIn,
    ProtectionCloseIn,
)
from casework.web.access import (
    access_abuse_report,
    access_consultation,
    access_consumer,
    access_incident,
    restricted_reach_q,
)
from casework.web.api import (
    LIST_THROTTLE,
    PageParams,
    listed_page,
    record_step,
    responses,
    staff_member,
)
from casework.web.guard import guard

router = Router(tags=["protections"])


class WithClocks:
    """A record with its clocks, read once (what the API returns)."""

    def __init__(self, record: Any, subject_type: str) -> None:
        self.record = record
        self.clocks = selectors.record_clocks(subject_type=subject_type, subject_id=record.pk)

    def __getattr__(self, name: str) -> object:
        return getattr(self.record, name)


def _page(
    actor: Actor, qs: Any, page: PageParams, object_type: str, subject: str
) -> dict[str, Any]:
    data = listed_page(actor, qs, page, object_type=object_type)
    data["items"] = [WithClocks(item, subject) for item in data["items"]]
    return data


def _restricted_list(
    path: str,
    subject: str,
    rows: Callable[..., QuerySet[Any]],
    *,
    page_schema: type[Schema],
    **documented: Any,
) -> None:
    """`GET path`: the program's `subject` records the actor may see (restricted), one
    page with each record's clocks; audits one list."""

    @router.get(
        path,
        response=responses({200: page_schema}, listing=True),
        throttle=LIST_THROTTLE,
        description=(
            "Only those you recorded, or all of the program's when the program names your role.\n"
            "Audits one list."
        ),
        **documented,
    )
    @guard(Permission.PROTECTION_READ, object_type=subject)
    def restricted_list(
        request: HttpRequest, actor: Actor, page: Query[PageParams]
    ) -> dict[str, Any]:
        return _page(actor, rows(reach=restricted_reach_q(actor.user)), page, subject, subject)

    restricted_list.__name__ = documented["operation_id"]


def _step(
    path: str, load: Callable[..., Any], record_param: str, subject: str, **operation: Any
) -> None:
    """`POST path`: one step of the restricted record named in it, answered with the
    record and its clocks."""
    record_step(
        router,
        path,
        permission=Permission.PROTECTION_READ,
        load=load,
        record_param=record_param,
        answer=lambda record: WithClocks(record, subject),
        **operation,
    )


_restricted_list(
    "/abuse-reports",
    "abuse_report",
    selectors.abuse_report_list,
    page_schema=AbuseReportPage,
    summary="List the abuse, neglect and exploitation reports you may see (restricted)",
    operation_id="abuse_report_list",
)


@router.post(
    "/consumers/{consumer_id}/abuse-reports",
    response=responses({201: AbuseReportOut}, write=True),
    summary="Record suspected abuse, neglect or exploitation",
    operation_id="abuse_report_create",
)
@guard(Permission.PROTECTION_REPORT, access_consumer)
def abuse_report_create(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: AbuseReportIn
) -> Status[WithClocks]:
    """Tells which agency to report to and by when (the program's jurisdiction table) and
    starts the reporting clocks. Audits one create."""
    report = services.abuse_report_create(actor=actor, consumer=consumer, **payload.model_dump())
    return Status(201, WithClocks(report, "abuse_report"))


@router.get(
    "/abuse-reports/{report_id}",
    response=responses({200: AbuseReportOut}),
    summary="An abuse report with its clocks (restricted)",
    operation_id="abuse_report_get",
)
@guard(Permission.PROTECTION_READ, access_abuse_report, log_read=True)
def abuse_report_get(request: HttpRequest, actor: Actor, report: AbuseReport) -> WithClocks:
    """Restricted: 404 (audited) unless you recorded it or the program names your role. Audits
    one read."""
    return WithClocks(report, "abuse_report")


_step(
    "/abuse-reports/{report_id}/agency-reports",
    access_abuse_report,
    "report",
    "abuse_report",
    body=AgencyReportIn,
    response=AbuseReportOut,
    step=services.abuse_report_agency_report,
    summary="Record a report made to the agency (oral or written)",
    operation_id="abuse_report_agency_report",
    description=(
        "Agency, reference and time of an oral or written report; the matching clock is met.\n"
        "Audits one update."
    ),
)


_step(
    "/abuse-reports/{report_id}/close",
    access_abuse_report,
    "report",
    "abuse_report",
    body=ProtectionCloseIn,
    response=AbuseReportOut,
    step=services.abuse_report_close,
    summary="Close a reported suspicion",
    operation_id="abuse_report_close",
    description=(
        "Only once every report the jurisdiction requires is recorded (409 otherwise). Audits one\n"
        "update."
    ),
)


_restricted_list(
    "/incidents",
    "incident",
    selectors.incident_list,
    page_schema=IncidentPage,
    summary="List the incidents you may see (restricted)",
    operation_id="incident_list",
)


@router.post(
    "/incidents",
    response=responses({201: IncidentOut}, write=True),
    summary="Record an incident or unusual occurrence",
    operation_id="incident_create",
)
@guard(Permission.PROTECTION_REPORT, object_type="incident")
def incident_create(request: HttpRequest, actor: Actor, payload: IncidentIn) -> Status[WithClocks]:
    """Starts its follow-up clocks (post-exposure evaluation, OSHA decision). A consumer
    named must be one you reach (404 otherwise). Audits one create."""
    data = payload.model_dump()
    consumer_id, staff_id = data.pop("consumer_id"), data.pop("staff_member_id")
    consumer = (
        access_consumer(actor, consumer_id, permission=Permission.PROTECTION_REPORT, log_read=False)
        if consumer_id
        else None
    )
    staff = staff_member(actor, staff_id, "staff_member_id") if staff_id else None
    incident = services.incident_create(
        actor=actor,
        program_id=actor.user.program_id or 0,
        consumer=consumer,
        staff_member=staff,
        **data,
    )
    return Status(201, WithClocks(incident, "incident"))


@router.get(
    "/incidents/{incident_id}",
    response=responses({200: IncidentOut}),
    summary="An incident with its follow-up clocks (restricted)",
    operation_id="incident_get",
)
@guard(Permission.PROTECTION_READ, access_incident, log_read=True)
def incident_get(request: HttpRequest, actor: Actor, incident: Incident) -> WithClocks:
    """Restricted like every protection record. Audits one read."""
    return WithClocks(incident, "incident")


@router.post(
    "/incidents/{incident_id}/follow-ups",
    response=responses({200: IncidentOut}, write=True),
    summary="Record a follow-up: evaluation offered, or written opinion given",
    operation_id="incident_follow_up",
)
@guard(Permission.PROTECTION_READ, access_incident)
def incident_follow_up(
    request: HttpRequest, actor: Actor, incident: Incident, payload: IncidentStepIn
) -> WithClocks:
    """Evaluation offered (starts the written-opinion clock) or written opinion given. Audits
    one update."""
    if payload.step == "evaluation_offered":
        services.incident_evaluation_offer(
            actor=actor, incident=incident, version=payload.version, offered_at=payload.at
        )
    else:
        services.incident_written_opinion(
            actor=actor, incident=incident, version=payload.version, given_at=payload.at
        )
    return WithClocks(incident, "incident")


_step(
    "/incidents/{incident_id}/osha-decision",
    access_incident,
    "incident",
    "incident",
    body=OshaDecisionIn,
    response=IncidentOut,
    step=services.incident_osha_decide,
    summary="Record the OSHA recordability decision",
    operation_id="incident_osha_decision",
    description=("Recordable or not, and why; the OSHA decision clock is met. Audits one update."),
)


_step(
    "/incidents/{incident_id}/close",
    access_incident,
    "incident",
    "incident",
    body=ProtectionCloseIn,
    response=IncidentOut,
    step=services.incident_close,
    summary="Close an incident whose follow-ups are recorded",
    operation_id="incident_close",
    description=("Only once every follow-up clock is met (409 otherwise). Audits one update."),
)


_restricted_list(
    "/ethics-consultations",
    "ethics_consultation",
    selectors.consultation_list,
    page_schema=ConsultationPage,
    summary="List the ethics consultations and routed needs you may see (restricted)",
    operation_id="consultation_list",
)


@router.post(
    "/consumers/{consumer_id}/ethics-consultations",
    response=responses({201: ConsultationOut}, write=True),
    summary="Request an ethics consultation, or route a need beyond the program's scope",
    operation_id="ethics_consultation_create",
)
@guard(Permission.PROTECTION_REPORT, access_consumer)
def consultation_create(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: EthicsConsultationIn
) -> Status[WithClocks]:
    """An ethics consultation names two or more parties and starts its review clock; a routed
    need names where it goes. Audits one create."""
    data = payload.model_dump()
    consultation = services.consultation_request(
        actor=actor,
        consumer=consumer,
        kind=data["kind"],
        parties=[str(p) for p in data["parties"]],
        question=data["question"],
        routed_to=data["routed_to"],
    )
    return Status(201, WithClocks(consultation, "ethics_consultation"))


@router.get(
    "/ethics-consultations/{consultation_id}",
    response=responses({200: ConsultationOut}),
    summary="An ethics consultation (restricted)",
    operation_id="consultation_get",
)
@guard(Permission.PROTECTION_READ, access_consultation, log_read=True)
def consultation_get(
    request: HttpRequest, actor: Actor, consultation: EthicsConsultation
) -> WithClocks:
    """Restricted like every protection record. Audits one read."""
    return WithClocks(consultation, "ethics_consultation")


_step(
    "/ethics-consultations/{consultation_id}/close",
    access_consultation,
    "consultation",
    "ethics_consultation",
    body=ConsultationCloseIn,
    response=ConsultationOut,
    step=services.consultation_close,
    summary="Record the recommendation and the outcome",
    operation_id="consultation_close",
    description=(
        "The committee's recommendation (or the service's answer) and the outcome. Audits one\n"
        "update."
    ),
)
