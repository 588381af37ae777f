"""Consumer pages: find, merge and undo, and the consumer's facts, support persons and
advance directives edited from the case.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.consumers import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("consumers/", views.consumer_find, name="consumer_find"),
    path("consumers/<int:consumer_id>/merge/", views.consumer_merge, name="consumer_merge"),
    path(
        "consumers/<int:consumer_id>/merges/<int:merge_id>/undo/",
        views.consumer_merge_undo,
        name="consumer_merge_undo",
    ),
    path("cases/<int:case_id>/consumer/edit/", views.consumer_edit, name="consumer_edit"),
    path(
        "cases/<int:case_id>/support-persons/new/",
        views.support_person_create,
        name="support_person_create",
    ),
    path(
        "cases/<int:case_id>/support-persons/<int:support_person_id>/edit/",
        views.support_person_edit,
        name="support_person_edit",
    ),
    path(
        "cases/<int:case_id>/support-persons/<int:support_person_id>/remove/",
        views.support_person_remove,
        name="support_person_remove",
    ),
    path(
        "cases/<int:case_id>/advance-directives/new/",
        views.advance_directive_create,
        name="advance_directive_create",
    ),
    path(
        "cases/<int:case_id>/advance-directives/<int:directive_id>/edit/",
        views.advance_directive_edit,
        name="advance_directive_edit",
    ),
    path(
        "cases/<int:case_id>/advance-directives/<int:directive_id>/remove/",
        views.advance_directive_remove,
        name="advance_directive_remove",
    ),
]
