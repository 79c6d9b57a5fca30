"""Checking and normalising what people type into profile fields. Pure functions."""

from __future__ import annotations

import re
import unicodedata

from ties.core import personfields
from ties.core.errors import BadValue
from ties.core.names import clean_name, control

MAX_NAME = 200
MAX_FIELD = 1_000
MAX_TEXT = 100_000  # notes and the three things to remember
# Long text keeps its line breaks: the person's long fields (personfields: the notes, the
# three things to remember, how you met) and an interaction's note (`ties add --met` makes
# it the first one's).
LONG_FIELDS = (*personfields.long_fields(), "note")
RELATIONSHIP_TYPES = ("tactical", "social", "strategic")
CHANNELS = ("in-person", "call", "video", "message", "email", "event", "other")
FIRST_MEETING = "First meeting"  # the note `ties add` gives the meeting when --met is empty
MAX_TAG = 50
MAX_ID = 2**31 - 1  # the largest id or count: PostgreSQL's INTEGER (SQLite's goes further)
# The largest id a ties JSON file may bring: any id a store can give out (PostgreSQL's
# INTEGER ends at MAX_ID), so that whatever ties exports it reads back.
MAX_KEPT_ID = MAX_ID
# The kinds of row whose highest id a ties JSON export carries in "last_ids" (imports are
# not exported, and the import that reads a file back is itself one): `storage.ids`.
EXPORTED_IDS = ("people", "interactions", "follow_ups")
def not_utf8(text: str) -> str:
    """Why `text`, holding a byte of the command line that was not UTF-8 (Python keeps one
    as a lone surrogate, \\udcff for the byte \\xff), is refused, naming the byte."""
    found = next((c for c in text if "\ud800" <= c <= "\udfff"), "\udce9")
    code = ord(found)
    byte = f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"
    return (f"is not valid UTF-8 text (it has the byte {byte}, which your terminal sent in "
            "another encoding); set a UTF-8 locale (LC_ALL=C.UTF-8) and type it again")


def utf8(what: str, value: str) -> str:
    """`value` unchanged, or a refusal when it holds bytes that were not UTF-8 (Python
    keeps such bytes of a command line as lone surrogates, which no store can hold)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadValue(f"{what} {not_utf8(value)}. Nothing was changed.") from None
    return value


def no_control(what: str, value: str) -> str:
    """`value` unchanged, or a refusal naming the control character it holds (ESC shown
    as \\x1b): ties stores a name or tag as given or not at all."""
    found = control(value)
    if found is not None:
        from ties.core.text import visible

        raise BadValue(f"{what} holds the control character {visible(found)}, which ties "
                       "doesn't store; give it without.")
    return value


def name(text: str) -> str:
    cleaned = clean_name(no_control("The name", utf8("The name", text)))
    if not cleaned:
        raise BadValue("A name can't be empty. Example: ties add \"Ana Lima\".")
    if len(cleaned) > MAX_NAME:
        raise BadValue(f"A name can have at most {MAX_NAME} characters; this one has "
                       f"{len(cleaned)}.")
    return cleaned


def _option_of(field: str) -> str:
    """The option that sets `field` (the field spec: notes is --note), for messages."""
    try:
        spec = personfields.field(field)
    except KeyError:  # not a person's field (an interaction's note, a promise)
        spec = None
    return spec.option_flag if spec and spec.option else f"--{field.replace('_', '-')}"


def text(field: str, value: str | None, label: str | None = None) -> str | None:
    """Free text: stored as typed, control and escape characters included (every place
    that shows or exports text makes them visible: `ties.core.text.safe`); only NUL, which
    PostgreSQL can't store, and a byte-order mark are dropped, and line ends become \n.
    An empty value means 'clear this field'. `label` names it in messages (default: the
    option, --field)."""
    if value is None:
        return None
    option = label or _option_of(field)
    value = unicodedata.normalize("NFC", utf8(option, value).replace("\ufeff", ""))
    value = value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    limit = MAX_TEXT if field in LONG_FIELDS else MAX_FIELD
    if len(value) > limit:
        raise BadValue(f"{option} can have at most {limit:,} characters; this one has "
                       f"{len(value):,}.")
    if field not in LONG_FIELDS:
        value = " ".join(value.split())
    return value or None


def contact(kind: str, value: str | None) -> str | None:
    """One of a person's email addresses (`kind` "email") or phone numbers ("phone"),
    checked as its field is."""
    return email(value) if kind == "email" else text(kind, value)


def email(value: str | None) -> str | None:
    value = text("email", value)
    if value is None:
        return None
    if value[:7].lower() == "mailto:":  # a link's address is the address
        value = value[7:]
    if not _EMAIL.fullmatch(value):
        raise BadValue(f"{value!r} doesn't look like an email address (name@example.com).")
    return value


# An address as people write them: a local part without spaces or the characters that
# separate addresses in a list (, ; < > and the like), and a domain of letter-or-digit
# labels joined by dots (IDN letters included): 'a@b.example,' or 'a@b..example' is a
# slip a later match would never see through.
_EMAIL = re.compile(r'[^@\s,;:<>()\[\]\\"]+@[^\W_](?:[\w-]*[^\W_])?'
                    r"(?:\.[^\W_](?:[\w-]*[^\W_])?)*")


_LINKEDIN = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(?P<path>(?:in|pub)/[^/?#\s]+)", re.I
)


def linkedin(value: str | None) -> str | None:
    """The canonical profile URL: https://www.linkedin.com/in/handle (lower case, no slash)."""
    value = text("linkedin", value)
    if value is None:
        return None
    m = _LINKEDIN.match(value.strip())
    if m:
        path = m["path"]
    elif re.fullmatch(r"[\w\-.%]+", value):
        path = f"in/{value}"
    else:
        raise BadValue(f"{value!r} is not a LinkedIn profile. Give the profile URL "
                       "(https://www.linkedin.com/in/handle) or just the handle.")
    return f"https://www.linkedin.com/{path.lower().rstrip('/')}"


def tag(value: str) -> str:
    cleaned = "-".join(clean_name(no_control("A tag", utf8("A tag", value))).lower().split())
    if not cleaned:
        raise BadValue("A tag can't be empty.")
    if len(cleaned) > MAX_TAG:
        raise BadValue(f"A tag can have at most {MAX_TAG} characters: {cleaned[:20]!r}...")
    return cleaned


def appended(current: str | None, addition: str) -> str:
    """Notes with a line added: the result is what must fit, the same limit that add,
    edit, import and restore hold notes to."""
    result = f"{current}\n{addition}" if current else addition
    if len(result) > MAX_TEXT:
        raise BadValue(f"Their notes would have {len(result):,} characters; ties keeps at "
                       f"most {MAX_TEXT:,}. Nothing was changed: shorten them first with "
                       "'ties edit NAME --note ...'.")
    return result


def relationship_type(value: str | None) -> str | None:
    if value is None:
        return None
    v = utf8("The type", value).strip().lower()
    matches = [t for t in RELATIONSHIP_TYPES if v and t.startswith(v)]
    if len(matches) != 1:
        raise BadValue(f"{value!r} is not a relationship type: use tactical, social or "
                       "strategic.")
    return matches[0]


def channel(value: str) -> str:
    v = utf8("The channel", value).strip().lower().replace("_", "-").replace(" ", "-")
    aliases = {"inperson": "in-person", "person": "in-person", "coffee": "in-person",
               "meeting": "in-person", "phone": "call", "zoom": "video", "text": "message",
               "chat": "message", "dm": "message", "mail": "email", "conference": "event"}
    v = aliases.get(v, v)
    matches = [c for c in CHANNELS if v and c.startswith(v)]
    if len(matches) != 1:
        raise BadValue(f"{value!r} is not a channel: use one of {', '.join(CHANNELS)}.")
    return matches[0]


def birthday(value: str) -> tuple[int | None, int, int]:
    """(year or None, month, day) from what people type or files hold."""
    from ties.core import dates

    return dates.parse_birthday(value)


def cadence(value: str) -> int:
    """A personal cadence in days: 30d, 3w, 2 weeks, 1 month."""
    from ties.core import dates

    return dates.parse_duration(value)


def connected(value: str):
    """The day a LinkedIn connection was made, as LinkedIn's export writes it."""
    from ties.core import dates

    return dates.connected_on(value, dates.today())


def field_value(spec: personfields.PersonField, given: str) -> dict:
    """The columns of one field from text typed or read from a file, checked by the
    field's function in this module (personfields: `check`); a refusal is BadValue or
    BadDate."""
    check = globals()[spec.check]
    checked = check(spec.name, given) if spec.check == "text" else check(given)
    if len(spec.stored) > 1:
        return dict(zip(spec.stored, checked, strict=True))
    return {spec.stored[0]: checked}


def profile(raw: dict) -> dict:
    """Validate the profile options a command was given (field name -> text) into model
    fields, each by its field's check (ties.core.personfields).

    Options left out (None) are absent from the result; an empty string clears the
    field (each of its columns becomes None), as does "default" for a duration (the
    type's cadence applies again). A name can't be cleared.
    """
    out: dict = {}
    for key, given in raw.items():
        if given is None:
            continue
        spec = personfields.field(key)
        clear = not given.strip() or (spec.kind == "duration" and
                                      given.strip().lower() == "default")
        if clear and spec.kind != "name":
            out.update(dict.fromkeys(spec.stored))
        else:
            out.update(field_value(spec, given))
    return out


def value_of(spec: personfields.PersonField, person: dict):
    """A field's value in a person's row: one column's value, a birthday as text
    (1990-04-12, --04-12), the tags as a list."""
    from ties.core import dates

    if spec.kind == "month-day":
        return dates.birthday_of(person)
    return person.get(spec.stored[0] if spec.columns else spec.name)


def profile_json(person: dict) -> dict:
    """A person in the documented JSON shape (docs/reference/json.md)."""
    out = {}
    for f in personfields.SPEC:
        if f.profile:
            out[f.json_key] = value_of(f, person)
        if f.name in ("email", "phone"):  # "email" stays the primary, as before there
            # were several; "emails" lists them all, the primary first
            one = person.get(f.name)
            out[f"{f.name}s"] = person.get(f"{f.name}s", [one] if one else [])
    out.update(last_contact=person.get("last_contact"),
               interactions=person.get("interactions") or 0,
               gave=person.get("gave_count", 0), received=person.get("received_count", 0))
    return out
