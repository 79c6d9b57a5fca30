"""The command line: `ties.cli.app` is the Typer application, `main` the console script."""

# Registers the commands in help order (report and weekly first, as when setup imported
# them: 'ties --help' and docs/reference/commands.md stay as they were).
from ties.cli import report, weekly, setup, people, interactions, data, tidy  # noqa: F401, I001
from ties.cli.app import app, main

__all__ = ["app", "main"]
