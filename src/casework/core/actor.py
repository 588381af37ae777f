"""Who is acting, in which role, for what purpose and from where: passed to every service."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

from casework.core.errors import PurposeRefused
from casework.core.policy import purpose_refusal
from casework.core.roles import DEFAULT_PURPOSE, PurposeOfUse

PURPOSE_HEADER = "X-Purpose-Of-Use"

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
    """The actor `user` with their role's default purpose, or `purpose` when the role may
    state it (`policy.purpose_refusal`); PurposeRefused otherwise."""
    if purpose:
        refusal = purpose_refusal(user.role, purpose)
        if refusal is not None:
            raise PurposeRefused(purpose[:12], refusal)
    chosen = purpose or DEFAULT_PURPOSE.get(user.role, PurposeOfUse.CARE_MANAGEMENT)
    return Actor(user=user, purpose_of_use=chosen, client_address=address)


def actor_from_request(request: HttpRequest) -> Actor:
    """The acting user of an authenticated request (session or API token).

    Clients may state a purpose of use in the `X-Purpose-Of-Use` header (HL7 code): one
    their role may claim, else PurposeRefused (never silently replaced by the default)."""
    user = request.user
    from casework.staff.models import User

    assert isinstance(user, User), "actor_from_request needs an authenticated staff user"
    purpose = request.headers.get(PURPOSE_HEADER, "").strip() or None
    return actor_for(user, purpose=purpose, address=client_address(request))
