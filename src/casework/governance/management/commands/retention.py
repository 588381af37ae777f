"""`casework retention run [--apply] --as USERNAME`: list (dry run, the default) or destroy
the records past their retention and not under a legal hold (N4, S42)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core import clock
from casework.core.actor import actor_for
from casework.core.policy import Permission, Scope, scope_for
from casework.governance.selectors import retention_plan
from casework.governance.services import retention_run
from casework.staff.models import User


class Command(BaseCommand):
    help = (
        "List what the program's retention schedule makes due for destruction (dry run), or "
        "with --apply destroy it: one destruction certificate per record type and one audit "
        "event per record. Legal holds protect what they cover; audit events are never "
        "destroyed here. See docs/governance.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{run}")
        run = sub.add_parser("run", help="list (default) or destroy what is past retention")
        run.add_argument("--apply", action="store_true", help="destroy; without it nothing changes")
        run.add_argument(
            "--as",
            dest="username",
            required=True,
            help="the compliance officer (privacy.manage) the run is recorded under",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"], is_active=True).first()
        if (
            user is None
            or user.program is None
            or scope_for(user.role, Permission.PRIVACY_MANAGE) == Scope.NONE
        ):
            raise CommandError("--as must name an active user whose role holds privacy.manage")
        actor = actor_for(user)
        plan = retention_plan(program_id=user.program.pk, now=clock.now())
        apply = bool(options["apply"])
        self.stdout.write(
            ("Destroying" if apply else "Dry run (nothing changes; --apply destroys)")
            + f" for program {user.program.code}:"
        )
        for row in plan:
            self.stdout.write(
                f"  {row.record_type}: keep {row.years} years (before "
                f"{row.cutoff_at:%Y-%m-%d}): {len(row.due_ids)} due "
                f"{row.due_ids[:20]}{' ...' if len(row.due_ids) > 20 else ''}, "
                f"{len(row.held_ids)} under legal hold"
            )
        certificates = retention_run(actor=actor, program=user.program, apply=apply)
        for certificate in certificates:
            self.stdout.write(
                f"certificate {certificate.pk}: destroyed {certificate.count} "
                f"{certificate.record_type}"
            )
        if apply and not certificates:
            self.stdout.write("nothing to destroy")
