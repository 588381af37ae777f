"""casework resources import PATH: load an HSDS 3.0 data set into the resource directory."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.resources import hsds, services


class Command(BaseCommand):
    help = (
        "Import an Open Referral HSDS 3.0 data set: a CSV data package (directory or its "
        "datapackage.json) or HSDS API JSON (a service, a list, or a /services page). "
        "Rejected rows are listed, one a line; accepted rows are stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--strict", action="store_true", help="exit with status 1 when any row is rejected"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = services.directory_import(options["path"])
        except hsds.SourceError as exc:
            raise CommandError(str(exc)) from exc
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        for table, count in sorted(report.counts.items()):
            self.stdout.write(f"{table}: {count} imported")
        for reject in report.rejects:
            self.stdout.write(f"rejected: {reject}")
        self.stdout.write(f"{len(report.rejects)} rejected")
        if report.rejects and options["strict"]:
            raise CommandError(f"{len(report.rejects)} rows rejected")
