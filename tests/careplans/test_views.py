"""Plan-of-care pages: building a plan through the forms, versions, and the document
in the consumer's language (English and Spanish, no English left in Spanish)."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import translation

from casework.careplans import documents
from casework.careplans.models import CarePlan, CarePlanVersion
from casework.core import clock
from casework.core.models import AuditEvent, AuditOutcome
from tests import factories
from tests.conftest import World
from tests.documents import pdf_text


def signed_in(world: World) -> Client:
    client = Client()
    client.force_login(world.cm)
    return client


def build_plan(world: World, client: Client, **consumer: object) -> tuple[object, int]:
    case = factories.active_case(world.cm, **consumer)
    base = f"/cases/{case.pk}"
    assert (
        client.post(
            f"{base}/care-team/new/", {"kind": "staff", "user": world.cm.pk, "role": "Case manager"}
        ).status_code
        == 302
    )
    member = case.consumer.care_team.latest("pk").pk
    steps = [
        ("plan/problems/new/", {"description": "Food insecurity", "priority": "1"}),
        (
            "plan/goals/new/",
            {
                "problem": None,
                "description": "Enough food every day",
                "target_value": "0 days without a meal",
                "target_date": (date.today() + timedelta(days=60)).isoformat(),
            },
        ),
        (
            "plan/interventions/new/",
            {
                "goal": None,
                "kind": "referral",
                "description": "Refer to the food pantry",
                "responsible": str(member),
                "due_date": (date.today() + timedelta(days=7)).isoformat(),
            },
        ),
        ("plan/barriers/new/", {"goal": None, "description": "No car"}),
    ]
    for number, (path, data) in enumerate(steps, 1):
        plan = CarePlan.objects.filter(case=case).first()
        version = plan.current if plan else None
        if version is not None:
            data = {
                **data,
                **{
                    k: version.problems.get().key if k == "problem" else version.goals.get().key
                    for k, v in data.items()
                    if v is None
                },
            }
        data = {**data, "reason": f"Step {number}", "version": plan.version if plan else ""}
        response = client.post(f"{base}/{path}", data)
        assert response.status_code == 302, response.context["form"].errors
    return case, member


def test_each_change_is_a_new_version_with_its_reason(world: World) -> None:
    client = signed_in(world)
    case, _ = build_plan(world, client)
    versions = list(
        CarePlanVersion.objects.filter(plan__case=case)
        .order_by("number")
        .values_list("number", "reason", "author_id")
    )
    assert versions == [
        (1, "Step 1", world.cm.pk),
        (2, "Step 2", world.cm.pk),
        (3, "Step 3", world.cm.pk),
        (4, "Step 4", world.cm.pk),
    ]
    page = client.get(f"/cases/{case.pk}/plan/").content.decode()
    assert "Refer to the food pantry" in page
    old = client.get(f"/cases/{case.pk}/plan/versions/1/").content.decode()
    assert "Food insecurity" in old and "Refer to the food pantry" not in old


def test_goal_without_target_shows_the_error_on_the_field(world: World) -> None:
    client = signed_in(world)
    case, _ = build_plan(world, client)
    plan = CarePlan.objects.get(case=case)
    response = client.post(
        f"/cases/{case.pk}/plan/goals/new/",
        {
            "problem": plan.current.problems.get().key,
            "description": "Feel better",
            "target_date": "2030-01-01",
            "reason": "x",
            "version": plan.version,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "target_value": ["give a target value or an observable outcome"]
    }
    assert CarePlanVersion.objects.filter(plan=plan).count() == 4


def test_stale_form_is_refused_and_writes_nothing(world: World) -> None:
    client = signed_in(world)
    case, _ = build_plan(world, client)
    plan = CarePlan.objects.get(case=case)
    response = client.post(
        f"/cases/{case.pk}/plan/problems/new/",
        {"description": "Housing", "priority": "2", "reason": "x", "version": 1},
    )
    assert response.status_code == 200
    assert "changed this case" in response.content.decode()
    assert CarePlanVersion.objects.filter(plan=plan).count() == 4


def test_other_caseload_cannot_open_the_plan(world: World) -> None:
    case, _ = build_plan(world, signed_in(world))
    client = Client()
    client.force_login(world.cm2)
    before = AuditEvent.objects.count()
    assert client.get(f"/cases/{case.pk}/plan/plan-of-care.pdf").status_code == 404
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.outcome, e.consumer_id) for e in events] == [(AuditOutcome.DENIED, None)]


def test_pdf_download_is_a_pdf_and_audited_once(world: World) -> None:
    client = signed_in(world)
    case, _ = build_plan(world, client)
    before = AuditEvent.objects.count()
    response = client.get(f"/cases/{case.pk}/plan/plan-of-care.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_type, e.consumer_id) for e in events] == [
        ("print", "care_plan", case.consumer_id)
    ]
    assert events[0].detail == {"version": 4, "format": "pdf", "language": "en"}


# --- the document in the consumer's language ---------------------------------------------


def spanish_document(world: World) -> documents.PlanDocument:
    from casework.careplans.selectors import care_plan_version_view

    client = signed_in(world)
    case, _ = build_plan(world, client, preferred_language="es")
    plan = CarePlan.objects.get(case=case)
    client.post(
        f"/cases/{case.pk}/plan/agreement/new/",
        {
            "plan_version": plan.current.number,
            "agreed_by": "Rosa",
            "role": "consumer",
            "method": "in_person",
            "participants": "Rosa y su hijo",
            "agreed_at": factories.typed_time(clock.now() - timedelta(hours=1)),
        },
    )
    case.refresh_from_db()
    return documents.plan_document(
        case, care_plan_version_view(version=plan.current, actor=factories.actor(world.cm))
    )


def test_every_document_label_has_a_spanish_translation() -> None:
    missing = []
    for key, label in documents.LABELS.items():
        with translation.override("es"):
            spanish = str(label)
        with translation.override("en"):
            english = str(label)
        if spanish == english:
            missing.append(key)
    assert missing == []


def test_spanish_pdf_has_spanish_labels_and_no_english_ones(world: World) -> None:
    document = spanish_document(world)
    assert document.language == "es"
    text = pdf_text(documents.plan_pdf(document))
    lines = text.splitlines()
    with translation.override("es"):
        spanish = {k: str(v) for k, v in documents.LABELS.items()}
        shown = [str(x) for x in ("Activo", "Derivación", "Planificada", "Consumidor")]
    english = {k: str(v) for k, v in documents.LABELS.items()}
    for key in ("title", "problems", "goal", "steps", "barriers", "agreement", "contact"):
        assert spanish[key] in text, key
    for key, label in english.items():
        assert label not in lines, key
        assert not any(line.startswith(f"{label}:") or f" {label}:" in line for line in lines), key
    for word in shown:
        assert word in text, word
    for word in ("Active", "Referral", "Planned", "In person"):
        assert word not in text, word


def test_spanish_print_page_has_no_english_labels(world: World) -> None:
    document = spanish_document(world)
    client = signed_in(world)
    case = CarePlan.objects.get().case
    html = client.get(f"/cases/{case.pk}/plan/print/").content.decode()
    assert 'lang="es"' in html
    assert document.labels["title"] in html
    article = html.split('<article class="cw-notice"')[1].split("</article>")[0]
    for text in documents.LABELS.values():
        with translation.override("en"):
            assert f">{text}<" not in article, text
            assert f">{text}:" not in article and f" {text}:" not in article, text


@pytest.mark.parametrize("language", ["vi", "zh"])
def test_other_languages_fall_back_to_english_with_a_visible_note(
    world: World, language: str
) -> None:
    from casework.careplans.selectors import care_plan_version_view

    case, _ = build_plan(world, signed_in(world), preferred_language=language)
    plan = CarePlan.objects.get(case=case)
    document = documents.plan_document(
        case, care_plan_version_view(version=plan.current, actor=factories.actor(world.cm))
    )
    assert (document.language, document.labels["title"]) == ("en", "Your plan of care")
    assert document.fallback_note.startswith("This document is not yet available")


def test_care_team_member_without_consent_is_refused(world: World) -> None:
    from casework.coordination.models import CareTeamMember

    case = factories.referred_case(world.cm)
    client = signed_in(world)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/cases/{case.pk}/care-team/new/",
        {"kind": "provider", "name": "Dr. Kim", "role": "Primary care"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["no active consent to case management"]
    assert CareTeamMember.objects.exclude(user=world.cm).count() == 0
    assert AuditEvent.objects.count() == before


def test_plan_page_of_a_case_without_a_plan_invites_the_first_problem(world: World) -> None:
    case = factories.active_case(world.cm)
    page = signed_in(world).get(f"/cases/{case.pk}/plan/").content.decode()
    assert "No plan of care yet. Add the first problem to start one." in page
    assert f'href="/cases/{case.pk}/plan/problems/new/"' in page


def test_a_staff_member_joins_the_care_team_named_from_their_account(world: World) -> None:
    from casework.coordination.models import CareTeamMember

    case = factories.active_case(world.cm)
    response = signed_in(world).post(
        f"/cases/{case.pk}/care-team/new/",
        {"kind": "staff", "user": world.cm2.pk, "role": "Covering case manager"},
    )
    assert response.status_code == 302
    member = CareTeamMember.objects.exclude(user=world.cm).get()
    assert (member.kind, member.user_id, member.name, member.is_external_provider) == (
        "staff",
        world.cm2.pk,
        world.cm2.get_full_name(),
        False,
    )


def test_a_caregiver_needs_a_name_and_is_not_linked_to_an_account(world: World) -> None:
    from casework.coordination.models import CareTeamMember

    case = factories.active_case(world.cm)
    client = signed_in(world)
    nameless = client.post(
        f"/cases/{case.pk}/care-team/new/", {"kind": "caregiver", "role": "Daughter"}
    )
    assert 'id="id_name-error"' in nameless.content.decode()
    linked = client.post(
        f"/cases/{case.pk}/care-team/new/",
        {"kind": "caregiver", "user": world.cm2.pk, "name": "Ana", "role": "Daughter"},
    )
    assert 'id="id_user-error"' in linked.content.decode()
    assert CareTeamMember.objects.exclude(user=world.cm).count() == 0
    added = client.post(
        f"/cases/{case.pk}/care-team/new/",
        {"kind": "caregiver", "name": "Ana Ruiz", "role": "Daughter", "phone": "555-0150"},
    )
    assert added.status_code == 302
    member = CareTeamMember.objects.exclude(user=world.cm).get()
    assert (member.kind, member.user_id, member.name, member.phone) == (
        "caregiver",
        None,
        "Ana Ruiz",
        "555-0150",
    )


def test_a_goal_shows_its_target_value_and_its_observable_outcome(world: World) -> None:
    """Issue 13 item 5: the observable outcome disappeared when a target value was given."""
    from casework.careplans.selectors import care_plan_version_view

    client = signed_in(world)
    case = factories.active_case(world.cm)
    base = f"/cases/{case.pk}/plan"
    client.post(f"{base}/problems/new/", {"description": "Food", "priority": "1", "reason": "x"})
    plan = CarePlan.objects.get(case=case)
    response = client.post(
        f"{base}/goals/new/",
        {
            "problem": plan.current.problems.get().key,
            "description": "Enough food every day",
            "target_value": "0 days without a meal",
            "observable_outcome": "Eats three meals a day",
            "target_date": (date.today() + timedelta(days=60)).isoformat(),
            "reason": "Goal",
            "version": plan.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors

    page = client.get(f"{base}/").content.decode()
    assert (
        "Target value: 0 days without a meal · Observable outcome: Eats three meals a day · by"
        in page
    )
    plan.refresh_from_db()
    document = documents.plan_document(
        case, care_plan_version_view(version=plan.current, actor=factories.actor(world.cm))
    )
    text = pdf_text(documents.plan_pdf(document))
    assert "Target value: 0 days without a meal" in text
    assert "Observable outcome: Eats three meals a day" in text
