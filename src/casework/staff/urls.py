"""Staff governance pages: records, statements, positions, rule settings, consultations,
corrective actions, credentials, verifications, training and second-factor resets.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.staff import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/me/", views.my_record, name="staff_me"),
    path("staff/attest/", views.attest, name="staff_attest"),
    path("staff/dashboard/", views.dashboard, name="staff_dashboard"),
    path("staff/caseloads/", views.caseloads, name="staff_caseloads"),
    path("staff/statements/new/", views.statement_publish, name="staff_statement_publish"),
    path("staff/positions/new/", views.job_description_save, name="staff_job_description"),
    path("staff/rule-settings/", views.rule_settings, name="staff_rule_settings"),
    path("staff/consultations/new/", views.consultation_create, name="staff_consultation_create"),
    path(
        "staff/corrective-actions/<int:action_id>/resolve/",
        views.corrective_resolve,
        name="staff_corrective_resolve",
    ),
    path("staff/<int:user_id>/", views.staff_record, name="staff_record"),
    path("staff/<int:user_id>/profile/", views.profile_edit, name="staff_profile_edit"),
    path("staff/<int:user_id>/mfa-reset/", views.mfa_reset_request, name="staff_mfa_reset"),
    path(
        "staff/<int:user_id>/mfa-reset/approve/",
        views.mfa_reset_approve,
        name="staff_mfa_reset_approve",
    ),
    path(
        "staff/<int:user_id>/credentials/new/",
        views.credential_create,
        name="staff_credential_create",
    ),
    path(
        "staff/verifications/<int:verification_id>/evidence/",
        views.verification_evidence,
        name="staff_verification_evidence",
    ),
    path(
        "staff/credentials/<int:credential_id>/verify/",
        views.verification_create,
        name="staff_verification_create",
    ),
    path(
        "staff/<int:user_id>/training/new/",
        views.training_complete,
        name="staff_training_complete",
    ),
]
