"""Assessment and needs pages (issue 4): start and record an assessment, its PDF, needs and
reassessment.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.assessments import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "cases/<int:case_id>/assessments/new/",
        views.assessment_start,
        name="assessment_start",
    ),
    path(
        "cases/<int:case_id>/assessments/new/<slug:code>/",
        views.assessment_create,
        name="assessment_create",
    ),
    path(
        "cases/<int:case_id>/assessments/<int:response_id>/",
        views.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "cases/<int:case_id>/assessments/<int:response_id>/pdf/",
        views.assessment_pdf,
        name="assessment_pdf",
    ),
    path("cases/<int:case_id>/needs/new/", views.need_create, name="need_create"),
    path("cases/<int:case_id>/needs/confirm/", views.needs_confirm, name="needs_confirm"),
    path(
        "cases/<int:case_id>/needs/<int:need_id>/decide/",
        views.need_decide,
        name="need_decide",
    ),
    path(
        "cases/<int:case_id>/reassessment/",
        views.reassessment_trigger,
        name="reassessment_trigger",
    ),
]
