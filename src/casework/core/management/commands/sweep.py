"""`casework sweep [--loop --interval N]`: seal the audit chain and act on due deadlines."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core.sweep import sweep_loop, sweep_once


class Command(BaseCommand):
    help = (
        "Seal committed audit events into the chain, mark overdue work items and enqueue "
        "overdue notices and reminders (django.tasks). Idempotent. Run once (e.g. from cron) "
        "or with --loop. See docs/deadlines.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep sweeping")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between sweeps (default 5)"
        )
        parser.add_argument(
            "--iterations",
            type=int,
            default=0,
            help="with --loop: stop after this many sweeps (default 0: run until stopped)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["loop"]:
            self.stdout.write(str(sweep_once()))
            return
        if options["interval"] < 0:
            raise CommandError("--interval must not be negative")
        self.stdout.write(f"sweeping every {options['interval']} s (Ctrl-C to stop)")
        try:
            done = sweep_loop(interval=options["interval"], iterations=options["iterations"])
        except KeyboardInterrupt:
            return
        self.stdout.write(f"{done} sweep(s) run")
