"""Recording assessments, suggested needs, urgent flags and reassessment triggers."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from casework.assessments import services
from casework.assessments.models import AssessmentResponse, Instrument, Need
from casework.cases import services as case_services
from casework.coordination.models import WorkItem
from casework.core import clock
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditEvent, AuditOutcome, Deadline
from casework.core.sweep import sweep_once
from tests import factories
from tests.conftest import World

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HRSN_FOOD = {
    "living_situation": "LA31993-1",
    "housing_problems": ["LA9-3"],
    "food_worried": "LA28397-0",
    "food_didnt_last": "LA28398-8",
    "transportation": "LA32-8",
    "utilities": "LA32-8",
    "safety_hurt": "LA6270-8",
    "safety_insult": "LA6270-8",
    "safety_threaten": "LA6270-8",
    "safety_scream": "LA6270-8",
}


def test_every_shipped_instrument_is_loaded(db: None) -> None:
    factories.instruments()
    assert sorted(Instrument.objects.values_list("code", "version")) == [
        ("ahc_hrsn", "2018.1"),
        ("auditc", "1.1"),
        ("cm_comprehensive", "1.1"),
        ("gad7", "1.0"),
        ("hvs", "1.0"),
        ("phq2", "1.0"),
        ("phq9", "1.0"),
    ]


def test_loader_skips_versions_already_stored(db: None) -> None:
    factories.instruments()
    assert services.instruments_load() == []


def test_new_version_leaves_old_responses_frozen(world: World) -> None:
    case = factories.active_case(world.cm)
    response = factories.assessment(world.cm, case)
    definition = {**factories.instrument("phq9").definition, "version": "1.1", "title": "PHQ-9 b"}
    services.instrument_create(definition=definition)
    response.refresh_from_db()
    assert (response.instrument.version, response.instrument.title) == (
        "1.0",
        "Patient Health Questionnaire (PHQ-9)",
    )
    assert factories.instrument("phq9").version == "1.1"


def test_existing_version_cannot_be_overwritten(db: None) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.instrument_create(definition=factories.instrument("gad7").definition)
    assert list(exc.value.errors) == ["version"]


def test_record_scores_and_audits_once(world: World) -> None:
    case = factories.active_case(world.cm)
    answers = {**factories.PHQ9_ZERO, "phq9_1": "LA6571-9", "phq9_2": "LA6570-1"}
    before = AuditEvent.objects.count()
    response = factories.assessment(world.cm, case, answers=answers)
    assert (response.total_score, response.band, response.urgent) == (5, "mild", False)
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_type, e.consumer_id) for e in events] == [
        ("create", "assessment_response", case.consumer_id)
    ]


def test_bad_answers_are_field_errors_and_write_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    before = (AssessmentResponse.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        factories.assessment(world.cm, case, answers={"phq9_1": "nope"})
    assert exc.value.errors["answers.phq9_1"] == ["not one of the answer options"]
    assert exc.value.errors["answers.phq9_9"] == ["an answer is required"]
    assert (AssessmentResponse.objects.count(), AuditEvent.objects.count()) == before


def test_without_active_consent_nothing_is_recorded(world: World) -> None:
    case = factories.referred_case(world.cm)
    before = (AssessmentResponse.objects.count(), AuditEvent.objects.count())
    with pytest.raises(RuleViolation) as exc:
        factories.assessment(world.cm, case)
    assert exc.value.reason == "no active consent to case management"
    assert (AssessmentResponse.objects.count(), AuditEvent.objects.count()) == before


def test_revoked_consent_refuses_an_assessment(world: World) -> None:
    case = factories.active_case(world.cm)
    case_services.consent_record(
        actor=factories.actor(world.cm),
        case=case,
        decision="revoked",
        method="verbal",
        decided_at=clock.now(),
    )
    with pytest.raises(RuleViolation):
        factories.assessment(world.cm, case)
    assert AssessmentResponse.objects.filter(case=case).count() == 0


def test_positive_domains_become_suggested_needs(world: World) -> None:
    case = factories.active_case(world.cm)
    factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD)
    assert list(Need.objects.filter(case=case).values_list("kind", "domain", "status")) == [
        ("problem", "food", "suggested")
    ]


def test_an_open_need_is_not_suggested_again(world: World) -> None:
    case = factories.active_case(world.cm)
    factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD)
    factories.assessment(
        world.cm, case, "hvs", {"hvs_worried": "LA6729-3", "hvs_didnt_last": "LA6729-3"}
    )
    assert Need.objects.filter(case=case, domain="food").count() == 1


@time_machine.travel(T0, tick=False)
def test_phq9_item_9_raises_a_same_day_work_item(world: World) -> None:
    case = factories.active_case(world.cm)
    response = factories.assessment(
        world.cm, case, answers={**factories.PHQ9_ZERO, "phq9_9": "LA6569-3"}
    )
    item = WorkItem.objects.get(case=case)
    assert response.urgent is True
    assert (item.owner_id, item.kind, item.due_at) == (
        world.cm.pk,
        "service",
        T0 + timedelta(hours=4),
    )
    assert item.title == "Urgent safety follow-up: Patient Health Questionnaire (PHQ-9)"
    event = AuditEvent.objects.filter(object_type="assessment_response").get()
    assert event.detail["work_items"] == [item.pk]
    assert Deadline.objects.filter(subject_type="work_item", subject_id=item.pk).count() == 2


@time_machine.travel(T0, tick=False)
def test_a_newly_positive_screen_raises_a_plan_review(world: World) -> None:
    case = factories.active_case(world.cm)
    negative = {**HRSN_FOOD, "food_worried": "LA28398-8"}
    factories.assessment(world.cm, case, "ahc_hrsn", negative)
    assert WorkItem.objects.filter(case=case).count() == 0
    factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD)
    item = WorkItem.objects.get(case=case)
    assert (item.title, item.due_at) == (
        "Review the plan: new positive screen (Food insecurity)",
        T0 + timedelta(days=7),
    )


COMPREHENSIVE = {
    "medical_conditions": "yes",
    "medical_admissions": 3,
    "medications_trouble": "no",
    "cognitive_concern": "no",
    "behavioral_concern": "no",
    "social_isolation": "no",
    "sdoh_screened": "negative",
    "adl_help": "no",
    "iadl_help": "no",
    "financial_strain": "not_hard",
    "has_caregiver": "yes",
    "caregiver_capacity": "able",
    "coverage": "insured",
    "benefits_eligible": "no",
    "legal_decision_maker": "no",
    "advance_directive": "yes",
    "preferred_language": "English",
    "interpreter_needed": "no",
}


def test_comprehensive_assessment_schedules_reassessment_from_the_program(world: World) -> None:
    world.program.reassessment_interval_days = 30
    world.program.save()
    case = factories.active_case(world.cm)
    with time_machine.travel(T0, tick=False):
        factories.assessment(world.cm, case, "cm_comprehensive", COMPREHENSIVE)
    deadline = Deadline.objects.get(kind="reassessment_due", subject_id=case.pk)
    assert (deadline.due_at, deadline.owner_id, deadline.state) == (
        T0 + timedelta(days=30),
        world.cm.pk,
        "open",
    )


def test_sweep_raises_a_work_item_when_reassessment_is_due(world: World) -> None:
    case = factories.active_case(world.cm)
    with time_machine.travel(T0, tick=False):
        factories.assessment(world.cm, case, "cm_comprehensive", COMPREHENSIVE)
    with time_machine.travel(T0 + timedelta(days=89), tick=False):
        sweep_once()
        assert WorkItem.objects.filter(case=case).count() == 0
    with time_machine.travel(T0 + timedelta(days=90), tick=False):
        sweep_once()
        sweep_once()
    item = WorkItem.objects.get(case=case)
    assert (item.title, item.owner_id) == ("Reassessment due", world.cm.pk)
    assert Deadline.objects.get(kind="reassessment_due").state == "met"
    event = AuditEvent.objects.get(object_type="work_item", object_id=str(item.pk))
    assert (event.actor_id, event.actor_username, event.detail["trigger"]) == (
        None,
        "casework-sweep",
        "reassessment_due",
    )


@time_machine.travel(T0, tick=False)
@pytest.mark.parametrize(("kind", "days"), [("condition_change", 1), ("transition_of_care", 2)])
def test_trigger_raises_a_reassessment_work_item(world: World, kind: str, days: int) -> None:
    case = factories.active_case(world.cm)
    item_id = services.reassessment_trigger(
        actor=factories.actor(world.cm), case=case, kind=kind, detail="Admitted to hospital"
    )
    item = WorkItem.objects.get(pk=item_id)
    assert item.due_at == T0 + timedelta(days=days)
    assert AuditEvent.objects.filter(object_type="work_item", object_id=str(item_id)).count() == 1


def test_need_confirm_records_both_priorities(world: World) -> None:
    case = factories.active_case(world.cm)
    factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD)
    need = Need.objects.get(case=case)
    services.need_decide(
        actor=factories.actor(world.cm),
        need=need,
        version=need.version,
        status="confirmed",
        acuity=1,
        consumer_priority=2,
    )
    need.refresh_from_db()
    assert (need.status, need.acuity, need.consumer_priority, need.version) == (
        "confirmed",
        1,
        2,
        2,
    )


def test_a_confirmed_problem_needs_a_priority(world: World) -> None:
    case = factories.active_case(world.cm)
    need = services.need_create(
        actor=factories.actor(world.cm), case=case, kind="strength", description="Close family"
    )
    problem = factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD).needs.get()
    with pytest.raises(ValidationFailed) as exc:
        services.need_decide(
            actor=factories.actor(world.cm), need=problem, version=1, status="confirmed"
        )
    assert exc.value.errors == {"acuity": ["a confirmed problem needs a priority"]}
    assert need.status == "confirmed"


def test_stale_need_version_is_refused(world: World) -> None:
    from casework.core.errors import StaleVersion

    case = factories.active_case(world.cm)
    need = factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD).needs.get()
    with pytest.raises(StaleVersion):
        services.need_decide(
            actor=factories.actor(world.cm), need=need, version=5, status="dismissed"
        )
    need.refresh_from_db()
    assert need.status == "suggested"
    assert not AuditEvent.objects.filter(object_type="need", outcome=AuditOutcome.SUCCESS).exists()


def test_loader_adds_a_new_file_version_and_retires_the_old(db: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    definition = {**factories.instrument("hvs").definition, "version": "2.0"}
    (tmp_path / "hvs.json").write_text(json.dumps(definition))
    assert services.instruments_load(directory=tmp_path) == ["hvs 2.0"]
    assert list(
        Instrument.objects.filter(code="hvs")
        .order_by("version")
        .values_list("version", "is_current")
    ) == [("1.0", False), ("2.0", True)]


def test_loader_refuses_a_broken_file(db: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    (tmp_path / "bad.json").write_text(json.dumps({"code": "bad", "version": "1", "questions": []}))
    with pytest.raises(ValidationFailed) as exc:
        services.instruments_load(directory=tmp_path)
    assert exc.value.errors == {"definition": ["missing title", "missing source"]}
    assert not Instrument.objects.filter(code="bad").exists()


def test_administrator_adds_a_version_in_the_admin(admin_client) -> None:  # type: ignore[no-untyped-def]
    import json

    definition = {**factories.instrument("phq2").definition, "version": "1.1"}
    response = admin_client.post(
        "/admin/assessments/instrument/add/", {"definition": json.dumps(definition)}
    )
    assert response.status_code == 302, response.content
    assert factories.instrument("phq2").version == "1.1"
    again = admin_client.post(
        "/admin/assessments/instrument/add/", {"definition": json.dumps(definition)}
    )
    assert again.status_code == 200
    assert Instrument.objects.filter(code="phq2").count() == 2


@pytest.mark.parametrize(
    ("payer", "expected_days"),
    [
        ("Acme Health Medicaid", 30),  # the payer expects sooner than the program
        ("acme health medicaid", 30),  # payer names match ignoring case
        ("Slow Plan", 90),  # the program's own interval is shorter: it stands
        ("Unknown Plan", 90),  # no expectation recorded
        ("", 90),  # no payer on file
    ],
)
def test_the_payers_expectation_shortens_the_reassessment_interval(
    world: World, payer: str, expected_days: int
) -> None:
    from casework.assessments.services import reassessment_expectation_set

    admin = factories.actor(world.admin)
    reassessment_expectation_set(
        actor=admin, program=world.program, payer="Acme Health Medicaid", interval_days=30
    )
    reassessment_expectation_set(
        actor=admin, program=world.program, payer="Slow Plan", interval_days=120
    )
    case = factories.active_case(world.cm, payer=payer)
    with time_machine.travel(T0, tick=False):
        factories.assessment(world.cm, case, "cm_comprehensive", COMPREHENSIVE)
    deadline = Deadline.objects.get(kind="reassessment_due", subject_id=case.pk)
    assert deadline.due_at == T0 + timedelta(days=expected_days)


def test_setting_an_expectation_twice_updates_it_and_audits_each(world: World) -> None:
    from casework.assessments.models import ReassessmentExpectation
    from casework.assessments.services import reassessment_expectation_set

    admin = factories.actor(world.admin)
    first = reassessment_expectation_set(
        actor=admin, program=world.program, payer="Acme", interval_days=60
    )
    second = reassessment_expectation_set(
        actor=admin, program=world.program, payer="ACME", interval_days=45, source="Contract 4.2"
    )
    assert first.pk == second.pk
    row = ReassessmentExpectation.objects.get()
    assert (row.payer, row.interval_days, row.source) == ("ACME", 45, "Contract 4.2")
    events = AuditEvent.objects.filter(object_type="reassessment_expectation").order_by("id")
    assert [(e.action, e.detail["interval_days"]) for e in events] == [
        ("create", 60),
        ("update", 45),
    ]


@pytest.mark.parametrize(
    ("payer", "days", "field"), [("  ", 30, "payer"), ("Acme", 0, "interval_days")]
)
def test_a_bad_expectation_is_refused_and_writes_nothing(
    world: World, payer: str, days: int, field: str
) -> None:
    from casework.assessments.models import ReassessmentExpectation
    from casework.assessments.services import reassessment_expectation_set

    with pytest.raises(ValidationFailed) as refused:
        reassessment_expectation_set(
            actor=factories.actor(world.admin),
            program=world.program,
            payer=payer,
            interval_days=days,
        )
    assert list(refused.value.errors) == [field]
    assert not ReassessmentExpectation.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reassessment_expectation").exists()
