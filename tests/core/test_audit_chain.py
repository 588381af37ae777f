"""The audit chain: sealing, verification and tamper detection (S23, S24)."""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.test import override_settings

from casework.core import audit
from casework.core.audit import audit_record, audit_seal, audit_verify
from casework.core.models import AuditAction, AuditEvent, AuditSeal

pytestmark = pytest.mark.django_db


def record(n: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None,
            username=f"user{i}",
            action=AuditAction.READ if i % 2 else AuditAction.UPDATE,
            consumer_id=1000 + i,
            object_type="case",
            object_id=i,
            detail={"i": i},
        )
        for i in range(1, n + 1)
    ]


def tamper(sql: str, params: list[Any] | None = None) -> None:
    """Raw SQL as a database superuser would run it, past any protective trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def event_at(seq: int) -> int:
    return AuditSeal.objects.values_list("event_id", flat=True).get(seq=seq)


@pytest.fixture
def sealed_chain() -> Iterator[list[AuditEvent]]:
    events = record(6)
    assert audit_seal() == 6
    yield events


def test_seal_seals_every_event_once_in_id_order(sealed_chain: list[AuditEvent]) -> None:
    seals = list(AuditSeal.objects.order_by("seq").values_list("seq", "event_id"))
    assert seals == [(i + 1, e.pk) for i, e in enumerate(sealed_chain)]


def test_seal_again_seals_only_new_events(sealed_chain: list[AuditEvent]) -> None:
    assert audit_seal() == 0
    record(2)
    assert audit_seal() == 2
    assert AuditSeal.objects.count() == 8


def test_seal_in_batches_continues_the_chain() -> None:
    record(7)
    assert audit_seal(batch_size=3) == 7
    assert audit_verify().ok


def test_verify_passes_on_intact_chain(sealed_chain: list[AuditEvent]) -> None:
    result = audit_verify()
    assert (result.ok, result.checked, result.head_seq, result.unsealed) == (True, 6, 6, 0)
    assert result.head_mac == AuditSeal.objects.get(seq=6).mac


def test_verify_counts_unsealed_events(sealed_chain: list[AuditEvent]) -> None:
    record(3)
    result = audit_verify()
    assert (result.ok, result.checked, result.unsealed) == (True, 6, 3)


def test_verify_on_empty_chain_passes() -> None:
    result = audit_verify()
    assert (result.ok, result.head_seq, result.head_mac) == (True, 0, audit.GENESIS)


def test_verify_detects_edited_field_at_its_seq(sealed_chain: list[AuditEvent]) -> None:
    tamper("UPDATE core_auditevent SET object_id = %s WHERE id = %s", ["999", event_at(4)])
    result = audit_verify()
    assert (result.ok, result.broken_seq, result.head_seq) == (False, 4, 3)


def test_verify_detects_edited_timestamp(sealed_chain: list[AuditEvent]) -> None:
    event = sealed_chain[1]
    tamper(
        "UPDATE core_auditevent SET occurred_at = %s WHERE id = %s",
        [event.occurred_at.replace(year=2001), event.pk],
    )
    assert audit_verify().broken_seq == 2


def test_verify_detects_deleted_middle_event_at_its_seq(sealed_chain: list[AuditEvent]) -> None:
    tamper("DELETE FROM core_auditevent WHERE id = %s", [event_at(3)])
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 3)


def test_verify_detects_deleted_middle_event_and_seal(sealed_chain: list[AuditEvent]) -> None:
    event_id = event_at(3)
    tamper("DELETE FROM core_auditseal WHERE seq = 3")
    tamper("DELETE FROM core_auditevent WHERE id = %s", [event_id])
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 3)


def test_verify_detects_deleted_newest_event_with_seal_left(
    sealed_chain: list[AuditEvent],
) -> None:
    tamper("DELETE FROM core_auditevent WHERE id = %s", [event_at(6)])
    assert audit_verify().broken_seq == 6


def test_verify_detects_reordering_at_first_affected_seq(sealed_chain: list[AuditEvent]) -> None:
    """Swap the contents of the events at seq 2 and 5 (each keeps its id)."""
    columns = ["occurred_at", "actor_username", "action", "consumer_id", "object_id", "detail"]
    first, second = (
        AuditEvent.objects.filter(pk=event_at(seq)).values(*columns).get() for seq in (2, 5)
    )
    assignments = ", ".join(f"{c} = %s" for c in columns)
    for values, seq in ((second, 2), (first, 5)):
        params = [values[c] if c != "detail" else f'{{"i": {values[c]["i"]}}}' for c in columns]
        tamper(f"UPDATE core_auditevent SET {assignments} WHERE id = %s", [*params, event_at(seq)])
    assert AuditEvent.objects.get(pk=event_at(2)).object_id == "5"
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 2)


def test_verify_detects_swapped_seals(sealed_chain: list[AuditEvent]) -> None:
    """Point seq 2 and 5 at each other's events."""
    two, five = event_at(2), event_at(5)
    tamper("UPDATE core_auditseal SET event_id = %s WHERE seq = 5", [-1])
    tamper("UPDATE core_auditseal SET event_id = %s WHERE seq = 2", [five])
    tamper("UPDATE core_auditseal SET event_id = %s WHERE seq = 5", [two])
    assert audit_verify().broken_seq == 2


def test_verify_detects_deleted_newest_rows_with_an_anchor_alone(
    sealed_chain: list[AuditEvent], tmp_path: Path
) -> None:
    """Checked against an empty checkpoint file, only the anchor catches the cut."""
    empty = tmp_path / "empty.log"
    anchor = audit_verify()
    for seq in (6, 5):
        event_id = event_at(seq)
        tamper("DELETE FROM core_auditseal WHERE seq = %s", [seq])
        tamper("DELETE FROM core_auditevent WHERE id = %s", [event_id])
    assert audit_verify(checkpoint_file=empty).ok
    result = audit_verify(
        anchor_seq=anchor.head_seq, anchor_mac=anchor.head_mac, checkpoint_file=empty
    )
    assert (result.ok, result.broken_seq, result.head_seq) == (False, 5, 4)


def test_verify_with_matching_anchor_passes(sealed_chain: list[AuditEvent]) -> None:
    anchor = audit_verify()
    record(2)
    audit_seal()
    assert audit_verify(anchor_seq=anchor.head_seq, anchor_mac=anchor.head_mac).ok


def test_verify_detects_anchor_mac_mismatch(sealed_chain: list[AuditEvent]) -> None:
    result = audit_verify(anchor_seq=4, anchor_mac="f" * 64)
    assert (result.ok, result.broken_seq) == (False, 4)


def test_verify_with_wrong_key_fails_at_seq_1(
    sealed_chain: list[AuditEvent], tmp_path: Path
) -> None:
    with override_settings(CASEWORK_AUDIT_KEY="another-key"):
        result = audit_verify(checkpoint_file=tmp_path / "none.log")
    assert (result.ok, result.broken_seq) == (False, 1)


def test_verify_with_wrong_key_refuses_the_checkpoint_file(sealed_chain: list[AuditEvent]) -> None:
    with override_settings(CASEWORK_AUDIT_KEY="another-key"):
        result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, None)
    assert "line 1 does not match its MAC" in result.problem


def test_mac_is_keyed_hmac_sha256_over_previous_mac_seq_and_event(
    sealed_chain: list[AuditEvent],
) -> None:
    import hashlib
    import hmac

    event = AuditEvent.objects.get(pk=event_at(1))
    message = audit.GENESIS.encode() + b"|1|" + audit.canonical(event)
    expected = hmac.new(b"test-only-audit-key", message, hashlib.sha256).hexdigest()
    assert AuditSeal.objects.get(seq=1).mac == expected


def test_each_event_carries_its_own_mac_with_a_derived_key_from_its_insert() -> None:
    import hashlib
    import hmac

    event = record(1)[0]
    stored = AuditEvent.objects.get(pk=event.pk)
    key = hmac.new(b"test-only-audit-key", b"casework audit event v1", hashlib.sha256).digest()
    expected = hmac.new(key, audit.canonical(stored), hashlib.sha256).hexdigest()
    assert (event.mac, stored.mac) == (expected, expected)
    assert b'"id":%d,' % event.pk in audit.canonical(stored)


@pytest.mark.parametrize(
    ("address", "stored"),
    [("2001:0DB8:0000::0001", "2001:db8::1"), ("", None), (None, None), ("10.0.0.1", "10.0.0.1")],
)
def test_an_event_mac_matches_the_row_read_back_whatever_the_address(
    address: str | None, stored: str | None
) -> None:
    event = audit_record(
        actor=None, action=AuditAction.LOGIN_FAILED, username="x", client_address=address
    )
    row = AuditEvent.objects.get(pk=event.pk)
    assert row.client_address == stored
    assert row.mac == audit.event_mac(row)


def test_no_key_refuses_to_seal() -> None:
    record(1)
    with override_settings(CASEWORK_AUDIT_KEY=""), pytest.raises(Exception, match="not set"):
        audit_seal()


def test_a_sealer_with_a_stale_head_fails_instead_of_forking(
    sealed_chain: list[AuditEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second sealer that read the head before the first committed cannot fork the chain:
    the seq primary key refuses its seals and its transaction rolls back."""
    record(2)
    seal = AuditSeal.objects.get(seq=3)
    stale = audit._Head(3, seal.mac, seal.event_id)
    monkeypatch.setattr(audit, "_chain_head", lambda: stale)
    # (a stale head is also below the checkpoint file, which alone would refuse it)
    monkeypatch.setattr(audit, "_check_against_checkpoint", lambda head, path: None)
    monkeypatch.setattr(audit, "ids_are_dense", lambda using="default": False)
    with pytest.raises(IntegrityError):
        audit_seal()
    monkeypatch.undo()
    assert AuditSeal.objects.count() == 6
    assert audit_seal() == 2
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_sealers_do_not_fork_the_chain() -> None:
    """Sealers in parallel threads (own connections) serialize on the sealer lock."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        pytest.skip("the in-memory SQLite test database has table locks, not a busy wait")
    record(40)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def sealer() -> None:
        from django.db import connections

        try:
            barrier.wait()
            for _ in range(5):
                audit_seal(batch_size=3)
                record(1)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sealer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    audit_seal()
    total = AuditEvent.objects.count()
    assert total == 60
    assert list(AuditSeal.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    assert audit_verify().ok


# ---- immutability through the ORM (S23) ----


def test_event_instance_cannot_be_saved_again(sealed_chain: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(pk=sealed_chain[0].pk)
    event.object_id = "changed"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).object_id == "1"


def test_event_instance_cannot_be_deleted(sealed_chain: list[AuditEvent]) -> None:
    with pytest.raises(PermissionError):
        sealed_chain[0].delete()
    assert AuditEvent.objects.count() == 6


def test_event_queryset_update_and_delete_refused(sealed_chain: list[AuditEvent]) -> None:
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(object_id="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=sealed_chain[0].pk).delete()
    assert AuditEvent.objects.filter(object_id="x").count() == 0
    assert AuditEvent.objects.count() == 6


def test_seal_instance_and_queryset_writes_refused(sealed_chain: list[AuditEvent]) -> None:
    seal = AuditSeal.objects.get(seq=1)
    seal.mac = "0" * 64
    with pytest.raises(PermissionError):
        seal.save()
    with pytest.raises(PermissionError):
        seal.delete()
    with pytest.raises(PermissionError):
        AuditSeal.objects.all().update(mac="x")
    with pytest.raises(PermissionError):
        AuditSeal.objects.all().delete()
    assert audit_verify().ok


# ---- the command ----


def test_command_seal_reports_count() -> None:
    from io import StringIO

    record(3)
    out = StringIO()
    call_command("audit", "seal", stdout=out)
    assert out.getvalue().strip() == "sealed 3 audit event(s)"


def test_command_verify_prints_head(sealed_chain: list[AuditEvent]) -> None:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    mac = AuditSeal.objects.get(seq=6).mac
    assert f"head seq 6 mac {mac}" in out.getvalue()
    assert f"--anchor-seq 6 --anchor-mac {mac}" in out.getvalue()


def test_command_verify_fails_with_first_broken_seq(sealed_chain: list[AuditEvent]) -> None:
    tamper("UPDATE core_auditevent SET action = 'delete' WHERE id = %s", [event_at(2)])
    with pytest.raises(CommandError, match="BROKEN at seq 2") as info:
        call_command("audit", "verify")
    assert info.value.returncode == 1


def test_command_verify_with_anchor_detects_truncation(sealed_chain: list[AuditEvent]) -> None:
    mac = AuditSeal.objects.get(seq=6).mac
    event_id = event_at(6)
    tamper("DELETE FROM core_auditseal WHERE seq = 6")
    tamper("DELETE FROM core_auditevent WHERE id = %s", [event_id])
    with pytest.raises(CommandError, match="BROKEN at seq 6"):
        call_command("audit", "verify", "--anchor-seq", "6", "--anchor-mac", mac)


# ---- immutability at the database (PostgreSQL triggers) ----


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET object_id = 'x'",
        "DELETE FROM core_auditevent",
        "TRUNCATE core_auditevent",
        "UPDATE core_auditseal SET mac = 'x'",
        "DELETE FROM core_auditseal",
        "TRUNCATE core_auditseal",
    ],
)
def test_raw_sql_update_delete_truncate_refused_on_postgresql(
    sealed_chain: list[AuditEvent], sql: str
) -> None:
    """S23 at the database. The test connection allows TRUNCATE (for the runner's
    flush); this test turns that off as a production session has it."""
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    from django.db import DatabaseError, transaction

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL casework.allow_truncate = off")
        cursor.execute(sql)
    assert audit_verify().ok
    assert AuditEvent.objects.count() == 6


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET object_id = 'x'",
        "DELETE FROM core_auditevent",
        "DELETE FROM core_auditevent WHERE id = (SELECT max(id) FROM core_auditevent)",
        "UPDATE core_auditseal SET mac = 'x'",
        "DELETE FROM core_auditseal",
    ],
)
def test_raw_sql_update_delete_refused_on_sqlite(
    sealed_chain: list[AuditEvent], sql: str, settings: Any
) -> None:
    """S23 at the database on SQLite: the test settings unlock the tables for the
    runner's flush; this test locks them as every other configuration has them."""
    if connection.vendor != "sqlite":
        pytest.skip("these triggers are SQLite's (PostgreSQL has its own, above)")
    from django.db import DatabaseError, transaction

    settings.CASEWORK_AUDIT_UNLOCKED = False
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert audit_verify().ok
    assert AuditEvent.objects.count() == 6
    assert AuditSeal.objects.count() == 6


# ---- quick and full sealing passes ----


def _event_with_id(pk: int, monkeypatch: pytest.MonkeyPatch) -> AuditEvent:
    """An event the application wrote with this id (as a late commit on PostgreSQL has)."""
    with monkeypatch.context() as patch:
        patch.setattr(audit, "_next_id", lambda using: pk)
        return audit_record(actor=None, username="late", action=AuditAction.READ)


def test_quick_pass_seals_only_the_newest_window_full_pass_seals_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An event whose transaction committed far behind newer ones waits for a full pass.
    (PostgreSQL's ids: late commits leave gaps, which SQLite's dense ids never have.)"""
    monkeypatch.setattr(audit, "RECENT_WINDOW", 5)
    monkeypatch.setattr(audit, "ids_are_dense", lambda using="default": False)
    base = record(1)[0].pk
    _event_with_id(base + 50, monkeypatch)
    assert audit_seal() == 2
    _event_with_id(base + 20, monkeypatch)  # commits late, far below the newest sealed id
    _event_with_id(base + 48, monkeypatch)  # commits late, inside the window
    assert audit_seal(full=False) == 1
    assert AuditSeal.objects.filter(event_id=base + 48).exists()
    assert audit_seal(full=False) == 0
    assert audit_seal(full=True) == 1
    assert AuditSeal.objects.filter(event_id=base + 20).exists()
    assert audit_verify().ok


def test_a_full_pass_over_many_batches_seals_everything_once() -> None:
    record(12)
    assert audit_seal(batch_size=5) == 12
    assert audit_seal(batch_size=5) == 0
    assert AuditSeal.objects.count() == 12
