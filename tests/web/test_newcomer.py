"""A newcomer's first minute (issue 13, item 18): under development settings the sign-in
page says where the demo accounts are, and `demo-data` prints the address the server
will really answer on."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from casework.core.seed import serve_url
from casework.demo.load import DemoRefused

pytestmark = pytest.mark.django_db


def test_sign_in_names_the_demo_accounts_file_under_development_settings(
    client: Client, tmp_path: Path
) -> None:
    (tmp_path / "demo-accounts.txt").write_text("x")
    with override_settings(CASEWORK_DEMO_HINT=True, DATA_DIR=tmp_path):
        body = client.get("/sign-in/").content.decode()
    assert f"<code>{tmp_path / 'demo-accounts.txt'}</code>" in body
    assert "The demo accounts and their passwords are in" in body


def test_sign_in_says_how_to_load_the_demo_when_there_is_none(
    client: Client, tmp_path: Path
) -> None:
    with override_settings(CASEWORK_DEMO_HINT=True, DATA_DIR=tmp_path):
        body = client.get("/sign-in/").content.decode()
    assert "No demo data is loaded yet. Run <code>casework demo-data</code>" in body


def test_sign_in_says_nothing_of_demo_accounts_otherwise(client: Client, tmp_path: Path) -> None:
    (tmp_path / "demo-accounts.txt").write_text("x")
    with override_settings(CASEWORK_DEMO_HINT=False, DATA_DIR=tmp_path):
        body = client.get("/sign-in/").content.decode()
    assert "demo" not in body.lower()


def test_the_development_settings_turn_the_hint_on() -> None:
    from casework.settings import base, dev

    assert dev.CASEWORK_DEMO_HINT is True
    assert base.CASEWORK_DEMO_HINT is False  # production inherits it


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000/"),
        ("0.0.0.0", 8123, "http://127.0.0.1:8123/"),
        ("localhost", 9000, "http://localhost:9000/"),
        ("::1", 8001, "http://[::1]:8001/"),
    ],
)
def test_serve_url_is_where_the_server_answers(host: str, port: int, url: str) -> None:
    with override_settings(CASEWORK_HOST=host, CASEWORK_PORT=port):
        assert serve_url() == url


def test_demo_data_prints_the_port_serve_will_use(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[Any] = []

    def refuse(*, url: str) -> None:
        seen.append(url)
        raise DemoRefused("stop here")

    monkeypatch.setattr("casework.demo.management.commands.demo_data.demo_load", refuse)
    with (
        override_settings(CASEWORK_HOST="0.0.0.0", CASEWORK_PORT=8123, DATA_DIR=tmp_path),
        pytest.raises(CommandError),
    ):
        call_command("demo_data", stdout=StringIO())
    assert seen == ["http://127.0.0.1:8123/"]


def test_serve_listens_on_the_configured_port(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "casework.core.management.commands.serve.serve_app", lambda **kw: calls.append(kw)
    )
    out = StringIO()
    with override_settings(CASEWORK_PORT=8123, DATA_DIR=tmp_path, STATIC_ROOT=tmp_path / "static"):
        call_command("serve", "--sweep-interval", "0", stdout=out)
    assert calls == [{"host": "127.0.0.1", "port": 8123, "threads": 8}]
    assert "Sign in at http://127.0.0.1:8123/" in out.getvalue()
