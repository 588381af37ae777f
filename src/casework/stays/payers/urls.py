"""Payer pages of a stay: payer settings, authorizations, denials and appeals, denial
education and peer-to-peer requests.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.stays.payers import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("payers/", views.payer_settings_page, name="payer_settings"),
    path("denials/", views.denial_list_page, name="denial_list"),
    path("denials/report/", views.denial_report_page, name="denial_report"),
    path("denials/education/", views.denial_education_list_page, name="denial_education_list"),
    path(
        "denials/education/<int:education_id>/",
        views.denial_education_page,
        name="denial_education_page",
    ),
    path(
        "stays/<int:stay_id>/authorizations/new/",
        views.stay_authorization_new,
        name="stay_authorization_new",
    ),
    path(
        "stays/<int:stay_id>/authorizations/<int:authorization_id>/step/",
        views.stay_authorization_step_page,
        name="stay_authorization_step",
    ),
    path("stays/<int:stay_id>/denials/new/", views.stay_denial_new, name="stay_denial_new"),
    path(
        "stays/<int:stay_id>/denials/<int:denial_id>/appeal/",
        views.stay_appeal_new,
        name="stay_appeal_new",
    ),
    path(
        "stays/<int:stay_id>/appeals/<int:appeal_id>/outcome/",
        views.stay_appeal_outcome_page,
        name="stay_appeal_outcome",
    ),
    path(
        "stays/authorizations/<int:authorization_id>/",
        views.stay_authorization_page,
        name="stay_authorization_page",
    ),
    path("stays/denials/<int:denial_id>/", views.stay_denial_page, name="stay_denial_page"),
    path(
        "stays/<int:stay_id>/peer-to-peers/new/",
        views.stay_peer_to_peer_new,
        name="stay_peer_to_peer_new",
    ),
    path(
        "stays/<int:stay_id>/peer-to-peers/<int:peer_to_peer_id>/step/",
        views.stay_peer_to_peer_step_page,
        name="stay_peer_to_peer_step",
    ),
    path(
        "stays/peer-to-peers/<int:peer_to_peer_id>/",
        views.stay_peer_to_peer_page,
        name="stay_peer_to_peer_page",
    ),
]
