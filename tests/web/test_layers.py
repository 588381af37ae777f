"""The layer order (docs/adr/0005-layers.md) is enforced: a forbidden import fails
`lint-imports`, which `make test` runs."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "core/clock.py",
            "from casework.careplans import selectors",
            "casework.core is not allowed to import casework.careplans",
        ),
        (
            "staff/selectors.py",
            "from casework.cases.models import Case",
            "casework.staff is not allowed to import casework.cases",
        ),
        (
            "cases/services/__init__.py",
            "from casework.web import access",
            "casework.cases is not allowed to import casework.web",
        ),
        (
            "cases/urls.py",
            "from casework import web_urls",
            "casework.cases is not allowed to import casework.web_urls",
        ),
        (
            "careplans/rules.py",
            "from casework.careplans import models",
            "Domain rules import no ORM, no services and no selectors BROKEN",
        ),
    ],
)
def test_a_forbidden_import_fails_lint_imports(
    tree: Path, module: str, line: str, broken: str
) -> None:
    target = tree / "src" / "casework" / module
    original = target.read_text()
    target.write_text(original + f"\n{line}  # noqa\n")
    try:
        result = _lint_imports(tree)
    finally:
        target.write_text(original)
    assert result.returncode == 1, result.stdout
    assert broken in result.stdout
