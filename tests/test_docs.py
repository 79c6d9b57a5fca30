"""The docs stay true: the README's session, the command reference and the help texts."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def console_blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in re.findall(r"```console\n(.*?)```", text, re.S)]


def test_readme_session_is_what_ties_prints(ties, monkeypatch):
    monkeypatch.setenv("COLUMNS", "72")
    block = console_blocks((ROOT / "README.md").read_text())[0]
    actual, expected = run_session(ties, block)
    assert actual == expected


def test_report_doc_example_is_what_ties_prints(ties, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert ties("demo").exit_code == 0
    block = console_blocks((ROOT / "docs" / "report.md").read_text())[0]
    command, *expected = block
    result = ties("--db", str(tmp_path / "xdg" / "ties" / "demo.db"),
                  *shlex.split(command[len("$ ties "):]))
    assert result.exit_code == 0
    actual = (result.stdout + result.stderr).splitlines()
    assert [a.rstrip() for a in actual] == expected


def test_command_reference_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "generate_reference.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def all_commands():
    import typer

    from ties.cli import app

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs is None:
            yield path, cmd
        else:
            for name, sub in subs.items():
                yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(app), []))


@pytest.mark.parametrize("path", [p for p, _ in all_commands()], ids=" ".join)
def test_every_command_has_short_help_and_an_example(path):
    cmd = dict((tuple(p), c) for p, c in all_commands())[tuple(path)]
    first, *rest = (cmd.help or "").strip().splitlines()
    assert first and len(first) < 60 and first.endswith("."), first
    assert any(line.strip().startswith("Example: ties ") for line in rest), path


@pytest.mark.parametrize("path", [p for p, _ in all_commands()], ids=" ".join)
def test_every_command_is_in_the_readme_table(path):
    readme = (ROOT / "README.md").read_text()
    name = path[0]
    assert f"`ties {name}" in readme, name


def test_every_environment_variable_is_documented():
    source = "\n".join(p.read_text() for p in (ROOT / "src").rglob("*.py"))
    used = set(re.findall(r"\b(TIES_[A-Z_]+|NO_COLOR)\b", source))
    documented = (ROOT / "docs" / "reference" / "configuration.md").read_text()
    assert used <= set(re.findall(r"`(TIES_[A-Z_]+|NO_COLOR)`", documented))


# docs/scoring.md's worked examples: each console block is a session from an empty store,
# and the figures listed before it ("- recency: 10 × (63 ÷ 42) × 1.5 = **22.50**") are
# what `ties next --json` then gives its first row.

SCORING = ROOT / "docs" / "scoring.md"
_FIGURE = re.compile(r"^- (?P<name>[a-z][^:\n]*): (?:(?P<expr>[^=*\n]*?) = )?"
                     r"\*\*(?P<n>\d+(?:\.\d+)?)\*\*", re.M)


def scoring_sessions() -> list[tuple[str, list[str], list[tuple[str, str | None, float]]]]:
    """Each console block of docs/scoring.md as (its section's title, its lines, the
    figures written before it in its section, after the section's previous block)."""
    text = SCORING.read_text()
    sessions = []
    for section in re.split(r"^## ", text, flags=re.M):
        start = 0
        for block in re.finditer(r"```console\n(.*?)```", section, re.S):
            figures = [(m["name"], m["expr"], float(m["n"]))
                       for m in _FIGURE.finditer(section[start:block.start()])]
            sessions.append((section.splitlines()[0], block[1].splitlines(), figures))
            start = block.end()
    return sessions


def evaluate(expr: str) -> float:
    """'10 × (63 ÷ 42) × 1.5' -> 22.5: the doc's arithmetic, as Python computes it."""
    python = expr.replace("×", "*").replace("÷", "/").replace("^", "**")
    assert re.fullmatch(r"[\d\s.+*/()-]+", python), expr
    return eval(python)  # noqa: S307 - digits and operators only, checked above


def run_session(ties, lines: list[str]) -> tuple[list[str], list[str]]:
    """(what ties printed, what the block says it prints), line by line."""
    expected: list[str] = []
    actual: list[str] = []
    for line in lines:
        if line.startswith("$ ties "):
            result = ties(*shlex.split(line[len("$ ties "):]))
            assert result.exit_code == 0, (line, result.stderr)
            actual += (result.stdout + result.stderr).splitlines()
        else:
            expected.append(line)
    return [a.rstrip() for a in actual], [e.rstrip() for e in expected]


def test_scoring_doc_has_its_worked_sessions():
    sessions = scoring_sessions()
    assert len(sessions) >= 2  # the main worked example and Reconnect's
    assert all(figures for _, _, figures in sessions)


@pytest.mark.parametrize("index", range(len(scoring_sessions())),
                         ids=[title for title, _, _ in scoring_sessions()])
def test_scoring_doc_sessions_are_what_ties_prints(ties, monkeypatch, index):
    """The session prints what the doc shows, and each figure before it is its own
    arithmetic and what `ties next --json` gives the first row: usual gap, expected
    interval, and points that add up to the score."""
    monkeypatch.setenv("COLUMNS", "100")
    _, lines, figures = scoring_sessions()[index]
    actual, expected = run_session(ties, lines)
    assert actual == expected
    top = json.loads(ties("next", "--json").stdout)[0]
    parts = []
    for name, expr, n in figures:
        if expr is not None:
            value = evaluate(expr)
            if name == "expected interval":  # whole days, rounded half up
                assert int(value + 0.5) == n, (name, expr, value)
            else:
                assert round(value, 2) == n, (name, expr, value)
        if name == "usual gap":
            assert top["usual_gap"] == n
        elif name == "expected interval":
            assert top["every"] == n
        elif name == "total":
            assert top["score"] == n
        else:
            parts.append(n)
    assert parts and round(sum(parts), 2) == top["score"], (parts, top["score"])


def _scoring_session(ties, monkeypatch, section: str) -> None:
    """Run the (first) session of the section titled `section`."""
    monkeypatch.setenv("COLUMNS", "100")
    lines = next(lines for title, lines, _ in scoring_sessions() if title == section)
    actual, expected = run_session(ties, lines)
    assert actual == expected


def _reasons(ties) -> list[str]:
    return json.loads(ties("next", "--json").stdout)[0]["reasons"]


def test_scoring_doc_a_cadence_of_her_own_is_said_as_set(ties, monkeypatch):
    _scoring_session(ties, monkeypatch, "Worked example")
    doc = " ".join(SCORING.read_text().split())
    said = "overdue by 3 weeks (every 6 weeks, as you set)"
    assert f'`ties edit Ana --every 6w`, the first reason would say "{said}"' in doc
    assert ties("edit", "Ana", "--every", "6w").exit_code == 0
    assert _reasons(ties)[0] == said


def test_regression_scoring_doc_s_job_lead_on_20_february_left_ana_out_of_next(ties,
                                                                                monkeypatch):
    # the example said "last spoke 10 January" beside a --received log on 20 February,
    # which is a contact: 22 days ago, not due, not suggested
    _scoring_session(ties, monkeypatch, "Worked example")
    doc = " ".join(SCORING.read_text().split())
    assert ("Had you logged the job lead on 20 February instead, that would be your last "
            "contact, 22 days ago: she would not be due, and `next` would not suggest her"
            ) in doc
    assert ties("interaction", "edit", "3", "--on", "2025-02-20").exit_code == 0
    assert json.loads(ties("next", "--json").stdout) == []


def test_scoring_doc_reconnect_without_a_last_note_dates_the_one_before(ties, monkeypatch):
    _scoring_session(ties, monkeypatch, "Reconnect")
    doc = " ".join(SCORING.read_text().split())
    assert "`ties interaction edit 6 --note ''`" in doc
    said = "on 30 December 2023 you talked about 'the sailing trip'"
    assert f'the reason would end "{said}" instead' in doc
    assert ties("interaction", "edit", "6", "--note", "").exit_code == 0
    reason = _reasons(ties)[0]
    assert reason.startswith("reconnect: you were close") and reason.endswith(f"; {said}")


def test_regression_scoring_doc_said_lia_s_recency_alone_was_133_3(ties, monkeypatch):
    # 10 x 400 / 30 forgot her learned rhythm: 6 talks 40 days apart make her due every
    # (5 x 40 + 3 x 30) / 8 = 36 days, and next gives 111.11 + 5 (dormant) + 2 (ask)
    _scoring_session(ties, monkeypatch, "Reconnect")
    assert "133.3" not in SCORING.read_text()
    lia = json.loads(ties("next", "--json").stdout)[0]
    assert (lia["usual_gap"], lia["every"], lia["score"]) == (40, 36, 118.11)
    assert f"her own score: {lia['score']:.2f}" in SCORING.read_text()  # the signal table


def test_regression_scoring_doc_gave_only_the_dated_words_for_a_reconnect_s_note():
    # the doc quoted "on 20 December 2023 you talked about ..." as what the reason says,
    # which it says only when the last interaction has no note
    doc = " ".join(SCORING.read_text().split())
    assert ("When your last interaction has a note, it is that note: \"last time: 'her move "
            "to Lisbon'\". When it has none, it is the latest note before it, dated: \"on 30 "
            "December 2023 you talked about 'the sailing trip'\"") in doc
