"""The MLLP listener for the hospital's ADT feed (`casework adt listen`), on the `hl7`
package's asyncio MLLP streams.

Each connection reads one framed message at a time and hands it to the one database
writer thread, then waits for its ACK before reading the next (so a feed's messages are
applied in order). The writer does group commit: it applies whatever the connections have
queued (up to `BATCH_MAX` messages) in one transaction, each message's writes in
savepoints of their own (so a bad one fails alone with its AE/AR and the others still
commit), commits once, and only then releases each message's ACK. While a batch
commits, the next one gathers. A kill -9 before the commit loses the whole batch, none
of it acknowledged: the senders send those messages again. When the commit itself fails,
each message of the batch is applied again alone. Loopback by default; TLS when a
certificate and key are given.
"""

import asyncio
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import DatabaseError, close_old_connections, transaction
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


class Listener:
    def __init__(
        self,
        program: Program,
        log: Callable[[str], None] = lambda s: None,
        *,
        relay: Callable[[str], str] | None = None,
    ) -> None:
        """`relay`: hand each message to another thread that applies it and returns the
        ACK (the demo loader, whose transaction lives on its own thread)."""
        self.program = program
        self.relay = relay
        self.log = log
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="adt-db")
        self.applied = 0
        self.batches = 0
        # Messages waiting for the writer, each with the future its connection awaits;
        # touched on the event loop's thread only.
        self._pending: list[tuple[str, asyncio.Future[str]]] = []
        self._writing = False

    def _receive(self, raw: str) -> str:
        result = adt_receive(raw, program=self.program)
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
        """Apply `raws` in one transaction (a savepoint each) and commit once: the ACKs
        are returned, to be sent, only after that commit."""
        if self.relay is not None or len(raws) == 1:
            return [self._apply(raw) for raw in raws]
        close_old_connections()
        applied = self.applied
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

    def _write_next(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._pending = self._pending[:BATCH_MAX], self._pending[BATCH_MAX:]
        self._writing = True
        task = loop.run_in_executor(self.worker, self._apply_batch, [raw for raw, _ in batch])

        def done(task: asyncio.Future[list[str]]) -> None:
            self._writing = False
            error = task.exception()
            for i, (_, future) in enumerate(batch):
                if future.done():
                    continue  # its connection went away
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(task.result()[i])
            if self._pending:
                self._write_next(loop)

        task.add_done_callback(done)

    async def submit(self, raw: str) -> str:
        """Queue `raw` for the writer; its ACK once the batch holding it committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()
        self._pending.append((raw, future))
        if not self._writing:
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
