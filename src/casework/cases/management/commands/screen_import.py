"""`casework screen import RUN --as SUPERVISOR`: selected members become referrals, once."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.cases.services import ScreenedMember, referrals_import_from_screening
from casework.core.actor import actor_for
from casework.core.errors import DomainError
from casework.core.roles import Role
from casework.staff.models import User


def member_from_handoff(row: dict[str, Any]) -> ScreenedMember:
    """Map one row of `casework.population.handoff.selected_members` to the service input."""
    return ScreenedMember(
        key=row["idempotency_key"],
        member_id=str(row["member_id"]),
        given_name=row.get("given_name") or "",
        family_name=row.get("family_name") or "",
        birth_date=str(row["birth_date"]),
        sex=row.get("sex") or "unknown",
        language=row.get("language") or "",
        tier=str(row.get("tier_label") or row["tier"]),
        reasons=list(row.get("reasons") or []),
        criteria_id=str(row["criteria_id"]),
        criteria_version=str(row["criteria_version"]),
        window_start=str(row["window_start"]),
        window_end=str(row["window_end"]),
    )


class Command(BaseCommand):
    help = (
        "Create referrals in the case-management queue from a population-screening run "
        "(idempotent: a member is referred once per screening window)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "run_dir", type=Path, help="the run folder written by `casework screen`"
        )
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="the supervisor whose team queue receives the referrals",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from casework.population.handoff import selected_members

        user = User.objects.filter(username__iexact=options["username"], is_active=True).first()
        if user is None or user.role != Role.SUPERVISOR:
            raise CommandError("--as must name an active supervisor")
        run_dir: Path = options["run_dir"]
        if not run_dir.is_dir():
            raise CommandError(f"{run_dir}: no such run folder")
        members = [member_from_handoff(row) for row in selected_members(run_dir)]
        try:
            result = referrals_import_from_screening(actor=actor_for(user), members=members)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"referrals created: {result.created}; already imported: {result.already_present}; "
            f"skipped (open case): {result.skipped_open_case}"
        )
