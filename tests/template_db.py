"""Migrate the test database once per set of migrations, not once per test process.

Every pytest process (each xdist worker, each leg of CI) creates its own test database
and, left alone, runs all the project's migrations into it: about 20 s of CPU on SQLite
and 45 s on PostgreSQL, most of it Django rendering model states. Here the first process
to need a database migrates it as usual and keeps a copy (a template), and every later
process, in this run or the next, copies the template instead.

The template is keyed by the content of every migration file Django would apply (ours
and third-party apps'), and by the database engine, so any change to a migration builds
a new one. A file lock makes the processes that start together wait for the one that
builds it. On SQLite the template is a database file (restored with SQLite's backup API
into the in-memory test database); on PostgreSQL it is a database, cloned with
`CREATE DATABASE ... TEMPLATE`. Everything `migrate` writes is in the copy: the schema,
the triggers and rules of the audit tables, the data migrations, content types and
permissions.

CASEWORK_TEST_TEMPLATE_DIR chooses where the SQLite files and the lock files live (the
system's temporary directory otherwise).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import django
from django.db import connections

TEMPLATE_PREFIX = "casework_tpl_"


def _directory() -> Path:
    path = Path(os.environ.get("CASEWORK_TEST_TEMPLATE_DIR") or tempfile.gettempdir())
    path.mkdir(parents=True, exist_ok=True)
    return path


def migrations_key(vendor: str) -> str:
    """A digest of every migration file on disk and of Django's version."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256(f"{vendor}\0{django.__version__}".encode())
    for key in sorted(loader.disk_migrations):
        module = sys.modules[loader.disk_migrations[key].__module__]
        digest.update("\0".join(key).encode())
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:20]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_migrate(alias: str, migrate: Any) -> None:
    connection = connections[alias]
    template = _directory() / f"casework-test-{migrations_key('sqlite')}.sqlite3"
    with _locked(template.with_suffix(".lock")):
        connection.ensure_connection()
        if template.exists():
            source = sqlite3.connect(template)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            return
        migrate()
        connection.ensure_connection()
        partial = template.with_suffix(f".{os.getpid()}.partial")
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        partial.replace(template)
        # Templates of other migration sets (earlier commits) are not needed again.
        for stale in template.parent.glob("casework-test-*.sqlite3"):
            if stale != template:
                stale.unlink(missing_ok=True)


def migrated_sqlite_file(dest: Path, build: Callable[[], None]) -> None:
    """An SQLite database file at `dest` with every migration applied, for a test that
    starts the product as its own process on a file (the MLLP listener): a copy of the
    SQLite template. Where there is none yet (the PostgreSQL leg builds only its own),
    `build` migrates `dest` and the result becomes the template."""
    template = _directory() / f"casework-test-{migrations_key('sqlite')}.sqlite3"
    with _locked(template.with_suffix(".lock")):
        if not template.exists():
            build()
            partial = template.with_suffix(f".{os.getpid()}.partial")
            _sqlite_copy(dest, partial)
            partial.replace(template)
            return
        _sqlite_copy(template, dest)


def _sqlite_copy(source_path: Path, target_path: Path) -> None:
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _postgresql_migrate(alias: str, migrate: Any) -> None:
    connection = connections[alias]
    name = connection.settings_dict["NAME"]
    template = TEMPLATE_PREFIX + migrations_key("postgresql")
    quote = connection.ops.quote_name
    with _locked(_directory() / f"{template}.lock"):
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if cursor.fetchone():
                cursor.execute(f"DROP DATABASE {quote(name)}")
                cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
                return
        migrate()
        connection.close()
        with connection._nodb_cursor() as cursor:
            partial = f"{template}_{os.getpid()}"
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(partial)}")
            cursor.execute(f"CREATE DATABASE {quote(partial)} TEMPLATE {quote(name)}")
            cursor.execute(f"ALTER DATABASE {quote(partial)} RENAME TO {quote(template)}")
            # Templates of other migration sets (earlier commits) are not needed again.
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [TEMPLATE_PREFIX + "%", template],
            )
            for (stale,) in cursor.fetchall():
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")


@contextmanager
def migrate_from_template() -> Iterator[None]:
    """While Django creates the test databases, answer its `migrate` from the template."""
    import django.core.management as management

    real = management.call_command

    def call_command(name: Any, *args: Any, **options: Any) -> Any:
        alias = options.get("database", "default")
        vendor = connections[alias].vendor
        if name != "migrate" or args or vendor not in ("sqlite", "postgresql"):
            return real(name, *args, **options)

        def migrate() -> None:
            real(name, *args, **options)

        if vendor == "sqlite":
            _sqlite_migrate(alias, migrate)
        else:
            _postgresql_migrate(alias, migrate)
        return None

    management.call_command = call_command  # type: ignore[assignment]
    try:
        yield
    finally:
        management.call_command = real


def main() -> None:
    """Build the template for the configured database ahead of the test run (the test
    command starts this beside the static checks, so the workers find it ready)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings.test")
    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    with migrate_from_template():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
