"""The live listener on PostgreSQL, where two writers apply batches at once: several
connections send at the same time, the listener is killed (-9) in the middle of the burst,
and no acknowledged message is lost or applied twice; sending the whole feed again gives
the acknowledged messages their stored ACKs and applies the rest once. (On SQLite the
listener has one writer: tests/stays/test_mllp.py.)"""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import hl7
import pytest
from django.db import connection
from hl7.mllp import open_hl7_connection

from casework.stays.models import AdtMessage, Stay, Unit
from tests import factories
from tests.stays.messages import adt
from tests.stays.test_mllp import _msa, _run

pytestmark = [pytest.mark.slow(10), pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CONNECTIONS = 4
PER_CONNECTION = 10


def _listener(
    tmp_path: Path, stderr: int = subprocess.DEVNULL
) -> tuple[subprocess.Popen[str], int]:
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=url,
        CASEWORK_DATA_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="casework.settings.dev",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "casework.cli", "adt", "listen", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("listening on mllp://127.0.0.1:"), line
    return proc, int(line.rsplit(":", 1)[1])


async def _send(port: int, raws: list[str], acks: list[str], kill, kill_at: int) -> None:
    reader, writer = await open_hl7_connection("127.0.0.1", port)
    try:
        for raw in raws:
            writer.writemessage(hl7.parse(raw))
            await writer.drain()
            try:
                ack = await asyncio.wait_for(reader.readmessage(), timeout=20)
            except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                return
            acks.append(str(ack))
            if len(acks) == kill_at:
                kill()  # the other connections have messages in flight
    finally:
        writer.close()


async def _burst(port: int, feeds: list[list[str]], kill, kill_at: int) -> list[str]:
    acks: list[str] = []
    await asyncio.gather(*(_send(port, feed, acks, kill, kill_at) for feed in feeds))
    return acks


def test_two_writers_killed_mid_burst_lose_no_acknowledged_message(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two writers run on PostgreSQL only; SQLite's one: test_mllp.py")
    program = factories.program("hospital")
    Unit.objects.create(program=program, code="4N", name="4 North")
    feeds = [
        [
            adt("A01", mrn=f"P{c}-{i}", visit=f"PV{c}-{i}", control_id=f"P{c}-{i}")
            for i in range(PER_CONNECTION)
        ]
        for c in range(CONNECTIONS)
    ]
    acked: dict[str, str] = {}
    for round_, kill_at in enumerate((7, 19)):  # bounded: two bursts, killed at different points
        proc, port = _listener(tmp_path)
        try:
            acks = _run(_burst(port, feeds, lambda p=proc: p.send_signal(signal.SIGKILL), kill_at))
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        assert kill_at <= len(acks) < CONNECTIONS * PER_CONNECTION, round_
        for ack in acks:
            assert _msa(ack)[1] == "AA"
            acked.setdefault(_msa(ack)[2], ack)
        # Every acknowledged message is committed, once.
        applied = list(
            AdtMessage.objects.filter(outcome="applied").values_list("control_id", flat=True)
        )
        assert set(acked) <= set(applied)
        assert len(applied) == len(set(applied))
    # The whole feed again: the acknowledged get their stored ACKs, the rest apply once.
    proc, port = _listener(tmp_path, stderr=subprocess.PIPE)
    try:
        again = _run(_burst(port, feeds, lambda: None, 0))
    finally:
        proc.send_signal(signal.SIGINT)
        _, summary = proc.communicate(timeout=10)
    assert "; 2 writer(s)" in summary, summary
    assert [_msa(a)[1] for a in again] == ["AA"] * (CONNECTIONS * PER_CONNECTION)
    for ack in again:
        control = _msa(ack)[2]
        if control in acked:
            assert ack == acked[control]
    assert AdtMessage.objects.filter(outcome="applied").count() == CONNECTIONS * PER_CONNECTION
    visits = Stay.objects.filter(visit_number__startswith="PV")
    assert (visits.count(), visits.values("visit_number").distinct().count()) == (40, 40)
