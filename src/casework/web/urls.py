"""The web layer's own pages: home, sign-in and its second step, the session keep-alive,
the audit report, break-glass, the dashboards, and the composed consumer and case pages.

Included by `casework.web_urls` at the root: the names are global (no namespace).
"""

from django.urls import URLPattern, URLResolver, path

from casework.web import appeal_packet, case_page, dashboards, session_expiry
from casework.web import break_glass_views as break_glass
from casework.web import mfa_views as mfa
from casework.web import views as core

urlpatterns: list[URLPattern | URLResolver] = [
    path("", core.home, name="home"),
    path("sign-in/", core.SignInView.as_view(), name="login"),
    path("sign-out/", core.SignOutView.as_view(), name="logout"),
    path("sign-in/second-step/", mfa.verify, name="mfa_verify"),
    path("sign-in/second-step/enrol/", mfa.enrol, name="mfa_enrol"),
    path("sign-in/second-step/security-key/", mfa.security_key, name="mfa_security_key"),
    path(
        "sign-in/second-step/security-key/verify/",
        mfa.security_key_verify,
        name="mfa_security_key_verify",
    ),
    path("session/keep-alive/", session_expiry.session_keep_alive, name="session_keep_alive"),
    path("audit/", core.audit_report, name="audit_report"),
    path("break-glass/", break_glass.declare, name="break_glass_declare"),
    path("break-glass/reviews/", break_glass.review_queue, name="break_glass_queue"),
    path("break-glass/reviews/<int:access_id>/", break_glass.review, name="break_glass_review"),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("audit/export.csv", core.audit_export, name="audit_export"),
    path("consumers/<int:consumer_id>/", case_page.consumer_detail, name="consumer_detail"),
    path("cases/<int:case_id>/", case_page.case_detail, name="case_detail"),
    # The appeal packet composes the stay's reviews and payer records with the case notes.
    path(
        "stays/<int:stay_id>/denials/<int:denial_id>/packet.pdf",
        appeal_packet.stay_appeal_packet,
        name="stay_appeal_packet",
    ),
]
