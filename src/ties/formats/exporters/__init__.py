"""Records out: ties' JSON (lossless, versioned), CSV for spreadsheets, vCard 4.0 and a
Markdown dossier. Exporters never read the database: `queries.export_data` hands them
plain data. Which fields of a person each writes, under which name and where, comes from
the field spec (`ties.core.personfields`), read on every export.

Text is exported safe to open anywhere: JSON spells control and bidi characters as \\u
escapes (the same data, so the round trip stays lossless); CSV, vCard and Markdown show
them as visible escapes such as \\x1b (`ties.core.text.safe`), and CSV cells a spreadsheet
would run as formulas are neutralised."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from ties.core import dates, personfields
from ties.core.fields import value_of
from ties.core.text import FORMULA_START, plural, safe, safe_json

JSON_VERSION = 1


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _listed(p: dict, kind: str) -> list[str]:
    """Every address (or number) of `kind`, the primary first."""
    return list(p.get(f"{kind}s") or ([p[kind]] if p.get(kind) else []))


def person_record(p: dict) -> dict:
    """A person as the JSON export holds them: each exported field under its JSON key, and
    after "email" and "phone" (the primary, as in every version) "emails" and "phones", all
    of them."""
    out = {}
    for f in personfields.SPEC:
        if f.exported:
            out[f.json_key] = _iso(value_of(f, p))
            if f.repeatable:
                out[f"{f.json_key}s"] = _listed(p, f.name)
    if p.get("jobs"):  # their earlier jobs, oldest first (only when they have any)
        out["jobs"] = [{k: _iso(v) for k, v in job.items()} for job in p["jobs"]]
    if p.get("imported"):  # what each kind of file last brought them
        out["imported"] = p["imported"]
    if p.get("deleted"):  # the keys of imported interactions with them you deleted
        out["deleted"] = p["deleted"]
    return out


def to_json(data: dict, exported_at: datetime) -> str:
    doc = {
        "format": "ties",
        "version": JSON_VERSION,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "settings": data["settings"],
        "people": [person_record(p) for p in data["people"]],
        "interactions": [{k: _iso(v) for k, v in i.items()} for i in data["interactions"]],
        "follow_ups": [{k: _iso(v) for k, v in f.items()} for f in data["follow_ups"]],
        # The highest id of each kind the store ever gave out: a restore from this file
        # never gives one of them out again (ties.storage.ids).
        "last_ids": data.get("last_ids", {}),
    }
    return safe_json(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


# The primary stays alone in "email" and "phone" (a mail merge reads one address); the
# others follow in one cell each, joined as Google joins them (ties' CSV import reads both).
FURTHER = {"email": "other_emails", "phone": "other_phones"}
JOINED = " ::: "
DANGEROUS = FORMULA_START


def csv_header() -> tuple[str, ...]:
    """The CSV export's columns: the spec's, each repeatable field's followed by the
    column of its further values."""
    out: list[str] = []
    for column in personfields.csv_columns():
        out.append(column)
        if column in FURTHER:
            out.append(FURTHER[column])
    return tuple(out)


def neutralise(cell: str) -> str:
    """OWASP CSV injection guidance: a cell a spreadsheet would run as a formula gets a
    leading apostrophe (ties' own CSV import takes it off again). So does a cell that
    already starts with apostrophes before such a character, so that the import, which
    takes one off, gives it back as it was."""
    first = cell.lstrip("'")[:1]
    return "'" + cell if first and first in DANGEROUS else cell


def _csv_cell(f: personfields.PersonField, p: dict):
    """A field as a spreadsheet shows it: tags joined, a cadence in words (3w), a flag as
    yes or nothing, dates as ISO text."""
    value = value_of(f, p)
    if f.kind == "tags":
        return ", ".join(value or [])
    if f.kind == "duration":
        return dates.format_duration(value) if value else ""
    if f.kind == "flag":
        return "yes" if value else ""
    return _iso(value)


def to_csv(data: dict) -> str:
    columns = csv_header()
    exported = [f for f in personfields.SPEC if f.exported and f.csv_export]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for p in data["people"]:
        row = []
        for f in exported:
            row.append(_csv_cell(f, p))
            if f.repeatable:
                row.append(JOINED.join(_listed(p, f.name)[1:]))
        row += [_iso(p.get("last_contact")), p["interactions"]]  # personfields.CSV_EXTRA
        writer.writerow([neutralise("" if cell is None else safe(cell)) for cell in row])
    return buffer.getvalue()


def _escape(value: str) -> str:
    return (safe(value.replace("\r\n", "\n")).replace("\\", "\\\\").replace(",", "\\,")
            .replace(";", "\\;").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (RFC 6350 3.2)."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


# The order of a card's properties after its name (RFC 6350 leaves it free; ties keeps
# one, so an export is the same every time). Which field fills each: personfields `vcard`.
VCARD_ORDER = ("ORG", "TITLE", "EMAIL", "TEL", "URL", "ADR", "BDAY", "CATEGORIES", "NOTE")


def _property(f: personfields.PersonField) -> str:
    return f.vcard.split(":")[0].split(";")[0] if f.vcard else ""


def _vcard_lines(f: personfields.PersonField, p: dict) -> list[str]:
    """The property lines of one field: none without a value, one per value of a
    repeatable field (the primary first, marked PREF=1)."""
    if f.repeatable:
        name, _, template = f.vcard.partition(":")
        return [f"{name}{';PREF=1' if n == 0 else ''}:{_escape(value)}"
                for n, value in enumerate(_listed(p, f.name))]
    line = _vcard_line(f, p)
    return [line] if line else []


def _vcard_line(f: personfields.PersonField, p: dict) -> str | None:
    """The property line of one field with a value, or None."""
    if f.kind == "month-day":
        if not p.get("birthday_month"):
            return None
        y, m, d = p["birthday_year"], p["birthday_month"], p["birthday_day"]
        return f"{f.vcard}:{y:04d}{m:02d}{d:02d}" if y else f"{f.vcard}:--{m:02d}{d:02d}"
    value = value_of(f, p)
    if not value:
        return None
    if f.kind == "tags":
        shown = ",".join(_escape(t) for t in value)
    elif f.kind == "url":
        shown = safe(value)
    else:
        shown = _escape(value)
    name, _, template = f.vcard.partition(":")
    return f"{name}:{template.format(shown) if template else shown}"


def _vcard_note(p: dict) -> str | None:
    """The notes, then a "Label: value" line for each field vCard has no property for
    (what to remember, then the facts: personfields `vcard` "NOTE:Label")."""
    labelled = {f.name: value_of(f, p) for f in personfields.vcard_labelled()}
    body = [value_of(f, p) for f in personfields.SPEC if f.vcard == "NOTE"]
    return "\n\n".join(x for x in (*body, personfields.vcard_note_lines(labelled)) if x) or None


def _vcard_extensions(p: dict) -> list[str]:
    """Each field vCard has no property for, once more as ties' own extension property
    (`X-TIES-WORKING-ON`), which ties' reader takes back as the field: the NOTE's lines are
    for people, and a NOTE holding every field could outgrow what a note may hold."""
    return [f"{f.vcard_extension}:{_escape(value_of(f, p))}"
            for f in personfields.vcard_labelled() if value_of(f, p)]


def to_vcard(data: dict) -> str:
    fields = sorted((f for f in personfields.SPEC if f.vcard and _property(f) != "NOTE"),
                    key=lambda f: VCARD_ORDER.index(_property(f)))
    cards = []
    for p in data["people"]:
        words = p["name"].split()
        family, given = (words[-1], " ".join(words[:-1])) if len(words) > 1 else (p["name"], "")
        lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{_escape(p['name'])}",
                 f"N:{_escape(family)};{_escape(given)};;;"]
        lines += [line for f in fields for line in _vcard_lines(f, p)]
        note = _vcard_note(p)
        if note:
            lines.append(f"NOTE:{_escape(note)}")
        lines += _vcard_extensions(p)
        lines.append("END:VCARD")
        cards.append("\r\n".join(_fold(line) for line in lines))
    return "\r\n".join(cards) + ("\r\n" if cards else "")


def _markdown(f: personfields.PersonField, p: dict):
    if f.repeatable:
        return ", ".join(_listed(p, f.name)) or None
    value = value_of(f, p)
    return ", ".join(value or []) if f.kind == "tags" else _iso(value)


def to_markdown(data: dict, today: date) -> str:
    """A readable dossier: one section per person with profile, what to remember, promises
    and history (newest first)."""
    by_person: dict[int, list[dict]] = {}
    names = {p["id"]: p["name"] for p in data["people"]}
    for item in data["interactions"]:
        for pid in item["people"]:
            by_person.setdefault(pid, []).append(item)
    promises: dict[int, list[dict]] = {}
    for f in data["follow_ups"]:
        promises.setdefault(f["person"], []).append(f)
    out = [f"# ties: {plural(len(data['people']), 'person', 'people')}", ""]
    for p in data["people"]:
        out += [f"## {safe(p['name'])}", ""]
        facts = [("Type", p.get("type") or "untyped"), ("Work", " at ".join(
            x for f in personfields.shown("work") if (x := value_of(f, p))))]
        facts += [(f.title, _markdown(f, p)) for f in personfields.shown("facts")
                  if f.markdown]
        facts.append(("Archived", "yes" if p.get("archived") else None))
        out += [f"- **{label}:** {safe(value)}" for label, value in facts if value]
        remember = [(f.title, value_of(f, p)) for f in personfields.shown("remember")
                    if value_of(f, p)]
        if remember:
            out += ["", "### What to remember", ""]
            out += [f"- **{label}:** {safe(value)}" for label, value in remember]
        open_promises = [f for f in promises.get(p["id"], []) if not f.get("done")]
        if open_promises:
            out += ["", "### Promised", ""]
            out += [f"- {safe(f['text'])}" + (f" (due {_iso(f['due'])})" if f.get("due") else "")
                    for f in open_promises]
        history = sorted(by_person.get(p["id"], []), key=lambda i: (i["date"], i["id"]),
                         reverse=True)
        out += ["", f"### History ({len(history)})", ""]
        for item in history:
            others = [safe(names[o]) for o in item["people"] if o != p["id"]]
            extra = [w for w, flag in (("gave", item["gave"]), ("received", item["received"]),
                                       ("they reached out", item["they_reached_out"])) if flag]
            if others:
                extra.append("with " + ", ".join(others))
            line = f"- {_iso(item['date'])}, {safe(item['channel'])}"
            if item.get("note"):
                line += f": {safe(item['note'])}"
            if extra:
                line += f" ({'; '.join(extra)})"
            out.append(line)
        if not history:
            out.append("- none yet")
        out.append("")
    return "\n".join(out)
