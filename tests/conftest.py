"""Shared fixtures: a program with a team (supervisor + three case managers), other roles,
and a second program for cross-program checks."""

import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from casework.core.models import Program, Team
from casework.core.roles import Role
from casework.staff.models import User
from tests import factories
from tests.template_db import migrate_from_template

DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
    | {"live_server"}
)


def opens_the_database(item: pytest.Item) -> bool:
    """Whether a test can reach the test database: pytest-django blocks every other test."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(DATABASE_FIXTURES & fixtures) or item.get_closest_marker("django_db") is not None


def pytest_configure(config: pytest.Config) -> None:
    """CASEWORK_TEST_NOW=<ISO instant> runs the whole session from that instant, the clock
    ticking on (time-machine), e.g. a few minutes after midnight in the program's zone, when
    the UTC date and the program's date differ and "an hour ago" was yesterday. Tests that
    travel themselves still do."""
    start = os.environ.get("CASEWORK_TEST_NOW")
    if start:
        import time_machine

        time_machine.travel(datetime.fromisoformat(start), tick=True).start()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A second database leg (CASEWORK_DATABASE_TESTS_ONLY=1, scripts/test) runs only the
    tests that reach the database: the others (rules, settings, the production server on
    its own SQLite file, the catalog) would run the same code again on the same data.
    Then the slowest scopes are put first (`slow_first`)."""
    if os.environ.get("CASEWORK_DATABASE_TESTS_ONLY") == "1":
        kept = [item for item in items if opens_the_database(item)]
        left_out = [item for item in items if not opens_the_database(item)]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = kept
    items[:] = slow_first(items)


def xdist_scope(item: pytest.Item) -> str:
    """The unit `--dist loadscope` hands to one worker: the module, or the class."""
    return item.nodeid.rsplit("::", 1)[0]


def slow_seconds(item: pytest.Item) -> float:
    """About how long the test's scope runs, from its `slow(seconds)` marker (0 if none)."""
    marker = item.get_closest_marker("slow")
    return float(marker.args[0]) if marker is not None else 0.0


def slow_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """`items` with the scopes marked `slow` first, longest first, then the others by their
    number of tests, most first (xdist's own `loadscope` order, which scripts/test turns
    off with --no-loadscope-reorder so that this one holds). A worker takes the next scope
    when it is free, so a long scope taken last keeps one worker busy while the others
    are idle: the fuzzer's one 150-s test, ordered by its one test, ran alone for the last
    2.5 minutes of a SQLite run."""
    scopes: dict[str, list[pytest.Item]] = {}
    for item in items:
        scopes.setdefault(xdist_scope(item), []).append(item)
    ordered = sorted(
        scopes.values(),  # in collected order; sorted() keeps it among equals
        key=lambda scope: (-max(map(slow_seconds, scope)), -len(scope)),
    )
    return [item for scope in ordered for item in scope]


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's database set-up, with the migrations taken from a template the
    first process built (tests/template_db.py) instead of run again in every process."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock(), migrate_from_template():
        config = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
        )
    yield
    with django_db_blocker.unblock():
        _close_other_sessions()
        teardown_databases(config, verbosity=verbosity)


def _close_other_sessions() -> None:
    """Before the test database is dropped: PostgreSQL refuses to drop a database another
    session is still connected to (a server thread's connection a test left open)."""
    from django.db import connection, connections

    connections.close_all()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language: Django's LocaleMiddleware activates a
    request's language in the thread and leaves it active after the response, so a test
    that asked for a page in Spanish would otherwise turn the next test's messages Spanish."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def audit_checkpoint_file(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test starts with an empty database, so with an empty audit checkpoint file
    (also in the environment, for tests that load the production settings, which
    require one, or start a server process). Set on Django's settings directly: some
    test packages have a `settings` fixture of their own."""
    from django.conf import settings

    path = tmp_path_factory.mktemp("audit") / "checkpoints.log"
    monkeypatch.setattr(settings, "CASEWORK_AUDIT_CHECKPOINT_FILE", str(path))
    monkeypatch.setenv("CASEWORK_AUDIT_CHECKPOINT_FILE", str(path))
    return path


@dataclass
class World:
    program: Program
    team: Team
    supervisor: User
    cm: User
    cm2: User
    cm3: User
    other_team: Team
    other_supervisor: User
    other_cm: User
    senior: User
    physician: User
    quality: User
    compliance: User
    admin: User
    auditor: User
    outsider_program: Program
    outsider_cm: User

    def by_role(self, role: str) -> User:
        return {
            Role.CASE_MANAGER: self.cm,
            Role.SUPERVISOR: self.supervisor,
            Role.SENIOR_CLINICAL: self.senior,
            Role.PHYSICIAN_ADVISOR: self.physician,
            Role.QUALITY_ANALYST: self.quality,
            Role.COMPLIANCE_OFFICER: self.compliance,
            Role.ADMINISTRATOR: self.admin,
            Role.AUDITOR: self.auditor,
        }[role]


def build_world() -> World:
    prog = factories.program("main")
    team, sup = factories.team(prog, "Team A")
    other_team, other_sup = factories.team(prog, "Team B")
    outsider = factories.program("other")
    outsider_team, _ = factories.team(outsider, "Elsewhere")
    return World(
        program=prog,
        team=team,
        supervisor=sup,
        cm=factories.user(Role.CASE_MANAGER, prog, team),
        cm2=factories.user(Role.CASE_MANAGER, prog, team),
        cm3=factories.user(Role.CASE_MANAGER, prog, team),
        other_team=other_team,
        other_supervisor=other_sup,
        other_cm=factories.user(Role.CASE_MANAGER, prog, other_team),
        senior=factories.user(Role.SENIOR_CLINICAL, prog),
        physician=factories.user(Role.PHYSICIAN_ADVISOR, prog),
        quality=factories.user(Role.QUALITY_ANALYST, prog),
        compliance=factories.user(Role.COMPLIANCE_OFFICER, prog),
        admin=factories.user(Role.ADMINISTRATOR, prog),
        auditor=factories.user(Role.AUDITOR, prog),
        outsider_program=outsider,
        outsider_cm=factories.user(Role.CASE_MANAGER, outsider, outsider_team),
    )


_OPEN_WORLDS: list[Any] = []
"""The outer transaction of the module world, while it is open."""


def _close_module_world() -> None:
    while _OPEN_WORLDS:
        outer = _OPEN_WORLDS.pop()
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once per test module inside a transaction rolled back when the
    module ends. Each test's own transaction is a savepoint inside it, so what a test
    writes is undone after it while the world stays (the idea of `setUpTestData`).
    A module's transactional tests run after its others (pytest-django orders them
    last) and close it first (`fresh_world`)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        _OPEN_WORLDS.append(outer)
        try:
            yield build_world()
        finally:
            _close_module_world()


@pytest.fixture
def world(module_world: World, db: None, request: pytest.FixtureRequest) -> World:
    """The module's world; a copy, so a test that changes an object in memory does not
    change the next test's. Tests whose writes commit use `fresh_world`."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        pytest.fail("a transactional test commits its writes: use the fresh_world fixture")
    return copy.deepcopy(module_world)


@pytest.fixture
def fresh_world(transactional_db: None) -> World:
    """A world of its own for a test whose writes are committed (live server, threads)."""
    _close_module_world()
    return build_world()
