"""Data files are owner-only (issue 12, defect 11): the SQLite database and its -wal and
-shm files, generated secrets, uploads and the data directory, whatever the umask."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from casework.settings.base import sqlite_database
from casework.settings.files import private_directory
from casework.settings.secrets import data_dir_secret


def open_sqlite(path: Path) -> BaseDatabaseWrapper:
    """A connection to an SQLite file with the product's settings (not the test database)."""
    handler = ConnectionHandler({"default": sqlite_database(path)})
    return handler["default"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker: Any) -> Iterator[None]:
    """These tests open SQLite files of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The usual umask (022): files 0644 and directories 0755 unless the code says so."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_sqlite_database_wal_and_shm_are_0600(tmp_path: Path, permissive_umask: None) -> None:
    database = open_sqlite(tmp_path / "casework.sqlite3")
    try:
        with database.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
        files = sorted(p.name for p in tmp_path.iterdir())
        assert files == ["casework.sqlite3", "casework.sqlite3-shm", "casework.sqlite3-wal"]
        assert [mode(tmp_path / name) for name in files] == [0o600, 0o600, 0o600]
    finally:
        database.close()


def test_a_wal_file_made_again_later_is_0600_too(tmp_path: Path, permissive_umask: None) -> None:
    """SQLite deletes -wal/-shm when the last connection closes and makes them again with
    the database file's mode."""
    path = tmp_path / "casework.sqlite3"
    for _ in range(2):
        database = open_sqlite(path)
        with database.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
        database.close()
    database = open_sqlite(path)
    try:
        with database.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
        assert {mode(p) for p in tmp_path.iterdir()} == {0o600}
    finally:
        database.close()


def test_generated_secret_and_data_dir_are_owner_only(
    tmp_path: Path, permissive_umask: None
) -> None:
    data_dir = tmp_path / "var"
    data_dir_secret(data_dir, "audit.key")
    assert (mode(data_dir), mode(data_dir / "audit.key")) == (0o700, 0o600)


def test_an_existing_data_dir_is_made_0700(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    private_directory(data_dir)
    assert mode(data_dir) == 0o700


def test_uploads_are_0600_in_0700_directories(tmp_path: Path, permissive_umask: None) -> None:
    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save("evidence/2026/scan.pdf", ContentFile(b"%PDF-1.7"))
    assert mode(tmp_path / "media" / name) == 0o600
    assert mode(tmp_path / "media" / "evidence" / "2026") == 0o700


def test_the_console_entry_point_sets_an_owner_only_umask(permissive_umask: None) -> None:
    from casework import cli

    cli.main(["version"])
    current = os.umask(0o022)
    assert current == 0o077
