"""`casework audit seal|verify`: seal audit events into the HMAC chain, or check the chain."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core.audit import AuditTampered, audit_seal, audit_verify


class Command(BaseCommand):
    help = (
        "Seal committed audit events into the HMAC-SHA256 chain (seal), or check every "
        "event and seal against the key and the external checkpoint file and report the "
        "first break (verify). See docs/audit.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{seal,verify}")
        seal = sub.add_parser("seal", help="seal every committed, unsealed event in id order")
        seal.add_argument("--batch-size", type=int, default=1000, help="events per transaction")
        verify = sub.add_parser(
            "verify",
            help="check every event and seal; exit 0 when intact, 1 at the first break",
        )
        verify.add_argument(
            "--checkpoint-file",
            type=Path,
            help="a copy of the checkpoint file to check against (default: the configured "
            "CASEWORK_AUDIT_CHECKPOINT_FILE)",
        )
        verify.add_argument(
            "--anchor-seq",
            type=int,
            help="a head seq recorded earlier outside the database (detects deleted newest rows)",
        )
        verify.add_argument("--anchor-mac", help="the mac recorded with --anchor-seq")
        verify.add_argument(
            "--as-of-seq",
            type=int,
            help="verify a copy restored from a backup taken at this seq: checkpoints "
            "written after it are not expected",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            try:
                sealed = audit_seal(batch_size=options["batch_size"])
            except AuditTampered as error:
                raise CommandError(
                    f"audit chain: {error.problem} (run `casework audit verify`)", returncode=1
                ) from error
            self.stdout.write(f"sealed {sealed} audit event(s)")
            return
        if options["anchor_mac"] and options["anchor_seq"] is None:
            raise CommandError("--anchor-mac needs --anchor-seq")
        result = audit_verify(
            anchor_seq=options["anchor_seq"],
            anchor_mac=options["anchor_mac"],
            checkpoint_file=options["checkpoint_file"],
            as_of_seq=options["as_of_seq"],
        )
        if not result.ok:
            where = (
                f"seq {result.broken_seq}"
                if result.broken_event_id is None
                else f"event id {result.broken_event_id} (not yet sealed)"
            )
            if result.broken_seq is None and result.broken_event_id is None:
                where = "the checkpoint file"
            raise CommandError(
                f"audit chain BROKEN at {where}: {result.problem} "
                f"(links 1..{result.head_seq} verified)",
                returncode=1,
            )
        self.stdout.write(
            f"audit chain intact: {result.checked} seal(s) verified against "
            f"{result.checkpoints} checkpoint(s); head seq {result.head_seq} mac "
            f"{result.head_mac}; {result.unsealed} event(s) not yet sealed, each with a valid MAC"
        )
        self.stdout.write(
            f"keep this anchor outside the database: --anchor-seq {result.head_seq} "
            f"--anchor-mac {result.head_mac}"
        )
