"""Applying ADT messages: each trigger, ACKs, de-duplication, the error queue and cancels."""

from datetime import UTC, datetime

import pytest

from casework.consumers.models import Consumer
from casework.core.models import AuditEvent, Deadline, DeadlineState
from casework.stays.adt import adt_receive, adt_replay, split_batch
from casework.stays.models import AdtMessage, Stay, StayStatusChange, Unit
from casework.stays.rules import AckCode, AdtOutcome
from tests.stays.messages import adt

pytestmark = pytest.mark.usefixtures("frozen")


def send(program, raw):
    return adt_receive(raw, program=program)


def msa(ack: str) -> list[str]:
    return next(s for s in ack.split("\r") if s.startswith("MSA")).split("|")


def clocks(stay: Stay) -> dict[str, tuple[str, datetime]]:
    return {
        d.kind: (d.state, d.due_at)
        for d in Deadline.objects.filter(subject_type="stay", subject_id=stay.pk)
    }


def test_a01_admits_a_new_patient_and_answers_aa_with_the_control_id(hospital) -> None:
    result = send(hospital, adt("A01", control_id="C1"))

    assert msa(result.ack)[:3] == ["MSA", "AA", "C1"]
    stay = Stay.objects.get()
    assert (stay.visit_number, stay.stay_class, stay.state, stay.unit.code, stay.bed) == (
        "V1",
        "inpatient",
        "in_house",
        "4N",
        "401-A",
    )
    assert (stay.payer, stay.medicare, stay.attending) == ("Medicare", True, "John Smith")
    assert stay.admitted_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 08:00 Chicago
    assert Consumer.objects.get().mrn == "MRN1"
    # The IM clock: end of 2026-03-04, Chicago time.
    assert clocks(stay) == {
        "stay_im_initial": ("open", datetime(2026, 3, 5, 5, 59, 59, 999999, tzinfo=UTC))
    }
    events = AuditEvent.objects.filter(object_type="stay")
    assert [(e.action, e.actor_username, e.consumer_id) for e in events] == [
        ("create", "adt:EPIC", stay.consumer_id)
    ]


def test_a_duplicate_gets_the_stored_ack_and_changes_nothing(hospital) -> None:
    first = send(hospital, adt("A01", control_id="C1"))
    history = StayStatusChange.objects.count()
    events = AuditEvent.objects.count()

    again = send(hospital, adt("A01", control_id="C1"))

    assert again.ack == first.ack and again.duplicate is True
    assert (Stay.objects.count(), StayStatusChange.objects.count()) == (1, history)
    assert AuditEvent.objects.count() == events
    assert AdtMessage.objects.count() == 1


def test_the_same_control_id_from_another_facility_is_not_a_duplicate(hospital) -> None:
    send(hospital, adt("A01", control_id="C1"))
    result = send(hospital, adt("A01", control_id="C1", facility="OTHER", visit="V2", mrn="M2"))
    assert result.duplicate is False and Stay.objects.count() == 2


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("hello", "the message does not begin with an MSH segment"),
        (adt("A01", control_id="C9").replace("ADT^A01", "ORU^R01"), "message type ORU is not ADT"),
        (adt("A05", control_id="C9"), "trigger event A05 is not supported"),
        (adt("A01", control_id="C9").replace("|C9|", "||"), "MSH-10 (message control id) is empty"),
        (adt("A01", control_id="C9", visit=""), "PV1-19 (visit number) is empty"),
    ],
)
def test_malformed_messages_get_ar_with_the_reason(hospital, raw: str, reason: str) -> None:
    result = send(hospital, raw)
    assert result.code == AckCode.REJECT
    assert msa(result.ack)[1] == "AR" and msa(result.ack)[3] == reason
    assert Stay.objects.count() == 0
    assert AdtMessage.objects.get().outcome == AdtOutcome.REJECTED


def test_an_unknown_unit_is_ae_queued_and_replayable(hospital) -> None:
    result = send(hospital, adt("A01", control_id="C1", unit="ICU"))
    assert msa(result.ack)[1:4] == ["AE", "C1", "no unit with code ICU"]
    assert (Stay.objects.count(), Consumer.objects.count()) == (0, 0)  # no partial write
    queued = AdtMessage.objects.get()
    assert (queued.outcome, queued.reason) == ("error", "no unit with code ICU")

    Unit.objects.create(program=hospital, code="ICU", name="Intensive care")
    replay = adt_replay(message=queued)

    assert replay.code == AckCode.ACCEPT
    queued.refresh_from_db()
    assert queued.outcome == "replayed" and Stay.objects.get().unit.code == "ICU"
    # Now applied: the same message again is a duplicate.
    assert send(hospital, adt("A01", control_id="C1", unit="ICU")).duplicate is True


def test_a02_transfers_and_a12_undoes_it(hospital) -> None:
    send(hospital, adt("A01"))
    send(hospital, adt("A02", unit="5S", room="510", bed="B", at="202603030900"))
    stay = Stay.objects.get()
    assert (stay.unit.code, stay.bed) == ("5S", "510-B")

    send(hospital, adt("A12", at="202603030930"))

    stay.refresh_from_db()
    assert (stay.unit.code, stay.bed) == ("4N", "401-A")
    assert list(stay.history.values_list("event", "undone")) == [
        ("admit", False),
        ("transfer", True),
        ("cancel_transfer", False),
    ]


def test_a03_discharges_and_a13_reopens_the_stay(hospital) -> None:
    send(hospital, adt("A01"))
    send(hospital, adt("A03", at="202603041000"))
    stay = Stay.objects.get()
    assert stay.state == "discharged"
    assert stay.discharged_at == datetime(2026, 3, 4, 16, 0, tzinfo=UTC)

    send(hospital, adt("A13", at="202603041100"))

    stay.refresh_from_db()
    assert (stay.state, stay.discharged_at) == ("in_house", None)


def test_a11_cancels_the_admission_and_waives_its_clocks(hospital) -> None:
    send(hospital, adt("A01"))
    stay = Stay.objects.get()

    send(hospital, adt("A11", at="202603020900"))

    stay.refresh_from_db()
    assert stay.state == "cancelled"
    assert {k: v[0] for k, v in clocks(stay).items()} == {"stay_im_initial": DeadlineState.WAIVED}


def test_a04_registers_observation_with_a_moon_clock_and_a06_admits(hospital) -> None:
    send(hospital, adt("A04", patient_class="O", patient_type="OBS"))
    stay = Stay.objects.get()
    assert stay.stay_class == "observation"
    assert clocks(stay) == {"stay_moon": ("open", datetime(2026, 3, 4, 2, 0, tzinfo=UTC))}

    send(hospital, adt("A06", at="202603030800"))  # 24 h: no MOON owed; the IM starts

    stay.refresh_from_db()
    assert (stay.stay_class, stay.inpatient_at) == (
        "inpatient",
        datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
    )
    assert {k: v[0] for k, v in clocks(stay).items()} == {
        "stay_moon": "waived",
        "stay_im_initial": "open",
    }


def test_a07_from_the_feed_records_the_change_to_outpatient(hospital) -> None:
    send(hospital, adt("A01"))
    send(hospital, adt("A07", patient_class="O", at="202603021000"))
    stay = Stay.objects.get()
    assert (stay.stay_class, stay.inpatient_at) == ("outpatient_bed", None)
    assert clocks(stay)["stay_im_initial"][0] == "waived"


def test_a08_updates_details(hospital) -> None:
    send(hospital, adt("A01"))
    send(hospital, adt("A08", payer="Acme Health", plan_type="HMO", expected_discharge="20260306"))
    stay = Stay.objects.get()
    assert (stay.payer, stay.medicare, str(stay.expected_discharge_date)) == (
        "Acme Health",
        False,
        "2026-03-06",
    )
    # No longer Medicare: the IM is no longer owed.
    assert {k: v[0] for k, v in clocks(stay).items()} == {"stay_im_initial": "waived"}


def test_an_a08_that_changes_nothing_leaves_the_stay_row_and_still_records_it(hospital) -> None:
    send(hospital, adt("A01"))
    stay = Stay.objects.get()

    result = send(hospital, adt("A08", control_id="U1"))

    assert result.code == AckCode.ACCEPT
    again = Stay.objects.get()
    assert (again.version, again.updated_at) == (stay.version, stay.updated_at)
    assert list(again.history.values_list("event", flat=True)) == ["admit", "update"]
    update = AuditEvent.objects.filter(object_type="stay").last()
    assert (update.action, update.detail["fields"]) == ("update", [])
    assert AdtMessage.objects.get(control_id="U1").stay_id == stay.pk


def test_each_applied_message_row_names_its_stay(hospital) -> None:
    send(hospital, adt("A01", control_id="M1"))
    send(hospital, adt("A02", unit="5S", control_id="M2"))
    send(hospital, adt("A08", payer="Acme Health", control_id="M3"))
    send(hospital, adt("A03", control_id="M4"))
    stay = Stay.objects.get()
    assert stay.version == 4  # admitted, transferred, updated, discharged
    assert list(AdtMessage.objects.order_by("control_id").values_list("control_id", "stay")) == [
        ("M1", stay.pk),
        ("M2", stay.pk),
        ("M3", stay.pk),
        ("M4", stay.pk),
    ]


def test_a40_moves_the_prior_patients_stays(hospital) -> None:
    send(hospital, adt("A01", mrn="OLD", visit="V1"))
    send(hospital, adt("A01", mrn="NEW", visit="V2", family="Doe", given="Janet"))
    send(hospital, adt("A40", mrn="NEW", prior_mrn="OLD", visit="V2"))
    new = Consumer.objects.get(mrn="NEW")
    assert sorted(Stay.objects.filter(consumer=new).values_list("visit_number", flat=True)) == [
        "V1",
        "V2",
    ]


def test_an_event_for_an_unknown_visit_is_ae(hospital) -> None:
    result = send(hospital, adt("A03", visit="NOPE"))
    assert msa(result.ack)[1] == "AE" and msa(result.ack)[3] == "no stay with visit number NOPE"


def test_split_batch_reads_newline_separated_messages() -> None:
    text = (
        "FHS|^~\\&\nBHS|^~\\&\n"
        + adt("A01").replace("\r", "\n")
        + adt("A02").replace("\r", "\n")
        + "BTS|2\nFTS|1\n"
    )
    parts = split_batch(text)
    assert [p.split("\r")[0].split("|")[8] for p in parts] == ["ADT^A01^ADT_A01", "ADT^A02^ADT_A01"]


@pytest.mark.parametrize(
    ("trigger", "extra", "most"),
    [
        ("A01", {"visit": "V2", "mrn": "MRN2"}, 23),  # a new patient
        ("A01", {"visit": "V2"}, 17),  # a patient on file
        ("A02", {"unit": "5S"}, 11),
        ("A08", {}, 9),  # changes nothing: the stay row is not written
    ],
)
def test_applying_a_message_takes_a_pinned_number_of_statements(
    hospital, django_assert_max_num_queries, trigger: str, extra: dict[str, str], most: int
) -> None:
    """No look-up before storing the message (the unique constraint finds a duplicate),
    the message row stored naming the stay it changes (no update after), no lazy unit
    load for the history row, no clock re-sync for details the clocks do not depend on,
    a new stay's clocks inserted without look-ups. Counted inside the test's transaction
    (savepoints included)."""
    send(hospital, adt("A01"))
    with django_assert_max_num_queries(most):
        result = send(hospital, adt(trigger, **extra))
    assert result.code == AckCode.ACCEPT
