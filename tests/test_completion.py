"""Tab completion: names matched by any word, case and accents aside, each shell given
replies in its own quoting, and every option with fixed choices completed. Through the
shell protocol Typer speaks (in-process, in a real subprocess) and, where the shells are
installed, through bash's `complete -F`, zsh's completion function and fish's
`complete -C`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import built_store
from ties.cli.completion import bash_word, zsh_quoted

PEOPLE = ("María García", "José García-Hernández", "Liam O'Brien", "Ana Lima",
          "Søren Kierkegaard")


@pytest.fixture
def people(ties, db_path):
    built_store("test_completion.people", db_path, lambda: _build_people(ties))


def _build_people(ties) -> None:
    for name in PEOPLE:
        assert ties("add", name, "--no-log").exit_code == 0
    assert ties("add", "Old Garfield", "--no-log").exit_code == 0
    assert ties("archive", "Old Garfield").exit_code == 0


def bash(line: str) -> list[str]:
    """What ties replies to bash for the last word of `line` (in-process)."""
    from ties.cli import app

    words = line.split(" ")
    result = CliRunner().invoke(app, [], prog_name="ties", env={
        "_TIES_COMPLETE": "complete_bash", "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1)})
    assert result.exit_code == 0, result.output
    return [reply for reply in result.stdout.split("\n") if reply]


# Names ------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "offered"), [
    ("ties log gar", ["José\\ García-Hernández", "María\\ García"]),
    ("ties log GARCÍA", ["José\\ García-Hernández", "María\\ García"]),
    ("ties log mar", ["María\\ García"]),
    ("ties log hern", ["José\\ García-Hernández"]),
    ("ties show o", ["Liam\\ O\\'Brien"]),
    ("ties log soren", ["Søren\\ Kierkegaard"]),
    ("ties log arc", []),
    ("ties edit ", ["Ana\\ Lima", "José\\ García-Hernández", "Liam\\ O\\'Brien",
                    "María\\ García", "Søren\\ Kierkegaard"]),
])
def test_name_completion_matches_any_word_case_and_accents_aside_quoted_for_bash(
        people, line, offered):
    """Regression (issue 15): 'ties log gar<TAB>' offered nothing, 'Mar' offered 'María
    García' unquoted (the command then failed); only the start of a word counts ('arc'
    offers nothing)."""
    assert bash(line) == offered


def test_name_completion_offers_names_starting_so_before_names_with_such_a_word(ties):
    for name in ("Zoe Garcia", "Garcia Abel"):
        ties("add", name, "--no-log")
    assert bash("ties log garcia") == ["Garcia\\ Abel", "Zoe\\ Garcia"]


def test_name_completion_leaves_out_the_archived_but_unarchive_offers_only_them(people):
    assert "Old\\ Garfield" not in bash("ties log gar")
    assert bash("ties unarchive gar") == ["Old\\ Garfield"]


# Fixed choices ---------------------------------------------------------------------

@pytest.mark.parametrize(("line", "offered"), [
    ("ties list --type ", ["tactical", "social", "strategic", "untyped"]),
    ("ties list -t u", ["untyped"]),
    ("ties next --type S", ["social", "strategic"]),
    ("ties report --type str", ["strategic"]),
    ("ties import x.csv --type t", ["tactical"]),
    ("ties add Ana --type ", ["tactical", "social", "strategic"]),
    ("ties log Ana --via C", ["call"]),
    ("ties config cadence.s", ["cadence.strategic", "cadence.social"]),
    ("ties report --sort ba", ["balance"]),
    ("ties export --format v", ["vcard"]),
])
def test_every_option_with_fixed_choices_completes_regression_list_type_offered_nothing(
        line, offered):
    assert bash(line) == offered


def test_follow_up_numbers_complete_with_whose_and_what_for_zsh_and_fish(ties):
    from ties.cli import app

    ties("add", "Ana Lima", "--no-log")
    for text in ("send the paper", "call back", "intro to Bo"):
        ties("follow-up", "Ana", text)
    ties("done", "2")
    assert bash("ties done ") == ["1", "3"]
    assert bash("ties follow-ups rm 3") == ["3"]
    assert bash("ties follow-ups edit x") == []
    zsh = CliRunner().invoke(app, [], prog_name="ties", env={
        "_TIES_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "ties follow-ups edit "})
    assert zsh.stdout.strip() == (
        "local -a _ties_shown=('1 -- Ana Lima: send the paper' '3 -- Ana Lima: intro to "
        "Bo'); compadd -U -l -d _ties_shown -- '1' '3'")


# Each shell's quoting (pure) ---------------------------------------------------------

@pytest.mark.parametrize(("value", "typed", "inserted"), [
    ("María García", "gar", "María\\ García"),
    ("Liam O'Brien", "", "Liam\\ O\\'Brien"),
    ("A&B (Tom) $x", "a", "A\\&B\\ \\(Tom\\)\\ \\$x"),
    ("María García", "'mar", "María García"),
    ("Liam O'Brien", "'li", "Liam O'\\''Brien"),
    ('Bo "BC" $x', '"bo', 'Bo \\"BC\\" \\$x'),
    ("social", "s", "social"),
])
def test_bash_gets_each_reply_as_one_word_escaped_or_inside_the_quote_typed(
        value, typed, inserted):
    assert bash_word(value, typed) == inserted


def test_zsh_gets_each_reply_single_quoted_for_its_eval():
    assert zsh_quoted("Liam O'Brien") == "'Liam O'\\''Brien'"


# The protocol in a real process, and the real shells -----------------------------------

BIN = str(Path(sys.executable).parent)


def completion_process(env: dict) -> subprocess.CompletedProcess:
    code = ("import sys\ntry:\n    from ties.cli import main\n    main()\n"
            "except SystemExit:\n    pass\n"
            "print([m for m in ('sqlalchemy', 'sqlmodel', 'rich.table') if m in sys.modules],"
            " file=sys.stderr)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)


def test_bash_protocol_in_a_real_process_without_the_database_stack(people):
    out = completion_process({"_TIES_COMPLETE": "complete_bash",
                              "COMP_WORDS": "ties log gar", "COMP_CWORD": "2"})
    assert out.stdout.splitlines() == ["José\\ García-Hernández", "María\\ García"]
    assert out.stderr.strip() == "[]"


def test_zsh_and_fish_protocols_reply_in_their_own_form(people):
    from ties.cli import app

    zsh = CliRunner().invoke(app, [], prog_name="ties", env={
        "_TIES_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "ties log o"})
    assert zsh.stdout.strip() == "compadd -U -- 'Liam O'\\''Brien'"
    fish = CliRunner().invoke(app, [], prog_name="ties", env={
        "_TIES_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        "_TYPER_COMPLETE_ARGS": "ties log GAR"})
    assert fish.stdout.splitlines() == ["José García-Hernández", "María García"]


def shell(name: str, script: str) -> str:
    """Run `script` in a real `name` shell that has loaded ties' completion script (the
    one 'ties --show-completion NAME' prints)."""
    from typer._completion_shared import get_completion_script

    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed")
    script = get_completion_script(prog_name="ties", complete_var="_TIES_COMPLETE",
                                   shell=name) + "\n" + script
    if name == "zsh":  # the script registers itself with compdef, which compinit defines
        script = "compdef() { }\n" + script
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
           "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    args = {"bash": ["bash", "--norc", "--noprofile", "-c"], "zsh": ["zsh", "-f", "-c"],
            "fish": ["fish", "--no-config", "-c"]}[name]
    done = subprocess.run([*args, script], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_bash_complete_f_round_trip_inserts_one_word_per_name(people):
    out = shell("bash", """
        COMP_WORDS=(ties log gar); COMP_CWORD=2
        _ties_completion ties
        for reply in "${COMPREPLY[@]}"; do eval "set -- $reply"; echo "$#:$1"; done
    """)
    assert out.splitlines() == ["1:José García-Hernández", "1:María García"]


def test_zsh_completion_function_round_trip_gives_compadd_whole_names(people):
    out = shell("zsh", """
        compadd() { printf '<%s>\\n' "$@" }
        words=(ties log gar); CURRENT=3
        _ties_completion
    """)
    assert out.splitlines() == ["<-U>", "<-->", "<José García-Hernández>", "<María García>"]


def test_fish_complete_round_trip_offers_whole_names(people):
    out = shell("fish", "complete -C 'ties log gar'")
    assert out.splitlines() == ["José García-Hernández", "María García"]


# The name query's invariant ----------------------------------------------------------

NAME_WORDS = st.text(alphabet="aAeéøØłŁßgGrRíÍ-'", min_size=1, max_size=6)


@given(st.lists(st.lists(NAME_WORDS, min_size=1, max_size=3).map(" ".join), min_size=1,
                max_size=8), st.data())
@settings(max_examples=30)
def test_completion_offers_exactly_the_names_with_a_word_starting_as_typed(names, data):
    import sqlite3

    from ties.core.names import fold
    from ties.storage import queries

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, name_key TEXT, "
                 "archived INTEGER)")
    conn.executemany("INSERT INTO person (name, name_key, archived) VALUES (?, ?, 0)",
                     [(n, fold(n)) for n in names])
    word = data.draw(st.sampled_from([w for n in names for w in n.split()]))
    typed = word[:data.draw(st.integers(1, len(word)))]
    offered = queries.complete_names(conn, typed)
    key = fold(typed)

    def fits(name: str) -> bool:  # from the start, or from just after a space or hyphen
        folded = fold(name)
        return any(folded[i:].startswith(key) for i in range(len(folded))
                   if i == 0 or folded[i - 1] in " -")

    assert sorted(offered) == sorted(n for n in names if fits(n))
    assert word in " ".join(offered) or not key


def test_regression_fish_offered_nothing_for_a_name_typed_without_its_accents(people):
    """A review: in fish, `ties log soren` and `ties log sor` offered nothing for Søren
    Kierkegaard (fish keeps only replies holding what was typed as spelled). The reply is
    the name's plain spelling, which fish keeps and which finds him; typed with its
    accent, the name comes as spelled."""
    assert shell("fish", "complete -C 'ties log sor'").splitlines() == [
        "Soren Kierkegaard\tSøren Kierkegaard"]
    assert shell("fish", "complete -C 'ties log kierk'").splitlines() == [
        "Søren Kierkegaard"]
    assert shell("fish", "complete -C 'ties log sø'").splitlines() == ["Søren Kierkegaard"]
    assert shell("fish", "complete -C 'ties log obr'").splitlines() == [
        "Liam OBrien\tLiam O'Brien"]  # a re-check: the apostrophe kept fish from it


def test_the_plain_spelling_fish_inserts_finds_the_same_person(ties, people):
    from ties.core.names import fold, plain_spelling

    for name in ("Søren Ærø", "Łukasz Straße", "María García", "王伟", "İsmail Öztürk",
                 "Seán O’Brien", "Ali\u200cReza"):
        assert fold(plain_spelling(name)) == fold(name), name
    shown = ties("show", plain_spelling("Søren Kierkegaard"), "--json")
    assert shown.exit_code == 0 and '"Søren Kierkegaard"' in shown.stdout
