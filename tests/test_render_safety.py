"""Free text is stored as given but never reaches a terminal raw (issue 12, point 2).

A store full of hostile text (escape sequences that clear the screen, set the window
title or plant hyperlinks, a one-byte C1 CSI, bidi overrides that reverse what you read)
is rendered through every read command and every export format, at a pipe and in a
"terminal" (Rich forced to emit colour): no raw control, escape or bidi character may
appear on stdout or stderr. Joiners, right-to-left letters and emoji stay intact.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import BACKEND, TODAY
from ties.core.records import InteractionRecord
from ties.core.text import UNSAFE, safe, safe_json

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
LINK = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
C1_CSI = "\x9b31m"
BIDI = "\u202egnp.exe\u2066x\u2069\u202a\u202d\u200f"
# (PostgreSQL can't store NUL at all: text there holds every other control character.)
NUL = "\x00" if BACKEND == "sqlite" else ""
CONTROLS = NUL + "\x08\x7f\r\x0b\x0c\u2028"
HOSTILE = CLEAR + TITLE + LINK + C1_CSI + BIDI + CONTROLS
# Kept as they are: a ZWJ emoji sequence, a Persian word with a ZWNJ, Arabic letters.
KEPT = ("\U0001f469\u200d\U0001f469\u200d\U0001f467 "
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u0645\u0631\u062d\u0628\u0627")

# What may never appear raw: every C0 control but tab and newline, DEL, C1, the bidi
# embeddings, overrides, isolates and marks. (\r\n line ends of CSV and vCard are allowed.)
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                 "\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours and bold Rich itself emits in a terminal


def assert_clean(text: str, terminal: bool = False) -> None:
    if terminal:
        text = SGR.sub("", text)
    text = text.replace("\r\n", "\n")
    leaked = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text)})
    assert not leaked, f"raw control characters reached the output: {leaked}"


def hostile_store(db_path) -> None:
    """People, interactions, follow-ups, tags and an import whose text is hostile, written
    behind the CLI's back (as an old version, a hand edit or another program might)."""
    from ties.storage import db, store

    day = date.fromisoformat(TODAY)
    conn = db.open_store(db_path)
    try:
        session = db.orm_session(conn)
        with session.begin():
            profile = {"type": "strategic", "company": "Acme" + HOSTILE, "role": "CTO" + HOSTILE,
                       "industry": "tech" + HOSTILE, "location": KEPT + HOSTILE,
                       "email": "mal@evil.example", "phone": "+1" + HOSTILE,
                       "linkedin": "https://www.linkedin.com/in/mal" + HOSTILE,
                       "met": "at " + HOSTILE, "notes": "notes " + HOSTILE + KEPT,
                       "working_on": "work " + HOSTILE, "struggles": "hard " + HOSTILE,
                       "cares_about": "cares " + HOSTILE, "cadence_days": 30}
            mal = store.add_person(session, name="Mal" + HOSTILE, fields=profile,
                                   tags=["t" + HOSTILE], today=day,
                                   first=InteractionRecord(when=day, channel="call" + HOSTILE,
                                                       note="first " + HOSTILE))
            twin = store.add_person(session, name="Twin" + BIDI, fields={
                "type": "social", "company": "=HYPERLINK(\"http://evil\")" + CLEAR,
                "email": "mal@evil.example", "industry": "tech" + HOSTILE},
                tags=[], today=day, first=None)
            store.add_person(session, name=KEPT, fields={"type": None}, tags=[], today=day,
                             first=None)
            store.log(session, [mal, twin], InteractionRecord(
                when=day, channel="video" + TITLE, note="both " + HOSTILE, gave=True),
                force=True)
            store.add_follow_up(session, mal, "send " + HOSTILE, day, day)
        session.close()
    finally:
        conn.close()


READS = [
    ("show", "@1"), ("show", "@1", "--json"), ("show", "@2"), ("list",), ("list", "--json"),
    ("list", "--all", "--search", "Acme"), ("next",), ("next", "--json"), ("report",),
    ("report", "--json"), ("follow-ups",), ("follow-ups", "--all", "--json"), ("duplicates",),
    ("duplicates", "--json"), ("imports",), ("imports", "--json"), ("config",),
    ("export",), ("export", "--format", "csv"), ("export", "--format", "vcard"),
    ("export", "--format", "markdown"),
]


def import_with_hostile_name(ties, tmp_path) -> None:
    card = tmp_path / f"evil{CLEAR}{BIDI[:1]}.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Imported Person\r\nEND:VCARD\r\n")
    result = ties("import", str(card))
    assert result.exit_code == 0, result.stderr
    assert_clean(result.stdout + result.stderr)


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_every_read_command_and_export_shows_hostile_text_escaped(ties, db_path, tmp_path,
                                                                  terminal):
    hostile_store(db_path)
    import_with_hostile_name(ties, tmp_path)
    env = {"FORCE_COLOR": "1", "NO_COLOR": ""} if terminal else {}
    styled = False
    for args in READS:
        result = ties(*args, **env)
        assert result.exit_code == 0, (args, result.stderr)
        assert_clean(result.stdout, terminal)
        assert_clean(result.stderr, terminal)
        styled = styled or bool(SGR.search(result.stdout))
    assert styled == terminal  # the "terminal" run really was styled, the pipe plain


def in_a_terminal(*args: str) -> str:
    """ties run on a real pseudo-terminal (100x50, colour allowed): what the screen got."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 100, 0, 0))
    env = {**os.environ, "NO_COLOR": "", "TERM": "xterm-256color", "PAGER": "cat"}
    proc = subprocess.Popen([sys.executable, "-m", "ties", *args], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True)
    os.close(slave)
    os.write(master, b"n\n")  # the answer to a prompt, if there is one
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) in (0, 1)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("args", [("show", "@1"), ("list",), ("next",), ("report",),
                                  ("follow-ups",), ("interaction", "rm", "2")])
def test_a_real_terminal_gets_only_ties_own_colours(db_path, args):
    hostile_store(db_path)
    screen = in_a_terminal(*args)
    assert "\\x1b[2J" in screen or "\\u202e" in screen  # the hostile text was shown
    if args[0] != "interaction":  # (a prompt is plain)
        assert SGR.search(screen)  # styled: Rich knew it was a terminal
    assert_clean(screen, terminal=True)


def test_show_makes_each_kind_of_escape_visible(ties, db_path):
    hostile_store(db_path)
    result = ties("show", "@1")
    assert result.exit_code == 0
    out = result.stdout
    for visible in ("\\x1b[2J", "\\x1b]0;pwned\\x07", "\\x1b]8;;https://evil.example",
                    "\\x9b31m", "\\u202egnp.exe", "\\u2066", "\\x08", "\\x7f", "\\x0d",
                    "\\u2028"):
        assert visible in out, visible
    assert "call\\x1b[2J" in out  # the channel of an interaction, regression: printed raw


@pytest.mark.parametrize("args", [("show", "@1", "--json"), ("list", "--json"),
                                  ("follow-ups", "--json"), ("export",)])
def test_json_spells_control_and_bidi_characters_as_escapes_and_keeps_the_data(
        ties, db_path, args):
    hostile_store(db_path)
    result = ties(*args)
    assert result.exit_code == 0
    assert "\\u001b[2J" in result.stdout and "\\u202e" in result.stdout
    assert "\\u009b31m" in result.stdout
    assert {"Mal" + HOSTILE, "send " + HOSTILE} & strings(json.loads(result.stdout))


def strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(strings(v) for v in value)) if value else set()
    return set()


def test_json_export_round_trips_hostile_text_exactly(ties, db_path):
    hostile_store(db_path)
    exported = json.loads(ties("export").stdout)
    names = {p["name"] for p in exported["people"]}
    assert "Mal" + HOSTILE in names
    assert KEPT in names
    notes = {i["note"] for i in exported["interactions"]}
    assert "first " + HOSTILE in notes


def test_joiners_rtl_letters_and_emoji_are_shown_intact(ties, db_path):
    hostile_store(db_path)
    for args in (("show", "@3"), ("list",), ("export", "--format", "markdown"),
                 ("export", "--format", "csv"), ("export", "--format", "vcard"),
                 ("list", "--json")):
        result = ties(*args)
        assert result.exit_code == 0
        assert KEPT in result.stdout.replace("\r\n ", ""), args  # vCard folds long lines


def test_csv_export_neutralises_formulas_after_making_text_safe(ties, db_path):
    hostile_store(db_path)
    out = ties("export", "--format", "csv").stdout
    assert "'=HYPERLINK" in out and ",=HYPERLINK" not in out
    assert "'+1\\x1b[2J" in out  # the phone: a leading + is a formula too


def test_vcard_export_escapes_separators_after_control_characters(ties, db_path):
    hostile_store(db_path)
    out = ties("export", "--format", "vcard").stdout.replace("\r\n ", "")
    assert "ORG:Acme\\\\x1b[2J" in out  # \x1b shown visibly, its backslash escaped for vCard
    assert "\x1b" not in out


def test_interaction_rm_prompt_shows_channel_escaped_regression(ties, db_path):
    hostile_store(db_path)
    result = ties("interaction", "rm", "2", input="n\n")
    assert result.exit_code == 1
    assert "video\\x1b]0;pwned\\x07" in result.stderr
    assert_clean(result.stdout + result.stderr)


def test_merge_plan_shows_bidi_overrides_escaped_regression(ties, db_path):
    hostile_store(db_path)
    result = ties("merge", "@1", "@2", input="n\n")
    assert result.exit_code == 1
    assert "Twin\\u202egnp.exe" in result.stderr
    assert_clean(result.stdout + result.stderr)


def test_prompts_and_messages_of_write_commands_show_names_escaped(ties, db_path):
    hostile_store(db_path)
    for args in (("rm", "@1"), ("log", "@1", "--note", "x"), ("edit", "@1", "--company", "B"),
                 ("follow-up", "@1", "call back"), ("done", "1"), ("archive", "@1"),
                 ("unarchive", "@1"), ("snooze", "@1", "--for", "1w"), ("unsnooze", "@1"),
                 ("triage",)):
        result = ties(*args, input="n\nq\n")
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert_clean(result.stdout + result.stderr)


def test_errors_show_escapes_in_arguments_visibly(ties, db_path):
    hostile_store(db_path)
    result = ties("show", "nobody" + CLEAR + BIDI)
    assert result.exit_code == 1
    assert "\\x1b[2J" in result.stderr
    assert_clean(result.stdout + result.stderr)


# Pure properties of the one safe-rendering rule -----------------------------------------

@given(st.text())
def test_safe_output_never_contains_a_raw_control_or_bidi_character(value):
    assert not RAW.search(safe(value))
    assert not re.search("[\ud800-\udfff]", safe(value))


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")).filter(
    lambda c: not UNSAFE.match(c))))
def test_safe_keeps_every_harmless_character_unchanged(value):
    assert safe(value) == value


@pytest.mark.parametrize("char, shown", [
    ("\x1b", "\\x1b"), ("\x9b", "\\x9b"), ("\x7f", "\\x7f"), ("\x00", "\\x00"), ("\r", "\\x0d"),
    ("\u202e", "\\u202e"), ("\u2066", "\\u2066"), ("\u2069", "\\u2069"), ("\u202a", "\\u202a"),
    ("\u200f", "\\u200f"), ("\u061c", "\\u061c"), ("\u2028", "\\u2028"), ("\udcff", "\\udcff"),
    ("\t", "\t"), ("\n", "\n"), ("\u200d", "\u200d"), ("\u200c", "\u200c"), ("\xa0", "\xa0"),
    ("\u2065", "\u2065"), ("\u206a", "\u206a"), ("\u2029", "\\u2029"), ("\u202f", "\u202f"),
    ("\x1f", "\\x1f"), ("\x20", " "), ("\x9f", "\\x9f"), ("\x08", "\\x08"),
    ("\x0b", "\\x0b"), ("\x7e", "~"), ("\u200e", "\\u200e"), ("\u2027", "\u2027"),
    ("\u202f", "\u202f"), ("\u061b", "\u061b"), ("\u061d", "\u061d"),
    ("\ud7ff", "\ud7ff"), ("\ud800", "\\ud800"), ("\ue000", "\ue000"),
])
def test_safe_shows_exactly_the_dangerous_characters(char, shown):
    assert safe(char) == shown


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                    max_leaves=10),
       st.sampled_from(["utf-8", "ascii", "latin-1"]))
def test_safe_json_means_the_same_data_and_is_printable(value, encoding):
    document = json.dumps(value, ensure_ascii=False)
    spelled = safe_json(document, encoding)
    assert json.loads(spelled) == value
    assert not RAW.search(spelled)
    spelled.encode(encoding)  # writable in the output's encoding, whatever the text


def test_debug_traceback_shows_escapes_in_its_message_visibly(ties, monkeypatch):
    from ties.storage import store

    def broken(session, person_ids, meeting, **kw):
        raise RuntimeError(f"failed on {meeting.note} " + CLEAR + BIDI)

    monkeypatch.setattr(store, "log", broken)
    ties("add", "Ana", "--no-log")
    result = ties("log", "Ana", "--note", "bad", TIES_DEBUG="1")
    assert result.exit_code == 70
    assert "Traceback" in result.stderr
    assert "failed on bad \\x1b[2J\\u202e" in result.stderr
    assert_clean(result.stderr)
