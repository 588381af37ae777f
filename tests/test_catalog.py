"""The Spanish message catalog is complete (issue 13, item 15): no untranslated or fuzzy
entry, and every string marked for translation in the source (Python and templates) is
in it. The source is extracted afresh with `makemessages` into a temporary copy and
compared with gettext's `msgcmp`. No database; it runs on the first CI leg only."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

import casework

PACKAGE = Path(casework.__file__).parent
CATALOG = PACKAGE / "locale" / "es" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.skipif(
    os.environ.get("CASEWORK_DATABASE_TESTS_ONLY") == "1",
    reason="database-free: it ran on the first CI leg",
)


def _attrib(*flags: str) -> str:
    result = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(CATALOG)],
        capture_output=True,
        text=True,
        check=True,
    )
    # Entries other than the header: each starts with a msgid line after a blank line.
    return "\n".join(
        block for block in result.stdout.split("\n\n") if 'msgid ""\nmsgstr ""' not in block
    ).strip()


def test_no_spanish_entry_is_untranslated() -> None:
    assert _attrib("--untranslated") == ""


def test_no_spanish_entry_is_fuzzy() -> None:
    assert _attrib("--only-fuzzy") == ""


def test_every_string_in_the_source_is_in_the_spanish_catalog(tmp_path: Path) -> None:
    copy = tmp_path / "casework"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "instruments", "migrations"),
    )
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=["es"], keep_pot=True, verbosity=0)
    finally:
        os.chdir(cwd)
    pot = copy / "locale" / "django.pot"
    result = subprocess.run(
        ["msgcmp", str(CATALOG), str(pot)],
        capture_output=True,
        text=True,
        check=False,
    )
    pot_lines = pot.read_text().splitlines()

    def msgid_before(number: int) -> str:
        """The msgid of the entry whose line msgcmp points at (1-based)."""
        index = number - 1
        while index > 0 and not pot_lines[index].startswith("msgid "):
            index -= 1
        return pot_lines[index]

    missing = [
        msgid_before(int(line.split(":")[1]))
        for line in result.stderr.splitlines()
        if "this message is used but not defined" in line
    ]
    assert result.returncode == 0, "missing from the catalog:\n" + "\n".join(missing[:40])
