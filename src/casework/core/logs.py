"""No consumer data in any log line, at any level (S34).

Exception messages carry values: a database error names the key that clashed
(`Key (program_id, mrn)=(1, 12345) already exists`), a validation error the value it
refused. Django's debug SQL log has every query with its parameters. Logging is set up
by `configure` (settings.LOGGING_CONFIG): besides the usual dictConfig it installs a log
record factory, so every record of every logger is redacted when it is made, before any
filter, handler or parent logger sees it:

- an exception keeps its class and its frames (file, line, function), not its message;
- an exception passed as a format argument is written as its class name;
- a `django.db` record keeps the query's duration and database alias only, and the
  `sql` and `params` it attaches as extra fields are blanked as the record is made
  (`Logger.makeRecord` sets extras after the factory has run, so the install wraps it
  too: a filter on one logger would miss its children, such as
  `django.db.backends.schema`, and any logger reconfigured later).
"""

import logging
import logging.config
import traceback
from typing import Any

REDACTED = "[redacted]"
_installed = False


def redacted_traceback(exc: BaseException) -> str:
    """The frames of `exc` and its class, never its message or its locals."""
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
    cls = type(exc)
    return "\n".join(
        ["Traceback (most recent call last):", *lines, f"{cls.__module__}.{cls.__qualname__}"]
    )


def redact(record: logging.LogRecord) -> logging.LogRecord:
    """Rewrite `record` in place as the module docstring says; returns it (once: a
    filter or handler that calls it again leaves it as it is)."""
    if getattr(record, "redacted", False):
        return record
    record.redacted = True
    exc_info = record.exc_info
    if exc_info:
        if exc_info[1] is not None:
            record.exc_text = redacted_traceback(exc_info[1])
        record.exc_info = None
    if record.name.startswith("django.db"):
        args = record.args if isinstance(record.args, tuple) else ()
        duration = args[0] if args and isinstance(args[0], float) else None
        alias = args[-1] if len(args) > 1 and isinstance(args[-1], str) else ""
        record.msg = "(%s s) query on %s"
        record.args = ("?" if duration is None else f"{duration:.3f}", alias)
    elif isinstance(record.args, tuple):
        record.args = tuple(_class_of(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _class_of(v) for k, v in record.args.items()}
    return record


def _class_of(value: object) -> object:
    if isinstance(value, BaseException):
        return type(value).__name__
    return value


class RedactFilter(logging.Filter):
    """Blank what Django attaches to an SQL record (`sql`, `params`) as extra fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact(record)
        for name in ("sql", "params"):
            if hasattr(record, name):
                setattr(record, name, REDACTED)
        return True


def _blank_extras(record: logging.LogRecord) -> logging.LogRecord:
    if record.name.startswith("django.db"):
        for name in ("sql", "params"):
            if name in record.__dict__:
                record.__dict__[name] = REDACTED
    return record


def install_record_factory() -> None:
    """Make every log record redacted from the moment it is created, extras included
    (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    make_record = logging.Logger.makeRecord

    def make_redacted_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return _blank_extras(make_record(self, *args, **kwargs))

    logging.Logger.makeRecord = make_redacted_record  # type: ignore[method-assign]
    _installed = True


def configure(config: dict[str, Any]) -> None:
    """settings.LOGGING_CONFIG: dictConfig, then the redacting record factory."""
    logging.config.dictConfig(config)
    install_record_factory()
