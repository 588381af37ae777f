"""Staff governance pages: own record, who sees whom, editing, dashboard drill-down."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from casework.core.models import AuditEvent, AuditOutcome
from casework.staff.models import Credential, TrainingCompletion, Verification
from tests import factories
from tests.api_helpers import events_since, last_event_id
from tests.conftest import World
from tests.documents import pdf_bytes

PDF = pdf_bytes()

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_case_manager_sees_their_own_record(world: World) -> None:
    client = signed_in(world.cm)
    since = last_event_id()
    response = client.get(reverse("staff_me"))
    assert response.status_code == 200
    assert b"3.1(a)" in response.content and b"add-credential" not in response.content
    assert [(e.action, e.object_type) for e in events_since(since)] == [("read", "staff")]


@pytest.mark.parametrize("name", ["staff_list", "staff_dashboard"])
def test_a_case_manager_cannot_list_staff(world: World, name: str) -> None:
    since = last_event_id()
    assert signed_in(world.cm).get(reverse(name)).status_code == 404
    assert [e.outcome for e in events_since(since)] == [AuditOutcome.DENIED]


def test_a_case_manager_cannot_open_another_record(world: World) -> None:
    since = last_event_id()
    response = signed_in(world.cm).get(reverse("staff_record", args=[world.cm2.pk]))
    assert response.status_code == 404
    assert [e.outcome for e in events_since(since)] == [AuditOutcome.DENIED]


def test_a_supervisor_sees_their_team_but_not_another(world: World) -> None:
    client = signed_in(world.supervisor)
    assert client.get(reverse("staff_record", args=[world.cm.pk])).status_code == 200
    assert client.get(reverse("staff_record", args=[world.other_cm.pk])).status_code == 404


def test_a_supervisor_cannot_edit_staff_records(world: World) -> None:
    url = reverse("staff_credential_create", args=[world.cm.pk])
    response = signed_in(world.supervisor).post(url, {"kind": "license", "credential_type": "RN"})
    assert response.status_code == 404
    assert Credential.objects.filter(user=world.cm).count() == 1


def test_compliance_adds_and_verifies_a_credential_with_evidence(
    world: World, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    person = factories.user("case_manager", world.program, world.team, compliant=False)
    client = signed_in(world.compliance)
    response = client.post(
        reverse("staff_credential_create", args=[person.pk]),
        {
            "kind": "license",
            "credential_type": "LCSW",
            "state": "IL",
            "number": "149-1",
            "status": "active",
            "expires_date": "2030-01-31",
            "independent_assessment": "on",
        },
    )
    assert response.status_code == 302
    credential = Credential.objects.get(user=person)
    response = client.post(
        reverse("staff_verification_create", args=[credential.pk]),
        {
            "source": "primary",
            "source_name": "IDFPR lookup",
            "verified_date": "2026-01-05",
            "outcome": "verified",
            "evidence": SimpleUploadedFile("lookup.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert Verification.objects.get(credential=credential).evidence_type == "application/pdf"


def test_a_bad_evidence_file_is_shown_on_the_form_and_nothing_is_written(world: World) -> None:
    credential = Credential.objects.get(user=world.cm)
    client = signed_in(world.admin)
    before, events = Verification.objects.count(), AuditEvent.objects.count()
    response = client.post(
        reverse("staff_verification_create", args=[credential.pk]),
        {
            "source": "primary",
            "source_name": "Board",
            "verified_date": "2026-01-05",
            "outcome": "verified",
            "evidence": SimpleUploadedFile("lookup.pdf", b"<script>"),
        },
    )
    assert response.status_code == 200
    assert "the file content does not match its type" in response.content.decode()
    assert Verification.objects.count() == before
    assert AuditEvent.objects.count() == events


def test_recording_orientation(world: World) -> None:
    person = factories.user("case_manager", world.program, world.team, compliant=False)
    course = factories.orientation_course(world.program)
    response = signed_in(world.admin).post(
        reverse("staff_training_complete", args=[person.pk]),
        {"course": course.pk, "completed_date": "2026-01-05", "evidence": "Sign-in sheet"},
    )
    assert response.status_code == 302
    assert TrainingCompletion.objects.filter(user=person).count() == 1


def test_dashboard_numbers_drill_into_lists(world: World) -> None:
    Credential.objects.filter(user=world.cm3).update(status="revoked")
    client = signed_in(world.compliance)
    page = client.get(reverse("staff_dashboard")).content.decode()
    assert 'id="credential-rate" href="/staff/?show=noncompliant">92%' in page
    listed = client.get(reverse("staff_list") + "?show=noncompliant").content.decode()
    assert reverse("staff_record", args=[world.cm3.pk]) in listed
    assert reverse("staff_record", args=[world.cm.pk]) not in listed


def test_a_supervisor_sets_a_caseload_guideline_and_sees_the_team_load(world: World) -> None:
    from casework.staff.models import CaseloadGuideline

    factories.referred_case(world.cm)
    client = signed_in(world.supervisor)
    response = client.post(
        reverse("staff_caseloads"),
        {
            "role": "case_manager",
            "max_weighted_load": "2",
            "rationale": "High-acuity hospital program.",
        },
    )
    assert response.status_code == 302
    assert CaseloadGuideline.objects.get().max_weighted_load == 2
    page = client.get(reverse("staff_caseloads")).content.decode()
    assert "2.50 (over the limit)" in page or "2.5 (over the limit)" in page
    assert reverse("staff_record", args=[world.other_cm.pk]) not in page


def test_a_case_manager_cannot_set_a_guideline(world: World) -> None:
    from casework.staff.models import CaseloadGuideline

    response = signed_in(world.cm).post(
        reverse("staff_caseloads"),
        {"role": "case_manager", "max_weighted_load": "99", "rationale": "I want more."},
    )
    assert response.status_code == 404
    assert CaseloadGuideline.objects.count() == 0


def test_compliance_publishes_a_statement_and_everyone_must_sign_again(world: World) -> None:
    client = signed_in(world.compliance)
    response = client.post(
        reverse("staff_statement_publish"),
        {"kind": "confidentiality", "title": "Confidentiality statement", "body": "Revised."},
    )
    assert response.status_code == 302
    cm_page = signed_in(world.cm).get(reverse("worklist"))
    assert cm_page.status_code == 302 and cm_page["Location"].startswith(reverse("staff_attest"))


def test_compliance_resolves_a_corrective_action(world: World) -> None:
    from casework.core import clock
    from casework.staff.models import CorrectiveAction

    action = CorrectiveAction.objects.create(
        user=world.cm, reason="License expired", owner=world.supervisor, opened_at=clock.now()
    )
    response = signed_in(world.compliance).post(
        reverse("staff_corrective_resolve", args=[action.pk]),
        {"version": 1, "resolution": "Renewed; verified at the board."},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.version) == ("resolved", 2)


def test_compliance_records_position_and_experience(world: World) -> None:
    from casework.staff.models import StaffProfile

    client = signed_in(world.compliance)
    url = reverse("staff_profile_edit", args=[world.cm.pk])
    data = {
        "hired_date": "2024-02-01",
        "state_requires_licensure": "on",
        "case_manager_years": "6",
        "supervision_years": "0",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "case_manager_years": "7", "version": 1}).status_code == 302
    stale = client.post(url, {**data, "version": 1})
    assert stale.status_code == 200
    profile = StaffProfile.objects.get(user=world.cm)
    assert (profile.case_manager_years, profile.version) == (7, 2)


def test_the_reassign_page_suggests_ready_case_managers(world: World) -> None:
    case = factories.referred_case(world.cm)
    Credential.objects.filter(user=world.cm3).update(status="revoked")
    page = signed_in(world.supervisor).get(reverse("case_reassign", args=[case.pk]))
    text = page.content.decode()
    suggested = "Suggested (ready, with room, by continuity, language and load): "
    assert f"{suggested}{world.cm2.get_full_name()}<" in text


def test_compliance_writes_a_job_description(world: World) -> None:
    from casework.staff.models import JobDescription

    response = signed_in(world.compliance).post(
        reverse("staff_job_description"),
        {
            "title": "Case manager II",
            "role": "case_manager",
            "required_education": "BSN or MSW",
            "required_degree_level": "bachelor",
            "competencies": "Assessment, planning",
            "licensure": "RN or LCSW",
            "requires_license": "on",
            "scope": "Complex caseload",
        },
    )
    assert response.status_code == 302
    assert JobDescription.objects.get().requires_license is True


def _verified_with_evidence(world: World, client: Client) -> Verification:
    credential = Credential.objects.get(user=world.cm)
    response = client.post(
        reverse("staff_verification_create", args=[credential.pk]),
        {
            "source": "primary",
            "source_name": "State board lookup",
            "verified_date": "2026-01-05",
            "outcome": "verified",
            "evidence": SimpleUploadedFile("My License.pdf", PDF),
        },
    )
    assert response.status_code == 302
    return Verification.objects.get(credential=credential, source_name="State board lookup")


def test_evidence_downloads_as_an_attachment_with_a_generated_name(
    world: World, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    client = signed_in(world.compliance)
    verification = _verified_with_evidence(world, client)
    record = client.get(reverse("staff_record", args=[world.cm.pk])).content.decode()
    url = reverse("staff_verification_evidence", args=[verification.pk])
    assert f'href="{url}"' in record
    since = last_event_id()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="verification-{verification.pk}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert [(e.action, e.object_type, e.object_id) for e in events_since(since)] == [
        ("print", "verification_evidence", str(verification.pk))
    ]


def test_the_person_downloads_their_own_evidence_but_a_colleague_cannot(
    world: World, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    verification = _verified_with_evidence(world, signed_in(world.compliance))
    url = reverse("staff_verification_evidence", args=[verification.pk])
    assert signed_in(world.cm).get(url).status_code == 200
    since = last_event_id()
    assert signed_in(world.cm2).get(url).status_code == 404
    assert [(e.outcome, e.object_type) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "staff")
    ]


RULES_FORM = {
    "supervisor_case_manager_years": "5.0",
    "supervisor_supervision_years": "3.0",
    "reverification_years": "3",
    "ce_hours": "80.0",
    "ce_window_years": "5",
    "annual_recurrence_months": "12",
    "attestation_months": "12",
}


def test_compliance_changes_a_rule_setting_and_it_applies(world: World) -> None:
    from casework.staff.models import ProgramStaffSettings
    from casework.staff.selectors import rule_settings_for

    client = signed_in(world.compliance)
    page = client.get(reverse("staff_rule_settings")).content.decode()
    assert 'name="ce_hours" value="80"' in page  # the Model Act default
    since = last_event_id()
    response = client.post(reverse("staff_rule_settings"), {**RULES_FORM, "ce_hours": "60"})
    assert response.status_code == 302
    assert ProgramStaffSettings.objects.get(program=world.program).ce_hours == 60
    assert rule_settings_for(program_id=world.program.pk).ce_hours == 60
    assert [(e.action, e.object_type, e.detail) for e in events_since(since)] == [
        (
            "create",
            "staff_rule_settings",
            {"before": {"ce_hours": "80"}, "after": {"ce_hours": "60"}},
        )
    ]


def test_a_rule_setting_of_zero_is_a_field_error_and_saves_nothing(world: World) -> None:
    from casework.staff.models import ProgramStaffSettings

    client = signed_in(world.admin)
    since = last_event_id()
    response = client.post(
        reverse("staff_rule_settings"), {**RULES_FORM, "reverification_years": "0"}
    )
    assert response.status_code == 200
    assert 'id="id_reverification_years-error"' in response.content.decode()
    assert not ProgramStaffSettings.objects.exists()
    assert events_since(since) == []


def test_unchanged_rule_settings_save_nothing(world: World) -> None:
    from casework.staff.models import ProgramStaffSettings

    client = signed_in(world.compliance)
    response = client.post(reverse("staff_rule_settings"), RULES_FORM)
    assert "Nothing was changed." in response.content.decode()
    assert not ProgramStaffSettings.objects.exists()


@pytest.mark.parametrize("role", ["cm", "supervisor", "auditor"])
def test_only_staff_managers_reach_the_rule_settings(world: World, role: str) -> None:
    from casework.staff.models import ProgramStaffSettings

    client = signed_in(getattr(world, role))
    since = last_event_id()
    response = client.post(reverse("staff_rule_settings"), {**RULES_FORM, "ce_hours": "10"})
    assert response.status_code == 404
    assert not ProgramStaffSettings.objects.exists()
    assert [e.outcome for e in events_since(since)] == [AuditOutcome.DENIED]
