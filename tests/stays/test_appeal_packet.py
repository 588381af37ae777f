"""The appeal packet (H4) holds the case notes written during the stay and the documents
of the stay: a UM case manager sends the payer what happened while the patient was in
the house. A Part 2 note (S40) goes to the payer only under the consumer's active Part 2
consent naming the stay's payer, with the 42 CFR 2.32 notice; otherwise it is left out
and the packet does not betray that it exists; the print's audit event names what went
in and what was left out."""

from datetime import timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from casework.coordination import services as coordination_services
from casework.coordination.models import Note
from casework.coordination.rules import PART2_NOTICE
from casework.core import clock
from casework.core.models import AuditAction, AuditOutcome
from casework.stays import services as stay_services
from casework.stays.models import Stay
from casework.stays.payers import services
from casework.stays.payers.models import StayDenial
from casework.stays.rules import NoticeKind, NoticeResponse, StatusSource, StayClass
from tests import factories
from tests.api_helpers import events_since, last_event_id
from tests.conftest import World
from tests.documents import pdf_text

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def payer(world: World) -> Any:
    return services.payer_settings_from_preset(
        program=world.program, name="Acme Medicaid", payer_type="medicaid_managed_care"
    )


def _stay(world: World) -> Stay:
    case = factories.active_case(world.cm)
    return stay_services.stay_create(
        program=world.program,
        consumer=factories.consumer_of(case),
        facts=stay_services.StayFacts(
            visit_number=f"P{case.pk}",
            stay_class=StayClass.INPATIENT,
            admitted_at=clock.now() - timedelta(days=4),
            payer="Acme Medicaid",
            medicare=True,
        ),
        via=stay_services.Via(source=StatusSource.API, actor=factories.actor(world.cm)),
        drg_version="demo-v42",
    )


def _denial(world: World, stay: Stay) -> StayDenial:
    return services.denial_record(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.DenialFacts(
            kind="medical_necessity",
            reason="Observation level suffices",
            reason_category="lower_level_of_care",
            received_date=clock.now().astimezone(NEW_YORK).date() - timedelta(days=1),
            denied_days=2,
            denied_amount=Decimal("4200.00"),
        ),
    )


def _note(world: World, stay: Stay, text: str, days_ago: float, **extra: Any) -> Note:
    """A note of the stay's consumer's case, signed `days_ago` days before now."""
    case = stay.consumer.cases.get()
    note = coordination_services.note_create(
        actor=factories.actor(world.cm), case=case, kind="progress", text=text, **extra
    )
    Note.objects.filter(pk=note.pk).update(signed_at=clock.now() - timedelta(days=days_ago))
    note.refresh_from_db()
    return note


def _section(text: str, title: str, following: str) -> str:
    """The body of section `title` in the packet's text (after the contents, before the
    page number that ends it and the next section's title)."""
    body = text[text.rindex(f"{title} ") + len(title) + 1 : text.rindex(f" {following} ")]
    return body.rsplit(" ", 1)[0]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _packet(user: Any, stay: Stay, denial: StayDenial) -> str:
    response = _client(user).get(f"/stays/{stay.pk}/denials/{denial.pk}/packet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return " ".join(pdf_text(response.content).split())


@pytest.fixture
def stay_with_notes(world: World, payer: Any) -> tuple[Stay, StayDenial, dict[str, Note]]:
    stay = _stay(world)
    notes = {
        "before": _note(world, stay, "Seen in clinic before the admission.", 5),
        "during": _note(world, stay, "Family meeting: daughter will take her home.", 2),
        "corrected": _note(world, stay, "Walks 10 metres with a frame.", 1),
        "part2": _note(world, stay, "Opioid use disorder: on buprenorphine.", 1, part2=True),
    }
    coordination_services.note_create(
        actor=factories.actor(world.cm),
        case=notes["corrected"].case,
        kind="progress",
        text="Walks 30 metres with a frame.",
        amends=notes["corrected"],
        amendment_reason="Wrong distance",
    )
    return stay, _denial(world, stay), notes


def test_the_packet_holds_the_notes_of_the_stay_in_their_latest_version(
    world: World, stay_with_notes: tuple[Stay, StayDenial, dict[str, Note]]
) -> None:
    stay, denial, notes = stay_with_notes

    text = _packet(world.cm, stay, denial)

    section = _section(text, "Case notes during the stay", "Documents of the stay")
    author = world.cm.get_full_name() or world.cm.username
    during, corrected = notes["during"], notes["corrected"]
    assert section == (
        f"{during.signed_at.isoformat(timespec='minutes')} Progress note by {author} "
        "Family meeting: daughter will take her home. "
        f"{corrected.signed_at.isoformat(timespec='minutes')} Progress note by {author} "
        f"Amended {Note.objects.get(amends=corrected).signed_at.isoformat(timespec='minutes')}; "
        "the corrected text: Walks 30 metres with a frame."
    )


def test_the_packet_leaves_out_notes_before_the_admission_and_the_part2_note(
    world: World, stay_with_notes: tuple[Stay, StayDenial, dict[str, Note]]
) -> None:
    stay, denial, _ = stay_with_notes

    text = _packet(world.cm, stay, denial)

    assert "Seen in clinic before the admission." not in text
    assert "buprenorphine" not in text
    assert "Walks 10 metres" not in text
    assert "42 CFR" not in text
    assert "Part 2" not in text


def test_the_print_event_names_the_notes_in_and_the_part2_note_left_out(
    world: World, stay_with_notes: tuple[Stay, StayDenial, dict[str, Note]]
) -> None:
    stay, denial, notes = stay_with_notes
    client = _client(world.cm)
    since = last_event_id()

    response = client.get(f"/stays/{stay.pk}/denials/{denial.pk}/packet.pdf")

    assert response.status_code == 200
    (event,) = events_since(since)
    assert (event.action, event.outcome, event.object_type, event.object_id) == (
        AuditAction.PRINT,
        AuditOutcome.SUCCESS,
        "stay_denial",
        str(denial.pk),
    )
    assert event.detail == {
        "document": "appeal_packet",
        "notes": [notes["during"].pk, notes["corrected"].pk],
        "part2_withheld": [notes["part2"].pk],
    }


def test_a_reader_outside_the_case_gets_the_packet_without_its_notes(
    world: World, payer: Any
) -> None:
    stay = _stay(world)
    _note(world, stay, "Family meeting: daughter will take her home.", 2)
    denial = _denial(world, stay)

    text = _packet(world.cm, stay, denial)
    other = _client(world.cm2).get(f"/stays/{stay.pk}/denials/{denial.pk}/packet.pdf")

    assert "Family meeting" in text
    assert other.status_code == 404


def test_the_packet_lists_the_documents_of_the_stay(world: World, payer: Any) -> None:
    stay = _stay(world)
    delivered = clock.now() - timedelta(days=3)
    stay_services.notice_record(
        stay=stay,
        actor=factories.actor(world.cm),
        facts=stay_services.NoticeFacts(
            kind=NoticeKind.IM_INITIAL,
            delivered_at=delivered,
            response=NoticeResponse.SIGNED,
            signer="Maria Lopez",
        ),
    )
    authorization = services.authorization_open(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.AuthorizationFacts(level_of_care="acute", requested_days=3),
    )
    denial = _denial(world, stay)

    text = _packet(world.cm, stay, denial)

    section = _section(text, "Documents of the stay", "Appeals")
    assert section == (
        "Important Message from Medicare: given "
        f"{delivered.isoformat(timespec='minutes')}, signed by Maria Lopez (en) "
        f"Authorization {authorization.get_level_of_care_display()}: "
        f"{authorization.get_state_display()}; requested 3, authorized - (days); "
        "reference -; notification sent -, acknowledged -"
    )


def test_without_notes_or_documents_the_packet_says_so(world: World, payer: Any) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)

    text = _packet(world.cm, stay, denial)

    assert "No case note during the stay." in text
    assert "No notice or authorization." in text


# --- a Part 2 consent naming the payer ------------------------------------------------------


def _payer_consent(world: World, stay: Stay, payer: str = "Acme Medicaid") -> Any:
    return coordination_services.part2_consent_grant(
        actor=factories.actor(world.cm),
        case=stay.consumer.cases.get(),
        payer=payer,
        scope="Notes of this stay, to Acme Medicaid, for the appeal of its denial",
    )


def test_a_consent_naming_the_payer_lets_the_part2_note_in_marked(
    world: World, stay_with_notes: tuple[Stay, StayDenial, dict[str, Note]]
) -> None:
    stay, denial, notes = stay_with_notes
    _payer_consent(world, stay, payer="acme medicaid ")

    text = _packet(world.cm, stay, denial)

    section = _section(text, "Case notes during the stay", "Documents of the stay")
    author = world.cm.get_full_name() or world.cm.username
    assert section.endswith(
        f"{notes['part2'].signed_at.isoformat(timespec='minutes')} Progress note by {author} "
        "(42 CFR Part 2 record) Opioid use disorder: on buprenorphine."
    )


def test_a_packet_with_a_part2_note_carries_the_notice_and_the_consents_scope(
    world: World, stay_with_notes: tuple[Stay, StayDenial, dict[str, Note]]
) -> None:
    stay, denial, _ = stay_with_notes
    _payer_consent(world, stay)

    text = _packet(world.cm, stay, denial)

    assert " ".join(PART2_NOTICE.split()) in text
    assert (
        "Disclosed with the patient's written consent (42 CFR 2.31) naming this payer. "
        "Scope of the consent: Notes of this stay, to Acme Medicaid, for the appeal of its "
        "denial"
    ) in text


def test_the_print_event_names_the_part2_note_disclosed_and_the_consent(
    world: World, stay_with_notes: tuple[Stay, StayDenial, dict[str, Note]]
) -> None:
    stay, denial, notes = stay_with_notes
    consent = _payer_consent(world, stay)
    client = _client(world.cm)
    since = last_event_id()

    client.get(f"/stays/{stay.pk}/denials/{denial.pk}/packet.pdf")

    assert [e.detail for e in events_since(since)] == [
        {
            "document": "appeal_packet",
            "notes": [notes["during"].pk, notes["corrected"].pk, notes["part2"].pk],
            "part2_disclosed": [notes["part2"].pk],
            "part2_consent": consent.pk,
        }
    ]


def test_a_consent_naming_another_payer_leaves_it_out(
    world: World, stay_with_notes: tuple[Stay, StayDenial, dict[str, Note]]
) -> None:
    stay, denial, _ = stay_with_notes
    _payer_consent(world, stay, payer="Other Health Plan")

    text = _packet(world.cm, stay, denial)

    assert "buprenorphine" not in text
    assert "Part 2" not in text


def test_a_revoked_consent_leaves_it_out(
    world: World, stay_with_notes: tuple[Stay, StayDenial, dict[str, Note]]
) -> None:
    stay, denial, notes = stay_with_notes
    _payer_consent(world, stay)
    coordination_services.part2_consent_revoke(
        actor=factories.actor(world.cm), case=stay.consumer.cases.get(), payer="Acme Medicaid"
    )
    client = _client(world.cm)
    since = last_event_id()

    response = client.get(f"/stays/{stay.pk}/denials/{denial.pk}/packet.pdf")

    assert "buprenorphine" not in " ".join(pdf_text(response.content).split())
    assert [e.detail.get("part2_withheld") for e in events_since(since)] == [[notes["part2"].pk]]


def test_a_consent_naming_a_role_does_not_reach_the_payer(
    world: World, stay_with_notes: tuple[Stay, StayDenial, dict[str, Note]]
) -> None:
    stay, denial, _ = stay_with_notes
    coordination_services.part2_consent_grant(
        actor=factories.actor(world.cm),
        case=stay.consumer.cases.get(),
        role="case_manager",
        scope="Care coordination",
    )

    assert "buprenorphine" not in _packet(world.cm, stay, denial)
