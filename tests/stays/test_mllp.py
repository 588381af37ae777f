"""The live MLLP listener (`casework adt listen`) against the `hl7` package's MLLP client:
AA after commit, the stored ACK for a duplicate, AR for a malformed message, and kill -9
of the listener in the middle of a burst losing no acknowledged message and applying none
twice (a bounded loop). The listener runs as its own process on an SQLite file."""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hl7
import pytest
from hl7.mllp import open_hl7_connection

from tests.stays.messages import adt
from tests.template_db import migrated_sqlite_file

pytestmark = pytest.mark.slow(10)

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
from casework.core.models import Program
from casework.stays.models import Unit
p = Program.objects.create(code="hospital", name="General", purpose_statement="x",
    complaint_contact="x", after_closure_contact="x")
Unit.objects.create(program=p, code="4N", name="4 North")
"""


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        CASEWORK_DATA_DIR=str(data_dir),
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="casework.settings.dev",
    )
    return env


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "casework.cli", *args], env=env, check=True, capture_output=True
    )


# Session-scoped: a module fixture is set up again each time xdist hands this module's
# tests to the worker in another batch.
@pytest.fixture(scope="session")
def feed_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    data_dir = tmp_path_factory.mktemp("adt")
    env = _env(data_dir)
    # The migrated schema comes from the test database's template (tests/template_db.py):
    # migrating a file in a process of its own costs about 20 s of CPU.
    migrated_sqlite_file(
        data_dir / "casework.sqlite3", build=lambda: _cli(env, "migrate", "--no-input")
    )
    _cli(env, "shell", "-c", SETUP)
    yield env


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "casework.cli", "adt", "listen", "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("listening on mllp://127.0.0.1:"), line
        self.port = int(line.rsplit(":", 1)[1])

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


async def _send_all(
    port: int, raws: list[str], kill_after: int | None = None, server=None
) -> list[str]:
    """Send each message and wait for its ACK; with `kill_after`, kill -9 the listener
    once that many ACKs came back (with further messages already in flight)."""
    reader, writer = await open_hl7_connection("127.0.0.1", port)
    acks: list[str] = []
    try:
        for i, raw in enumerate(raws):
            writer.writemessage(hl7.parse(raw))
            if kill_after is not None and i == kill_after:
                # one more in flight, then the listener dies before answering it
                server.kill()
            await writer.drain()
            try:
                ack = await asyncio.wait_for(reader.readmessage(), timeout=20)
            except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                break
            acks.append(str(ack))
    finally:
        writer.close()
    return acks


def _run(coro: Any) -> Any:
    """asyncio.run in a thread of its own: a browser test in the same session may have
    left an event loop running in this thread."""
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(asyncio.run(coro)))
    worker.start()
    worker.join(timeout=300)
    return out[0]


def _msa(ack: str) -> list[str]:
    return next(s for s in ack.split("\r") if s.startswith("MSA")).split("|")


def _db_rows(env: dict[str, str], sql: str) -> list[tuple]:
    with sqlite3.connect(Path(env["CASEWORK_DATA_DIR"]) / "casework.sqlite3") as db:
        return db.execute(sql).fetchall()


def test_live_listener_acks_dedupes_and_rejects(feed_db: dict[str, str]) -> None:
    server = Server(feed_db)
    try:
        first = adt("A01", mrn="L1", visit="LV1", control_id="LIVE1", unit="4N")
        acks = _run(
            _send_all(server.port, [first, first, adt("A09", control_id="LIVE2", visit="LV1")])
        )
    finally:
        server.stop()
    assert _msa(acks[0])[1:3] == ["AA", "LIVE1"]
    assert acks[1] == acks[0]  # the stored ACK, re-sent
    assert _msa(acks[2])[1:4] == ["AR", "LIVE2", "trigger event A09 is not supported"]
    assert _db_rows(feed_db, "select count(*) from stays_stay where visit_number='LV1'") == [(1,)]


def test_kill_9_mid_burst_loses_no_acknowledged_message(feed_db: dict[str, str]) -> None:
    acked: dict[str, str] = {}
    sent: list[str] = []
    for round_ in range(3):  # bounded
        burst = [
            adt("A01", mrn=f"K{round_}-{i}", visit=f"KV{round_}-{i}", control_id=f"K{round_}-{i}")
            for i in range(12)
        ]
        sent += burst
        server = Server(feed_db)
        acks = _run(_send_all(server.port, burst, kill_after=5 + round_, server=server))
        if server.proc.poll() is None:
            server.kill()
        for ack in acks:
            fields = _msa(ack)
            assert fields[1] == "AA"
            acked[fields[2]] = ack
        assert 1 <= len(acks) <= 12
    # Every acknowledged message is committed.
    applied = dict(
        _db_rows(
            feed_db,
            "select control_id, count(*) from stays_adtmessage where control_id like 'K%' "
            "and outcome='applied' group by control_id",
        )
    )
    assert set(acked) <= set(applied)
    assert set(applied.values()) == {1}
    # Re-sending the whole feed: acknowledged ones get their stored ACK, the rest apply once.
    server = Server(feed_db)
    try:
        again = _run(_send_all(server.port, sent))
    finally:
        server.stop()
    assert [_msa(a)[1] for a in again] == ["AA"] * len(sent)
    for ack in again:
        control = _msa(ack)[2]
        if control in acked:
            assert ack == acked[control]
    visits = _db_rows(
        feed_db,
        "select count(*), count(distinct visit_number) from stays_stay "
        "where visit_number like 'KV%'",
    )
    assert visits == [(36, 36)]
