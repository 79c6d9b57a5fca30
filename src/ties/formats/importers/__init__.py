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
from datetime import date
from pathlib import Path
from typing import BinaryIO

from ties.core.errors import TiesError
from ties.core.records import FollowUpRecord as FollowUpRecord  # re-exported: readers
from ties.core.records import InteractionRecord as InteractionRecord  # make these

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000


class BadFile(TiesError):
    """A file that cannot be imported at all."""


class NotThisFormat(BadFile):
    """A reader given a file it does not recognise: `missing` says what it looked for
    ("no 'Connected On' column"), for the message that names the likely format."""

    def __init__(self, message: str, missing: str = ""):
        super().__init__(message)
        self.missing = missing


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
    # Earlier jobs (a ties JSON file's "jobs"): dicts of date, company_before, role_before,
    # company, role, oldest first.
    jobs: list[dict] = field(default_factory=list)
    # What each kind of file last brought them ("imported"): format -> {company, role}.
    brought: dict[str, dict[str, str]] = field(default_factory=dict)
    # The calendar and mail keys of interactions with them you deleted ("deleted"), so a
    # re-import after a restore or a move still skips them.
    deleted: list[str] = field(default_factory=list)
    # The job fields the file says are empty now, not merely absent: a LinkedIn row whose
    # Company and Position are both blank (LinkedIn shows no current job). `reconcile.plan`
    # empties them where that kind of file brought what the person has (a job change).
    emptied: tuple[str, ...] = ()


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
    # What the reader wants said about the file as a whole, one line each: lines or cards
    # whose charset it had to guess, dates that could be read two ways, a card nested in
    # another that was left out.
    notes: list[str] = field(default_factory=list)


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


def utf16_encoding(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when `data` is UTF-16, with a byte order mark or
    without one, else None.

    Without a mark: text in UTF-16 has a NUL byte in every other position wherever it is
    ASCII (field names, BEGIN:VCARD, commas, line breaks): the high byte of each pair,
    second in little-endian and first in big-endian. Such a file is recognised when at
    least a quarter of the pairs of its first 4 KiB have their high byte NUL, hardly any
    (one in twenty, as U+0100 or U+4E00 have) their low byte, and the start decodes to
    text without control characters other than tab and line breaks. A binary file seldom
    keeps that rhythm and never decodes so."""
    if data.startswith(codecs.BOM_UTF32_LE):  # FF FE 00 00 also starts UTF-16-LE's BOM
        return None
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    sample = data[:4096]
    sample = sample[:len(sample) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high.count(0) * 4 < pairs or low.count(0) * 20 > pairs:
            continue
        try:  # a character cut at the sample's end is no reason to refuse
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:  # a lone surrogate: not text
            continue
        if not any(ord(c) < 32 and c not in "\t\r\n" for c in text):
            return encoding
    return None


# What a line that is not UTF-8 is read as: Windows-1252 (a superset of Latin-1 for the
# text people type), or Latin-1 for a line with one of the five bytes cp1252 leaves
# undefined.
GUESSES = ("windows-1252", "latin-1")


@dataclass
class Decoded:
    """A file's text, what it was read as, and the lines ties had to guess."""

    text: str
    encoding: str  # "utf-8", "utf-16", "utf-16-le", "windows-1252", ...
    guessed: list[tuple[int, str]] = field(default_factory=list)  # (line number, encoding)

    def notes(self) -> list[str]:
        """What the import says about the guess: the lines of a UTF-8 file that were not,
        or that a whole file was not UTF-8 (its letters may then be wrong: Shift_JIS or
        Windows-1251 read as Windows-1252)."""
        if self.encoding in GUESSES and self.guessed:
            return [f"the file is not UTF-8: read as {self.encoding} (a guess). If names "
                    "look wrong, save the file as UTF-8 and import it again ('ties import "
                    "--undo' takes this import back)"]
        if not self.guessed or self.encoding != "utf-8":
            return []
        lines = [n for n, _ in self.guessed]
        shown = ", ".join(str(n) for n in lines[:5]) + (
            f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        used = " or ".join(dict.fromkeys(e for _, e in self.guessed))
        return [f"line{'s' if len(lines) > 1 else ''} {shown} {'are' if len(lines) > 1 else 'is'}"
                f" not UTF-8 like the rest of the file: read as {used}; check the names there"]


def _from_utf16(data: bytes, source: str) -> tuple[bytes, str, str] | None:
    """A UTF-16 file (with or without a byte order mark) as UTF-8 bytes, its text, and the
    encoding it was read as ("utf-16" when the mark said so, "utf-16-le" or "utf-16-be"
    when guessed); None for any other file."""
    encoding = utf16_encoding(data)
    if encoding is None:
        return None
    marked = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        text = data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError:
        said = f"says it is {encoding}" if marked else \
            f"looks like {encoding.upper()} text without a byte-order mark"
        raise BadFile(f"{source} {said}, but part of it is not. Save it as UTF-8 and try "
                      "again.") from None
    return text.encode("utf-8"), text, "utf-16" if marked else encoding


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and the encoding it was read as (see `decode_lines`)."""
    decoded = decode_lines(data, source)
    return decoded.text, decoded.encoding


def decode_lines(data: bytes, source: str) -> Decoded:
    """The text of a file: UTF-8 (with or without BOM), UTF-16 with a BOM or, recognised
    by its NUL bytes, without one (`utf16_encoding`); else each line on its own: as UTF-8
    when it is, else as Windows-1252 (Latin-1 for the five bytes that leaves undefined).
    One stray byte then costs one line, not every accent in the file. A file none of whose
    lines is UTF-8 beyond ASCII is reported as the older encoding; a UTF-8 file with a few
    lines that are not keeps "utf-8" and lists those lines in `guessed`."""
    if len(data) > MAX_BYTES:
        raise _too_big(source, len(data))
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError:
                raise BadFile(f"{source} says it is {encoding} but is not. Save it as UTF-8 "
                              "and try again.") from None
    refuse_archive(data, source)
    if b"\x00" in data[:4096]:
        encoding = utf16_encoding(data)
        if encoding is None:
            raise BadFile(f"{source} looks like a binary file, not {_kind_named(source)}. "
                          "Nothing was imported.")
        try:
            return Decoded(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            raise BadFile(f"{source} looks like {encoding.upper()} text without a byte-order "
                          "mark, but part of it is not. Save it as UTF-8 and try again."
                          ) from None
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    text: list[str] = []
    guessed: list[tuple[int, str]] = []
    utf8_beyond_ascii = False
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            text.append(line.decode("utf-8"))
            utf8_beyond_ascii = utf8_beyond_ascii or not line.isascii()
        except UnicodeDecodeError:
            try:
                text.append(line.decode(GUESSES[0]))
                guessed.append((number, GUESSES[0]))
            except UnicodeDecodeError:
                text.append(line.decode(GUESSES[1]))
                guessed.append((number, GUESSES[1]))
    if utf8_beyond_ascii:
        encoding = "utf-8"
    else:  # the whole file is in the older encoding: say so once, not line by line
        encoding = GUESSES[1] if any(e == GUESSES[1] for _, e in guessed) else GUESSES[0]
    return Decoded("\n".join(text), encoding, guessed)


# Archives, by their first bytes (never by the name: Takeout's "takeout-001.zip", a
# mailbox gzipped as "Inbox.gz" or "Inbox"): what each is called.
_ARCHIVES = ((b"PK\x03\x04", "a zip archive"), (b"PK\x05\x06", "a zip archive"),
             (b"\x1f\x8b", "a gzip archive"), (b"BZh", "a bzip2 archive"),
             (b"\xfd7zXZ\x00", "an xz archive"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
             (b"Rar!\x1a\x07", "a RAR archive"))


def archive_kind(head: bytes) -> str | None:
    """What archive a file starting with `head` is ("a zip archive"), or None."""
    for magic, kind in _ARCHIVES:
        if head.startswith(magic) and (magic != b"BZh" or head[4:10] == b"1AY&SY"):
            return kind
    if head[257:262] == b"ustar":
        return "a tar archive"
    return None


def refuse_archive(head: bytes, source: str) -> None:
    """BadFile, saying to unpack it first, when `head` starts an archive."""
    kind = archive_kind(head)
    if kind is not None:
        takeout = (" (a Google Takeout zip holds your calendars as .ics and your mail as "
                   ".mbox)") if kind == "a zip archive" else ""
        raise BadFile(f"{source} is {kind}: unpack it first and import the file"
                      f"{'s' if takeout else ''} inside{takeout}. Nothing was imported.")


def is_empty(head: bytes) -> bool:
    """Whether a file starting with `head` holds nothing but white space."""
    return not head[:65536].decode("utf-8", "replace").lstrip("\ufeff \t\r\n")


def empty_file(source: str) -> BadFile:
    return BadFile(f"{source} is empty: there is nothing to import. Check that the export "
                   "finished.")


def detect(text: str, source: str) -> str:
    """The format's name, from the content (never from the file name alone)."""
    from ties import formats

    head = text[:65536].lstrip("\ufeff \t\r\n")
    if not head:
        raise empty_file(source)
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

    if len(data) > MAX_BYTES:  # judged as given: as UTF-8, UTF-16 may grow by half
        raise _too_big(source, len(data))
    wide = _from_utf16(data, source)
    if wide is not None:
        data, text, encoding = wide
        decoded = Decoded(text, encoding)
    else:
        decoded = decode_lines(data, source)
    text = decoded.text
    chosen = formats.reader_named(detect(text, source) if fmt == "auto" else fmt)
    if chosen is None:
        raise BadFile(f"ties can't read {fmt!r} files: give one of "
                      f"{', '.join(formats.import_names())}.")
    if skip_invalid and chosen.lossless:
        lenient = [f.title for f in formats.readable() if not (f.lossless or f.sightings)]
        raise BadFile(f"{source} is a {chosen.title}, which is imported whole or not at all: "
                      f"--skip-invalid is for {formats.spoken(lenient)} files. Nothing was "
                      "imported.")
    explicit = fmt != "auto"
    try:  # a reader that `reads_bytes` decodes each value itself (vCard 2.1 charsets)
        parsed = chosen.reader(data if chosen.reads_bytes else text, source, today)
    except BadFile as exc:
        if explicit and not _recognises(chosen, text):
            raise _wrong_format(chosen, text, source, getattr(exc, "missing", "")) from None
        raise
    if explicit and not parsed.records and not parsed.skipped and \
            not _recognises(chosen, text):
        raise _wrong_format(chosen, text, source, "")
    if not chosen.reads_bytes or wide is not None:
        parsed.encoding = decoded.encoding
        parsed.notes[:0] = decoded.notes()
    if len(parsed.records) + len(parsed.skipped) > MAX_ROWS:
        raise BadFile(f"{source} has more than {MAX_ROWS:,} entries; split it and import the "
                      "parts.")
    if parsed.invalid and not skip_invalid:
        raise refusal(parsed.invalid, source)
    return parsed


def _head(text: str) -> str:
    return text[:65536].lstrip("\ufeff \t\r\n")


def _recognises(chosen, text: str) -> bool:
    """Whether a format's own detector knows the file (one without a detector can't say,
    and is taken at its word)."""
    if chosen.detector is None:
        return True
    try:
        return chosen.detector(_head(text))
    except BadFile:  # the start of the file is not even CSV
        return False


def not_this_format(chosen, head: bytes, source: str, refused: BadFile) -> BadFile:
    """What to say when a calendar or mail reader given by --format refused a file: when
    the file's start is not that format at all (-f ics on an mbox), the one line saying
    what it looks like and what to do, instead of the reader's own (a parser's message
    means nothing to someone who gave the wrong -f); else the reader's refusal."""
    text = head[:65536].decode("utf-8", "replace")
    if is_empty(head):  # as format detection says it, whichever --format was given
        return empty_file(source)
    if _recognises(chosen, text) or archive_kind(head):
        return refused  # the reader's own line (to unpack an archive, say)
    return _wrong_format(chosen, text, source, "")


def _wrong_format(chosen, text: str, source: str, missing: str) -> BadFile:
    """The refusal of a --format that finds nothing it knows in a file: what it missed,
    and the format detection finds instead."""
    from ties import formats

    def a(fmt) -> str:
        title = fmt.title
        return f"a {title}" + ("" if title.endswith(("export", "file", "folder)")) else
                               " file")

    try:
        found = formats.detect(_head(text))
    except BadFile:
        found = None
    missing = missing or chosen.expects
    what = f" ({missing})" if missing else ""
    if found is not None and found.name != chosen.name:
        return BadFile(f"{source} is not {a(chosen)}{what}: it looks like {a(found)}. Drop -f, "
                       f"or give -f {found.name}. Nothing was imported.")
    return BadFile(f"{source} is not {a(chosen)}{what}, and ties can't tell what it is. Check "
                   f"the file, or give --format: one of {', '.join(formats.import_names())}. "
                   "Nothing was imported.")


def refusal(invalid: list[Invalid], source: str) -> BadFile:
    """The one line that refuses a file for its invalid values: the first of them, how
    many there are, and the two ways on."""
    more = len(invalid) - 1
    others = f" ({more} more invalid value{'' if more == 1 else 's'} in the file)" if more \
        else ""
    return BadFile(f"{source}: {invalid[0].describe()}{others}. Nothing was imported: correct "
                   "the file, or add --skip-invalid to import it without the invalid values.")


def build(parsed: Parsed, name: str, position: str, raw: dict, tags: list[str]) -> None:
    """Add an entry to `parsed` from raw strings (person field name -> text, as
    ties.core.personfields names them): a Record, or a skip (position, reason) when it
    has no name. Each value ties does not accept goes into `parsed.invalid` and is
    left out of the Record (an invalid name leaves out the entry)."""
    from ties.core import fields, personfields
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
        try:  # each field checked as the commands check it (personfields: `check`)
            record.fields.update(fields.field_value(personfields.field(key), str(value)))
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
                cleaned = fields.contact(key, part)
            except BadValue as exc:
                (parsed.invalid if given == 1 else parsed.left_out).append(
                    Invalid(record.position, record.name, key, exc.message))
                continue
            if cleaned.casefold() not in {f.casefold() for f in found}:
                found.append(cleaned)
    if found:
        record.fields[key] = found[0]


def _kind_named(source: str) -> str:
    """What a file named `source` should have been, by its extension: 'a calendar (.ics)'
    for binary.ics, else a contacts export."""
    suffix = source.rsplit(".", 1)[-1].lower() if "." in source else ""
    if suffix in ("ics", "ical", "icalendar", "ifb"):
        return "a calendar (.ics)"
    if suffix in ("mbox", "mbx", "eml"):
        return "a mailbox"
    if suffix in ("vcf", "vcard"):
        return "a vCard file"
    if suffix == "csv":
        return "a CSV file"
    return "a contacts export, calendar or mailbox"
