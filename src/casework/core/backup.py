"""Backups that restore (N3, S47, S48): `casework backup` and `casework restore`.

A backup is one encrypted archive (core.backup_archive) holding a tar stream of two
members: `manifest.json` and the database dump. The dump is a consistent snapshot:
- SQLite: the online backup API copies the live database (WAL: writers go on meanwhile);
  the manifest is read from the copy.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot; `pg_dump
  --format=custom --snapshot` dumps exactly it, and the manifest is read in it.

The manifest records the row count of every table, the audit chain's last seal (seq and
mac: the anchor `casework audit verify` checks against), the schema version (the latest
applied migration of each app) and the dump's SHA-256.

Restoring first decrypts and authenticates the whole archive into a private temporary
folder; only then is the target touched. `restore --verify` restores into a scratch
database (a temporary SQLite file, or a temporary PostgreSQL database) and checks the
counts, the schema version and the audit chain (with the existing `casework audit
verify`, anchored at the manifest's last seal). See docs/operations.md.
"""

import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url
import psycopg
from django.conf import settings
from django.db import connection

from casework.core import clock
from casework.core.audit import audit_record
from casework.core.backup_archive import (
    ArchiveError,
    ArchiveReader,
    ArchiveWriter,
    parse_key,
)
from casework.core.models import AuditAction

MANIFEST = "manifest.json"
DUMP_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MANIFEST_FORMAT = 1
# libpq connection parameters that may sit in a Django database's OPTIONS.
LIBPQ_OPTIONS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "options",
    "connect_timeout",
    "application_name",
    "target_session_attrs",
)


class BackupError(Exception):
    """A backup or restore refused, with the reason for the operator."""


# --- the key --------------------------------------------------------------------------


def backup_key(*, keep_apart_from: list[Path]) -> bytes:
    """The backup key from CASEWORK_BACKUP_KEY (base64 text) or CASEWORK_BACKUP_KEY_FILE.

    A key file on the same volume (device) as the database or the archive is refused: a
    thief of that disk would hold both. A key given in the environment is not on any
    volume we can see; inject it from the secret store (docs/operations.md)."""
    text = getattr(settings, "CASEWORK_BACKUP_KEY", "")
    path = getattr(settings, "CASEWORK_BACKUP_KEY_FILE", "")
    if text and path:
        raise BackupError("set CASEWORK_BACKUP_KEY or CASEWORK_BACKUP_KEY_FILE, not both")
    if path:
        key_file = Path(path)
        if not key_file.is_file():
            raise BackupError(f"the backup key file {key_file} does not exist")
        device = key_file.stat().st_dev
        for place in keep_apart_from:
            if place.exists() and place.stat().st_dev == device:
                raise BackupError(
                    f"the backup key file {key_file} is on the same volume as {place}: "
                    "keep the key on another volume (or in the secret store)"
                )
        text = key_file.read_text()
    if not text:
        raise BackupError(
            "no backup key: set CASEWORK_BACKUP_KEY or CASEWORK_BACKUP_KEY_FILE "
            "(`casework backup --generate-key` prints a new one)"
        )
    try:
        return parse_key(text)
    except ArchiveError as error:
        raise BackupError(str(error)) from error


# --- what a snapshot holds ----------------------------------------------------------


def engine_of(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")


def _tables(cursor: Any, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def row_counts(cursor: Any, engine: str) -> dict[str, int]:
    """The row count of every table of the database (the application's and Django's)."""
    counts = {}
    for table in _tables(cursor, engine):
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalog)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def schema_version(cursor: Any) -> dict[str, str]:
    """The latest applied migration of each app (migration names sort by their number)."""
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return {app: name for app, name in cursor.fetchall()}


def audit_head(cursor: Any) -> dict[str, Any] | None:
    """The audit chain's last seal, read with the snapshot's own cursor.

    Kept in one small function: it follows the chain's tables (core.audit,
    docs/adr/0002-audit-chain.md) and is the one place to adapt when they change."""
    cursor.execute("SELECT seq, mac FROM core_auditseal ORDER BY seq DESC LIMIT 1")
    row = cursor.fetchone()
    return {"seq": int(row[0]), "mac": str(row[1])} if row else None


def describe(cursor: Any, engine: str) -> dict[str, Any]:
    return {
        "tables": row_counts(cursor, engine),
        "schema": schema_version(cursor),
        "audit_last_seal": audit_head(cursor),
    }


# --- PostgreSQL helpers ---------------------------------------------------------------


def libpq_params(database: dict[str, Any], *, name: str | None = None) -> dict[str, Any]:
    """psycopg / libpq connection parameters of a Django database (password included)."""
    params: dict[str, Any] = {"dbname": name or database["NAME"]}
    for key, libpq in (("USER", "user"), ("HOST", "host"), ("PORT", "port")):
        if database.get(key):
            params[libpq] = str(database[key])
    if database.get("PASSWORD"):
        params["password"] = database["PASSWORD"]
    options = database.get("OPTIONS") or {}
    params.update({k: options[k] for k in LIBPQ_OPTIONS if k in options})
    return params


def _pg_tool(tool: str, params: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The tool's argv start (connection without the password) and its environment."""
    path = shutil.which(tool)
    if not path:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    env = dict(os.environ)
    clean = dict(params)
    if "password" in clean:
        env["PGPASSWORD"] = clean.pop("password")
    return [path, f"--dbname={psycopg.conninfo.make_conninfo(**clean)}"], env


def tool_version(tool: str) -> tuple[int, str]:
    """(major, full text) of a PostgreSQL client tool, e.g. (15, 'pg_dump (PostgreSQL) 15.20')."""
    path = shutil.which(tool)
    if not path:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    text = subprocess.run(  # noqa: S603
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    found = re.search(r"\)\s+(\d+)", text)
    if not found:
        raise BackupError(f"cannot read the version of {tool}: {text!r}")
    return int(found.group(1)), text


def _check_tool_serves(tool: str, server_version: int) -> str:
    major, text = tool_version(tool)
    server_major = server_version // 10000
    if major < server_major:
        raise BackupError(
            f"{text} cannot work with a PostgreSQL {server_major} server: install the "
            f"client tools of version {server_major} or newer"
        )
    return text


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def _pg_data_directory(cursor: Any, database: dict[str, Any]) -> Path | None:
    """The server's data directory when the server is on this machine and says where."""
    host = str(database.get("HOST") or "localhost")
    if host not in ("localhost", "127.0.0.1", "::1") and not host.startswith("/"):
        return None
    try:
        cursor.execute("SELECT current_setting('data_directory', true)")
        value = cursor.fetchone()[0]
    except psycopg.Error:
        cursor.connection.rollback()
        return None
    return Path(value) if value else None


# --- backup ---------------------------------------------------------------------------


@dataclass
class BackupResult:
    archive: Path
    manifest: dict[str, Any]
    archive_bytes: int
    dump_bytes: int
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def private_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder only this user can read (dumps hold PHI), removed afterwards."""
    folder = Path(
        tempfile.mkdtemp(prefix=prefix, dir=getattr(settings, "CASEWORK_BACKUP_TMPDIR", None))
    )
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _snapshot_sqlite(work: Path) -> tuple[Path, dict[str, Any], str]:
    dump = work / DUMP_MEMBERS["sqlite"]
    connection.ensure_connection()
    with closing(sqlite3.connect(dump)) as target:
        # One step (pages=-1): one read transaction, so the copy is one moment's state.
        connection.connection.backup(target)
    with closing(sqlite3.connect(dump)) as copy:
        facts = describe(copy.cursor(), "sqlite")
    return dump, facts, f"SQLite {sqlite3.sqlite_version} online backup"


def _snapshot_postgresql(work: Path, database: dict[str, Any]) -> tuple[Path, dict[str, Any], str]:
    dump = work / DUMP_MEMBERS["postgresql"]
    params = libpq_params(database)
    with psycopg.connect(**params) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        tool = _check_tool_serves("pg_dump", conn.info.server_version)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]  # type: ignore[index]
            facts = describe(cursor, "postgresql")
            argv, env = _pg_tool("pg_dump", params)
            _run(
                [*argv, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                env,
                "pg_dump",
            )
        conn.rollback()
    return dump, facts, tool


def _archive_dirs(database: dict[str, Any], engine: str) -> list[Path]:
    if engine == "sqlite":
        name = str(database["NAME"])
        return [] if name.startswith(("file:", ":memory:")) else [Path(name).parent]
    try:
        with psycopg.connect(**libpq_params(database)) as conn, conn.cursor() as cursor:
            found = _pg_data_directory(cursor, database)
    except psycopg.Error:
        return []
    return [found] if found else []


def create_backup(out: Path) -> BackupResult:
    """Write an encrypted archive of the default database to `out` (a file or a folder)."""
    database = connection.settings_dict
    engine = engine_of(database)
    if out.is_dir():
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        out = out / f"casework-{stamp}.cwbackup"
    if out.exists():
        raise BackupError(f"{out} exists already: choose another name")
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    key = backup_key(keep_apart_from=[out.parent, *_archive_dirs(database, engine)])
    timings: dict[str, float] = {}
    with private_dir("casework-backup-") as work:
        started = time.perf_counter()
        if engine == "sqlite":
            dump, facts, tool = _snapshot_sqlite(work)
        else:
            dump, facts, tool = _snapshot_postgresql(work, database)
        timings["snapshot"] = time.perf_counter() - started
        manifest = {
            "format": MANIFEST_FORMAT,
            "created_at": clock.now().isoformat(),
            "engine": engine,
            "dump": {
                "member": dump.name,
                "tool": tool,
                "bytes": dump.stat().st_size,
                "sha256": _sha256(dump),
            },
            **facts,
        }
        started = time.perf_counter()
        partial = out.with_name(out.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                writer = ArchiveWriter(raw, key, compress=engine == "sqlite")
                with tarfile.open(  # type: ignore[call-overload]
                    fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT
                ) as tar:
                    body = json.dumps(manifest, indent=2, sort_keys=True).encode()
                    _add(tar, MANIFEST, len(body), BytesIO(body))
                    with dump.open("rb") as source:
                        _add(tar, dump.name, dump.stat().st_size, source)
                writer.close()
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        timings["encrypt"] = time.perf_counter() - started
    seal = manifest["audit_last_seal"]
    # The backup reads every consumer's record: one export event (after the snapshot, so
    # it is not in this archive; the next backup holds it).
    audit_record(
        actor=None,
        username="system",
        action=AuditAction.EXPORT,
        object_type="backup",
        object_id=out.name[:64],
        detail={
            "tables": len(manifest["tables"]),
            "rows": sum(manifest["tables"].values()),
            "audit_seq": seal["seq"] if seal else 0,
        },
    )
    return BackupResult(out, manifest, out.stat().st_size, manifest["dump"]["bytes"], timings)


def _add(tar: tarfile.TarFile, name: str, size: int, source: Any) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    tar.addfile(info, source)


# --- reading an archive ---------------------------------------------------------------


@dataclass
class Extracted:
    manifest: dict[str, Any]
    dump: Path


def read_archive(archive: Path, work: Path, key: bytes) -> Extracted:
    """Decrypt and authenticate the whole archive into `work`; refuse any defect."""
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist")
    manifest: dict[str, Any] | None = None
    dump: Path | None = None
    try:
        with archive.open("rb") as raw:
            reader = ArchiveReader(raw, key)
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    source = tar.extractfile(member) if member.isfile() else None
                    if source is None:
                        raise ArchiveError(f"unexpected entry {member.name!r} in the archive")
                    if member.name == MANIFEST and manifest is None:
                        manifest = json.loads(source.read())
                    elif member.name in DUMP_MEMBERS.values() and manifest and dump is None:
                        if member.name != manifest["dump"]["member"]:
                            raise ArchiveError("the dump does not match the manifest's engine")
                        dump = work / member.name
                        with dump.open("wb") as target:
                            shutil.copyfileobj(source, target, 1 << 20)
                    else:
                        raise ArchiveError(f"unexpected entry {member.name!r} in the archive")
            reader.finish()
    except ArchiveError as error:
        raise BackupError(f"{archive}: {error}") from error
    except (tarfile.TarError, ValueError, KeyError) as error:
        raise BackupError(f"{archive}: the archive's contents are damaged ({error})") from error
    if manifest is None or dump is None:
        raise BackupError(f"{archive}: the archive lacks its manifest or its dump")
    if _sha256(dump) != manifest["dump"]["sha256"]:
        raise BackupError(f"{archive}: the dump does not match the manifest's SHA-256")
    return Extracted(manifest, dump)


def archive_key(archive: Path, target_dirs: list[Path]) -> bytes:
    return backup_key(keep_apart_from=[archive.parent, *target_dirs])


# --- restore and checks ---------------------------------------------------------------


@dataclass
class Check:
    ok: bool
    lines: list[str]
    timings: dict[str, float] = field(default_factory=dict)


def database_url(database: dict[str, Any]) -> str:
    """A DATABASE_URL for the settings (dj_database_url) of a child process."""
    if engine_of(database) == "sqlite":
        return f"sqlite:///{Path(database['NAME']).resolve()}"
    auth = quote(str(database.get("USER") or ""), safe="")
    if database.get("PASSWORD"):
        auth += ":" + quote(str(database["PASSWORD"]), safe="")
    host = str(database.get("HOST") or "localhost")
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{quote(database['NAME'])}"


def parse_url(url: str) -> dict[str, Any]:
    try:
        database: dict[str, Any] = dict(dj_database_url.parse(url))
    except (ValueError, dj_database_url.UnknownSchemeError) as error:
        raise BackupError(f"cannot read the database URL: {error}") from error
    engine_of(database)
    return database


def restore_sqlite(dump: Path, database: dict[str, Any]) -> None:
    target = Path(database["NAME"])
    for path in (target, Path(f"{target}-wal"), Path(f"{target}-journal")):
        if path.exists() and path.stat().st_size > 0:
            raise BackupError(f"{path} exists and is not empty: restore into a new file")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(dump, partial)
    with partial.open("rb+") as written:
        os.fsync(written.fileno())
    os.replace(partial, target)


def restore_postgresql(dump: Path, database: dict[str, Any], manifest: dict[str, Any]) -> None:
    params = libpq_params(database)
    try:
        with psycopg.connect(**params) as conn, conn.cursor() as cursor:
            tables = _tables(cursor, "postgresql")
            server_version = conn.info.server_version
    except psycopg.Error as error:
        raise BackupError(f"cannot connect to {database['NAME']}: {error}") from error
    if tables:
        raise BackupError(
            f"the database {database['NAME']} is not empty ({len(tables)} tables): "
            "restore into a new, empty database (createdb)"
        )
    _check_tool_serves("pg_restore", server_version)
    dumped_by = re.search(r"\)\s+(\d+)", manifest["dump"]["tool"])
    restorer, text = tool_version("pg_restore")
    if dumped_by and restorer < int(dumped_by.group(1)):
        raise BackupError(f"{text} cannot read a dump made by {manifest['dump']['tool']}")
    argv, env = _pg_tool("pg_restore", params)
    # One transaction: a failed restore leaves the target database as empty as it was.
    _run(
        [
            *argv,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            str(dump),
        ],
        env,
        "pg_restore",
    )


def restore_into(extracted: Extracted, database: dict[str, Any]) -> None:
    engine = engine_of(database)
    if engine != extracted.manifest["engine"]:
        raise BackupError(
            f"the archive holds a {extracted.manifest['engine']} database; "
            f"it cannot be restored into {engine}"
        )
    if engine == "sqlite":
        restore_sqlite(extracted.dump, database)
    else:
        restore_postgresql(extracted.dump, database, extracted.manifest)


def check_restored(database: dict[str, Any], manifest: dict[str, Any]) -> Check:
    """Compare the restored database with the manifest; walk its audit chain."""
    engine = engine_of(database)
    lines: list[str] = []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if engine == "sqlite":
        with closing(sqlite3.connect(Path(database["NAME"]).resolve())) as conn:
            found = describe(conn.cursor(), engine)
    else:
        with psycopg.connect(**libpq_params(database)) as pg, pg.cursor() as cursor:
            found = describe(cursor, engine)
    timings["counts"] = time.perf_counter() - started
    ok = True
    expected: dict[str, int] = manifest["tables"]
    differ = [
        f"{table}: {expected.get(table, 'absent')} in the manifest, "
        f"{found['tables'].get(table, 'absent')} restored"
        for table in sorted(set(expected) | set(found["tables"]))
        if expected.get(table) != found["tables"].get(table)
    ]
    if differ:
        ok = False
        lines.append("row counts DIFFER: " + "; ".join(differ))
    else:
        lines.append(f"row counts match: {len(expected)} tables, {sum(expected.values()):,} rows")
    if found["schema"] != manifest["schema"]:
        ok = False
        lines.append(f"schema version DIFFERS: {found['schema']} != {manifest['schema']}")
    else:
        lines.append(
            f"schema version matches: {len(found['schema'])} apps "
            f"(core {found['schema'].get('core', '-')})"
        )
    started = time.perf_counter()
    audit_ok, audit_line = verify_audit_chain(database, manifest["audit_last_seal"])
    timings["audit_verify"] = time.perf_counter() - started
    ok = ok and audit_ok
    lines.append(audit_line)
    return Check(ok, lines, timings)


def verify_audit_chain(
    database: dict[str, Any], last_seal: dict[str, Any] | None
) -> tuple[bool, str]:
    """Run the existing `casework audit verify` against `database`, anchored at the seal
    the manifest recorded; (intact?, its report)."""
    argv = [sys.executable, "-m", "casework.cli", "audit", "verify"]
    if last_seal:
        argv += ["--anchor-seq", str(last_seal["seq"]), "--anchor-mac", last_seal["mac"]]
        argv += ["--as-of-seq", str(last_seal["seq"])]  # later checkpoints: not in it
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url(database)
    env.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    report = (result.stdout.strip() or result.stderr.strip()).splitlines()
    summary = report[0] if report else f"exit status {result.returncode}"
    if result.returncode != 0:
        return False, f"audit chain NOT intact: {result.stderr.strip() or summary}"
    return True, summary


@contextmanager
def scratch_database(
    engine: str, dump: Path, server: dict[str, Any] | None
) -> Iterator[dict[str, Any]]:
    """A database to restore into for --verify, removed afterwards."""
    if engine == "sqlite":
        # The extracted SQLite dump is a database file already: verify it where it lies.
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(dump)}
        return
    if server is None or engine_of(server) != "postgresql":
        raise BackupError(
            "verifying a PostgreSQL archive needs a PostgreSQL server: run with "
            "DATABASE_URL=postgres://... or pass --server postgres://..."
        )
    name = f"casework_verify_{secrets.token_hex(6)}"
    admin = libpq_params(server, name="postgres")
    try:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    except psycopg.Error as error:
        raise BackupError(f"cannot create the scratch database {name}: {error}") from error
    try:
        yield {**server, "NAME": name}
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    check: Check | None
    timings: dict[str, float]


def restore(
    archive: Path, *, into: str | None = None, server: str | None = None, check: bool = True
) -> RestoreResult:
    """`casework restore ARCHIVE --into URL` (into=URL) or `--verify` (into=None)."""
    target = parse_url(into) if into else None
    server_db = parse_url(server) if server else None
    if server_db is None and into is None and engine_of(connection.settings_dict) == "postgresql":
        server_db = dict(connection.settings_dict)
    target_dirs = []
    if target and engine_of(target) == "sqlite":
        target_dirs.append(Path(target["NAME"]).resolve().parent)
    key = archive_key(archive, target_dirs)
    timings: dict[str, float] = {}
    with private_dir("casework-restore-") as work:
        started = time.perf_counter()
        extracted = read_archive(archive, work, key)
        timings["decrypt"] = time.perf_counter() - started
        manifest = extracted.manifest
        if target is not None:
            started = time.perf_counter()
            restore_into(extracted, target)
            timings["restore"] = time.perf_counter() - started
            result = check_restored(target, manifest) if check else None
        else:
            with scratch_database(manifest["engine"], extracted.dump, server_db) as scratch:
                started = time.perf_counter()
                if manifest["engine"] == "postgresql":
                    restore_into(extracted, scratch)
                timings["restore"] = time.perf_counter() - started
                result = check_restored(scratch, manifest)
        if result:
            timings.update(result.timings)
    return RestoreResult(manifest, result, timings)
