"""Odd environments end cleanly (issue 12, point 5).

Output encodings that can't write every name, a C locale without Python's UTF-8 mode, a
full or closed standard output, a store behind a folder the user may not enter, HOME unset
or a relative XDG_DATA_HOME: each ends with exit 0 and degraded output, or one line on
stderr and exit 1, never a traceback, and the store is as it was. Most run ties as a real
process (`python -m ties`), because the streams and arguments a process starts with are the
point.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import BACKEND, TODAY, built_store, rows, run_ties, snapshot

ZOE = "Zo\u00eb \u00dcnal"


def one_line_refusal(proc: subprocess.CompletedProcess | object, code: int = 1) -> str:
    """The process ended with `code` and exactly one line on stderr starting 'ties:'."""
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ties: "), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    return lines[0]


def clean_exit(proc: subprocess.CompletedProcess) -> None:
    err = proc.stderr if isinstance(proc.stderr, str) else proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err


@pytest.fixture
def zoe(ties, db_path):
    built_store("test_environment.zoe", db_path, lambda: _build_zoe(ties))
    return db_path


def _build_zoe(ties) -> None:
    result = ties("add", ZOE, "--company", "Caf\u00e9 \u2713", "--note", "\u2713 \u65e5\u672c")
    assert result.exit_code == 0


# Output encodings ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("args", [("list",), ("show", "@1"), ("next",), ("report",),
                                  ("follow-ups",), ("config",), ("show", "nobody-here")])
def test_output_encoding_that_cant_write_a_name_degrades_instead_of_crashing(
        zoe, encoding, args):
    proc = subprocess.run([sys.executable, "-m", "ties", *args], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": encoding}, timeout=60)
    assert proc.returncode == (1 if "nobody-here" in args else 0), proc.stderr
    assert b"Traceback" not in proc.stderr and b"internal error" not in proc.stderr
    (proc.stdout + proc.stderr).decode(encoding)  # written in the encoding asked for


def test_ascii_output_shows_what_it_cant_encode_as_escapes(zoe):
    proc = subprocess.run([sys.executable, "-m", "ties", "show", "@1"], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "ascii"})
    clean_exit(proc)
    assert b"Zo\\xeb \\xdcnal" in proc.stdout
    proc.stdout.decode("ascii")  # nothing but ASCII reached the ascii stream


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("args", [("list", "--json"), ("show", "@1", "--json")])
def test_json_in_a_narrow_encoding_is_still_valid_json_with_the_same_data(zoe, encoding, args):
    proc = subprocess.run([sys.executable, "-m", "ties", *args], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": encoding})
    clean_exit(proc)
    data = json.loads(proc.stdout.decode(encoding))
    names = [p["name"] for p in data] if isinstance(data, list) else [data["name"]]
    assert names == [ZOE]


def test_export_is_utf8_whatever_the_output_encoding(zoe):
    proc = subprocess.run([sys.executable, "-m", "ties", "export", "--format", "csv"],
                          capture_output=True, env={**os.environ, "PYTHONIOENCODING": "ascii"})
    clean_exit(proc)
    assert ZOE in proc.stdout.decode("utf-8")


# A C locale without UTF-8 mode ----------------------------------------------------------

C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}


def test_c_locale_without_utf8_mode_keeps_accents_in_arguments_regression_zo_for_zoe(db_path):
    proc = run_ties("add", "Zo\u00eb", "--note", "caf\u00e9 \u2713", env=C_LOCALE)
    clean_exit(proc)
    assert rows(db_path, "SELECT name, notes FROM person") == [("Zo\u00eb", "caf\u00e9 \u2713")]
    shown = run_ties("list", env=C_LOCALE)
    clean_exit(shown)
    found = run_ties("show", "zo\u00eb", env=C_LOCALE)  # found by the accented argument
    clean_exit(found)


def test_c_locale_without_utf8_mode_reads_and_writes_files_with_accented_names(tmp_path,
                                                                             db_path):
    card = tmp_path / "caf\u00e9.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zo\u00eb Ng\r\nEND:VCARD\r\n")
    clean_exit(run_ties("import", str(card), env=C_LOCALE))
    out = tmp_path / "\u00fcber.json"
    clean_exit(run_ties("export", "-o", str(out), env=C_LOCALE))
    assert json.loads(out.read_text(encoding="utf-8"))["people"][0]["name"] == "Zo\u00eb Ng"


def test_c_locale_import_from_stdin_keeps_accents(db_path):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zo\u00eb Ng\r\nEND:VCARD\r\n"
    proc = run_ties("import", "-", input=card, env=C_LOCALE)
    clean_exit(proc)
    assert rows(db_path, "SELECT name FROM person") == [("Zo\u00eb Ng",)]


# Full and closed streams ------------------------------------------------------------------

def run_with(args, stdout=None, stderr=subprocess.PIPE, close=(), env=None):
    """ties as a process whose stdout/stderr are the given files, or closed (`close`)."""
    def closing():
        for fd in close:
            os.close(fd)

    return subprocess.run([sys.executable, "-m", "ties", *args], stdout=stdout, stderr=stderr,
                          stdin=subprocess.DEVNULL, text=True, env={**os.environ, **(env or {})},
                          preexec_fn=closing, timeout=60)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("export",), ("export", "--format", "markdown"), ("list",),
                                  ("list", "--json"), ("show", "@1"), ("report",), ("--help",),
                                  ("--version",), ("interaction",)])
def test_a_full_disk_on_stdout_ends_with_one_line_and_exit_1(zoe, args):
    before = snapshot(zoe)
    with open("/dev/full", "w") as full:
        proc = run_with(args, stdout=full)
    line = one_line_refusal(proc)
    assert "Can't write to standard output: No space left on device" in line
    assert snapshot(zoe) == before


@pytest.mark.parametrize("args", [("list", "--json"), ("export",), ("show", "@1"), ("path",),
                                  ("--help",), ("--version",), ("interaction",)])
def test_closed_stdout_refuses_data_commands_in_one_line(zoe, args):
    before = snapshot(zoe)
    proc = run_with(args, close=(1,))
    line = one_line_refusal(proc)
    assert "standard output: it is closed" in line
    assert snapshot(zoe) == before


def test_closed_stdout_does_not_stop_a_command_that_prints_no_data(zoe):
    proc = run_with(("add", "Bo Chen"), close=(1,))
    clean_exit(proc)
    assert "Added Bo Chen" in proc.stderr
    assert len(rows(zoe, "SELECT id FROM person")) == 2


@pytest.mark.sqlite_only
def test_a_file_opened_with_stdout_closed_never_takes_its_descriptor(tmp_path, zoe):
    """With fd 1 closed the next file opened would become fd 1, and any stray write to
    'stdout' would land in it: the export file must hold exactly the export."""
    target = tmp_path / "out.json"
    proc = run_with(("export", "-o", str(target)), close=(1,))
    clean_exit(proc)
    assert json.loads(target.read_text())["people"][0]["name"] == ZOE


@pytest.mark.parametrize("close", [(2,), (1, 2)])
def test_closed_stderr_still_gives_the_exit_code(zoe, close):
    refused = run_with(("show", "nobody-here"), stdout=subprocess.PIPE, stderr=None,
                       close=close)
    assert refused.returncode == 1
    added = run_with(("add", "Bo Chen"), stdout=subprocess.PIPE, stderr=None, close=close)
    assert added.returncode == 0
    assert len(rows(zoe, "SELECT id FROM person")) == 2


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_stderr_drops_the_message_but_not_the_change(zoe):
    with open("/dev/full", "w") as full:
        proc = run_with(("add", "Bo Chen"), stdout=subprocess.PIPE, stderr=full)
    assert proc.returncode == 0
    assert len(rows(zoe, "SELECT id FROM person")) == 2


def test_closed_stdin_reads_as_empty(zoe):
    proc = run_with(("import", "-"), stdout=subprocess.PIPE, close=(0,))
    line = one_line_refusal(proc)
    assert "Traceback" not in line


# Where the data lives -------------------------------------------------------------------

def test_home_unset_with_xdg_data_home_set_works(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "TIES_DB")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    proc = subprocess.run([sys.executable, "-m", "ties", "add", "Ana"], capture_output=True,
                          text=True, env=env, timeout=60)
    clean_exit(proc)
    assert (tmp_path / "xdg" / "ties" / "ties.db").exists()


def test_xdg_data_home_that_cant_hold_a_folder_is_refused_in_one_line(ties, tmp_path,
                                                                      monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.delenv("TIES_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))
    result = ties("add", "Ana")
    assert result.exit_code == 1
    assert result.stderr.startswith("ties: ") and len(result.stderr.splitlines()) == 1


# Permissions and homes: root may enter any folder and has a home, so these run ties as
# another user: 'nobody', or a bare uid with no entry in the user database --------------

def _python_as(*user: str) -> list[str] | None:
    """A command line that runs Python as another user (with an interpreter and library
    path that user can read), or None where there is no such way."""
    if os.geteuid() != 0 or not shutil.which(user[0]):
        return None
    import sqlmodel

    import ties

    paths = os.pathsep.join({str(Path(ties.__file__).parents[1]),
                             str(Path(sqlmodel.__file__).parents[1])})
    for python in (sys.executable, f"/usr/bin/python{sys.version_info[0]}."
                   f"{sys.version_info[1]}"):
        command = [*user, "env", f"PYTHONPATH={paths}", python]
        probe = subprocess.run([*command, "-c", "import ties.cli, sqlmodel"],
                               capture_output=True, timeout=60, cwd="/")
        if probe.returncode == 0:
            return command
    return None


NEEDS_ANOTHER_USER = ("needs root, and a Python that another user may run (root itself can't "
                      "be denied a folder, and always has a home)")


@pytest.fixture(scope="module")
def as_nobody():
    """Python run as a user a 0700 root folder keeps out: 'nobody' when the tests run as
    root, else the tests' own user (kept out of a 0000 folder)."""
    if os.geteuid() != 0:
        return [sys.executable]
    command = _python_as("runuser", "-u", "nobody", "--")
    if command is None:
        pytest.skip(NEEDS_ANOTHER_USER)
    return command


@pytest.fixture(scope="module")
def as_homeless_uid():
    command = _python_as("setpriv", "--reuid=54321", "--regid=54321", "--clear-groups")
    if command is None:
        pytest.skip(NEEDS_ANOTHER_USER)
    return command


@pytest.mark.parametrize("args", [("path",), ("add", "Ana"), ("list",)])
def test_home_unset_for_a_user_without_a_home_is_refused_in_one_line(as_homeless_uid, args):
    """A container started with a bare uid and no HOME: nowhere to keep data, so say what
    to set, rather than exit 70 (regression) or a store relative to the working folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_DATA_HOME", "TIES_DB")}
    proc = subprocess.run([*as_homeless_uid, "-m", "ties", *args], capture_output=True,
                          text=True, env=env, timeout=60, cwd="/")
    line = one_line_refusal(proc)
    assert "HOME" in line and "--db" in line


@pytest.fixture
def locked_store(ties):
    """A store inside a folder the user of `as_nobody` may not enter (outside pytest's
    private tmp dir, so that 'nobody' could reach it if the folder allowed); filled in
    process, since only the refusal needs a real process of another user."""
    if BACKEND != "sqlite":
        pytest.skip("about a store file's folder")
    base = Path(tempfile.mkdtemp(prefix="ties-locked-"))
    base.chmod(0o755)
    try:
        store = base / "locked" / "ties.db"
        store.parent.mkdir(mode=0o700)  # --db names a store in a folder that exists
        assert ties("add", "Ana", TIES_DB=str(store)).exit_code == 0
        before = store.read_bytes()
        (base / "locked").chmod(0o700 if os.geteuid() == 0 else 0o000)
        yield base, store, before
    finally:
        (base / "locked").chmod(0o700)
        shutil.rmtree(base)


@pytest.mark.parametrize("args", [("list",), ("add", "Bo"), ("show", "Ana"), ("export",),
                                  ("doctor",), ("backup",)])
def test_a_store_in_a_folder_the_user_cannot_enter_is_refused_in_one_line(
        as_nobody, locked_store, args):
    base, store, before = locked_store
    proc = subprocess.run([*as_nobody, "-m", "ties", *args], capture_output=True, text=True,
                          env={**os.environ, "TIES_DB": str(store), "TIES_TODAY": TODAY},
                          timeout=60, cwd=base)
    line = one_line_refusal(proc)
    assert "Permission denied" in line and str(store.parent) in line
    store.parent.chmod(0o700)
    assert store.read_bytes() == before


def test_an_unwritable_data_home_is_refused_in_one_line(as_nobody, locked_store):
    base, _, _ = locked_store
    env = {k: v for k, v in os.environ.items() if k != "TIES_DB"}
    proc = subprocess.run([*as_nobody, "-m", "ties", "add", "Bo"], capture_output=True,
                          text=True, env={**env, "XDG_DATA_HOME": str(base / "locked"),
                                          "HOME": "/nonexistent"}, timeout=60, cwd=base)
    assert "Permission denied" in one_line_refusal(proc)


def test_main_run_again_in_one_process_guards_the_streams_once(monkeypatch, capsys):
    """Scripts and tests may call ties.cli.main() in a loop: the streams must not end up
    wrapped once per call."""
    from ties.cli import main
    from ties.cli.streams import _Guarded

    monkeypatch.setattr(sys, "stdout", sys.stdout)  # (put back after the test)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    monkeypatch.setattr(sys, "argv", ["ties", "path"])
    for _ in range(3):
        with pytest.raises(SystemExit) as done:
            main()
        assert done.value.code == 0
    assert isinstance(sys.stdout, _Guarded)
    assert not isinstance(sys.stdout._stream, _Guarded)
    assert len(capsys.readouterr().out.splitlines()) == 3
