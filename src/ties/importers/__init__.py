"""Files in, records out: LinkedIn, Google Contacts, vCard, generic CSV and ties' JSON.

Importers never touch the database (`store.import_records` writes what they return).
Every problem with one row or card is reported with its position and the rest still
import; only a file that cannot be read at all is refused.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from datetime import date

from ties.errors import TiesError

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
FORMATS = ("ties", "csv", "vcard", "linkedin", "google")


class BadFile(TiesError):
    """A file that cannot be imported at all."""


@dataclass
class Record:
    """One person as a file describes them, already cleaned (fields.py rules)."""

    name: str
    position: str  # "row 12", "card 3": where it came from, for messages
    fields: dict = field(default_factory=dict)  # model field -> value
    tags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    format: str
    records: list[Record] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (position, reason)
    encoding: str = "utf-8"
    document: dict | None = None  # ties JSON: the whole document


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and the encoding it was read as: UTF-8 (with or without BOM), UTF-16 with a
    BOM, else Windows-1252 (a superset of Latin-1 for text people type)."""
    if len(data) > MAX_BYTES:
        raise BadFile(f"{source} is {len(data) / 2**20:.0f} MiB; ties imports files up to "
                      f"{MAX_BYTES // 2**20} MiB. Split it and import the parts.")
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
    """The format, from the content (never from the file name alone)."""
    head = text[:65536].lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return "ties"
    if "BEGIN:VCARD" in head[:4096].upper():
        return "vcard"
    from ties.importers import csvfiles

    kind = csvfiles.sniff(head)
    if kind:
        return kind
    raise BadFile(f"Can't tell what kind of file {source} is. Give --format: one of "
                  f"{', '.join(FORMATS)}.")


def parse(text: str, fmt: str, source: str, today: date | None = None) -> Parsed:
    if fmt == "vcard":
        from ties.importers import vcard

        return vcard.parse(text)
    if fmt == "ties":
        from ties.importers import tiesjson

        return tiesjson.parse(text, source, today)
    from ties.importers import csvfiles

    return csvfiles.parse(text, fmt, source)


def read(data: bytes, source: str, fmt: str = "auto", today: date | None = None) -> Parsed:
    """The records of a file. `today` bounds the dates a ties JSON document may hold
    (default: dates.today())."""
    text, encoding = decode(data, source)
    chosen = detect(text, source) if fmt == "auto" else fmt
    parsed = parse(text, chosen, source, today)
    parsed.encoding = encoding
    if len(parsed.records) + len(parsed.skipped) > MAX_ROWS:
        raise BadFile(f"{source} has more than {MAX_ROWS:,} entries; split it and import the "
                      "parts.")
    return parsed


def build(name: str, position: str, raw: dict, tags: list[str]) -> Record | tuple[str, str]:
    """A Record from raw strings, or (position, reason) when the entry must be skipped.
    Bad optional values are dropped with a warning rather than losing the whole entry."""
    from ties import dates, fields
    from ties.errors import BadDate, BadValue

    try:
        clean = fields.name(name or "")
    except BadValue as exc:
        return position, ("no name" if not (name or "").strip() else exc.message)
    record = Record(name=clean, position=position)
    for key, value in raw.items():
        if value is None or not str(value).strip():
            continue
        value = str(value)
        try:
            if key == "email":
                record.fields["email"] = fields.email(value.split(" ::: ")[0])
            elif key == "linkedin":
                record.fields["linkedin"] = fields.linkedin(value)
            elif key == "birthday":
                y, m, d = dates.parse_birthday(value)
                record.fields.update(birthday_year=y, birthday_month=m, birthday_day=d)
            elif key == "connected_on":
                record.fields["connected_on"] = connected_on(value)
            elif key == "type":
                record.fields["type"] = fields.relationship_type(value)
            elif key == "every":
                record.fields["cadence_days"] = dates.parse_duration(value)
            else:
                record.fields[key] = fields.text(key, value)
        except (BadValue, BadDate) as exc:
            if key in ("notes",):  # too long to keep: the entry is skipped, not truncated
                return position, exc.message
            record.warnings.append(f"{position}: {key} ignored ({exc.message})")
    seen = []
    for t in tags:
        try:
            cleaned = fields.tag(t)
        except BadValue as exc:
            if t.strip():  # an empty tag between two commas is no loss worth a note
                record.warnings.append(f"{position}: tag ignored ({exc.message})")
            continue
        if cleaned not in seen:
            seen.append(cleaned)
    record.tags = seen
    return record


def connected_on(text: str) -> date:
    """LinkedIn's 'Connected On': '30 May 2024', '5-Jan-26', '1/8/18, 6:14 PM'."""
    from datetime import datetime

    from dateutil import parser

    from ties.errors import BadDate

    try:
        return parser.parse(text.strip(), default=datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError, parser.ParserError):
        raise BadDate(f"can't read the date {text!r}") from None
