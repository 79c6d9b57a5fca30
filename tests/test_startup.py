"""Start-up stays lean: the CLI module and --help never load the database stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "dateutil", "rich.table")


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    return set(out.stdout.split())


def test_import_ties_cli_does_not_import_sqlalchemy():
    modules = loaded_after("import ties.cli")
    assert not {m for m in HEAVY if m in modules}


def test_help_does_not_import_the_database_stack():
    modules = loaded_after(
        "import sys; sys.argv = ['ties', '--help']\n"
        "from ties.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert not {m for m in ("sqlalchemy", "sqlmodel", "pydantic") if m in modules}


def test_read_commands_do_not_import_sqlalchemy(tmp_path):
    """list, next, follow-ups and config, one after another in one fresh process: after
    each, neither SQLAlchemy nor SQLModel is loaded."""
    commands = ["list", "next", "follow-ups", "config"]
    code = (
        "import os, sys\n"
        f"os.environ['TIES_DB'] = {str(tmp_path / 's.db')!r}\n"
        "from ties.cli import main\n"
        f"for command in {commands!r}:\n"
        "    sys.argv = ['ties', command]\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        "    heavy = [m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules]\n"
        "    print('loaded after', command, heavy, file=sys.stderr)"
    )
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    loaded = [line for line in probe.stderr.splitlines() if line.startswith("loaded after")]
    assert loaded == [f"loaded after {c} []" for c in commands], probe.stderr


def test_name_completion_through_the_shell_protocol(ties, tmp_path):
    import os

    env = {**os.environ, "TIES_DB": str(tmp_path / "c.db")}
    for name in ("Ana Lima", "Anton Berg", "Bo Chen"):
        assert ties("add", name, TIES_DB=env["TIES_DB"]).exit_code == 0
    script = "from ties.cli import main; main()"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True,
        env={**env, "_TIES_COMPLETE": "complete_bash", "COMP_WORDS": "ties log An",
             "COMP_CWORD": "2"})
    assert out.stdout.split("\n")[:2] == ["Ana\\ Lima", "Anton\\ Berg"]  # one word each
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True,
        env={**env, "_TIES_COMPLETE": "complete_bash", "COMP_WORDS": "ties add X --type st",
             "COMP_CWORD": "4"})
    assert out.stdout.split() == ["strategic"]


def test_name_completion_on_a_missing_store_offers_nothing(tmp_path):
    from ties.cli.app import complete_name

    class Ctx:
        params = {"db": tmp_path / "missing.db"}

        def find_root(self):
            return self

    assert complete_name(Ctx(), "A") == []
    assert not (tmp_path / "missing.db").exists()


def _modules_after_command(ties, tmp_path, *args: str) -> set[str]:
    """The modules loaded by running `ties ARGS` in a new process on a store with someone
    due (filled in this process: only the command measured needs a fresh one)."""
    env_db = tmp_path / "s.db"
    assert ties("add", "Ana Lima", "--type", "strategic", "--on", "1 year ago",
                TIES_DB=str(env_db)).exit_code == 0
    code = (
        "import os, sys\n"
        f"os.environ['TIES_DB'] = {str(env_db)!r}\n"
        f"sys.argv = ['ties', *{list(args)!r}]\n"
        "from ties.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    return loaded_after(code)


def test_next_json_does_not_import_rich_table(ties, tmp_path):
    """Regression: the week's suggestions were built in the CLI with render.talk_about,
    so 'next --json' loaded Rich's tables to print JSON."""
    modules = _modules_after_command(ties, tmp_path, "next", "--json")
    assert "ties.views" in modules  # the suggestion was built (Ana is due)
    assert "rich.table" not in modules
    assert "sqlalchemy" not in modules


def test_the_table_of_next_still_loads_rich_table(ties, tmp_path):
    """The other side of the test above: it would pass vacuously if nothing ever did."""
    assert "rich.table" in _modules_after_command(ties, tmp_path, "next")


def test_views_import_no_terminal_library_orm_or_cli():
    modules = loaded_after("import ties.views")
    assert not {m for m in modules if m.split(".")[0] in ("typer", "rich", "click",
                                                          "sqlalchemy", "sqlmodel")}
    assert "ties.cli" not in modules


def test_no_command_module_imports_another():
    """Shared pieces live below the CLI (ties.views), not in a command module."""
    import ast
    from pathlib import Path

    import ties.cli

    package = Path(ties.cli.__file__).parent
    shared = {"app", "options", "streams", "__init__"}
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text())
        imported = {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module}
        commands = {m.rsplit(".", 1)[1] for m in imported if m.startswith("ties.cli.")}
        assert commands <= shared, f"{module.name} imports {commands - shared}"


def test_regression_ctrl_c_while_the_command_line_loads_printed_a_traceback(
        monkeypatch, capsys):
    """A Ctrl-C in the moment Typer, Rich and the commands load (the first ~0.2 s) ended
    in a 46-line traceback: the console script now catches it, one line and exit 130."""
    import types

    from ties import __main__ as launcher

    loading = types.ModuleType("ties.cli")

    def interrupted(name):
        if name == "main":
            raise KeyboardInterrupt
        raise AttributeError(name)

    loading.__getattr__ = interrupted
    monkeypatch.setitem(sys.modules, "ties.cli", loading)
    with pytest.raises(SystemExit) as done:
        launcher.run()
    assert done.value.code == 130
    assert capsys.readouterr().err == "ties: Interrupted. Nothing was changed.\n"


def test_the_console_script_is_the_launcher():
    import tomllib

    scripts = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())[
        "project"]["scripts"]
    assert scripts == {"ties": "ties.__main__:run"}
