"""Protection pages: abuse reports, incidents, ethics consultations and the equity report.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.protections import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("protections/", views.protection_list, name="protection_list"),
    path("protections/equity/", views.equity_report, name="equity_report"),
    path(
        "consumers/<int:consumer_id>/abuse-reports/new/",
        views.abuse_report_create,
        name="abuse_report_create",
    ),
    path(
        "abuse-reports/<int:report_id>/",
        views.abuse_report_detail,
        name="abuse_report_detail",
    ),
    path(
        "abuse-reports/<int:report_id>/<slug:step>/",
        views.abuse_report_step,
        name="abuse_report_step",
    ),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident_detail"),
    path(
        "incidents/<int:incident_id>/<slug:step>/",
        views.incident_step,
        name="incident_step",
    ),
    path(
        "consumers/<int:consumer_id>/ethics-consultations/new/",
        views.consultation_create,
        name="consultation_create",
    ),
    path(
        "ethics-consultations/<int:consultation_id>/",
        views.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "ethics-consultations/<int:consultation_id>/close/",
        views.consultation_close,
        name="consultation_close",
    ),
]
