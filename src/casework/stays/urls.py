"""Hospital stay pages: the census, a stay, the advisor queue, notices, reviews, advisor
decisions, avoidable days and the ADT error queue; the payer pages are included from
`casework.stays.payers.urls`.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, include, path

from casework.stays import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("census/", views.census, name="census"),
    path("stays/<int:stay_id>/", views.stay_detail, name="stay_detail"),
    path("advisor-queue/", views.advisor_queue, name="advisor_queue"),
    path("stays/<int:stay_id>/notices/<str:kind>/", views.notice_print, name="stay_notice_print"),
    path(
        "stays/<int:stay_id>/reviews/<str:kind>/new/", views.review_create, name="stay_review_new"
    ),
    path("stays/<int:stay_id>/advisor-decision/", views.advisor_decide, name="stay_advisor_decide"),
    path(
        "stays/<int:stay_id>/avoidable-days/new/",
        views.avoidable_day_create,
        name="stay_avoidable_day_new",
    ),
    path("stays/<int:stay_id>/documents/new/", views.document_attach, name="stay_document_new"),
    path(
        "stays/<int:stay_id>/documents/<int:document_id>/",
        views.document_download,
        name="stay_document_download",
    ),
    path("avoidable-days/", views.avoidable_report, name="avoidable_report"),
    path("adt/errors/", views.adt_queue, name="adt_queue"),
    path("adt/errors/<int:message_id>/", views.adt_message_detail, name="adt_message_detail"),
    path(
        "adt/errors/<int:message_id>/replay/",
        views.adt_message_replay,
        name="adt_message_replay",
    ),
    path(
        "adt/errors/<int:message_id>/resolve/",
        views.adt_message_resolve,
        name="adt_message_resolve",
    ),
    path("", include("casework.stays.payers.urls")),
]
