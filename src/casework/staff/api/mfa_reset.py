"""The two-person reset of a person's second sign-in factor."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.staff import services
from casework.staff.models import User
from casework.staff.schemas import MfaResetIn, MfaResetOut
from casework.web.access import access_staff
from casework.web.api import responses
from casework.web.guard import guard

router = Router()


@router.post(
    "/staff/{user_id}/mfa-resets",
    response=responses({201: MfaResetOut}, write=True),
    summary="Request the reset of a person's second sign-in factor (a second person approves)",
    operation_id="mfa_reset_request",
)
@guard(Permission.MFA_RESET, access_staff)
def mfa_reset_request(
    request: HttpRequest, actor: Actor, user: User, payload: MfaResetIn
) -> Status[Any]:
    """Administrators only; one open request per person. Audits one create."""
    return Status(201, services.mfa_reset_request(actor=actor, person=user, reason=payload.reason))


@router.post(
    "/staff/{user_id}/mfa-resets/approve",
    response=responses({200: MfaResetOut}, write=True),
    summary="Approve the open reset of a person's second factor: their authenticators go",
    operation_id="mfa_reset_approve",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def mfa_reset_approve(request: HttpRequest, actor: Actor, user: User) -> Any:
    """A second administrator or a compliance officer, never the requester nor the
    person. Audits one privilege change."""
    return services.mfa_reset_approve(actor=actor, person=user)
