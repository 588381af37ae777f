"""Production settings pass Django's deployment checks and refuse to start without secrets
(S31, S32, S50)."""

import contextlib
import importlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.template_db import migrated_sqlite_file

pytestmark = pytest.mark.slow(25)


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    dropped = ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "casework.settings.production",
            "CASEWORK_DATA_DIR": str(tmp_path),
            "CASEWORK_ALLOWED_HOSTS": "cm.example.org",
            "CASEWORK_AUDIT_CHECKPOINT_FILE": str(tmp_path.parent / "audit-checkpoints.log"),
        }
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "casework.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=base,
        check=False,
    )


def test_deploy_check_is_clean(tmp_path: Path) -> None:
    result = run_check(
        tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), CASEWORK_AUDIT_KEY=STRONG_AUDIT_KEY
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_the_audit_key(tmp_path: Path) -> None:
    result = run_check(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), CASEWORK_AUDIT_KEY="")
    assert result.returncode == 1
    assert "CASEWORK_AUDIT_KEY must be set in production" in result.stderr


def test_production_security_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("CASEWORK_AUDIT_KEY", STRONG_AUDIT_KEY)
    monkeypatch.setenv("CASEWORK_AUDIT_CHECKPOINT_FILE", "/var/log/casework/audit.log")
    sys.modules.pop("casework.settings.production", None)
    production = importlib.import_module("casework.settings.production")
    sys.modules.pop("casework.settings.production", None)

    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SECURE_SSL_REDIRECT is True
    assert production.DEBUG is False
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"


# --- weak secrets are refused at start (issue 12, defect 6) -------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CASEWORK_AUDIT_KEY", "k"),
        ("CASEWORK_AUDIT_KEY", "k" * 64),
        ("CASEWORK_AUDIT_KEY", "short-but-random-Q9x"),
        ("DJANGO_SECRET_KEY", "ab" * 40),
        ("DJANGO_SECRET_KEY", "Xq7-vLp2Nz9_Rt4Wk1Bm6Yc"),
    ],
)
def test_production_refuses_a_weak_secret(tmp_path: Path, name: str, value: str) -> None:
    env = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "CASEWORK_AUDIT_KEY": STRONG_AUDIT_KEY}
    env[name] = value
    result = run_check(tmp_path, **env)
    assert result.returncode == 1
    assert f"{name} is too weak: use at least" in result.stderr


# --- production settings serve behind a TLS-terminating proxy (defects 6 and 7) -----------

STRONG_AUDIT_KEY = "Zq3vN8pL0tXr5YwB2mKc7HsDf4Jg9AeU"


def production_env(tmp_path: Path) -> dict[str, str]:
    dropped = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="casework.settings.production",
        CASEWORK_DATA_DIR=str(tmp_path / "data"),
        CASEWORK_ALLOWED_HOSTS="cm.example.org",
        CASEWORK_TRUSTED_PROXY="127.0.0.1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        CASEWORK_AUDIT_KEY=secrets.token_urlsafe(40),
        # outside the data directory, as production requires (docs/audit.md)
        CASEWORK_AUDIT_CHECKPOINT_FILE=str(tmp_path / "audit-log" / "checkpoints.log"),
        TMPDIR=str(tmp_path / "tmp"),
    )
    (tmp_path / "tmp").mkdir()
    return env


def casework(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "casework.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# `casework ARGS` for each of a list of argument lists, one after the other in one
# process; prints the stdout of each (of those run, when one fails) as a JSON list.
CASEWORK_STEPS = """
import contextlib, io, json, sys
from casework.cli import main
outputs = []
try:
    for argv in json.loads(sys.argv[1]):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            try:
                main(argv)
            finally:
                outputs.append(out.getvalue())
finally:
    print(json.dumps(outputs))
"""


def casework_steps(env: dict[str, str], *commands: list[str]) -> list[str]:
    """The stdout of each of `commands`, run one after the other as `casework` runs them
    (`casework.cli.main`, the system checks included), in one process: a process of its
    own costs each command about 2 s of CPU before it starts (Django's set-up, and the
    import of the URL configuration for the system checks)."""
    result = subprocess.run(
        [sys.executable, "-c", CASEWORK_STEPS, json.dumps(commands)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    outputs: list[str] = json.loads(result.stdout.splitlines()[-1])
    return outputs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Session-scoped: xdist may hand a worker this module's tests in more than one batch, and
# a module fixture would be torn down and the server set up again between them.
@pytest.fixture(scope="session")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`casework serve` under the production settings on a real port, after the steps
    docs/deploy.md lists: migrate, collectstatic, an account and an API token."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    # The migrated schema comes from the test database's template (tests/template_db.py):
    # migrating a new file in a process of its own costs about 22 s of CPU. The documented
    # step still runs, and finds nothing left to apply.
    (tmp_path / "data").mkdir()
    migrated_sqlite_file(
        tmp_path / "data" / "casework.sqlite3", build=lambda: casework(env, "migrate", "--noinput")
    )
    migrated, _, _, token = casework_steps(
        env,
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput"],
        ["createstaff", "ops", "--role", "administrator", "--generate-password"],
        ["apitoken", "create", "ops", "--name", "deploy test"],
    )
    assert "No migrations to apply." in migrated
    token = token.strip()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "casework.cli", "serve", "--port", str(port),
         "--sweep-interval", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "casework serve did not start"
            time.sleep(0.2)
    try:
        yield {"base": base, "token": token, "tmp": tmp_path / "tmp", "port": port}
    finally:
        server.terminate()
        server.wait(timeout=20)


PROXIED = {"Host": "cm.example.org", "X-Forwarded-Proto": "https"}


def test_production_serves_the_sign_in_page_over_the_proxy(
    production_server: dict[str, Any],
) -> None:
    response = requests.get(
        production_server["base"] + "/sign-in/", headers=PROXIED, timeout=10, allow_redirects=False
    )
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    css = re.search(
        r'href="(/static/vendor/uswds/css/uswds\.min\.[0-9a-f]{12}\.css)"', response.text
    )
    assert css is not None, "the hashed stylesheet from collectstatic"
    static = requests.get(production_server["base"] + css.group(1), headers=PROXIED, timeout=10)
    assert static.status_code == 200
    assert static.headers["Content-Type"].startswith("text/css")


def test_production_serves_the_api_over_the_proxy(production_server: dict[str, Any]) -> None:
    headers = {**PROXIED, "Authorization": f"Bearer {production_server['token']}"}
    response = requests.get(
        production_server["base"] + "/api/v1/me", headers=headers, timeout=10, allow_redirects=False
    )
    assert response.status_code == 200
    assert response.json()["username"] == "ops"
    assert "Strict-Transport-Security" in response.headers


def test_plain_http_is_redirected_to_https(production_server: dict[str, Any]) -> None:
    response = requests.get(
        production_server["base"] + "/sign-in/",
        headers={"Host": "cm.example.org"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 301
    assert response.headers["Location"] == "https://cm.example.org/sign-in/"


def temp_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def test_a_200_mb_anonymous_post_is_refused_before_it_is_read(
    production_server: dict[str, Any],
) -> None:
    """Defect 7: 413 from the Content-Length, with nothing spooled to disk."""
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        chunk = b"x" * (1024 * 1024)
        for _ in range(200):
            sent += len(chunk)
            yield chunk

    before = temp_bytes(production_server["tmp"])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", production_server["port"]), timeout=10) as sock:
        sock.sendall(
            b"POST /sign-in/ HTTP/1.1\r\nHost: cm.example.org\r\nX-Forwarded-Proto: https\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {200 * 1024 * 1024}\r\n\r\n".encode()
        )
        reply = sock.recv(4096)
        with contextlib.suppress(OSError):  # the server may close while we still send
            for chunk in body():
                sock.sendall(chunk)
                if sent >= 16 * 1024 * 1024:
                    break
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert time.monotonic() - started < 10
    assert temp_bytes(production_server["tmp"]) - before < 1024 * 1024


def test_a_chunked_body_without_length_is_cut_off_at_the_limit(
    production_server: dict[str, Any],
) -> None:
    def body() -> Iterator[bytes]:
        chunk = b"x" * (1024 * 1024)
        for _ in range(200):
            yield chunk

    before = temp_bytes(production_server["tmp"])
    try:
        response = requests.post(
            production_server["base"] + "/sign-in/",
            data=body(),
            headers={**PROXIED, "Content-Type": "application/octet-stream"},
            timeout=30,
        )
        status = response.status_code
    except requests.ConnectionError:
        status = 413  # refused and closed while the client was still sending
    assert status == 413
    assert temp_bytes(production_server["tmp"]) - before < 8 * 1024 * 1024
