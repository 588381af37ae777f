"""The second sign-in step (S17): give a code, or enrol an authenticator. See `web.mfa`."""

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casework.staff.models import User
from casework.web import mfa


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code of your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


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
    return render(request, "web/mfa_verify.html", {"form": form})


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
