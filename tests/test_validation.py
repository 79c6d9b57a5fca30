"""One validation layer: every argument, document and stored value is checked the same way,
and anything ties can't accept is refused with one line (exit 1 or 2), never exit 70."""

from __future__ import annotations

import json

import pytest

from conftest import built_store, snapshot

HUGE = "99999999999999999999999"  # more than SQLite's (and PostgreSQL's) largest integer
NOT_UTF8 = "r\udce9sum\udce9"  # $'r\xe9sum\xe9' from a Latin-1 terminal, as Python sees argv


@pytest.fixture
def ana(ties, db_path):
    built_store("test_validation.ana", db_path, lambda: _build_ana(ties))


def _build_ana(ties) -> None:
    assert ties("add", "Ana Lima").exit_code == 0


def refused(result, code: int = 1) -> str:
    assert result.exit_code == code, result.stderr
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    return result.stderr


# Arguments that crashed ---------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("log", "Ana", "--on", "² days ago"),
    ("log", "Ana", "--on", "in ³ days"),
    ("edit", "Ana", "--every", "²w"),
    ("snooze", "Ana", "--for", "³d"),
    ("follow-up", "Ana", "call", "--due", "in ² weeks"),
])
def test_superscript_digits_in_dates_are_refused_not_a_value_error(ties, ana, db_path, args):
    before = snapshot(db_path)
    assert "Try one of" in refused(ties(*args))
    assert snapshot(db_path) == before


def test_show_at_superscript_digit_is_no_one_not_a_value_error(ties, ana):
    assert "No one called '@²'" in refused(ties("show", "@²"))


def test_show_at_huge_id_is_no_one_not_an_overflow(ties, ana):
    assert f"No one has the id @{HUGE}" in refused(ties("show", f"@{HUGE}"))


def test_show_at_an_id_past_the_largest_is_no_one(ties, ana):
    assert "No one has the id @2147483647." in refused(ties("show", f"@{2**31 - 1}"))
    assert "No one has the id @9223372036854775808." in refused(ties("show", f"@{2**63}"))


@pytest.mark.parametrize("args", [
    ("done", HUGE),
    ("interaction", "edit", HUGE, "--note", "x"),
    ("interaction", "rm", HUGE, "--yes"),
    ("list", "--limit", HUGE),
    ("report", "--limit", HUGE),
    ("triage", "--limit", HUGE),
    ("import", "--undo", "--batch", HUGE),
])
def test_huge_ids_and_counts_are_usage_errors_not_an_overflow(ties, ana, db_path, args):
    before = snapshot(db_path)
    assert "is not in the range 1<=x<=2147483647" in refused(ties(*args), 2)
    assert snapshot(db_path) == before


def test_largest_id_is_accepted_as_an_id_that_does_not_exist(ties, ana):
    assert "No follow-up #2147483647" in refused(ties("done", str(2**31 - 1)))
    assert "not in the range 1<=x<=2147483647" in refused(ties("done", str(2**31)), 2)


@pytest.mark.parametrize("args", [
    ("log", "Ana", "--note", NOT_UTF8),
    ("add", f"Bo{NOT_UTF8}"),
    ("add", "Bo", "--company", NOT_UTF8),
    ("edit", "Ana", "--add-note", NOT_UTF8),
    ("edit", "Ana", "--tag", NOT_UTF8),
    ("follow-up", "Ana", NOT_UTF8),
    ("show", NOT_UTF8),
    ("list", "--search", NOT_UTF8),
])
def test_invalid_utf8_bytes_in_arguments_are_refused_not_stored(ties, ana, db_path, args):
    before = snapshot(db_path)
    message = refused(ties(*args))
    assert "is not valid UTF-8 text" in message and "LC_ALL=C.UTF-8" in message
    assert snapshot(db_path) == before


@pytest.mark.parametrize(("given", "byte"), [("r\udce9sum\udce9", "\\xe9"), ("ca\udcffll", "\\xff"),
                                             ("\udc80", "\\x80")])
def test_the_utf8_refusal_names_the_byte_given_regression_always_said_xe9(ties, ana, given,
                                                                          byte):
    message = refused(ties("log", "Ana", "--note", given))
    assert f"(it has the byte {byte}, which your terminal sent in another encoding)" in message


@pytest.mark.parametrize(("option", "what"), [("--via", "The channel"), ("--type", "The type")])
def test_a_choice_with_a_byte_not_utf8_gets_the_utf8_message_regression_not_a_channel(
        ties, ana, option, what):
    command = ("log", "Ana") if option == "--via" else ("edit", "Ana")
    message = refused(ties(*command, option, "ca\udcffll"))
    assert message.startswith(f"ties: {what} is not valid UTF-8 text (it has the byte \\xff")
    assert "udcff" not in message


# Names keep what people typed -----------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Ali\u200cReza Tehrani",  # ZWNJ inside a Persian name
    "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627",  # محمد‌رضا
    "Sam \U0001f469\u200d\U0001f4bb",  # woman technologist: ZWJ sequence
    "Flag \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
])
def test_names_keep_zero_width_joiners(ties, name):
    assert ties("add", name).exit_code == 0
    listed = json.loads(ties("list", "--json").stdout)
    assert [p["name"] for p in listed] == [name]


def test_a_name_with_a_joiner_is_found_typed_with_or_without_it(ties):
    ties("add", "Ali\u200cReza Tehrani")
    for typed in ("Ali\u200cReza", "AliReza", "alireza tehrani"):
        result = ties("show", typed, "--json")
        assert result.exit_code == 0, typed
        assert json.loads(result.stdout)["name"] == "Ali\u200cReza Tehrani"


def test_invisible_format_characters_in_a_name_still_become_spaces(ties):
    assert ties("add", "Ana\u200bLima\tSouza").exit_code == 0
    assert json.loads(ties("list", "--json").stdout)[0]["name"] == "Ana Lima Souza"


ESC_REFUSED = "holds the control character \\x1b, which ties doesn't store; give it without."


@pytest.mark.parametrize("args", [
    ("add", "\x1b[2Jevil"),
    ("add", "A\x00B"),
    ("add", "Bo", "--tag", "a\x1bb"),
    ("edit", "Ana", "--name", "\x1b[2Jevil"),
    ("edit", "Ana", "--tag", "a\x1bb"),
])
def test_a_control_character_in_a_name_or_tag_is_refused_regression_silently_changed(
        ties, ana, db_path, args):
    before = snapshot(db_path)
    message = refused(ties(*args))
    assert message.startswith(("ties: The name holds the control character \\x",
                               "ties: A tag holds the control character \\x")), message
    assert "\x1b" not in message and "\x00" not in message
    assert snapshot(db_path) == before


def test_add_with_escape_in_the_name_said_added_regression(ties):
    result = ties("add", "\x1b[2Jevil")
    assert refused(result) == f"ties: The name {ESC_REFUSED}\n"
    assert result.stdout == ""


@pytest.mark.parametrize(("where", "key", "value", "field"), [
    ("people 0", "name", "\x1b[2Jevil", '"name"'),
    ("people 0", "name", "A\x00B", '"name"'),
    ("people 0", "tags", ["a\x1bb"], '"tags"'),
])
def test_a_control_character_in_a_ties_json_name_or_tag_refuses_the_document_regression_stored(
        ties, ana, db_path, where, key, value, field):
    before = snapshot(db_path)
    message = refused(import_doc(ties, with_value(where, key, value)))
    assert f'person 1 (id 1) {field} is refused: ' in message
    assert "holds the control character \\x" in message
    assert snapshot(db_path) == before


def test_a_vcard_21_quoted_printable_name_with_escape_is_refused_whole_regression_stored(
        ties, tmp_path):
    card = tmp_path / "qp.vcf"
    card.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:=1B[2Jevil\r\n"
                     b"END:VCARD\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Good One\r\nEND:VCARD\r\n")
    message = refused(ties("import", str(card)))
    assert f"card 1 (\\x1b[2Jevil), name: The name {ESC_REFUSED}" in message
    assert ties("list", "--json").stdout.strip() in ("", "[]")
    skipped = ties("import", str(card), "--skip-invalid")
    assert skipped.exit_code == 0, skipped.stderr
    assert [p["name"] for p in json.loads(ties("list", "--json").stdout)] == ["Good One"]


def test_a_csv_name_with_bell_is_refused_naming_the_row(ties, tmp_path):
    sheet = tmp_path / "people.csv"
    sheet.write_text('name,tags\n"Zed\x07x",t\n')
    assert "row 2 (Zed\\x07x), name: The name holds the control character \\x07" in refused(
        ties("import", str(sheet)))


RTL = "Ana\u202eLima"


def test_a_bidi_override_in_a_name_is_stored_as_given_regression_became_a_space(ties):
    assert ties("add", RTL).exit_code == 0
    assert json.loads(ties("show", "AnaLima", "--json").stdout)["name"] == RTL
    shown = ties("list")
    assert "Ana\\u202eLima" in shown.stdout and "\u202e" not in shown.stdout


def test_a_bidi_name_reimported_is_kept_regression_unchanged_dropped_it(ties, tmp_path):
    """Regression: a populated store reported "unchanged" and kept "Ana Lima"."""
    ties("add", "Ana Lima")
    card = tmp_path / "rtl.vcf"
    card.write_text(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\u202a{RTL}\u202c\r\n"
                    "EMAIL:ana@x.example\r\nEND:VCARD\r\n", encoding="utf-8")
    result = ties("import", str(card))
    assert result.exit_code == 0, result.stderr
    names = [p["name"] for p in json.loads(ties("export").stdout)["people"]]
    assert f"\u202a{RTL}\u202c" in names, names


# Same limits everywhere ----------------------------------------------------------------

def test_add_note_twice_can_not_outgrow_the_notes_limit(ties, ana, db_path):
    """Regression: two appends of 99,000 characters made notes of 198,001 that no backup
    could restore. The resulting notes are what is checked."""
    assert ties("edit", "Ana", "--add-note", "x" * 99_000).exit_code == 0
    before = snapshot(db_path)
    message = refused(ties("edit", "Ana", "--add-note", "y" * 99_000))
    assert "would have 198,001 characters; ties keeps at most 100,000" in message
    assert snapshot(db_path) == before


def test_add_note_up_to_exactly_the_limit_is_kept(ties, ana):
    assert ties("edit", "Ana", "--add-note", "x" * 50_000).exit_code == 0
    assert ties("edit", "Ana", "--add-note", "y" * 49_999).exit_code == 0  # 100,000 with \n
    assert len(json.loads(ties("show", "Ana", "--json").stdout)["notes"]) == 100_000
    assert "100,002 characters" in refused(ties("edit", "Ana", "--add-note", "z"))


def test_add_note_one_past_the_limit_is_refused(ties):
    ties("add", "Bo Chen", "--note", "x" * 50_000)
    assert "100,001 characters" in refused(ties("edit", "Bo", "--add-note", "y" * 50_000))


# ties JSON: every value checked, the whole document refused on any bad one -------------

def document(**changes) -> dict:
    """A small valid ties export; `changes` are applied as code-free edits by the tests."""
    return {
        "format": "ties", "version": 1, "exported_at": "2025-03-14T09:00:00+00:00",
        "settings": {"cadence.social": "21"},
        "people": [
            {"id": 1, "name": "Ana Lima", "type": "strategic", "company": "Globex",
             "email": "ana@globex.example", "linkedin": "https://www.linkedin.com/in/analima",
             "tags": ["mentor"], "notes": "line one\nline two", "birthday": "--04-12",
             "every_days": 21, "created": "2024-06-01", "archived": False,
             "snoozed_until": None, "connected_on": "2024-05-30",
             "updated_at": "2025-03-14 09:00:00+00:00"},
            {"id": 2, "name": "Bo Chen"},
        ],
        "interactions": [
            {"id": 1, "date": "2025-01-10", "channel": "video", "note": "intro to Mei",
             "they_reached_out": False, "gave": True, "received": False,
             "logged_at": "2025-01-10 18:00:00", "people": [1, 2]},
        ],
        "follow_ups": [
            {"id": 1, "person": 1, "text": "send the paper", "due": "2025-03-20",
             "created": "2025-03-14", "done": None},
        ],
        **changes,
    }


def with_value(where: str, key: str, value) -> dict:
    doc = document()
    kind, index = where.split()
    record = doc[kind][int(index)]
    if value is DELETE:
        del record[key]
    else:
        record[key] = value
    return doc


DELETE = object()


def import_doc(ties, doc, *args):
    return ties("import", "-", *args, input=json.dumps(doc))


def test_a_valid_document_imports_every_field(ties):
    result = import_doc(ties, document())
    assert result.exit_code == 0, result.stderr
    ana = json.loads(ties("show", "Ana", "--json").stdout)
    assert (ana["every_days"], ana["archived"], ana["tags"], ana["notes"], ana["birthday"]) \
        == (21, False, ["mentor"], "line one\nline two", "--04-12")
    assert [h["note"] for h in ana["history"]] == ["intro to Mei"]
    assert ties("config", "--json").exit_code == 0


# (record, field, value, what the one line says after 'record "field"')
POISON = [
    ("people 0", "every_days", "abc", "must be a whole number of days from 1 to 3650"),
    ("people 0", "every_days", 0, "not 0"),
    ("people 0", "every_days", -5, "not -5"),
    ("people 0", "every_days", 1.5, "not 1.5"),
    ("people 0", "every_days", 1e20, "not 1e+20"),
    ("people 0", "every_days", True, "not true"),
    ("people 0", "every_days", 3651, "not 3651"),
    ("people 0", "name", 5, "must be text, not 5"),
    ("people 0", "name", ["Ana"], "must be text, not a list"),
    ("people 0", "name", " \u200b ", "is refused: A name can't be empty"),
    ("people 0", "name", "x" * 201, "at most 200 characters"),
    ("people 0", "tags", [1, 2], "must be a list of text, and 1 is not text"),
    ("people 0", "tags", "mentor", "must be a list, not 'mentor'"),
    ("people 0", "tags", ["x" * 51], "A tag can have at most 50 characters"),
    ("people 0", "email", "not-an-email", "doesn't look like an email address"),
    ("people 0", "linkedin", "two words", "is not a LinkedIn profile"),
    ("people 0", "type", "boss", "is not a relationship type"),
    ("people 0", "birthday", "1990-02-30", "is not a real date"),
    ("people 0", "archived", "no", "must be true or false, not 'no'"),
    ("people 0", "archived", 0, "must be true or false, not 0"),
    ("people 0", "notes", "x" * 100_001, "at most 100,000 characters"),
    ("people 0", "company", "x" * 1_001, "at most 1,000 characters"),
    ("people 0", "company", {"a": 1}, "must be text or null, not an object"),
    ("people 0", "created", "2025-03-15", "is 2025-03-15, after today (2025-03-14)"),
    ("people 0", "created", "1899-12-31", "before 1900"),
    ("people 0", "created", "14/03/2025", "must be a date written YYYY-MM-DD"),
    ("people 0", "connected_on", "9999-12-31", "after today"),
    ("people 0", "snoozed_until", "9999-12-31", "more than 100 years ahead"),
    ("people 0", "updated_at", "yesterday", "not a time written YYYY-MM-DD HH:MM:SS"),
    ("people 0", "id", DELETE, "\"id\" is missing"),
    ("people 0", "id", "1", "must be a whole number from 1 to"),
    ("people 0", "id", 2**31, "from 1 to 2147483647, not 2147483648"),
    ("people 0", "id", 10**30, "not a number too big for ties"),
    ("people 1", "id", 1, "1 is used twice"),
    ("interactions 0", "date", "9999-12-31", "is 9999-12-31, after today"),
    ("interactions 0", "date", "2025-13-01", "not a real date"),
    ("interactions 0", "date", DELETE, "is missing: every interaction has a date"),
    ("interactions 0", "date", 20250110, "must be a date written YYYY-MM-DD"),
    ("interactions 0", "id", DELETE, "\"id\" is missing"),
    ("interactions 0", "people", [[1]], "must be a list of person ids, and a list is not one"),
    ("interactions 0", "people", [], "must list the ids of the people"),
    ("interactions 0", "people", [3], "names person 3, who is not in the file"),
    ("interactions 0", "people", [True], "and true is not one"),
    ("interactions 0", "channel", "\x1b[2J", "is not a channel"),
    ("interactions 0", "note", "x" * 100_001, "at most 100,000 characters"),
    ("interactions 0", "gave", "yes", "must be true or false"),
    ("interactions 0", "logged_at", 5, "must be a time written"),
    ("interactions 0", "sources", "ics:u/1", "must be a list, not 'ics:u/1'"),
    ("interactions 0", "sources", [5], "must be a list of objects, and 5 is not one"),
    ("interactions 0", "sources", [{"key": "http://x", "person": 1}],
     "must give each a \"key\" beginning with ics: or mail:, not 'http://x'"),
    ("interactions 0", "sources", [{"key": 5, "person": 1}], "ics: or mail:, not 5"),
    ("interactions 0", "sources", [{"key": "ics:u\x00/1", "person": 1}], "a NUL character"),
    ("interactions 0", "sources", [{"key": "ics:" + "u" * 99_997, "person": 1}],
     "longer than 100,000 characters"),
    ("interactions 0", "sources", [{"key": "ics:u/1", "person": 3}],
     "key 'ics:u/1' must name one of the interaction's people, not 3"),
    ("interactions 0", "sources", [{"key": "mail:<a@b>"}], "people, not null"),
    ("interactions 0", "sources", [{"key": "ics:u/1", "person": 1, "merged": "yes"}],
     "\"merged\" must be true or false, not 'yes'"),
    ("interactions 0", "sources", [{"key": "ics:u/1", "person": 1, "filled": 5}],
     "\"filled\" must be text or null, not 5"),
    ("interactions 0", "sources", [{"key": "ics:u/1", "person": 1, "filled": "x" * 100_001}],
     "at most 100,000 characters"),
    ("interactions 0", "sources", [{"key": "mail:a@b", "person": 1, "thread": 5}],
     "\"thread\" must be a mail key (\"mail:...\") of a mail key, or null, not 5"),
    ("interactions 0", "sources", [{"key": "mail:a@b", "person": 1, "thread": "ics:u/1"}],
     "not 'ics:u/1'"),
    ("interactions 0", "sources", [{"key": "ics:u/1", "person": 1, "thread": "mail:a@b"}],
     "of a mail key, or null, not 'mail:a@b'"),
    ("interactions 0", "sources", [{"key": "mail:a@b", "person": 1,
                                    "thread": "mail:" + "u" * 99_997}], "or null, not"),
    ("interactions 0", "sources", [{"key": "ics:u/1", "person": 2},
                                   {"key": "ics:u/1", "person": 2}],
     "gives key 'ics:u/1' to person 2 twice"),
    ("follow_ups 0", "id", DELETE, "\"id\" is missing"),
    ("follow_ups 0", "text", {"a": 1}, "must be text, not an object"),
    ("follow_ups 0", "text", DELETE, "must be text, not null"),
    ("follow_ups 0", "text", " ", "is empty: say what was promised"),
    ("follow_ups 0", "text", "x" * 1_001, "at most 1,000 characters"),
    ("follow_ups 0", "person", 9, "must be the id of a person in the file, not 9"),
    ("follow_ups 0", "due", "9999-12-31", "more than 100 years ahead"),
    ("follow_ups 0", "done", "2025-03-15", "after today"),
]


@pytest.mark.parametrize(("where", "key", "value", "says"), POISON,
                         ids=[f"{w}-{k}-{str(v)[:12]}" for w, k, v, _ in POISON])
def test_a_document_with_any_invalid_value_is_refused_whole(ties, db_path, where, key, value,
                                                            says):
    """Regression: these were stored (and broke show/next/report for good), silently
    dropped or changed, or ended in an internal error."""
    ties("add", "Zed Already-Here")
    before = snapshot(db_path)
    message = refused(import_doc(ties, with_value(where, key, value)))
    label = {"people": "person", "interactions": "interaction", "follow_ups": "follow-up"}
    kind, index = where.split()
    assert f"stdin: {label[kind]} {int(index) + 1}" in message
    assert f"\"{key}\"" in message and says in message
    assert message.endswith("Nothing was imported.\n")
    assert snapshot(db_path) == before


def test_a_key_given_to_one_person_by_two_interactions_is_refused_naming_the_second(
        ties, db_path):
    doc = document()
    second = {**doc["interactions"][0], "id": 7, "note": "again"}
    for item in (doc["interactions"][0], second):
        item["sources"] = [{"key": "mail:<m1@x>", "person": 1}]
    doc["interactions"].append(second)
    ties("add", "Zed Already-Here")
    before = snapshot(db_path)
    assert refused(import_doc(ties, doc)) == (
        "ties: stdin: interaction 2 (id 7) \"sources\" gives key 'mail:<m1@x>' to person 1, "
        "as an interaction before it does. Nothing was imported.\n")
    assert snapshot(db_path) == before


def test_keys_of_a_calendar_or_mail_import_in_a_document_are_read_with_their_people(ties):
    from ties.formats.importers import tiesjson

    doc = document()
    doc["interactions"][0]["sources"] = [
        {"key": "mail:<m1@x>", "person": 2, "merged": True, "filled": " intro\r\nto Mei "},
        {"key": "ics:u/2025-01-10", "person": 1}]
    parsed = tiesjson.parse(json.dumps(doc), "stdin")
    assert [(s.key, s.person, s.merged, s.filled) for s in parsed.interactions[0].sources] == [
        ("mail:<m1@x>", 2, True, "intro\nto Mei"), ("ics:u/2025-01-10", 1, False, None)]


@pytest.mark.parametrize(("doc", "says"), [
    (document(settings=[1]), "\"settings\" must be an object"),
    (document(settings={"cadence.social": "abc"}), "setting 'cadence.social' is refused"),
    (document(settings={"cadence.social": None}), "must be text or a number, not null"),
    (document(settings={"colour": "red"}), "setting 'colour' is not a ties setting"),
    (document(people={"id": 1}), "\"people\" must be a list, not an object"),
    # regression: empty containers of the wrong kind passed as "nothing to import"
    (document(settings=[]), "\"settings\" must be an object"),
    (document(people={}), "\"people\" must be a list, not an object"),
    (document(last_ids=[]), "\"last_ids\" must be an object"),
    (document(people=[[1]]), "person 1 must be an object, not a list"),
    (document(version="1"), "\"version\" must be a whole number"),
    (document(version=2), "written by a newer ties"),
])
def test_a_document_with_a_bad_shape_is_refused_whole(ties, db_path, doc, says):
    ties("add", "Zed Already-Here")
    before = snapshot(db_path)
    assert says in refused(import_doc(ties, doc))
    assert snapshot(db_path) == before


def test_deeply_nested_json_is_refused_not_a_recursion_error(ties):
    text = '{"format": "ties", "version": 1, "people": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert "nests lists or objects too deeply" in refused(ties("import", "-", input=text))


def test_a_5000_digit_number_is_refused_not_a_value_error(ties):
    text = '{"format": "ties", "version": 1, "people": [{"id": ' + "9" * 5000 + "}]}"
    assert "a number thousands of digits long" in refused(ties("import", "-", input=text))


@pytest.mark.parametrize(("where", "key", "value"), [
    ("people 0", "every_days", 1),
    ("people 0", "every_days", 3650),
    ("people 0", "tags", ["x" * 50]),
    ("people 0", "notes", "x" * 100_000),
    ("people 0", "created", "1900-01-01"),
    ("people 0", "created", "2025-03-14"),
    ("people 0", "archived", True),
    ("people 0", "snoozed_until", "2125-03-15"),  # 36,525 days after today, 14 March 2025
    ("follow_ups 0", "id", 2**31 - 1),  # PostgreSQL's largest INTEGER: any id ties gives
    ("interactions 0", "date", "2025-03-14"),
    ("interactions 0", "channel", None),
    ("follow_ups 0", "due", "2020-01-01"),  # a promise that was already overdue
    ("follow_ups 0", "text", "x" * 1_000),
])
def test_values_at_the_limits_are_accepted(ties, where, key, value):
    result = import_doc(ties, with_value(where, key, value))
    assert result.exit_code == 0, result.stderr


def test_archived_false_stays_active_and_true_archives(ties):
    assert import_doc(ties, with_value("people 0", "archived", True)).exit_code == 0
    assert json.loads(ties("show", "Ana", "--json").stdout)["archived"] is True
    assert json.loads(ties("show", "Bo", "--json").stdout)["archived"] is False


def test_a_refused_restore_leaves_the_store_as_it_was(ties, db_path, tmp_path):
    """restore reads JSON through the same checks (on PostgreSQL it is the restore path)."""
    ties("add", "Zed Already-Here")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(with_value("interactions 0", "date", "9999-12-31")))
    before = snapshot(db_path)
    result = ties("import", str(bad))
    assert "interaction 1 (id 1) \"date\" is 9999-12-31" in refused(result)
    assert snapshot(db_path) == before


# The same date bounds when typed ---------------------------------------------------------

def test_a_due_date_up_to_100_years_ahead_is_accepted_and_one_day_more_refused(ties, ana):
    assert ties("follow-up", "Ana", "call", "--due", "2125-03-15").exit_code == 0
    message = refused(ties("follow-up", "Ana", "call", "--due", "2125-03-16"))
    assert "more than 100 years ahead" in message
    assert "more than 100 years ahead" in refused(ties("snooze", "Ana", "--until", "9999-12-31"))


def test_interaction_notes_keep_their_lines_like_the_first_meeting_does(ties, ana):
    assert ties("log", "Ana", "--note", "one\ntwo").exit_code == 0
    history = json.loads(ties("show", "Ana", "--json").stdout)["history"]
    assert history[0]["note"] == "one\ntwo"


# The store's own contents ---------------------------------------------------------------

DAMAGE = [
    "UPDATE interaction SET date = 'abc'",
    "UPDATE person SET created = 'abc'",
    "UPDATE person SET snoozed_until = 'abc'",
    "UPDATE person SET connected_on = 'abc'",
    "UPDATE follow_up SET due = 'abc'",
    "UPDATE follow_up SET created = 'abc'",
    "UPDATE person_stats SET last_contact = 'abc'",
]
READERS = [("show", "Ana"), ("show", "Ana", "--json"), ("next",), ("report",), ("list",),
           ("export",), ("export", "--format", "markdown"), ("follow-ups",), ("log", "Ana")]


@pytest.fixture
def stored(ties, db_path):
    built_store("test_validation.stored", db_path, lambda: _build_stored(ties))
    return db_path


def _build_stored(ties) -> None:
    ties("add", "Ana Lima", "--every", "3w", "--on", "2025-01-01")
    ties("follow-up", "Ana", "send the paper", "--due", "friday")
    ties("snooze", "Ana", "--for", "1w")
    ties("import", "-", input="First Name,Last Name,URL,Email Address,Company,Position,"
         "Connected On\nBo,Chen,,,Acme,CTO,01 Jan 2024\n")


@pytest.mark.sqlite_only  # PostgreSQL's date columns can't hold such text
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_date_in_the_store_is_one_line_pointing_at_doctor(ties, stored, damage):
    from conftest import execute

    execute(stored, damage)
    for args in READERS:
        result = ties(*args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert "internal error" not in result.stderr
        if result.exit_code:
            assert "The store holds a date ties never writes ('abc')" in refused(result)
            assert "Run 'ties doctor'" in result.stderr
    doctor = ties("doctor")
    assert doctor.exit_code == 1
    assert "FAIL  values: " in doctor.stdout
    assert "that ties never writes (changed outside it): " in doctor.stdout


@pytest.mark.parametrize("version", ["abc", "0", "-1", ""])
def test_a_damaged_schema_version_is_one_line_pointing_at_doctor(ties, stored, version):
    """Regression: a version of 0 beside ties' tables read as 'no store yet', which hid
    every row (CI's deep damaged-store run found it)."""
    from conftest import execute

    execute(stored, "UPDATE ties_meta SET value = ? WHERE key = 'schema_version'", (version,))
    for args in READERS:
        message = refused(ties(*args))
        assert f"The store's schema version is {version!r}, not a version ties writes" \
            in message
        assert "Run 'ties doctor'" in message


def test_the_lowest_schema_version_ties_writes_is_1_and_0_is_refused():
    from ties.core.errors import StoreError
    from ties.storage.backend import version_number

    assert version_number("1") == 1
    assert version_number(" 2 ") == 2
    with pytest.raises(StoreError):
        version_number("0")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("version", ["abc", "0"])
def test_doctor_names_a_schema_version_ties_never_writes(ties, stored, version):
    from conftest import execute

    execute(stored, "UPDATE ties_meta SET value = ? WHERE key = 'schema_version'", (version,))
    doctor = ties("doctor")
    assert doctor.exit_code == 1
    assert f"FAIL  schema: version {version!r} is not a version ties writes (changed " \
        "outside ties)" in doctor.stdout


@pytest.mark.parametrize("cadence", ["0", "-5", "3651"])
def test_a_cadence_out_of_range_in_the_store_counts_as_unset(ties, stored, cadence):
    """Regression: 0 divided by zero in 'next', and 'report' failed on it."""
    from conftest import execute

    execute(stored, f"UPDATE person SET cadence_days = {cadence}")
    for args in READERS:
        assert ties(*args).exit_code == 0, args
    assert json.loads(ties("show", "Ana", "--json").stdout)["every_days"] is None


@pytest.mark.sqlite_only
def test_a_cadence_that_is_text_in_the_store_counts_as_unset_and_doctor_names_it(ties, stored):
    from conftest import execute

    execute(stored, "UPDATE person SET cadence_days = 'abc' WHERE name = 'Ana Lima'")
    for args in READERS:
        assert ties(*args).exit_code == 0, args
    assert "person 1 cadence_days: 'abc' is not a number of days from 1 to 3650; fix: ties " \
           "edit @1 --every 3w" in " ".join(ties("doctor").stdout.split())


def test_the_cadence_limits_in_the_store_are_read_as_they_are(ties, stored):
    from conftest import execute

    for cadence in (1, 3650):
        execute(stored, f"UPDATE person SET cadence_days = {cadence}")
        assert json.loads(ties("show", "Ana", "--json").stdout)["every_days"] == cadence


def test_a_setting_damaged_in_the_store_falls_back_to_its_default(ties, stored):
    from conftest import execute

    execute(stored, "INSERT INTO setting (key, value) VALUES ('cadence.social', 'abc')")
    for args in READERS:
        assert ties(*args).exit_code == 0, args


def test_merging_two_long_notes_past_the_limit_is_refused(ties, db_path):
    ties("add", "Ana Lima", "--note", "a" * 60_000)
    ties("add", "Ana Lima", "--another", "--note", "b" * 60_000)
    before = snapshot(db_path)
    message = refused(ties("merge", "@1", "@2", "--yes"))
    assert "their notes would have 120,001 characters; ties keeps at most 100,000" in message
    assert snapshot(db_path) == before


def test_merging_notes_up_to_the_limit_is_kept(ties):
    ties("add", "Ana Lima", "--note", "a" * 50_000)
    ties("add", "Ana Lima", "--another", "--note", "b" * 49_999)
    assert ties("merge", "@1", "@2", "--yes").exit_code == 0
    assert len(json.loads(ties("show", "@1", "--json").stdout)["notes"]) == 100_000


@pytest.mark.parametrize("value", ["1e309", "inf", "nan", "-1", "86401", "abc", "²"])
def test_a_lock_timeout_out_of_range_is_refused_not_an_overflow(ties, ana, value):
    """Regression: TIES_LOCK_TIMEOUT=1e309 ended in an internal error (OverflowError)."""
    message = refused(ties("log", "Ana", TIES_LOCK_TIMEOUT=value))  # a write waits for it
    assert "is not a number of seconds from 0 to 86400" in message


@pytest.mark.parametrize("value", ["0", "86400", "0.5"])
def test_a_lock_timeout_in_range_is_used(ties, ana, value):
    assert ties("show", "Ana", TIES_LOCK_TIMEOUT=value).exit_code == 0


def test_a_linkedin_connection_date_in_the_future_is_not_stored_regression_export_unreadable(
        ties, tmp_path):
    """Regression: a LinkedIn 'Connected On' of 31 Dec 2099 was stored, and the ties JSON
    export of the store then could not be imported ("after today")."""
    li = tmp_path / "Connections.csv"
    li.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                  "Zed,Q,,,,,31 Dec 2099\nAna,Lima,,,,,14 Mar 2025\nBo,Chen,,,,,15 Mar 2025\n")
    refused = ties("import", str(li))
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"ties: {li}: row 2 (Zed Q), connected on: is 2099-12-31, "
                                     "after today (2025-03-14) (1 more invalid value")
    result = ties("import", str(li), "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert "left out: row 2 (Zed Q), connected on: is 2099-12-31, after today (2025-03-14)" \
        in result.stderr
    people = {p["name"]: p for p in json.loads(ties("export").stdout)["people"]}
    assert people["Zed Q"]["connected_on"] is None
    assert people["Ana Lima"]["connected_on"] == "2025-03-14"  # today is in
    assert people["Bo Chen"]["connected_on"] is None  # tomorrow is out
    exported = tmp_path / "all.json"
    exported.write_text(ties("export").stdout)
    assert ties("--db", str(tmp_path / "other.db"), "import", str(exported)).exit_code == 0


@pytest.mark.parametrize(("birthday", "ok"), [("2025-03-14", True), ("2026-01-01", False),
                                               ("2099-01-01", False)])
def test_a_birthday_year_after_this_year_is_refused_like_any_future_date(ties, birthday, ok):
    result = ties("add", "Ana", "--birthday", birthday)
    assert (result.exit_code == 0) is ok, result.stderr
    if not ok:
        assert "has an unlikely year" in result.stderr


def test_a_lost_schema_version_is_refused_not_read_as_a_new_store(ties, stored):
    """Regression (found by the damaged-store deep run): with the version row gone, a read
    said 'there is no store yet' and showed nobody, and a write would have migrated over
    the data."""
    from conftest import dump, execute

    execute(stored, "DELETE FROM ties_meta WHERE key = 'schema_version'")
    before = dump(stored)
    for args in [*READERS, ("add", "Bo Chen")]:
        message = refused(ties(*args))
        assert message.startswith("ties: The store has lost its schema version"), message
        assert "Run 'ties doctor'" in message
    assert dump(stored) == before
    doctor = ties("doctor")
    assert doctor.exit_code == 1
    assert "lost its schema version" in doctor.stdout


@pytest.mark.parametrize("value", ["9999-12-01", *(
    pytest.param(v, marks=pytest.mark.sqlite_only)  # PostgreSQL's date columns refuse them
    for v in ("x", "2025-03-14 99:99", "2024-99-99"))])
def test_a_damaged_last_contact_is_refused_by_next_not_a_crash(ties, stored, value):
    """Regression (new-user review and the damaged-store deep run): 'next' ended in exit 70
    on a last contact the database can't compute a due date from, and doctor called a date
    in 9999 ok."""
    from conftest import execute

    assert ties("edit", "Ana", "--type", "strategic").exit_code == 0
    assert ties("unsnooze", "Ana").exit_code == 0
    execute(stored, "UPDATE person_stats SET last_contact = ?", (value,))
    for args in [("next",), ("next", "--json"), ("report",)]:
        message = refused(ties(*args))
        assert f"The store holds a date ties never writes ('{value}')" in message
    # regression: 'next' named a due date computed from it, which is in no column
    assert "in the last_contact of Ana Lima (@1)" in refused(ties("next"))
    doctor = ties("doctor")
    assert doctor.exit_code == 1
    assert "person_stats 1 last_contact: " in doctor.stdout


def test_the_last_year_a_stored_date_may_have_is_9000():
    from ties.storage import stored

    assert stored.date_problem("9000-12-31") is None
    assert stored.date_problem("9001-01-01") == "9001-01-01 is later than any date ties writes"
    assert stored.date_problem("2025-03-14T10:00") == \
        "'2025-03-14T10:00' is not a date (YYYY-MM-DD)"


@pytest.mark.sqlite_only  # PostgreSQL's date columns refuse a number
def test_a_last_contact_of_0_is_refused_by_the_report_not_a_crash(ties, stored):
    """Regression (the damaged-store deep run): a falsy damaged date skipped its check
    ('r[8] and iso(r[8])') and reached the report's date arithmetic."""
    from conftest import execute

    execute(stored, "UPDATE person_stats SET last_contact = 0")
    for args in [("report",), ("report", "--json")]:
        assert "The store holds a date ties never writes (0)" in refused(ties(*args))


@pytest.mark.sqlite_only  # a BLOB value: PostgreSQL's text column refuses it
def test_doctor_names_a_setting_changed_outside_ties_and_config_repairs_it(ties, stored):
    """Regression (new-user review): a setting stored as a BLOB or an unreadable value was
    silently replaced by its default, and doctor said 'values: ok'."""
    from conftest import execute

    execute(stored, "INSERT INTO setting VALUES ('cadence.strategic', x'00ff')")
    execute(stored, "INSERT INTO setting VALUES ('weight.social', 'nan')")
    doctor = ties("doctor")
    assert doctor.exit_code == 1
    assert "setting cadence.strategic: a BLOB of 2 bytes where text belongs" in doctor.stdout
    assert "setting weight.social: weight.social must be a number" in doctor.stdout
    assert ties("config", "cadence.strategic", "6w").exit_code == 0
    assert ties("config", "weight.social", "1").exit_code == 0
    assert "ok    values: ok" in ties("doctor").stdout


@pytest.mark.parametrize("slip", ["a@b.example,", "a@b.example>", "a@b.example:", "a@.example",
                                  "a@b..example", "a@b.example?subject=x", "e@example.com;",
                                  "a b@example.com", "@example.com", "a@"])
def test_an_email_with_a_slip_is_refused_not_stored_unmatchable(ties, slip):
    """Regression (new-user review of issue 14): these were stored, and then never
    matched the same address written right."""
    result = ties("add", "V", "--email", slip)
    assert result.exit_code == 1
    assert "doesn't look like an email address" in result.stderr


@pytest.mark.parametrize("good, stored", [
    ("mailto:a@b.example", "a@b.example"), ("ana.lima+x@globex.example", None),
    ("x@localhost", None), ("jürgen@bücher.example", None), ("a_b@sub-dom.example.co.uk", None)])
def test_an_email_as_people_write_it_is_kept(ties, good, stored):
    assert ties("add", "V", "--email", good).exit_code == 0
    assert json.loads(ties("show", "V", "--json").stdout)["email"] == (stored or good)
