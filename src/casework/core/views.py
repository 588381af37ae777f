"""Sign-in and sign-out pages (S12, S13, S33)."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class SignInView(auth_views.LoginView):
    """Django's LoginView (the session key is cycled on sign-in) with our template."""

    template_name = "core/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only; ends the session and tells the browser to drop everything it kept."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("worklist"))
