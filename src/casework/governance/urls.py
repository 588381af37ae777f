"""Records governance pages (N4, N6, S28, S29, S42): legal holds, access requests, the
compliance register and disclosures.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.governance import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("governance/", views.governance_overview, name="governance_overview"),
    path(
        "governance/legal-holds/<int:hold_id>/release/",
        views.legal_hold_release,
        name="legal_hold_release",
    ),
    path(
        "governance/access-requests/<int:request_id>/",
        views.access_request_detail,
        name="governance_access_request",
    ),
    path(
        "governance/access-requests/<int:request_id>/extend/",
        views.access_request_extend,
        name="governance_access_request_extend",
    ),
    path(
        "governance/access-requests/<int:request_id>/close/",
        views.access_request_close,
        name="governance_access_request_close",
    ),
    path(
        "governance/access-requests/<int:request_id>/export.json",
        views.access_request_export,
        name="governance_access_request_export",
    ),
    path(
        "governance/register/new/",
        views.requirement_create,
        name="governance_requirement_create",
    ),
    path(
        "governance/register/<int:requirement_id>/",
        views.requirement_detail,
        name="governance_requirement",
    ),
    path(
        "governance/register/<int:requirement_id>/review/",
        views.requirement_review,
        name="governance_requirement_review",
    ),
    path(
        "consumers/<int:consumer_id>/disclosures/",
        views.disclosure_accounting,
        name="disclosure_accounting",
    ),
    path(
        "consumers/<int:consumer_id>/disclosures/new/",
        views.disclosure_create,
        name="disclosure_create",
    ),
    path(
        "consumers/<int:consumer_id>/legal-holds/new/",
        views.legal_hold_create,
        name="legal_hold_create",
    ),
    path(
        "consumers/<int:consumer_id>/access-requests/new/",
        views.access_request_create,
        name="access_request_create",
    ),
]
