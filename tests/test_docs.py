"""The docs stay true: the README's session, the command reference and the help texts."""

from __future__ import annotations

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
    expected: list[str] = []
    actual: list[str] = []
    for line in block:
        if line.startswith("$ ties "):
            result = ties(*shlex.split(line[len("$ ties "):]))
            assert result.exit_code == 0, (line, result.stderr)
            actual += (result.stdout + result.stderr).splitlines()
        else:
            expected.append(line)
    assert [a.rstrip() for a in actual] == [e.rstrip() for e in expected]


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
