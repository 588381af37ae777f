"""The form page, written once: GET shows the form (the guard's load wrote the one read
event), POST calls one service whose own audit event is the only one; a refusal shows on
the form and writes nothing."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from casework.cases import rules
from casework.cases.models import Case
from casework.core.actor import Actor
from casework.web.forms import form_saved


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], object],
    *,
    success: str,
    redirect_to: str,
    template: str,
    context: dict[str, Any],
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """Save a valid POSTed `form` through `save` and redirect, or render `template`."""
    done = form_saved(
        request, form, save, success=success, redirect_to=redirect_to, aliases=aliases
    )
    if done is not None:
        return done
    return render(request, template, {"form": form, **context})


def service_save(
    service: Callable[..., object], *fields: str
) -> Callable[[Actor, Case, forms.Form], object]:
    """A `save` for `case_form_page` that calls `service` with the actor, the case and
    the form's cleaned `fields` as keyword arguments of the same names."""

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return service(actor=actor, case=case, **{f: form.cleaned_data[f] for f in fields})

    return save


def record_form_page[R](
    request: HttpRequest,
    actor: Actor,
    record: R,
    *,
    case: Case,
    build_form: Callable[[R, Any], forms.Form],
    save: Callable[[Actor, R, forms.Form], object],
    title: str,
    submit_label: str,
    success_message: str,
    template: str = "core/form_page.html",
    aliases: dict[str, str] | None = None,
    extra: Callable[[R], dict[str, Any]] | None = None,
    success_url: Callable[[R], str] | None = None,
) -> HttpResponse:
    """A form about one record of `case` (the case itself, or a record under it), on a
    page guarded with `log_read="get"`."""
    form = build_form(record, request.POST if request.method == "POST" else None)
    back = reverse("case_detail", args=[case.pk])
    return form_page(
        request,
        form,
        lambda: save(actor, record, form),
        success=success_message,
        redirect_to=success_url(record) if success_url else back,
        template=template,
        aliases=aliases,
        context={
            "case": case,
            "consumer": case.consumer,
            "title": title,
            "submit_label": submit_label,
            "cancel_url": back,
            "ended": case.state in rules.TERMINAL_STATES,
            **(extra(record) if extra else {}),
        },
    )


def case_form_page(request: HttpRequest, actor: Actor, case: Case, **page: Any) -> HttpResponse:
    """A form about one case: `record_form_page` with the case as the record."""
    return record_form_page(request, actor, case, case=case, **page)
