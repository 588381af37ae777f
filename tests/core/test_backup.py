"""Backup → restore → verify round trips on the suite's database (N3, S47, S48).

The suite runs on SQLite and on PostgreSQL (CI runs both legs), so each round trip below
exercises the SQLite online backup on one leg and pg_dump / pg_restore on the other. The
tests are transactional: pg_dump reads committed data from its own connection."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from casework.consumers.models import Consumer
from casework.core import backup
from casework.core.audit import audit_record, audit_seal
from casework.core.backup_archive import generate_key
from casework.core.models import AuditAction, AuditEvent, AuditSeal
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow(10)]

CANARY = "Quixotecanary"  # a consumer's name that must not appear in the archive (S48)


@pytest.fixture(autouse=True)
def backup_key(settings: Any) -> str:
    settings.CASEWORK_BACKUP_KEY = generate_key()
    settings.CASEWORK_BACKUP_KEY_FILE = ""
    return str(settings.CASEWORK_BACKUP_KEY)


@pytest.fixture
def data(fresh_world: Any) -> dict[str, int]:
    """Two cases (so consumers, referrals, audit events) and a sealed chain plus one
    event not yet sealed."""
    factories.active_case(fresh_world.cm, family_name=CANARY)
    factories.referred_case(fresh_world.cm2)
    audit_seal()
    audit_record(actor=None, username="late", action=AuditAction.READ, object_type="case")
    return {
        "consumers": Consumer.objects.count(),
        "events": AuditEvent.objects.count(),
        "seals": AuditSeal.objects.count(),
    }


def run(*args: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def pg_admin() -> dict[str, Any]:
    return backup.libpq_params(connection.settings_dict, name="postgres")


@pytest.fixture
def target(tmp_path: Path) -> Iterator[str]:
    """A database URL to restore into: a new SQLite file, or a new empty PostgreSQL
    database (created here and dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    with psycopg.connect(**pg_admin(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield backup.database_url({**connection.settings_dict, "NAME": name})
    with psycopg.connect(**pg_admin(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def target_counts(url: str) -> dict[str, int]:
    database = backup.parse_url(url)
    if database["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(database["NAME"])) as conn:
            return backup.row_counts(conn.cursor(), "sqlite")
    with psycopg.connect(**backup.libpq_params(database)) as conn, conn.cursor() as cursor:
        return backup.row_counts(cursor, "postgresql")


def canary_restored(url: str) -> bool:
    database = backup.parse_url(url)
    sql = f"SELECT count(*) FROM consumers_consumer WHERE family_name = '{CANARY}'"
    if database["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(database["NAME"])) as conn:
            return conn.execute(sql).fetchone()[0] == 1
    with psycopg.connect(**backup.libpq_params(database)) as conn:
        row = conn.execute(sql).fetchone()
        return row is not None and row[0] == 1


def scratch_databases() -> list[str]:
    if connection.vendor != "postgresql":
        return []
    with psycopg.connect(**pg_admin()) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'casework_verify_%'"
        ).fetchall()
    return [row[0] for row in rows]


@pytest.mark.django_db
def test_pg_client_tools_match_the_server() -> None:
    if connection.vendor != "postgresql":
        assert backup.engine_of(connection.settings_dict) == "sqlite"
        return
    server_major = connection.cursor().connection.info.server_version // 10000
    assert backup.tool_version("pg_dump")[0] == server_major
    assert backup.tool_version("pg_restore")[0] == server_major


def test_backup_restore_verify_round_trip(
    data: dict[str, int], tmp_path: Path, target: str
) -> None:
    archive = tmp_path / "nightly.cwbackup"
    events_before = AuditEvent.objects.count()
    out = run("backup", "--out", str(archive))
    assert out.startswith(f"backup written: {archive} (")
    exported = AuditEvent.objects.get(pk__gt=0, object_type="backup")
    assert AuditEvent.objects.count() == events_before + 1
    assert (exported.action, exported.actor_username, exported.object_id) == (
        "export",
        "system",
        "nightly.cwbackup",
    )
    assert archive.stat().st_mode & 0o777 == 0o600
    assert CANARY.encode() not in archive.read_bytes()  # encrypted (S48)
    source_counts = backup.row_counts(connection.cursor().cursor, connection.vendor)
    source_counts["core_auditevent"] -= 1  # the export event came after the snapshot

    head = AuditSeal.objects.order_by("-seq").values_list("seq", "mac").first()
    assert head is not None and head[0] == data["seals"]
    before = scratch_databases()
    verified = run("restore", str(archive), "--verify")
    tables = len(source_counts)
    rows = sum(source_counts.values())
    assert f"  row counts match: {tables} tables, {rows:,} rows\n" in verified
    assert "  schema version matches: " in verified
    assert (
        f"  audit chain intact: {head[0]} seal(s) verified against 1 checkpoint(s); "
        f"head seq {head[0]} mac {head[1]}; 1 event(s) not yet sealed, each with a valid MAC\n"
    ) in verified
    assert "restore check passed (scratch database removed)\n" in verified
    assert scratch_databases() == before  # the scratch database is gone

    restored = run("restore", str(archive), "--into", target)
    assert "restore check passed\n" in restored
    counts = target_counts(target)
    assert counts == source_counts
    assert counts["consumers_consumer"] == data["consumers"] == 2
    assert counts["core_auditevent"] == data["events"]
    assert counts["core_auditseal"] == data["seals"]
    assert canary_restored(target)
    with pytest.raises(CommandError, match=r"not empty|exists and is not empty"):
        run("restore", str(archive), "--into", target)
    assert target_counts(target) == counts


def corrupted_copies(archive: Path) -> dict[str, Path]:
    raw = archive.read_bytes()
    middle = bytearray(raw)
    middle[len(raw) // 2] ^= 0x40
    copies = {"flipped": bytes(middle), "truncated": raw[:-1000], "extended": raw + b"\0"}
    for name, body in copies.items():
        archive.with_name(name).write_bytes(body)
    return {name: archive.with_name(name) for name in copies}


def test_a_corrupted_archive_or_a_wrong_key_is_refused_and_the_target_untouched(
    data: dict[str, int], tmp_path: Path, target: str, settings: Any
) -> None:
    archive = tmp_path / "a.cwbackup"
    run("backup", "--out", str(archive))
    copies = corrupted_copies(archive)
    refusals = [
        (copies["flipped"], "the archive is corrupted or was tampered with (frame "),
        (copies["truncated"], "the archive is truncated ("),
        (copies["extended"], "the archive was tampered with (data after the final frame)"),
    ]
    for path, message in refusals:
        for args in (["--verify"], ["--into", target]):
            with pytest.raises(CommandError) as error:
                run("restore", str(path), *args)
            assert str(error.value).startswith(f"restore refused: {path}: {message}")
    settings.CASEWORK_BACKUP_KEY = generate_key()
    with pytest.raises(CommandError, match="the archive was encrypted with another backup key"):
        run("restore", str(archive), "--into", target)
    if connection.vendor == "sqlite":
        assert not Path(backup.parse_url(target)["NAME"]).exists()
    assert target_counts(target) == {}  # nothing was restored


@pytest.mark.django_db
def test_a_key_file_beside_the_archive_is_refused(tmp_path: Path, settings: Any) -> None:
    key_file = tmp_path / "backup.key"
    key_file.write_text(generate_key())
    settings.CASEWORK_BACKUP_KEY = ""
    settings.CASEWORK_BACKUP_KEY_FILE = str(key_file)
    with pytest.raises(CommandError) as error:
        run("backup", "--out", str(tmp_path / "a.cwbackup"))
    assert str(error.value) == (
        f"backup refused: the backup key file {key_file} is on the same volume as "
        f"{tmp_path}: keep the key on another volume (or in the secret store)"
    )
    assert list(tmp_path.iterdir()) == [key_file]


@pytest.mark.django_db
def test_no_key_is_refused(tmp_path: Path, settings: Any) -> None:
    settings.CASEWORK_BACKUP_KEY = ""
    with pytest.raises(CommandError, match=r"no backup key: set CASEWORK_BACKUP_KEY"):
        run("backup", "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_the_checks_catch_a_restored_database_that_differs(
    data: dict[str, int], tmp_path: Path, target: str
) -> None:
    """A restore that lost rows or whose audit trail was edited fails its checks."""
    result = backup.create_backup(tmp_path)
    assert result.archive.parent == tmp_path
    assert result.archive.name.startswith("casework-") and result.archive.suffix == ".cwbackup"
    manifest = result.manifest
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["consumers_consumer"] == 2
    assert manifest["tables"]["core_auditevent"] == data["events"]
    seq, mac = AuditSeal.objects.order_by("-seq").values_list("seq", "mac")[0]
    assert manifest["audit_last_seal"] == {"seq": seq, "mac": mac}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM django_migrations WHERE app = 'core'")
        assert manifest["schema"]["core"] == max(row[0] for row in cursor.fetchall())
    run("restore", str(result.archive), "--into", target, "--no-check")
    database = backup.parse_url(target)
    edit = [
        "DELETE FROM consumers_consumer WHERE id = (SELECT max(id) FROM consumers_consumer)",
        "UPDATE core_auditevent SET object_id = 'edited' WHERE id = "
        "(SELECT min(event_id) FROM core_auditseal)",
    ]
    if database["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(database["NAME"])) as conn:
            # Past the append-only triggers, as someone with the file could.
            for name in ("update", "delete"):
                conn.execute(f"DROP TRIGGER core_auditevent_append_only_{name}")
            conn.execute("PRAGMA foreign_keys = OFF")
            for sql in edit:
                conn.execute(sql)
            conn.commit()
    else:
        with psycopg.connect(**backup.libpq_params(database)) as conn:
            conn.execute("SET session_replication_role = replica")
            for sql in edit:
                conn.execute(sql)
    check = backup.check_restored(database, result.manifest)
    assert not check.ok
    assert check.lines[0] == "row counts DIFFER: consumers_consumer: 2 in the manifest, 1 restored"
    assert check.lines[2].startswith("audit chain NOT intact: ")
    assert "BROKEN at seq 1: seq 1: event" in check.lines[2] and "was edited" in check.lines[2]
