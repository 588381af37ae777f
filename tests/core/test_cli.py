"""The `casework` console script and its product commands (scope 3)."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from casework import cli

PRODUCT_COMMANDS = ["serve", "demo-data", "createstaff", "sweep", "audit", "backup", "restore"]


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
