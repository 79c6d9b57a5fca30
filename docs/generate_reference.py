"""Write docs/reference/commands.md from the real --help of every command.

    python docs/generate_reference.py          # rewrite the file
    python docs/generate_reference.py --check  # exit 1 if it is stale (tests/test_docs.py)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TARGET = Path(__file__).parent / "reference" / "commands.md"
HEADER = """# Command reference

Generated from the real `--help` of each command by `python docs/generate_reference.py`;
a test fails when this page and the program disagree. Global options (`--db`) go before
the command: `ties --db ~/work.db next`.
"""


def command_paths():
    import typer

    from ties.cli import app

    def walk(cmd, path):
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, [*path, name])

    yield from walk(typer.main.get_command(app), [])


def render() -> str:
    from typer.testing import CliRunner

    from ties.cli import app

    os.environ["COLUMNS"] = "88"
    os.environ["NO_COLOR"] = "1"
    runner = CliRunner()
    parts = [HEADER]
    for path in command_paths():
        result = runner.invoke(app, [*path, "--help"], prog_name="ties")
        title = " ".join(["ties", *path])
        parts.append(f"\n## `{title}`\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print("docs/reference/commands.md is stale: run python docs/generate_reference.py",
                  file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
