"""Coordination pages: work items, communications, notes and the Part 2 consent.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.coordination import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "cases/<int:case_id>/work-items/new/",
        views.work_item_create,
        name="work_item_create",
    ),
    path(
        "work-items/<int:work_item_id>/complete/",
        views.work_item_complete,
        name="work_item_complete",
    ),
    path(
        "work-items/<int:work_item_id>/edit/",
        views.work_item_edit,
        name="work_item_edit",
    ),
    path(
        "work-items/<int:work_item_id>/cancel/",
        views.work_item_cancel,
        name="work_item_cancel",
    ),
    path(
        "cases/<int:case_id>/communications/new/",
        views.communication_create,
        name="communication_create",
    ),
    path("cases/<int:case_id>/notes/new/", views.note_create, name="note_create"),
    path("cases/<int:case_id>/part2-consent/", views.part2_consent, name="part2_consent"),
    path(
        "cases/<int:case_id>/notes/<int:note_id>/amend/",
        views.note_amend,
        name="note_amend",
    ),
]
