"""Start-up stays lean: the CLI module and --help never load the database stack."""

from __future__ import annotations

import subprocess
import sys

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
    env_db = tmp_path / "s.db"
    code = (
        "import os, sys\n"
        f"os.environ['TIES_DB'] = {str(env_db)!r}\n"
        "sys.argv = ['ties', 'list']\n"
        "from ties.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    modules = loaded_after(code)
    assert "sqlalchemy" not in modules
    assert "sqlmodel" not in modules
