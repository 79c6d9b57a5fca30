"""Tables at 80, 100 and 120 columns never cut a name or split a word (issue 15): each
table is rendered through the real commands at a fixed width with long names and long
words, and every word must come out whole on one line. And the pager gets colours it can
show."""

from __future__ import annotations

import json
import os
import re
import stat
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import built_store, run_ties
from ties.cli import paging, render

LONG = "María José García-Hernández de la Fuente y Montenegro"
WIDTHS = [80, 100, 120]


def words_whole(output: str, texts: list[str], width: int) -> None:
    """Every word of every text appears whole within one line, and no line is wider than
    the terminal (nor ends in an ellipsis)."""
    lines = output.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    assert not any(line.rstrip().endswith("…") for line in lines)
    for text in texts:
        for word in text.split():
            assert any(re.search(rf"(^|\s){re.escape(word)}(\s|$)", line) for line in lines), \
                (word, output)


@pytest.fixture
def crowd(ties, db_path):
    built_store("test_tables.crowd", db_path, lambda: _crowd(ties))


def _crowd(ties):
    ties("add", LONG, "--type", "strategic", "--company",
         "International Business Machines Corporation", "--role",
         "Vice-President of Developer Relations", "--industry", "semiconductors",
         "--on", "2024-06-01", "--tag", "conference-speaker", "--tag", "mentor")
    ties("add", "Bo Chen", "--type", "social", "--company", "Acme", "--on", "2025-03-10")
    ties("add", "王伟", "--type", "tactical", "--on", "2024-12-01")
    ties("log", "María", "--on", "2025-03-01", "--via", "video", "--note",
         "talked about the Kubernetes-migration-retrospective and her daughter's recital")
    ties("follow-up", "María", "send the Kubernetes-migration-retrospective slides",
         "--due", "2025-03-20")
    ties("snooze", "Bo", "--until", "2025-04-01")


@pytest.mark.parametrize("width", WIDTHS)
def test_report_table_cuts_no_name_and_no_word(ties, crowd, width):
    import json

    result = ties("report", COLUMNS=str(width))
    assert result.exit_code == 0
    statuses = [p["status"] for p in json.loads(ties("report", "--json").stdout)["people"]]
    assert set(statuses) == {"steady", "snoozed", "due"}
    words_whole(result.stdout, [LONG, "Bo Chen", "王伟", *statuses], width)


@pytest.mark.parametrize("width", WIDTHS)
def test_list_cuts_no_name_and_no_word(ties, crowd, width):
    result = ties("list", COLUMNS=str(width))
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0].split()
    # the long name stays on one line: role, tags and company go first, in that order
    assert [h for h in ("Company", "Role", "Tags") if h in header] == \
        {80: [], 100: ["Company"], 120: ["Company", "Tags"]}[width]
    assert any(LONG in line for line in result.stdout.splitlines())
    words_whole(result.stdout, [LONG, "Bo Chen", "王伟", "International Business Machines "
                                "Corporation" if "Company" in header else ""], width)


@pytest.mark.parametrize("width", WIDTHS)
def test_next_cuts_no_name_and_no_word(ties, crowd, width):
    result = ties("next", COLUMNS=str(width))
    assert result.exit_code == 0
    assert LONG.split()[0] in result.stdout
    words_whole(result.stdout, [LONG, "send the Kubernetes-migration-retrospective slides"],
                width)


URL = "https://example.com/a-very-long-article-about-distributed-consensus-protocols-2026"


@pytest.mark.parametrize("width", WIDTHS)
def test_regression_one_long_link_in_a_note_split_next_s_names_and_reasons(ties, width):
    """A link in the last note (85 characters, one word) made the topic column that wide:
    at 80 columns the name was split mid-word, at 100 the reasons were 5 wide. A word of
    yours too long for the room left is shortened with an ellipsis in the table (`--json`
    keeps it); names stay whole, and the reasons keep at least 24 columns."""
    ties("add", LONG, "--type", "strategic", "--on", "2024-06-01", "--company",
         "International Business Machines Corporation")
    ties("log", "María", "--on", "2025-01-10", "--note", f"read {URL}")  # 63 days ago
    result = ties("next", COLUMNS=str(width))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    for word in [*LONG.split(), "overdue", "(strategic:"]:
        assert any(re.search(rf"(^|\s){re.escape(word)}(\s|$)", line) for line in lines), word
    shown = [m.group(1) for line in lines for m in re.finditer(r"(https://\S*)…", line)]
    assert shown and all(URL.startswith(s) and len(s) >= 20 for s in shown), shown
    assert any("· overdue by 3 weeks" in line for line in lines)  # 24 wide at least
    (item,) = json.loads(ties("next", "--json").stdout)
    assert item["talk_about"].endswith(URL)


def test_next_keeps_the_reasons_at_least_24_wide_beside_a_long_topic(ties):
    """On the demo's kind of network at 100 columns the reasons were 13 wide while the
    topic took 40: the reasons are never narrower than 24."""
    ties("add", "Yara Haddad", "--type", "strategic", "--on", "2024-12-20", "--industry",
         "media", "--working-on", "a documentary on local newsrooms and the people who "
         "keep them going against the odds")
    result = ties("next", COLUMNS="100")
    assert any("· overdue by 6 weeks (strategic:" in line
               for line in result.stdout.splitlines()), result.stdout


@pytest.mark.parametrize("width", WIDTHS)
def test_follow_ups_cut_no_name_and_no_word(ties, crowd, width):
    result = ties("follow-ups", COLUMNS=str(width))
    assert result.exit_code == 0
    words_whole(result.stdout, [LONG, "send the Kubernetes-migration-retrospective slides",
                                "2025-03-20"], width)


@pytest.mark.parametrize("width", WIDTHS)
def test_show_cuts_no_word_of_the_history(ties, crowd, width):
    result = ties("show", "María", COLUMNS=str(width))
    assert result.exit_code == 0
    words_whole(result.stdout, [LONG, "talked about the Kubernetes-migration-retrospective "
                                "and her daughter's recital"], width)


def test_regression_strong_and_steady_are_never_both_cut_to_st(ties, crowd):
    """Issue 15: at 80 columns a long name squeezed the status column to 'st…'."""
    out = ties("report", COLUMNS="80").stdout
    assert "st…" not in out
    assert re.search(r"\bsteady\b", out) and re.search(r"\bsnoozed\b", out)


def test_a_fitted_table_drops_the_columns_kept_least_first():
    from rich.console import Console
    from rich.text import Text

    def table(width):
        cols = [render.Column("Name", cells=[Text("Alexandra Wordsworth-Longfellow")]),
                render.Column("Keep", wrap=False, keep=2, cells=[Text("x" * 20)]),
                render.Column("Drop", wrap=False, keep=1, cells=[Text("y" * 20)]),
                render.Column("Status", wrap=False, cells=[Text("reconnect")])]
        console = Console(width=width, no_color=True)
        with console.capture() as cap:
            console.print(render.fitted(cols, width))
        return cap.get()

    # the narrowest layout: the longest word 21 + 20 + 20 + 9 + 3 gaps of 3 = 79
    assert "Drop" in table(79) and "Keep" in table(79)
    assert "Drop" not in table(78) and "Keep" in table(78)
    assert "Keep" in table(56)  # 21 + 20 + 9 + 2 gaps
    assert "Keep" not in table(55) and "Drop" not in table(55)
    for width in (40, 55, 56, 78, 79, 120):
        assert "Wordsworth-Longfellow" in table(width)
        assert "reconnect" in table(width)


# The pager ------------------------------------------------------------------------------

@pytest.mark.parametrize(("environ", "command", "less", "colour"), [
    ({}, ["less"], "-R", True),  # ties starts less: with -R
    ({"LESS": "-FX"}, ["less"], "-FX", False),  # the user's LESS is kept: no colour
    ({"LESS": "FRX"}, ["less"], "FRX", True),  # theirs already shows colour
    ({"LESS": "-x4R"}, ["less"], "-x4R", False),  # 4R is -x's value, not -R
    ({"LESS": "--RAW-CONTROL-CHARS"}, ["less"], "--RAW-CONTROL-CHARS", True),
    ({"PAGER": "less -r"}, ["less", "-r"], None, True),
    ({"PAGER": "/usr/bin/less"}, ["/usr/bin/less"], "-R", True),
    ({"PAGER": "more"}, ["more"], None, False),  # a pager ties does not know: plain
    ({"PAGER": ""}, ["less"], "-R", True),
    # -+R sets R back to off; the command line has the last word (less reads LESS first)
    ({"PAGER": "less -+R"}, ["less", "-+R"], None, False),
    ({"LESS": "-R -+R"}, ["less"], "-R -+R", False),
    ({"LESS": "-+R -R"}, ["less"], "-+R -R", True),
    ({"LESS": "-R", "PAGER": "less -+r"}, ["less", "-+r"], "-R", False),
])
def test_pager_plan_gives_less_minus_r_and_respects_the_users_less_and_pager(
        environ, command, less, colour):
    cmd, env, shows = paging.plan(environ)
    assert (cmd, env.get("LESS"), shows) == (command, less, colour)


def _fake_less(tmp_path):
    """A pager called 'less' that writes what it was given, and its LESS, to files."""
    script = tmp_path / "bin" / "less"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport os, sys\n"
                      f"open({str(tmp_path / 'paged')!r}, 'w').write(sys.stdin.read())\n"
                      f"open({str(tmp_path / 'less-env')!r}, 'w').write("
                      "os.environ.get('LESS', '<unset>'))\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.mark.parametrize(("less", "seen", "coloured"), [(None, "-R", True),
                                                        ("-FX", "-FX", False)])
def test_report_pages_through_less_with_colours_it_can_show(ties, tmp_path, monkeypatch, less,
                                                           seen, coloured):
    ties("add", "Person 11", "--type", "social", "--on", "2025-01-01")  # 13 lines > 10
    monkeypatch.delenv("NO_COLOR")  # the test's NO_COLOR made it plain in any case
    pager = _fake_less(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "LESS")}
    env.update(TTY_COMPATIBLE="1", FORCE_COLOR="1", LINES="10", COLUMNS="100",
               PAGER=str(pager), **({"LESS": less} if less else {}))
    result = run_ties("report", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "less-env").read_text() == seen
    paged = (tmp_path / "paged").read_text()
    assert "Person 11" in paged
    assert ("\x1b[" in paged) is coloured


@pytest.mark.parametrize("no_color", ["1", "yes"])
def test_regression_no_color_still_sent_bold_and_dim_to_a_terminal(ties_home, monkeypatch,
                                                                   no_color):
    """NO_COLOR made Rich drop colours but not bold and dim: a terminal (and the pager)
    still got ESC[1m. Any NO_COLOR now means plain text; without it a terminal is
    styled (the same run, so the test can fail)."""
    monkeypatch.delenv("NO_COLOR")
    env = {"TTY_COMPATIBLE": "1", "FORCE_COLOR": "1", "COLUMNS": "100", "PAGER": "cat"}
    assert run_ties("add", "Ana Lima", "--type", "strategic", env=env).returncode == 0
    styled = run_ties("list", env=env)
    assert "Ana Lima" in styled.stdout and "\x1b[" in styled.stdout
    plain = run_ties("list", env={**env, "NO_COLOR": no_color})
    assert "Ana Lima" in plain.stdout and "\x1b" not in plain.stdout


_word = st.text(alphabet="abcdéßø王-'", min_size=1, max_size=14)
_cell = st.lists(_word, min_size=0, max_size=6).map(" ".join)


@settings(max_examples=15, deadline=None)
@given(cells=st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=4),
       width=st.integers(40, 130))
def test_a_fitted_table_keeps_every_word_whole_at_any_width(cells, width):
    """Whatever the cells and the width, every word shows whole on one line, and the
    table is no wider than the terminal when its narrowest layout fits."""
    from rich.console import Console
    from rich.text import Text

    cols = [render.Column("Name", whole=True), render.Column("Company", keep=1),
            render.Column("Status", wrap=False, keep=2)]
    for row in cells:
        for col, value in zip(cols, row, strict=True):
            col.cells.append(Text(value))
    console = Console(width=width, no_color=True)
    with console.capture() as cap:
        console.print(render.fitted(cols, width))
    out = cap.get()
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width
    shown = [h for h in ("Name", "Company", "Status") if h in out.splitlines()[0].split()]
    assert "Name" in shown
    for row in cells:
        for header, value in zip(("Name", "Company", "Status"), row, strict=True):
            if header in shown:
                for word in value.split():
                    assert any(re.search(rf"(^|\s){re.escape(word)}(\s|$)", line)
                               for line in out.splitlines()), (word, out)


# Long words in names and notes (issue 15 item 8, the re-check) --------------------------

WORD53 = "Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh"
HUBERT = f"Hubert {WORD53}"


def _tokens(output: str) -> list[list[str]]:
    return [line.split() for line in output.splitlines()]


def _whole(word: str, lines: list[list[str]]) -> bool:
    """`word` is on one line, or runs down consecutive lines broken only after hyphens."""
    def rest_from(i: int, rest: str) -> bool:
        if i >= len(lines):
            return False
        return any(token == rest or (token.endswith("-") and rest.startswith(token)
                                     and rest_from(i + 1, rest[len(token):]))
                   for token in lines[i])
    return any(rest_from(i, word) for i in range(len(lines)))


def names_whole(output: str, names: list[str], width: int) -> None:
    """No line is wider than the terminal, and every word of every name shows whole: on
    one line, or wrapped only after its hyphens (never cut, never shortened)."""
    assert max((len(line.rstrip()) for line in output.splitlines()), default=0) <= width
    lines = _tokens(output)
    for name in names:
        for word in name.split():
            assert _whole(word, lines), (word, output)


def test_whole_accepts_a_word_broken_after_a_hyphen_and_nothing_else():
    assert _whole("ab-cd", [["x", "ab-"], ["cd", "y"]])
    assert _whole("ab-cd", [["ab-cd"]])
    assert not _whole("ab-cd", [["ab-"], ["c"]])
    assert not _whole("abcd", [["ab"], ["cd"]])  # a split mid-word
    assert not _whole("ab-cd", [["ab-"], [], ["cd"]])  # not on the next line
    assert not _whole("abcd", [["abc…"]])


@pytest.fixture
def giants(ties, db_path):
    built_store("test_tables.giants", db_path, lambda: _giants(ties))


def _giants(ties):
    ties("add", HUBERT, "--type", "strategic", "--on", "2024-06-01", "--company",
         "Internationale Nederlanden Groep Verzekeringsmaatschappij-Holding", "--tag",
         "conference-speaker")
    ties("add", LONG, "--type", "social", "--on", "2024-09-01", "--company",
         "International Business Machines Corporation")
    ties("log", "Hubert", "--on", "2024-12-01", "--note", f"read {URL} together")
    ties("log", "María", "--on", "2024-12-02", "--note", f"she sent {URL}")
    ties("follow-up", "Hubert", f"send {URL}", "--due", "2025-03-20")
    ties("follow-up", "María", "send the Kubernetes-migration-retrospective slides")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", [("next",), ("report",), ("list",), ("follow-ups",),
                                     ("show", "Hubert")])
def test_regression_a_53_character_word_in_a_name_is_cut_by_no_table(
        ties, giants, command, width):
    """The re-check of issue 15: a name with a 53-character word was cut in `next` at 80
    and 100 columns ('…Featherstonehaug' / 'h'), with the rank and last contact squeezed
    away. Every table at every width keeps it whole, wrapped after its hyphen at most."""
    result = ties(*command, COLUMNS=str(width))
    assert result.exit_code == 0, result.stderr
    names_whole(result.stdout, [HUBERT] if command[0] == "show" else [HUBERT, LONG], width)


@pytest.mark.parametrize(("width", "shown"), [(80, []), (100, ["#"]), (120, ["#", "Last"])])
def test_next_drops_last_contact_and_the_rank_for_a_long_name(ties, giants, width, shown):
    out = ties("next", COLUMNS=str(width)).stdout
    header = " ".join(out.split("─")[0].split())
    assert [h for h in ("#", "Last") if h in header.split()] == shown, out
    if width > 80:
        assert any(re.search(rf"(^|\s){WORD53}(\s|$)", line) for line in out.splitlines())
    assert "· fading: it's been" in out  # silent over twice their cadence


@pytest.mark.parametrize(("name", "shown"), [
    ("N" * 43, ["#", "Last"]),  # 1 + 43 + 7 ("contact") + 40 + 3 gaps of 3 = 100
    ("N" * 44, ["#"]),  # one too many: the last contact goes first
    ("N" * 53, ["#"]),  # 1 + 53 + 40 + 2 gaps = 100
    ("N" * 54, []),  # then the rank
])
def test_next_lets_the_last_contact_go_before_the_rank(name, shown):
    item = {"name": name, "type": "social", "stretch": False, "last_contact_words":
            "4 months ago", "reasons": ["overdue by 9 weeks (social: every 3 weeks)"],
            "talk_about": f"1 Dec: read {URL}"}
    out = _printed(render.next_table([item], 100), 100)
    header = " ".join(out.split("─")[0].split())
    assert [h for h in ("#", "Last") if h in header.split()] == shown, out
    assert any(re.search(rf"(^|\s){name}(\s|$)", line) for line in out.splitlines())


@pytest.mark.parametrize("width", WIDTHS)
def test_show_shortens_a_link_in_a_promise_instead_of_splitting_it(ties, giants, width):
    """`show` folded a long link in a promise mid-word across two lines."""
    out = ties("show", "Hubert", COLUMNS=str(width)).stdout
    promised = out.split("Promised")[1].split("History")[0]
    assert not any(line.strip().startswith(("sensus", "protocols")) for line in
                   promised.splitlines()), promised
    assert max(len(line.rstrip()) for line in promised.splitlines()) <= width
    shown = re.findall(r"(https://\S*)…", promised)
    assert URL in promised if width == 120 else (
        shown and all(URL.startswith(s) for s in shown)), promised


@pytest.mark.parametrize("width", WIDTHS)
def test_a_link_in_a_note_is_shortened_to_the_room_left_not_to_a_fixed_40(
        ties, giants, width):
    out = ties("next", COLUMNS=str(width)).stdout
    shown = [m.group(1) for m in re.finditer(r"(https://\S*)…", out)]
    assert shown and all(URL.startswith(s) for s in shown), out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= width


_piece = st.text(alphabet="abcdeéøßł王", min_size=1, max_size=20)
_name_word = st.lists(_piece, min_size=1, max_size=3).map("-".join)
_name = st.lists(_name_word, min_size=1, max_size=4).map(" ".join)
_note_word = st.one_of(_piece, st.text(alphabet="abc/:.-_", min_size=30, max_size=120))
_note = st.lists(_note_word, min_size=0, max_size=8).map(" ".join)


def _printed(table, width: int) -> str:
    from rich.console import Console

    console = Console(width=width, no_color=True)
    with console.capture() as cap:
        console.print(table)
    return cap.get()


@settings(max_examples=6, deadline=None, derandomize=True)
@given(people=st.lists(st.tuples(_name, _note, _name), min_size=1, max_size=3))
def test_no_table_cuts_a_generated_name_at_80_100_or_120(people):
    _no_table_cuts(people)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(people=st.lists(st.tuples(_name, _note, _name), min_size=1, max_size=6))
def test_no_table_cuts_a_generated_name_deep(people):
    _no_table_cuts(people)


def _no_table_cuts(people) -> None:
    """Names of long words with hyphens, notes with words up to 120 characters (links),
    long companies: at each width no line is wider than the terminal and every name shows
    whole, wrapped only between words or after a hyphen."""
    from datetime import date

    today = date(2025, 3, 20)
    names = [name for name, _, _ in people]
    items = [{"name": name, "type": "strategic", "stretch": i == 0,
              "reasons": ["overdue by 9 weeks (strategic: every 3 weeks)", f"note: {note}"],
              "talk_about": f"1 Mar: {note}", "last_contact_words": "3 months ago"}
             for i, (name, note, _) in enumerate(people)]
    rows = [{"name": name, "archived": False, "type": "social", "company": company,
             "role": company, "last_contact": date(2025, 1, 1), "tags": ["a-tag"]}
            for name, _, company in people]
    promises = [{"id": i, "name": name, "text": note or "x", "due": date(2025, 3, 1),
                 "done": None} for i, (name, note, _) in enumerate(people, 1)]
    for width in WIDTHS:
        for table in (render.next_table(items, width), render.people_table(rows, today, width),
                      render.follow_up_table(promises, today, width)):
            names_whole(_printed(table, width), names, width)
ADDRESSES = ["ana.lima.personal@example.com", "ana.lima@work-company.example.org",
             "a.lima@university.example.edu", "alias@x.example"]


@pytest.mark.parametrize("width", WIDTHS)
def test_regression_config_was_misaligned_by_a_long_me_email(ties, width):
    from ties.core import settings

    assert ties("config", "me.email", ", ".join(ADDRESSES)).exit_code == 0
    result = ties("config", COLUMNS=str(width))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    words_whole(result.stdout, [", ".join(ADDRESSES), *(s.help for s in settings.SPECS.values())],
                width)
    # every setting's key starts a line, and every value starts in one column
    starts = [line for line in lines if not line.startswith(" ")]
    assert [line.split()[0] for line in starts] == list(settings.SPECS)
    column = starts[0].index("6w")
    assert all(line[column - 1] == " " and line[column] != " " for line in starts)
    # a wrapped value's lines stay in the value column, under the first address
    email = lines.index(next(line for line in starts if line.startswith("me.email")))
    assert [lines[email + n][column:].split()[0] for n in range(4)] == [
        a + "," for a in ADDRESSES[:3]] + [ADDRESSES[3]]
    assert all(not line[:column].strip() for line in lines[email + 1:email + 4])
    assert "(changed)" in result.stdout
