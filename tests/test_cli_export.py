from __future__ import annotations

import csv
import io
import json
import re
import stat
import threading

import pytest

from conftest import TODAY, built_store, dump, rows
from ties.core.records import InteractionRecord


@pytest.fixture
def rich_store(ties, db_path):
    built_store("test_cli_export.rich_store", db_path, lambda: _build_rich_store(ties))


def _build_rich_store(ties) -> None:
    ties("add", "Ana Lima", "--type", "strategic", "--company", "Globex", "--role", "VP",
         "--email", "ana@globex.example", "--phone", "+351 555 0101", "--linkedin", "analima",
         "--tag", "mentor", "--tag", "pycon", "--met", "PyCon", "--note", "line 1\nline 2",
         "--working-on", "platform", "--struggles", "hiring", "--cares-about", "mentoring",
         "--birthday", "--04-12", "--every", "3w", "--on", "2024-06-01", "--location", "Lisbon")
    ties("add", "=HYPERLINK(\"http://evil\")", "--company", "+Acme", "--role", "-1",
         "--note", "@SUM(A1)")
    ties("add", "王伟", "--type", "social", "--birthday", "1985-02-28", "--no-log")
    ties("log", "Ana", "王伟", "--on", "2025-01-10", "--via", "video", "--note",
         "intro, \"quoted\"; semi", "--gave", "--they-reached-out")
    ties("follow-up", "Ana", "send the paper", "--due", "2025-03-20")
    ties("follow-up", "王伟", "lend the book")
    ties("done", "2")
    ties("snooze", "王伟", "--until", "2025-04-01")
    ties("archive", "=HYP")
    ties("config", "cadence.social", "3w")


def strip_stamp(text: str) -> str:
    return re.sub(r'"exported_at": "[^"]+"', '"exported_at": ""', text)


def test_json_export_import_export_is_lossless(ties, rich_store, tmp_path):
    first = ties("export", "--format", "json")
    assert first.exit_code == 0
    doc = json.loads(first.stdout)
    assert (doc["format"], doc["version"]) == ("ties", 1)
    assert len(doc["people"]) == 3 and len(doc["interactions"]) == 3
    other = tmp_path / "other.db"
    result = ties("--db", str(other), "import", "-", input=first.stdout)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Imported ties as import #1: 3 created, 0 updated, "
                                    "0 unchanged, "
                                    "0 skipped, 3 interactions, 2 follow-ups, 1 setting.")
    second = ties("--db", str(other), "export", "--format", "json")
    assert strip_stamp(second.stdout) == strip_stamp(first.stdout)
    # and importing it again adds nothing
    ties("--db", str(other), "import", "-", input=first.stdout)
    third = ties("--db", str(other), "export", "--format", "json")
    assert strip_stamp(third.stdout) == strip_stamp(first.stdout)


def test_json_import_into_a_store_with_data_merges_without_twins(ties, rich_store, tmp_path):
    exported = ties("export").stdout
    other = tmp_path / "other.db"
    ties("--db", str(other), "add", "Ana Lima", "--company", "Globex", "--role", "CTO",
         "--on", "2025-01-10", "--via", "video")
    result = ties("--db", str(other), "import", "-", input=exported)
    assert result.exit_code == 0
    people = json.loads(ties("--db", str(other), "list", "--all", "--json").stdout)
    assert sorted(p["name"] for p in people) == sorted(["Ana Lima", "=HYPERLINK(\"http://evil\")",
                                                        "王伟"])
    ana = json.loads(ties("--db", str(other), "show", "Ana Lima", "--json").stdout)
    assert ana["role"] == "CTO"  # never overwritten
    assert "kept yours: Ana Lima's role is 'CTO'" in result.stderr


def test_csv_export_neutralises_formulas_and_keeps_columns(ties, rich_store):
    result = ties("export", "--format", "csv")
    assert result.exit_code == 0
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(table[0]) == ["name", "type", "company", "role", "industry", "location",
                              "email", "other_emails", "phone", "other_phones", "linkedin",
                              "tags", "met", "notes",
                              "working_on", "struggles", "cares_about", "birthday", "every",
                              "created", "archived", "snoozed_until", "connected_on",
                              "last_contact", "interactions"]
    evil = table[1]
    assert evil["name"] == "'=HYPERLINK(\"http://evil\")"
    assert (evil["company"], evil["role"], evil["notes"]) == ("'+Acme", "'-1", "'@SUM(A1)")
    ana = table[0]
    assert (ana["phone"], ana["tags"], ana["birthday"], ana["every"]) == (
        "'+351 555 0101", "mentor, pycon", "'--04-12", "3w")
    assert ana["notes"] == "line 1\nline 2"
    for row in table:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_export_reimports_through_the_generic_importer(ties, rich_store, tmp_path):
    exported = ties("export", "--format", "csv").stdout
    other = tmp_path / "other.db"
    assert ties("--db", str(other), "import", "-", input=exported).exit_code == 0
    evil = json.loads(ties("--db", str(other), "show", "=HYP", "--json").stdout)
    assert (evil["name"], evil["company"]) == ('=HYPERLINK("http://evil")', "+Acme")


def test_vcard_export_is_read_back_by_vobject(ties, rich_store):
    vobject = pytest.importorskip("vobject")
    text = ties("export", "--format", "vcard").stdout
    cards = list(vobject.readComponents(text))
    assert [c.fn.value for c in cards] == ["Ana Lima", '=HYPERLINK("http://evil")', "王伟"]
    ana = cards[0]
    assert ana.email.value == "ana@globex.example"
    assert ana.tel.value == "+351 555 0101"
    assert ana.org.value == ["Globex"]
    assert ana.title.value == "VP"
    assert ana.note.value.startswith("line 1\nline 2\n\nWorking on: platform")
    assert ana.categories.value == ["mentor", "pycon"]
    # (the test runner turns CRLF into LF)
    assert all(len(line.encode()) <= 75 for line in text.split("\n"))


def test_vcard_export_reimports_into_ties(ties, rich_store, tmp_path):
    text = ties("export", "--format", "vcard").stdout
    other = tmp_path / "other.db"
    assert ties("--db", str(other), "import", "-", input=text).exit_code == 0
    ana = json.loads(ties("--db", str(other), "show", "Ana Lima", "--json").stdout)
    assert (ana["email"], ana["phone"], ana["company"], ana["role"], ana["birthday"]) == (
        "ana@globex.example", "+351 555 0101", "Globex", "VP", "--04-12")


def test_markdown_dossier(ties, rich_store):
    text = ties("export", "--format", "markdown").stdout
    assert text.startswith("# ties: 3 people\n")
    section = text[text.index("## Ana Lima"):text.index("## =HYPERLINK")]
    assert "- **Work:** VP at Globex" in section
    assert "- **Working on:** platform" in section
    assert "### Promised\n\n- send the paper (due 2025-03-20)" in section
    assert "- 2025-01-10, video: intro, \"quoted\"; semi (gave; they reached out; with 王伟)" \
        in section


def test_export_to_file_is_private_and_atomic(ties, rich_store, tmp_path):
    target = tmp_path / "out" / "ties.json"
    result = ties("export", "--output", str(target))
    assert result.exit_code == 0
    assert result.stderr == f"Exported 3 people to {target} (json).\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["format"] == "ties"
    assert [p.name for p in target.parent.iterdir()] == ["ties.json"]


def test_export_bad_format_is_refused(ties):
    result = ties("export", "--format", "xml")
    assert result.exit_code == 1
    assert result.stderr == ("ties: --format must be one of json, csv, vcard, markdown, ics, "
                             "not 'xml'.\n")


@pytest.mark.sqlite_only
def test_backup_is_private_verified_and_recorded(ties, rich_store, db_path, tmp_path):
    result = ties("backup")
    assert result.exit_code == 0
    target = db_path.parent / "backups" / result.stdout.strip().split("/")[-1]
    assert target.exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert rows(target, "PRAGMA integrity_check") == [("ok",)]
    assert rows(target, "SELECT count(*) FROM person") == [(3,)]
    assert rows(db_path, "SELECT count(*) FROM ties_meta WHERE key = 'last_backup'") == [(1,)]
    named = tmp_path / "copy.db"
    assert ties("backup", str(named)).exit_code == 0
    assert rows(named, "SELECT count(*) FROM interaction") == [(3,)]


@pytest.mark.sqlite_only
def test_backup_while_another_writer_is_busy(ties, rich_store, db_path, tmp_path):
    from ties.storage import db, store

    conn = db.open_store(db_path)
    session = db.orm_session(conn)
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            with session.begin():
                store.log(session, [1], InteractionRecord(when=__import__("datetime").date(
                    2025, 3, 1)), force=True)
            stop.wait(0.005)  # a busy writer, not one that never lets go of the lock

    t = threading.Thread(target=writer)
    t.start()
    try:
        for i in range(3):
            target = tmp_path / f"b{i}.db"
            assert ties("backup", str(target)).exit_code == 0
            assert rows(target, "PRAGMA integrity_check") == [("ok",)]
    finally:
        stop.set()
        t.join()
        session.close()
        conn.close()


@pytest.mark.sqlite_only
def test_restore_checks_confirms_and_keeps_the_current_store(ties, rich_store, db_path,
                                                             tmp_path):
    copy = tmp_path / "copy.db"
    ties("backup", str(copy))
    ties("add", "Added After Backup")
    refused = ties("restore", str(copy), input="n\n")
    assert refused.exit_code == 1
    assert rows(db_path, "SELECT count(*) FROM person") == [(4,)]
    result = ties("restore", str(copy), "--yes")
    assert result.exit_code == 0, result.stderr
    assert rows(db_path, "SELECT count(*) FROM person") == [(3,)]
    kept = result.stderr.split("kept at ")[1].strip().rstrip(".")
    assert rows(kept, "SELECT count(*) FROM person") == [(4,)]


def test_restore_refuses_a_file_that_is_not_a_store(ties, rich_store, db_path, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    before = dump(db_path)
    result = ties("restore", str(junk), "--yes")
    assert result.exit_code == 1
    assert result.stderr.startswith("ties: ")
    assert dump(db_path) == before


LINKEDIN_ONE_ROW = ("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                    "Ana,Lima,,,Acme,CTO,01 Jan 2024\n")


@pytest.mark.parametrize("fmt", ["json", "csv", "vcard", "markdown"])
def test_export_after_linkedin_import_regression_connected_on_typeerror(ties, tmp_path, fmt):
    """Bug: after any LinkedIn import every export exited 70 (connected_on was a date
    already and export_data parsed it again)."""
    source = tmp_path / "li.csv"
    source.write_text(LINKEDIN_ONE_ROW)
    assert ties("import", str(source)).exit_code == 0
    result = ties("export", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "Ana Lima" in result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["people"][0]["connected_on"] == "2024-01-01"
    if fmt == "csv":
        row = next(csv.DictReader(io.StringIO(result.stdout)))
        assert row["connected_on"] == "2024-01-01"


def test_backup_and_restore_after_linkedin_import_regression_connected_on(ties, tmp_path):
    """Bug: on PostgreSQL, backup and restore failed after a LinkedIn import too."""
    source = tmp_path / "li.csv"
    source.write_text(LINKEDIN_ONE_ROW)
    ties("import", str(source))
    before = ties("export").stdout
    backup = ties("backup", str(tmp_path / "copy"))
    assert backup.exit_code == 0, backup.stderr
    target = backup.stdout.strip()
    restored = ties("restore", target, "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert strip_stamp(ties("export").stdout) == strip_stamp(before)


@pytest.mark.parametrize("name", ["'- Ana", "'=Bo", "'Cy", "''+Dee", "-Eve"])
def test_regression_a_name_starting_with_an_apostrophe_survives_the_csv_round_trip(
        ties, tmp_path, monkeypatch, name):
    # Found by the deep lifecycle run: "'- ėë" came back from ties' own CSV as "- ėë".
    assert ties("add", "--no-log", "--", name).exit_code == 0
    text = ties("export", "--format", "csv").stdout
    monkeypatch.setenv("TIES_DB", str(tmp_path / "other.db"))
    assert ties("import", "-", input=text).exit_code == 0
    assert [p["name"] for p in json.loads(ties("export").stdout)["people"]] == [name]


def test_json_export_keeps_control_and_bidi_characters_other_formats_show_them_visibly(
        ties, tmp_path):
    """The vCard held ORG:Glo\\u202ebex and a re-import stored those 14 characters: only
    JSON is meant to give the characters back; the others make them visible on purpose."""
    ties("add", "Ana Lima", "--company", "Glo\u202ebex", "--note", "a\x1b[2Jb")
    exported = ties("export")
    assert exported.exit_code == 0
    assert "\x1b" not in exported.stdout and "\u202e" not in exported.stdout
    (tmp_path / "all.json").write_text(exported.stdout)
    other = str(tmp_path / "other.db")
    assert ties("--db", other, "import", str(tmp_path / "all.json")).exit_code == 0
    back = json.loads(ties("--db", other, "show", "Ana", "--json").stdout)
    assert (back["company"], back["notes"]) == ("Glo\u202ebex", "a\x1b[2Jb")
    for format_ in ("vcard", "csv", "markdown"):
        text = ties("export", "--format", format_).stdout
        slash = "\\\\" if format_ == "vcard" else "\\"  # vCard escapes a backslash
        assert f"Glo{slash}u202ebex" in text and f"a{slash}x1b[2Jb" in text, format_
        assert "\x1b" not in text and "\u202e" not in text, format_


def _promised_twice(ties, store) -> str:
    """A store where Ana was promised "call" twice (done once, then made again) and once
    more with a due date; returns its JSON export."""
    where = store.url if hasattr(store, "url") else str(store)
    for args in (("add", "Ana", "--no-log"), ("follow-up", "Ana", "call"), ("done", "1"),
                 ("follow-up", "Ana", "call"), ("follow-up", "Ana", "call", "--due",
                                                "2025-03-20")):
        assert ties("--db", where, *args).exit_code == 0, args
    return ties("--db", where, "export", "--format", "json").stdout


def test_a_promise_made_twice_comes_back_twice_from_json_regression_open_one_dropped(
        ties, tmp_path):
    """Regression (the deep lifecycle test, failing now and then): the second of two
    same promises to the same person was skipped on import as "the same as one earlier in
    the file", so the open "call" was lost on a round trip and only the done one came
    back. Importing the file again still adds nothing."""
    first = _promised_twice(ties, tmp_path / "one.db")
    assert [(f["text"], f["due"], f["done"]) for f in json.loads(first)["follow_ups"]] == [
        ("call", None, TODAY), ("call", None, None), ("call", "2025-03-20", None)]
    other = str(tmp_path / "other.db")
    result = ties("--db", other, "import", "-", input=first)
    assert result.exit_code == 0, result.stderr
    assert "0 interactions, 3 follow-ups." in result.stderr
    assert strip_stamp(ties("--db", other, "export", "--format", "json").stdout) == (
        strip_stamp(first))
    again = ties("--db", other, "import", "-", input=first)
    assert again.exit_code == 0, again.stderr
    assert strip_stamp(ties("--db", other, "export", "--format", "json").stdout) == (
        strip_stamp(first))


def test_a_store_that_has_one_of_two_same_promises_gets_the_other_from_the_file(
        ties, tmp_path):
    """Each promise here stands for one of the file's: with one "call" here, a file
    holding two adds the second, and a third import adds nothing."""
    doc = json.loads(_promised_twice(ties, tmp_path / "one.db"))
    other = str(tmp_path / "other.db")
    assert ties("--db", other, "add", "Ana", "--no-log").exit_code == 0
    assert ties("--db", other, "follow-up", "Ana", "call").exit_code == 0
    for _ in range(2):
        result = ties("--db", other, "import", "-", input=json.dumps(doc))
        assert result.exit_code == 0, result.stderr
        back = json.loads(ties("--db", other, "export", "--format", "json").stdout)
        assert sorted((f["text"], f["due"] or "") for f in back["follow_ups"]) == [
            ("call", ""), ("call", ""), ("call", "2025-03-20")]


def test_a_promise_made_twice_survives_a_backup_and_restore(ties, db_path, tmp_path):
    """On PostgreSQL a backup is a ties JSON file and a restore plans it like an import:
    the second "call" was dropped there too."""
    first = _promised_twice(ties, db_path)
    target = str(tmp_path / "backup")
    assert ties("backup", target).exit_code == 0
    assert ties("follow-up", "Ana", "later").exit_code == 0
    restored = ties("restore", target, "--yes")
    assert restored.exit_code == 0, restored.stderr
    back = json.loads(ties("export", "--format", "json").stdout)
    assert back["follow_ups"] == json.loads(first)["follow_ups"]  # "later" gone, ids kept
