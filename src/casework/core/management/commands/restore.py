"""`casework restore ARCHIVE --into DATABASE_URL | --verify`: restore a backup archive."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `casework backup`. --into DATABASE_URL restores into "
        "a new SQLite file or an empty PostgreSQL database, then checks it against the "
        "manifest; --verify restores into a scratch database, checks the row counts, the "
        "schema version and the audit chain, and removes it. See docs/operations.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", type=Path)
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--into", metavar="DATABASE_URL", help="the database to restore into")
        what.add_argument(
            "--verify", action="store_true", help="restore into a scratch database and check it"
        )
        parser.add_argument(
            "--server",
            metavar="DATABASE_URL",
            help="with --verify of a PostgreSQL archive: the server to create the scratch "
            "database on (default: the configured database's server)",
        )
        parser.add_argument(
            "--no-check", action="store_true", help="with --into: skip the checks afterwards"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(
                options["archive"],
                into=options["into"],
                server=options["server"],
                check=not options["no_check"],
            )
        except BackupError as error:
            raise CommandError(f"restore refused: {error}") from error
        manifest = result.manifest
        self.stdout.write(
            f"archive authenticated: {manifest['engine']} backup of {manifest['created_at']} "
            f"({sum(manifest['tables'].values()):,} rows)"
        )
        if options["into"]:
            self.stdout.write(f"restored into {options['into'].split('@')[-1]}")
        timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.timings.items())
        if result.check is not None:
            for line in result.check.lines:
                self.stdout.write(f"  {line}")
            if not result.check.ok:
                raise CommandError(f"restore check FAILED ({timings})", returncode=1)
            self.stdout.write(
                "restore check passed" + ("" if options["into"] else " (scratch database removed)")
            )
        self.stdout.write(f"  {timings}")
