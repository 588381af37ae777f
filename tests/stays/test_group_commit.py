"""Group commit in the MLLP listener: a batch of queued messages is applied in one
transaction, first without savepoints; when a message is not applied, again with a
savepoint each, so a bad message fails alone (AR/AE) and the others commit; a duplicate in
the same batch gets the first one's ACK and changes nothing. On PostgreSQL two writers
apply batches at once."""

import asyncio

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext

from casework.stays.listener import Listener, default_writers
from casework.stays.models import AdtMessage, Stay, StayStatusChange
from tests.stays.messages import adt
from tests.stays.test_mllp import _run

pytestmark = pytest.mark.django_db(transaction=True)


def _code(ack: str) -> str:
    return next(s for s in ack.split("\r") if s.startswith("MSA")).split("|")[1]


def test_a_batch_commits_once_and_a_bad_message_fails_alone(hospital, frozen) -> None:
    listener = Listener(hospital)
    first = adt("A01", mrn="M1", visit="V1", control_id="C1")
    second = adt("A01", mrn="M2", visit="V2", control_id="C2")
    not_adt = "MSH|^~\\&|EPIC|GENHOSP|CASEWORK|CW|202603020800||ORU^R01|C3|P|2.5.1\r"
    unknown_visit = adt("A02", mrn="M1", visit="V9", unit="5S", control_id="C4")
    transfer = adt("A02", mrn="M1", visit="V1", unit="5S", control_id="C5")

    acks = listener._apply_batch([first, not_adt, second, first, unknown_visit, transfer])

    assert [_code(a) for a in acks] == ["AA", "AR", "AA", "AA", "AE", "AA"]
    assert acks[3] == acks[0]  # the duplicate gets the stored ACK
    assert (listener.batches, listener.fallbacks) == (1, 1)
    assert "_savepoint_allowed" not in vars(
        connections[DEFAULT_DB_ALIAS]
    )  # restored after the failed pass
    assert listener.applied == 3
    assert sorted(AdtMessage.objects.values_list("control_id", "outcome")) == [
        ("C1", "applied"),
        ("C2", "applied"),
        ("C3", "rejected"),
        ("C4", "error"),
        ("C5", "applied"),
    ]
    assert sorted(Stay.objects.values_list("visit_number", "unit__code")) == [
        ("V1", "5S"),
        ("V2", "4N"),
    ]
    assert StayStatusChange.objects.filter(stay__visit_number="V1").count() == 2


def test_a_batch_of_applied_messages_takes_no_savepoint(hospital, frozen) -> None:
    listener = Listener(hospital)
    listener._apply_batch([adt("A01", mrn="M1", visit="V1", control_id="S1")])
    batch = [
        adt("A01", mrn="M2", visit="V2", control_id="S2"),
        adt("A02", mrn="M1", visit="V1", unit="5S", control_id="S3"),
        adt("A08", mrn="M2", visit="V2", payer="Acme Health", control_id="S4"),
    ]

    with CaptureQueriesContext(connection) as queries:
        acks = listener._apply_batch(batch)

    assert [_code(a) for a in acks] == ["AA", "AA", "AA"]
    assert (listener.batches, listener.fallbacks, listener.applied) == (1, 0, 4)
    statements = [q["sql"].split(" ", 1)[0].upper() for q in queries.captured_queries]
    assert "SAVEPOINT" not in statements and "RELEASE" not in statements
    assert "_savepoint_allowed" not in vars(connections[DEFAULT_DB_ALIAS])
    assert sorted(Stay.objects.values_list("visit_number", "unit__code", "payer")) == [
        ("V1", "5S", "Medicare"),
        ("V2", "4N", "Acme Health"),
    ]


def test_writers_take_batches_as_messages_wait(hospital, frozen) -> None:
    """Messages submitted at once: the first starts a batch alone; on PostgreSQL a second
    writer takes the next batch once SECOND_WRITER_AT messages wait; every message is
    applied once, each ACK after its batch committed."""
    listener = Listener(hospital)
    raws = [adt("A01", mrn=f"W{i}", visit=f"WV{i}", control_id=f"W{i}") for i in range(6)]

    async def submit_all() -> list[str]:
        return await asyncio.gather(*(listener.submit(raw) for raw in raws))

    acks = _run(submit_all())  # in a thread of its own: a browser test may hold a loop

    assert [_code(a) for a in acks] == ["AA"] * 6
    assert listener.applied == 6
    assert listener.writers == default_writers()
    two = connection.vendor == "postgresql"
    assert (listener.writers, listener.peak_writing) == ((2, 2) if two else (1, 1))
    assert sorted(AdtMessage.objects.values_list("control_id", "outcome")) == [
        (f"W{i}", "applied") for i in range(6)
    ]
    assert Stay.objects.count() == 6


def test_a_batch_of_one_is_its_own_transaction(hospital, frozen) -> None:
    listener = Listener(hospital)
    acks = listener._apply_batch([adt("A01", mrn="M1", visit="V1", control_id="D1")])
    assert [_code(a) for a in acks] == ["AA"]
    assert listener.batches == 0
    assert Stay.objects.filter(visit_number="V1").count() == 1


def test_a_database_error_rolls_back_that_message_alone(hospital, frozen, monkeypatch) -> None:
    """No savepoint around each message in the listener: the message's own savepoint
    (its change with its row) rolls back its writes, and the batch still commits."""
    from django.db import DatabaseError

    from casework.stays import services

    transfer = services.stay_transfer

    def failing_transfer(**kwargs):
        transfer(**kwargs)  # writes the history row and the audit event, then fails
        raise DatabaseError("disk I/O error")

    listener = Listener(hospital)
    listener._apply_batch([adt("A01", mrn="M1", visit="V1", control_id="E1")])
    monkeypatch.setattr(services, "stay_transfer", failing_transfer)

    acks = listener._apply_batch(
        [
            adt("A02", mrn="M1", visit="V1", unit="5S", control_id="E2"),
            adt("A01", mrn="M2", visit="V2", control_id="E3"),
        ]
    )

    assert [_code(a) for a in acks] == ["AE", "AA"]
    assert listener.batches == 1
    assert sorted(AdtMessage.objects.values_list("control_id", "outcome")) == [
        ("E1", "applied"),
        ("E3", "applied"),
    ]
    assert sorted(Stay.objects.values_list("visit_number", "unit__code")) == [
        ("V1", "4N"),
        ("V2", "4N"),
    ]
    assert StayStatusChange.objects.filter(stay__visit_number="V1").count() == 1
