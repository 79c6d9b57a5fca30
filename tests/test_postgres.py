"""Stores on PostgreSQL: URLs, passwords, the driver layer, and what differs from SQLite
(backup, restore, doctor, moving a store between the two).

The first tests need no server. Those marked `postgres` need one and run when
TIES_TEST_POSTGRES_URL is set (CI sets it for its second run of the whole suite, in
which every other test also runs against PostgreSQL).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import (
    BACKEND,
    POSTGRES_URL,
    execute,
    holding_write_lock,
    rows,
    run_ties,
    server_schema,
)
from ties.core.errors import BadValue, StoreError
from ties.storage import dialect, pg
from ties.storage.config import ServerUrl, parse_location

CANARY = "pw-Canary+7731"  # quoted in a URL as pw-Canary%2B7731

postgres = pytest.mark.skipif(BACKEND != "postgresql",
                              reason="needs a PostgreSQL server: set TIES_TEST_POSTGRES_URL")


# URLs and passwords (no server needed) -----------------------------------------------

@pytest.mark.parametrize("text", [
    "postgresql+psycopg://me:pw-Canary%2B7731@db.example:5433/ties",
    "postgresql://me:pw-Canary%2B7731@db.example/ties?sslmode=require",
    "postgres://me@db.example/ties?password=pw-Canary%2B7731",
])
def test_a_url_is_a_server_store_whose_text_never_shows_the_password(text):
    url = parse_location(text)
    assert isinstance(url, ServerUrl)
    assert url.password == CANARY
    for shown in (str(url), repr(url), f"{url}", url.masked):
        assert "Canary" not in shown and "***" in shown
    assert url.conninfo.startswith("postgresql://")  # what libpq reads, password kept
    assert "pw-Canary%2B7731" in url.conninfo


def test_paths_stay_paths_and_other_urls_are_refused(tmp_path):
    assert parse_location(str(tmp_path / "a.db")) == tmp_path / "a.db"
    assert parse_location("~/notes.db") == Path("~/notes.db").expanduser()
    with pytest.raises(BadValue, match="can't use a mysql:// store"):
        parse_location("mysql://me@host/ties")
    with pytest.raises(BadValue, match="names no database"):
        parse_location("postgresql://me@host")


def test_path_prints_the_url_without_its_password(ties):
    url = f"postgresql+psycopg://me:{CANARY}@db.example/ties"
    result = ties("--db", url, "path")
    assert result.exit_code == 0
    assert result.stdout == "postgresql+psycopg://me:***@db.example/ties\n"


def test_an_unreachable_server_is_one_line_without_the_password():
    url = "postgresql+psycopg://me:pw-Canary%2B7731@127.0.0.1:1/ties"
    result = run_ties("--db", url, "list")
    assert result.returncode == 1
    assert result.stderr.startswith("ties: Can't reach the PostgreSQL store "
                                    "(postgresql+psycopg://me:***@127.0.0.1:1/ties):")
    assert "Check that the server is running" in result.stderr
    assert "Canary" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_password_in_any_message_is_scrubbed(ties, monkeypatch):
    from ties.storage import queries

    def leaky(*args, **kwargs):
        raise StoreError(f"the server said: password {CANARY} is wrong")

    monkeypatch.setattr(pg, "connect", leaky)
    monkeypatch.setattr(queries, "list_people", leaky)
    result = ties("--db", f"postgresql://me:{CANARY.replace('+', '%2B')}@h/ties", "list")
    assert result.exit_code == 1
    assert "Canary" not in result.stderr and "***" in result.stderr


def test_without_psycopg_the_message_says_what_to_install(ties, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "psycopg", None)  # import psycopg raises ImportError
        result = ties("--db", "postgresql+psycopg://me@127.0.0.1/ties", "list")
    assert result.exit_code == 1
    assert result.stderr == ("ties: This store is on PostgreSQL, which needs the psycopg "
                             "driver: pip install 'ties[postgres]'.\n")


# The driver layer (no server needed) ---------------------------------------------------

@pytest.mark.parametrize("sql, expected", [
    ("SELECT * FROM person WHERE id = ? AND name = ?",
     "SELECT * FROM person WHERE id = %s AND name = %s"),
    ("SELECT :today, x::date FROM t WHERE a = :a",
     "SELECT %(today)s, x::date FROM t WHERE a = %(a)s"),
    ("SELECT '?', ':not', '50%' FROM t WHERE n LIKE ?",
     "SELECT '?', ':not', '50%%' FROM t WHERE n LIKE %s"),
    ("SELECT 'it''s ?' || \"odd?col\" FROM t WHERE a = ?",
     "SELECT 'it''s ?' || \"odd?col\" FROM t WHERE a = %s"),
    ("SELECT printf('#%012d', id) FROM t WHERE a = ?",
     "SELECT printf('#%%012d', id) FROM t WHERE a = %s"),
])
def test_sqlite_parameters_become_psycopg_ones_outside_literals(sql, expected):
    assert pg.placeholders(sql) == expected


def test_the_dialect_turns_sqlite_ddl_into_postgresql():
    ddl = dialect.POSTGRES.ddl("CREATE TABLE person (id INTEGER NOT NULL, name VARCHAR NOT "
                               "NULL, at DATETIME, PRIMARY KEY (id))")
    assert ddl == ('CREATE TABLE person (id INTEGER GENERATED BY DEFAULT AS IDENTITY, name '
                   'TEXT COLLATE "C" NOT NULL, at TIMESTAMP, PRIMARY KEY (id))')
    assert dialect.SQLITE.ddl(ddl) == ddl
    assert dialect.of(object()) is dialect.SQLITE


# On a real server ------------------------------------------------------------------------

@postgres
def test_a_database_with_other_tables_is_refused_and_left_alone(ties, db_path):
    execute(db_path, "CREATE TABLE invoices (id INTEGER)")
    result = ties("add", "Ana")
    assert result.exit_code == 1
    assert "has tables that are not ties'" in result.stderr
    assert rows(db_path, "SELECT count(*) FROM information_schema.tables WHERE table_schema "
                "= current_schema()") == [(1,)]


@postgres
def test_backup_is_a_checked_private_json_export_that_restores_exactly(ties, db_path,
                                                                       tmp_path):
    ties("add", "Ana Lima", "--type", "strategic", "--company", "Acme", "--email",
         "ana@acme.example", "--email", "ana@home.example", "--phone", "+1 555 0100",
         "--phone", "+1 555 0199")  # every address is backed up and restored
    ties("log", "Ana", "--note", "coffee", "--gave")
    ties("follow-up", "Ana", "send the article", "--due", "2025-03-20")
    before = ties("export", "--format", "json").stdout
    target = tmp_path / "b.json"
    result = ties("backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{target}\n"
    assert "pg_dump" in result.stderr
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert json.loads(target.read_text())["format"] == "ties"
    assert rows(db_path, "SELECT count(*) FROM ties_meta WHERE key = 'last_backup'") == [(1,)]

    ties("log", "Ana", "--note", "after the backup")
    ties("add", "Bo Chen")
    assert ties("restore", str(target)).exit_code == 1  # asks first; no answer is no
    result = ties("restore", str(target), "--yes")
    assert result.exit_code == 0, result.stderr
    after = json.loads(ties("export", "--format", "json").stdout)
    before = json.loads(before)
    for doc in (before, after):
        del doc["exported_at"]
    # Everything as backed up, except that the ids given out since stay used.
    assert after.pop("last_ids") == {"people": 2, "interactions": 4, "follow_ups": 1}
    assert before.pop("last_ids") == {"people": 1, "interactions": 2, "follow_ups": 1}
    assert after == before
    assert after["people"][0]["emails"] == ["ana@acme.example", "ana@home.example"]
    # Regression: Bo Chen was @2 before the restore; the restore gave @2 out again.
    assert ties("add", "Cy").stderr.startswith("Added Cy (@3)")
    kept = list((tmp_path / "xdg" / "ties" / "backups").glob("*-before-restore-*.json"))
    assert len(kept) == 1 and "after the backup" in kept[0].read_text()


@postgres
def test_a_restore_drops_the_replaced_stores_kept_week_lists_and_the_next_write_rebuilds(
        ties, db_path, tmp_path):
    """A JSON backup carries no week lists: the replaced store's would name its people
    (Bo, @2, added after the backup), so the restore drops them and the next write
    rebuilds the weeks from the restored history."""
    ties("add", "Ana Lima", "--type", "strategic")
    target = tmp_path / "b.json"
    assert ties("backup", str(target)).exit_code == 0
    ties("add", "Bo Chen", "--type", "social")
    ties("log", "Bo", "--note", "coffee")
    assert rows(db_path, "SELECT count(*) FROM week_list") != [(0,)]
    assert ties("restore", str(target), "--yes").exit_code == 0
    assert rows(db_path, "SELECT count(*) FROM week_list") == [(0,)]
    ties("log", "Ana", "--note", "call")
    kept = rows(db_path, "SELECT people FROM week_list")
    assert kept and all(p in ("", "1") for (p,) in kept)


@postgres
def test_restore_refuses_a_file_that_is_not_a_ties_backup(ties, db_path, tmp_path):
    ties("add", "Ana")
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}')
    result = ties("restore", str(bad), "--yes")
    assert result.exit_code == 1
    assert "not a ties export" in result.stderr
    assert rows(db_path, "SELECT name FROM person") == [("Ana",)]


@postgres
def test_doctor_on_postgresql(ties, db_path):
    ties("add", "Ana")
    result = ties("doctor")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == f"store: {db_path}"  # masked
    assert [line.split(":")[0] for line in lines[1:] if not line.startswith(" ")] == [
        "ok    server", "ok    encryption", "ok    schema", "ok    privileges",
        "ok    values", "warn  last backup"]
    if db_path.password:
        assert db_path.password not in result.stdout + result.stderr


@postgres
def test_moving_a_store_between_sqlite_and_postgresql_loses_nothing(ties, db_path,
                                                                    tmp_path):
    ties("add", "Ana Lima", "--type", "strategic", "--company", "Acme", "--tag", "mentor",
         "--working-on", "a book", "--email", "ana@acme.example", "--email",
         "ana@home.example", "--phone", "+1 555 0100", "--phone", "+1 555 0199")
    ties("add", "Bo Chen", "--type", "social", "--birthday", "--07-04")
    ties("log", "Ana", "Bo", "--note", "dinner", "--via", "in-person", "--received")
    ties("follow-up", "Bo", "intro to Ana's editor")
    ties("snooze", "Bo", "--for", "2w")
    ties("config", "cadence.social", "30")
    first = ties("export", "--format", "json").stdout
    lite = tmp_path / "moved.db"
    assert ties("--db", str(lite), "import", "-", input=first).exit_code == 0
    on_lite = ties("--db", str(lite), "export", "--format", "json").stdout
    with server_schema("back") as back:
        assert ties("--db", back.url, "import", "-", input=on_lite).exit_code == 0
        again = ties("--db", back.url, "export", "--format", "json").stdout

    def body(text):
        return [line for line in text.splitlines() if "exported_at" not in line]

    assert body(on_lite) == body(first)
    assert body(again) == body(first)
    assert '"ana@home.example"' in first and '"+1 555 0199"' in first


@postgres
def test_two_stores_in_one_database_do_not_lock_each_other(ties, db_path):
    ties("add", "Ana")
    with server_schema("other") as other, holding_write_lock(db_path):
        result = ties("--db", other.url, "add", "Bo", TIES_LOCK_TIMEOUT="0.5")
    assert result.exit_code == 0, result.stderr


@postgres
def test_a_real_process_on_postgresql(db_path):
    env = {"TIES_DB": os.environ["TIES_DB"]}
    assert run_ties("add", "Ana Lima", env=env).returncode == 0
    shown = run_ties("show", "ana", "--json", env=env)
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["name"] == "Ana Lima"
    assert POSTGRES_URL  # the suite was pointed at a server


@postgres
def test_a_schema_1_store_on_postgresql_upgrades_keeping_every_row_and_id(ties, db_path):
    from ties.storage import db, migrations

    with pytest.MonkeyPatch.context() as schema_1:  # (the test's own env stays patched)
        schema_1.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        schema_1.setattr(migrations, "LATEST", 1)
        db.open_store(db_path).close()
    for sql in (
        "INSERT INTO person (name, name_key, created, archived, updated_at) VALUES "
        "('Ana Lima', 'ana lima', '2025-03-01', false, '2025-03-01 10:00:00'), "
        "('Bo Chen', 'bo chen', '2025-03-01', false, '2025-03-01 10:00:00')",
        "INSERT INTO tag VALUES (1, 'mentor')",
        "INSERT INTO interaction (date, channel, they_reached_out, gave, received, logged_at) "
        "VALUES ('2025-03-01', 'call', false, true, false, '2025-03-01 10:00:00'), "
        "('2025-03-02', 'call', false, false, false, '2025-03-02 10:00:00')",
        "INSERT INTO interaction_person VALUES (1, 1), (1, 2), (2, 2)",
        "INSERT INTO follow_up (person_id, text, created) VALUES (1, 'intro', '2025-03-01'), "
        "(2, 'call', '2025-03-01')",
        "DELETE FROM interaction WHERE id = 2",
        "DELETE FROM person WHERE id = 2",
    ):
        execute(db_path, sql)
    tables = ("person", "tag", "interaction", "interaction_person", "follow_up")
    before = {t: rows(db_path, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    db.open_store(db_path).close()  # upgrades
    for table in tables:
        after = rows(db_path, f"SELECT * FROM {table} ORDER BY 1, 2")
        width = len(before[table][0])
        assert [r[:width] for r in after] == before[table], table
        assert {v for r in after for v in r[width:]} <= {None}, table
    assert rows(db_path, "SELECT value FROM ties_meta WHERE key = 'schema_version'") == [
        (str(migrations.LATEST),)]
    assert ties("add", "Cy Diaz").stderr.startswith("Added Cy Diaz (@3)")
    assert ties("log", "Ana", "--note", "x").stderr.startswith("Logged #4:")  # Cy's was #3
    assert ties("follow-up", "Ana", "y").stderr.startswith("Follow-up #3 ")


def test_which_servers_count_as_this_machine():
    def local(text):
        return ServerUrl(text).is_local

    assert local("postgresql://me@localhost/ties") and local("postgresql://me@127.0.0.1/t")
    assert local("postgresql:///ties?host=/var/run/postgresql")
    assert not local("postgresql://me@db.example.com/ties")
    assert ServerUrl("postgresql://me@h:5/my%20db?sslmode=require").database == "my db"


# URLs that can't be read: one line, wrong usage (no server needed) -----------------------

@pytest.mark.parametrize("url, why", [
    ("postgresql+psycopg://u:pw-Canary@[::1/db", "an IPv6 address must be written in [ ]"),
    ("postgresql://u:pw-Canary@[db.example]/db", "only an IPv6 address goes in [ ]"),
    ("postgresql://u:pw-Canary@h]/db", "an IPv6 address must be written in [ ]"),
    ("postgresql://u:pw-Canary@h:abc/db", "the port must be a number from 1 to 65535"),
    ("postgresql://u:pw-Canary@h:65536/db", "the port must be a number from 1 to 65535"),
    ("postgresql://u:pw-Canary%zz@h/db", "a % must start a %XX escape"),
    ("postgresql://u:pw Canary@h/db", "contains a space or a control character"),
    ("postgresql://u:pw-Canary@h", "names no database"),
    ("mysql://u:pw-Canary@h/db", "ties can't use a mysql:// store"),
    ("postgresql+psycopg://u:ab@Canary@127.0.0.1:1/db", "Write @ in a user name or password "
     "as %40"),
    ("postgresql+psycopg://a@u:pw-Canary@127.0.0.1:1/db", "Write @ in a user name or password "
     "as %40"),
    ("postgresql+psycopg://u:pw[Canary@127.0.0.1:1/db", "write [ and ] in a user name or "
     "password as %5B and %5D"),
    ("postgresql+psycopg://u:\x1b[2JCanary@127.0.0.1:1/db", "contains a space or a control "
     "character"),
])
def test_regression_a_url_that_cannot_be_read_is_one_line_and_exit_2(ties, url, why):
    """`--db 'postgresql+psycopg://u:p@[::1/db' path` printed two chained tracebacks."""
    for result in (ties("--db", url, "path"), ties("list", TIES_DB=url)):
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith("ties: ") and why in result.stderr
        assert result.stderr.count("\n") == 1
        assert "Canary" not in result.stderr


def test_regression_an_unclosed_ipv6_bracket_in_a_real_process_is_one_line():
    result = run_ties("--db", "postgresql+psycopg://u:p@[::1/db", "path")
    assert result.returncode == 2
    assert result.stderr == (
        "ties: postgresql+psycopg://u:***@[::1/db is not a valid PostgreSQL URL: an IPv6 "
        "address must be written in [ ] with both brackets, as [::1]. Write it as "
        "postgresql+psycopg://user@host:5432/dbname (user:password@ if it needs a "
        "password).\n")


@pytest.mark.parametrize("query, said", [
    ("foo=bar", 'invalid URI query parameter: "foo"'),
    ("sslmode=bogus", 'invalid sslmode value: "bogus"'),
    ("port=abc", 'invalid integer value "abc" for connection option "port"'),
])
def test_a_url_the_driver_refuses_is_one_line_and_exit_2(ties, query, said):
    pytest.importorskip("psycopg")
    url = f"postgresql://me:{CANARY.replace('+', '%2B')}@127.0.0.1:1/ties?{query}"
    for command in ("list", "doctor"):  # doctor said FAIL with exit 1: they agree now
        result = ties("--db", url, command)
        assert result.exit_code == 2, command
        assert result.stderr == (f"ties: postgresql://me:***@127.0.0.1:1/ties?{query} is not "
                                 f"a valid PostgreSQL URL: {said}. Fix it; docs/sharing.md "
                                 "shows what it may hold.\n")


def test_a_raw_at_in_the_password_is_refused_before_libpq_takes_the_rest_for_the_host(ties):
    """Regression: libpq tried the host 'c@127.0.0.1' and ties said 'refused the operation
    (OperationalError) ... run ties doctor'."""
    for command in ("list", "doctor"):
        result = ties("--db", "postgresql+psycopg://u:ab@c@127.0.0.1:1/db", command)
        assert result.exit_code == 2
        assert result.stderr == ("ties: postgresql+psycopg://u:***@127.0.0.1:1/db is not a "
                                 "valid PostgreSQL URL: it has more than one @ before the host. "
                                 "Write @ in a user name or password as %40.\n")
    assert ServerUrl("postgresql+psycopg://u:ab%40c@127.0.0.1:1/db").password == "ab@c"
    assert str(parse_location("postgresql://u:a%5Bb@h/db")) == "postgresql://u:***@h/db"


def test_a_host_that_does_not_resolve_says_so_regression_refused_the_operation(ties):
    pytest.importorskip("psycopg")
    result = ties("--db", "postgresql+psycopg://u:pw@nosuchhost.invalid/db", "list")
    assert result.exit_code == 1
    assert result.stderr == ("ties: Can't resolve host 'nosuchhost.invalid' "
                             "(postgresql+psycopg://u:***@nosuchhost.invalid/db): no such host "
                             "name. Check the host in the URL.\n")


@pytest.mark.parametrize("said", ["failed to resolve host 'db.exampel': [Errno -2] Name or "
                                  "service not known",
                                  'could not translate host name "db.exampel" to address: '
                                  "Name or service not known"])
def test_both_of_libpqs_words_for_an_unknown_host_are_read(said):
    message = pg.translate(RuntimeError(said)).message
    assert message.startswith("Can't resolve host 'db.exampel': no such host name.")


# Masking the password exactly: where it is the password, never inside other words --------

def test_regression_a_one_letter_password_does_not_mask_every_letter(ties):
    """A password "e" turned every e of the message into ***, which spelt it out, and
    broke the message's own diagnosis."""
    pytest.importorskip("psycopg")
    result = ties("--db", "postgresql+psycopg://u:e@127.0.0.1:1/ties", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ties: Can't reach the PostgreSQL store (postgresql+psycopg://u:***@127.0.0.1:1/ties): "
        "connection failed: connection to server at \"127.0.0.1\", port 1 failed")
    assert result.stderr.endswith("Check that the server is running and the URL is right.\n")


@pytest.mark.parametrize("text, password, expected", [
    ("at postgresql://me:s3cret@h/db now", None, "at postgresql://me:***@h/db now"),
    ("(postgres://me:a@b@h:5/db)", None, "(postgres://me:***@h:5/db)"),
    ('"postgresql://u:p@[::1/db"', None, '"postgresql://u:***@[::1/db"'),
    ('in URI: "postgresql://u:it\'s@h/db"', None, 'in URI: "postgresql://u:***@h/db"'),
    ("postgresql://me@h/db?sslmode=require&password=x&a=b", None,
     "postgresql://me@h/db?sslmode=require&password=***&a=b"),
    ("host=h password='a b\\' c' dbname=d", None, "host=h password=*** dbname=d"),
    ("host=h PASSWORD = x dbname=d", None, "host=h PASSWORD = *** dbname=d"),
    ("{'user': 'u', 'password': 'x y'}", None, "{'user': 'u', 'password': '***'}"),
    ('unexpected spaces found in "my pw", use %20', "my pw",
     'unexpected spaces found in "***", use %20'),
    ('invalid percent-encoded token: "p%zz"', "p%zz", 'invalid percent-encoded token: "***"'),
    ("password pw-Canary+7731 is wrong", CANARY, "password *** is wrong"),
    ("password: pw-Canary%2B7731.", CANARY, "password: ***."),
    ("The server refused the operation; see 'e'.", "e", "The server refused the operation; "
     "see '***'."),
    ("the PostgreSQL server said hello", "e", "the PostgreSQL server said hello"),
    ("password pw-Canary+7731x is another", CANARY, "password pw-Canary+7731x is another"),
    ('role "pw-Canary+7731s" does not exist', CANARY, 'role "pw-Canary+7731s" does not exist'),
    ("ties path: postgresql://me@h/ties", "ties", "ties path: postgresql://me@h/ties"),
])
def test_hide_password_masks_it_only_where_it_is_the_password(text, password, expected):
    from ties.storage.config import hide_password

    assert hide_password(text, password) == expected


_plain = st.text(st.characters(blacklist_characters="'\"`=:/@", blacklist_categories=("Cs",)),
                 max_size=60).filter(lambda t: "password" not in t.lower())


@given(text=_plain, password=st.text(min_size=1, max_size=8))
def test_text_that_only_contains_the_passwords_letters_is_left_alone(text, password):
    from ties.storage.config import hide_password

    assert hide_password(text, password) == text


@given(password=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
       .filter(lambda p: p.strip() == p and "password" not in p.lower()
               and not set(p) & set("=:/@*")))
def test_the_password_never_survives_in_a_url_or_connection_string(password):
    from urllib.parse import quote

    from ties.storage.config import hide_password

    encoded = quote(password, safe="")
    for template, form in [("can't reach postgresql://me:{}@db.example:5432/ties.", encoded),
                           ("(postgres://me@db.example/ties?password={}&sslmode=require)",
                            encoded),
                           ('unexpected spaces found in "{}"', password),
                           ("password {} is wrong", password)]:
        assert hide_password(template.format(form), password) == template.format("***")
    assert hide_password(repr({"password": password}), password) == "{'password': '***'}"
    url = ServerUrl(f"postgresql://me:{encoded}@db.example/ties?application_name={encoded}")
    assert url.password == password
    assert url.masked == "postgresql://me:***@db.example/ties?application_name=***"


def test_the_masked_url_hides_any_part_that_is_exactly_the_password():
    assert str(ServerUrl("postgresql://e:e@e.example/e?application_name=e&sslmode=require")) \
        == "postgresql://***:***@e.example/***?application_name=***&sslmode=require"
    assert str(ServerUrl("postgresql://me:s3@h:5432/ties?options=-c%20x%3Ds3x")) == \
        "postgresql://me:***@h:5432/ties?options=-c%20x%3Ds3x"
    # never raises, even where the URL can't be read
    assert str(ServerUrl("postgresql://u:pw@[::1/db")) == "postgresql://u:***@[::1/db"
    assert ServerUrl("postgresql://u:pw@[::1/db").password == "pw"


@postgres
def test_regression_doctor_hides_the_password_also_given_as_application_name(ties, db_path):
    ties("add", "Ana")
    password = db_path.password
    if not password:
        pytest.skip("the test server URL has no password")
    url = f"{db_path.url}&application_name={password}"
    result = ties("--db", url, "doctor")
    assert result.exit_code == 0, result.stdout
    assert password not in result.stdout + result.stderr
    assert "application_name=***" in result.stdout.splitlines()[0]
    result = ties("--db", url, "doctor", "--json")
    assert password not in result.stdout


def test_the_debug_traceback_hides_the_password_too(ties, monkeypatch):
    url = f"postgresql://me:{CANARY.replace('+', '%2B')}@db.example/ties"

    def broken(target, **kwargs):
        raise RuntimeError(f"boom while opening {target.conninfo}")

    monkeypatch.setattr(pg, "connect", broken)
    result = ties("--db", url, "list", TIES_DEBUG="1")
    assert result.exit_code == 70
    assert "Traceback" in result.stderr
    assert "RuntimeError: boom while opening postgresql://me:***@db.example/ties" in result.stderr
    assert "Canary" not in result.stderr


@pytest.mark.parametrize("text, shown", [
    ("postgresql://u:pw@h1:5432,h2:5433/ties?target_session_attrs=read-write",
     "postgresql://u:***@h1:5432,h2:5433/ties?target_session_attrs=read-write"),
    ("postgresql://u:pw@[::1]:5432,[::2]/ties", "postgresql://u:***@[::1]:5432,[::2]/ties"),
    ("postgresql:///ties?host=/var/run/postgresql", "postgresql:///ties?host=/var/run/postgresql"),
    ("postgresql://%2Fvar%2Frun%2Fpostgresql/ties", "postgresql://%2Fvar%2Frun%2Fpostgresql/ties"),
    ("postgres://me@h/ties?password=a+b&options=-c%20x%3D1",
     "postgres://me@h/ties?password=***&options=-c%20x%3D1"),
])
def test_urls_libpq_reads_are_taken_and_shown_as_written_but_the_password(text, shown):
    url = parse_location(text)
    assert str(url) == shown
    assert url.conninfo.endswith(text.partition("://")[2])


def test_a_password_in_the_query_is_read_as_libpq_reads_it():
    assert ServerUrl("postgres://me@h/ties?password=a+b%2Bc").password == "a+b+c"
    assert ServerUrl("postgres://me:x%2By@h/ties").password == "x+y"
    assert ServerUrl("postgres://me:x@h/ties?password=two&password=three").password == "three"
    assert str(ServerUrl("postgres://me:x@h/ties?password=two&password=three")) == \
        "postgres://me:***@h/ties?password=***&password=***"
