"""The `casework` console script: Django's management commands, with the product's own.

casework serve            migrate and serve on 127.0.0.1:8000
casework demo-data        load demo data (refused under production settings)
casework createstaff      create a staff account with a role
casework sweep            act on due deadlines (overdue work items, reminders)
casework audit seal|verify
casework <any Django management command>
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings.dev")
    args = list(sys.argv if argv is None else ["casework", *argv])
    if len(args) == 1:
        args.append("help")
    elif args[1] == "--help" and len(args) == 2:
        print(__doc__)
        args[1] = "help"
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
