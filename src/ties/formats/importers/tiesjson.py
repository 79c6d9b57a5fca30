"""ties' own JSON (`ties export --format json`), checked here value by value, then written by
`store.import_document`, which restores people, interactions, follow-ups and settings.

Every value goes through the same checks as the commands that write it (`fields`,
`dates`, `settings`), so a document can hold nothing that `ties add`, `log`, `follow-up`
or `config` would refuse. One bad value refuses the whole document, with one line naming
the record and the field; the store never sees it. The `Parsed` it returns holds typed
records (dates as dates, flags as booleans): people with their file ids, interactions,
follow-ups, settings in their stored form, and `last_ids`.
"""

from __future__ import annotations

import json
import re
from datetime import date

from ties.core import personfields
from ties.core.errors import TiesError
from ties.core.records import SOURCE_KINDS, SourceKey
from ties.formats.importers import BadFile, FollowUpRecord, InteractionRecord, Parsed, Record

FORMAT_NAME = "ties"
VERSION = 1

# Profile fields as `ties add`/`edit` take them, checked by fields.profile (read on each
# import: `personfields.checked_keys()`).
PROFILE_KEYS = personfields.CHECKED_KEYS


class Invalid(Exception):
    """One value that is not allowed: (field, what is wrong)."""

    def __init__(self, field: str, problem: str):
        super().__init__(problem)
        self.field, self.problem = field, problem


def parse(text: str, source: str, today: date | None = None) -> Parsed:
    from ties.core import dates

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadFile(f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}). "
                      "Nothing was imported.") from None
    except RecursionError:
        raise BadFile(f"{source} nests lists or objects too deeply to be a ties export. "
                      "Nothing was imported.") from None
    except ValueError:  # an integer of thousands of digits (sys.int_max_str_digits)
        raise BadFile(f"{source} holds a number thousands of digits long, which no ties "
                      "export has. Nothing was imported.") from None
    _refuse_lone_surrogates(doc, text, source)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise BadFile(f"{source} is JSON but not a ties export (no \"format\": \"ties\"). "
                      "Nothing was imported.")
    version = doc.get("version")
    if not _is_int(version) or version < 1:
        raise BadFile(f"{source}: \"version\" must be a whole number (this ties writes "
                      f"{VERSION}), not {_shown(version)}. Nothing was imported.")
    if version > VERSION:
        raise BadFile(f"{source} was written by a newer ties (export version {version}); "
                      "upgrade ties to import it.")
    for key in ("people", "interactions", "follow_ups"):
        if doc.get(key) is not None and not isinstance(doc[key], list):
            raise BadFile(f"{source}: \"{key}\" must be a list, not {_shown(doc[key])}. "
                          "Nothing was imported.")
    if doc.get("settings") is not None and not isinstance(doc["settings"], dict):
        raise BadFile(f"{source}: \"settings\" must be an object of setting names and values, "
                      f"not {_shown(doc['settings'])}. Nothing was imported.")
    day = today or dates.today()
    parsed = Parsed(format="ties")
    ids: set[int] = set()
    keys: set[tuple[str, int]] = set()
    steps = (("person", "people", _person), ("interaction", "interactions", _interaction),
             ("follow-up", "follow_ups", _follow_up))
    for label, key, check in steps:
        seen: set[int] = set()
        for i, item in enumerate(doc.get(key) or [], start=1):
            where = f"{label} {i}"
            try:
                if not isinstance(item, dict):
                    raise Invalid("", f"must be an object, not {_shown(item)}")
                where += _id_hint(item)
                value = check(item, ids, seen, day)
            except Invalid as bad:
                field = f" \"{bad.field}\"" if bad.field else ""
                raise BadFile(f"{source}: {where}{field} {bad.problem}. Nothing was "
                              "imported.") from None
            if label == "person":
                ids.add(value.fields["id"])
            if label == "interaction":
                for source_ in value.sources:  # one interaction per key and person
                    if (source_.key, source_.person) in keys:
                        raise BadFile(f"{source}: {where} \"sources\" gives key "
                                      f"{_shown(source_.key)} to person {source_.person}, "
                                      "as an interaction before it does. Nothing was "
                                      "imported.")
                    keys.add((source_.key, source_.person))
            getattr(parsed, "records" if label == "person" else key).append(value)
    for name, value in (doc.get("settings") or {}).items():
        try:
            parsed.settings[name] = _setting(name, value)
        except Invalid as bad:
            raise BadFile(f"{source}: setting {_shown(name)} {bad.problem}. Nothing was "
                          "imported.") from None
    if doc.get("last_ids") is not None:
        parsed.last_ids = _last_ids(doc["last_ids"], source)
    return parsed


# A \uD800-\uDFFF escape not part of a high-then-low pair: JSON can spell it, no text holds it.
_LONE = re.compile(r"(?<!\\)(?:\\\\)*(?:\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})"
                   r"|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2})", re.IGNORECASE)


def _refuse_lone_surrogates(doc: object, text: str, source: str) -> None:
    """Refuse a document spelling half of a surrogate pair (\ud800 alone): it is no
    character, so no store can hold it and no terminal can show it."""
    try:
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return
    where = ""
    for found in _LONE.finditer(text):
        if text[:found.start()].count('"') % 2:  # inside a string (escaped quotes aside)
            line = text.count("\n", 0, found.start()) + 1
            escape = found.group().lstrip("\\")
            where = f" (\\{escape} on line {line})"
            break
    raise BadFile(f"{source} spells half of a character with no other half{where}: a "
                  "broken \\u escape that no text can hold, from a damaged file or a faulty "
                  "program. Correct or remove it; nothing was imported.")


def _last_ids(value: object, source: str) -> dict[str, int]:
    """The highest ids the exporting store had given out, per kind (`ties.storage.ids`
    reads and raises them)."""
    from ties.core.fields import EXPORTED_IDS as EXPORTED
    from ties.core.fields import MAX_ID as LIMIT

    if not isinstance(value, dict):
        raise BadFile(f"{source}: \"last_ids\" must be an object of whole numbers, not "
                      f"{_shown(value)}. Nothing was imported.")
    marks = {}
    for key in EXPORTED:
        mark = value.get(key, 0)
        if not _is_int(mark) or not 0 <= mark <= LIMIT:
            raise BadFile(f"{source}: \"last_ids\" \"{key}\" must be a whole number from 0 "
                          f"to {LIMIT}, not {_shown(mark)}. Nothing was imported.")
        marks[key] = mark
    return marks


# People ----------------------------------------------------------------------------------

def _person(p: dict, ids: set[int], seen: set[int], today: date) -> Record:
    from ties.core import contacts, dates, fields

    pid = _new_id(p, "id", seen)
    name = _checked("name", lambda: fields.name(_string(p, "name", required=True)))
    raw = {key: _string(p, key) for key in personfields.checked_keys()}
    profile: dict = {}
    for key, value in raw.items():
        if value is not None:
            profile.update(_checked(key, lambda k=key, v=value: fields.profile({k: v})))
    tags = []
    for t in _list(p, "tags"):
        if not isinstance(t, str):
            raise Invalid("tags", f"must be a list of text, and {_shown(t)} is not text")
        cleaned = _checked("tags", lambda t=t: fields.tag(t))
        if cleaned not in tags:
            tags.append(cleaned)
    found = {}
    for kind in ("email", "phone"):  # every one, "email"/"phone" being the primary
        key = f"{kind}s"
        check = fields.email if kind == "email" else (lambda v: fields.text("phone", v))
        values = []
        for v in _list(p, key):
            if not isinstance(v, str):
                raise Invalid(key, f"must be a list of text, and {_shown(v)} is not text")
            values.append(_checked(key, lambda v=v, check=check: check(v)))
        found[kind] = contacts.unique(kind, [profile.get(kind), *values])
        if found[kind]:
            profile[kind] = found[kind][0]
    every = p.get("every_days")
    if every is not None and (not _is_int(every) or
                              not 1 <= every <= dates.MAX_DURATION_DAYS):
        raise Invalid("every_days", f"must be a whole number of days from 1 to "
                      f"{dates.MAX_DURATION_DAYS}, or null; not {_shown(every)}")
    profile["cadence_days"] = every
    connected = _date(p, "connected_on", today, past=True)
    if connected is not None:
        profile["connected_on"] = connected
    # What only a ties export holds: the file's id, and the person's state and clocks.
    profile.update(id=pid, archived=_flag(p, "archived"),
                   created=_date(p, "created", today, past=True),
                   snoozed_until=_date(p, "snoozed_until", today, past=False),
                   updated_at=_time(p, "updated_at", today))
    # When each talking point was learned: its own time; else, in a file from before
    # those, the one time it kept per person (`learned_at`, as m008), else its last change
    # (as m007). A talking point that is empty has none.
    person_wide = (_time(p, "learned_at", today) if "learned_at" in p
                   else profile["updated_at"])
    for k, clock in personfields.LEARNED_AT.items():
        if clock in p:
            profile[clock] = _time(p, clock, today)
        elif any(c in p for c in personfields.LEARNED_AT.values()):
            profile[clock] = None
        elif profile.get(k):
            profile[clock] = person_wide
    return Record(name=name, position=f"person {pid}", fields=profile, tags=tags,
                  emails=found["email"], phones=found["phone"], jobs=_jobs(p, today),
                  brought=_brought(p), deleted=_deleted(p))


JOB_KEYS = ("company_before", "role_before", "company", "role")


def _brings_jobs(name: object) -> bool:
    """Whether `name` is a kind of file a re-import changes jobs from: a contacts format
    (not ties' own backup, not a calendar or mailbox)."""
    from ties import formats

    fmt = formats.reader_named(name) if isinstance(name, str) else None
    return fmt is not None and not fmt.lossless and not fmt.sightings


def _brought(p: dict) -> dict[str, dict[str, str]]:
    """A person's "imported": the company and role each kind of file last brought them
    ({"linkedin": {"company": "Globex", "role": "CTO"}}), so that a re-import after a
    restore still tells a job change from a value you typed."""
    from ties.core import fields

    value = p.get("imported")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid("imported", f"must be an object, not {_shown(value)}")
    out: dict[str, dict[str, str]] = {}
    for format_, found in value.items():
        if not _brings_jobs(format_) or not isinstance(found, dict):
            from ties import formats

            named = [n for n in formats.import_names() if _brings_jobs(n)]
            raise Invalid("imported", f"must name one of {', '.join(named)} with an "
                          f"object of company and role, not {_shown(format_)}")
        for key, text in found.items():
            if key not in ("company", "role") or not isinstance(text, str):
                raise Invalid("imported", f"{format_} must give a company or role as "
                              f"text, not {_shown(key)}: {_shown(text)}")
            checked = _checked("imported", lambda k=key, v=text: fields.profile({k: v})[k])
            if checked:
                out.setdefault(format_, {})[key] = checked
    return out


def _jobs(p: dict, today: date) -> list[dict]:
    """A person's "jobs": each change of company or role, with its date (not after
    today) and what they were and became, each checked as the company or role field."""
    from ties.core import fields

    out = []
    for entry in _list(p, "jobs"):
        if not isinstance(entry, dict):
            raise Invalid("jobs", f"must be a list of objects, and {_shown(entry)} is not one")
        if entry.get("date") is None:
            raise Invalid("jobs", "must give each change its \"date\"")
        try:
            job = {"date": _date(entry, "date", today, past=True)}
            for key in JOB_KEYS:
                value = _string(entry, key)
                field_ = key.removesuffix("_before")
                job[key] = (None if value is None else
                            _checked(key, lambda f=field_, v=value: fields.profile({f: v})[f]))
        except Invalid as bad:  # said as the list's: person 3 "jobs" date is ...
            raise Invalid("jobs", f"{bad.field} {bad.problem}") from None
        out.append(job)
    return sorted(out, key=lambda j: j["date"])


# Interactions and follow-ups ---------------------------------------------------------------

def _interaction(item: dict, ids: set[int], seen: set[int], today: date
                 ) -> InteractionRecord:
    from ties.core import fields

    iid = _new_id(item, "id", seen)
    people = _list(item, "people")
    if not people:
        raise Invalid("people", "must list the ids of the people it was with")
    for pid in people:
        if not _is_int(pid):
            raise Invalid("people", f"must be a list of person ids, and {_shown(pid)} is not "
                          "one")
        if pid not in ids:
            raise Invalid("people", f"names person {pid}, who is not in the file")
    if item.get("date") is None:
        raise Invalid("date", "is missing: every interaction has a date")
    channel = _string(item, "channel")
    return InteractionRecord(
        id=iid, people=list(dict.fromkeys(people)),
        when=_date(item, "date", today, past=True),
        channel=_checked("channel", lambda: fields.channel(channel)) if channel else "other",
        note=_checked("note", lambda: fields.text("note", _string(item, "note"))),
        they_reached_out=_flag(item, "they_reached_out"),
        gave=_flag(item, "gave"), received=_flag(item, "received"),
        logged_at=_time(item, "logged_at", today), sources=_sources(item, people))


def _sources(item: dict, people: list) -> list[SourceKey]:
    """The keys of the calendar events or messages the interaction was imported from,
    each with one of its people: text a calendar or mail import writes, at most once per
    key and person."""
    from ties.core import fields

    found: list[SourceKey] = []
    for entry in _list(item, "sources"):
        if not isinstance(entry, dict):
            raise Invalid("sources", f"must be a list of objects, and {_shown(entry)} is "
                          "not one")
        key = entry.get("key")
        if not isinstance(key, str) or not key.startswith(SOURCE_KINDS):
            raise Invalid("sources", f"must give each a \"key\" beginning with "
                          f"{' or '.join(SOURCE_KINDS)}, not {_shown(key)}")
        if len(key) > fields.MAX_TEXT or "\x00" in key:
            raise Invalid("sources", f"key {_shown(key)} is no key a calendar or mail "
                          f"import writes (a NUL character, or longer than "
                          f"{fields.MAX_TEXT:,} characters)")
        person = entry.get("person")
        if not _is_int(person) or person not in people:
            raise Invalid("sources", f"key {_shown(key)} must name one of the interaction's "
                          f"people, not {_shown(person)}")
        merged = entry.get("merged", False)
        if not isinstance(merged, bool):
            raise Invalid("sources", f"key {_shown(key)} \"merged\" must be true or false, "
                          f"not {_shown(merged)}")
        filled = entry.get("filled")
        if filled is not None and not isinstance(filled, str):
            raise Invalid("sources", f"key {_shown(key)} \"filled\" must be text or null, "
                          f"not {_shown(filled)}")
        filled = _checked("sources", lambda f=filled: fields.text("note", f))
        thread = entry.get("thread")
        if thread is not None and not (
                key.startswith("mail:") and isinstance(thread, str)
                and thread.startswith("mail:") and len(thread) <= fields.MAX_TEXT
                and "\x00" not in thread):
            raise Invalid("sources", f"key {_shown(key)} \"thread\" must be a mail key "
                          f"(\"mail:...\") of a mail key, or null, not {_shown(thread)}")
        if any(s.key == key and s.person == person for s in found):
            raise Invalid("sources", f"gives key {_shown(key)} to person {person} twice")
        found.append(SourceKey(key, person, merged, filled, thread))
    return found


def _deleted(p: dict) -> list[str]:
    """A person's "deleted": the keys of the imported interactions with them you deleted,
    as a calendar or mail import writes them, each once."""
    from ties.core import fields

    found: list[str] = []
    for key in _list(p, "deleted"):
        if not (isinstance(key, str) and key.startswith(SOURCE_KINDS)
                and len(key) <= fields.MAX_TEXT and "\x00" not in key):
            raise Invalid("deleted", f"must be a list of keys beginning with "
                          f"{' or '.join(SOURCE_KINDS)}, not {_shown(key)}")
        if key in found:
            raise Invalid("deleted", f"gives key {_shown(key)} twice")
        found.append(key)
    return found


def _follow_up(item: dict, ids: set[int], seen: set[int], today: date) -> FollowUpRecord:
    from ties.core import fields

    fid = _new_id(item, "id", seen)
    person = item.get("person")
    if not _is_int(person) or person not in ids:
        raise Invalid("person", f"must be the id of a person in the file, not "
                      f"{_shown(person)}")
    text = _checked("text", lambda: fields.text("follow_up", _string(item, "text",
                                                                      required=True)))
    if not text:
        raise Invalid("text", "is empty: say what was promised")
    return FollowUpRecord(
        id=fid, person=person, text=text, due=_date(item, "due", today, past=False),
        created=_date(item, "created", today, past=True),
        done=_date(item, "done", today, past=True))


def _setting(name: object, value: object) -> str:
    from ties.core import settings

    if not isinstance(name, str) or name not in settings.SPECS:
        raise Invalid("", f"is not a ties setting (known: {', '.join(settings.SPECS)})")
    if _is_int(value) or isinstance(value, str) or (isinstance(value, float) and
                                                     value == value):
        try:
            return settings.stored_form(name, str(value))
        except TiesError as exc:
            raise Invalid("", _reason(exc)) from None
    raise Invalid("", f"must be text or a number, not {_shown(value)}")


# Values -------------------------------------------------------------------------------------

def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _new_id(item: dict, key: str, seen: set[int]) -> int:
    from ties.core.fields import MAX_KEPT_ID

    value = item.get(key)
    if value is None:
        raise Invalid(key, "is missing: every record has a whole-number id")
    if not _is_int(value) or not 1 <= value <= MAX_KEPT_ID:
        raise Invalid(key, f"must be a whole number from 1 to {MAX_KEPT_ID}, not "
                      f"{_shown(value)}")
    if value in seen:
        raise Invalid(key, f"{value} is used twice")
    seen.add(value)
    return value


def _id_hint(item: dict) -> str:
    value = item.get("id")
    return f" (id {value})" if _is_int(value) and 0 < value < 10**12 else ""


def _string(item: dict, key: str, required: bool = False) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Invalid(key, f"must be text{'' if required else ' or null'}, not "
                      f"{_shown(value)}")
    return value


def _list(item: dict, key: str) -> list:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(key, f"must be a list, not {_shown(value)}")
    return value


def _flag(item: dict, key: str) -> bool:
    value = item.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise Invalid(key, f"must be true or false, not {_shown(value)}")
    return value


def _date(item: dict, key: str, today: date, *, past: bool) -> date | None:
    from ties.core import dates

    value = item.get(key)
    if value is None:
        return None
    return _checked(key, lambda: dates.stored_date(value, today, past=past))


def _time(item: dict, key: str, today: date):
    from ties.core import dates

    value = item.get(key)
    if value is None:
        return None
    return _checked(key, lambda: dates.stored_time(value, today))


def _checked(key: str, check):
    """The value `check` returns, or Invalid for `key` with the reason it gave."""
    try:
        return check()
    except TiesError as exc:
        raise Invalid(key, _reason(exc)) from None


def _reason(exc: TiesError) -> str:
    """A command's message made to follow a field's name: 'is refused: ...'."""
    message = exc.message.rstrip(".")
    if message.startswith(("must ", "is ", "names ")):
        return message
    return f"is refused: {message}"


def _shown(value: object) -> str:
    """A short, printable picture of a value from the file, for messages."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int) and len(str(value)) > 20:
        return "a number too big for ties"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
