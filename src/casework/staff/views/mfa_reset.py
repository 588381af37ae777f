"""The two-person MFA reset pages (S17): an administrator requests the reset of a
person's second factor; a second administrator or compliance officer approves it
(`staff.services.mfa_reset`). A refusal shows on the form and changes nothing."""

from collections.abc import Callable

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.staff import selectors, services
from casework.staff.forms import MfaResetApproveForm, MfaResetForm
from casework.staff.models import User
from casework.staff.views._common import person_page
from casework.web.access import access_staff
from casework.web.guard import page_view
from casework.web.pages import bound


def _mfa_page(
    request: HttpRequest,
    person: User,
    form: forms.BaseForm,
    save: Callable[[], object],
    **page: str,
) -> HttpResponse:
    """A form page about a person's second factor: what they have enrolled, the reset
    open for them."""
    return person_page(
        request,
        person,
        form,
        save,
        template="staff/mfa_reset.html",
        mfa_kinds=selectors.mfa_authenticator_kinds(person=person),
        mfa_reset=selectors.mfa_reset_open_for(person=person),
        **page,
    )


@page_view(["GET", "POST"], Permission.MFA_RESET, access_staff, log_read="get")
def mfa_reset_request(request: HttpRequest, actor: Actor, person: User) -> HttpResponse:
    """Request the reset of a person's second factor, with the reason. Who: mfa.reset
    (administrators); a second person approves."""
    form = MfaResetForm(request.POST or None)
    return _mfa_page(
        request,
        person,
        form,
        lambda: services.mfa_reset_request(
            actor=actor, person=person, reason=form.cleaned_data["reason"]
        ),
        title=_("Reset the second sign-in factor"),
        submit_label=_("Request the reset"),
        success=_("Reset requested: a second administrator or compliance officer approves it."),
    )


@page_view(["GET", "POST"], Permission.STAFF_MANAGE, access_staff, log_read="get")
def mfa_reset_approve(request: HttpRequest, actor: Actor, person: User) -> HttpResponse:
    """Approve the open reset of a person's second factor: their authenticators are
    removed. Who: staff.manage, never the requester nor the person."""
    return _mfa_page(
        request,
        person,
        MfaResetApproveForm(bound(request)),
        lambda: services.mfa_reset_approve(actor=actor, person=person),
        title=_("Approve the reset of the second factor"),
        submit_label=_("Approve"),
        success=_("Reset approved: the person enrols a second factor at their next sign-in."),
    )
