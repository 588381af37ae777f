"""The `casework` console script and its product commands (scope 3)."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from casework import cli
from casework.core.models import AuditEvent
from casework.core.roles import Role
from casework.staff.models import User
from tests import factories

PRODUCT_COMMANDS = ["serve", "demo-data", "createstaff", "sweep", "audit"]


def test_help_lists_the_product_commands(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--help"])
    out = capsys.readouterr().out
    for name in PRODUCT_COMMANDS:
        assert f"\n  {name} " in out


def test_no_arguments_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main([])
    assert "Product commands:" in capsys.readouterr().out


@pytest.mark.parametrize("name", [*PRODUCT_COMMANDS, "migrate"])
def test_each_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([name, "--help"])
    assert exit_info.value.code == 0
    assert "usage: casework " in capsys.readouterr().out


@pytest.mark.parametrize("action", ["seal", "verify"])
def test_audit_subcommands_have_help(action: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["audit", action, "--help"])
    assert exit_info.value.code == 0
    assert f"audit {action}" in capsys.readouterr().out


@pytest.mark.django_db
def test_django_commands_pass_through(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["check"])
    captured = capsys.readouterr()
    assert "System check identified" in captured.out + captured.err


# ---- createstaff ----


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


# ---- serve ----


@pytest.mark.django_db
def test_serve_serves_on_localhost_8000_with_a_sweeper(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[dict[str, Any]] = []
    sweeps: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "casework.core.management.commands.serve.serve_app", lambda **kw: calls.append(kw)
    )
    monkeypatch.setattr(
        "casework.core.management.commands.serve.sweep_loop", lambda **kw: sweeps.append(kw)
    )
    (tmp_path / "demo-accounts.txt").write_text("x")
    out = StringIO()
    with override_settings(DATA_DIR=tmp_path, STATIC_ROOT=tmp_path / "static"):
        call_command("serve", stdout=out)
    assert calls == [{"host": "127.0.0.1", "port": 8000, "threads": 8}]
    assert (sweeps[0]["interval"], sweeps[0]["run_tasks"]) == (5.0, True)
    text = out.getvalue()
    assert "Sign in at http://127.0.0.1:8000/" in text
    assert f"Demo accounts and their passwords: {tmp_path / 'demo-accounts.txt'}" in text


@pytest.mark.django_db
def test_serve_host_port_and_no_sweeper(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "casework.core.management.commands.serve.serve_app", lambda **kw: calls.append(kw)
    )
    out = StringIO()
    with override_settings(DATA_DIR=tmp_path, STATIC_ROOT=tmp_path / "static"):
        call_command(
            "serve", "--host", "0.0.0.0", "--port", "9000", "--sweep-interval", "0", stdout=out
        )
    assert calls == [{"host": "0.0.0.0", "port": 9000, "threads": 8}]
    assert "sweeper" not in out.getvalue()
    assert "casework createstaff" in out.getvalue()
