"""Credentials, their primary-source verification and continuing education (A2, A5)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission
from casework.staff import services
from casework.staff.models import Credential, User, Verification
from casework.staff.schemas import (
    CeIn,
    CredentialIn,
    CredentialOut,
    CredentialPatch,
    IdOut,
    VerificationIn,
    VerificationOut,
)
from casework.web.access import access_credential, access_staff
from casework.web.api import responses
from casework.web.guard import guard

router = Router()


@router.post(
    "/staff/{user_id}/credentials",
    response=responses({201: CredentialOut}, write=True),
    summary="Record a license, certification or degree",
    operation_id="credential_create",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def credential_create(
    request: HttpRequest, actor: Actor, user: User, payload: CredentialIn
) -> Status[Credential]:
    """Its expiry becomes a deadline row. Audits one create."""
    data = payload.model_dump(exclude={"kind", "credential_type"})
    return Status(
        201,
        services.credential_add(
            actor=actor,
            user=user,
            kind=payload.kind,
            credential_type=payload.credential_type,
            **data,
        ),
    )


@router.patch(
    "/credentials/{credential_id}",
    response=responses({200: CredentialOut}, write=True),
    summary="Change a credential; an adverse change opens a corrective action",
    operation_id="credential_update",
)
@guard(Permission.STAFF_MANAGE, access_credential)
def credential_update(
    request: HttpRequest, actor: Actor, credential: Credential, payload: CredentialPatch
) -> Credential:
    """A stale `version` is 409. Audits one update."""
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    nulls = sorted(n for n, v in fields.items() if v is None and n != "expires_date")
    if nulls:
        raise ValidationFailed({n: ["may not be null"] for n in nulls})
    return services.credential_update(
        actor=actor, credential=credential, version=payload.version, **fields
    )


@router.post(
    "/credentials/{credential_id}/verifications",
    response=responses({201: VerificationOut}, write=True),
    summary="Record a verification at the primary source",
    operation_id="verification_create",
)
@guard(Permission.STAFF_MANAGE, access_credential)
def verification_create(
    request: HttpRequest, actor: Actor, credential: Credential, payload: VerificationIn
) -> Status[Verification]:
    """A verified outcome sets re-verification due in three years (program setting); a
    discrepancy opens a corrective action. Audits one create."""
    return Status(
        201,
        services.verification_record(actor=actor, credential=credential, **payload.model_dump()),
    )


@router.post(
    "/staff/{user_id}/continuing-education",
    response=responses({201: IdOut}, write=True),
    summary="Record continuing-education hours",
    operation_id="ce_create",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def ce_create(request: HttpRequest, actor: Actor, user: User, payload: CeIn) -> Status[Any]:
    """The CE deadline moves with the rolling window. Audits one create."""
    return Status(201, services.ce_record(actor=actor, user=user, **payload.model_dump()))
