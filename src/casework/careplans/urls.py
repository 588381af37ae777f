"""Plan of care pages (issue 4): the plan, its versions and sections, the care team, print
and PDF.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.careplans import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/<int:case_id>/plan/", views.care_plan, name="care_plan"),
    path(
        "cases/<int:case_id>/plan/versions/<int:number>/",
        views.care_plan_version,
        name="care_plan_version",
    ),
    path("cases/<int:case_id>/plan/problems/new/", views.problem_add, name="plan_problem_add"),
    path("cases/<int:case_id>/plan/goals/new/", views.goal_add, name="plan_goal_add"),
    path(
        "cases/<int:case_id>/plan/interventions/new/",
        views.intervention_add,
        name="plan_intervention_add",
    ),
    path("cases/<int:case_id>/plan/barriers/new/", views.barrier_add, name="plan_barrier_add"),
    path("cases/<int:case_id>/plan/goal-status/", views.goal_status, name="plan_goal_status"),
    path(
        "cases/<int:case_id>/plan/agreement/new/",
        views.agreement_add,
        name="plan_agreement_add",
    ),
    path(
        "cases/<int:case_id>/plan/informed-choice/new/",
        views.informed_choice_add,
        name="plan_informed_choice_add",
    ),
    path("cases/<int:case_id>/plan/progress/new/", views.progress_add, name="plan_progress_add"),
    path("cases/<int:case_id>/care-team/new/", views.care_team_add, name="plan_care_team_add"),
    path("cases/<int:case_id>/plan/print/", views.care_plan_print, name="care_plan_print"),
    path("cases/<int:case_id>/plan/plan-of-care.pdf", views.care_plan_pdf, name="care_plan_pdf"),
]
