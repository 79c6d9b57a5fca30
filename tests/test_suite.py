"""What keeps the everyday suite fast holds (issue 13: under 3 minutes on 2 cores)."""

from __future__ import annotations

import typer.testing


def test_the_cli_runner_builds_the_app_once(ties):
    """conftest caches Typer's app-to-command build, which otherwise runs on every
    in-process command and costs seven times the command itself."""
    ties("path")
    before = typer.testing._get_command.cache_info()
    ties("path")
    ties("list")
    after = typer.testing._get_command.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 2
