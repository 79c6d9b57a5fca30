"""Every file format ties reads or writes, registered once.

A format is a reader (text, or bytes for one that `reads_bytes`, -> `importers.Parsed`:
records of people and, for ties' own JSON, their interactions, follow-ups and settings),
a writer (the store's export data -> text), or both, and a detector that recognises it
from the start of a file. `ties import` and `ties export` take their `--format` choices,
help, shell completion, detection and dispatch from `REGISTRY` and nowhere else: a new
format (a calendar, say) is one `register(Format(...))` call and the reader and writer it
names.

Light by design: importing this module imports no reader, writer or database code (the
CLI builds its options from it at start-up); each reader and writer is imported when
it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ties.core.records import Sightings
    from ties.formats.importers import Parsed

# (text, source, today); a format that `reads_bytes` is given the file's bytes instead
# (UTF-16 already made UTF-8), to decode value by value.
Reader = Callable[[Any, str, "date | None"], "Parsed"]
Writer = Callable[[dict, date, datetime], str]  # (export data, today, now)
Detector = Callable[[str], bool]  # the start of a file, BOM and blank lines stripped


@dataclass(frozen=True)
class Format:
    name: str  # as `ties import --format` takes it and `ties imports` shows it
    title: str  # in messages: "a {title}"
    reader: Reader | None = None
    writer: Writer | None = None
    detector: Detector | None = None  # tried in registration order; None: only by --format
    written_as: str | None = None  # the name `ties export --format` takes, when not `name`
    note: str = ""  # said after its name in `ties export --help`
    # ties' own export: a backup, read whole or not at all (no --skip-invalid), keeping
    # ids, interactions, follow-ups and settings.
    lossless: bool = False
    # Recognised only when no other format is (generic CSV: a LinkedIn or Google export is
    # also a CSV with a name column).
    fallback: bool = False
    # What a file of this format has that another lacks, said when --format names it for
    # a file without it ("no BEGIN:VCARD").
    expects: str = ""
    # The reader takes the file's bytes, not its text: vCard decodes each value in the
    # charset it names (detection still looks at the text).
    reads_bytes: bool = False
    # A calendar or a mailbox: the reader gives `records.Sightings` (meetings and messages,
    # matched to people by `reconcile.plan_sightings`), not people. It is called as
    # reader(data, me=..., today=..., max_others=..., source=..., progress=..., now=...)
    # (now: this instant, aware; an event counts once it has started by it), with the
    # file's bytes, or with its path for one that `reads_path` (a mailbox: GBs, read as
    # it goes; a Maildir is a folder).
    sightings: bool = False
    reads_path: bool = False
    # The writer also shows this week's suggestions: `ties export` puts them in the data
    # as "this_week" (views.this_week's items), so the writer never ranks anyone itself.
    this_week: bool = False

    @property
    def export_name(self) -> str:
        return self.written_as or self.name


REGISTRY: list[Format] = []


def register(fmt: Format) -> Format:
    """Add a format; a name already taken (for reading or for writing) is a bug."""
    taken = {f.name for f in REGISTRY} | {f.export_name for f in REGISTRY if f.writer}
    if fmt.name in taken or (fmt.writer and fmt.export_name in taken - {fmt.name}):
        raise ValueError(f"format {fmt.name!r} is registered twice")
    REGISTRY.append(fmt)
    return fmt


def readable() -> list[Format]:
    return [f for f in REGISTRY if f.reader is not None]


def writable() -> list[Format]:
    return [f for f in REGISTRY if f.writer is not None]


def import_names() -> list[str]:
    return [f.name for f in readable()]


def export_names() -> list[str]:
    return [f.export_name for f in writable()]


def reader_named(name: str) -> Format | None:
    return next((f for f in readable() if f.name == name), None)


def writer_named(name: str) -> Format | None:
    return next((f for f in writable() if f.export_name == name), None)


def detect(head: str) -> Format | None:
    """The first registered reader whose detector recognises `head`, fallbacks last."""
    ordered = sorted(readable(), key=lambda f: f.fallback)  # stable: registration order
    return next((f for f in ordered if f.detector is not None and f.detector(head)), None)


def spoken(names: list[str]) -> str:
    """'a, b or c'"""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def import_help() -> str:
    return f"auto (from the content), {spoken(import_names())}."


def export_help() -> str:
    return spoken([f"{f.export_name} ({f.note})" if f.note else f.export_name
                   for f in writable()]) + "."


def complete_import(incomplete: str) -> list[str]:
    return [n for n in ("auto", *import_names()) if n.startswith(incomplete)]


def complete_export(incomplete: str) -> list[str]:
    return [n for n in export_names() if n.startswith(incomplete)]


# The built-in formats -------------------------------------------------------------------
# Readers and writers import their modules when called, so that this module stays light.

def _read_ties(text: str, source: str, today: date | None) -> Parsed:
    from ties.formats.importers import tiesjson

    return tiesjson.parse(text, source, today)


def _write_ties(data: dict, today: date, now: datetime) -> str:
    from ties.formats import exporters

    return exporters.to_json(data, now)


def _is_ties(head: str) -> bool:
    return head.startswith("{")


def _read_vcard(data: bytes, source: str, today: date | None) -> Parsed:
    from ties.formats.importers import vcard

    return vcard.parse(data)


def _write_vcard(data: dict, today: date, now: datetime) -> str:
    from ties.formats import exporters

    return exporters.to_vcard(data)


def _is_vcard(head: str) -> bool:
    return "BEGIN:VCARD" in head[:4096].upper()


def _csv_reader(layout: str) -> Reader:
    def read(text: str, source: str, today: date | None) -> Parsed:
        from ties.formats.importers import csvfiles

        return csvfiles.read(layout, text, source, today)
    return read


def _csv_detector(layout: str) -> Detector:
    def detects(head: str) -> bool:
        from ties.formats.importers import csvfiles

        return csvfiles.SNIFFERS[layout](csvfiles.head_rows(head))
    return detects


def _write_csv(data: dict, today: date, now: datetime) -> str:
    from ties.formats import exporters

    return exporters.to_csv(data)


def _write_markdown(data: dict, today: date, now: datetime) -> str:
    from ties.formats import exporters

    return exporters.to_markdown(data, today)


def _read_calendar(data: bytes, *, me, today: date, max_others: int, source: str,
                   progress=None, now: datetime | None = None) -> Sightings:
    from ties.formats.importers import calendar

    return calendar.read(data, me, today, max_others=max_others, source=source, now=now,
                         progress=progress)


def _is_calendar(head: str) -> bool:
    return head[:4096].upper().lstrip().startswith("BEGIN:VCALENDAR")


def _read_mail(path, *, me, today: date, max_others: int, source: str,
               progress=None, now: datetime | None = None) -> Sightings:
    from pathlib import Path

    from ties.formats.importers import empty_file, is_empty, mail

    # An empty file is an empty mailbox to the reader (Thunderbird's empty folder); an
    # import of it is refused as empty, as the detection refuses it without --format.
    if Path(path).is_file():
        with open(path, "rb") as stream:
            if is_empty(stream.read(65536)):
                raise empty_file(source)
    return mail.read(path, me, today, max_others=max_others, progress=progress)


def _is_mbox(head: str) -> bool:
    """An mbox file starts with its first message's 'From ' line, then a header; a saved
    message (.eml) with its header block."""
    from ties.formats.importers import mail

    data = head.encode("utf-8", "surrogateescape")
    return mail.looks_like_mbox(data) or mail.looks_like_message(data)


register(Format("ties", "ties JSON export", _read_ties, _write_ties, _is_ties,
                written_as="json", note="lossless, re-importable", lossless=True,
                expects='no "format": "ties"'))
register(Format("csv", "CSV", _csv_reader("csv"), _write_csv, _csv_detector("csv"),
                fallback=True))
register(Format("vcard", "vCard", _read_vcard, _write_vcard, _is_vcard,
                expects="no BEGIN:VCARD", reads_bytes=True))
register(Format("linkedin", "LinkedIn", _csv_reader("linkedin"),
                detector=_csv_detector("linkedin")))
register(Format("google", "Google Contacts", _csv_reader("google"),
                detector=_csv_detector("google")))
register(Format("markdown", "Markdown", writer=_write_markdown))


def _write_ics(data: dict, today: date, now: datetime) -> str:
    from ties.formats.exporters import calendar

    return calendar.to_ics(data, today, now)


register(Format("ics", "calendar (.ics)", _read_calendar, _write_ics, _is_calendar,
                this_week=True, expects="no BEGIN:VCALENDAR", sightings=True,
                note="promises, birthdays and this week's suggestions, for a calendar app"))
register(Format("mail", "mailbox (mbox file or Maildir folder)", _read_mail,
                detector=_is_mbox, expects="no 'From ' line starting a message",
                sightings=True, reads_path=True))
