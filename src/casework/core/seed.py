"""Demo seed of this context: the program and its team (composed by `casework.demo`)."""

from pathlib import Path

from django.conf import settings

from casework.core.models import Program, Team

# The demo's accounts file under DATA_DIR: written by `casework demo-data`, pointed at by
# `casework serve` (named here, at the bottom layer, so both can reach it).
DEMO_ACCOUNTS_FILE = "demo-accounts.txt"


def serve_url(*, host: str | None = None, port: int | None = None) -> str:
    """The address `casework serve` answers on: the given host and port, else the
    settings' `CASEWORK_HOST` and `CASEWORK_PORT` (so `demo-data` prints the address the
    server will really use). A wildcard host is reached on the loopback address."""
    host = host if host is not None else str(settings.CASEWORK_HOST)
    port = port if port is not None else int(settings.CASEWORK_PORT)
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def demo_accounts_path() -> Path:
    """Where `casework demo-data` writes the demo accounts and their passwords."""
    return Path(settings.DATA_DIR) / DEMO_ACCOUNTS_FILE


def program_exists() -> bool:
    """True when the database already holds a program (demo or real)."""
    return Program.objects.exists()


def program_seed() -> tuple[Program, Team]:
    """The demo program and its one team."""
    program = Program.objects.create(
        code="demo",
        name="Springfield Community Case Management (demo)",
        purpose_statement=(
            "We help adults with complex health and social needs coordinate their care "
            "across doctors, hospitals, pharmacies and community services."
        ),
        complaint_contact=(
            "Call the program office at 555-0100, write to 1 Civic Plaza, Springfield, "
            "or use the complaint form at the front desk. You will not lose services "
            "for complaining."
        ),
        after_closure_contact="the program office at 555-0100 (weekdays 8-5)",
    )
    team = Team.objects.create(program=program, name="North team")
    return program, team
