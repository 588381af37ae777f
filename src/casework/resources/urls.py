"""The community resource directory: search and one service.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.resources import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("resources/", views.search, name="resource_search"),
    path("resources/services/<uuid:service_id>/", views.service_detail, name="resource_service"),
]
