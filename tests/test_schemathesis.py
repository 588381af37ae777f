"""The OpenAPI document and the behaviour agree (issue 12, defect 13): Schemathesis runs
every check against the live server, as a case manager and as a supervisor, on whichever
database the suite runs on (scripts/test runs the suite on SQLite and on PostgreSQL; CI
fuzzes as the case manager on SQLite and as the supervisor on PostgreSQL).

Each run has a time budget (CASEWORK_SCHEMATHESIS_SECONDS, default 45 s per token; CI gives
30 s), so the whole test stays within two minutes. Its figures (operations tested, test cases
generated) are printed; a server error, a response outside the document, an undocumented
status or content type, or an accepted invalid body fails it."""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from pytest_django.live_server_helper import LiveServer

from casework.core.tokens import token_issue
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.slow(100)

CONFIG = Path(__file__).with_name("schemathesis.toml")
SECONDS = int(os.environ.get("CASEWORK_SCHEMATHESIS_SECONDS", "45"))
SEED = os.environ.get("CASEWORK_SCHEMATHESIS_SEED", "20261203")
# Whose token the fuzzer uses: both by default; CI (.ci/run) gives one to each database leg,
# so each role is fuzzed once per CI run and each database is fuzzed once.
ROLES = [
    role.strip()
    for role in os.environ.get("CASEWORK_SCHEMATHESIS_ROLES", "case manager,supervisor").split(",")
]


def schemathesis_run(base: str, token: str, workdir: Path) -> dict[str, Any]:
    # The document is fetched once, with a generous timeout (a busy machine builds it
    # slowly), and given to Schemathesis as a file with the server's address.
    document = workdir / "openapi.json"
    if not document.exists():
        response = requests.get(f"{base}/api/v1/openapi.json", timeout=120)
        response.raise_for_status()
        document.write_bytes(response.content)
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file", str(CONFIG),
        "run", str(document),
        "--url", base,
        "--header", f"Authorization: Bearer {token}",
        "--checks", "all",
        "--workers", "1",
        "--max-examples", "10",
        "--max-time", str(SECONDS),
        "--seed", SEED,
        "--no-shrink",
        "--request-timeout", "30",
    ]  # fmt: skip
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=workdir,
        timeout=SECONDS + 120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    output = result.stdout + result.stderr
    tested = re.search(r"Tested: (\d+)", output)
    generated = re.search(r"(\d+) generated", output)
    return {
        "returncode": result.returncode,
        "output": output,
        "operations": int(tested.group(1)) if tested else 0,
        "cases": int(generated.group(1)) if generated else 0,
    }


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    fresh_world: World, live_server: LiveServer, settings: Any, tmp_path: Path
) -> None:
    settings.CASEWORK_API_LIST_RATE = 1_000_000  # the fuzzer lists faster than a person
    # Records to reach: a case in each early state, with a consumer and notes.
    for _ in range(2):
        factories.active_case(fresh_world.cm)
        factories.referred_case(fresh_world.cm)
    figures = {}
    users = {"case manager": fresh_world.cm, "supervisor": fresh_world.supervisor}
    for role in ROLES:
        user = users[role]
        _, raw = token_issue(user=user, name="schemathesis")
        run = schemathesis_run(live_server.url, raw, tmp_path)
        figures[role] = (run["operations"], run["cases"])
        # The failures first (each with its curl to reproduce), then the summary.
        failures = run["output"].find("FAILURES")
        assert run["returncode"] == 0, run["output"][max(failures, 0) :][:8000]
        assert run["operations"] >= 70, run["output"][-3000:]
        assert "Server error" not in run["output"]
    print(f"schemathesis (operations tested, test cases generated): {figures}")
