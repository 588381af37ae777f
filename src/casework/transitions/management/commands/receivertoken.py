"""`casework receivertoken create PROGRAM CCN --name N | revoke ID`: the credential of a
receiving provider's system (it reads the handoffs addressed to that provider and
updates their Task status, nothing else)."""

import getpass
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core.errors import DomainError
from casework.transitions import services
from casework.transitions.models import PostAcuteProvider


def _operator() -> str:
    try:
        return f"console:{getpass.getuser()}"
    except (KeyError, OSError):
        return "console"


class Command(BaseCommand):
    help = "Issue or revoke a receiving provider's credential for its handoffs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a credential; it is printed once")
        create.add_argument("program", help="the program's code")
        create.add_argument("ccn", help="the receiving provider's CCN in the directory")
        create.add_argument("--name", required=True, help="the receiving system")
        revoke = sub.add_parser("revoke", help="revoke a credential by its id")
        revoke.add_argument("credential_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                provider = PostAcuteProvider.objects.filter(
                    program__code=options["program"], ccn=options["ccn"]
                ).first()
                if provider is None:
                    raise CommandError("no such provider in that program's directory")
                credential, raw = services.receiver_credential_issue(
                    provider=provider, name=options["name"], issued_by=_operator()
                )
                self.stdout.write(f"credential {credential.pk} for {provider.name}: {raw}")
            else:
                services.receiver_credential_revoke(
                    credential_id=options["credential_id"], revoked_by=_operator()
                )
                self.stdout.write("revoked")
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
