"""The second sign-in step (S17): give a code or use a security key, or enrol an
authenticator app or a security key. See `web.mfa`."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casework.staff.models import User
from casework.web import mfa

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code of your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SecurityKeyForm(forms.Form):
    """What the browser's WebAuthn ceremony posts back (filled by
    `casework/security-key.js`): the credential as JSON, and on enrolment a name."""

    name = forms.CharField(
        label=_("Name of the key"),
        max_length=100,
        required=False,
        help_text=_("So you can tell your keys apart, for example “Blue key” or “Laptop”."),
    )
    credential = forms.JSONField(widget=forms.HiddenInput)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _signed_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return render(request, "web/mfa_locked.html", status=403)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Give a TOTP or recovery code; each is taken once. Too many failures sign out."""
    from casework.web.views import landing_url

    user = _user(request)
    if mfa.session_state(request) == mfa.ENROL:
        return redirect("mfa_enrol")
    if mfa.session_state(request) == mfa.OK:
        return redirect(landing_url(user.role))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if mfa.mfa_verify_code(request, user, form.cleaned_data["code"]) is not None:
            return redirect(landing_url(user.role))
        if mfa.too_many_failures(request):
            return _signed_out(request)
        form.add_error("code", _("That code is not valid, or it has been used already."))
    return _verify_page(request, user, form)


def _verify_page(
    request: HttpRequest, user: User, form: CodeForm, key_error: "StrOrPromise" = ""
) -> HttpResponse:
    options = mfa.security_key_request_options(request, user)
    context = {
        "form": form,
        "key_form": SecurityKeyForm(),
        "key_error": key_error,
        "request_options": options,
    }
    return render(request, "web/mfa_verify.html", context)


@login_required
@require_http_methods(["POST"])
def security_key_verify(request: HttpRequest) -> HttpResponse:
    """The second step with a security key: the browser's assertion for the challenge of
    the verify page. Too many failures sign out."""
    from casework.web.views import landing_url

    user = _user(request)
    if mfa.session_state(request) != mfa.VERIFY:
        return redirect("mfa_verify")
    key_form = SecurityKeyForm(request.POST)
    if key_form.is_valid() and mfa.mfa_verify_security_key(
        request, user, key_form.cleaned_data["credential"]
    ):
        return redirect(landing_url(user.role))
    if mfa.too_many_failures(request):
        return _signed_out(request)
    return _verify_page(
        request, user, CodeForm(), key_error=_("That security key was not accepted; try again.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def security_key(request: HttpRequest) -> HttpResponse:
    """Enrol a security key or passkey (WebAuthn) as the second step, instead of or
    besides an authenticator app; the first factor enrolled also gets recovery codes,
    shown once. A session that still owes its second step gives it first."""
    user = _user(request)
    if mfa.session_state(request) == mfa.VERIFY:
        return redirect("mfa_verify")
    form = SecurityKeyForm(request.POST if request.method == "POST" else None)
    key_error: StrOrPromise = ""
    if request.method == "POST":
        if form.is_valid():
            codes = mfa.mfa_enrol_security_key(
                request,
                user,
                credential=form.cleaned_data["credential"],
                name=form.cleaned_data["name"],
            )
            if codes is not None:
                return render(
                    request, "web/mfa_recovery_codes.html", {"codes": codes, "key_added": True}
                )
            if mfa.too_many_failures(request):
                return _signed_out(request)
        form = SecurityKeyForm(initial={"name": request.POST.get("name", "")})
        key_error = _("That security key could not be registered; try again.")
    options = mfa.security_key_creation_options(request, user)
    context = {
        "form": form,
        "key_error": key_error,
        "creation_options": options,
        "keys": mfa.security_key_count(user=user),
    }
    return render(request, "web/mfa_security_key.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: its key, then a code from it to confirm; shows the
    recovery codes once."""
    user = _user(request)
    if mfa.session_state(request) == mfa.VERIFY:
        return redirect("mfa_verify")
    secret = mfa.pending_secret(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.mfa_enrol_totp(request, user, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "web/mfa_recovery_codes.html", {"codes": codes})
        if mfa.too_many_failures(request):
            return _signed_out(request)
        form.add_error("code", _("That code does not match the key; try the current one."))
    uri = f"otpauth://totp/Casework:{user.username}?secret={secret}&issuer=Casework"
    return render(request, "web/mfa_enrol.html", {"form": form, "secret": secret, "uri": uri})
