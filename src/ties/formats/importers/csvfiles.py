"""CSV exports: LinkedIn Connections.csv, Google Contacts (both layouts), generic CSV.

Columns are always found by their header names, never by position, and the header row is
found by its names, never by a fixed line count (LinkedIn puts a preamble of varying
length before it).
"""

from __future__ import annotations

import csv
import functools
import io
import re

from ties.core import personfields
from ties.formats.importers import BadFile, Parsed, build

csv.field_size_limit(1_000_000)

LINKEDIN_REQUIRED = {"first name", "last name", "connected on"}
GOOGLE_CURRENT = {"first name", "last name", "labels"}
GOOGLE_LEGACY = {"name", "given name", "family name", "group membership"}

# Generic CSV: each field and the header names that mean it (compared folded).
GENERIC = personfields.CSV_HEADERS


def rows(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise BadFile(f"The file is not valid CSV ({exc}). Nothing was imported.") from None


def _key(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').lower().split())


def _header_index(rows: list[list[str]], required: set[str], scan: int = 50) -> int | None:
    for i, row in enumerate(rows[:scan]):
        if required <= {_key(c) for c in row}:
            return i
    return None


@functools.lru_cache(maxsize=1)
def head_rows(head: str) -> tuple[list[str], ...]:
    """The rows of the start of a file, parsed once for every layout's detector."""
    return tuple(rows(head))


def _is_linkedin(head: tuple[list[str], ...]) -> bool:
    return _header_index(list(head), LINKEDIN_REQUIRED) is not None


def _is_google(head: tuple[list[str], ...]) -> bool:
    return _header_index(list(head), GOOGLE_CURRENT, 1) is not None or \
        _header_index(list(head), GOOGLE_LEGACY, 1) is not None


def _is_generic(head: tuple[list[str], ...]) -> bool:
    return bool(head) and any(_key(c) in GENERIC["name"] + GENERIC["first"] for c in head[0])


def _cell(value: str) -> str:
    """Undo the apostrophe that CSV exports (ties' own included) put before a cell a
    spreadsheet would run as a formula."""
    from ties.core.text import FORMULA_START

    rest = value.lstrip("'")  # any apostrophes before it: the export added one more
    if rest != value and rest[:1] in FORMULA_START and rest[:1]:
        return value[1:]
    return value


def _table(rows: list[list[str]], header: int):
    """Each row after the header as {column name: cell}. A column named twice takes its
    last cell; a name whose column a short row lacks is absent (reading it as "" is the
    same). Each row costs its own length, not the header's: a long header over many
    short rows stays linear."""
    names = [_key(c) for c in rows[header]]
    last = {name: i for i, name in enumerate(names) if name}
    columns = sorted((i, name) for name, i in last.items())
    for number in range(header + 1, len(rows)):
        row = rows[number]
        if not any(cell.strip() for cell in row):
            continue
        width = len(row)
        cells = {}
        for i, name in columns:
            if i >= width:
                break
            cells[name] = _cell(row[i])
        yield number + 1, cells


def _linkedin(rows: list[list[str]], source: str) -> Parsed:
    header = _header_index(rows, LINKEDIN_REQUIRED)
    if header is None:
        raise BadFile(f"{source} has no LinkedIn header (First Name, Last Name, ..., Connected "
                      "On). Export it again from LinkedIn, or give another --format.")
    parsed = Parsed(format="linkedin")
    for number, cells in _table(rows, header):
        name = " ".join(p.strip() for p in (cells.get("first name", ""),
                                            cells.get("last name", "")) if p.strip())
        build(parsed, name, f"row {number}", {
            "linkedin": cells.get("url"), "email": cells.get("email address"),
            "company": cells.get("company"), "role": cells.get("position"),
            "connected_on": cells.get("connected on"),
        }, [])
    return parsed


def _google(rows: list[list[str]], source: str) -> Parsed:
    header = _header_index(rows, GOOGLE_CURRENT, 1)
    legacy = header is None
    if legacy:
        header = _header_index(rows, GOOGLE_LEGACY, 1)
    if header is None:
        raise BadFile(f"{source} is not a Google Contacts export (no First Name/Last Name/Labels "
                      "or Name/Given Name/Group Membership header).")
    parsed = Parsed(format="google")
    for number, cells in _table(rows, header):
        if legacy:
            name = cells.get("name") or _join(cells, "given name", "additional name",
                                              "family name")
            company = _first(cells, r"organization \d+ - name")
            role = _first(cells, r"organization \d+ - title")
            labels = cells.get("group membership", "")
        else:
            name = _join(cells, "first name", "middle name", "last name") or \
                cells.get("nickname", "") or cells.get("file as", "")
            company = cells.get("organization name") or _first(cells,
                                                              r"organization \d+ - name")
            role = cells.get("organization title") or _first(cells, r"organization \d+ - title")
            labels = cells.get("labels", "")
        website = [v for v in _all(cells, r"website \d+ - value") if "linkedin.com" in v.lower()]
        # Google marks its own groups with "* " (* myContacts, * starred, * My Contacts).
        tags = [t.strip() for t in labels.split(":::")
                if t.strip() and not t.strip().startswith("*")]
        location = _first(cells, r"address \d+ - city") or _first(cells,
                                                                  r"address \d+ - country")
        build(parsed, name, f"row {number}", {
            "email": _all(cells, r"e-mail \d+ - value"),
            "phone": _all(cells, r"phone \d+ - value"),
            "company": company, "role": role, "location": location,
            "birthday": cells.get("birthday"), "notes": cells.get("notes"),
            "linkedin": website[0] if website else None,
        }, tags)
    return parsed


# The columns a ties CSV export gives a person's further addresses in (" ::: " between).
FURTHER = {"email": ("other_emails", "other emails"),
           "phone": ("other_phones", "other phones")}


def _generic(rows: list[list[str]], source: str) -> Parsed:
    if not rows:
        raise BadFile(f"{source} is empty.")
    names = [_key(c) for c in rows[0]]
    column = {}
    for field_name, aliases in GENERIC.items():
        for alias in aliases:
            if alias in names:
                column[field_name] = alias
                break
    if "name" not in column and "first" not in column:
        raise BadFile(f"{source} has no name column. Name one 'name' (or 'first name' and "
                      "'last name'); docs/import.md lists every column ties reads.")
    parsed = Parsed(format="csv")
    for number, cells in _table(rows, 0):
        get = {f: cells.get(alias, "") for f, alias in column.items()}
        name = get.get("name") or " ".join(p for p in (get.get("first", "").strip(),
                                                       get.get("last", "").strip()) if p)
        raw = {k: v for k, v in get.items() if k not in ("name", "first", "last", "tags")}
        for kind, headers in FURTHER.items():  # a ties export's further addresses
            for header in headers:
                if cells.get(header, "").strip():
                    raw[kind] = [raw.get(kind) or "", *cells[header].split(":::")]
        tags = re.split(r"[,;|]|:::", get.get("tags", "")) if get.get("tags") else []
        build(parsed, name, f"row {number}", raw, tags)
    return parsed


def _join(cells: dict, *keys: str) -> str:
    return " ".join(cells.get(k, "").strip() for k in keys if cells.get(k, "").strip())


def _all(cells: dict, pattern: str) -> list[str]:
    regex = re.compile(pattern)
    values = []
    # In the columns' numbered order: "E-mail 2" before "E-mail 10".
    for key in sorted((k for k in cells if regex.fullmatch(k)),
                      key=lambda k: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", k)]):
        values += [v.strip() for v in cells[key].split(":::") if v.strip()]
    return values


def _first(cells: dict, pattern: str) -> str | None:
    found = _all(cells, pattern)
    return found[0] if found else None


# Each layout's detector and reader, by the name ties.formats registers it under.
SNIFFERS = {"linkedin": _is_linkedin, "google": _is_google, "csv": _is_generic}
LAYOUTS = {"linkedin": _linkedin, "google": _google, "csv": _generic}
