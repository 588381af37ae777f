"""casework providers import PATH --program CODE: load the program's copy of public
post-acute provider data (CSV) into its provider directory."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.core.models import Program
from casework.transitions import services


class Command(BaseCommand):
    help = (
        "Import post-acute providers from a CSV with the columns ccn, name, provider_type, "
        "address, city, state, postal_code, phone, service_area, medicare, star_rating, "
        "quality_measures, financial_interest. Rejected rows are listed, one a line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--program", required=True, help="the program's code")
        parser.add_argument(
            "--strict", action="store_true", help="exit with status 1 when any row is rejected"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(code=options["program"]).first()
        if program is None:
            raise CommandError(f"no program with code {options['program']!r}")
        try:
            text = options["path"].read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['path']}: {exc.__class__.__name__}") from exc
        report = services.providers_import(program=program, text=text)
        self.stdout.write(f"{report.created} created, {report.updated} updated")
        for reject in report.rejects:
            self.stdout.write(f"rejected: line {reject.line}: {reject.field}: {reject.reason}")
        self.stdout.write(f"{len(report.rejects)} rejected")
        if report.rejects and options["strict"]:
            raise CommandError(f"{len(report.rejects)} rows rejected")
