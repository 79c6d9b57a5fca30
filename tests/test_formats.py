"""The format registry (ties.formats) is the one place formats are known: detection,
dispatch, --format choices, help and completion all come from it, so a new format is one
registration."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from ties import formats

SRC = Path(__file__).parent.parent / "src" / "ties"


def rot_reader(text: str, source: str, today):
    """A made-up format: 'ROT:' then one name per line."""
    from ties.formats.importers import Parsed, build

    parsed = Parsed(format="rot")
    for n, line in enumerate(text.splitlines()[1:], start=1):
        build(parsed, line, f"line {n}", {"email": None}, [])
    return parsed


def rot_writer(data: dict, today, now) -> str:
    return "ROT:\n" + "".join(f"{p['name']}\n" for p in data["people"])


@pytest.fixture
def rot(monkeypatch):
    monkeypatch.setattr(formats, "REGISTRY", [*formats.REGISTRY])
    return formats.register(formats.Format("rot", "ROT list", rot_reader, rot_writer,
                                           lambda head: head.startswith("ROT:")))


def test_a_registered_format_is_detected_imported_and_exported_through_the_cli(
        ties, tmp_path, rot):
    path = tmp_path / "people.txt"
    path.write_text("ROT:\nAna Lima\nBo Chen\n")
    result = ties("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Imported rot as import #1: 2 created, 0 updated")
    assert [b["format"] for b in json.loads(ties("imports", "--json").stdout)] == ["rot"]
    exported = ties("export", "--format", "rot")
    assert exported.exit_code == 0, exported.stderr
    assert exported.stdout == "ROT:\nAna Lima\nBo Chen\n"


def test_a_registered_format_is_a_format_choice_and_completes(ties, tmp_path, rot):
    path = tmp_path / "people.txt"
    path.write_text("ROT:\nAna Lima\n")
    assert ties("import", "--format", "rot", str(path)).exit_code == 0
    assert formats.complete_import("r") == ["rot"]
    assert formats.complete_export("r") == ["rot"]
    assert "rot" in formats.import_help() and "rot" in formats.export_help()


def test_an_unregistered_format_is_refused_naming_the_registered_ones(ties, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name\nAna\n")
    result = ties("import", "--format", "rot", str(path))
    assert result.exit_code == 1
    assert result.stderr == ("ties: --format must be auto or one of ties, csv, vcard, "
                             "linkedin, google, ics, mail, not 'rot'.\n")
    result = ties("export", "--format", "rot")
    assert result.exit_code == 1
    assert result.stderr == ("ties: --format must be one of json, csv, vcard, markdown, ics, "
                             "not 'rot'.\n")


def test_the_built_in_choices_are_unchanged():
    assert formats.import_names() == ["ties", "csv", "vcard", "linkedin", "google", "ics",
                                      "mail"]
    assert formats.export_names() == ["json", "csv", "vcard", "markdown", "ics"]
    assert formats.complete_import("") == ["auto", "ties", "csv", "vcard", "linkedin", "google",
                                           "ics", "mail"]
    assert formats.complete_import("v") == ["vcard"]
    assert formats.complete_export("") == ["json", "csv", "vcard", "markdown", "ics"]


@pytest.mark.parametrize(("head", "name"), [
    ('{"format": "ties"}', "ties"),
    ("BEGIN:VCARD\r\nFN:Ana\r\nEND:VCARD", "vcard"),
    ("First Name,Last Name,Company,Connected On\nAna,Lima,,", "linkedin"),
    ("First Name,Last Name,Labels\nAna,Lima,", "google"),
    ("Name,Given Name,Family Name,Group Membership\nAna Lima,Ana,Lima,", "google"),
    ("name,company\nAna,Acme", "csv"),
    ("first name,company\nAna,Acme", "csv"),
])
def test_each_built_in_format_is_detected_from_its_content(head, name):
    assert formats.detect(head).name == name


def test_a_fallback_format_is_detected_only_when_no_other_is(monkeypatch):
    """A LinkedIn export also has a name column; generic CSV, registered before it, must
    not win."""
    head = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    assert formats.reader_named("csv").detector(head)  # it would match
    assert formats.detect(head).name == "linkedin"
    monkeypatch.setattr(formats, "REGISTRY", [f for f in formats.REGISTRY
                                              if f.name != "linkedin"])
    assert formats.detect(head).name == "csv"


def test_nothing_detected_is_none():
    assert formats.detect("just some words") is None


def test_a_name_registered_twice_is_refused(monkeypatch):
    monkeypatch.setattr(formats, "REGISTRY", [*formats.REGISTRY])
    with pytest.raises(ValueError, match="registered twice"):
        formats.register(formats.Format("csv", "CSV again", rot_reader))
    with pytest.raises(ValueError, match="registered twice"):
        formats.register(formats.Format("jsonl", "JSON again", writer=rot_writer,
                                        written_as="json"))


FORMAT_NAMES = {"ties", "json", "csv", "vcard", "linkedin", "google", "markdown"}


def _format_name_comparisons(path: Path) -> list[str]:
    """`x == "ties"`, `x in ("csv", "vcard")` and the like: dispatch on a format's name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Compare):
            continue
        sides = (node.left, *node.comparators)
        if not any("format" in ast.unparse(side) or "fmt" in ast.unparse(side)
                   for side in sides):
            continue  # a field's name ("linkedin") is not a format's
        for side in sides:
            values = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
            if any(isinstance(v, ast.Constant) and v.value in FORMAT_NAMES for v in values):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_nothing_outside_the_readers_and_writers_branches_on_a_format_name():
    checked = [*sorted((SRC / "cli").glob("*.py")), SRC / "formats" / "importers" / "__init__.py",
               *(SRC / "storage" / f"{m}.py" for m in ("store", "queries", "jsonbackup"))]
    assert [hit for path in checked for hit in _format_name_comparisons(path)] == []


def test_no_module_keeps_its_own_list_of_formats():
    for path in SRC.rglob("*.py"):
        if path == SRC / "formats" / "__init__.py":
            continue
        assert "FORMATS" not in path.read_text(), path
