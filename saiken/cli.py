"""The `saiken` console command: every Django management command, with our settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saiken.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    # `saiken check-ledger` and `saiken check_ledger` name the same command.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["saiken", *args])


if __name__ == "__main__":
    main()
