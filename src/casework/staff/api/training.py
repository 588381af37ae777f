"""Courses, training assignments and completions (A6), and the statements staff sign
(A7)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission
from casework.staff import selectors, services
from casework.staff.models import AttestationDocument, Course, User
from casework.staff.schemas import (
    AttestationIn,
    AttestationOut,
    CourseIn,
    IdOut,
    TrainingAssignIn,
    TrainingCompleteIn,
)
from casework.web.access import access_attestation_document, access_staff
from casework.web.api import actor_of, responses
from casework.web.guard import guard

router = Router()


def _course(actor: Actor, course_id: int) -> Course:
    course = selectors.course_in_program(program_id=actor.user.program_id or 0, course_id=course_id)
    if course is None:
        raise ValidationFailed.single("course_id", "no such course in your program")
    return course


@router.post(
    "/courses",
    response=responses({201: IdOut}, write=True),
    summary="Add a course with its Model Act topics",
    operation_id="course_create",
)
@guard(Permission.STAFF_MANAGE, object_type="staff_course")
def course_create(request: HttpRequest, actor: Actor, payload: CourseIn) -> Status[Course]:
    """Antifraud and ethics topics recur at least annually. Audits one create."""
    return Status(201, services.course_create(actor=actor, **payload.model_dump()))


@router.post(
    "/staff/{user_id}/training-assignments",
    response=responses({201: IdOut}, write=True),
    summary="Assign a course with a due date",
    operation_id="training_assign",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def training_assign(
    request: HttpRequest, actor: Actor, user: User, payload: TrainingAssignIn
) -> Status[Any]:
    """Audits one create."""
    course = _course(actor, payload.course_id)
    return Status(
        201,
        services.training_assign(actor=actor, user=user, course=course, due_date=payload.due_date),
    )


@router.post(
    "/staff/{user_id}/training-completions",
    response=responses({201: IdOut}, write=True),
    summary="Document completed training",
    operation_id="training_complete",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def training_complete(
    request: HttpRequest, actor: Actor, user: User, payload: TrainingCompleteIn
) -> Status[Any]:
    """A recurring course is assigned again for its next due date. Audits one create."""
    course = _course(actor, payload.course_id)
    return Status(
        201,
        services.training_complete(
            actor=actor,
            user=user,
            course=course,
            completed_date=payload.completed_date,
            evidence=payload.evidence,
        ),
    )


@router.post(
    "/attestations",
    response=responses({201: AttestationOut}, write=True),
    summary="Publish a new version of a statement (everyone signs again)",
    operation_id="attestation_publish",
)
@guard(Permission.STAFF_MANAGE, object_type="staff_attestation_document")
def attestation_publish(
    request: HttpRequest, actor: Actor, payload: AttestationIn
) -> Status[AttestationDocument]:
    """Audits one create."""
    return Status(201, services.attestation_publish(actor=actor, **payload.model_dump()))


@router.post(
    "/attestations/{document_id}/sign",
    response=responses({201: IdOut}, write=True),
    summary="Sign the current version of a statement yourself",
    operation_id="attestation_sign",
)
def attestation_sign(request: HttpRequest, document_id: int) -> Status[Any]:
    """Only the current version can be signed (409 otherwise). Audits one create."""
    actor = actor_of(request)
    document = access_attestation_document(actor, document_id)
    return Status(201, services.attestation_sign(actor=actor, document=document))
