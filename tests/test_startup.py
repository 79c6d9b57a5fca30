"""Start-up stays lean: the CLI module and --help never load the database stack."""

from __future__ import annotations

import subprocess
import sys

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


@pytest.mark.parametrize("command", ["list", "next", "follow-ups", "config"])
def test_read_commands_do_not_import_sqlalchemy(tmp_path, command):
    env_db = tmp_path / "s.db"
    code = (
        "import os, sys\n"
        f"os.environ['TIES_DB'] = {str(env_db)!r}\n"
        f"sys.argv = ['ties', {command!r}]\n"
        "from ties.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    modules = loaded_after(code)
    assert "sqlalchemy" not in modules
    assert "sqlmodel" not in modules


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
    assert out.stdout.split("\n")[:2] == ["Ana Lima", "Anton Berg"]
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
