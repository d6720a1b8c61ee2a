#!/usr/bin/python3
"""Django's command line for the throwaway DOT server of test/interop/dot.test.ts."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dotsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
