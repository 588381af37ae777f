"""`casework audit seal|verify`: seal audit events into the HMAC chain, or check the chain."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core.audit import audit_seal, audit_verify


class Command(BaseCommand):
    help = (
        "Seal committed audit events into the HMAC-SHA256 chain (seal), or walk the chain "
        "and report the first broken link (verify). See docs/audit.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{seal,verify}")
        seal = sub.add_parser("seal", help="seal every committed, unsealed event in id order")
        seal.add_argument("--batch-size", type=int, default=1000, help="events per transaction")
        verify = sub.add_parser(
            "verify",
            help="check every seal; exit 0 when intact, 1 at the first broken link",
        )
        verify.add_argument(
            "--anchor-seq",
            type=int,
            help="a head seq recorded earlier outside the database (detects deleted newest rows)",
        )
        verify.add_argument("--anchor-mac", help="the mac recorded with --anchor-seq")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            sealed = audit_seal(batch_size=options["batch_size"])
            self.stdout.write(f"sealed {sealed} audit event(s)")
            return
        if options["anchor_mac"] and options["anchor_seq"] is None:
            raise CommandError("--anchor-mac needs --anchor-seq")
        result = audit_verify(anchor_seq=options["anchor_seq"], anchor_mac=options["anchor_mac"])
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN at seq {result.broken_seq}: {result.problem} "
                f"(links 1..{result.head_seq} verified)",
                returncode=1,
            )
        self.stdout.write(
            f"audit chain intact: {result.checked} seal(s) verified; "
            f"head seq {result.head_seq} mac {result.head_mac}; "
            f"{result.unsealed} event(s) not yet sealed"
        )
        self.stdout.write(
            f"keep this anchor outside the database: --anchor-seq {result.head_seq} "
            f"--anchor-mac {result.head_mac}"
        )
