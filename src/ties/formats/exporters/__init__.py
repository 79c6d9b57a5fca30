"""Records out: ties' JSON (lossless, versioned), CSV for spreadsheets, vCard 4.0 and a
Markdown dossier. Exporters never read the database: `queries.export_data` hands them
plain data.

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
from ties.core.text import FORMULA_START, safe, safe_json

JSON_VERSION = 1

PERSON_KEYS = personfields.PERSON_KEYS


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
    """A person as ties JSON holds them: the spec's keys, and after "email" and "phone"
    (the primary, as in every version) "emails" and "phones", all of them."""
    out = {**p, "birthday": dates.birthday_of(p), "every_days": p.get("cadence_days")}
    record = {}
    for k in PERSON_KEYS:
        record[k] = _iso(out.get(k))
        if k in ("email", "phone"):
            record[f"{k}s"] = _listed(p, k)
    return record


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


CSV_COLUMNS = personfields.CSV_COLUMNS
# The primary stays alone in "email" and "phone" (a mail merge reads one address); the
# others follow in one cell each, joined as Google joins them (ties' CSV import reads both).
FURTHER = {"email": "other_emails", "phone": "other_phones"}
JOINED = " ::: "
DANGEROUS = FORMULA_START


def csv_header() -> tuple[str, ...]:
    out: list[str] = []
    for column in CSV_COLUMNS:
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


def to_csv(data: dict) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = csv_header()
    writer.writerow(header)
    for p in data["people"]:
        rec = person_record(p)
        row = {**rec, **{column: JOINED.join(_listed(p, kind)[1:])
                         for kind, column in FURTHER.items()},
               "tags": ", ".join(p["tags"]),
               "every": dates.format_duration(p["cadence_days"]) if p.get("cadence_days")
               else "", "archived": "yes" if p["archived"] else "",
               "last_contact": _iso(p.get("last_contact")), "interactions": p["interactions"]}
        writer.writerow([neutralise("" if row.get(c) is None else safe(row[c]))
                         for c in header])
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


def to_vcard(data: dict) -> str:
    cards = []
    for p in data["people"]:
        words = p["name"].split()
        family, given = (words[-1], " ".join(words[:-1])) if len(words) > 1 else (p["name"], "")
        lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{_escape(p['name'])}",
                 f"N:{_escape(family)};{_escape(given)};;;"]
        if p.get("company"):
            lines.append(f"ORG:{_escape(p['company'])}")
        if p.get("role"):
            lines.append(f"TITLE:{_escape(p['role'])}")
        for kind, prop in (("email", "EMAIL"), ("phone", "TEL")):  # the primary PREF=1
            for n, value in enumerate(_listed(p, kind)):
                lines.append(f"{prop}{';PREF=1' if n == 0 else ''}:{_escape(value)}")
        if p.get("linkedin"):
            lines.append(f"URL;TYPE=linkedin:{safe(p['linkedin'])}")
        if p.get("location"):
            lines.append(f"ADR:;;;{_escape(p['location'])};;;")
        if p.get("birthday_month"):
            y, m, d = p["birthday_year"], p["birthday_month"], p["birthday_day"]
            lines.append(f"BDAY:{y:04d}{m:02d}{d:02d}" if y else f"BDAY:--{m:02d}{d:02d}")
        if p["tags"]:
            lines.append("CATEGORIES:" + ",".join(_escape(t) for t in p["tags"]))
        notes = "\n".join(f"{label}: {p[key]}" for label, key in (
            ("Working on", "working_on"), ("Struggles with", "struggles"),
            ("Cares about", "cares_about"), ("Met", "met")) if p.get(key))
        body = "\n\n".join(x for x in (p.get("notes"), notes) if x)
        if body:
            lines.append(f"NOTE:{_escape(body)}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(_fold(line) for line in lines))
    return "\r\n".join(cards) + ("\r\n" if cards else "")


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
    out = [f"# ties: {len(data['people'])} people", ""]
    for p in data["people"]:
        out += [f"## {safe(p['name'])}", ""]
        facts = [("Type", p.get("type") or "untyped"),
                 ("Work", " at ".join(x for x in (p.get("role"), p.get("company")) if x)),
                 ("Industry", p.get("industry")), ("Location", p.get("location")),
                 ("Email", ", ".join(_listed(p, "email"))),
                 ("Phone", ", ".join(_listed(p, "phone"))),
                 ("LinkedIn", p.get("linkedin")), ("Tags", ", ".join(p["tags"])),
                 ("Met", p.get("met")), ("Added", _iso(p.get("created"))),
                 ("Archived", "yes" if p.get("archived") else None)]
        out += [f"- **{label}:** {safe(value)}" for label, value in facts if value]
        remember = [(label, p.get(key)) for label, key in (
            ("Working on", "working_on"), ("Struggles with", "struggles"),
            ("Cares about", "cares_about"), ("Notes", "notes")) if p.get(key)]
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
