"""`casework serve`: the web application on waitress, with the background sweeper."""

import threading
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from casework.core.seed import demo_accounts_path, serve_url
from casework.core.sweep import sweep_loop


def server_options() -> dict[str, Any]:
    """waitress's limits and proxy trust from the settings (docs/deploy.md).

    A body over CASEWORK_MAX_REQUEST_BYTES is answered 413 from its Content-Length before
    it is read, and a chunked one is cut off when it passes the limit (S37). With
    CASEWORK_TRUSTED_PROXY, X-Forwarded-Proto and X-Forwarded-For are honoured from that
    address only (the client's scheme and address) and stripped from any other peer."""
    options: dict[str, Any] = {
        "max_request_body_size": int(settings.CASEWORK_MAX_REQUEST_BYTES) + 1,
        "max_request_header_size": 64 * 1024,
        "clear_untrusted_proxy_headers": True,
    }
    proxy = str(getattr(settings, "CASEWORK_TRUSTED_PROXY", "") or "")
    if proxy:
        options.update(
            trusted_proxy=proxy,
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for"},
        )
    return options


def serve_app(*, host: str, port: int, threads: int) -> None:
    """Serve the WSGI application until interrupted (static files come from WhiteNoise)."""
    from waitress import serve  # type: ignore[import-untyped]

    from casework.wsgi import application

    serve(application, host=host, port=port, threads=threads, ident="casework", **server_options())


class Command(BaseCommand):
    help = (
        "Serve casework with waitress (default http://CASEWORK_HOST:CASEWORK_PORT/, "
        "127.0.0.1:8000 unless set). A background "
        "thread sweeps every --sweep-interval seconds: it seals the audit chain, acts on "
        "due deadlines and runs the enqueued tasks. Run `casework migrate` first "
        "(make run does)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=None, help="default: CASEWORK_HOST or 127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="default: CASEWORK_PORT or 8000")
        parser.add_argument("--threads", type=int, default=8, help="request threads")
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=5.0,
            help="seconds between background sweeps; 0 turns the sweeper off "
            "(then run `casework sweep --loop` elsewhere)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["host"] if options["host"] is not None else str(settings.CASEWORK_HOST)
        port = options["port"] if options["port"] is not None else int(settings.CASEWORK_PORT)
        # WhiteNoise serves STATIC_ROOT (after collectstatic) and the app finders.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        url = serve_url(host=host, port=port)
        stop = threading.Event()
        sweeper = None
        if options["sweep_interval"] > 0:
            sweeper = threading.Thread(
                target=sweep_loop,
                kwargs={"interval": options["sweep_interval"], "stop": stop, "run_tasks": True},
                name="casework-sweeper",
                daemon=True,
            )
            sweeper.start()
            self.stdout.write(
                f"sweeper: every {options['sweep_interval']} s (audit sealing, deadlines, tasks)"
            )
        self.stdout.write(f"casework: serving on {url} (Ctrl-C to stop)")
        self.stdout.write(f"Sign in at {url}")
        accounts = demo_accounts_path()
        if accounts.exists():
            self.stdout.write(f"Demo accounts and their passwords: {accounts}")
        else:
            self.stdout.write("Create an account with: casework createstaff USERNAME --role ROLE")
        try:
            serve_app(host=host, port=port, threads=options["threads"])
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            if sweeper is not None:
                sweeper.join(timeout=10)
