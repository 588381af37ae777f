"""`casework createstaff USERNAME --role ROLE [--team T] [--program P]`: a staff account."""

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core.errors import ValidationFailed
from casework.core.models import Program, Team
from casework.core.roles import Role
from casework.staff.services.accounts import password_generate, staff_account_create


class Command(BaseCommand):
    help = (
        "Create a staff account with a role. The password is prompted for (twice) on a "
        "terminal, read from stdin with --password-stdin, or generated and printed once "
        "with --generate-password. It must pass the password validators."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--program", help="program code (default: the only program)")
        parser.add_argument("--team", help="team name within the program")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--generate-password", action="store_true", help="generate and print a password"
        )
        group.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )

    def _program(self, code: str | None) -> Program | None:
        if code:
            program = Program.objects.filter(code=code).first()
            if program is None:
                raise CommandError(f"no program with code '{code}'")
            return program
        programs = list(Program.objects.order_by("id")[:2])
        if len(programs) > 1:
            raise CommandError("several programs exist: name one with --program")
        return programs[0] if programs else None

    def _password(self, options: dict[str, Any]) -> tuple[str, bool]:
        if options["generate_password"]:
            return password_generate(), True
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\n"), False
        if not sys.stdin.isatty():
            return password_generate(), True
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != first:
            raise CommandError("the passwords do not match")
        return first, False

    def handle(self, *args: Any, **options: Any) -> None:
        program = self._program(options["program"])
        team = None
        if options["team"]:
            if program is None:
                raise CommandError("--team needs a program")
            team = Team.objects.filter(program=program, name=options["team"]).first()
            if team is None:
                raise CommandError(f"no team '{options['team']}' in program '{program.code}'")
        password, generated = self._password(options)
        try:
            user = staff_account_create(
                username=options["username"],
                role=options["role"],
                password=password,
                program=program,
                team=team,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
        except ValidationFailed as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"created {user.username} ({user.role})")
        if generated:
            self.stdout.write(f"password (shown once): {password}")
