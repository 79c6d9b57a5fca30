"""One specification of a person's fields (ties.core.personfields) drives import, merge,
profile reads, JSON and CSV export, the ties JSON reader, generic CSV headers and the
add/edit options: each of those lists is derived from it, and a field added to it
reaches every one."""

from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import replace
from datetime import date
from pathlib import Path

import hypothesis
import pytest
from hypothesis import strategies as st

from ties.core import personfields as pf


def test_the_lists_other_modules_keep_are_the_ones_derived_from_the_spec():
    from ties.core import reconcile
    from ties.formats.importers import tiesjson
    from ties.storage import store

    assert reconcile.IMPORT_FIELDS is pf.IMPORT_FIELDS
    assert store.IMPORT_FIELDS is pf.IMPORT_FIELDS
    assert tiesjson.PROFILE_KEYS is pf.CHECKED_KEYS


# The acceptance test of the spec: one text field added to it (as a new field would be,
# with its column in the model and a migration) reaches validation, import, merge, the
# profile read, every export, show, show --json and the add/edit options.
PRONOUNS = pf.PersonField("pronouns", option="pronouns", help="Their pronouns: she/her, "
                          "they/them.", show="facts", vcard="NOTE:Pronouns",
                          headers=("pronouns", "pronoun"))


@pytest.fixture
def pronouns(monkeypatch):
    monkeypatch.setattr(pf, "SPEC", (*pf.SPEC, PRONOUNS))


def _person(**values) -> dict:
    """A person as queries.profile and export_data give one: every column, empty."""
    person = dict.fromkeys(pf.profile_fields() + ("connected_on", "updated_at"))
    person.update(id=1, name="Ana Lima", tags=[], archived=False, created=date(2025, 3, 1),
                  interactions=0, gave_count=0, received_count=0, last_contact=None)
    return {**person, **values}


def test_a_field_added_to_the_spec_is_checked_as_its_kind_says(pronouns):
    from ties.core import fields
    from ties.core.errors import BadValue

    assert fields.profile({"pronouns": "  she/her  "}) == {"pronouns": "she/her"}
    assert fields.profile({"pronouns": ""}) == {"pronouns": None}  # '' clears it
    assert fields.profile({"pronouns": "x" * fields.MAX_FIELD}) == {
        "pronouns": "x" * fields.MAX_FIELD}
    with pytest.raises(BadValue, match="--pronouns can have at most 1,000 characters"):
        fields.profile({"pronouns": "x" * (fields.MAX_FIELD + 1)})
    assert "pronouns" not in fields.LONG_FIELDS


def test_a_field_added_to_the_spec_is_imported_planned_and_merged(pronouns):
    from ties.core import identity, merging, reconcile
    from ties.formats import importers

    parsed = importers.read(b"Name,Pronoun,Company\r\nAna Lima,they/them,Acme\r\n",
                            "people.csv")
    assert parsed.records[0].fields == {"pronouns": "they/them", "company": "Acme"}
    bad = importers.read(b"name,pronouns\nAna," + b"x" * 1001 + b"\n", "p.csv",
                         skip_invalid=True)
    assert [(i.field, i.position) for i in bad.invalid] == [("pronouns", "row 2")]
    plan = reconcile.plan(parsed.records, identity.Index(), {})
    assert plan.creates[0].values["pronouns"] == "they/them"
    merge = merging.plan(_person(), _person(id=2, pronouns="she/her"))
    assert merge.take == {"pronouns": "she/her"}
    merge = merging.plan(_person(pronouns="they/them"), _person(id=2, pronouns="she/her"))
    assert merge.keep == [("pronouns", "they/them", "she/her")]


def test_a_field_added_to_the_spec_is_read_and_exported_in_every_format(pronouns):
    from ties.core import fields
    from ties.formats import exporters
    from ties.storage import queries

    assert queries._profile_columns().endswith(", p.snoozed_until, p.pronouns")
    person = _person(pronouns="she/her")
    assert fields.profile_json(person)["pronouns"] == "she/her"
    data = {"people": [person], "interactions": [], "follow_ups": [], "settings": {}}
    assert exporters.person_record(person)["pronouns"] == "she/her"
    header, row = exporters.to_csv(data).splitlines()[:2]
    assert header.endswith(",pronouns,last_contact,interactions")
    assert row.endswith(",she/her,,0")
    assert "NOTE:Pronouns: she/her" in exporters.to_vcard(data)
    assert "\r\nX-TIES-PRONOUNS:she/her\r\n" in exporters.to_vcard(data)
    assert "- **Pronouns:** she/her" in exporters.to_markdown(data, date(2025, 3, 14))


def test_a_field_added_to_the_spec_is_shown(pronouns):
    from rich.console import Console

    from ties.cli import render

    console = Console(width=80, record=True, color_system=None)
    console.print(render.profile(_person(pronouns="she/her"), [], [], date(2025, 3, 14), 30))
    assert "Pronouns      she/her" in console.export_text()


def test_a_field_added_to_the_spec_is_an_option_of_add_and_edit(pronouns):
    import typer
    from typer.testing import CliRunner

    from ties.cli import options, people

    app, given = typer.Typer(add_completion=False), {}

    @app.command()
    @options.profile_options(after={"company": ("another",)})
    def edit(name: str, another: bool = False, **profile: str | None) -> None:
        given.update(people.profile_of(profile), another=another)

    params = {p.name: p for p in typer.main.get_command(app).params}
    assert params["pronouns"].opts == ["--pronouns"]
    assert params["pronouns"].help == "Their pronouns: she/her, they/them."
    flags = [p.opts[0] for p in params.values() if p.opts[0].startswith("--")]
    assert flags.index("--company") + 1 == flags.index("--another")  # placed after it
    assert flags[-1] == "--pronouns"  # in the spec's order: the last field
    result = CliRunner().invoke(app, ["Ana", "--pronouns", " they/them ", "--another"])
    assert result.exit_code == 0, result.output
    assert given == {"pronouns": "they/them", "another": True}


def test_a_field_added_to_the_spec_reaches_every_path():
    spec = (*pf.SPEC, pf.PersonField("pronouns", option="pronouns",
                                     headers=("pronouns", "pronoun")))
    assert pf.import_fields(spec)[-1] == "pronouns"
    assert pf.merged_fields(spec)[-1] == "pronouns"
    assert pf.profile_fields(spec)[-1] == "pronouns"
    assert pf.json_keys(spec)[-1] == "pronouns"
    assert pf.csv_columns(spec)[-3:] == ("pronouns", "last_contact", "interactions")
    assert pf.checked_keys(spec)[-1] == "pronouns"
    assert pf.csv_headers(spec)["pronouns"] == ["pronouns", "pronoun"]
    assert pf.options(spec)["pronouns"] == "pronouns"


def test_a_field_kept_off_a_path_stays_off_it():
    spec = tuple(replace(f, merged=False) if f.name == "company" else f for f in pf.SPEC)
    assert "company" not in pf.merged_fields(spec)
    assert "company" in pf.import_fields(spec)


def test_the_derived_lists_are_those_ties_has_always_used():
    """Pinned: exports, imports and merges stay byte for byte what they were."""
    assert pf.IMPORT_FIELDS == (
        "type", "company", "role", "industry", "location", "email", "phone", "linkedin",
        "met", "notes", "working_on", "struggles", "cares_about", "birthday_year",
        "birthday_month", "birthday_day", "cadence_days", "connected_on")
    assert pf.MERGED_FIELDS == tuple(f for f in pf.IMPORT_FIELDS if f != "notes")
    assert pf.PROFILE_FIELDS == (
        "id", "name", "type", "company", "role", "industry", "location", "email", "phone",
        "linkedin", "met", "notes", "working_on", "struggles", "cares_about", "birthday_year",
        "birthday_month", "birthday_day", "cadence_days", "created", "archived",
        "snoozed_until")
    assert pf.PERSON_KEYS == (
        "id", "name", "type", "company", "role", "industry", "location", "email", "phone",
        "linkedin", "tags", "met", "notes", "working_on", "struggles", "cares_about",
        "birthday", "every_days", "created", "archived", "snoozed_until", "connected_on",
        "updated_at", "working_on_learned_at", "struggles_learned_at", "cares_about_learned_at")
    assert pf.CSV_COLUMNS == (
        "name", "type", "company", "role", "industry", "location", "email", "phone",
        "linkedin", "tags", "met", "notes", "working_on", "struggles", "cares_about",
        "birthday", "every", "created", "archived", "snoozed_until", "connected_on",
        "last_contact", "interactions")
    assert pf.CHECKED_KEYS == (
        "type", "company", "role", "industry", "location", "email", "phone", "linkedin",
        "met", "notes", "working_on", "struggles", "cares_about", "birthday")
    assert list(pf.CSV_HEADERS)[:4] == ["name", "first", "last", "type"]
    assert list(pf.OPTIONS.items())[:2] == [("new_name", "name"), ("type_", "type")]
    assert pf.OPTIONS["note"] == "notes"


def test_the_person_model_has_a_column_for_every_stored_field_and_no_other():
    from ties.storage.models import Person

    stored = {c for f in pf.SPEC if f.name != "tags" for c in f.stored}
    kept_by_ties = {"name_key", "import_id", "import_digest"}  # derived or bookkeeping
    assert set(Person.model_fields) == stored | kept_by_ties


# Every consumer of the spec, pinned byte for byte on a person with every field set (and
# one with a birthday without a year, snoozed and archived): the outputs in
# tests/fixtures/personfields were made before the spec drove them, and must not change.
GOLDEN = Path(__file__).parent / "fixtures" / "personfields"
OUTPUTS = {
    "show-ana.txt": ("show", "Ana"), "show-bo.txt": ("show", "Bo"),
    "show-ana.json": ("show", "Ana", "--json"), "list.json": ("list", "--all", "--json"),
    "export.json": ("export", "--format", "json"), "export.csv": ("export", "--format", "csv"),
    "export.vcard": ("export", "--format", "vcard"),
    "export.markdown": ("export", "--format", "markdown"),
}


def _every_field_set(ties) -> None:
    for args in (("add", "Ana Lima", "--type", "strategic", "--company", "Globex", "--role",
                  "CTO", "--industry", "software", "--location", "Lisbon", "--email",
                  "ana@example.com", "--phone", "+351 1", "--linkedin", "analima", "--tag",
                  "pycon", "--tag", "crdt", "--met", "PyCon, her talk", "--on", "2 weeks ago",
                  "--note", "likes tea", "--working-on", "a book", "--struggles", "hiring",
                  "--cares-about", "rural clinics", "--birthday", "1990-04-12", "--every",
                  "3w"),
                 ("add", "Bo", "--birthday", "--05-02"), ("snooze", "Bo", "--for", "2w"),
                 ("archive", "Bo")):
        assert ties(*args).exit_code == 0


def test_every_consumer_of_the_spec_prints_what_it_printed_before(ties):
    _every_field_set(ties)
    clock = r"(\d{4}-\d\d-\d\d)[ T]\d\d:\d\d:\d\d[.\d]*"  # today pinned, the time not
    for golden, args in OUTPUTS.items():
        result = ties(*args)
        assert result.exit_code == 0, golden
        out = re.sub(r'"exported_at": "[^"]*"', '"exported_at": "X"',
                     result.stdout_bytes.decode("utf-8"))
        expected = (GOLDEN / golden).read_bytes().decode("utf-8")
        assert re.sub(clock, r"\1 X", out) == re.sub(clock, r"\1 X", expected), golden


KIND_TYPES = {"id": int, "name": str, "type": str, "text": str, "email": str, "url": str,
              "month-day": int, "duration": int, "date": dt.date, "flag": bool,
              "time": dt.datetime}


def test_the_person_model_holds_each_field_as_its_kind_says():
    from ties.storage.models import Person

    for f in pf.SPEC:
        for column in f.stored if f.kind != "tags" else ():
            annotation = Person.model_fields[column].annotation
            assert KIND_TYPES[f.kind] in (annotation, *typing.get_args(annotation)), column


def test_a_new_store_has_a_person_column_for_every_stored_field_and_no_other(ties, db_path):
    """The released migrations stay as written; what they build must be what the spec
    stores (plus what ties keeps for itself)."""
    from conftest import rows

    assert ties("add", "Ana").exit_code == 0
    if isinstance(db_path, Path):
        columns = rows(db_path, "SELECT name FROM pragma_table_info('person')")
    else:
        columns = rows(db_path, "SELECT column_name FROM information_schema.columns WHERE "
                                "table_name = 'person' AND table_schema = current_schema()")
    stored = {c for f in pf.SPEC if f.kind != "tags" for c in f.stored}
    assert {c for (c,) in columns} == stored | {"name_key", "import_id", "import_digest"}


def test_every_check_the_spec_names_is_a_function_of_core_fields():
    from ties.core import fields

    for f in pf.SPEC:
        assert f.check is None or callable(getattr(fields, f.check)), f.name
        if f.imported or f.checked or f.option:  # text a file or a person gives
            assert f.check is not None, f.name


@pytest.mark.parametrize("f", [f for f in pf.SPEC if f.option], ids=lambda f: f.name)
def test_an_empty_option_clears_every_column_of_its_field_except_the_name(f):
    from ties.core import fields
    from ties.core.errors import BadValue

    for empty in ("", "   "):
        if f.kind == "name":
            with pytest.raises(BadValue, match="A name can't be empty"):
                fields.profile({f.name: empty})
        else:
            assert fields.profile({f.name: empty}) == dict.fromkeys(f.stored)


def test_default_clears_a_cadence_but_is_text_in_a_text_field():
    from ties.core import fields

    assert fields.profile({"every": " Default "}) == {"cadence_days": None}
    assert fields.profile({"every": "3w"}) == {"cadence_days": 21}
    assert fields.profile({"company": "default"}) == {"company": "default"}


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(f=st.sampled_from([f for f in pf.SPEC if f.option]), text=st.text(max_size=30))
def test_an_option_sets_exactly_its_fields_columns_or_is_refused(f, text):
    from ties.core import fields
    from ties.core.errors import TiesError

    try:
        result = fields.profile({f.name: text})
    except TiesError:
        return
    assert set(result) == set(f.stored)


def test_a_file_value_is_checked_as_the_option_checks_it():
    """An import and `ties add` take a value by the same check: a file's birthday,
    cadence, type, email and LinkedIn handle become what the options make of them."""
    from ties.core import fields
    from ties.formats import importers

    parsed = importers.read(
        b"name,birthday,every,type,email,linkedin\n"
        b"Ana Lima,12 April,3w,strat,ana@example.com,analima\n", "p.csv")
    typed = fields.profile({"birthday": "12 April", "every": "3w", "type": "strat",
                            "email": "ana@example.com", "linkedin": "analima"})
    assert parsed.records[0].fields == typed


@pytest.mark.parametrize("words, cword, expected", [
    ("ties edit Ana --type st", "4", ["strategic"]),
    ("ties add Ana -t s", "4", ["social", "strategic"]),
])
def test_the_type_option_the_spec_gives_add_and_edit_completes_types(words, cword, expected):
    from typer.testing import CliRunner

    from ties.cli import app

    result = CliRunner().invoke(app, [], prog_name="ties", env={
        "_TIES_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword})
    assert result.stdout.split() == expected


def test_the_store_reads_each_person_column_by_the_rule_its_kind_says():
    """A value damaged outside ties is read by its column's rule (ties.storage.stored):
    a new field's column gets the rule of its kind, with nothing else to list."""
    from ties.storage import stored

    rules = {"name": stored.TEXTS, "text": stored.TEXTS, "email": stored.TEXTS,
             "url": stored.TEXTS, "date": stored.DATES, "time": stored.STAMPS,
             "flag": stored.FLAGS}
    for f in pf.SPEC:
        for column in f.stored if f.kind in rules else ():
            assert column in rules[f.kind], column
    assert stored.BIRTHDAY == pf.field("birthday").stored
    assert stored.read_row({"notes": b"a\xff", "met": 42}) == {"notes": "a\\xff", "met": "42"}
