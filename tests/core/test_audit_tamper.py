"""Tampering by someone who can write the database but does not hold the audit key (S24).

Each attack runs past the database's own guards, as such an attacker would: on
PostgreSQL as a superuser with `session_replication_role = replica` (triggers off); on
SQLite by redefining `casework_audit_locked()` on the connection or dropping the
triggers. `audit verify` must name the first affected event: its seq once sealed, its id
before. The checkpoint file (outside the database) is the attacker's blind spot.
"""

import json
import logging
import os
import stat
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from casework.core import audit
from casework.core.audit import AuditTampered, audit_record, audit_seal, audit_verify
from casework.core.audit_checkpoints import CheckpointError, checkpoints_read
from casework.core.db import audit_locked
from casework.core.models import AuditAction, AuditEvent, AuditSeal
from casework.core.sweep import sweep_once

pytestmark = pytest.mark.django_db

COLUMNS = [f.column for f in AuditEvent._meta.concrete_fields if not f.primary_key]
KEY = b"test-only-audit-key"
PG_GAPS = (
    "PostgreSQL sequences leave gaps (rolled-back transactions), so an event deleted "
    "before its first seal cannot be told from a rollback: the detection window is the "
    "sealing interval (docs/adr/0002-audit-chain.md)"
)


@pytest.fixture(autouse=True)
def locked(settings: Any) -> None:
    """The audit tables are append-only as in every configuration but the test runner's."""
    settings.CASEWORK_AUDIT_UNLOCKED = False


def tamper(sql: str, params: list[Any] | None = None, *, bypass: str = "") -> None:
    """Raw SQL past the append-only triggers, as an attacker with database access runs it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params or [])
            cursor.execute("SET LOCAL session_replication_role = origin")
            return
        if bypass == "drop_triggers":
            for table in ("core_auditevent", "core_auditseal"):
                for operation in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{operation}")
            cursor.execute(sql, params or [])
            return
        raw = connection.connection
        raw.create_function("casework_audit_locked", 0, lambda: 0, deterministic=False)
        try:
            cursor.execute(sql, params or [])
        finally:
            raw.create_function("casework_audit_locked", 0, audit_locked, deterministic=False)


def record(n: int) -> list[int]:
    return [
        audit_record(
            actor=None,
            username=f"user{i}",
            action=AuditAction.READ,
            consumer_id=1000 + i,
            object_type="case",
            object_id=i,
            detail={"i": i},
        ).pk
        for i in range(1, n + 1)
    ]


def event_at(seq: int) -> int:
    return AuditSeal.objects.values_list("event_id", flat=True).get(seq=seq)


def copy_event(source: int, new_id: int, mac: str | None = None) -> None:
    """Insert a copy of event `source` as event `new_id` (its MAC copied, or `mac`)."""
    columns = ", ".join(COLUMNS)
    values = ", ".join("%s" if c == "mac" and mac is not None else c for c in COLUMNS)
    params = [new_id, *([mac] if mac is not None else []), source]
    tamper(
        f"INSERT INTO core_auditevent (id, {columns}) SELECT %s, {values} "
        "FROM core_auditevent WHERE id = %s",
        params,
    )


def swap_ids(first: int, second: int) -> None:
    tamper("UPDATE core_auditevent SET id = %s WHERE id = %s", [-1, first])
    tamper("UPDATE core_auditevent SET id = %s WHERE id = %s", [first, second])
    tamper("UPDATE core_auditevent SET id = %s WHERE id = %s", [second, -1])


@pytest.fixture
def chain() -> Iterator[list[int]]:
    """Nine events: the first six sealed (seq 1-6), the last three not yet."""
    ids = record(6)
    assert audit_seal() == 6
    ids += record(3)
    yield ids


def broken_at(result: audit.VerifyResult) -> tuple[bool, int | None, int | None]:
    return result.ok, result.broken_seq, result.broken_event_id


# ---- sealed events ----


def test_intact_chain_verifies_with_its_checkpoint(chain: list[int]) -> None:
    result = audit_verify()
    assert (result.ok, result.head_seq, result.unsealed, result.checkpoints) == (True, 6, 3, 1)


def test_edited_sealed_event_is_reported_at_its_seq(chain: list[int]) -> None:
    tamper("UPDATE core_auditevent SET consumer_id = 7 WHERE id = %s", [event_at(4)])
    assert broken_at(audit_verify()) == (False, 4, None)


def test_edited_sealed_event_with_triggers_dropped_on_sqlite(chain: list[int]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's triggers")
    tamper(
        "UPDATE core_auditevent SET actor_username = 'x' WHERE id = %s",
        [event_at(2)],
        bypass="drop_triggers",
    )
    assert broken_at(audit_verify()) == (False, 2, None)


def test_deleted_sealed_event_is_reported_at_its_seq(chain: list[int]) -> None:
    tamper("DELETE FROM core_auditevent WHERE id = %s", [event_at(3)])
    assert broken_at(audit_verify()) == (False, 3, None)


def test_deleted_sealed_event_and_its_seal_are_reported_at_their_seq(chain: list[int]) -> None:
    event_id = event_at(3)
    tamper("DELETE FROM core_auditseal WHERE seq = 3")
    tamper("DELETE FROM core_auditevent WHERE id = %s", [event_id])
    assert broken_at(audit_verify()) == (False, 3, None)


def test_deleted_newest_sealed_events_and_seals_are_caught_by_the_checkpoint(
    chain: list[int],
) -> None:
    for seq in (6, 5):
        event_id = event_at(seq)
        tamper("DELETE FROM core_auditseal WHERE seq = %s", [seq])
        tamper("DELETE FROM core_auditevent WHERE id = %s", [event_id])
    result = audit_verify()
    assert (*broken_at(result), result.head_seq) == (False, 5, None, 4)
    assert "checkpoint file records seq 6" in result.problem


def test_the_sealer_refuses_to_seal_below_the_highest_checkpoint(chain: list[int]) -> None:
    """The sealer takes its high-water mark from the file, not the database: after the
    newest seals are cut off it seals nothing (the chain would otherwise verify again)."""
    tamper("DELETE FROM core_auditseal WHERE seq IN (5, 6)")
    tamper("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [chain[4], chain[5]])
    with pytest.raises(AuditTampered, match="checkpoint file records seq 6") as info:
        audit_seal()
    assert info.value.seq == 5
    assert AuditSeal.objects.count() == 4
    assert audit_verify().broken_seq == 5


def test_the_sealer_refuses_a_chain_that_differs_from_the_checkpoint(chain: list[int]) -> None:
    """Every seal deleted and the events sealed again from seq 1 (as a sealer that trusted
    the database would): refused, since seq 6 in the file is not what the database has."""
    tamper("DELETE FROM core_auditseal")
    with pytest.raises(AuditTampered, match="checkpoint file records seq 6"):
        audit_seal()
    assert AuditSeal.objects.count() == 0


def test_reordered_sealed_events_are_reported_at_the_first_affected_seq(chain: list[int]) -> None:
    swap_ids(event_at(2), event_at(5))
    assert broken_at(audit_verify()) == (False, 2, None)


def test_swapped_event_contents_are_reported_at_the_first_affected_seq(chain: list[int]) -> None:
    """Each row keeps its id but takes the other's columns, MAC included."""
    second, fifth = (AuditEvent.objects.values(*COLUMNS).get(pk=event_at(s)) for s in (2, 5))
    assignments = ", ".join(f"{c} = %s" for c in ("consumer_id", "object_id", "detail", "mac"))
    for values, seq in ((fifth, 2), (second, 5)):
        params = [values["consumer_id"], values["object_id"], json.dumps(values["detail"])]
        tamper(
            f"UPDATE core_auditevent SET {assignments} WHERE id = %s",
            [*params, values["mac"], event_at(seq)],
        )
    assert broken_at(audit_verify()) == (False, 2, None)


def test_inserted_sealed_event_is_reported_at_its_seq(chain: list[int]) -> None:
    """A copy of the event at seq 3 with a seal copied from seq 6, appended as seq 7."""
    copy_event(event_at(3), chain[-1] + 10)
    six = AuditSeal.objects.values("mac", "sealed_at").get(seq=6)
    tamper(
        "INSERT INTO core_auditseal (seq, event_id, mac, sealed_at) VALUES (7, %s, %s, %s)",
        [chain[-1] + 10, six["mac"], six["sealed_at"]],
    )
    assert broken_at(audit_verify()) == (False, 7, None)


def test_a_seal_edited_to_match_an_edited_event_is_still_caught(chain: list[int]) -> None:
    """Without the key no MAC can be recomputed: copying the next seal's MAC fails too."""
    mac = AuditSeal.objects.get(seq=5).mac
    tamper("UPDATE core_auditseal SET mac = %s WHERE seq = 4", [mac])
    assert broken_at(audit_verify()) == (False, 4, None)


# ---- events not yet sealed ----


def test_edited_unsealed_event_is_reported_at_its_id(chain: list[int]) -> None:
    tamper("UPDATE core_auditevent SET object_id = '99' WHERE id = %s", [chain[7]])
    assert broken_at(audit_verify()) == (False, None, chain[7])


def test_the_sealer_never_seals_an_edited_event(chain: list[int]) -> None:
    tamper("UPDATE core_auditevent SET outcome = 'denied' WHERE id = %s", [chain[7]])
    with pytest.raises(AuditTampered, match=f"event id {chain[7]} does not match") as info:
        audit_seal()
    assert info.value.event_id == chain[7]
    assert list(AuditSeal.objects.order_by("seq").values_list("event_id", flat=True)) == chain[:7]
    assert broken_at(audit_verify()) == (False, None, chain[7])


def test_deleted_unsealed_event_is_reported_at_its_id(chain: list[int]) -> None:
    if connection.vendor == "postgresql":
        pytest.xfail(PG_GAPS)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [chain[7]])
    assert broken_at(audit_verify()) == (False, None, chain[7])
    with pytest.raises(AuditTampered, match=f"event id {chain[7]} is missing"):
        audit_seal()
    assert broken_at(audit_verify()) == (False, None, chain[7])


def test_deleted_newest_unsealed_event_is_reported_once_another_is_written(
    chain: list[int],
) -> None:
    if connection.vendor == "postgresql":
        pytest.xfail(PG_GAPS)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [chain[8]])
    (later,) = record(1)
    assert later == chain[8] + 1  # SQLite never reuses an id
    assert broken_at(audit_verify()) == (False, None, chain[8])


def test_reordered_unsealed_events_are_reported_at_the_first_affected_id(
    chain: list[int],
) -> None:
    swap_ids(chain[6], chain[7])
    assert broken_at(audit_verify()) == (False, None, chain[6])
    with pytest.raises(AuditTampered):
        audit_seal()
    assert AuditSeal.objects.count() == 6


def test_inserted_event_without_a_valid_mac_is_reported_at_its_id(chain: list[int]) -> None:
    copy_event(chain[8], chain[8] + 1, mac="0" * 64)
    assert broken_at(audit_verify()) == (False, None, chain[8] + 1)
    with pytest.raises(AuditTampered):
        audit_seal()
    assert AuditSeal.objects.count() == 9  # the application's three, not the forgery


def test_replayed_event_with_its_mac_under_a_new_id_is_reported_at_its_id(
    chain: list[int],
) -> None:
    copy_event(chain[7], chain[8] + 1)
    assert broken_at(audit_verify()) == (False, None, chain[8] + 1)


def test_inserted_event_below_the_chain_is_reported_at_its_id(chain: list[int]) -> None:
    copy_event(chain[2], chain[0] - 50)
    assert broken_at(audit_verify()) == (False, None, chain[0] - 50)


def test_sealed_breaks_are_reported_before_unsealed_ones(chain: list[int]) -> None:
    tamper("UPDATE core_auditevent SET object_id = '99' WHERE id = %s", [chain[7]])
    tamper("UPDATE core_auditevent SET object_id = '99' WHERE id = %s", [event_at(5)])
    assert broken_at(audit_verify()) == (False, 5, None)


def test_sealing_after_an_attack_is_refused_until_investigated_and_sweep_goes_on(
    chain: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    tamper("UPDATE core_auditevent SET action = 'list' WHERE id = %s", [chain[6]])
    with caplog.at_level(logging.ERROR, logger="casework.sweep"):
        result = sweep_once()
    assert result.sealed == 0
    assert f"event id {chain[6]} does not match its own MAC" in caplog.text
    assert AuditSeal.objects.count() == 6


# ---- the checkpoint file ----


def test_each_batch_appends_one_checkpoint_line_to_a_private_file(
    chain: list[int], audit_checkpoint_file: Path
) -> None:
    audit_seal(batch_size=2)
    found, _ = checkpoints_read(key=KEY, path=audit_checkpoint_file)
    assert [(c.seq, c.event_id, c.events) for c in found] == [
        (6, chain[5], 6),
        (8, chain[7], 8),
        (9, chain[8], 9),
    ]
    assert found[-1].mac == AuditSeal.objects.get(seq=9).mac
    assert stat.S_IMODE(os.stat(audit_checkpoint_file).st_mode) == 0o600


def test_a_checkpoint_line_lost_in_a_crash_is_written_by_the_next_pass(
    chain: list[int], audit_checkpoint_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(**kwargs: object) -> None:
        raise OSError("the volume is gone")

    with monkeypatch.context() as patch:
        patch.setattr(audit, "checkpoint_append", crash)
        with pytest.raises(OSError):
            audit_seal()
    assert AuditSeal.objects.count() == 9  # committed before the line was due
    assert audit_seal() == 0
    found, _ = checkpoints_read(key=KEY, path=audit_checkpoint_file)
    assert [(c.seq, c.event_id) for c in found] == [(6, chain[5]), (9, chain[8])]


def test_a_forged_checkpoint_line_is_refused(chain: list[int], audit_checkpoint_file: Path) -> None:
    line = json.loads(audit_checkpoint_file.read_text().splitlines()[0])
    line["seq"] = 2
    with audit_checkpoint_file.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    result = audit_verify()
    assert (result.ok, "line 2 does not match its MAC") == (False, "line 2 does not match its MAC")
    assert "line 2 does not match its MAC" in result.problem
    with pytest.raises(CheckpointError):
        audit_seal()


def test_a_truncated_checkpoint_file_stops_the_sealer(
    chain: list[int], audit_checkpoint_file: Path
) -> None:
    audit_seal()
    audit_checkpoint_file.write_text("")
    record(1)
    with pytest.raises(CheckpointError, match="truncated or replaced"):
        audit_seal()


def test_a_checkpoint_file_is_required(chain: list[int], settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.CASEWORK_AUDIT_CHECKPOINT_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="CASEWORK_AUDIT_CHECKPOINT_FILE"):
        audit_seal()
    with pytest.raises(ImproperlyConfigured, match="CASEWORK_AUDIT_CHECKPOINT_FILE"):
        audit_verify()


def test_verify_against_a_copy_of_the_checkpoint_file(
    chain: list[int], audit_checkpoint_file: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.log"
    copy.write_bytes(audit_checkpoint_file.read_bytes())
    tamper("DELETE FROM core_auditseal WHERE seq = 6")
    tamper("DELETE FROM core_auditevent WHERE id = %s", [chain[5]])
    with pytest.raises(CommandError, match="BROKEN at seq 6") as info:
        call_command("audit", "verify", "--checkpoint-file", str(copy))
    assert info.value.returncode == 1


def test_a_copy_restored_from_an_older_backup_verifies_as_of_its_seq(chain: list[int]) -> None:
    """Seals after the backup are in the checkpoint file but not in the restored copy
    (nor are the events written after it)."""
    for seq in (6, 5):
        event_id = event_at(seq)
        tamper("DELETE FROM core_auditseal WHERE seq = %s", [seq])
        tamper("DELETE FROM core_auditevent WHERE id = %s", [event_id])
    tamper("DELETE FROM core_auditevent WHERE id >= %s", [chain[6]])
    assert audit_verify().broken_seq == 5
    assert audit_verify(as_of_seq=4).ok


def test_command_names_an_unsealed_event_by_id(chain: list[int]) -> None:
    tamper("UPDATE core_auditevent SET object_id = '99' WHERE id = %s", [chain[8]])
    with pytest.raises(CommandError, match=f"BROKEN at event id {chain[8]} \\(not yet sealed\\)"):
        call_command("audit", "verify")
    with pytest.raises(CommandError, match=f"event id {chain[8]} does not match"):
        call_command("audit", "seal")


def test_command_verify_reports_the_checkpoints(chain: list[int]) -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "6 seal(s) verified against 1 checkpoint(s)" in out.getvalue()
    assert "3 event(s) not yet sealed, each with a valid MAC" in out.getvalue()
