"""Browser pages. Every page but sign-in needs a signed-in user (S2).

Each context lists its own pages in `<context>/urls.py`; this module includes them all
at the root, without a namespace, so every URL name is global (`reverse("worklist")`).
No two contexts' routes match the same path, so the order below decides nothing.
"""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("casework.web.urls")),
    path("", include("casework.cases.urls")),
    path("", include("casework.consumers.urls")),
    path("", include("casework.coordination.urls")),
    path("", include("casework.assessments.urls")),
    path("", include("casework.careplans.urls")),
    path("", include("casework.stays.urls")),
    path("", include("casework.transitions.urls")),
    path("", include("casework.resources.urls")),
    path("", include("casework.staff.urls")),
    path("", include("casework.complaints.urls")),
    path("", include("casework.protections.urls")),
    path("", include("casework.governance.urls")),
]
