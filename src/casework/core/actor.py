"""Who is acting, in which role, for what purpose and from where: passed to every service."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

from casework.core.roles import DEFAULT_PURPOSE, PurposeOfUse

if TYPE_CHECKING:
    from casework.staff.models import User


@dataclass(frozen=True)
class Actor:
    user: "User"
    purpose_of_use: str
    client_address: str | None = None
    break_glass: bool = False

    @property
    def role(self) -> str:
        return self.user.role


def client_address(request: HttpRequest) -> str | None:
    """The peer address. X-Forwarded-For is not trusted: a proxy deployment sets
    REMOTE_ADDR through its WSGI server, so a client cannot spoof its address (S14)."""
    return request.META.get("REMOTE_ADDR") or None


def actor_for(user: "User", *, purpose: str | None = None, address: str | None = None) -> Actor:
    chosen = purpose or DEFAULT_PURPOSE.get(user.role, PurposeOfUse.CARE_MANAGEMENT)
    if chosen not in PurposeOfUse.values:
        raise ValueError(f"unknown purpose of use '{chosen}'")
    return Actor(user=user, purpose_of_use=chosen, client_address=address)


def actor_from_request(request: HttpRequest) -> Actor:
    """The acting user of an authenticated request (session or API token).

    Clients may state a purpose of use in the `X-Purpose-Of-Use` header (HL7 code)."""
    user = request.user
    from casework.staff.models import User

    assert isinstance(user, User), "actor_from_request needs an authenticated staff user"
    purpose = request.headers.get("X-Purpose-Of-Use") or None
    if purpose is not None and purpose not in PurposeOfUse.values:
        purpose = None
    return actor_for(user, purpose=purpose, address=client_address(request))
