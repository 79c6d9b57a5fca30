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


def test_every_ties_module_is_loaded_before_any_test_so_a_seed_draws_the_same_examples():
    """Regression (the deep lifecycle test failed only in long combined runs): hypothesis
    draws some values from the literals of the project's modules loaded at the time, and
    ties loads most of its modules inside commands, so the same seed drew other examples
    after other tests. conftest loads every module first."""
    import pkgutil

    import ties
    from conftest import LOADED_FIRST

    every = {m.name for m in pkgutil.walk_packages(ties.__path__, "ties.")}
    assert len(every) > 40  # the walk finds the subpackages' modules too
    assert every - LOADED_FIRST == set()


def test_every_hypothesis_test_is_derandomized_and_blind_to_the_clock():
    """conftest's 'deterministic' profile reaches every property test: CI draws the same
    examples as a laptop, and no deadline or 'too slow' check depends on the machine.
    A test that set derandomize, a deadline or its own health checks without too_slow
    would escape it."""
    import importlib
    import os
    import unittest
    from pathlib import Path

    import pytest
    from hypothesis import HealthCheck, settings

    if os.environ.get("HYPOTHESIS_PROFILE", "deterministic") != "deterministic":
        pytest.skip("another hypothesis profile was chosen on purpose")
    found = {}
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(path.stem)
        for name, obj in vars(module).items():
            if getattr(obj, "is_hypothesis_test", False) is True:  # not the module itself
                found[f"{path.stem}.{name}"] = obj._hypothesis_internal_use_settings
            elif (isinstance(obj, type) and issubclass(obj, unittest.TestCase)
                  and isinstance(getattr(obj, "settings", None), settings)):  # a state machine
                found[f"{path.stem}.{name}"] = obj.settings
    assert len(found) > 30  # the search found the suite's property tests
    escaped = [name for name, s in found.items()
               if not s.derandomize or s.deadline is not None
               or HealthCheck.too_slow not in s.suppress_health_check]
    assert escaped == [], escaped
