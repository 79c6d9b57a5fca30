"""The command line: `ties.cli.app` is the Typer application, `main` the console script."""

from ties.cli import setup, people, interactions, weekly, report, data, tidy  # noqa: F401, I001  (registers commands, in help order)
from ties.cli.app import app, main

__all__ = ["app", "main"]
