from __future__ import annotations

import json
import os
import stat

import pytest

from conftest import TODAY, dump, rows, run_ties
from ties import __version__


def test_version(ties):
    result = ties("--version")
    assert result.exit_code == 0
    assert result.stdout == f"ties {__version__}\n"


def test_no_command_shows_help(ties):
    result = ties()
    assert result.exit_code == 0
    assert "Usage: ties" in result.stdout


def test_path_prints_tiesdb_then_option(ties, db_path, tmp_path):
    assert ties("path").stdout == f"{db_path}\n"
    other = tmp_path / "elsewhere.db"
    assert ties("--db", str(other), "path").stdout == f"{other}\n"


def test_path_defaults_to_xdg_data_dir(ties, tmp_path, monkeypatch):
    monkeypatch.delenv("TIES_DB")
    assert ties("path").stdout == f"{tmp_path / 'xdg' / 'ties' / 'ties.db'}\n"


def test_db_option_and_env_select_the_store(ties, tmp_path):
    other = tmp_path / "other" / "x.db"
    other.parent.mkdir()
    assert ties("--db", str(other), "add", "Ana").exit_code == 0
    assert rows(other, "SELECT name FROM person") == [("Ana",)]
    assert ties("list", "--json").stdout == "[]\n"


@pytest.mark.sqlite_only
def test_store_directory_and_file_are_private(ties, db_path):
    old = os.umask(0o022)
    try:
        ties("add", "Ana")
    finally:
        os.umask(old)
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    for suffix in ("", "-wal", "-shm"):
        f = db_path.with_name(db_path.name + suffix)
        if f.exists():
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_ties_today_pins_the_date(ties, db_path):
    ties("add", "Ana", "--no-log")
    ties("log", "Ana")
    assert rows(db_path, "SELECT date FROM interaction") == [(TODAY,)]


def test_bad_ties_today_is_a_clear_error(ties):
    ties("add", "Ana", "--no-log")
    result = ties("log", "Ana", TIES_TODAY="someday")
    assert result.exit_code == 1
    assert result.stderr == ("ties: TIES_TODAY='someday' is not a date; set it as YYYY-MM-DD "
                             "or unset it.\n")


def test_far_future_ties_today_poisoned_the_store_now_refused_and_nothing_written(
        ties, db_path):
    ties("add", "Ana", "--no-log")
    before = dump(db_path)
    result = ties("add", "Future", TIES_TODAY="9500-06-01")
    assert result.exit_code == 1
    assert result.stderr == ("ties: TIES_TODAY='9500-06-01' is outside the days ties can pin "
                             "(1900-01-01 to 8900-12-30); set it within them or unset it.\n")
    assert dump(db_path) == before
    assert ties("list").exit_code == 0


@pytest.mark.parametrize("args", [["next"], ["report"], ["snooze", "@1", "--for", "3w"]])
@pytest.mark.parametrize("pinned", ["9999-12-31", "0001-01-01"])
def test_ties_today_at_the_calendars_ends_crashed_with_overflow_now_refused(ties, args,
                                                                           pinned):
    ties("add", "Ana")
    result = ties(*args, TIES_TODAY=pinned)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ties: TIES_TODAY='{pinned}' is outside the days")


def test_last_pinnable_day_writes_a_store_every_command_reads(ties):
    last = {"TIES_TODAY": "8900-12-30"}
    assert ties("add", "Ana", **last).exit_code == 0
    assert ties("follow-up", "Ana", "call", "--due", "in 99 years", **last).exit_code == 0
    assert ties("snooze", "Ana", "--for", "3w", **last).exit_code == 0
    for args in (["list"], ["show", "Ana"], ["next"], ["report"], ["export"]):
        assert ties(*args).exit_code == 0, args
        assert ties(*args, **last).exit_code == 0, args


def test_demo_builds_separate_store_and_never_touches_users(ties, db_path, tmp_path):
    ties("add", "Me Myself", "--no-log")
    before = dump(db_path)
    result = ties("demo")
    assert result.exit_code == 0
    demo = tmp_path / "xdg" / "ties" / "demo.db"
    assert "Ana Lima" in result.stdout and "王伟" in result.stdout
    assert f"is at {demo}; your own store was not touched." in result.stderr
    assert dump(db_path) == before
    people = rows(demo, "SELECT type, count(*) FROM person GROUP BY type ORDER BY type")
    assert [t for t, _ in people] == ["social", "strategic", "tactical"]
    assert sum(n for _, n in people) >= 30
    first, last = rows(demo, "SELECT min(date), max(date) FROM interaction")[0]
    assert first <= "2024-03-14" and last <= TODAY
    # Deterministic: the same seed and day give the same store.
    snapshot = dump(demo)
    ties("demo")
    assert dump(demo) == snapshot


def test_demo_refuses_to_overwrite_users_store(ties, tmp_path):
    demo = tmp_path / "xdg" / "ties" / "demo.db"
    result = ties("--db", str(demo), "demo")
    assert result.exit_code == 1
    assert "the demo never touches your own store" in result.stderr


def test_regression_demo_replaced_a_file_of_yours_where_the_demo_goes(ties, tmp_path):
    """`ties demo` deleted whatever was at demo.db. It replaces only nothing, an empty
    file or an earlier demo; a file of yours, or a demo you added someone to, needs --force."""
    demo = tmp_path / "xdg" / "ties" / "demo.db"
    demo.parent.mkdir(parents=True)
    demo.write_text("my notes\n")
    result = ties("demo")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"ties: {demo} holds something other than an earlier demo, and "
                             "the demo never replaces it. Move it away, or run 'ties demo "
                             "--force'.\n")
    assert demo.read_text() == "my notes\n"
    assert ties("demo", "--force").exit_code == 0
    assert ties("demo").exit_code == 0  # an earlier demo is replaced
    assert ties("--db", str(demo), "add", "Someone Real", "--no-log").exit_code == 0
    assert ties("demo").exit_code == 1
    assert rows(demo, "SELECT count(*) FROM person WHERE name = 'Someone Real'") == [(1,)]
    demo.write_bytes(b"")
    assert ties("demo").exit_code == 0  # an empty file holds nothing to lose


@pytest.mark.sqlite_only
def test_store_that_is_not_sqlite_is_refused_and_left_alone(ties, db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.write_bytes(b"these are my notes, not a database" * 100)
    before = db_path.read_bytes()
    result = ties("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("ties: The store")
    assert "damaged or not a ties database" in result.stderr
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only
def test_foreign_sqlite_database_is_refused_and_left_alone(ties, db_path):
    import sqlite3

    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    before = dump(db_path)
    raw = db_path.read_bytes()
    for command in (["add", "Ana"], ["list"]):
        result = ties(*command)
        assert result.exit_code == 1
        assert result.stderr == ("ties: This SQLite file is not a ties store; ties left it "
                                 "untouched. Point --db or TIES_DB at a ties store or a new "
                                 "file.\n")
    assert dump(db_path) == before
    # byte for byte: its header once said WAL afterwards (regression)
    assert db_path.read_bytes() == raw


def test_real_process_add_log_show_json(tmp_path):
    env = {"TIES_DB": str(tmp_path / "p.db")}
    assert run_ties("add", "Ana Lima", "--company", "Acme", env=env).returncode == 0
    assert run_ties("log", "ana", "--note", "coffee", env=env).returncode == 0
    shown = run_ties("show", "Ana", "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["interactions"] == 2


def test_real_process_error_has_no_traceback(tmp_path):
    env = {"TIES_DB": str(tmp_path / "p.db")}
    result = run_ties("log", "Nobody", env=env)
    assert result.returncode == 1
    assert result.stderr == "ties: No one called 'Nobody'. See 'ties list', or add them with " \
                            "'ties add'.\n"
    result = run_ties("log", env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_python_dash_m_works(tmp_path):
    result = run_ties("--version")
    assert result.returncode == 0
    assert result.stdout == f"ties {__version__}\n"


def test_group_without_command_shows_its_help(ties):
    result = ties("interaction")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ties interaction [OPTIONS] COMMAND [ARGS]...")
    assert "edit" in result.stdout and "rm" in result.stdout
