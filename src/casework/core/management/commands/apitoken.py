"""`casework apitoken create USER --name N [--expires-days D] | revoke ID | list [USER]`."""

import getpass
from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.core import clock
from casework.core.errors import DomainError
from casework.core.tokens import token_issue, token_list, token_revoke
from casework.staff.models import User


def _operator() -> str:
    """Who ran the command, for the audit trail (the OS account at the console)."""
    try:
        return f"console:{getpass.getuser()}"
    except (KeyError, OSError):
        return "console"


class Command(BaseCommand):
    help = "Issue, revoke and list per-user API tokens for REST clients."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token; it is printed once")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="the client that will use it")
        create.add_argument(
            "--expires-days", type=int, default=None, help="days until it expires (default never)"
        )
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("token_id", type=int)
        listing = sub.add_parser("list", help="list tokens (never their values)")
        listing.add_argument("username", nargs="?")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"no user '{username}'")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, options: dict[str, Any]) -> None:
        days = options["expires_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-days must be at least 1")
        expires_at = clock.now() + timedelta(days=days) if days else None
        token, raw = token_issue(
            user=self._user(options["username"]),
            name=options["name"],
            expires_at=expires_at,
            issued_by=_operator(),
        )
        self.stdout.write(raw)
        self.stderr.write(
            f"token {token.pk} ({token.prefix}…) for {token.user.username}: store it now, "
            "it is not shown again"
        )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = token_revoke(token_id=options["token_id"], revoked_by=_operator())
        self.stdout.write(f"revoked token {token.pk} ({token.prefix}…) of {token.user.username}")

    def _list(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"]) if options["username"] else None
        now = clock.now()
        for token in token_list(user=user):
            if token.revoked_at is not None:
                status = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
            elif token.expires_at is not None and token.expires_at <= now:
                status = f"expired {token.expires_at:%Y-%m-%d %H:%M}"
            elif token.expires_at is not None:
                status = f"active until {token.expires_at:%Y-%m-%d %H:%M}"
            else:
                status = "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.user.username}\t{token.name}\t"
                f"{status}\tlast used {used}"
            )
