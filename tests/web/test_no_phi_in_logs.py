"""Concurrent referrals with one new record number, and no PHI in any log line (issue 12,
defect 5; S34).

The loser of the race gets the same 422 as a sequential duplicate (it was a 500 whose
IntegrityError, `Key (program_id, mrn)=(1, ...) already exists`, went to the log). Every
log record made at any level while seeded operations run (the race, a failing request,
SQL at DEBUG) is scanned for the seeded names, record numbers and birth dates."""

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from casework.cases.models import Case
from casework.cases.services import intake as intake_module
from casework.consumers.models import Consumer
from tests import factories
from tests.api_helpers import call, token_client
from tests.cases.test_api import intake_body
from tests.conftest import World

GIVEN, FAMILY, MRN, BIRTH = "Philomena", "Quackenbush", "MRN-55501234", "1937-11-23"
SEEDED = (GIVEN, FAMILY, MRN, BIRTH, "55501234", "1937")
MRN_MESSAGE = "a consumer with this medical record number is already in the program"


def seeded_body(**consumer: Any) -> dict[str, Any]:
    fields = {"given_name": GIVEN, "family_name": FAMILY, "mrn": MRN, "birth_date": BIRTH}
    return intake_body(consumer={**intake_body()["consumer"], **fields, **consumer})


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record at DEBUG, SQL included (DEBUG cursors on every connection)."""
    for name in ("", "django", "django.request", "django.db.backends", "casework", "waitress"):
        caplog.set_level(logging.DEBUG, logger=name)
    with override_settings(DEBUG=True):
        yield caplog


def assert_no_phi(caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.records, "the operations were logged"
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.records:
        # Numbers of the record's own (time, thread, duration) can hold "1937" by chance:
        # the scan reads every other attribute, strings and containers.
        fields = {k: v for k, v in vars(record).items() if not isinstance(v, int | float)}
        line = formatter.format(record) + repr(fields)
        for identifier in SEEDED:
            assert identifier not in line, (record.name, line[:500])
    for identifier in SEEDED:
        assert identifier not in caplog.text


def race(world: World, bodies: list[dict[str, Any]]) -> list[Any]:
    """Send the referrals at once; each waits after its duplicate check for the others
    (on SQLite the write lock serialises them, and the wait times out)."""
    barrier = threading.Barrier(len(bodies))
    original = intake_module.consumer_build

    def build_then_wait(**kwargs: Any) -> Consumer:
        consumer = original(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return consumer

    intake_module.consumer_build = build_then_wait  # type: ignore[assignment]
    clients = [token_client(u) for u in (world.cm, world.cm2)][: len(bodies)]
    responses: list[Any] = [None] * len(bodies)

    def send(i: int) -> None:
        try:
            responses[i] = call(clients[i], "POST", "/api/v1/referrals", bodies[i])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        intake_module.consumer_build = original  # type: ignore[assignment]
    return responses


@pytest.mark.django_db(transaction=True)
def test_concurrent_referrals_with_one_new_record_number(fresh_world: World, all_logs: Any) -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's IMMEDIATE transactions serialise the check and the insert, so the "
            "race cannot happen; the test database (in-memory, shared cache) answers "
            "'locked' instead of waiting. The constraint path is the next test."
        )
    responses = race(fresh_world, [seeded_body(), seeded_body()])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 422], [r.content for r in responses]
    loser = next(r for r in responses if r.status_code == 422)
    assert loser.json()["detail"] == [
        {"loc": ["body", "consumer", "mrn"], "msg": MRN_MESSAGE, "type": "value_error"}
    ]
    assert Consumer.objects.filter(mrn=MRN).count() == 1
    assert Case.objects.count() == 1
    assert_no_phi(all_logs)


def test_the_database_refusing_a_duplicate_is_the_same_422(
    world: World, all_logs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unique constraint itself (the check already passed): 422, nothing written,
    nothing of the key in the log."""
    factories.referred_case(world.cm, mrn=MRN, given_name=GIVEN, family_name=FAMILY)
    original = intake_module.consumer_build

    def build_unchecked(*, program_id: int, **fields: Any) -> Consumer:
        consumer = original(program_id=program_id, **{**fields, "mrn": ""})
        consumer.mrn = fields["mrn"]
        return consumer

    monkeypatch.setattr(intake_module, "consumer_build", build_unchecked)
    response = call(token_client(world.cm2), "POST", "/api/v1/referrals", seeded_body())
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["body", "consumer", "mrn"]
    assert Consumer.objects.filter(mrn=MRN).count() == 1
    assert Case.objects.count() == 1
    assert_no_phi(all_logs)


def test_a_failing_request_logs_no_phi(
    world: World, all_logs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unhandled error whose message holds PHI, on the API and on a page."""
    from casework.web import api as web_api

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"{GIVEN} {FAMILY} {MRN} {BIRTH}")

    case = factories.active_case(world.cm, mrn=MRN, given_name=GIVEN, family_name=FAMILY)
    client = token_client(world.cm)
    assert client.get(f"/api/v1/consumers/{case.consumer_id}").status_code == 200
    monkeypatch.setattr(web_api, "scope_for", boom)
    client.raise_request_exception = False
    assert client.get("/api/v1/me").status_code == 500
    page = Client(raise_request_exception=False)
    page.force_login(world.cm)
    monkeypatch.setattr("casework.web.middleware.actor_from_request", boom)
    assert page.get(f"/cases/{case.pk}/").status_code == 500
    logging.getLogger("casework.test").exception("caught", exc_info=ValueError(f"{GIVEN} {BIRTH}"))
    logging.getLogger("casework.test").warning("value: %s", KeyError(MRN))
    assert_no_phi(all_logs)


@pytest.mark.parametrize("name", ["django.db.backends", "django.db.backends.schema", "django.db.x"])
def test_sql_extras_are_blank_on_every_database_logger(all_logs: Any, name: str) -> None:
    """Extras are set after the record factory runs: a filter on one logger misses its
    children and any logger reconfigured later, so they are blanked as the record is made
    (a logger with no filter at all here)."""
    logger = logging.getLogger(name)
    saved = logger.filters[:]
    logger.filters.clear()
    try:
        logger.debug(
            "(%.3f) %s; args=%s; alias=%s",
            0.5,
            "SELECT %s",
            (MRN,),
            "default",
            extra={"sql": f"SELECT '{MRN}'", "params": (GIVEN,), "alias": "default"},
        )
    finally:
        logger.filters[:] = saved
    (record,) = [r for r in all_logs.records if r.name == name]
    assert (record.getMessage(), record.sql, record.params) == (  # type: ignore[attr-defined]
        "(0.500 s) query on default",
        "[redacted]",
        "[redacted]",
    )
    assert_no_phi(all_logs)
