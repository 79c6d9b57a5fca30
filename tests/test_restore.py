"""Restore never loses the store it replaces, reads exactly the file named, and nothing an
interrupted backup, restore or upgrade leaves behind lingers unnamed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import dump, rows
from ties.core import dates

pytestmark = pytest.mark.sqlite_only

STAMP = "20250314-090000"


@pytest.fixture
def same_second(monkeypatch):
    """Every file name ties stamps with the time gets the same second (ties' one clock,
    dates.now, is pinned to 09:00:00 local time)."""
    from datetime import UTC, datetime

    instant = datetime(2025, 3, 14, 9, 0, 0).astimezone().astimezone(UTC)
    monkeypatch.setattr(dates, "now", lambda: instant)


def make_backup(ties, tmp_path: Path, name: str, *people: str) -> Path:
    """A backup file holding exactly `people`, made through a store of its own."""
    store = tmp_path / f"{name}-store.db"
    for person in people:
        assert ties("--db", str(store), "add", person, "--no-log").exit_code == 0
    target = tmp_path / name
    result = ties("--db", str(store), "backup", str(target))
    assert result.exit_code == 0, result.stderr
    return target


def names(store: Path) -> list[str]:
    return [r[0] for r in rows(store, "SELECT name FROM person ORDER BY name")]


def test_restores_in_the_same_second_keep_every_replaced_store(ties, db_path, tmp_path,
                                                               same_second):
    """Regression: two restores in the same second wrote over the one before-restore copy
    (5 of 6 trials lost the original store)."""
    ties("add", "Original Person", "--no-log")
    first = make_backup(ties, tmp_path, "first.db", "First")
    second = make_backup(ties, tmp_path, "second.db", "Second")
    kept = []
    for file in (first, second, first):
        result = ties("restore", str(file), "--yes")
        assert result.exit_code == 0, result.stderr
        kept.append(Path(result.stderr.split("kept at ")[1].strip().rstrip(".")))
    assert [k.name for k in kept] == [f"ties-before-restore-{STAMP}.db",
                                      f"ties-before-restore-{STAMP}-2.db",
                                      f"ties-before-restore-{STAMP}-3.db"]
    assert [names(k) for k in kept] == [["Original Person"], ["First"], ["Second"]]
    assert names(db_path) == ["First"]


def test_backups_in_the_same_second_get_names_of_their_own(ties, db_path, same_second):
    ties("add", "Ana", "--no-log")
    made = [Path(ties("backup").stdout.strip()) for _ in range(3)]
    assert [p.name for p in made] == [f"ties-{STAMP}.db", f"ties-{STAMP}-2.db",
                                      f"ties-{STAMP}-3.db"]
    assert all(names(p) == ["Ana"] for p in made)
    assert not [p for p in made[0].parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("tricky, decoy", [("b%41.db", "bA.db"), ("a#b.db", "a"),
                                           ("q?mode=rw.db", "q"), ("d%25.db", "d%.db"),
                                           ("space d.db", "space%20d.db"),
                                           ("ümlaut.db", "%C3%BCmlaut.db")])
def test_restore_reads_exactly_the_path_given(ties, db_path, tmp_path, tricky, decoy,
                                              monkeypatch):
    """Regression: 'ties restore b%41.db' restored bA.db (the path went into a file: URI
    unencoded), and # or ? in a name created stray files."""
    decoy = make_backup(ties, tmp_path, decoy, "Decoy")
    wanted = make_backup(ties, tmp_path, tricky, "Wanted")
    ties("add", "Current", "--no-log")
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.chdir(tmp_path)
    result = ties("restore", tricky, "--yes")  # relative, as typed
    assert result.exit_code == 0, result.stderr
    assert names(db_path) == ["Wanted"]
    assert names(wanted) == ["Wanted"] and names(decoy) == ["Decoy"]
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_check_and_doctor_read_exactly_the_path_given(tmp_path):
    from ties.storage import db

    (tmp_path / "bA.db").write_text("not a database")
    tricky = tmp_path / "b%41.db"
    conn = db.connect(tricky)
    db.ensure_schema(conn, tricky)
    conn.execute("INSERT INTO person (name, name_key, created, archived, updated_at) "
                 "VALUES ('Ana', 'ana', '2025-01-01', 0, '2025-01-01 00:00:00')")
    conn.close()
    assert db.check_backup(tricky) == "1 person, 0 interactions"
    from ties.storage import doctor

    checks = {c.name: c for c in doctor.run(tricky)}
    assert checks["integrity"].ok


def test_restoring_the_live_store_onto_itself_is_refused(ties, db_path):
    ties("add", "Ana", "--no-log")
    before = dump(db_path)
    result = ties("restore", str(db_path), "--yes")
    assert result.exit_code == 1
    assert "live store" in result.stderr
    assert dump(db_path) == before


def test_doctor_says_when_the_last_backup_was_right_after_a_restore(ties, db_path, tmp_path):
    """Regression: doctor said 'last backup: never' right after a restore although
    backups/ held copies."""
    copy = make_backup(ties, tmp_path, "copy.db", "Ana")
    assert ties("restore", str(copy), "--yes").exit_code == 0
    result = ties("doctor", "--json")
    last = [c for c in json.loads(result.stdout) if c["check"] == "last backup"][0]
    assert last["ok"] is True
    assert last["detail"].startswith("today")


def test_doctor_counts_copies_in_backups_when_the_store_has_no_record(ties, db_path):
    ties("add", "Ana", "--no-log")
    ties("backup")
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM ties_meta WHERE key = 'last_backup'")
    conn.commit()
    conn.close()
    last = [c for c in json.loads(ties("doctor", "--json").stdout)
            if c["check"] == "last backup"][0]
    assert last["ok"] is True and "ties-" in last["detail"] and "backups" in last["detail"]


@pytest.mark.parametrize("age_days, ok", [(30, True), (31, False)])
def test_a_copy_in_backups_counts_until_it_is_over_30_days_old(ties, db_path, age_days, ok):
    ties("add", "Ana", "--no-log")
    copy = Path(ties("backup").stdout.strip())
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM ties_meta WHERE key = 'last_backup'")
    conn.commit()
    conn.close()
    # ages are judged on ties' one clock (pinned by TIES_TODAY in the tests)
    then = dates.now().timestamp() - age_days * 86400 - 60
    os.utime(copy, (then, then))
    last = [c for c in json.loads(ties("doctor", "--json").stdout)
            if c["check"] == "last backup"][0]
    assert last["ok"] is ok
    assert last["detail"].startswith(f"{age_days} days ago")


# Leftovers of interrupted commands ---------------------------------------------------

def dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def leftovers_check(ties) -> dict:
    return [c for c in json.loads(ties("doctor", "--json").stdout)
            if c["check"] == "leftovers"][0]


def test_doctor_names_leftovers_and_fix_removes_only_them(ties, db_path):
    ties("add", "Ana", "--no-log")
    kept = Path(ties("backup").stdout.strip())
    pid = dead_pid()
    orphans = [db_path.parent / f".ties.storage.db.schema1.bak.{pid}.tmp",
               db_path.parent / "backups" / f".ties.db.{pid}.tmp",
               db_path.parent / "backups" / f".ties.db.{pid}.tmp-journal"]
    mine = db_path.parent / f".ties.storage.db.schema1.bak.{os.getpid()}.tmp"  # being written
    for f in (*orphans, mine):
        f.write_bytes(b"x" * 2048)
    unrelated = [db_path.parent / "notes.tmp", db_path.parent / "ties.storage.db.schema1-x.bak"]
    for f in unrelated:
        f.write_text("keep")
    check = leftovers_check(ties)
    assert check["ok"] is False and check["warning"] is True
    assert check["detail"].startswith("3 temporary files left by an interrupted")
    assert "doctor --fix" in check["advice"]
    refused = ties("doctor", "--fix")  # no terminal, no --yes: nothing removed
    assert refused.exit_code == 1 and "Not confirmed" in refused.stderr
    assert all(f.exists() for f in orphans)
    result = ties("doctor", "--fix", "--yes")
    assert result.exit_code == 0, result.stdout
    assert result.stderr.startswith("Removed 3 temporary file(s).")
    assert not any(f.exists() for f in orphans)
    assert mine.exists() and kept.exists() and all(f.exists() for f in unrelated)
    assert db_path.exists() and names(db_path) == ["Ana"]
    mine.unlink()
    assert leftovers_check(ties) == {"check": "leftovers", "ok": True, "warning": False,
                                     "detail": "none", "advice": ""}


def test_doctor_fix_with_nothing_to_fix_says_so(ties, db_path):
    ties("add", "Ana", "--no-log")
    result = ties("doctor", "--fix")
    assert result.stderr.startswith("No temporary files to remove.")


def _big_store(path: Path, people: int) -> None:
    from ties.storage import db

    conn = db.connect(path)
    db.ensure_schema(conn, path)
    with db.transaction(conn, write=True):
        conn.executemany(
            "INSERT INTO person (name, name_key, notes, created, archived, updated_at) "
            "VALUES (?, ?, ?, '2025-01-01', 0, '2025-01-01 00:00:00')",
            [(f"P{i}", f"p{i}", "n" * 500) for i in range(people)])
    conn.close()


def _kill_when(proc: subprocess.Popen, folder: Path, pattern: str, timeout: float = 60):
    """SIGKILL `proc` as soon as a file matching `pattern` appears in `folder`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if list(folder.glob(pattern)):
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return
        if proc.poll() is not None:
            pytest.fail("the command ended before it could be killed")
        time.sleep(0.002)
    proc.kill()
    pytest.fail(f"no {pattern} appeared")


def test_kill_9_during_a_restore_loses_nothing_and_fix_cleans_up(ties, db_path, tmp_path):
    """Regression: a killed restore left a .tmp and a -journal behind."""
    _big_store(db_path, 20_000)
    before = dump(db_path)
    other = make_backup(ties, tmp_path, "other.db", "Someone Else")
    env = {**os.environ, "TIES_DB": str(db_path)}
    proc = subprocess.Popen([sys.executable, "-m", "ties", "restore", str(other), "--yes"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (db_path.parent / "backups").mkdir(exist_ok=True, mode=0o700)
    _kill_when(proc, db_path.parent / "backups", f".ties.db.{proc.pid}.tmp*")
    assert dump(db_path) == before  # killed while keeping the old store: nothing changed
    check = leftovers_check(ties)
    assert check["ok"] is False, check
    assert ties("doctor", "--fix", "--yes").exit_code == 0
    assert not list(db_path.parent.rglob(".*.tmp*"))
    assert leftovers_check(ties)["ok"] is True
    assert dump(db_path) == before


MIGRATOR = r"""
import sys
from pathlib import Path
from ties.storage import db, migrations

def m_slow(conn):
    conn.execute("ALTER TABLE person ADD COLUMN nickname VARCHAR")
    for _ in range(int(sys.argv[2])):
        conn.execute("UPDATE person SET nickname = name || ' ' || coalesce(nickname, '')")

migrations.MIGRATIONS[:] = [*migrations.MIGRATIONS, m_slow]
migrations.LATEST = len(migrations.MIGRATIONS)
db.open_store(Path(sys.argv[1])).close()
"""


def test_killed_upgrades_leave_no_full_size_copies_behind(ties, tmp_path):
    """Regression: killed migrations left 28 full-size .bak files."""
    from ties.storage.migrations import LATEST  # the store is at it; the slow step comes after

    path = tmp_path / "m.db"
    _big_store(path, 20_000)
    before = dump(path)
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", MIGRATOR, str(path), "50"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _kill_when(proc, tmp_path, f".m.db.schema{LATEST}.bak.{proc.pid}.tmp")
        assert dump(path) == before
    assert not list(tmp_path.glob("*.bak"))
    check = [c for c in json.loads(ties("--db", str(path), "doctor", "--json").stdout)
             if c["check"] == "leftovers"][0]
    assert int(check["detail"].split()[0]) >= 3, check  # each copy, perhaps its -journal
    assert ties("--db", str(path), "doctor", "--fix", "--yes").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()
                  if p.is_file() and not p.name.endswith(("-wal", "-shm"))) == ["m.db"]
    done = subprocess.run([sys.executable, "-c", MIGRATOR, str(path), "1"], timeout=120)
    assert done.returncode == 0
    assert len(list(tmp_path.glob(f"m.db.schema{LATEST}-*.bak"))) == 1
    assert not list(tmp_path.glob(".*.tmp*"))


def test_name_completion_reads_exactly_the_store_named(ties, tmp_path):
    from ties.cli.app import complete_name

    store = tmp_path / "w%41#1.db"
    assert ties("--db", str(store), "add", "Ana Lima", "--no-log").exit_code == 0
    (tmp_path / "wA.db").write_text("not this one")

    class Ctx:
        params = {"db": str(store)}

        def find_root(self):
            return self

    assert complete_name(Ctx(), "A") == ["Ana Lima"]
    assert sorted(p.name for p in tmp_path.iterdir()
                  if not p.name.startswith(store.name)) == ["data", "wA.db"]  # nothing stray


def test_restore_leaves_nothing_beside_the_backup_it_reads_regression_wal_shm(
        ties, db_path, tmp_path):
    """Regression: 'ties restore FILE' left FILE-wal and FILE-shm beside the backup (and a
    refused restore of a hard link to the live store left a second -wal for it)."""
    copy = make_backup(ties, tmp_path, "b sp.db", "Ana")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert ties("restore", str(copy), "--yes").exit_code == 0
    assert names(db_path) == ["Ana"]
    link = tmp_path / "hard.db"
    os.link(db_path, link)
    assert ties("restore", str(link), "--yes").exit_code == 1
    link.unlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# A damaged store can be restored; an interrupted restore is all or nothing ---------------

def _damage_header(path: Path) -> None:
    with open(path, "r+b") as f:
        f.write(b"X" * 16)


def _damage_a_page(path: Path) -> None:
    with open(path, "r+b") as f:
        f.seek(4096 * 5)
        f.write(b"\xff" * 4096)


@pytest.mark.parametrize("damage", [_damage_header, _damage_a_page],
                         ids=["header overwritten", "a page mid-file"])
def test_a_damaged_store_is_restored_and_kept_byte_for_byte_regression_restore_refused(
        ties, db_path, tmp_path, damage):
    """Regression: doctor said to restore a damaged store, and restore refused because it
    could not back the damaged one up first."""
    _big_store(db_path, 300)
    good = make_backup(ties, tmp_path, "good.db", "Ana")
    damage(db_path)
    Path(f"{db_path}-wal").write_bytes(b"its own wal")  # kept with it, and not reused
    damaged = db_path.read_bytes()
    result = ties("restore", str(good), "--yes")
    assert result.exit_code == 0, result.stderr
    kept = next((db_path.parent / "backups").glob("ties-before-restore-*.db"))
    assert result.stderr == (f"Restored {good}. Your previous store was damaged; it is kept "
                             f"as it was, byte for byte, at {kept}.\n")
    assert kept.read_bytes() == damaged
    assert Path(f"{kept}-wal").read_bytes() == b"its own wal"
    assert names(db_path) == ["Ana"]
    assert ties("add", "Bo", "--no-log").stderr.startswith("Added Bo (@301)")  # ids go on
    assert ties("doctor").exit_code == 0


def test_a_restore_keeps_every_damaged_store_under_a_name_of_its_own(ties, db_path, tmp_path,
                                                                     same_second):
    good = make_backup(ties, tmp_path, "good.db", "Ana")
    for _ in range(2):
        ties("add", "Bo", "--no-log")
        _damage_header(db_path)
        assert ties("restore", str(good), "--yes").exit_code == 0
    assert sorted(p.name for p in (db_path.parent / "backups").iterdir()) == [
        f"ties-before-restore-{STAMP}-2.db", f"ties-before-restore-{STAMP}.db"]


@pytest.mark.parametrize("content, what", [
    (b"my notes\n", "it is not a SQLite database"),
    (None, "it is another program's SQLite database")])
def test_restore_refuses_to_replace_a_file_that_is_no_ties_store_and_says_what_to_do(
        ties, tmp_path, content, what):
    """Regression: a text file named with --db was called a damaged store to restore."""
    good = make_backup(ties, tmp_path, "good.db", "Ana")
    target = tmp_path / "other.sqlite"
    if content is None:
        conn = sqlite3.connect(target)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    else:
        target.write_bytes(content)
    before = target.read_bytes()
    result = ties("--db", str(target), "restore", str(good), "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        f"ties: {target} is not a ties store ({what}), so restore won't replace it; "
        "nothing was changed. To restore into a new file, run: "
        f"ties --db NEW.db restore {good}\n")
    assert target.read_bytes() == before


@pytest.mark.parametrize("step", ["copy", "upgrade", "counters", "keep", "swap"])
def test_an_interrupted_restore_changes_nothing_and_says_so_regression_half_restored(
        ties, db_path, tmp_path, monkeypatch, step):
    """Regression: Ctrl-C after the copy said "Nothing was changed" over a replaced store
    whose id counters were not yet raised, so ids were given out twice."""
    from ties.storage import db, ids

    _big_store(db_path, 50)
    good = make_backup(ties, tmp_path, "good.db", "Ana")
    before = dump(db_path)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    target = {"copy": (db, "open_copy"), "upgrade": (db._Rebuilding, "ensure_schema"),
              "counters": (ids, "never_below"), "keep": (db, "backup_to"),
              "swap": (db, "connect")}[step]
    with monkeypatch.context() as patch:
        if step == "swap":
            real = db.connect
            patch.setattr(db, "connect", lambda path: interrupt() if path == db_path
                          else real(path))
        else:
            patch.setattr(*target, interrupt)
        result = ties("restore", str(good), "--yes")
    assert result.exit_code == 130
    assert result.stderr == "ties: Interrupted. Nothing was changed.\n"
    assert dump(db_path) == before
    assert not list(db_path.parent.rglob(".*.tmp*"))
    assert ties("add", "Bo", "--no-log").stderr.startswith("Added Bo (@51)")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("state", ["new", "damaged"])
def test_regression_ctrl_c_as_the_restored_store_went_in_place_said_nothing_was_changed(
        ties, db_path, tmp_path, monkeypatch, state):
    """A real Ctrl-C that arrived while the restored store was being put in place was
    raised once that step had finished: "Interrupted. Nothing was changed." over a store
    that had been replaced. Once that step begins it finishes, and the restore says so."""
    from ties.storage import files

    good = make_backup(ties, tmp_path, "good.db", "Ana")
    if state == "damaged":
        ties("add", "Bo", "--no-log")
        _damage_header(db_path)
    else:
        for path in db_path.parent.iterdir():
            path.unlink() if path.is_file() else None
    real = files.commit

    def commit_then_ctrl_c(*args, **kwargs):
        done = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)  # the user's Ctrl-C, just as it lands
        return done

    monkeypatch.setattr(files, "commit", commit_then_ctrl_c)
    result = ties("restore", str(good), "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Restored {good}")
    assert names(db_path) == ["Ana"]


def test_a_restored_store_gives_out_no_id_the_replaced_one_gave(ties, db_path, tmp_path):
    _big_store(db_path, 50)
    good = make_backup(ties, tmp_path, "good.db", "Ana")
    assert ties("restore", str(good), "--yes").exit_code == 0
    assert rows(db_path, "SELECT seq FROM sqlite_sequence WHERE name = 'person'") == [(50,)]
    assert not list(db_path.parent.rglob(".*.tmp*"))


@pytest.mark.slow
def test_kill_9_at_any_moment_of_a_restore_leaves_the_old_or_the_whole_new_store(
        ties, db_path, tmp_path):
    """A restore killed at any moment leaves the store as it was, or the backup restored
    whole with its counters raised: the next id is never one the old store gave out."""
    template = tmp_path / "template.db"
    _big_store(template, 20_000)
    before = dump(template)
    good = make_backup(ties, tmp_path, "good.db", "Ana")
    env = {**os.environ, "TIES_DB": str(db_path)}
    command = [sys.executable, "-m", "ties", "restore", str(good), "--yes"]
    db_path.parent.mkdir(parents=True, exist_ok=True)

    def fresh():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        conn = sqlite3.connect(template)
        dest = sqlite3.connect(db_path)
        conn.backup(dest)
        dest.close()
        conn.close()

    fresh()
    start = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True)
    whole = time.monotonic() - start
    outcomes = set()
    for n in range(12):
        fresh()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(whole * n / 8)  # the last few land after it finished
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if dump(db_path) == before:
            outcomes.add("old")
        else:
            assert names(db_path) == ["Ana"]
            outcomes.add("new")
        added = ties("add", "Bo", "--no-log")
        assert added.exit_code == 0, added.stderr
        assert int(added.stderr.split("(@")[1].split(")")[0]) > 20_000
        ties("doctor", "--fix", "--yes")
        assert leftovers_check(ties)["ok"] is True
        assert not list(db_path.parent.rglob(".*.tmp*"))
    assert outcomes == {"old", "new"}, outcomes


def test_doctor_counts_only_this_stores_copies_regression_another_stores_backup(ties,
                                                                                tmp_path):
    """Regression: ties-old.db's backup counted as ties.db's last backup."""
    here, old = tmp_path / "ties.db", tmp_path / "ties-old.db"
    ties("--db", str(here), "add", "A", "--no-log")
    ties("--db", str(old), "add", "B", "--no-log")
    assert ties("--db", str(old), "backup").exit_code == 0
    last = [c for c in json.loads(ties("--db", str(here), "doctor", "--json").stdout)
            if c["check"] == "last backup"][0]
    assert (last["ok"], last["detail"]) == (False, "never")


@pytest.mark.parametrize("name, counted", [
    ("ties-20250314-090000.db", True),
    ("ties-20250314-090000-2.db", True),
    ("ties-20250314-090000-12.db", True),
    ("ties-before-restore-20250314-090000.db", True),
    ("ties-before-restore-20250314-090000-3.db", True),
    ("ties-old-20250314-090000.db", False),
    ("ties-old-before-restore-20250314-090000.db", False),
    ("ties-20250314-09000.db", False),
    ("ties-20250314-090000.db.bak", False),
    ("ties-20250314-090000-.db", False),
    ("xties-20250314-090000.db", False),
    ("ties-20250314-090000.json", False),
])
def test_doctor_matches_exactly_the_names_ties_gives_its_copies(name, counted):
    from ties.storage import doctor

    assert bool(doctor.copy_name("ties-", ".db").fullmatch(name)) is counted


def test_doctor_lists_at_most_ten_damaged_values_then_counts_the_rest_regression_37_mb_line(
        ties, db_path):
    """Regression: 200,000 damaged rows made doctor print one line of 37 MB."""
    _big_store(db_path, 25)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE person SET created = 'abc'")
    conn.commit()
    conn.close()
    result = ties("doctor")
    line = [x for x in result.stdout.splitlines() if "values:" in x][0]
    assert line.count("created: 'abc'") == 10 and line.endswith("; and 15 more"), line
    values = [c for c in json.loads(ties("doctor", "--json").stdout)
              if c["check"] == "values"][0]
    assert values["detail"].startswith("25 that ties never writes")
    assert values["detail"].endswith("; and 15 more")


@pytest.mark.parametrize("items, shown", [
    (10, "0; 1; 2; 3; 4; 5; 6; 7; 8; 9"),
    (11, "0; 1; 2; 3; 4; 5; 6; 7; 8; 9; and 1 more"),
    (0, ""),
])
def test_doctor_caps_a_list_at_ten(items, shown):
    from ties.storage import doctor

    assert doctor.capped([str(i) for i in range(items)], "; ") == shown


def test_restore_counts_one_person_in_the_singular_regression_1_people(ties, tmp_path):
    """Regression: restore asked about "(1 people, 0 interactions)", and a PostgreSQL
    backup said "Backed up 1 people"."""
    from ties.storage import jsonbackup

    one = make_backup(ties, tmp_path, "one.db", "Ana")
    result = ties("--db", str(tmp_path / "new.db"), "restore", str(one), input="n\n")
    assert "(1 person, 0 interactions)" in result.stderr + result.stdout
    assert jsonbackup.describe({"people": [{}], "interactions": [{}]}) == (
        "1 person, 1 interaction")
    assert jsonbackup.describe({"people": [{}, {}]}) == "2 people, 0 interactions"


def _upgrade_leftover(store: Path, version: int, *, whole: bool = True) -> Path:
    """What an upgrade from `version` killed before it named its copy leaves: the copy
    under its temporary name, with a process id no process has."""
    leftover = store.parent / f".{store.name}.schema{version}.bak.99999999.tmp"
    source = sqlite3.connect(store)
    dest = sqlite3.connect(leftover)
    source.backup(dest)
    dest.execute("UPDATE ties_meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    dest.commit()
    dest.execute("PRAGMA journal_mode = DELETE")
    dest.close()
    source.close()
    if not whole:
        with open(leftover, "r+b") as f:
            f.truncate(leftover.stat().st_size // 2)
    return leftover


def test_fix_keeps_a_complete_copy_from_before_a_finished_upgrade_regression_deleted_as_tmp(
        ties, db_path):
    """Regression: an upgrade killed after its commit, before naming its copy, left the
    copy as .tmp, and 'doctor --fix' deleted it: that upgrade then had no copy from
    before it."""
    from ties.storage.migrations import LATEST

    ties("add", "Ana", "--no-log")
    leftover = _upgrade_leftover(db_path, LATEST - 1)
    content = leftover.read_bytes()
    os.utime(leftover, (time.mktime((2025, 3, 14, 9, 0, 0, 0, 0, -1)),) * 2)
    check = leftovers_check(ties)
    assert check["ok"] is False
    assert (f"keeps the complete copy taken before an upgrade that finished (the only copy "
            f"from before it): {leftover.name} as ties.db.schema{LATEST - 1}-{STAMP}.bak"
            ) in check["advice"]
    result = ties("doctor", "--fix", "--yes")
    kept = db_path.parent / f"ties.db.schema{LATEST - 1}-{STAMP}.bak"
    assert result.stderr.startswith(f"Kept {leftover.name}, the complete copy taken before "
                                    f"an upgrade that finished, as {kept.name}.\n")
    assert kept.read_bytes() == content
    assert not leftover.exists()
    assert leftovers_check(ties)["ok"] is True


@pytest.mark.parametrize("case", ["partial", "being written", "upgrade never finished"])
def test_fix_removes_a_partial_or_needless_copy_from_before_an_upgrade(ties, db_path, case):
    from ties.storage.migrations import LATEST

    ties("add", "Ana", "--no-log")
    version = LATEST if case == "upgrade never finished" else LATEST - 1
    leftover = _upgrade_leftover(db_path, version, whole=case != "partial")
    if case == "being written":
        Path(f"{leftover}-journal").write_bytes(b"x" * 512)
    check = leftovers_check(ties)
    assert check["advice"].startswith("Remove them with 'ties doctor --fix'")
    result = ties("doctor", "--fix", "--yes")
    assert result.stderr.startswith("Removed ")
    assert not list(db_path.parent.glob("*.bak")) and not list(db_path.parent.glob(".*tmp*"))
@pytest.mark.parametrize("kind", ["device", "named pipe"])
def test_restore_from_a_device_or_pipe_says_not_a_regular_file_regression_there_is_no_file(
        ties, db_path, tmp_path, kind):
    ties("add", "Ana", "--no-log")
    before = dump(db_path)
    if kind == "device":
        source = "/dev/zero"
    else:
        source = str(tmp_path / "pipe")
        os.mkfifo(source)
    result = ties("restore", source, "--yes")
    assert result.exit_code == 1
    assert result.stderr == (f"ties: {source} is not a regular file (it is a {kind}); name a "
                             "backup or export file.\n")
    assert dump(db_path) == before


def test_restore_from_a_missing_file_still_says_there_is_no_file(ties, tmp_path):
    ties("add", "Ana", "--no-log")
    result = ties("restore", str(tmp_path / "gone.db"), "--yes")
    assert result.exit_code == 1
    assert result.stderr == f"ties: There is no file {tmp_path / 'gone.db'}.\n"
