"""Every file and folder ties creates is private (0600/0700), whatever the umask and however
the path was reached."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

pytestmark = pytest.mark.sqlite_only


def run(umask: int, *args: str, env: dict) -> Result:
    """ties run in this process under `umask` with exactly the environment `env` (the umask
    is the process's own, so no real process is needed)."""
    from ties.cli import app

    changes = {**{k: None for k in os.environ if k not in env},
               **{k: v for k, v in env.items() if os.environ.get(k) != v}}
    old = os.umask(umask)
    try:
        result = CliRunner().invoke(app, list(args), env=changes, catch_exceptions=False)
    finally:
        os.umask(old)
    assert result.exit_code == 0, (args, result.stderr)
    return result


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.lstat().st_mode))


def created_under(root: Path, before: set[Path]) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p not in before and not p.is_symlink())


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_everything_ties_creates_is_private_whatever_the_umask(tmp_path, umask):
    """Regression: folders ties created (backups/, parents of 'backup DIR/F' and
    'export -o DIR/F', the XDG data dir) were 0755 under umask 022 and 0777 under 000."""
    env = {k: v for k, v in os.environ.items() if k != "TIES_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg" / "share")
    before = set(tmp_path.rglob("*"))
    run(umask, "add", "Ana", env=env)  # the data dir, its parents and the store
    run(umask, "backup", env=env)  # backups/
    run(umask, "backup", str(tmp_path / "b1" / "b2" / "copy.db"), env=env)
    run(umask, "export", "-o", str(tmp_path / "e1" / "e2" / "out.json"), env=env)
    run(umask, "export", "-o", str(tmp_path / "e1" / "e2" / "out.json"), "--force", env=env)
    copy = tmp_path / "b1" / "b2" / "copy.db"
    run(umask, "restore", str(copy), "--yes", env=env)  # before-restore copy
    created = created_under(tmp_path, before)
    folders = [p for p in created if p.is_dir()]
    files = [p for p in created if p.is_file()]
    assert {p.name for p in folders} >= {"xdg", "share", "ties", "backups", "b1", "b2", "e1",
                                        "e2"}
    assert {p.name for p in files} >= {"ties.db", "copy.db", "out.json"}
    assert any(p.name.startswith("ties-before-restore-") for p in files)
    assert [(p.name, mode(p)) for p in folders] == [(p.name, "0o700") for p in folders]
    assert [(p.name, mode(p)) for p in files] == [(p.name, "0o600") for p in files]


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_store_created_through_a_dangling_symlink_is_private(tmp_path, umask):
    """Regression: a store created through a dangling symlink was 0644."""
    real = tmp_path / "real" / "ties.db"
    real.parent.mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    env = {**os.environ, "TIES_DB": str(link)}
    run(umask, "add", "Ana", env=env)
    run(umask, "log", "Ana", "--note", "coffee", env=env)
    assert link.is_symlink() and real.is_file()
    for f in real.parent.iterdir():
        assert mode(f) == "0o600", f
    assert run(umask, "show", "Ana", env=env).stdout.count("coffee") == 1


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_backup_through_a_dangling_symlink_is_private(tmp_path, umask):
    env = {**os.environ, "TIES_DB": str(tmp_path / "data" / "ties.db")}
    run(umask, "add", "Ana", env=env)
    target = tmp_path / "elsewhere" / "copy.db"
    target.parent.mkdir()
    link = tmp_path / "copy-link.db"
    link.symlink_to(target)
    run(umask, "backup", str(link), env=env)
    assert link.is_symlink() and target.is_file()
    assert mode(target) == "0o600"
