"""casework: Case Management Program software.

Usage: casework <command> [options]      (casework <command> --help for each)

Product commands:
  serve          serve the web application on 127.0.0.1:8000 (waitress), with the
                 background sweeper (audit sealing, overdue work items, reminders)
  demo-data      load demo data (refused under production settings)
  createstaff    create a staff account with a role
  sweep          seal the audit chain and act on due deadlines (once, or --loop)
  audit          audit seal | audit verify [--checkpoint-file PATH]
                 [--anchor-seq N --anchor-mac MAC]
  backup         backup --out PATH: an encrypted archive of the database with a manifest
                 (backup --generate-key prints a new key)
  restore        restore ARCHIVE --into DATABASE_URL | restore ARCHIVE --verify
  db_worker      run the background task worker (django-tasks-db)
  screen         population screening: screen INPUT --criteria ID --out RUN_DIR
                 [--engine duckdb|spark]; screen import RUN_DIR --as SUPERVISOR
  criteria       criteria list | criteria review ID --reviewer NAME
  apitoken       apitoken create|revoke|list: per-user API tokens
  retention      retention run --as USERNAME [--apply]: list (dry run) or destroy the
                 records past their retention and not under a legal hold
  resources      resources import PATH: load an Open Referral HSDS 3.0 data set
                 (CSV data package or HSDS API JSON) into the resource directory
  providers      providers import PATH --program CODE: load the program's copy of public
                 post-acute provider data (CSV) into its provider directory

Every Django management command works too: casework migrate, casework check, ...
(`casework help --commands` lists them all).
"""

import os
import sys

from casework.settings.files import PRIVATE_UMASK

# Product commands spelled with a hyphen on the console; Django names them with "_".
ALIASES = {"demo-data": "demo_data", "db-worker": "db_worker"}


def main(argv: list[str] | None = None) -> None:
    """Run a casework (or Django) management command from the console."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings.dev")
    # Everything the product writes (databases, uploads, screening runs, secrets) is
    # owner-only; static files are served by the application itself (whitenoise).
    os.umask(PRIVATE_UMASK)
    args = list(sys.argv if argv is None else ["casework", *argv])
    args[0] = "casework"
    if len(args) == 1 or (args[1] in ("--help", "-h", "help") and len(args) == 2):
        print(__doc__)
        return
    if args[1] == "screen" and args[2:3] == ["import"]:
        args[1:3] = ["screen_import"]
    elif args[1] == "resources" and args[2:3] == ["import"]:
        args[1:3] = ["resources_import"]
    elif args[1] == "providers" and args[2:3] == ["import"]:
        args[1:3] = ["providers_import"]
    elif args[1] in ("screen", "criteria"):
        # Population screening runs without Django (casework.population).
        from casework.population.cli import main as population_main

        code = population_main(args[1:])
        # DuckDB's bindings report "leaked" objects at interpreter teardown; the run's
        # files are written and closed by now, so leave without the teardown noise.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    args[1] = ALIASES.get(args[1], args[1])
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
