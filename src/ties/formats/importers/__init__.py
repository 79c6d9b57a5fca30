"""Files in, records out: LinkedIn, Google Contacts, vCard, generic CSV and ties' JSON.

Importers never touch the database (`store.import_records` writes what they return).
A file holding any value ties does not accept (an email that is not one, an unknown type,
a date that can't be read) is refused whole, naming the row or card, its name and the
field; `read(..., skip_invalid=True)` instead leaves such values out and lists them in
`Parsed.invalid`. Entries without a name are skipped either way, with their position.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from ties.core.errors import TiesError

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000


class BadFile(TiesError):
    """A file that cannot be imported at all."""


@dataclass
class Record:
    """One person as a file describes them, already cleaned (fields.py rules)."""

    name: str
    position: str  # "row 12", "card 3": where it came from, for messages
    fields: dict = field(default_factory=dict)  # model field -> value
    tags: list[str] = field(default_factory=list)
    # Every address and number the file gives, the preferred first (fields["email"] and
    # fields["phone"] hold that first one), duplicates left out.
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Invalid:
    """One value in a file that ties does not accept: where, whose, which field, and
    what is wrong with it (the message the commands give for the same value)."""

    position: str  # "row 12", "card 3"
    name: str  # the entry's name as the file gives it ("" when it has none)
    field: str  # "email", "tag", "name", ...
    problem: str

    def describe(self) -> str:
        """'row 3 (Ana Lima), email: 'x' doesn't look like an email address'"""
        name = " ".join(self.name.split())
        if len(name) > 40:  # a name refused for its length is named by its start
            name = name[:39] + "…"
        who = f" ({name})" if name else ""
        problem = self.problem
        if problem.endswith(".") and not problem.endswith("..."):  # the line goes on
            problem = problem[:-1]
        return f"{self.position}{who}, {self.field}: {problem}"


@dataclass
class InteractionRecord:
    """One interaction as a file describes it, checked: `people` are the file's own person
    ids (Record.fields["id"])."""

    id: int
    people: list[int]
    date: date
    channel: str = "other"
    note: str | None = None
    they_reached_out: bool = False
    gave: bool = False
    received: bool = False
    logged_at: datetime | None = None


@dataclass
class FollowUpRecord:
    """One promise as a file describes it, checked: `person` is the file's own id."""

    id: int
    person: int
    text: str
    due: date | None = None
    created: date | None = None
    done: date | None = None


@dataclass
class Parsed:
    """What a reader made of a file: people (`records`), and from a file that carries
    them (ties JSON) interactions, follow-ups, settings and the ids its store gave out."""

    format: str
    records: list[Record] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (position, reason)
    invalid: list[Invalid] = field(default_factory=list)  # values left out (skip_invalid)
    # A further email address or phone number (not an entry's first) that is invalid: left
    # out with a note rather than refusing the file, as ties read only the first of each
    # before it kept them all (a phone's junk second EMAIL line must not refuse its export).
    left_out: list[Invalid] = field(default_factory=list)
    encoding: str = "utf-8"
    interactions: list[InteractionRecord] = field(default_factory=list)
    follow_ups: list[FollowUpRecord] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)  # key -> stored form
    last_ids: dict[str, int] | None = None  # ties.storage.ids marks, when the file says


def _too_big(source: str, size: int | None = None) -> BadFile:
    how_big = f"is {size / 2**20:.0f} MiB" if size is not None else \
        f"is larger than {MAX_BYTES // 2**20} MiB"
    return BadFile(f"{source} {how_big}; ties imports files up to {MAX_BYTES // 2**20} MiB. "
                   "Split it and import the parts.")


def read_stream(stream: BinaryIO, source: str) -> bytes:
    """At most MAX_BYTES from `stream` (a file, pipe, device or terminal): reads one byte
    more than the limit to tell, and refuses rather than reading on."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_big(source)
    return data


def read_path(path: Path, source: str) -> bytes:
    """The bytes of the file at `path`, refused beyond MAX_BYTES. A regular file is
    judged by its size before reading; anything else (a FIFO, /dev/zero, /dev/stdin),
    whose size says nothing, by reading at most one byte past the limit."""
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
                raise _too_big(source, info.st_size)
            return read_stream(stream, source)
    except FileNotFoundError:
        raise BadFile(f"There is no file {source}. Check the path.") from None
    except IsADirectoryError:
        if not source.strip():
            raise BadFile("The file name is empty; name the file to import.") from None
        raise BadFile(f"{source} is a folder; name the exported file inside it.") from None
    except PermissionError:
        raise BadFile(f"ties may not read {source}; check its permissions.") from None
    except OSError as exc:
        raise BadFile(f"ties can't read {source} ({exc.strerror or type(exc).__name__}). "
                      "Nothing was imported.") from None


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and the encoding it was read as: UTF-8 (with or without BOM), UTF-16 with a
    BOM, else Windows-1252 (a superset of Latin-1 for text people type)."""
    if len(data) > MAX_BYTES:
        raise _too_big(source, len(data))
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE,
                                                       codecs.BOM_UTF16_BE)):
        raise BadFile(f"{source} looks like a binary file, not a contacts export. Nothing was "
                      "imported.")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError:
                raise BadFile(f"{source} says it is {encoding} but is not. Save it as UTF-8 "
                              "and try again.") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def detect(text: str, source: str) -> str:
    """The format's name, from the content (never from the file name alone)."""
    from ties import formats

    head = text[:65536].lstrip("\ufeff \t\r\n")
    if not head:
        raise BadFile(f"{source} is empty: there is nothing to import. Check that the export "
                      "finished.")
    found = formats.detect(head)
    if found is None:
        raise BadFile(f"Can't tell what kind of file {source} is. Give --format: one of "
                      f"{', '.join(formats.import_names())}.")
    return found.name


def read(data: bytes, source: str, fmt: str = "auto", today: date | None = None, *,
         skip_invalid: bool = False) -> Parsed:
    """The records of a file in format `fmt` (a name in ties.formats, or "auto" to detect
    it). `today` bounds the dates a ties JSON document may hold (default: dates.today()).
    A file with an invalid value is refused whole (BadFile, one line naming the first one)
    unless `skip_invalid`, which leaves those values out (an invalid name: the whole
    entry) and lists them in `Parsed.invalid`."""
    from ties import formats

    text, encoding = decode(data, source)
    chosen = formats.reader_named(detect(text, source) if fmt == "auto" else fmt)
    if chosen is None:
        raise BadFile(f"ties can't read {fmt!r} files: give one of "
                      f"{', '.join(formats.import_names())}.")
    if skip_invalid and chosen.lossless:
        lenient = [f.title for f in formats.readable() if not f.lossless]
        raise BadFile(f"{source} is a {chosen.title}, which is imported whole or not at all: "
                      f"--skip-invalid is for {formats.spoken(lenient)} files. Nothing was "
                      "imported.")
    parsed = chosen.reader(text, source, today)
    parsed.encoding = encoding
    if len(parsed.records) + len(parsed.skipped) > MAX_ROWS:
        raise BadFile(f"{source} has more than {MAX_ROWS:,} entries; split it and import the "
                      "parts.")
    if parsed.invalid and not skip_invalid:
        raise refusal(parsed.invalid, source)
    return parsed


def refusal(invalid: list[Invalid], source: str) -> BadFile:
    """The one line that refuses a file for its invalid values: the first of them, how
    many there are, and the two ways on."""
    more = len(invalid) - 1
    others = f" ({more} more invalid value{'' if more == 1 else 's'} in the file)" if more \
        else ""
    return BadFile(f"{source}: {invalid[0].describe()}{others}. Nothing was imported: correct "
                   "the file, or add --skip-invalid to import it without the invalid values.")


def build(parsed: Parsed, name: str, position: str, raw: dict, tags: list[str]) -> None:
    """Add an entry to `parsed` from raw strings: a Record, or a skip (position, reason)
    when it has no name. Each value ties does not accept goes into `parsed.invalid` and is
    left out of the Record (an invalid name leaves out the entry)."""
    from ties.core import dates, fields
    from ties.core.errors import BadDate, BadValue

    try:
        clean = fields.name(name or "")
    except BadValue as exc:
        if not (name or "").strip():
            parsed.skipped.append((position, "no name"))
        else:
            parsed.invalid.append(Invalid(position, name, "name", exc.message))
            parsed.skipped.append((position, exc.message))
        return
    record = Record(name=clean, position=position)
    parsed.records.append(record)
    for key, value in raw.items():
        if key in ("email", "phone"):
            _contacts(parsed, record, key, value)
            continue
        if value is None or not str(value).strip():
            continue
        value = str(value)
        try:
            if key == "linkedin":
                record.fields["linkedin"] = fields.linkedin(value)
            elif key == "birthday":
                y, m, d = dates.parse_birthday(value)
                record.fields.update(birthday_year=y, birthday_month=m, birthday_day=d)
            elif key == "connected_on":
                record.fields["connected_on"] = dates.connected_on(value, dates.today())
            elif key == "type":
                record.fields["type"] = fields.relationship_type(value)
            elif key == "every":
                record.fields["cadence_days"] = dates.parse_duration(value)
            else:
                record.fields[key] = fields.text(key, value)
        except (BadValue, BadDate) as exc:
            parsed.invalid.append(Invalid(position, clean, key.replace("_", " "),
                                          exc.message))
    seen: dict[str, None] = {}  # ordered, and a lookup is not a scan of every tag so far
    for t in tags:
        try:
            cleaned = fields.tag(t)
        except BadValue as exc:
            if t.strip():  # an empty tag between two commas is nothing to refuse
                parsed.invalid.append(Invalid(position, clean, "tag", exc.message))
            continue
        seen.setdefault(cleaned)
    record.tags = list(seen)


def _contacts(parsed: Parsed, record: Record, key: str, value) -> None:
    """Every email address or phone number of an entry: `value` is one, or a list in the
    file's order of preference (Google's " ::: " joins several in one cell). The first
    valid one is the record's field; all of them, once each, are its list. The first one
    given is checked as any value (invalid: the file is refused); a later invalid one is
    left out with a note (`Parsed.left_out`)."""
    from ties.core import fields
    from ties.core.errors import BadValue

    values = value if isinstance(value, list | tuple) else [value]
    found = record.emails if key == "email" else record.phones
    given = 0
    for one in values:
        for part in str(one if one is not None else "").split(" ::: "):
            if not part.strip():
                continue
            given += 1
            try:
                cleaned = fields.email(part) if key == "email" else fields.text(key, part)
            except BadValue as exc:
                (parsed.invalid if given == 1 else parsed.left_out).append(
                    Invalid(record.position, record.name, key, exc.message))
                continue
            if cleaned.casefold() not in {f.casefold() for f in found}:
                found.append(cleaned)
    if found:
        record.fields[key] = found[0]
