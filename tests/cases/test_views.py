"""Pages for the worklist, the case, intake, notices, consent and the case lifecycle."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases.models import Case, CaseState, Consent, Notice
from casework.consumers.models import Consumer
from casework.coordination.models import Note, WorkItem
from casework.coordination.services import work_item_create
from casework.core import clock
from casework.core.models import AuditEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("id"))


def last_event_id() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.pk if last else 0


def case_urls(case: Case) -> list[str]:
    item = WorkItem.objects.filter(case=case).first()
    urls = [
        reverse("case_detail", args=[case.pk]),
        reverse("consumer_detail", args=[case.consumer_id]),
        reverse("notice_create", args=[case.pk]),
        reverse("notice_print", args=[case.pk, "program_purpose"]),
        reverse("consent_create", args=[case.pk]),
        reverse("case_withdraw", args=[case.pk]),
        reverse("case_close", args=[case.pk]),
        reverse("case_reassign", args=[case.pk]),
        reverse("consumer_edit", args=[case.pk]),
        reverse("support_person_create", args=[case.pk]),
        reverse("advance_directive_create", args=[case.pk]),
        reverse("work_item_create", args=[case.pk]),
        reverse("communication_create", args=[case.pk]),
        reverse("note_create", args=[case.pk]),
    ]
    if item is not None:
        urls += [
            reverse("work_item_complete", args=[item.pk]),
            reverse("work_item_cancel", args=[item.pk]),
            reverse("work_item_edit", args=[item.pk]),
        ]
    return urls


def with_work_item(case: Case) -> WorkItem:
    return work_item_create(
        actor=factories.actor(case.assigned_to),  # type: ignore[arg-type]
        case=case,
        title="Call the pharmacy",
        kind="administrative",
        owner=case.assigned_to,  # type: ignore[arg-type]
        due_at=clock.now(),
    )


# --------------------------------------------------------------------------- anonymous


def test_every_page_redirects_an_anonymous_visitor_to_sign_in(world: World) -> None:
    case = factories.referred_case(world.cm)
    with_work_item(case)
    urls = [reverse("worklist"), reverse("intake"), *case_urls(case)]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}", url


def test_an_anonymous_post_is_redirected_and_writes_nothing(world: World) -> None:
    case = factories.referred_case(world.cm)
    before = last_event_id()
    response = Client().post(reverse("case_activate", args=[case.pk]), {"version": case.version})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert new_events(before) == []


def test_the_root_redirects_to_the_worklist(world: World) -> None:
    response = signed_in(world.cm).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("worklist")


# --------------------------------------------------------------------------- other caseload


def test_every_case_page_of_another_caseload_is_404_with_one_denied_event(world: World) -> None:
    case = factories.referred_case(world.other_cm)
    with_work_item(case)
    client = signed_in(world.cm)
    for url in case_urls(case):
        before = last_event_id()
        response = client.get(url)
        assert response.status_code == 404, url
        events = new_events(before)
        assert [(e.outcome, e.actor_id, e.consumer_id) for e in events] == [
            ("denied", world.cm.pk, None)
        ], url


def test_a_post_on_another_caseload_is_404_and_changes_nothing(world: World) -> None:
    case = factories.engaged_case(world.other_cm)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(
        reverse("note_create", args=[case.pk]), {"kind": "progress", "text": "Not mine"}
    )
    assert response.status_code == 404
    assert Note.objects.filter(case=case).count() == 0
    events = new_events(before)
    assert [(e.outcome, e.object_type, e.object_id) for e in events] == [
        ("denied", "case", str(case.pk))
    ]


def test_activating_another_caseloads_case_is_404_and_the_state_is_unchanged(
    world: World,
) -> None:
    case = factories.engaged_case(world.other_cm)
    response = signed_in(world.cm).post(
        reverse("case_activate", args=[case.pk]), {"version": case.version}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == CaseState.ENGAGED


def test_a_case_manager_cannot_open_the_reassign_form(world: World) -> None:
    case = factories.referred_case(world.cm)
    response = signed_in(world.cm).get(reverse("case_reassign", args=[case.pk]))
    assert response.status_code == 404


def test_an_auditor_cannot_take_a_referral(world: World) -> None:
    client = signed_in(world.auditor)
    before = last_event_id()
    response = client.get(reverse("intake"))
    assert response.status_code == 404
    assert [(e.outcome, e.actor_id) for e in new_events(before)] == [("denied", world.auditor.pk)]


# --------------------------------------------------------------------------- audit per page


def test_the_case_page_writes_exactly_one_read_event(world: World) -> None:
    case = factories.active_case(world.cm)
    with_work_item(case)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200
    events = new_events(before)
    assert [(e.action, e.outcome, e.consumer_id, e.object_type) for e in events] == [
        ("read", "success", case.consumer_id, "case")
    ]


@pytest.mark.parametrize(
    "name", ["consumer_detail", "notice_print", "note_create", "case_close", "notice_create"]
)
def test_each_page_of_consumer_data_writes_one_read_event(world: World, name: str) -> None:
    case = factories.active_case(world.cm)
    args: list[object] = {
        "consumer_detail": [case.consumer_id],
        "notice_print": [case.pk, "complaint_process"],
    }.get(name, [case.pk])
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    events = new_events(before)
    action = "print" if name == "notice_print" else "read"
    assert [(e.action, e.consumer_id) for e in events] == [(action, case.consumer_id)]


def test_the_worklist_writes_one_list_event(world: World) -> None:
    factories.referred_case(world.cm)
    factories.referred_case(world.cm)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.get(reverse("worklist"))
    assert response.status_code == 200
    events = new_events(before)
    assert [(e.action, e.object_type, e.detail["cases"]) for e in events] == [
        ("list", "worklist", 2)
    ]


def test_a_successful_form_writes_only_the_services_event(world: World) -> None:
    case = factories.active_case(world.cm)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(
        reverse("note_create", args=[case.pk]), {"kind": "progress", "text": "Visited at home."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[case.pk])
    events = new_events(before)
    assert [(e.action, e.object_type) for e in events] == [("create", "note")]


# --------------------------------------------------------------------------- bad input


def test_a_rule_refusal_is_a_form_level_error(world: World) -> None:
    case = factories.referred_case(world.cm)
    with_work_item(case)
    case.refresh_from_db()
    data = {
        "version": case.version,
        "reason": "other",
        "instructions": "Call us.",
        "consumer_method": "phone",
        "consumer_delivered_at": "2026-01-02T10:00",
        "no_providers_involved": "on",
    }
    response = signed_in(world.cm).post(reverse("case_close", args=[case.pk]), data)
    assert response.status_code == 200
    assert "a referred case cannot become closed" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED


def test_a_stale_version_is_a_form_level_error(world: World) -> None:
    case = factories.active_case(world.cm)
    response = signed_in(world.cm).post(
        reverse("case_withdraw", args=[case.pk]),
        {"version": case.version - 1, "reason": "Moved away"},
    )
    assert response.status_code == 200
    assert "Someone else changed this case" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE


def test_the_privacy_notice_needs_the_good_faith_effort_when_not_acknowledged(
    world: World,
) -> None:
    case = factories.referred_case(world.cm)
    response = signed_in(world.cm).post(
        reverse("notice_create", args=[case.pk]),
        {
            "kind": "privacy_practices",
            "recipient_type": "consumer",
            "method": "in_person",
            "language": "en",
            "delivered_at": "2026-01-02T10:00",
            "acknowledgement": "good_faith_attempt",
            "good_faith_note": "",
        },
    )
    assert response.status_code == 200
    assert 'href="#id_good_faith_note"' in response.content.decode()
    assert Notice.objects.filter(case=case).count() == 0


# --------------------------------------------------------------------------- headers


def test_pages_send_a_strict_csp_with_a_nonce_and_no_store(world: World) -> None:
    response = signed_in(world.cm).get(reverse("worklist"))
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts, "the page loads its scripts"
    assert all(f'nonce="{nonce.group(1)}"' in tag and "src=" in tag for tag in scripts)
    assert 'style="' not in html
    assert response["Cache-Control"] == "no-store"


def test_the_sign_in_page_is_no_store_too(world: World) -> None:
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert '<html lang="en">' in response.content.decode()


# --------------------------------------------------------------------------- pages


def test_intake_opens_a_case_for_a_new_consumer(world: World) -> None:
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.post(
        reverse("intake"),
        {
            "source": "family",
            "referrer_name": "Ana Ruiz",
            "reason": "Falls at home",
            "received_at": "2026-01-02T09:30",
            "given_name": "Rosa",
            "family_name": "Ruiz",
            "birth_date": "1941-03-04",
            "sex": "female",
            "preferred_language": "es",
            "interpreter_needed": "on",
            "makes_own_decisions": "on",
            "complexity": "high",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[case.pk])
    consumer = Consumer.objects.get()
    assert (consumer.given_name, consumer.preferred_language, consumer.interpreter_needed) == (
        "Rosa",
        "es",
        True,
    )
    assert (case.state, case.assigned_to_id, case.referral.source) == (
        "referred",
        world.cm.pk,
        "family",
    )
    assert [(e.action, e.object_type) for e in new_events(before)] == [("create", "case")]


def test_intake_from_a_professional_needs_the_referrers_name(world: World) -> None:
    response = signed_in(world.cm).post(
        reverse("intake"),
        {
            "source": "professional",
            "reason": "Falls",
            "received_at": "2026-01-02T09:30",
            "given_name": "Rosa",
            "family_name": "Ruiz",
            "birth_date": "1941-03-04",
            "sex": "female",
            "preferred_language": "en",
            "complexity": "low",
        },
    )
    assert response.status_code == 200
    assert 'href="#id_referrer_name"' in response.content.decode()
    assert Consumer.objects.count() == 0


def test_the_case_page_shows_language_interpreter_and_decision_maker(world: World) -> None:
    case = factories.referred_case(world.cm, preferred_language="es", interpreter_needed=True)
    client = signed_in(world.cm)
    client.post(
        reverse("support_person_create", args=[case.pk]),
        {"name": "Luis Ruiz", "relationship": "child", "is_legal_decision_maker": "on"},
    )
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Spanish" in html
    assert "Interpreter needed" in html
    assert "Legal decision maker: <strong>Luis Ruiz</strong> (Child)" in html


def test_without_consent_the_clinical_forms_are_not_offered(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = signed_in(world.cm)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Write consent-attempt note" in page
    assert "Add administrative work item" in page
    assert ">Write note<" not in page
    assert ">Add work item<" not in page
    note_form = client.get(reverse("note_create", args=[case.pk])).content.decode()
    assert 'value="consent_attempt"' in note_form
    assert 'value="progress"' not in note_form
    work_form = client.get(reverse("work_item_create", args=[case.pk])).content.decode()
    assert 'value="service"' not in work_form


def test_refused_consent_declines_the_case(world: World) -> None:
    case = factories.referred_case(world.cm)
    response = signed_in(world.cm).post(
        reverse("consent_create", args=[case.pk]),
        {
            "decision": "refused",
            "given_by": "consumer",
            "method": "verbal",
            "decided_at": "2026-01-02T10:00",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DECLINED
    assert Consent.objects.get(case=case).decision == "refused"


def test_activate_moves_an_engaged_case_to_active(world: World) -> None:
    case = factories.engaged_case(world.cm)
    response = signed_in(world.cm).post(
        reverse("case_activate", args=[case.pk]), {"version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE


def test_close_records_the_notices_and_prefills_the_instructions(world: World) -> None:
    case = factories.active_case(world.cm)
    client = signed_in(world.cm)
    form = client.get(reverse("case_close", args=[case.pk])).content.decode()
    assert "Call 555-0100 if your needs change." in form
    response = client.post(
        reverse("case_close", args=[case.pk]),
        {
            "version": case.version,
            "reason": "goals_met",
            "instructions": "Call 555-0100 if your needs change.",
            "consumer_method": "phone",
            "consumer_delivered_at": "2026-01-02T10:00",
            "provider_1_name": "Dr. Lee",
            "provider_1_method": "fax",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    closure = Notice.objects.filter(case=case, kind="closure").order_by("id")
    assert [(n.recipient_type, n.recipient_name, n.method) for n in closure] == [
        ("consumer", str(factories.consumer_of(case)), "phone"),
        ("provider", "Dr. Lee", "fax"),
    ]


def test_a_supervisor_reassigns_a_case_on_the_team(world: World) -> None:
    case = factories.referred_case(world.cm)
    response = signed_in(world.supervisor).post(
        reverse("case_reassign", args=[case.pk]),
        {"version": case.version, "assign_to": world.cm2.pk, "reason": "Caseload balance"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to_id == world.cm2.pk


def test_a_supervisor_sees_the_teams_cases_on_the_worklist(world: World) -> None:
    factories.referred_case(world.cm, given_name="Mine")
    factories.referred_case(world.cm2, given_name="Teammate")
    factories.referred_case(world.other_cm, given_name="Elsewhere")
    html = signed_in(world.supervisor).get(reverse("worklist")).content.decode()
    assert "Mine" in html
    assert "Teammate" in html
    assert "Elsewhere" not in html


def test_the_worklist_filter_returns_only_the_results_fragment_to_htmx(world: World) -> None:
    factories.referred_case(world.cm, given_name="Rosa")
    factories.engaged_case(world.cm, given_name="Maria")
    response = signed_in(world.cm).get(
        reverse("worklist"), {"state": "engaged"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="worklist-results"')
    assert "Maria" in html
    assert "Rosa" not in html
    assert "<html" not in html


def test_the_notice_prints_in_the_consumers_language(world: World) -> None:
    case = factories.referred_case(world.cm, preferred_language="es")
    html = (
        signed_in(world.cm)
        .get(reverse("notice_print", args=[case.pk, "complaint_process"]))
        .content.decode()
    )
    assert '<article class="cw-notice" lang="es">' in html
    assert "Cómo presentar una queja" in html
    assert "Call 555-0100 or write to the program office." in html


def test_the_closure_notice_exists_only_for_a_closed_case(world: World) -> None:
    case = factories.active_case(world.cm)
    client = signed_in(world.cm)
    before = last_event_id()
    response = client.get(reverse("notice_print", args=[case.pk, "closure"]))
    assert response.status_code == 404
    events = new_events(before)
    assert [(e.action, e.outcome, e.object_type) for e in events] == [("print", "denied", "notice")]


def test_printing_a_notice_is_one_print_event_naming_the_language(world: World) -> None:
    case = factories.referred_case(world.cm, preferred_language="es")
    client = signed_in(world.cm)
    before = last_event_id()
    client.get(reverse("notice_print", args=[case.pk, "complaint_process"]))
    events = new_events(before)
    assert [(e.action, e.consumer_id, e.object_type, e.object_id, e.detail) for e in events] == [
        (
            "print",
            case.consumer_id,
            "notice",
            "complaint_process",
            {"case_id": case.pk, "language": "es"},
        )
    ]


ENGLISH_NOTICE_TEXT = (
    "You have been referred",
    "What the program does",
    "Case management is voluntary",
    "How to make a complaint",
    "We will look into your complaint",
    "notice of privacy practices",
    "Signature of the consumer",
    "Your case management has ended",
    "If things change",
    "Goals of the plan met",
    "Prepared for",
)


@pytest.mark.parametrize(
    "kind", ["program_purpose", "complaint_process", "privacy_practices", "closure"]
)
def test_every_notice_is_fully_translated_into_spanish(world: World, kind: str) -> None:
    case = factories.active_case(world.cm, preferred_language="es")
    client = signed_in(world.cm)
    client.post(
        reverse("case_close", args=[case.pk]),
        {
            "version": case.version,
            "reason": "goals_met",
            "instructions": "Llame al 555-0100.",
            "consumer_method": "phone",
            "consumer_delivered_at": "2026-01-02T10:00",
            "no_providers_involved": "on",
        },
    )
    html = client.get(reverse("notice_print", args=[case.pk, kind])).content.decode()
    article = html[html.index('<article class="cw-notice" lang="es">') : html.index("</article>")]
    assert [text for text in ENGLISH_NOTICE_TEXT if text in article] == []


def test_an_english_speaking_consumers_notice_is_in_english(world: World) -> None:
    case = factories.referred_case(world.cm, preferred_language="en")
    html = (
        signed_in(world.cm)
        .get(reverse("notice_print", args=[case.pk, "program_purpose"]))
        .content.decode()
    )
    assert '<article class="cw-notice" lang="en">' in html
    assert "Case management is voluntary." in html


def test_page_titles_never_name_the_consumer(world: World) -> None:
    case = factories.referred_case(world.cm, given_name="Zenobia")
    client = signed_in(world.cm)
    for url in case_urls(case):
        html = client.get(url).content.decode()
        title = html[html.index("<title>") : html.index("</title>")]
        assert "Zenobia" not in title, url


def test_the_worklist_due_filter(world: World) -> None:
    from datetime import timedelta

    case = factories.referred_case(world.cm)
    actor = factories.actor(world.cm)
    for title, days in (("Past", -1), ("Near", 2), ("Far", 20)):
        work_item_create(
            actor=actor,
            case=case,
            title=title,
            kind="administrative",
            owner=world.cm,
            due_at=clock.now() + timedelta(days=days),
        )
    client = signed_in(world.cm)

    def shown(**params: str) -> list[str]:
        html = client.get(reverse("worklist"), params).content.decode()
        return [t for t in ("Past", "Near", "Far") if f'#work-items">{t}</a>' in html]

    assert shown() == ["Past", "Near"]
    assert shown(due="overdue") == ["Past"]
    assert shown(due="30") == ["Past", "Near", "Far"]
    assert shown(due="any") == ["Past", "Near", "Far"]
