"""Demo seed of this context: the program and its team (composed by `casework.demo`)."""

from casework.core.models import Program, Team

# The demo's accounts file under DATA_DIR: written by `casework demo-data`, pointed at by
# `casework serve` (named here, at the bottom layer, so both can reach it).
DEMO_ACCOUNTS_FILE = "demo-accounts.txt"


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
