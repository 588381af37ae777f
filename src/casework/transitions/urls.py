"""Transitions of care pages: the transition plan and its steps, the choice list, the
handoff PDF, follow-up, sequencing barriers and their path, community referrals.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.transitions import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "stays/<int:stay_id>/transition/",
        views.transition_detail,
        name="transition_detail",
    ),
    path(
        "stays/<int:stay_id>/transition/<slug:step>/",
        views.transition_step,
        name="transition_step",
    ),
    path(
        "stays/<int:stay_id>/choice-list/",
        views.choice_list_print,
        name="choice_list_print",
    ),
    path(
        "stays/<int:stay_id>/transition/handoff.pdf",
        views.handoff_pdf,
        name="handoff_pdf",
    ),
    path("follow-up/", views.follow_up_list, name="follow_up_list"),
    path(
        "sequencing-barriers/<int:barrier_id>/",
        views.sequencing_barrier_detail,
        name="sequencing_barrier_detail",
    ),
    path(
        "sequencing-barriers/<int:barrier_id>/escalate/",
        views.sequencing_barrier_escalate,
        name="sequencing_barrier_escalate",
    ),
    path(
        "sequencing-barriers/<int:barrier_id>/response/",
        views.sequencing_barrier_respond,
        name="sequencing_barrier_respond",
    ),
    path(
        "sequencing-barriers/<int:barrier_id>/resolve/",
        views.sequencing_barrier_resolve,
        name="sequencing_barrier_resolve",
    ),
    path("sequencing-path/", views.sequencing_path_edit, name="sequencing_path_edit"),
    path(
        "consumers/<int:consumer_id>/community-referrals/",
        views.referral_list,
        name="referral_list",
    ),
    path(
        "consumers/<int:consumer_id>/community-referrals/new/",
        views.referral_create,
        name="referral_create",
    ),
    path(
        "community-referrals/<int:referral_id>/",
        views.referral_detail,
        name="referral_detail",
    ),
    path(
        "community-referrals/<int:referral_id>/status/",
        views.referral_status,
        name="referral_status",
    ),
]
