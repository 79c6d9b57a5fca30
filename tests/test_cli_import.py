from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import dump, rows, snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def test_import_linkedin_stores_every_field_and_keeps_connection_date(ties, db_path):
    result = ties("import", fixture("linkedin-2024.csv"), "--tag", "LinkedIn")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == ("Imported linkedin as import #1: 4 created, "
                                             "0 updated, 0 unchanged, 1 skipped.")
    assert "skipped 1: no name (row 7)" in result.stderr
    assert rows(db_path, "SELECT name, type, company, role, linkedin, connected_on, import_id "
                         "FROM person WHERE name = 'Ana Lima'") == [
        ("Ana Lima", None, "Globex", "VP, Engineering", "https://www.linkedin.com/in/analima",
         "2024-05-30", 1)]
    assert rows(db_path, "SELECT count(*) FROM interaction") == [(0,)]
    assert rows(db_path, "SELECT DISTINCT tag FROM tag") == [("linkedin",)]
    assert rows(db_path, "SELECT count(*) FROM person WHERE name LIKE ?", ("%\ufeff%",)) == [
        (0,)]


def test_reimporting_the_same_file_adds_nothing(ties, db_path):
    ties("import", fixture("linkedin-2024.csv"))
    before = dump(db_path)
    result = ties("import", fixture("linkedin-2024.csv"))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == ("Imported linkedin: 0 created, 0 updated, "
                                             "4 unchanged, 1 skipped.")

    def data(text: str) -> list[str]:  # the week's kept list aside: bookkeeping of `next`
        return [line for line in text.splitlines() if "week_list" not in line]

    assert data(dump(db_path)) == data(before)


def test_import_fills_empty_fields_and_never_overwrites(ties, db_path):
    ties("add", "Ana Lima", "--company", "Globex", "--role", "CTO")
    result = ties("import", fixture("linkedin-2024.csv"))
    assert "1 updated" in result.stderr
    assert "kept yours: Ana Lima's role is 'CTO'; the file says 'VP, Engineering'" in \
        result.stderr
    assert rows(db_path, "SELECT role, linkedin, connected_on FROM person WHERE id = 1") == [
        ("CTO", "https://www.linkedin.com/in/analima", "2024-05-30")]


def test_matching_by_linkedin_then_email_then_name_and_company(ties, db_path):
    ties("add", "A. Lima", "--linkedin", "https://www.linkedin.com/in/analima/", "--no-log")
    ties("add", "Robert Chen", "--email", "BO@acme.example", "--no-log")
    ties("add", "José Núñez", "--company", "Banco Andino, S.A.", "--no-log")
    result = ties("import", fixture("linkedin-2024.csv"))
    assert "1 created" in result.stderr  # only Zoë is new
    assert rows(db_path, "SELECT count(*) FROM person") == [(4,)]


def test_dry_run_writes_nothing(ties, db_path):
    ties("add", "Someone", "--no-log")
    before = snapshot(db_path)
    result = ties("import", fixture("google-current.csv"), "--dry-run")
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "create     row 2 (Mei Lin)", "create     row 3 (Grace S. Park)", "skip       row 4",
        "Would import google"]
    assert result.stdout.splitlines()[-1] == (
        "Would import google: 2 created, 0 updated, 0 unchanged, 1 skipped.")
    assert snapshot(db_path) == before
    assert rows(db_path, "SELECT count(*) FROM person") == [(1,)]


@pytest.mark.parametrize(("name", "fmt", "created"), [
    ("linkedin-2017.csv", "linkedin", 2), ("google-legacy.csv", "google", 2),
    ("google-current-no-labels.csv", "google", 2), ("google-legacy-no-groups.csv", "google", 1),
    ("contacts-21.vcf", "vcard", 2), ("contacts-30.vcf", "vcard", 2),
    ("contacts-40.vcf", "vcard", 1), ("generic.csv", "csv", 3), ("cp1252.csv", "csv", 2)])
def test_each_format_is_detected_and_imported(ties, db_path, name, fmt, created):
    result = ties("import", fixture(name))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Imported {fmt}")
    assert f"{created} created" in result.stderr
    assert rows(db_path, "SELECT count(*) FROM person") == [(created,)]


def test_cp1252_is_reported_and_stored_as_text(ties, db_path):
    result = ties("import", fixture("cp1252.csv"))
    assert "(read as windows-1252)" in result.stderr
    assert rows(db_path, "SELECT name FROM person ORDER BY id") == [("René Lefèvre",),
                                                                    ("François Müller",)]


def test_generic_csv_types_are_kept_and_typed_people_can_be_suggested(ties, db_path):
    ties("import", fixture("generic.csv"))
    assert rows(db_path, "SELECT name, type FROM person ORDER BY id") == [
        ("Ana Lima", "strategic"), ("Bo Chen", "social"), ('Dana "DW" Whitfield', None)]


def test_format_option_and_bad_files(ties, db_path, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello there\n")
    for args, message in [
        ([str(bad)], "ties: Can't tell what kind of file"),
        ([str(tmp_path / "missing.csv")], "ties: There is no file"),
        ([str(tmp_path)], "ties: "),
        ([fixture("generic.csv"), "--format", "xml"], "ties: --format must be auto or one of"),
        ([], "ties: Name the file to import"),
    ]:
        result = ties("import", *args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith(message)
        assert result.stderr.count("\n") == 1


def test_import_from_stdin(ties, db_path):
    data = (FIXTURES / "generic.csv").read_text()
    result = ties("import", "-", input=data)
    assert result.exit_code == 0
    assert "3 created" in result.stderr


def test_large_import_does_not_flood_next_even_with_a_type(ties, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("name,company\n" + "".join(f"Person {i},Co {i % 7}\n" for i in range(300)))
    assert ties("import", str(path), "--type", "tactical").exit_code == 0
    ties("add", "Real Friend", "--type", "social", "--on", "2025-01-01")
    later = ties("next", "--json", TIES_TODAY="2025-09-01")
    assert [i["name"] for i in json.loads(later.stdout)] == ["Real Friend"]
    ties("log", "Person 7", "--on", "2025-03-14")
    later = ties("next", "--json", TIES_TODAY="2025-09-01")
    assert [i["name"] for i in json.loads(later.stdout)] == ["Real Friend", "Person 7"]


def test_undo_removes_the_import_and_restores_filled_fields(ties, db_path):
    ties("add", "Ana Lima", "--company", "Globex", "--no-log")
    before = dump(db_path)
    ties("import", fixture("linkedin-2024.csv"))
    assert rows(db_path, "SELECT count(*) FROM person") == [(4,)]
    listed = json.loads(ties("imports", "--json").stdout)
    assert [(b["id"], b["format"], b["created"], b["updated"]) for b in listed] == [
        (1, "linkedin", 3, 1)]
    result = ties("import", "--undo")
    assert result.exit_code == 0
    assert result.stderr == ("Undid import #1: removed 3 people it created and emptied what it "
                             "filled in for 1.\n")
    assert rows(db_path, "SELECT name, linkedin, connected_on FROM person") == [
        ("Ana Lima", None, None)]
    assert dump(db_path).replace("\n", "") != ""
    assert rows(db_path, "SELECT undone_at IS NOT NULL FROM import_batch") == [(1,)]
    again = ties("import", "--undo")
    assert again.exit_code == 1
    assert again.stderr == "ties: There is no import to undo. 'ties imports' lists them.\n"
    del before


def test_undo_is_refused_once_imported_people_changed(ties, db_path):
    ties("import", fixture("linkedin-2024.csv"))
    ties("log", "Zoë", "--note", "coffee")
    before = dump(db_path)
    result = ties("import", "--undo", "--batch", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        "ties: Import #1 can't be undone: what it created has changed since (interaction #1 "
        "was logged with Zoë O'Neill). Nothing was changed; take those changes back first, "
        "or keep the import and remove what you don't want with 'ties rm'.\n")
    assert dump(db_path) == before


def test_triage_types_archives_skips_and_resumes(ties, db_path):
    ties("import", fixture("linkedin-2024.csv"))
    result = ties("triage", input="3\nx\na\ns\nq\n")
    assert result.exit_code == 0
    assert "4 people have no type yet." in result.stderr
    assert "Press one of:" in result.stderr
    assert "Triage: 1 strategic, 1 archived, 1 skipped. 2 still without a type" in result.stderr
    typed = rows(db_path, "SELECT name, type, archived FROM person WHERE type IS NOT NULL "
                          "OR archived ORDER BY name")
    assert len(typed) == 2
    result = ties("triage", input="1\n2\n")
    assert "Triage: 1 tactical, 1 social. 0 still without a type." in result.stderr
    assert ties("triage").stderr == "No one is waiting for triage: everyone has a type.\n"


def test_duplicates_and_merge(ties, db_path):
    ties("add", "Ana Lima", "--company", "Globex", "--email", "ana@globex.example",
         "--type", "strategic", "--tag", "mentor")
    ties("log", "Ana Lima", "--note", "coffee", "--on", "yesterday")
    ties("import", fixture("linkedin-2017.csv"))  # fills Ana; adds Carmen
    ties("add", "Ana Lima", "--company", "Globex Inc", "--location", "Lisbon", "--another",
         "--on", "2025-02-01")
    ties("follow-up", "@3", "send the paper")
    ties("add", "Carmen Vidal", "--company", "Hospital Clínic", "--another", "--no-log")
    result = ties("duplicates")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "@1 Ana Lima (Globex)  ~  @3 Ana Lima (Globex Inc): same name",
        "@2 Carmen Vidal (Hospital Clínic)  ~  @4 Carmen Vidal (Hospital Clínic): same name"]
    plan = ties("merge", "@1", "@3", input="y\n")
    assert plan.exit_code == 0, plan.stderr
    assert "  company: keep Globex (their Globex Inc goes into notes)" in plan.stderr
    assert "  location: take Lisbon" in plan.stderr
    assert "type" not in plan.stderr
    data = json.loads(ties("show", "@1", "--json").stdout)
    assert (data["location"], data["type"], data["role"]) == ("Lisbon", "strategic",
                                                              "VP Engineering")
    assert data["notes"] == "From Ana Lima (merged): company: Globex Inc"
    assert data["interactions"] == 3
    assert [f["text"] for f in data["follow_ups"]] == ["send the paper"]
    assert rows(db_path, "SELECT count(*) FROM person WHERE id = 3") == [(0,)]
    refused = ties("merge", "@1", "@1", "--yes")
    assert refused.exit_code == 1


@pytest.mark.slow
def test_killed_import_leaves_the_store_unchanged(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                    + "".join(f"P{i},L{i},https://www.linkedin.com/in/p{i},,Co {i % 50},"
                              f"Role,01 Jan 2024\n" for i in range(40_000)))
    env = {**os.environ, "TIES_DB": str(tmp_path / "k.db")}
    subprocess.run([sys.executable, "-m", "ties", "add", "Existing"], env=env, check=True,
                   capture_output=True)
    before = dump(tmp_path / "k.db")
    kills = 0
    for delay in (0.6, 0.9, 1.2, 1.5, 1.8):
        proc = subprocess.Popen([sys.executable, "-m", "ties", "import", str(path)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        if proc.returncode == 0:
            break  # it finished: the store now holds the whole import
        assert dump(tmp_path / "k.db") == before
    assert kills >= 1
    conn_rows = rows(tmp_path / "k.db", "PRAGMA integrity_check")
    assert conn_rows == [("ok",)]


def test_next_after_importing_and_triaging_says_why_nobody_is_suggested(ties):
    ties("import", fixture("generic.csv"))  # Ana strategic, Bo social, Dana untyped
    ties("archive", "Dana")
    result = ties("next")
    assert result.exit_code == 0
    assert result.stderr == ("No one to suggest yet: 2 imported people stay out of 'ties next' "
                             "until you log an interaction with them (ties log NAME).\n")


def test_json_import_dates_people_and_promises_by_the_pinned_day_regression_real_clock(
        ties, tmp_path):
    """Bug: a ties JSON import dated people without 'created' with the real clock, even
    when TIES_TODAY pinned another day."""
    doc = {"format": "ties", "version": 1, "people": [{"id": 1, "name": "Ana Lima"}],
           "follow_ups": [{"id": 1, "person": 1, "text": "send the paper"}]}
    source = tmp_path / "doc.json"
    source.write_text(json.dumps(doc))
    result = ties("import", str(source), TIES_TODAY="2020-02-29")
    assert result.exit_code == 0, result.stderr
    exported = json.loads(ties("export").stdout)
    assert exported["people"][0]["created"] == "2020-02-29"
    # updated_at is UTC: the pinned local day is at most a day away from it
    assert exported["people"][0]["updated_at"][:10] in ("2020-02-28", "2020-02-29",
                                                        "2020-03-01")
    assert exported["follow_ups"][0]["created"] == "2020-02-29"


# Big input: reads are bounded whatever the source -------------------------------------

def _bytes_read_by_this_process() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


@pytest.mark.skipif(not Path("/proc/self/io").exists() or not Path("/dev/zero").exists(),
                    reason="needs Linux's /proc/self/io and /dev/zero")
def test_regression_import_of_dev_zero_reads_only_the_limit_then_refuses(ties, db_path):
    """It used to trust st_size (0 for a device) and read 1.36 GB before a MemoryError."""
    from ties.formats.importers import MAX_BYTES

    ties("add", "Ana")
    before = dump(db_path)
    started = _bytes_read_by_this_process()
    result = ties("import", "/dev/zero")
    consumed = _bytes_read_by_this_process() - started
    assert result.exit_code == 1
    assert result.stderr == ("ties: /dev/zero is larger than 50 MiB; ties imports files up to "
                             "50 MiB. Split it and import the parts.\n")
    assert MAX_BYTES < consumed < MAX_BYTES + 16 * 2**20  # the limit and a byte, plus ties' own
    assert dump(db_path) == before


def _feed_fifo(path: Path, total: int, written: list[int]) -> None:
    """Write up to `total` bytes into the FIFO at `path`, counting what the reader took
    (everything the pipe accepted), until the reader closes its end."""
    fd = os.open(path, os.O_WRONLY)
    try:
        chunk = b"x" * 65536
        while written[0] < total:
            written[0] += os.write(fd, chunk)
    except BrokenPipeError:
        pass
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("size, refused", [(2**20, False), (2**20 + 1, True), (50 * 2**20, True)])
def test_a_named_pipe_is_read_up_to_the_limit_and_refused_beyond(ties, db_path, tmp_path,
                                                                 monkeypatch, size, refused):
    import threading

    import ties.formats.importers as importers

    monkeypatch.setattr(importers, "MAX_BYTES", 2**20)
    fifo = tmp_path / "contacts.fifo"
    os.mkfifo(fifo)
    written = [0]
    feeder = threading.Thread(target=_feed_fifo, args=(fifo, size, written), daemon=True)
    feeder.start()
    result = ties("import", str(fifo))
    feeder.join(timeout=30)
    assert not feeder.is_alive()
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    if refused:
        assert result.stderr == (f"ties: {fifo} is larger than 1 MiB; ties imports files up "
                                 "to 1 MiB. Split it and import the parts.\n")
        # what the pipe accepted: what ties read (the limit and one byte) plus its buffer
        assert written[0] <= 2**20 + 1 + 2**20
    else:  # read whole, then judged by its content
        assert result.stderr.startswith("ties: Can't tell what kind of file")
        assert written[0] == size


def test_standard_input_over_the_limit_is_refused(ties, db_path, monkeypatch):
    import ties.formats.importers as importers

    monkeypatch.setattr(importers, "MAX_BYTES", 1000)
    header = "name,notes\n"
    fits = header + "Ana,Acme\n" + "Bo," + "x" * (1000 - len(header) - 13) + "\n"
    assert len(fits) == 1000
    assert ties("import", "-", input=fits).exit_code == 0
    result = ties("import", "-", input=fits + "y")
    assert result.exit_code == 1
    assert result.stderr == ("ties: stdin is larger than 0 MiB; ties imports files up to 0 "
                             "MiB. Split it and import the parts.\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs Unix sockets")
def test_a_socket_that_cannot_be_opened_as_a_file_is_one_line(ties, db_path):
    import socket
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="ties-"))  # short: a socket path has a limit
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "s"))
        result = ties("import", str(folder / "s"))
    finally:
        server.close()
        (folder / "s").unlink(missing_ok=True)
        folder.rmdir()
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ties: ties can't read {folder / 's'} (")  # ENXIO
    assert result.stderr.endswith("). Nothing was imported.\n")
    assert result.stderr.count("\n") == 1


def test_json_timestamps_with_an_offset_are_stored_as_utc_on_every_database(ties, tmp_path):
    """The same file gives every store the same clock."""
    doc = {"format": "ties", "version": 1,
           "people": [{"id": 1, "name": "Ana Lima", "updated_at": "2025-01-02 05:04:05+02:00"}],
           "interactions": [{"id": 1, "date": "2025-01-02", "channel": "call", "people": [1],
                             "logged_at": "2025-01-01T23:30:00-05:00"}]}
    source = tmp_path / "doc.json"
    source.write_text(json.dumps(doc))
    assert ties("import", str(source)).exit_code == 0
    exported = json.loads(ties("export").stdout)
    assert exported["people"][0]["updated_at"].startswith("2025-01-02 03:04:05")
    assert exported["interactions"][0]["logged_at"].startswith("2025-01-02 04:30:00")


def test_an_empty_file_is_called_empty_not_of_an_unknown_kind(ties, tmp_path):
    empty = tmp_path / "contacts.csv"
    empty.write_text("\n  \n")
    result = ties("import", str(empty))
    assert result.exit_code == 1
    assert result.stderr == (f"ties: {empty} is empty: there is nothing to import. Check "
                             "that the export finished.\n")


def test_an_empty_file_name_is_named_as_such_regression_blank_folder_message(ties):
    result = ties("import", "")
    assert result.exit_code == 1
    assert result.stderr == "ties: The file name is empty; name the file to import.\n"


def test_the_import_summary_counts_one_interaction_in_the_singular(ties):
    doc = {"format": "ties", "version": 1, "people": [{"id": 1, "name": "Ana Lima"}],
           "interactions": [{"id": 1, "date": "2025-03-01", "people": [1]}],
           "follow_ups": [{"id": 1, "person": 1, "text": "send the paper"}]}
    result = ties("import", "-", input=json.dumps(doc))
    assert result.exit_code == 0, result.stderr
    assert "1 interaction, 1 follow-up." in result.stderr


# Strict imports: one invalid value refuses the whole file ---------------------------------

INVALID_FILES = {
    "csv": ("people.csv", "name,email,type\nAna Lima,ana@globex.example,strategic\n"
            "Bo Chen,bo at acme,social\n",
            "row 3 (Bo Chen), email: 'bo at acme' doesn't look like an email address "
            "(name@example.com)"),
    "vcard": ("people.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEND:VCARD\r\n"
              "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Chen\r\nCATEGORIES:" + "t" * 51 + "\r\n"
              "END:VCARD\r\n",
              "card 2 (Bo Chen), tag: A tag can have at most 50 characters: 'tttttttttttttttttttt'"
              "..."),
    "google": ("contacts.csv", "First Name,Last Name,Labels,E-mail 1 - Value,Birthday\n"
               "Ana,Lima,* myContacts,ana@globex.example,1980-03-22\n"
               "Bo,Chen,* myContacts,,1980-13-45\n",
               "row 3 (Bo Chen), birthday: "),
    "linkedin": ("Connections.csv", "First Name,Last Name,URL,Email Address,Company,Position,"
                 "Connected On\nAna,Lima,https://www.linkedin.com/in/analima,,Globex,CTO,"
                 "30 May 2024\nBo,Chen,https://example.com/bo,,Acme,,5 Jan 2025\n",
                 "row 3 (Bo Chen), linkedin: 'https://example.com/bo' is not a LinkedIn "
                 "profile"),
}


@pytest.mark.parametrize("kind", sorted(INVALID_FILES))
def test_a_file_with_one_invalid_value_is_refused_whole_naming_row_and_field(
        ties, db_path, tmp_path, kind):
    name, text, problem = INVALID_FILES[kind]
    path = tmp_path / name
    path.write_text(text)
    ties("add", "Cy Diaz", "--no-log")
    before = dump(db_path)
    result = ties("import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"ties: {path}: {problem}")
    assert result.stderr.endswith(" Nothing was imported: correct the file, or add "
                                  "--skip-invalid to import it without the invalid values.\n")
    assert result.stderr.count("\n") == 1
    assert dump(db_path) == before
    assert json.loads(ties("imports", "--json").stdout) == []


@pytest.mark.parametrize("kind", sorted(INVALID_FILES))
def test_skip_invalid_imports_the_file_without_the_invalid_values_listing_each(
        ties, db_path, tmp_path, kind):
    name, text, problem = INVALID_FILES[kind]
    path = tmp_path / name
    path.write_text(text)
    result = ties("import", str(path), "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0].endswith(": 2 created, 0 updated, 0 unchanged, "
                                                  "0 skipped.")
    assert f"  left out: {problem}" in result.stderr
    assert [p["name"] for p in json.loads(ties("list", "--json").stdout)] == ["Ana Lima",
                                                                             "Bo Chen"]


def test_a_valid_file_imports_without_skip_invalid_and_lists_nothing_left_out(
        ties, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email,type,tags\nAna Lima,ana@globex.example,strategic,"
                    + "t" * 50 + "\n")
    result = ties("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "left out" not in result.stderr
    ana = json.loads(ties("show", "Ana", "--json").stdout)
    assert (ana["email"], ana["type"], ana["tags"]) == ("ana@globex.example", "strategic",
                                                        ["t" * 50])


def test_the_refusal_counts_every_other_invalid_value_in_the_file(ties, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email,type\nAna,nope,friend\nBo,also nope,\n")
    result = ties("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ties: {path}: row 2 (Ana), type: 'friend' is not a "
                                    "relationship type")
    assert "(2 more invalid values in the file). Nothing was imported" in result.stderr
    listed = ties("import", str(path), "--skip-invalid").stderr
    assert [line for line in listed.splitlines() if line.startswith("  left out")] == [
        "  left out: row 2 (Ana), type: 'friend' is not a relationship type: use tactical, "
        "social or strategic",
        "  left out: row 2 (Ana), email: 'nope' doesn't look like an email address "
        "(name@example.com)",
        "  left out: row 3 (Bo), email: 'also nope' doesn't look like an email address "
        "(name@example.com)"]


def test_a_row_without_a_name_is_skipped_not_refused(ties, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email\nAna,ana@globex.example\n,nobody@globex.example\n")
    result = ties("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "skipped 1: no name (row 3)" in result.stderr


def test_an_invalid_name_refuses_the_file_and_with_skip_invalid_skips_its_row(ties, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,company\n" + "A" * 201 + ",Acme\nBo,Acme\n")
    refused = ties("import", str(path))
    assert refused.exit_code == 1
    assert "row 2 (" + "A" * 39 + "…), name: A name can have at most 200 characters" in \
        refused.stderr
    result = ties("import", str(path), "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert "1 created, 0 updated, 0 unchanged, 1 skipped." in result.stderr
    assert "skipped 1: A name can have at most 200 characters" in result.stderr
    assert "left out" not in result.stderr  # listed once, as skipped


def test_skip_invalid_with_a_ties_json_export_is_refused(ties, db_path, tmp_path):
    ties("add", "Ana Lima", "--no-log")
    path = tmp_path / "all.json"
    path.write_text(ties("export").stdout)
    before = dump(db_path)
    result = ties("import", str(path), "--skip-invalid")
    assert result.exit_code == 1
    assert result.stderr == (f"ties: {path} is a ties JSON export, which is imported whole or "
                             "not at all: --skip-invalid is for CSV, vCard, LinkedIn or Google "
                             "Contacts files. Nothing was imported.\n")
    assert dump(db_path) == before


# The plan, shown: --dry-run and --json ------------------------------------------------------

PLANNED_CSV = ("Name,Email,Company,Role\n"
               "Ana Lima,ana@globex.example,Globex,VP\n"
               "Bo Chen,,Acme,\n"
               "Bo Chen,bo@acme.example,Acme,CTO\n"
               ",x@y.example,,\n")


def test_dry_run_shows_each_entry_with_its_reason_and_the_summary_last(ties, db_path,
                                                                      tmp_path):
    ties("add", "Ana Lima", "--email", "ana@globex.example", "--role", "CTO", "--no-log")
    (tmp_path / "people.csv").write_text(PLANNED_CSV)
    before = snapshot(db_path)
    result = ties("import", str(tmp_path / "people.csv"), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "update     row 2: same email as Ana Lima (@1); fills company",
        "create     row 3 (Bo Chen): no one here has this LinkedIn profile, email, or name "
        "at this company",
        "merge      row 4 (Bo Chen): merged with row 3 (Bo Chen): same name at the same "
        "company",
        "skip       row 5: no name",
        "conflict   Ana Lima's role: yours is 'CTO', the file says 'VP': kept yours",
        "Would import csv: 1 created, 1 updated, 0 unchanged, 1 skipped, 1 merged."]
    assert result.stderr == ""
    assert snapshot(db_path) == before


def test_dry_run_json_is_the_same_plan_for_scripts(ties, db_path, tmp_path):
    ties("add", "Ana Lima", "--email", "ana@globex.example", "--role", "CTO", "--no-log")
    (tmp_path / "people.csv").write_text(PLANNED_CSV)
    before = snapshot(db_path)
    result = ties("import", str(tmp_path / "people.csv"), "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["format"], doc["dry_run"], doc["import"]) == ("csv", True, None)
    assert doc["counts"] == {"created": 1, "updated": 1, "unchanged": 0, "skipped": 1,
                             "merged": 1, "conflicts": 1, "jobs": 0, "interactions": 0,
                             "follow_ups": 0, "settings": 0}
    assert [(e["action"], e.get("position"), e["reason"]) for e in doc["plan"]] == [
        ("update", "row 2", "same email as Ana Lima (@1)"),
        ("create", "row 3", "no one here has this LinkedIn profile, email, or name at "
                            "this company"),
        ("merge", "row 4", "merged with row 3 (Bo Chen): same name at the same company"),
        ("skip", "row 5", "no name"),
        ("conflict", None, "yours is 'CTO', the file says 'VP': kept yours")]
    assert doc["plan"][0]["id"] == 1 and doc["plan"][0]["fields"] == ["company"]
    assert snapshot(db_path) == before
    done = ties("import", str(tmp_path / "people.csv"), "--json")
    real = json.loads(done.stdout)
    # the same plan, but that the real import says the ids it gave (a dry run gives none)
    assert doc["plan"][1]["id"] is None and isinstance(real["plan"][1]["id"], int)
    assert [{**e, "id": None} if e["action"] == "create" else e for e in real["plan"]] == \
        doc["plan"] and real["dry_run"] is False
    # PostgreSQL's sequences gave the dry run's batch id out for good: the number varies
    assert done.stderr.startswith(f"Imported csv as import #{real['import']}: 1 created, "
                                  "1 updated")


def test_entries_merged_with_an_earlier_one_are_counted_and_shown_regression_0_skipped(
        ties, db_path, tmp_path):
    """Three duplicate 'Ana Lima' rows vanished, yet the import said '0 skipped'."""
    (tmp_path / "dupes.csv").write_text("Name,Company\n" + "Ana Lima,Globex\n" * 4)
    result = ties("import", str(tmp_path / "dupes.csv"))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:4] == [
        "Imported csv as import #1: 1 created, 0 updated, 0 unchanged, 0 skipped, 3 merged.",
        "  merged: row 3 (Ana Lima) with row 2 (Ana Lima): same name at the same company",
        "  merged: row 4 (Ana Lima) with row 2 (Ana Lima): same name at the same company",
        "  merged: row 5 (Ana Lima) with row 2 (Ana Lima): same name at the same company"]
    assert rows(db_path, "SELECT count(*) FROM person") == [(1,)]


def test_a_file_without_duplicates_reports_no_merged_count(ties, tmp_path):
    (tmp_path / "two.csv").write_text("Name,Company\nAna Lima,Globex\nAna Lima,Acme\n")
    result = ties("import", str(tmp_path / "two.csv"))
    assert result.stderr.splitlines()[0] == (
        "Imported csv as import #1: 2 created, 0 updated, 0 unchanged, 0 skipped.")


def test_dry_run_of_a_ties_export_plans_interactions_follow_ups_and_settings(ties, db_path,
                                                                            tmp_path):
    ties("add", "Ana Lima", "--email", "ana@globex.example", "--on", "2025-03-01")
    ties("config", "next.count", "5")
    ties("config", "cadence.social", "30")
    doc = {"format": "ties", "version": 1,
           "people": [{"id": 7, "name": "Ana Lima", "email": "ana@globex.example"},
                      {"id": 8, "name": "Bo Chen"}],
           "interactions": [
               {"id": 1, "people": [7], "date": "2025-03-01", "channel": "in-person",
                "note": "First meeting"},
               {"id": 2, "people": [7, 8], "date": "2025-03-10", "channel": "call"}],
           "follow_ups": [{"id": 3, "person": 8, "text": "send the paper",
                           "due": "2025-03-20"}],
           "settings": {"next.count": 5, "cadence.social": 45, "cadence.tactical": 60}}
    (tmp_path / "all.json").write_text(json.dumps(doc))
    before = snapshot(db_path)
    result = ties("import", str(tmp_path / "all.json"), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unchanged  person 7: same email as Ana Lima (@1); nothing to add",
        "create     person 8 (Bo Chen): no one here has this LinkedIn profile, email, or "
        "name at this company",
        "skip       interaction 1: already here as #1 (same day, channel, note and people)",
        "create     interaction 2: call with Ana Lima (@1) and Bo Chen (new) on 2025-03-10, "
        "not here yet",
        "create     follow-up 3: for Bo Chen (new), due 2025-03-20, not here yet",
        "unchanged  setting next.count: yours is the same",
        "conflict   setting cadence.social: yours is '30', the file says '45': kept yours",
        "set        setting cadence.tactical to '60': you have not set it",
        "Would import ties: 1 created, 0 updated, 1 unchanged, 0 skipped, 1 interaction, "
        "1 follow-up, 1 setting."]
    assert snapshot(db_path) == before
    done = ties("import", str(tmp_path / "all.json"))
    assert "  kept yours: setting cadence.social is '30'; the file says '45'" in \
        done.stderr.splitlines()
    assert rows(db_path, "SELECT key, value FROM setting ORDER BY key") == [
        ("cadence.social", "30"), ("cadence.tactical", "60"), ("next.count", "5")]


@pytest.mark.parametrize("flag", ["--dry-run", "--json"])
def test_undo_with_dry_run_or_json_is_refused_regression_dry_run_undid_for_real(
        ties, db_path, tmp_path, flag):
    """'ties import --undo --dry-run' used to undo the import for real."""
    (tmp_path / "one.csv").write_text("Name\nAna Lima\n")
    ties("import", str(tmp_path / "one.csv"))
    before = snapshot(db_path)
    result = ties("import", "--undo", flag)
    assert result.exit_code == 1
    assert result.stderr.startswith("ties: --json and --dry-run show an import's plan")
    assert snapshot(db_path) == before


def test_the_triage_hint_counts_only_imported_people_without_a_type(ties):
    """Regression: 'Imported people have no type yet' followed a file that gave every
    person a type."""
    some = ties("import", "-", input="Name,Type\nAna Lima,strategic\nBo Chen,\n")
    assert "1 imported person has no type yet: 'ties triage'" in some.stderr
    every = ties("import", "-", input="Name,Type\nCy Dee,social\n")
    assert every.exit_code == 0 and "no type yet" not in every.stderr
    none = ties("import", "-", input="Name,Type\nDee Eel,\n")
    assert "Imported people have no type yet" in none.stderr


def test_regression_an_interaction_logged_twice_survives_a_json_export_and_import(
        ties, db_path, tmp_path, monkeypatch):
    # Found by the deep lifecycle run: the JSON import kept one of two identical
    # interactions (logged twice with --force), in an empty store and on a restore too.
    ties("add", "Ana Lima", "--no-log")
    for _ in range(2):
        assert ties("log", "Ana", "--on", "2025-01-10", "--note", "coffee",
                    "--force").exit_code == 0
    exported = ties("export").stdout
    monkeypatch.setenv("TIES_DB", str(tmp_path / "other.db"))
    assert ties("import", "-", input=exported).exit_code == 0
    assert [i["note"] for i in json.loads(ties("export").stdout)["interactions"]] == [
        "coffee", "coffee"]
    again = ties("import", "-", input=exported)  # the same file again adds nothing
    assert again.exit_code == 0, again.stderr
    assert len(json.loads(ties("export").stdout)["interactions"]) == 2
    assert ties("interaction", "rm", "2", "--yes").exit_code == 0
    assert ties("import", "-", input=exported).exit_code == 0  # one of the two is missing
    assert len(json.loads(ties("export").stdout)["interactions"]) == 2


# What the new-user review of issue 13 found in the plan --------------------------------------

def test_dry_run_and_json_carry_the_notes_the_real_import_gives(ties, tmp_path):
    """Regression: a guessed date order or encoding was said only after the import."""
    (tmp_path / "amb.csv").write_text("name,birthday\nAmb One,03/04/1990\n")
    dry = ties("import", str(tmp_path / "amb.csv"), "--dry-run")
    note = [line for line in dry.stdout.splitlines() if line.startswith("note ")]
    assert len(note) == 1 and "row 2" in note[0] and "03/04/1990" in note[0]
    doc = json.loads(ties("import", str(tmp_path / "amb.csv"), "--dry-run", "--json").stdout)
    assert len(doc["notes"]) == 1 and "03/04/1990" in doc["notes"][0]


def test_an_entry_merged_into_an_earlier_one_says_which_values_lost_and_lends_its_email(
        ties, tmp_path):
    """Regression: row 3's role vanished unreported, and row 4, which shares the email row 3
    brought, became a second person with it."""
    (tmp_path / "dup.csv").write_text("name,company,role,email\nBo Chen,Acme,Role A,\n"
                                      "Bo Chen,Acme,Role B,bo@acme.example\n"
                                      "B. Chen,,,bo@acme.example\n")
    lines = ties("import", str(tmp_path / "dup.csv"), "--dry-run").stdout.splitlines()
    assert lines == [
        "create     row 2 (Bo Chen): no one here has this LinkedIn profile, email, or name "
        "at this company",
        "merge      row 3 (Bo Chen): merged with row 2 (Bo Chen): same name at the same "
        "company; kept row 2's role 'Role A', not 'Role B'",
        "merge      row 4 (B. Chen): merged with row 2 (Bo Chen): same email",
        "Would import csv: 1 created, 0 updated, 0 unchanged, 0 skipped, 2 merged."]
    real = ties("import", str(tmp_path / "dup.csv"))
    assert "  merged: row 3 (Bo Chen) with row 2 (Bo Chen): same name at the same company; " \
        "kept row 2's role 'Role A', not 'Role B'" in real.stderr.splitlines()


def test_a_value_in_another_case_is_no_conflict(ties, tmp_path):
    ties("add", "Ana Lima", "--company", "Globex", "--no-log")
    (tmp_path / "a.csv").write_text("name,company\nana lima,globex\n")
    dry = ties("import", str(tmp_path / "a.csv"), "--dry-run").stdout
    assert "conflict" not in dry and "unchanged  row 2: same name at the same company" in dry


def test_a_name_match_without_companies_says_so(ties, tmp_path):
    ties("add", "Chidi Okafor", "--no-log")
    (tmp_path / "c.csv").write_text("name,role\nChidi Okafor,Philosopher\n")
    dry = ties("import", str(tmp_path / "c.csv"), "--dry-run").stdout.splitlines()
    assert dry[0] == ("update     row 2: same name, and no company given on either as Chidi "
                      "Okafor (@1); fills role")


def test_a_real_import_in_json_gives_the_ids_it_created_and_fields_named_one_way(ties,
                                                                                 tmp_path):
    """Regression: created people kept "id": null; a birthday was three fields."""
    (tmp_path / "b.csv").write_text("name,birthday,every\nAna Lima,1990-04-12,3w\n")
    doc = json.loads(ties("import", str(tmp_path / "b.csv"), "--json").stdout)
    (entry,) = doc["plan"]
    assert entry["id"] == 1
    assert entry["fields"] == ["birthday", "cadence_days"]


def test_a_too_long_note_names_the_option_that_exists(ties):
    """Regression: the message said --notes, which is no option (it is --note)."""
    result = ties("add", "Ana", "--note", "x" * 100_001)
    assert result.exit_code == 1
    assert result.stderr.startswith("ties: --note can have at most 100,000 characters")


def test_an_export_of_one_person_says_person(ties, tmp_path):
    ties("add", "Ana", "--no-log")
    result = ties("export", "-o", str(tmp_path / "one.json"))
    assert "Exported 1 person to " in result.stderr
    assert ties("export", "--format", "markdown").stdout.startswith("# ties: 1 person\n")
