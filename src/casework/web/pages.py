"""The form page, written once: GET shows the form (the guard's load wrote the one read
event), POST calls one service whose own audit event is the only one; a refusal shows on
the form and writes nothing."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from casework.cases import rules
from casework.cases.models import Case
from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.web.api import Versioned
from casework.web.forms import form_saved
from casework.web.guard import page_view


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


def bound(request: HttpRequest) -> Any:
    """The POSTed data to bind a form to, or None on GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def titled_form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], object],
    *,
    template: str,
    title: str,
    submit: str,
    success: str,
    back: str,
    redirect_to: str | None = None,
    **context: Any,
) -> HttpResponse:
    """`form_page` for a page with a title, a submit label and a way `back`, where a
    saved form returns unless `redirect_to` says otherwise; `context` goes to the
    template beside them."""
    return form_page(
        request,
        form,
        save,
        success=success,
        redirect_to=redirect_to or back,
        template=template,
        context={"title": title, "submit_label": submit, "back": back, **context},
    )


def step_page[R: Versioned](
    request: HttpRequest,
    record: R | None,
    form_class: Callable[..., forms.Form],
    step: Callable[[R, int, dict[str, Any]], object],
    *,
    missing: str = "",
    **page: Any,
) -> HttpResponse:
    """The page that records one step of `record` (the guard has loaded its parent): a
    missing `record` is a 404 (`missing` says which; the guard audits it), the form of
    `form_class` carries the version read, and a valid POST calls `step(record, the
    version sent, the form's other fields)`, the one service whose event is the write's.
    `page` goes to `titled_form_page`."""
    if record is None:
        raise Http404(missing)
    form = form_class(bound(request), initial={"version": record.version})

    def save() -> object:
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return step(record, version, data)

    return titled_form_page(request, form, save, **page)


def step_view(
    permission: Permission,
    load: Callable[..., Any],
    *,
    record_of: Callable[..., Any],
    form_class: Callable[..., forms.Form],
    step: Callable[[Actor], Callable[[Any, int, dict[str, Any]], object]],
    page: Callable[[Any], dict[str, Any]],
    missing: str = "",
) -> Callable[..., HttpResponse]:
    """The view of a `step_page`, guarded by `permission` over the record `load` finds by
    the first id of the URL (a GET audits its read): `record_of(parent, **the URL's other
    values)` is the record stepped (the parent itself where the URL names it), `step(actor)`
    the step that `step_page` calls, `page(parent)` what `titled_form_page` shows."""

    @page_view(["GET", "POST"], permission, load, log_read="get")
    def view(request: HttpRequest, actor: Actor, parent: Any, **values: Any) -> HttpResponse:
        return step_page(
            request,
            record_of(parent, **values),
            form_class,
            step(actor),
            missing=missing,
            **page(parent),
        )

    return view


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


def form_view[R](
    permission: Permission,
    load: Callable[..., R],
    build: Callable[[R, Any], forms.Form],
    save: Callable[[Actor, R, forms.Form], object],
    texts: Callable[[], tuple[str, str, str]],
    *,
    page: Callable[..., HttpResponse] = case_form_page,
    **context: Any,
) -> Callable[..., HttpResponse]:
    """The view of a form about the record `load` finds by the URL's id (guarded by
    `permission`, a GET audits its read): `page` (`case_form_page` by default, or one
    taking the same arguments) shows `build(record, data)` and saves it through
    `save(actor, record, form)`; `texts()` gives the title, submit label and success
    message; `context` goes to `page` beside them."""

    @page_view(["GET", "POST"], permission, load, log_read="get")
    def view(request: HttpRequest, actor: Actor, record: R) -> HttpResponse:
        title, submit_label, success_message = texts()
        return page(
            request,
            actor,
            record,
            build_form=build,
            save=save,
            title=title,
            submit_label=submit_label,
            success_message=success_message,
            **context,
        )

    return view
