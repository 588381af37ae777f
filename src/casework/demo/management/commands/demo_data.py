"""`casework demo-data [--if-empty]`: load the demo program, staff and consumers."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core.seed import serve_url
from casework.demo.load import DemoRefused, demo_exists, demo_load, due_summary


class Command(BaseCommand):
    help = (
        "Load demo data: a program, a team (a supervisor and three case managers), one user "
        "of each other role and ~50 consumers with cases in every state. Passwords are "
        "generated, printed once and written to DATA_DIR/demo-accounts.txt (mode 0600). "
        "Refused under production settings."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the database already holds a program",
        )
        parser.add_argument(
            "--url",
            default=None,
            help="the sign-in address to print (default: where `casework serve` will "
            "listen, from CASEWORK_HOST and CASEWORK_PORT)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if settings.CASEWORK_PRODUCTION:
            raise CommandError("demo data is never loaded under production settings")
        if options["if_empty"] and demo_exists():
            self.stdout.write("demo-data: the database already holds a program; nothing loaded")
            return
        url = options["url"] or serve_url()
        try:
            result = demo_load(url=url)
        except DemoRefused as refused:
            raise CommandError(str(refused)) from refused
        states = ", ".join(f"{n} {state}" for state, n in result.cases_by_state.items())
        self.stdout.write(f"demo-data: loaded '{result.program.name}': cases {states}")
        self.stdout.write(due_summary())
        self.stdout.write(f"Sign in at {url} with one of these accounts:")
        for account in result.accounts:
            self.stdout.write(f"  {account.username:<12} {account.role:<20} {account.password}")
        self.stdout.write(
            f"These passwords are shown once; they are also in {result.accounts_file} "
            "(readable only by you)."
        )
