"""Stage-by-stage progress of a screening run on a terminal (``rich``), silent otherwise.

``casework screen`` shows one line per finished stage (elapsed time, stage, rows when
known) when standard error is a terminal, and nothing when it is not (a pipe, a file, a
scheduler's log), so logs hold only the window, warnings and the summary line.
"""

from __future__ import annotations

import time
from typing import IO, Any


class Progress:
    """Report finished stages; ``enabled`` false makes every call a no-op."""

    def __init__(self, enabled: bool, file: IO[str] | None = None) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()
        self._console: Any = None
        if enabled:
            from rich.console import Console

            self._console = Console(file=file, stderr=file is None, highlight=False)

    @classmethod
    def for_terminal(cls, file: IO[str] | None = None) -> Progress:
        """Enabled only when ``file`` (default: standard error) is a terminal."""
        import sys

        stream = file or sys.stderr
        return cls(enabled=bool(getattr(stream, "isatty", lambda: False)()), file=file)

    def __call__(self, stage: str, rows: int | None = None) -> None:
        """Record that ``stage`` finished, having produced ``rows`` rows (if known)."""
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.started
        count = "" if rows is None else f"{rows:>12,} rows"
        self._console.print(f"[dim]{elapsed:7.1f} s[/dim]  {stage:<32}{count}")
