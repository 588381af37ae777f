"""Browser pages. Every page but sign-in needs a signed-in user (S2)."""

from django.urls import URLPattern, URLResolver, path

from casework.assessments import views as assessments
from casework.careplans import views as careplans
from casework.cases import views as cases
from casework.complaints import views as complaints
from casework.consumers import views as consumers
from casework.coordination import views as coordination
from casework.governance import views as governance
from casework.protections import views as protections
from casework.resources import views as resources
from casework.staff import views as staff
from casework.stays import views as stays
from casework.stays.payers import views as stay_payers
from casework.transitions import views as transitions
from casework.web import break_glass_views as break_glass
from casework.web import case_page, dashboards, session_expiry
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
    path("worklist/", cases.worklist, name="worklist"),
    path("census/", stays.census, name="census"),
    path("stays/<int:stay_id>/", stays.stay_detail, name="stay_detail"),
    path("advisor-queue/", stays.advisor_queue, name="advisor_queue"),
    path(
        "stays/<int:stay_id>/transition/",
        transitions.transition_detail,
        name="transition_detail",
    ),
    path(
        "stays/<int:stay_id>/transition/<slug:step>/",
        transitions.transition_step,
        name="transition_step",
    ),
    path(
        "stays/<int:stay_id>/choice-list/",
        transitions.choice_list_print,
        name="choice_list_print",
    ),
    path(
        "stays/<int:stay_id>/transition/handoff.pdf",
        transitions.handoff_pdf,
        name="handoff_pdf",
    ),
    path("follow-up/", transitions.follow_up_list, name="follow_up_list"),
    path(
        "sequencing-barriers/<int:barrier_id>/",
        transitions.sequencing_barrier_detail,
        name="sequencing_barrier_detail",
    ),
    path(
        "sequencing-barriers/<int:barrier_id>/escalate/",
        transitions.sequencing_barrier_escalate,
        name="sequencing_barrier_escalate",
    ),
    path(
        "sequencing-barriers/<int:barrier_id>/response/",
        transitions.sequencing_barrier_respond,
        name="sequencing_barrier_respond",
    ),
    path(
        "sequencing-barriers/<int:barrier_id>/resolve/",
        transitions.sequencing_barrier_resolve,
        name="sequencing_barrier_resolve",
    ),
    path("sequencing-path/", transitions.sequencing_path_edit, name="sequencing_path_edit"),
    path(
        "consumers/<int:consumer_id>/community-referrals/",
        transitions.referral_list,
        name="referral_list",
    ),
    path(
        "consumers/<int:consumer_id>/community-referrals/new/",
        transitions.referral_create,
        name="referral_create",
    ),
    path(
        "community-referrals/<int:referral_id>/",
        transitions.referral_detail,
        name="referral_detail",
    ),
    path(
        "community-referrals/<int:referral_id>/status/",
        transitions.referral_status,
        name="referral_status",
    ),
    path("stays/<int:stay_id>/notices/<str:kind>/", stays.notice_print, name="stay_notice_print"),
    path("payers/", stay_payers.payer_settings_page, name="payer_settings"),
    path("denials/", stay_payers.denial_list_page, name="denial_list"),
    path("denials/report/", stay_payers.denial_report_page, name="denial_report"),
    path(
        "denials/education/", stay_payers.denial_education_list_page, name="denial_education_list"
    ),
    path(
        "denials/education/<int:education_id>/",
        stay_payers.denial_education_page,
        name="denial_education_page",
    ),
    path(
        "stays/<int:stay_id>/authorizations/new/",
        stay_payers.stay_authorization_new,
        name="stay_authorization_new",
    ),
    path(
        "stays/<int:stay_id>/authorizations/<int:authorization_id>/step/",
        stay_payers.stay_authorization_step_page,
        name="stay_authorization_step",
    ),
    path("stays/<int:stay_id>/denials/new/", stay_payers.stay_denial_new, name="stay_denial_new"),
    path(
        "stays/<int:stay_id>/denials/<int:denial_id>/appeal/",
        stay_payers.stay_appeal_new,
        name="stay_appeal_new",
    ),
    path(
        "stays/<int:stay_id>/denials/<int:denial_id>/packet.pdf",
        stay_payers.stay_appeal_packet,
        name="stay_appeal_packet",
    ),
    path(
        "stays/<int:stay_id>/appeals/<int:appeal_id>/outcome/",
        stay_payers.stay_appeal_outcome_page,
        name="stay_appeal_outcome",
    ),
    path(
        "stays/authorizations/<int:authorization_id>/",
        stay_payers.stay_authorization_page,
        name="stay_authorization_page",
    ),
    path("stays/denials/<int:denial_id>/", stay_payers.stay_denial_page, name="stay_denial_page"),
    path(
        "stays/<int:stay_id>/peer-to-peers/new/",
        stay_payers.stay_peer_to_peer_new,
        name="stay_peer_to_peer_new",
    ),
    path(
        "stays/<int:stay_id>/peer-to-peers/<int:peer_to_peer_id>/step/",
        stay_payers.stay_peer_to_peer_step_page,
        name="stay_peer_to_peer_step",
    ),
    path(
        "stays/peer-to-peers/<int:peer_to_peer_id>/",
        stay_payers.stay_peer_to_peer_page,
        name="stay_peer_to_peer_page",
    ),
    path(
        "stays/<int:stay_id>/reviews/<str:kind>/new/", stays.review_create, name="stay_review_new"
    ),
    path("stays/<int:stay_id>/advisor-decision/", stays.advisor_decide, name="stay_advisor_decide"),
    path(
        "stays/<int:stay_id>/avoidable-days/new/",
        stays.avoidable_day_create,
        name="stay_avoidable_day_new",
    ),
    path("avoidable-days/", stays.avoidable_report, name="avoidable_report"),
    path("adt/errors/", stays.adt_queue, name="adt_queue"),
    path("adt/errors/<int:message_id>/", stays.adt_message_detail, name="adt_message_detail"),
    path(
        "adt/errors/<int:message_id>/replay/",
        stays.adt_message_replay,
        name="adt_message_replay",
    ),
    path(
        "adt/errors/<int:message_id>/resolve/",
        stays.adt_message_resolve,
        name="adt_message_resolve",
    ),
    path("audit/", core.audit_report, name="audit_report"),
    path("break-glass/", break_glass.declare, name="break_glass_declare"),
    path("break-glass/reviews/", break_glass.review_queue, name="break_glass_queue"),
    path("break-glass/reviews/<int:access_id>/", break_glass.review, name="break_glass_review"),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("resources/", resources.search, name="resource_search"),
    path(
        "resources/services/<uuid:service_id>/", resources.service_detail, name="resource_service"
    ),
    path("audit/export.csv", core.audit_export, name="audit_export"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/me/", staff.my_record, name="staff_me"),
    path("staff/attest/", staff.attest, name="staff_attest"),
    path("staff/dashboard/", staff.dashboard, name="staff_dashboard"),
    path("staff/caseloads/", staff.caseloads, name="staff_caseloads"),
    path("staff/statements/new/", staff.statement_publish, name="staff_statement_publish"),
    path("staff/positions/new/", staff.job_description_save, name="staff_job_description"),
    path("staff/rule-settings/", staff.rule_settings, name="staff_rule_settings"),
    path("staff/consultations/new/", staff.consultation_create, name="staff_consultation_create"),
    path(
        "staff/corrective-actions/<int:action_id>/resolve/",
        staff.corrective_resolve,
        name="staff_corrective_resolve",
    ),
    path("staff/<int:user_id>/", staff.staff_record, name="staff_record"),
    path("staff/<int:user_id>/profile/", staff.profile_edit, name="staff_profile_edit"),
    path("staff/<int:user_id>/mfa-reset/", staff.mfa_reset_request, name="staff_mfa_reset"),
    path(
        "staff/<int:user_id>/mfa-reset/approve/",
        staff.mfa_reset_approve,
        name="staff_mfa_reset_approve",
    ),
    path(
        "staff/<int:user_id>/credentials/new/",
        staff.credential_create,
        name="staff_credential_create",
    ),
    path(
        "staff/verifications/<int:verification_id>/evidence/",
        staff.verification_evidence,
        name="staff_verification_evidence",
    ),
    path(
        "staff/credentials/<int:credential_id>/verify/",
        staff.verification_create,
        name="staff_verification_create",
    ),
    path(
        "staff/<int:user_id>/training/new/",
        staff.training_complete,
        name="staff_training_complete",
    ),
    path("complaints/", complaints.complaint_list, name="complaint_list"),
    path(
        "consumers/<int:consumer_id>/complaints/new/",
        complaints.complaint_create,
        name="complaint_create",
    ),
    path("complaints/<int:complaint_id>/", complaints.complaint_detail, name="complaint_detail"),
    path(
        "complaints/<int:complaint_id>/notes/new/",
        complaints.complaint_note,
        name="complaint_note",
    ),
    path(
        "complaints/<int:complaint_id>/letter.pdf",
        complaints.complaint_letter,
        name="complaint_letter",
    ),
    path(
        "complaints/<int:complaint_id>/<slug:step>/",
        complaints.complaint_step,
        name="complaint_step",
    ),
    path("protections/", protections.protection_list, name="protection_list"),
    path("protections/equity/", protections.equity_report, name="equity_report"),
    path(
        "consumers/<int:consumer_id>/abuse-reports/new/",
        protections.abuse_report_create,
        name="abuse_report_create",
    ),
    path(
        "abuse-reports/<int:report_id>/",
        protections.abuse_report_detail,
        name="abuse_report_detail",
    ),
    path(
        "abuse-reports/<int:report_id>/<slug:step>/",
        protections.abuse_report_step,
        name="abuse_report_step",
    ),
    path("incidents/new/", protections.incident_create, name="incident_create"),
    path("incidents/<int:incident_id>/", protections.incident_detail, name="incident_detail"),
    path(
        "incidents/<int:incident_id>/<slug:step>/",
        protections.incident_step,
        name="incident_step",
    ),
    path(
        "consumers/<int:consumer_id>/ethics-consultations/new/",
        protections.consultation_create,
        name="consultation_create",
    ),
    path(
        "ethics-consultations/<int:consultation_id>/",
        protections.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "ethics-consultations/<int:consultation_id>/close/",
        protections.consultation_close,
        name="consultation_close",
    ),
    path("referrals/new/", cases.intake, name="intake"),
    path("cases/reassign/", cases.cases_reassign, name="cases_reassign"),
    path("consumers/", consumers.consumer_find, name="consumer_find"),
    path("consumers/<int:consumer_id>/", case_page.consumer_detail, name="consumer_detail"),
    path("consumers/<int:consumer_id>/merge/", consumers.consumer_merge, name="consumer_merge"),
    path(
        "consumers/<int:consumer_id>/merges/<int:merge_id>/undo/",
        consumers.consumer_merge_undo,
        name="consumer_merge_undo",
    ),
    path("cases/<int:case_id>/", case_page.case_detail, name="case_detail"),
    path("cases/<int:case_id>/notices/new/", cases.notice_create, name="notice_create"),
    path(
        "cases/<int:case_id>/notices/enrollment/",
        cases.enrollment_notices_create,
        name="enrollment_notices_create",
    ),
    path(
        "cases/<int:case_id>/notices/<slug:kind>/print/",
        cases.notice_print,
        name="notice_print",
    ),
    path("cases/<int:case_id>/consumer/edit/", consumers.consumer_edit, name="consumer_edit"),
    path("cases/<int:case_id>/consent/new/", cases.consent_create, name="consent_create"),
    path("cases/<int:case_id>/activate/", cases.case_activate, name="case_activate"),
    path("cases/<int:case_id>/withdraw/", cases.case_withdraw, name="case_withdraw"),
    path("cases/<int:case_id>/close/", cases.case_close, name="case_close"),
    path("cases/<int:case_id>/reassign/", cases.case_reassign, name="case_reassign"),
    path(
        "cases/<int:case_id>/support-persons/new/",
        consumers.support_person_create,
        name="support_person_create",
    ),
    path(
        "cases/<int:case_id>/support-persons/<int:support_person_id>/edit/",
        consumers.support_person_edit,
        name="support_person_edit",
    ),
    path(
        "cases/<int:case_id>/support-persons/<int:support_person_id>/remove/",
        consumers.support_person_remove,
        name="support_person_remove",
    ),
    path(
        "cases/<int:case_id>/advance-directives/new/",
        consumers.advance_directive_create,
        name="advance_directive_create",
    ),
    path(
        "cases/<int:case_id>/advance-directives/<int:directive_id>/edit/",
        consumers.advance_directive_edit,
        name="advance_directive_edit",
    ),
    path(
        "cases/<int:case_id>/advance-directives/<int:directive_id>/remove/",
        consumers.advance_directive_remove,
        name="advance_directive_remove",
    ),
    path(
        "cases/<int:case_id>/work-items/new/",
        coordination.work_item_create,
        name="work_item_create",
    ),
    path(
        "work-items/<int:work_item_id>/complete/",
        coordination.work_item_complete,
        name="work_item_complete",
    ),
    path(
        "work-items/<int:work_item_id>/edit/",
        coordination.work_item_edit,
        name="work_item_edit",
    ),
    path(
        "work-items/<int:work_item_id>/cancel/",
        coordination.work_item_cancel,
        name="work_item_cancel",
    ),
    path(
        "cases/<int:case_id>/communications/new/",
        coordination.communication_create,
        name="communication_create",
    ),
    path("cases/<int:case_id>/notes/new/", coordination.note_create, name="note_create"),
    path("cases/<int:case_id>/part2-consent/", coordination.part2_consent, name="part2_consent"),
    path(
        "cases/<int:case_id>/notes/<int:note_id>/amend/",
        coordination.note_amend,
        name="note_amend",
    ),
    # assessment, needs and the plan of care (issue 4)
    path(
        "cases/<int:case_id>/assessments/new/",
        assessments.assessment_start,
        name="assessment_start",
    ),
    path(
        "cases/<int:case_id>/assessments/new/<slug:code>/",
        assessments.assessment_create,
        name="assessment_create",
    ),
    path(
        "cases/<int:case_id>/assessments/<int:response_id>/",
        assessments.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "cases/<int:case_id>/assessments/<int:response_id>/pdf/",
        assessments.assessment_pdf,
        name="assessment_pdf",
    ),
    path("cases/<int:case_id>/needs/new/", assessments.need_create, name="need_create"),
    path("cases/<int:case_id>/needs/confirm/", assessments.needs_confirm, name="needs_confirm"),
    path(
        "cases/<int:case_id>/needs/<int:need_id>/decide/",
        assessments.need_decide,
        name="need_decide",
    ),
    path(
        "cases/<int:case_id>/reassessment/",
        assessments.reassessment_trigger,
        name="reassessment_trigger",
    ),
    path("cases/<int:case_id>/plan/", careplans.care_plan, name="care_plan"),
    path(
        "cases/<int:case_id>/plan/versions/<int:number>/",
        careplans.care_plan_version,
        name="care_plan_version",
    ),
    path("cases/<int:case_id>/plan/problems/new/", careplans.problem_add, name="plan_problem_add"),
    path("cases/<int:case_id>/plan/goals/new/", careplans.goal_add, name="plan_goal_add"),
    path(
        "cases/<int:case_id>/plan/interventions/new/",
        careplans.intervention_add,
        name="plan_intervention_add",
    ),
    path("cases/<int:case_id>/plan/barriers/new/", careplans.barrier_add, name="plan_barrier_add"),
    path("cases/<int:case_id>/plan/goal-status/", careplans.goal_status, name="plan_goal_status"),
    path(
        "cases/<int:case_id>/plan/agreement/new/",
        careplans.agreement_add,
        name="plan_agreement_add",
    ),
    path(
        "cases/<int:case_id>/plan/informed-choice/new/",
        careplans.informed_choice_add,
        name="plan_informed_choice_add",
    ),
    path(
        "cases/<int:case_id>/plan/progress/new/", careplans.progress_add, name="plan_progress_add"
    ),
    path("cases/<int:case_id>/care-team/new/", careplans.care_team_add, name="plan_care_team_add"),
    path("cases/<int:case_id>/plan/print/", careplans.care_plan_print, name="care_plan_print"),
    path(
        "cases/<int:case_id>/plan/plan-of-care.pdf", careplans.care_plan_pdf, name="care_plan_pdf"
    ),
    # Records governance (N4, N6, S28, S29, S42)
    path("governance/", governance.governance_overview, name="governance_overview"),
    path(
        "governance/legal-holds/<int:hold_id>/release/",
        governance.legal_hold_release,
        name="legal_hold_release",
    ),
    path(
        "governance/access-requests/<int:request_id>/",
        governance.access_request_detail,
        name="governance_access_request",
    ),
    path(
        "governance/access-requests/<int:request_id>/extend/",
        governance.access_request_extend,
        name="governance_access_request_extend",
    ),
    path(
        "governance/access-requests/<int:request_id>/close/",
        governance.access_request_close,
        name="governance_access_request_close",
    ),
    path(
        "governance/access-requests/<int:request_id>/export.json",
        governance.access_request_export,
        name="governance_access_request_export",
    ),
    path(
        "governance/register/new/",
        governance.requirement_create,
        name="governance_requirement_create",
    ),
    path(
        "governance/register/<int:requirement_id>/",
        governance.requirement_detail,
        name="governance_requirement",
    ),
    path(
        "governance/register/<int:requirement_id>/review/",
        governance.requirement_review,
        name="governance_requirement_review",
    ),
    path(
        "consumers/<int:consumer_id>/disclosures/",
        governance.disclosure_accounting,
        name="disclosure_accounting",
    ),
    path(
        "consumers/<int:consumer_id>/disclosures/new/",
        governance.disclosure_create,
        name="disclosure_create",
    ),
    path(
        "consumers/<int:consumer_id>/legal-holds/new/",
        governance.legal_hold_create,
        name="legal_hold_create",
    ),
    path(
        "consumers/<int:consumer_id>/access-requests/new/",
        governance.access_request_create,
        name="access_request_create",
    ),
]

# The appeal packet with the case notes and the documents of the stay (web/appeal_packet.py)
# takes the place of `stays.payers.views.stay_appeal_packet` at the same address and name;
# at the merge the lead points the route above at it and removes the old view.
from casework.web import appeal_packet  # noqa: E402

urlpatterns = [
    pattern for pattern in urlpatterns if getattr(pattern, "name", None) != "stay_appeal_packet"
] + [
    path(
        "stays/<int:stay_id>/denials/<int:denial_id>/packet.pdf",
        appeal_packet.stay_appeal_packet,
        name="stay_appeal_packet",
    ),
]
