"""The MLLP listener for the hospital's ADT feed (`casework adt listen`), on the `hl7`
package's asyncio MLLP streams.

Each connection reads one framed message at a time and hands it to the database writers,
then waits for its ACK before reading the next (so a feed's messages are applied in
order). A writer does group commit: it applies whatever the connections have queued (up
to `BATCH_MAX` messages) in one transaction, commits once, and only then releases each
message's ACK; while a batch commits, the next one gathers. On PostgreSQL a second writer
thread, on its own connection, takes the next batch when `SECOND_WRITER_AT` messages wait
(`default_writers`).

A batch is first applied without savepoints: nearly every message of a feed is applied,
and a savepoint costs two round trips, a third of a message's statements. When one of its
messages is not applied (refused, malformed or a duplicate) or any statement fails, that
transaction is rolled back and the batch applied again with a savepoint for each
message's writes, so a bad one fails alone with its AE/AR and the others still commit.
When that commit fails too, each message is applied alone. A kill -9 before a commit
loses that batch, none of it acknowledged: the senders send those messages again.
Loopback by default; TLS when a certificate and key are given.
"""

import asyncio
import contextlib
import ssl
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from hl7.mllp import HL7StreamReader, HL7StreamWriter, InvalidBlockError, start_hl7_server

from casework.core.models import Program
from casework.stays.adt import _ack, adt_receive
from casework.stays.rules import AckCode

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2575
MAX_MESSAGE_BYTES = 1_000_000
# The most messages one transaction applies (one per connection at a time: a sender waits
# for each ACK, so a batch holds at most one message of each connection).
BATCH_MAX = 64
# A second writer starts a batch only when this many messages wait, so that batches stay
# large enough to share a commit (bench/stays.py on PostgreSQL, 2 cores: 415-423 msg/s
# at 2; 316-445 at 3; 258-350 at 6; 302-348 with one writer).
SECOND_WRITER_AT = 2


def _decode(block: bytes) -> str:
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError:
        return block.decode("latin-1")


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


@contextlib.contextmanager
def _without_savepoints() -> Iterator[None]:
    """Atomic blocks nested in the current transaction, on this thread's connection, take
    no savepoint: a failure anywhere marks the whole transaction for rollback (Django's
    behaviour where savepoints are not allowed). Both backends ask the connection's
    `_savepoint_allowed()` before every savepoint statement; shadowed on this connection
    only, for the block (tests/stays/test_group_commit.py checks both backends)."""
    wrapper: Any = connections[DEFAULT_DB_ALIAS]  # this thread's
    wrapper._savepoint_allowed = _no
    try:
        yield
    finally:
        del wrapper._savepoint_allowed


def _no() -> bool:
    return False


def default_writers() -> int:
    """Two writers on PostgreSQL, whose row locks let two transactions write at once (one
    applies its batch while the other waits on the server); one on SQLite, whose
    IMMEDIATE transactions take the one write lock in turn."""
    return 2 if connection.vendor == "postgresql" else 1


class Listener:
    def __init__(
        self,
        program: Program,
        log: Callable[[str], None] = lambda s: None,
        *,
        relay: Callable[[str], str] | None = None,
        writers: int | None = None,
    ) -> None:
        """`relay`: hand each message to another thread that applies it and returns the
        ACK (the demo loader, whose transaction lives on its own thread). `writers`: the
        database writer threads, each applying its own batches on its own connection
        (default `default_writers()`)."""
        self.program = program
        self.relay = relay
        self.log = log
        self.writers = 1 if relay is not None else writers or default_writers()
        self.worker = ThreadPoolExecutor(max_workers=self.writers, thread_name_prefix="adt-db")
        self.applied = 0
        self.batches = 0
        self.fallbacks = 0  # batches applied again with a savepoint a message
        # Messages waiting for the writer, each with the future its connection awaits;
        # touched on the event loop's thread only.
        self._pending: list[tuple[str, asyncio.Future[str]]] = []
        self._writing = 0  # batches being applied
        self.peak_writing = 0  # the most batches applied at once

    def summary(self) -> str:
        return (
            f"{self.applied} messages applied; {self.batches} batches committed, "
            f"{self.fallbacks} of them again with a savepoint a message; "
            f"{self.writers} writer(s), at most {self.peak_writing} at once"
        )

    def _receive(self, raw: str, *, strict: bool = False) -> str:
        result = adt_receive(raw, program=self.program, strict=strict)
        if result.code == AckCode.ACCEPT and not result.duplicate:
            self.applied += 1
        elif result.code != AckCode.ACCEPT:
            self.log(f"{result.code.value} message {result.message_id}")
        return result.ack

    def _apply(self, raw: str) -> str:
        """One message in a transaction of its own (no batch)."""
        if self.relay is not None:
            return self.relay(raw)
        close_old_connections()
        return self._receive(raw)

    def _apply_one_in_batch(self, raw: str) -> str:
        # No savepoint of its own here: every statement of `adt_receive` runs in one of
        # its savepoints (the change with its message row, the duplicate's look-up, the
        # error-queue row), so a failure rolls back that message's writes alone and
        # leaves the batch's transaction usable (two round trips a message fewer).
        try:
            return self._receive(raw)
        except DatabaseError as exc:
            # Rolled back to its savepoint: this message alone fails; the sender may resend.
            self.log(f"AE message not applied: {exc}")
            return _ack(None, AckCode.ERROR, "the message could not be stored", "")

    def _apply_batch(self, raws: list[str]) -> list[str]:
        """Apply `raws` in one transaction and commit once: the ACKs are returned, to be
        sent, only after that commit. First without savepoints; when that fails, with a
        savepoint a message; when that commit fails, each message alone."""
        if self.relay is not None or len(raws) == 1:
            return [self._apply(raw) for raw in raws]
        close_old_connections()
        applied = self.applied
        try:
            with transaction.atomic(), _without_savepoints():
                acks = [self._receive(raw, strict=True) for raw in raws]
        except Exception:  # rolled back: the batch is applied again with savepoints
            self.applied = applied
            self.fallbacks += 1
        else:
            self.batches += 1
            return acks
        try:
            with transaction.atomic():
                acks = [self._apply_one_in_batch(raw) for raw in raws]
        except DatabaseError as exc:
            # The commit failed: nothing of the batch is stored; apply each alone.
            self.log(f"batch of {len(raws)} not committed ({exc}); applying one by one")
            self.applied = applied
            return [self._apply(raw) for raw in raws]
        self.batches += 1
        return acks

    def _should_write(self) -> bool:
        if not self._pending or self._writing >= self.writers:
            return False
        return self._writing == 0 or len(self._pending) >= SECOND_WRITER_AT

    def _write_next(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._pending = self._pending[:BATCH_MAX], self._pending[BATCH_MAX:]
        self._writing += 1
        self.peak_writing = max(self.peak_writing, self._writing)
        task = loop.run_in_executor(self.worker, self._apply_batch, [raw for raw, _ in batch])

        def done(task: asyncio.Future[list[str]]) -> None:
            self._writing -= 1
            error = task.exception()
            for i, (_, future) in enumerate(batch):
                if future.done():
                    continue  # its connection went away
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(task.result()[i])
            if self._should_write():
                self._write_next(loop)

        task.add_done_callback(done)

    async def submit(self, raw: str) -> str:
        """Queue `raw` for the writer; its ACK once the batch holding it committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()
        self._pending.append((raw, future))
        if self._should_write():
            self._write_next(loop)
        return await future

    async def handle(self, reader: HL7StreamReader, writer: HL7StreamWriter) -> None:
        try:
            while True:
                try:
                    block = await reader.readblock()
                except asyncio.IncompleteReadError:
                    return  # the sender closed the connection
                except (InvalidBlockError, ValueError) as exc:
                    ack = _ack(None, AckCode.REJECT, f"bad MLLP frame: {exc}", "")
                    writer.writeblock(ack.encode())
                    await writer.drain()
                    continue
                raw = _decode(block)
                try:
                    ack = await self.submit(raw)
                except Exception as exc:  # nothing committed for it: no ACK, the sender resends
                    self.log(f"message not applied, connection closed: {exc}")
                    return
                writer.writeblock(ack.encode())
                await writer.drain()
        except (ConnectionResetError, BrokenPipeError):
            return
        finally:
            writer.close()

    async def serve(
        self,
        host: str,
        port: int,
        tls: ssl.SSLContext | None = None,
        ready: Callable[[int], None] | None = None,
    ) -> None:
        server = await start_hl7_server(self.handle, host, port, limit=MAX_MESSAGE_BYTES, ssl=tls)
        bound = server.sockets[0].getsockname()[1]
        if ready is not None:
            ready(bound)
        async with server:
            await server.serve_forever()
