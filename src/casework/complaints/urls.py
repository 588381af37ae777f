"""Complaint pages: the list, a consumer's new complaint, its notes, letter and steps.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.complaints import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("complaints/", views.complaint_list, name="complaint_list"),
    path(
        "consumers/<int:consumer_id>/complaints/new/",
        views.complaint_create,
        name="complaint_create",
    ),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint_detail"),
    path(
        "complaints/<int:complaint_id>/notes/new/",
        views.complaint_note,
        name="complaint_note",
    ),
    path(
        "complaints/<int:complaint_id>/letter.pdf",
        views.complaint_letter,
        name="complaint_letter",
    ),
    path(
        "complaints/<int:complaint_id>/<slug:step>/",
        views.complaint_step,
        name="complaint_step",
    ),
]
