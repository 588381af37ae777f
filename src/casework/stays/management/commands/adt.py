"""`casework adt listen|load|queue`: the hospital ADT feed (HL7 v2 over MLLP)."""

import asyncio
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.stays.adt import adt_program, adt_receive, split_batch
from casework.stays.listener import DEFAULT_HOST, DEFAULT_PORT, Listener, tls_context
from casework.stays.selectors import adt_error_queue


class Command(BaseCommand):
    help = (
        "listen: run the MLLP listener for ADT messages (loopback by default; --tls-cert "
        "and --tls-key for TLS). load FILE: apply a batch file of ADT messages. queue: "
        "list the error queue. See docs/stays.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listen = sub.add_parser("listen", help="run the MLLP listener")
        listen.add_argument("--host", default=DEFAULT_HOST)
        listen.add_argument("--port", type=int, default=DEFAULT_PORT, help="0: any free port")
        listen.add_argument("--program", default=None, help="program code (if more than one)")
        listen.add_argument("--tls-cert", default="")
        listen.add_argument("--tls-key", default="")
        load = sub.add_parser("load", help="apply a batch file of ADT messages")
        load.add_argument("file")
        load.add_argument("--program", default=None)
        queue = sub.add_parser("queue", help="list the error queue")
        queue.add_argument("--program", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            program = adt_program(options["program"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        action = options["action"]
        if action == "load":
            self._load(program, Path(options["file"]))
        elif action == "queue":
            for row in adt_error_queue(program_id=program.pk):
                self.stdout.write(f"{row.pk}\t{row.outcome}\t{row.control_id}\t{row.reason}")
        else:
            self._listen(program, options)

    def _load(self, program: Any, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        counts: dict[str, int] = {}
        for raw in split_batch(path.read_text(encoding="utf-8", errors="replace")):
            result = adt_receive(raw, program=program)
            label = "duplicate" if result.duplicate else result.code.value
            counts[label] = counts.get(label, 0) + 1
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "empty")

    def _listen(self, program: Any, options: dict[str, Any]) -> None:
        cert, key = options["tls_cert"], options["tls_key"]
        if bool(cert) != bool(key):
            raise CommandError("--tls-cert and --tls-key go together")
        tls = tls_context(cert, key) if cert else None
        listener = Listener(program, log=lambda s: self.stderr.write(s))

        def ready(port: int) -> None:
            scheme = "mllp+tls" if tls else "mllp"
            self.stdout.write(f"listening on {scheme}://{options['host']}:{port}")
            sys.stdout.flush()
            self.stdout.flush()

        try:
            asyncio.run(listener.serve(options["host"], options["port"], tls, ready))
        except KeyboardInterrupt:
            return
        finally:
            self.stderr.write(listener.summary())
