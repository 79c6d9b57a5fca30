"""The fields of a person, specified once. Pure, and light to import (it imports nothing).

Each field says what it is (its kind, its label), how typed text becomes its value (the
function in `ties.core.fields` that checks it), which `Person` columns hold it, what it is
called in JSON, CSV, vCard and on the command line, and which paths carry it: imports,
merges, profile reads, exports, `ties show`. Every one of those paths reads this SPEC when
it runs, so a new field is one entry here, plus its column in `storage/models.py` and a
migration step (released steps are never edited); tests/test_personfields.py checks the
model and the migrated schema against the SPEC, and that each path follows a field added
to it.

Kinds: id, name, type (tactical/social/strategic), text, email, url, tags, month-day (a
birthday, the year optional), duration (a number of days), date, flag, time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)  # compared by name; no __eq__ to build at start-up
class PersonField:
    name: str  # as fields.profile takes it; the JSON and CSV name unless given
    kind: str = "text"  # see the module's docstring
    label: str = ""  # how show, the Markdown and vCard exports name it (default: Name)
    # The function of ties.core.fields that turns text (typed, or read from a file) into
    # the value: check(text) -> value, or for "text" fields text(name, text). None: ties
    # sets it, never a person or a file.
    check: str | None = "text"
    long: bool = False  # keeps line breaks, up to fields.MAX_TEXT (else MAX_FIELD, one line)
    columns: tuple[str, ...] = ()  # the Person columns holding it (default: (name,))
    json: str | None = None  # its key in JSON exports (default: name)
    csv: str | None = None  # its column in CSV exports (default: the JSON key)
    # The add/edit option that sets it: the parameter's name (None: no option), its flag
    # (default: --option-name), a short flag, and its help.
    option: str | None = None
    flag: str | None = None
    short: str | None = None
    help: str | None = None
    # Several values (a person's email addresses, phone numbers): the option repeats, the
    # first is the primary (the field's column), the rest in person_contact.
    repeatable: bool = False
    exported: bool = True  # in JSON (and, unless `csv_export` is False, CSV) exports
    csv_export: bool = True
    profile: bool = True  # read with a person's profile (show, list, merge, show --json)
    imported: bool = True  # a file may set it
    merged: bool = True  # a merge takes it field by field (notes are joined instead)
    quiet: bool = False  # a merge keeps the kept person's value without noting the other's
    checked: bool = True  # text a ties JSON file gives, checked by fields.profile
    headers: tuple[str, ...] = ()  # generic CSV headers that mean it (folded)
    # Where `ties show` and the Markdown export list it: "work" (role and company, one
    # line), "facts", "remember" (what to remember), or None; `rank` orders a section
    # (ties keep the SPEC's order); `markdown` False leaves it out of the Markdown export.
    show: str | None = None
    rank: int = 0
    markdown: bool = True
    # Its vCard property ("EMAIL", "ADR:;;;{};;;" where the value goes in a structured
    # one), "NOTE" for the notes, "NOTE:label" for a field vCard has no property for: a
    # "Label: value" line after the notes, for people reading the card in another program,
    # and its own extension property (`vcard_extension`) that ties reads back.
    vcard: str | None = None

    @property
    def vcard_extension(self) -> str | None:
        """`X-TIES-WORKING-ON` for a field vCard has no property for (RFC 6350 6.10: other
        programs keep an extension property and ignore it), so that ties reads the field
        back as it was and not as part of the notes."""
        if self.vcard and self.vcard.startswith("NOTE:"):
            return "X-TIES-" + self.name.upper().replace("_", "-")
        return None

    @property
    def stored(self) -> tuple[str, ...]:
        return self.columns or (self.name,)

    @property
    def json_key(self) -> str:
        return self.json or self.name

    @property
    def csv_column(self) -> str:
        return self.csv or self.json_key

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    @property
    def option_flag(self) -> str:
        return self.flag or "--" + (self.option or self.name).strip("_").replace("_", "-")


_STATE = {"imported": False, "merged": False, "checked": False, "check": None}
SPEC: tuple[PersonField, ...] = (
    PersonField("id", kind="id", csv_export=False, **_STATE),
    PersonField("name", kind="name", check="name", option="new_name", flag="--name",
                help="Their new name.",
                headers=("name", "full name", "display name", "fn"),
                imported=False, merged=False, checked=False),
    PersonField("type", kind="type", check="relationship_type", option="type_", short="-t",
                help="tactical, social or strategic.", quiet=True,
                headers=("type", "relationship", "relationship type", "kind")),
    PersonField("company", option="company", help="Where they work.", show="work",
                vcard="ORG", headers=(
                    "company", "organization", "organisation", "org", "employer")),
    PersonField("role", option="role", help="Their job or title.", show="work", rank=-1,
                vcard="TITLE", headers=("role", "title", "job title", "position")),
    PersonField("industry", option="industry", help="Their industry or field.",
                show="facts", vcard="NOTE:Industry", headers=("industry", "sector", "field")),
    PersonField("location", option="location", help="Where they live or work.",
                show="facts", vcard="ADR:;;;{};;;", headers=("location", "city", "place")),
    PersonField("email", kind="email", check="email", option="email",
                help="Email address; repeat for several, the first is the primary.",
                repeatable=True, show="facts", vcard="EMAIL",
                headers=("email", "e-mail", "email address", "mail")),
    PersonField("phone", option="phone",
                help="Phone number; repeat for several, the first is the primary.",
                repeatable=True, show="facts", vcard="TEL",
                headers=("phone", "mobile", "telephone", "phone number", "cell")),
    PersonField("linkedin", kind="url", check="linkedin", label="LinkedIn",
                option="linkedin", help="LinkedIn profile URL or handle.", show="facts",
                vcard="URL;TYPE=linkedin", headers=(
                    "linkedin", "linkedin url", "profile url", "url")),
    # A table of its own (Tag), read beside the profile; add and edit take --tag and
    # --untag, which add to the tags rather than set them.
    PersonField("tags", kind="tags", check="tag", columns=(), show="facts",
                vcard="CATEGORIES", headers=("tags", "tag", "labels", "groups"),
                imported=False, merged=False, checked=False),
    PersonField("met", long=True, option="met", help="How and where you met.", show="facts",
                vcard="NOTE:Met", headers=("met", "how we met", "how met", "where we met")),
    PersonField("notes", long=True, option="note", help="Free notes about them (shell "
                "history keeps what you type).", merged=False, show="remember", rank=1,
                vcard="NOTE", headers=("notes", "note", "comments")),
    PersonField("working_on", long=True, option="working_on", help="What they are working "
                "on.", show="remember", vcard="NOTE:Working on",
                headers=("working on", "working_on")),
    PersonField("struggles", long=True, label="Struggles with", option="struggles",
                help="What they struggle with.", show="remember", vcard="NOTE:Struggles with",
                headers=("struggles", "struggles with")),
    PersonField("cares_about", long=True, option="cares_about", help="What they care about.",
                show="remember", vcard="NOTE:Cares about",
                headers=("cares about", "cares_about")),
    PersonField("birthday", kind="month-day", check="birthday",
                columns=("birthday_year", "birthday_month", "birthday_day"),
                option="birthday", help="Birthday: 1990-04-12, --04-12 or '12 April' when "
                "the year is unknown.", quiet=True, show="facts", markdown=False,
                vcard="BDAY", headers=("birthday", "bday", "birth date", "date of birth")),
    PersonField("every", kind="duration", check="cadence", label="Cadence",
                columns=("cadence_days",), json="every_days", csv="every", option="every",
                help="Personal cadence overriding the type's default: 30d, 3w, 2 weeks, "
                "1 month (30 days).", quiet=True, checked=False, show="facts",
                markdown=False, headers=("every", "cadence")),
    PersonField("created", kind="date", label="Added", show="facts", **_STATE),
    PersonField("archived", kind="flag", **_STATE),
    PersonField("snoozed_until", kind="date", **_STATE),
    PersonField("connected_on", kind="date", check="connected", profile=False,
                checked=False, headers=("connected_on", "connected on")),
    PersonField("updated_at", kind="time", csv_export=False, profile=False, **_STATE),
    PersonField("working_on_learned_at", kind="time", csv_export=False, profile=False,
                **_STATE),
    PersonField("struggles_learned_at", kind="time", csv_export=False, profile=False,
                **_STATE),
    PersonField("cares_about_learned_at", kind="time", csv_export=False, profile=False,
                **_STATE),
)
# The talking points, each dated by its own column (when it last got a new value).
TALKING_POINTS = ("working_on", "struggles", "cares_about")
LEARNED_AT = {k: f"{k}_learned_at" for k in TALKING_POINTS}
# Generic CSV may give a name in two parts; ties joins them.
NAME_PARTS = {"first": ("first name", "given name", "first"),
              "last": ("last name", "family name", "surname", "last")}
# What a CSV export adds after the person's own fields.
CSV_EXTRA = ("last_contact", "interactions")
# The sections of a profile as `ties show` lays them out.
SECTIONS = ("work", "facts", "remember")

# Every function below reads the SPEC when it is called (or the `spec` it is given), so a
# field added to it reaches every path; the constants after them are the lists as ties
# ships them, which tests/test_personfields.py pins.


def _spec(spec: tuple[PersonField, ...] | None) -> tuple[PersonField, ...]:
    return SPEC if spec is None else spec


def field(name: str, spec=None) -> PersonField:
    """The field called `name` (KeyError for none)."""
    for f in _spec(spec):
        if f.name == name:
            return f
    raise KeyError(name)


def _has_columns(f: PersonField) -> bool:
    return f.kind != "tags"


def import_fields(spec=None) -> tuple[str, ...]:
    return tuple(c for f in _spec(spec) if f.imported for c in f.stored)


def merged_fields(spec=None) -> tuple[str, ...]:
    return tuple(c for f in _spec(spec) if f.merged for c in f.stored)


def quiet_fields(spec=None) -> frozenset[str]:
    return frozenset(c for f in _spec(spec) if f.merged and f.quiet for c in f.stored)


def profile_fields(spec=None) -> tuple[str, ...]:
    return tuple(c for f in _spec(spec) if f.profile and _has_columns(f) for c in f.stored)


def json_keys(spec=None) -> tuple[str, ...]:
    return tuple(f.json_key for f in _spec(spec) if f.exported)


def csv_columns(spec=None) -> tuple[str, ...]:
    return tuple(f.csv_column for f in _spec(spec) if f.exported and f.csv_export) + CSV_EXTRA


def checked_keys(spec=None) -> tuple[str, ...]:
    return tuple(f.name for f in _spec(spec) if f.checked)


def long_fields(spec=None) -> tuple[str, ...]:
    return tuple(f.name for f in _spec(spec) if f.long)


def csv_headers(spec=None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in _spec(spec):
        if f.headers:
            out[f.name] = list(f.headers)
        if f.name == "name":
            out.update({part: list(names) for part, names in NAME_PARTS.items()})
    return out


def options(spec=None) -> dict[str, str]:
    """The add/edit parameters that set a field: parameter name -> field name."""
    return {f.option: f.name for f in _spec(spec) if f.option}


def shown(section: str, spec=None) -> tuple[PersonField, ...]:
    """The fields `ties show` lists in `section` (see SECTIONS), in order."""
    return tuple(sorted((f for f in _spec(spec) if f.show == section), key=lambda f: f.rank))


def vcard_labelled(spec=None) -> tuple[PersonField, ...]:
    """The fields vCard has no property for, in the order their "Label: value" lines follow
    the notes in a card's NOTE (what to remember, then the facts)."""
    return tuple(f for section in ("remember", "facts") for f in shown(section, spec)
                 if f.vcard_extension)


def vcard_note_lines(values: dict[str, str], spec=None) -> str:
    """The "Label: value" lines a card's NOTE carries after the notes, for the fields given
    (field name -> text); the vCard export writes them and the reader recognises them."""
    return "\n".join(f"{f.vcard.partition(':')[2]}: {values[f.name]}"
                     for f in vcard_labelled(spec) if values.get(f.name))


IMPORT_FIELDS = import_fields()
MERGED_FIELDS = merged_fields()
PROFILE_FIELDS = profile_fields()
PERSON_KEYS = json_keys()
CSV_COLUMNS = csv_columns()
CHECKED_KEYS = checked_keys()
CSV_HEADERS = csv_headers()
OPTIONS = options()
