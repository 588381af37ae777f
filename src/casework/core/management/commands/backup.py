"""`casework backup --out PATH`: write an encrypted, verifiable backup archive (N3, S47)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core.backup import BackupError, create_backup
from casework.core.backup_archive import generate_key


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump --format=custom) into one "
        "archive encrypted with AES-256-GCM under CASEWORK_BACKUP_KEY (or the file named by "
        "CASEWORK_BACKUP_KEY_FILE), with a manifest: row counts, the audit chain's last seal "
        "and the schema version. See docs/operations.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--out", type=Path, help="the archive to write, or a folder to write it in"
        )
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="print a new random backup key (base64) and exit",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            self.stdout.write(generate_key())
            return
        if options["out"] is None:
            raise CommandError("--out is required: the archive to write, or a folder")
        try:
            result = create_backup(options["out"])
        except BackupError as error:
            raise CommandError(f"backup refused: {error}") from error
        manifest = result.manifest
        seal = manifest["audit_last_seal"]
        self.stdout.write(
            f"backup written: {result.archive} ({result.archive_bytes:,} bytes; dump "
            f"{result.dump_bytes:,} bytes by {manifest['dump']['tool']})\n"
            f"  {len(manifest['tables'])} tables, {sum(manifest['tables'].values()):,} rows; "
            + (f"audit chain head seq {seal['seq']} mac {seal['mac']}" if seal else "no seals")
            + f"\n  snapshot {result.timings['snapshot']:.1f} s, "
            f"encrypt {result.timings['encrypt']:.1f} s"
        )
