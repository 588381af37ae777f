"""`casework createstaff`: a staff account from the console (S1, S15, S21)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.core.models import AuditEvent
from casework.core.roles import Role
from casework.staff.models import User
from tests import factories


@pytest.mark.django_db
def test_createstaff_generates_a_password_shown_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prog = factories.program("main")
    out = StringIO()
    call_command("createstaff", "jdoe", "--role", "case_manager", "--generate-password", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "created jdoe (case_manager)"
    password = lines[1].removeprefix("password (shown once): ")
    user = User.objects.get(username="jdoe")
    assert (user.role, user.program_id, user.check_password(password)) == (
        Role.CASE_MANAGER,
        prog.pk,
        True,
    )


@pytest.mark.django_db
def test_createstaff_with_team_and_program(monkeypatch: pytest.MonkeyPatch) -> None:
    prog = factories.program("main")
    factories.program("other")
    team, _ = factories.team(prog, "North")
    monkeypatch.setattr("sys.stdin", StringIO("a long enough passphrase\n"))
    call_command(
        "createstaff",
        "kim",
        "--role",
        "case_manager",
        "--program",
        "main",
        "--team",
        "North",
        "--password-stdin",
        stdout=StringIO(),
    )
    user = User.objects.get(username="kim")
    assert (user.team_id, user.check_password("a long enough passphrase")) == (team.pk, True)


@pytest.mark.django_db
def test_createstaff_audits_the_privilege_grant() -> None:
    factories.program("main")
    call_command(
        "createstaff", "lee", "--role", "auditor", "--generate-password", stdout=StringIO()
    )
    event = AuditEvent.objects.get(action="privilege")
    user = User.objects.get(username="lee")
    assert (event.object_id, event.detail) == (
        str(user.pk),
        {"target": "lee", "old_role": "", "new_role": "auditor"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [("short7!", "too short"), ("password123", "too common"), ("12345678901", "numeric")],
)
def test_createstaff_rejects_weak_passwords(
    password: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.program("main")
    monkeypatch.setattr("sys.stdin", StringIO(password + "\n"))
    with pytest.raises(CommandError, match=reason):
        call_command(
            "createstaff", "weak", "--role", "case_manager", "--password-stdin", stdout=StringIO()
        )
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_createstaff_refuses_a_username_differing_only_in_case() -> None:
    factories.program("main")
    call_command(
        "createstaff", "Alice", "--role", "auditor", "--generate-password", stdout=StringIO()
    )
    with pytest.raises(CommandError, match="taken"):
        call_command(
            "createstaff", "alice", "--role", "auditor", "--generate-password", stdout=StringIO()
        )
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_createstaff_unknown_team_is_an_error() -> None:
    factories.program("main")
    with pytest.raises(CommandError, match="no team 'Nowhere'"):
        call_command(
            "createstaff",
            "x",
            "--role",
            "case_manager",
            "--team",
            "Nowhere",
            "--generate-password",
        )


@pytest.mark.django_db
def test_createstaff_administrator_may_use_the_admin() -> None:
    factories.program("main")
    call_command(
        "createstaff", "root1", "--role", "administrator", "--generate-password", stdout=StringIO()
    )
    user = User.objects.get(username="root1")
    assert (user.is_staff, user.is_superuser) == (True, True)
