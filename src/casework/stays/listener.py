"""The MLLP listener for the hospital's ADT feed (`casework adt listen`), on the `hl7`
package's asyncio MLLP streams.

Each connection reads one framed message at a time, applies it on the single database
worker thread (so messages of a feed are applied in order, one transaction each) and
writes the ACK only after that transaction committed. Loopback by default; TLS when a
certificate and key are given.
"""

import asyncio
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections
from hl7.mllp import HL7StreamReader, HL7StreamWriter, InvalidBlockError, start_hl7_server

from casework.core.models import Program
from casework.stays.adt import _ack, adt_receive
from casework.stays.rules import AckCode

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2575
MAX_MESSAGE_BYTES = 1_000_000


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

    def _apply(self, raw: str) -> str:
        if self.relay is not None:
            return self.relay(raw)
        close_old_connections()
        result = adt_receive(raw, program=self.program)
        if result.code == AckCode.ACCEPT and not result.duplicate:
            self.applied += 1
        elif result.code != AckCode.ACCEPT:
            self.log(f"{result.code.value} message {result.message_id}")
        return result.ack

    async def handle(self, reader: HL7StreamReader, writer: HL7StreamWriter) -> None:
        loop = asyncio.get_running_loop()
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
                ack = await loop.run_in_executor(self.worker, self._apply, raw)
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
