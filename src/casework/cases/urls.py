"""Case pages: the worklist, intake, reassignment, notices, consent and the case's
lifecycle (activate, withdraw, close, reassign).

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.cases import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("worklist/", views.worklist, name="worklist"),
    path("referrals/new/", views.intake, name="intake"),
    path("cases/reassign/", views.cases_reassign, name="cases_reassign"),
    path("cases/<int:case_id>/notices/new/", views.notice_create, name="notice_create"),
    path(
        "cases/<int:case_id>/notices/enrollment/",
        views.enrollment_notices_create,
        name="enrollment_notices_create",
    ),
    path(
        "cases/<int:case_id>/notices/<slug:kind>/print/",
        views.notice_print,
        name="notice_print",
    ),
    path("cases/<int:case_id>/consent/new/", views.consent_create, name="consent_create"),
    path("cases/<int:case_id>/activate/", views.case_activate, name="case_activate"),
    path("cases/<int:case_id>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("cases/<int:case_id>/close/", views.case_close, name="case_close"),
    path("cases/<int:case_id>/reassign/", views.case_reassign, name="case_reassign"),
]
