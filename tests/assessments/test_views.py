"""Assessment and needs pages."""

from django.test import Client

from casework.assessments.models import AssessmentResponse, Need
from casework.core.models import AuditEvent, AuditOutcome
from tests import factories
from tests.conftest import World


def signed_in(world: World) -> Client:
    client = Client()
    client.force_login(world.cm)
    return client


def test_instrument_picker_lists_every_current_instrument(world: World) -> None:
    factories.instruments()
    case = factories.active_case(world.cm)
    page = signed_in(world).get(f"/cases/{case.pk}/assessments/new/")
    assert page.status_code == 200
    assert page.content.decode().count('class="usa-card ') == 7


def test_form_records_the_assessment_and_shows_it_on_the_case(world: World) -> None:
    case = factories.active_case(world.cm)
    data = {f"phq2_{n}": "LA6570-1" for n in (1, 2)} | {
        "participants": "Consumer",
        "language": "en",
    }
    client = signed_in(world)
    response = client.post(f"/cases/{case.pk}/assessments/new/phq2/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/#assessment"
    recorded = AssessmentResponse.objects.get(case=case)
    assert (recorded.total_score, recorded.band) == (4, "positive")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "4 · Positive screen: complete the PHQ-9" in page
    assert Need.objects.get(case=case).domain == "depression"


def test_missing_answer_shows_on_its_question_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    client = signed_in(world)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/cases/{case.pk}/assessments/new/phq2/",
        {"phq2_1": "LA6570-1", "participants": "Consumer", "language": "en"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"phq2_2": ["an answer is required"]}
    assert AssessmentResponse.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_another_caseload_gets_404_and_a_denied_audit_row(world: World) -> None:
    case = factories.active_case(world.cm)
    client = Client()
    client.force_login(world.cm2)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/cases/{case.pk}/assessments/new/phq2/",
        {"phq2_1": "LA6570-1", "phq2_2": "LA6570-1", "participants": "x", "language": "en"},
    )
    assert response.status_code == 404
    assert AssessmentResponse.objects.count() == 0
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.outcome, e.actor_id, e.consumer_id) for e in events] == [
        (AuditOutcome.DENIED, world.cm2.pk, None)
    ]


def test_confirming_a_need_records_its_priorities(world: World) -> None:
    from tests.assessments.test_services import HRSN_FOOD

    case = factories.active_case(world.cm)
    need = factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD).needs.get()
    response = signed_in(world).post(
        f"/cases/{case.pk}/needs/{need.pk}/decide/",
        {"version": 1, "status": "confirmed", "acuity": "1", "consumer_priority": "1"},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.acuity, need.consumer_priority) == ("confirmed", 1, 1)


def test_condition_change_page_raises_a_reassessment_work_item(world: World) -> None:
    from casework.coordination.models import WorkItem

    case = factories.active_case(world.cm)
    response = signed_in(world).post(
        f"/cases/{case.pk}/reassessment/",
        {"kind": "condition_change", "detail": "Fell at home"},
    )
    assert response.status_code == 302
    item = WorkItem.objects.get(case=case)
    assert (item.title, item.description) == ("Reassess: change in condition", "Fell at home")


def test_without_consent_the_case_page_offers_no_assessment(world: World) -> None:
    case = factories.referred_case(world.cm)
    page = signed_in(world).get(f"/cases/{case.pk}/").content.decode()
    assert "Start an assessment" not in page
    assert "No plan of care yet." in page


def test_assessment_form_without_consent_shows_the_refusal(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = signed_in(world)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/cases/{case.pk}/assessments/new/phq2/",
        {"phq2_1": "LA6570-1", "phq2_2": "LA6570-1", "participants": "x", "language": "en"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["no active consent to case management"]
    assert AssessmentResponse.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_a_spanish_speaker_is_asked_the_comprehensive_assessment_in_spanish(
    world: World,
) -> None:
    case = factories.active_case(world.cm, preferred_language="es")
    page = signed_in(world).get(f"/cases/{case.pk}/assessments/new/cm_comprehensive/")
    html = page.content.decode()
    assert "¿Tiene usted enfermedades crónicas que no están bien controladas?" in html
    assert "Does the consumer have chronic medical conditions" not in html
    assert 'href="?language=en"' in html


def test_the_english_questions_can_be_asked_for(world: World) -> None:
    case = factories.active_case(world.cm, preferred_language="es")
    page = signed_in(world).get(
        f"/cases/{case.pk}/assessments/new/cm_comprehensive/", {"language": "en"}
    )
    html = page.content.decode()
    assert "Does the consumer have chronic medical conditions" in html
    assert "no Spanish version" not in html


def test_an_instrument_without_the_consumers_language_says_so(world: World) -> None:
    case = factories.active_case(world.cm, preferred_language="vi")
    html = signed_in(world).get(f"/cases/{case.pk}/assessments/new/phq9/").content.decode()
    assert "This instrument has no Vietnamese version: the questions are shown in English." in html
    assert "Little interest or pleasure in doing things" in html


def test_answers_given_on_the_spanish_form_are_scored_the_same(world: World) -> None:
    from tests.assessments.test_services import COMPREHENSIVE

    case = factories.active_case(world.cm, preferred_language="es")
    response = signed_in(world).post(
        f"/cases/{case.pk}/assessments/new/cm_comprehensive/",
        {
            **COMPREHENSIVE,
            "interpreter_needed": "yes",
            "interpreter_used": "yes",  # the instrument's own question
            "participants": "Consumidor e hija",
            "language": "es",
            "administered_with_interpreter": "on",
        },
    )
    assert response.status_code == 302
    recorded = AssessmentResponse.objects.get(case=case)
    assert (
        recorded.instrument.version,
        recorded.language,
        recorded.interpreter_used,
        recorded.answers["coverage"],
        recorded.answers["interpreter_used"],
    ) == ("1.1", "es", True, "insured", "yes")
