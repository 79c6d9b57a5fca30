"""The fields of a person, specified once. Pure, and light to import.

Each field says which `Person` columns hold it, what it is called in JSON, in CSV and on
the command line, and which paths carry it: imports, merges, profile reads, exports. The
lists those paths use (`reconcile.IMPORT_FIELDS`, `merging.MERGED_FIELDS`,
`queries.PROFILE_FIELDS`, `exporters.PERSON_KEYS` and `CSV_COLUMNS`, the ties JSON
reader's checked keys, the generic CSV headers and the add/edit options) are derived here,
in this order, so a new field is one entry. The released migration DDL stays as written
(migrations are never edited); tests/test_personfields.py checks the models agree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonField:
    name: str  # as fields.profile takes it; the JSON and CSV name unless given
    columns: tuple[str, ...] = ()  # the Person columns holding it (default: (name,))
    json: str | None = None  # its key in JSON exports (default: name)
    csv: str | None = None  # its column in CSV exports (default: the JSON key)
    option: str | None = None  # the add/edit parameter that sets it (None: no option)
    exported: bool = True  # in JSON (and, unless `csv_export` is False, CSV) exports
    csv_export: bool = True
    profile: bool = True  # read with a person's profile (show, list, merge)
    imported: bool = True  # a file may set it
    merged: bool = True  # a merge takes it field by field (notes are joined instead)
    checked: bool = True  # text a ties JSON file gives, checked by fields.profile
    headers: tuple[str, ...] = ()  # generic CSV headers that mean it (folded)

    @property
    def stored(self) -> tuple[str, ...]:
        return self.columns or (self.name,)

    @property
    def json_key(self) -> str:
        return self.json or self.name

    @property
    def csv_column(self) -> str:
        return self.csv or self.json_key


_STATE = {"imported": False, "merged": False, "checked": False}
SPEC: tuple[PersonField, ...] = (
    PersonField("id", csv_export=False, **_STATE),
    PersonField("name", option="new_name", headers=("name", "full name", "display name", "fn"),
                **_STATE),
    PersonField("type", option="type_",
                headers=("type", "relationship", "relationship type", "kind")),
    PersonField("company", option="company", headers=(
        "company", "organization", "organisation", "org", "employer")),
    PersonField("role", option="role", headers=("role", "title", "job title", "position")),
    PersonField("industry", option="industry", headers=("industry", "sector", "field")),
    PersonField("location", option="location", headers=("location", "city", "place")),
    PersonField("email", option="email",
                headers=("email", "e-mail", "email address", "mail")),
    PersonField("phone", option="phone",
                headers=("phone", "mobile", "telephone", "phone number", "cell")),
    PersonField("linkedin", option="linkedin",
                headers=("linkedin", "linkedin url", "profile url", "url")),
    PersonField("tags", columns=(), profile=False, headers=("tags", "tag", "labels", "groups"),
                **_STATE),  # a table of its own (Tag), read beside the profile
    PersonField("met", option="met", headers=("met", "how we met", "how met",
                                              "where we met")),
    PersonField("notes", option="note", merged=False, headers=("notes", "note", "comments")),
    PersonField("working_on", option="working_on", headers=("working on", "working_on")),
    PersonField("struggles", option="struggles", headers=("struggles", "struggles with")),
    PersonField("cares_about", option="cares_about", headers=("cares about", "cares_about")),
    PersonField("birthday", columns=("birthday_year", "birthday_month", "birthday_day"),
                option="birthday", headers=("birthday", "bday", "birth date",
                                            "date of birth")),
    PersonField("every", columns=("cadence_days",), json="every_days", csv="every",
                option="every", checked=False, headers=("every", "cadence")),
    PersonField("created", **_STATE),
    PersonField("archived", **_STATE),
    PersonField("snoozed_until", **_STATE),
    PersonField("connected_on", profile=False, checked=False),
    PersonField("updated_at", csv_export=False, profile=False, **_STATE),
)
# Generic CSV may give a name in two parts; ties joins them.
NAME_PARTS = {"first": ("first name", "given name", "first"),
              "last": ("last name", "family name", "surname", "last")}
# What a CSV export adds after the person's own fields.
CSV_EXTRA = ("last_contact", "interactions")


def _has_columns(f: PersonField) -> bool:
    return f.name != "tags"


def import_fields(spec=SPEC) -> tuple[str, ...]:
    return tuple(c for f in spec if f.imported for c in f.stored)


def merged_fields(spec=SPEC) -> tuple[str, ...]:
    return tuple(c for f in spec if f.merged for c in f.stored)


def profile_fields(spec=SPEC) -> tuple[str, ...]:
    return tuple(c for f in spec if f.profile and _has_columns(f) for c in f.stored)


def json_keys(spec=SPEC) -> tuple[str, ...]:
    return tuple(f.json_key for f in spec if f.exported)


def csv_columns(spec=SPEC) -> tuple[str, ...]:
    return tuple(f.csv_column for f in spec if f.exported and f.csv_export) + CSV_EXTRA


def checked_keys(spec=SPEC) -> tuple[str, ...]:
    return tuple(f.name for f in spec if f.checked)


def csv_headers(spec=SPEC) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in spec:
        if f.headers:
            out[f.name] = list(f.headers)
        if f.name == "name":
            out.update({part: list(names) for part, names in NAME_PARTS.items()})
    return out


def options(spec=SPEC) -> dict[str, str]:
    return {f.option: f.name for f in spec if f.option}


IMPORT_FIELDS = import_fields()
MERGED_FIELDS = merged_fields()
PROFILE_FIELDS = profile_fields()
PERSON_KEYS = json_keys()
CSV_COLUMNS = csv_columns()
CHECKED_KEYS = checked_keys()
CSV_HEADERS = csv_headers()
OPTIONS = options()
