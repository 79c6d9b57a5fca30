"""How a value in the store is read, whatever another program wrote there.

ties checks every value on the way in, but the store's file can be edited by hand or by
another program: a birthday month of 13, a BLOB in a name, text in a count. This module
is the one place that decides what such a value means when it is read (`read_row`, used
by `queries._all`), and what `ties doctor` says about it (`problems`):

* text that is not text (a BLOB, a number) is shown as text, its bytes made visible;
* a count that is not a whole number of 0 or more counts as 0; a flag is what SQL makes of
  it (a number other than 0 is true, anything else false), as the queries' `NOT archived`;
* a birthday that is not a real day of the year is no birthday, and says so
  (`birthday_damaged`), so `show` prints it with the command that repairs it;
* a relationship type other than the three is no type (untyped, like an import);
* a cadence outside 1 to 3650 days counts as unset (the type's cadence applies);
* a date ties can't read is refused with one line naming where it is and pointing at
  `ties doctor`, since every date feeds the suggestions and the report.

Pure: no database, no terminal. Imports nothing heavy.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ties.core import dates, personfields
from ties.core.errors import StoreError

CADENCE = (1, 3650)
MAX_COUNT = 2**31 - 1



def _person(*kinds: str) -> set[str]:
    """The person's columns of these kinds (the field spec, ties.core.personfields)."""
    return {c for f in personfields.SPEC if f.kind in kinds for c in f.stored}


# Result columns, by the name the queries give them, and what they hold: a person's from
# the field spec, and the other tables' and the queries' own.
DATES = _person("date") | {"date", "last_contact", "first_contact", "due", "done",
                           "last_gave", "last_received"}
STAMPS = _person("time") | {"logged_at", "imported_at", "undone_at"}
FLAGS = _person("flag") | {"they_reached_out", "gave", "received"}
COUNTS = {"interactions", "gave_count", "received_count", "their_streak", "in_person",
          "voice"}
TYPES = ("tactical", "social", "strategic")
TEXTS = _person("name", "text", "email", "url") | {
    "name_key", "channel", "note", "text", "format", "source", "tag", "import_digest"}
IDS = {"id", "person_id", "person", "import_id", "interaction_id", "batch_id"}
BIRTHDAY = ("birthday_year", "birthday_month", "birthday_day")


def damaged(what: str, value: object, where: str = "") -> StoreError:
    """The refusal for a value in the store that ties never writes (edited by hand or by
    another program): one line, pointing at doctor, instead of a crash."""
    shown = repr(value[:30] if isinstance(value, str | bytes) else value)
    at = f" in {where}" if where else ""
    return StoreError(f"The store holds {what} ties never writes ({shown}){at}: it was "
                      "changed outside ties. Run 'ties doctor'; restoring a backup ('ties "
                      "restore') or correcting the value with a SQLite tool repairs it.")


def text(value: Any) -> str | None:
    """Text as stored; a BLOB or a number as the text it spells (bytes that are not UTF-8
    as \\x escapes, so they show and can't take over a terminal)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "backslashreplace")
    return str(value)


def text_problem(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return None
    return f"{_kind(value)} where text belongs"


def name_problem(value: Any) -> str | None:
    """A name or tag: text that is not empty (ties refuses an empty one everywhere)."""
    return text_problem(value) or (None if value is None or value.strip() else
                                   "empty where a name belongs")


def as_date(value: Any, where: str = "") -> date | None:
    """A date column as a date, or the one-line refusal for a damaged one."""
    if value is None:
        return None
    problem = date_problem(value)
    if problem:
        raise damaged("a date", value, where)
    return value if isinstance(value, date) else date.fromisoformat(value)


# No date ties writes comes near this (dates are held to a century from today, and
# TIES_TODAY to a century before it), and a date past it leaves no room for the
# arithmetic `next` and `report` do on it.
LAST_YEAR = dates.LAST_YEAR


def date_problem(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, date):
        if not isinstance(value, str):
            return f"{_kind(value)} where a date belongs"
        try:
            if len(value) != 10:  # what ties writes, and all SQL's date functions read
                raise ValueError
            value = date.fromisoformat(value)
        except ValueError:
            return f"{_short(value)} is not a date (YYYY-MM-DD)"
    if value.year > LAST_YEAR:
        return f"{value.isoformat()} is later than any date ties writes"
    return None


def stamp(value: Any) -> Any:
    """A timestamp as the driver gives it (text on SQLite, a datetime on PostgreSQL); a
    damaged one as the text it spells, since nothing is computed from it."""
    return value if value is None or isinstance(value, str | datetime) else text(value)


def stamp_problem(value: Any) -> str | None:
    if value is None or isinstance(value, datetime):
        return None
    if not isinstance(value, str):
        return f"{_kind(value)} where a time belongs"
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return f"{_short(value)} is not a time (YYYY-MM-DD HH:MM:SS)"
    return None


def flag(value: Any) -> bool | None:
    """A flag as SQL reads it: a number other than 0 is true, anything else false."""
    if value is None:
        return None
    return isinstance(value, int | float) and bool(value)


def flag_problem(value: Any) -> str | None:
    if value is None or (isinstance(value, int) and value in (0, 1)):
        return None
    return f"{_short(value)} is not 0 or 1"


def count(value: Any) -> int | None:
    """A count kept by ties: a whole number from 0; anything else counts as 0."""
    if value is None:
        return None
    return value if _whole(value) and 0 <= value <= MAX_COUNT else 0


def count_problem(value: Any) -> str | None:
    if value is None or (_whole(value) and 0 <= value <= MAX_COUNT):
        return None
    return f"{_short(value)} is not a count (a whole number from 0)"


def cadence(value: Any) -> int | None:
    """A personal cadence as ties writes it (1 to 3650 days), else None: a damaged one
    counts as unset, so the type's cadence applies, as the SQL does."""
    return value if _whole(value) and CADENCE[0] <= value <= CADENCE[1] else None


def cadence_problem(value: Any) -> str | None:
    if value is None or cadence(value) is not None:
        return None
    return f"{_short(value)} is not a number of days from 1 to 3650"


def birthday_problem(year: Any, month: Any, day: Any) -> str | None:
    """What is wrong with a stored birthday, or None (no birthday at all is fine)."""
    from ties.core.dates import MIN_YEAR

    if year is None and month is None and day is None:
        return None
    parts = (("year", year), ("month", month), ("day", day))
    for name, value in parts:
        if value is not None and not _whole(value):
            return f"{name} {_short(value)} is not a number"
    if month is None or day is None:
        return ", ".join(f"{n} {v}" if v is not None else f"no {n}" for n, v in parts[1:])
    if year is not None and not MIN_YEAR <= year <= 9999:
        return f"year {year}"
    try:
        date(2000, month, day)  # a leap year: 29 February is a birthday
    except (ValueError, OverflowError):
        return f"month {month}, day {day} is not a day of the year"
    return None


def read_row(row: dict[str, Any], where: str = "") -> dict[str, Any]:
    """A row of the store as the values ties works with (see the module's rules)."""
    # A due date may be computed from a last contact in the same row: the stored value is
    # checked first, so that a refusal names what was damaged.
    for key, value in sorted(row.items(), key=lambda item: item[0] == "due"):
        if value is None:
            continue
        if key in DATES:
            row[key] = as_date(value, where or _where(row, key))
        elif key == "type":
            row[key] = value if value in TYPES else None
        elif key in TEXTS:
            row[key] = text(value)
        elif key in FLAGS:
            row[key] = flag(value)
        elif key in COUNTS:
            row[key] = count(value)
        elif key in STAMPS:
            row[key] = stamp(value)
        elif key == "cadence_days":
            row[key] = cadence(value)
        elif key in IDS and not _whole(value):
            row[key] = None if key == "import_id" else value
    if "birthday_month" in row:
        problem = birthday_problem(*(row.get(k) for k in BIRTHDAY))
        if problem:
            row.update(dict.fromkeys(BIRTHDAY), birthday_damaged=problem)
    return row


# What `ties doctor` checks, table by table: each column's rule and the command that
# repairs it ({id} stands for the row's id), None where no command can (the command would
# read the damaged row through the ORM, or finds nothing to change).
_EDIT = "ties edit @{id} --{option} ..."
_RECOUNT = ("ties counts these itself from the interactions: the next 'ties log @{id}' "
            "recounts them, as does restoring a backup")
CHECKS: dict[str, dict[str, tuple]] = {
    "person": {
        # each text field with the option that sets it (the field spec: notes is --note)
        **{c: (text_problem, _EDIT.replace("--{option}", f.option_flag))
           for f in personfields.SPEC if f.kind in ("text", "email", "url") and f.option
           for c in f.stored},
        "name": (name_problem, "ties edit @{id} --name ..."),
        "type": (lambda v: text_problem(v) or (
            None if v in (None, "tactical", "social", "strategic")
            else f"{_short(v)} is not tactical, social or strategic"),
            "ties edit @{id} --type ..."),
        "cadence_days": (cadence_problem, "ties edit @{id} --every 3w"),
        "created": (date_problem, None),
        "snoozed_until": (date_problem, None),
        "connected_on": (date_problem, None),
        "archived": (flag_problem, None),
        "updated_at": (stamp_problem, None),
        # when each talking point was last learned: setting it anew writes it again
        "working_on_learned_at": (stamp_problem, "ties edit @{id} --working-on ..."),
        "struggles_learned_at": (stamp_problem, "ties edit @{id} --struggles ..."),
        "cares_about_learned_at": (stamp_problem, "ties edit @{id} --cares-about ..."),
    },
    "person_contact": {  # a person's further email addresses and phone numbers
        "kind": (lambda v: text_problem(v) or (
            None if v in ("email", "phone") else f"{_short(v)} is neither email nor phone"),
            None),
        "value": (lambda v: text_problem(v) or (
            "an empty address" if isinstance(v, str) and not v.strip() else None),
            "ties edit @{id} --email ... or --phone ... (replaces the whole list)"),
    },
    "interaction": {
        "date": (date_problem, None),
        "channel": (text_problem, "ties interaction edit {id} --via ..."),
        "note": (text_problem, "ties interaction edit {id} --note ..."),
        "they_reached_out": (flag_problem, None),
        "gave": (flag_problem, None),
        "received": (flag_problem, None),
        "logged_at": (stamp_problem, None),
    },
    "follow_up": {
        "text": (text_problem, None),
        "due": (date_problem, None),
        "created": (date_problem, None),
        "done": (date_problem, None),
    },
    "person_stats": {
        **{c: (date_problem, _RECOUNT) for c in
           ("first_contact", "last_contact", "last_gave", "last_received")},
        **{c: (count_problem, _RECOUNT) for c in
           ("interactions", "gave", "received", "their_streak", "in_person", "voice")},
    },
    "tag": {"tag": (name_problem, None)},
    "import_batch": {
        "format": (text_problem, None),
        "source": (text_problem, None),
        "imported_at": (stamp_problem, None),
        "undone_at": (stamp_problem, None),
        "created": (count_problem, None),
        "updated": (count_problem, None),
    },
}
KEYS = {"person_stats": "person_id", "tag": "person_id", "person_contact": "person_id"}
BY_HAND = ("correct it with a SQLite tool ({what}), or restore a backup with 'ties restore "
           "FILE'")
_FORMS = {date_problem: "a date as YYYY-MM-DD", stamp_problem: "a time as YYYY-MM-DD "
          "HH:MM:SS", flag_problem: "0 or 1", count_problem: "a whole number from 0",
          text_problem: "text", cadence_problem: "days from 1 to 3650",
          name_problem: "text that is not empty"}


def problems(rows_of) -> list[str]:
    """Every damaged value in the store, one sentence each: table, id, field, what is
    wrong, how to repair it. `rows_of(table, columns)` yields (id, *values) rows."""
    found = []
    for table, checks in CHECKS.items():
        columns = list(checks)
        for ident, *values in rows_of(table, KEYS.get(table, "id"), columns):
            for column, value in zip(columns, values, strict=True):
                check, repair = checks[column]
                problem = check(value)
                if problem:
                    fix = (repair.format(id=ident) if repair else
                           BY_HAND.format(what=_FORMS.get(check, "a valid value")))
                    found.append(f"{table} {ident} {column}: {problem}; fix: {fix}")
        if table == "person":
            for ident, *birthday in rows_of("person", "id", list(BIRTHDAY)):
                problem = birthday_problem(*birthday)
                if problem:
                    found.append(f"person {ident} birthday: {problem}; fix: ties edit "
                                 f"@{ident} --birthday MM-DD")
            found += _stale_keys(rows_of("person", "id", ["name", "name_key"]))
    found += setting_problems(rows_of("setting", "key", ["value"]))
    return found


def _stale_keys(rows) -> list[str]:
    """A name changed outside ties keeps its old search key: searches and 'ties show NAME'
    then miss the person. Editing the name (to itself) writes the key again."""
    from ties.core.names import fold

    return [f"person {ident} name_key: {_short(key)} is not the search key of the name "
            f"{_short(name)} (the name was changed outside ties), so searching for it finds "
            f"no one; fix: ties edit @{ident} --name NAME"
            for ident, name, key in rows
            if isinstance(name, str) and name.strip() and key != fold(name)]


def source_key(value: Any) -> str | None:
    """A calendar or mail import's key as stored, or None when it is none (changed
    outside ties): what an export carries and a ties JSON import reads back."""
    from ties.core.records import SOURCE_KINDS

    if isinstance(value, str) and value.startswith(SOURCE_KINDS) and "\x00" not in value:
        return value
    return None


def source_problems(rows) -> list[str]:
    """Keys of calendar and mail imports no command writes: a key that is no calendar or
    mail key, a filled note that is not text, or a key recorded for someone who is not
    in the interaction it points at (every import records a key with one of the
    interaction's people, and merge, rm and interaction rm keep it so). `rows`: (key,
    person id, interaction id, whether that person is in it, filled)."""
    found = []
    for key, pid, iid, linked, filled in rows:
        where = f"interaction_source {_short(key)} person {pid}"
        if source_key(key) is None:
            found.append(f"{where}: {_short(key)} is no calendar or mail key (they begin "
                         "ics: or mail:); fix: delete it with a SQLite tool, or restore a "
                         "backup with 'ties restore FILE'")
        if not linked:
            found.append(f"{where}: the key is for someone not in interaction {iid} "
                         "(changed outside ties), so a calendar or mail import never adds "
                         "that meeting for them; fix: delete it with a "
                         "SQLite tool, or restore a backup with 'ties restore FILE'")
        problem = text_problem(filled)
        if problem:
            found.append(f"{where} filled: {problem}; fix: "
                         + BY_HAND.format(what="text"))
    return found


def setting_problems(rows) -> list[str]:
    """Settings every command ignores (falling back to the default) because they were
    written outside ties: a key ties does not know, or a value it can't read."""
    from ties.core import settings as spec
    from ties.core.errors import TiesError

    found = []
    for key, value in rows:
        if not isinstance(key, str) or key not in spec.SPECS:
            found.append(f"setting {_short(key)}: not a setting ties has; fix: restore a "
                         "backup, or delete it with a SQLite tool")
            continue
        problem = None if isinstance(value, str) else f"{_kind(value)} where text belongs"
        if problem is None:
            try:
                spec.parse(key, value)
            except TiesError as exc:
                problem = exc.message.rstrip(".")
        if problem:
            found.append(f"setting {key}: {problem} (the default applies meanwhile); fix: "
                         f"ties config {key} VALUE")
    return found


def _where(row: dict[str, Any], key: str) -> str:
    """Where a damaged value is, as doctor names it: the field, and whose it is."""
    if "id" not in row:
        return f"the {key}"
    if "text" in row:
        return f"the {key} of follow-up #{row['id']}"
    if "channel" in row:
        return f"the {key} of interaction #{row['id']}"
    if "name" in row:
        return f"the {key} of {text(row['name'])} (@{row['id']})"
    return f"the {key} of #{row['id']}"


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return f"a BLOB of {len(bytes(value))} bytes"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, int):
        return f"the number {value}"
    return type(value).__name__


def _short(value: Any) -> str:
    if isinstance(value, str):
        return repr(value[:30] + ("..." if len(value) > 30 else ""))
    if isinstance(value, bytes | bytearray | memoryview):
        return _kind(value)
    return repr(value)
