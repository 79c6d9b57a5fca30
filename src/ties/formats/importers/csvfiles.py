"""CSV exports: LinkedIn Connections.csv, Google Contacts (both layouts), generic CSV
(spreadsheets, Outlook, Thunderbird, Roundcube).

Columns are always found by their header names, never by position, and the header row is
found by its names, never by a fixed line count (LinkedIn puts a preamble of varying
length before it). The delimiter is sniffed the same way: comma, semicolon (Excel in most
of Europe) or tab, whichever makes the most known column names, or what a `sep=;` first
line says. Dates are read the way the file writes them (`ties.core.dates.file_date`): day
first or month first is decided once per file, and said when it had to be assumed.
"""

from __future__ import annotations

import csv
import functools
import io
import re

from ties.core import dates, personfields
from ties.formats.importers import BadFile, NotThisFormat, Parsed, build

csv.field_size_limit(1_000_000)

# A LinkedIn header has these two at least (Excel users delete Last Name, and LinkedIn
# leaves it empty for some members); the others are read when present.
LINKEDIN_REQUIRED = {"first name", "connected on"}
LINKEDIN_COLUMNS = ("first name", "last name", "url", "email address", "company", "position",
                    "connected on")
GOOGLE_CURRENT = {"first name", "last name", "labels"}
GOOGLE_LEGACY = {"name", "given name", "family name", "group membership"}

# Generic CSV: each field and the header names that mean it (compared folded), as
# ties.core.personfields has them (read on each import: `personfields.csv_headers()`).


DELIMITERS = (",", ";", "\t")
_SEP_LINE = re.compile(r'"?sep=(.)"?[,;\t]*')
# Columns of generic CSV beyond the one-name-each aliases of personfields.
_EMAIL = re.compile(r"(?:(?P<kind>primary|secondary|work|home|other|personal|business|private)"
                    r"\s+)?e-?mail(?:\s*(?P<n>\d+))?(?:\s+address)?"
                    r"(?:\s+(?:home|work|other|personal|private|\d+))?|mail")
_PHONE = re.compile(r"(?:(?P<kind>primary|mobile|cell|work|business|home|other|car"
                    r"|company main|private)\s+)?(?:phone|telephone|tel)(?:\s+number)?"
                    r"(?:\s+\d+)?|(?:phone|tel)\s+(?P<after>home|work|mobile|cell|other)"
                    r"|(?:(?:home|work|business|private)\s+)?(?P<alone>mobile|cell)"
                    r"(?:\s+(?:number|phone))?")
_PHONE_RANK = {"primary": 0, None: 0, "mobile": 1, "cell": 1, "work": 2, "business": 2,
               "company main": 2, "home": 3, "private": 3}
_GOOGLE_STYLE = re.compile(r"(?:e-mail|phone|organization|address|website|relation|event)"
                           r" \d+ - \w+")
_WEB_PAGE = re.compile(r"(?:(?:business|work|home|personal|other)\s+)?(?:web ?page|website|"
                       r"homepage)(?:\s*\d+)?(?:\s+(?:address|home|work|other))?")
_CITY = ("business city", "work city", "home city", "other city")
_BIRTH_PARTS = ("birth year", "birth month", "birth day")


def _known_headers() -> frozenset[str]:
    names = {n for aliases in personfields.CSV_HEADERS.values() for n in aliases}
    names |= set(LINKEDIN_COLUMNS) | GOOGLE_CURRENT | GOOGLE_LEGACY
    names |= {"middle name", "categories", "department", "nickname", *_CITY, *_BIRTH_PARTS}
    return frozenset(names)


KNOWN_HEADERS = _known_headers()
# "connectedon" -> "connected on"; never a name that is itself known ("birthday" is not
# Thunderbird's "birth day").
_COMPACT = {name.replace(" ", ""): name for name in KNOWN_HEADERS
            if " " in name and name.replace(" ", "") not in KNOWN_HEADERS}


def _known(cell: str) -> bool:
    key = _key(cell)
    return key in KNOWN_HEADERS or bool(_EMAIL.fullmatch(key) or _PHONE.fullmatch(key)
                                        or _GOOGLE_STYLE.fullmatch(key))


def _sep_line(text: str) -> str | None:
    """The delimiter a `sep=;` first line (Excel's) names, or None."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    m = _SEP_LINE.fullmatch(first)
    return m[1] if m else None


def _first_rows(text: str, delimiter: str, count: int = 50) -> list[list[str]]:
    found = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            found.append(row)
            if len(found) >= count:
                break
    except csv.Error:  # the sample ends inside a quoted cell, or it is not this dialect
        pass
    return found


def dialect(text: str) -> str:
    """The file's delimiter: what a `sep=` first line says; else comma, semicolon or tab,
    whichever finds the most known column names in one row of the first 50 (LinkedIn's
    preamble comes first), then the one that splits the first row into most cells; comma
    when nothing tells."""
    named = _sep_line(text)
    if named is not None:
        return named
    head = text[:65536]

    def score(delimiter: str) -> tuple[int, int]:
        found = _first_rows(head, delimiter)
        known = max((sum(_known(c) for c in row) for row in found), default=0)
        return known, len(found[0]) if found else 0

    return max(DELIMITERS, key=score)  # max keeps the first of equals: comma


def rows(text: str, delimiter: str | None = None) -> list[list[str]]:
    """The file's rows, split by its delimiter (sniffed when not given). A `sep=` first
    line is an empty row, so that row numbers still count the file's rows."""
    delimiter = delimiter or dialect(text)
    try:
        found = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise BadFile(f"The file is not valid CSV ({exc}). Nothing was imported.") from None
    if found and _sep_line(text) is not None:
        found[0] = []
    return found


def _key(cell: str) -> str:
    """A column name as ties compares it: folded, spaces collapsed, and a known name written
    without its spaces ("ConnectedOn", "FirstName", as some LinkedIn exports have them)
    spelled with them."""
    key = " ".join(cell.replace("\ufeff", "").strip().strip('"').lower().split())
    return _COMPACT.get(key, key) if " " not in key else key


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
    return _linkedin_header(list(head)) is not None


def _linkedin_header(rows: list[list[str]]) -> int | None:
    """The row of LinkedIn's header: First Name and Connected On; or, in a file whose
    owner deleted the names, Connected On beside another of LinkedIn's columns."""
    found = _header_index(rows, LINKEDIN_REQUIRED)
    if found is None:
        for i, row in enumerate(rows[:50]):
            keys = {_key(c) for c in row}
            if "connected on" in keys and len(keys & set(LINKEDIN_COLUMNS)) > 1:
                return i
    return found


def _is_google(head: tuple[list[str], ...]) -> bool:
    return _google_layout(list(head)) is not None


def _google_layout(rows: list[list[str]]) -> str | None:
    """'current' or 'legacy' when the first row is a Google Contacts header, else None.
    Told by the columns only Google writes, not by one optional column (an export of
    selected contacts, or a file a spreadsheet saved, may lack "Labels"): its name
    columns (First Name, or Given Name beside Name or Family Name) with "Labels" or
    "Group Membership", or with its numbered columns ("E-mail 1 - Value", "Organization
    1 - Name") or the current layout's "Organization Name" and "Organization Title". A
    generic CSV with a plain "E-mail" or "Company" column is none of these."""
    if not rows:
        return None
    keys = {_key(c) for c in rows[0]}
    numbered = any(_GOOGLE_STYLE.fullmatch(k) for k in keys)
    if "first name" in keys and ("labels" in keys or numbered
                                 or {"organization name", "organization title"} <= keys):
        return "current"
    if "given name" in keys and keys & {"name", "family name"} and (
            "group membership" in keys or numbered):
        return "legacy"
    return None


def _is_generic(head: tuple[list[str], ...]) -> bool:
    first = next((row for row in head if any(c.strip() for c in row)), [])
    return _has_name(first)


def _has_name(row: list[str]) -> bool:
    headers = personfields.csv_headers()
    return any(_key(c) in headers["name"] + headers["first"] for c in row)


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


class _Dates:
    """The file's dates, read one way throughout: day first or month first as the dates
    that can be read only one way say; else month first in a US-style file (comma
    separated, with 12-hour times as LinkedIn writes them, or Outlook's columns), day first
    in any other (Excel in most of Europe). Each dates a cell as ISO for `build`; a cell
    it does not read goes to `build` as it is, which reads it or names it invalid."""

    def __init__(self, today, texts: list[str], us_style: bool):
        self.today = today
        texts = [t for t in texts if t and t.strip()]
        seen = dates.date_orders(texts, today)
        order = seen.pop() if len(seen) == 1 else None
        self.mixed = len(seen) == 2  # 13/04/2021 and 04/13/2021 in one file
        twelve = any((d := dates.file_date(t, today)) is not None and d.twelve_hour
                     for t in texts)
        self.decided = order is not None
        self.day_first = order if order is not None else not (us_style or twelve)
        self.ambiguous: list[tuple[str, str, str, dates.FileDate]] = []

    def __call__(self, text: str | None, position: str, column: str, *,
                 year_needed: bool = False) -> str | None:
        if text is None or not text.strip() or dates.is_no_date(text):
            return None
        found = dates.file_date(text, self.today, day_first=self.day_first)
        if found is None or (year_needed and found.year is None):
            return text
        if found.ambiguous and not self.decided:
            self.ambiguous.append((position, column, text.strip(), found))
        return found.iso()

    def notes(self) -> list[str]:
        """One note for the file when some date could be read two ways: its first such
        date, both readings, the one taken, and why."""
        if not self.ambiguous:
            return []
        position, column, text, found = self.ambiguous[0]
        other = dates.FileDate(found.year, found.day, found.month)
        more = len(self.ambiguous) - 1
        order, why = ("day first", "as Excel writes dates in most of Europe") \
            if self.day_first else ("month first", "as US programs write them")
        also = "" if not more else ", and so was one more such date" if more == 1 else \
            f", and so were {more} more such dates"
        tell = ("The file's dates with a day over 12 disagree (some day first, some month "
                "first)" if self.mixed else "No date in the file has a day over 12 to tell")
        return [f"{position}, {column}: {text!r} could be {_spoken(found)} or "
                f"{_spoken(other)}; read {order} ({_spoken(found)}) {why}{also}. {tell}; "
                "check them, or write them as YYYY-MM-DD"]


def _spoken(d: dates.FileDate) -> str:
    from datetime import date

    month = date(2000, d.month, 1).strftime("%B")
    return f"{d.day} {month}" + (f" {d.year}" if d.year else "")


def _linkedin(rows: list[list[str]], source: str, today) -> Parsed:
    header = _linkedin_header(rows)
    if header is None:
        raise _not_linkedin(rows, source)
    if not {"first name", "last name"} & {_key(c) for c in rows[header]}:
        raise BadFile(f"{source} is a LinkedIn export without names (no First Name or Last "
                      "Name column), so ties can't tell who is who. Export it again from "
                      "LinkedIn, or put the names back. Nothing was imported.")
    parsed = Parsed(format="linkedin")
    names = {_key(c) for c in rows[header]}
    table = list(_table(rows, header))
    read_date = _Dates(today, [c.get("connected on", "") for _, c in table],
                       us_style=False)
    width = _width(rows[header])
    dated_last = _key(rows[header][width - 1]) == "connected on" if width else False
    for number, cells in table:
        name = " ".join(p.strip() for p in (cells.get("first name", ""),
                                            cells.get("last name", "")) if p.strip())
        row = rows[number - 1]
        if any("\n" in cell or "\r" in cell for cell in row):
            # no LinkedIn cell holds a line break: a quote opened and never closed took
            # the lines after it into this cell, so those rows would be lost unsaid
            raise BadFile(f"{source}: row {number} opens a quote (\") that is not closed, "
                          "so the lines after it were read into one cell. Close the quote, "
                          "or export the file again from LinkedIn, and import it again. "
                          "Nothing was imported.")
        cells_in_row = _cells_written(row, width, dated_last, today)
        if cells_in_row != width:
            # LinkedIn writes every cell of every row: one missing (or one too many, a
            # comma typed into a cell) shifts the rest, and a date would become a position
            parsed.skipped.append((f"row {number}" + (f" ({name})" if name else ""),
                                   _misshapen(cells_in_row, width)))
            continue
        count = len(parsed.records)
        build(parsed, name, f"row {number}", {
            "linkedin": cells.get("url"), "email": _linkedin_email(cells.get("email address")),
            "company": cells.get("company"), "role": cells.get("position"),
            "connected_on": read_date(cells.get("connected on"), f"row {number}",
                                      "connected on", year_needed=True),
        }, [])
        if len(parsed.records) > count and all(
                not cells.get(column, "").strip() for column in ("company", "position")) \
                and {"company", "position"} <= names:
            # LinkedIn fills both or neither: no current job shown (between jobs, or hidden)
            parsed.records[-1].emptied = ("company", "role")
    parsed.notes += read_date.notes()
    return parsed


def _width(row: list[str]) -> int:
    """A row's cells up to its last one written (the empty cells Excel may leave after
    the last column are none)."""
    width = len(row)
    while width and not row[width - 1].strip():
        width -= 1
    return width


def _cells_written(row: list[str], width: int, dated_last: bool, today) -> int:
    """How many cells a LinkedIn row holds against its header's `width`: its length when
    shorter (a cell deleted in a text editor), its cells up to the last one written when
    longer (a comma typed into a cell; empty cells after the last column are none), and
    one fewer than the header when its Connected On (the last column, `dated_last`) is
    empty but the cell before it is a date: a cell deleted in Excel with "shift left",
    which keeps the row's width."""
    if len(row) < width:
        return len(row)
    written = _width(row)
    if written > width:
        return written
    if dated_last and written == width - 1 and written \
            and dates.file_date(row[written - 1].strip(), today) is not None:
        return written
    return width


def _misshapen(cells: int, header: int) -> str:
    n = abs(header - cells)
    what = ("a cell" if n == 1 else f"{n} cells") + (" missing" if cells < header else
                                                      " too many")
    return (f"{cells} cells where the header has {header}: with {what}, ties can't tell "
            "which column is which; fix the row (or export it again from LinkedIn) and "
            "import the file again")


def _linkedin_email(value: str | None) -> str | None:
    """The Email Address cell, but the member id LinkedIn wrote there for some members in
    2018 ('urn:li:member:664293716'), which is no address."""
    return None if value is None or value.strip().lower().startswith("urn:li:") else value


def _not_linkedin(rows: list[list[str]], source: str) -> NotThisFormat:
    """What a file given as LinkedIn's lacks: the columns its likeliest header row (the
    one with most of LinkedIn's) does not have."""
    best = max(rows[:50], key=lambda r: len({_key(c) for c in r} & set(LINKEDIN_COLUMNS)),
               default=[])
    have = {_key(c) for c in best}
    missing = [c.title() for c in LINKEDIN_COLUMNS if c in LINKEDIN_REQUIRED - have]
    what = "no " + " and no ".join(f"'{c}'" for c in missing) + \
        f" column{'s' if len(missing) > 1 else ''}"
    return NotThisFormat(f"{source} has no LinkedIn header: {what} (LinkedIn's is First Name, "
                         "Last Name, URL, Email Address, Company, Position, Connected On). "
                         "Export it again from LinkedIn, or give another --format.", what)


def _google(rows: list[list[str]], source: str, today) -> Parsed:
    layout = _google_layout(rows)
    if layout is None:
        raise NotThisFormat(
            f"{source} is not a Google Contacts export (its first row has neither First "
            "Name nor Given Name beside Google's columns such as Labels or E-mail 1 - "
            "Value).", "no First Name or Given Name beside Google's columns")
    header, legacy = 0, layout == "legacy"
    parsed = Parsed(format="google")
    table = list(_table(rows, header))
    read_date = _Dates(today, [c.get("birthday", "") for _, c in table], us_style=False)
    for number, cells in table:
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
            "phone": _google_phones(cells),
            "company": company, "role": role, "location": location,
            "birthday": read_date(cells.get("birthday"), f"row {number}", "birthday"),
            "notes": cells.get("notes"),
            "linkedin": website[0] if website else None,
        }, tags)
    parsed.notes += read_date.notes()
    return parsed


# The columns a ties CSV export gives a person's further addresses in (" ::: " between).
FURTHER = {"email": ("other_emails", "other emails"),
           "phone": ("other_phones", "other phones")}


def _generic(rows: list[list[str]], source: str, today, delimiter: str = ",") -> Parsed:
    if not rows:
        raise BadFile(f"{source} is empty.")
    # The header is the first row with a name column (a sep= line, a preamble before it)
    header = next((i for i, row in enumerate(rows[:50]) if _has_name(row)), 0)
    names = [_key(c) for c in rows[header]]
    present = set(names)
    column = {}
    for field_name, aliases in personfields.csv_headers().items():
        if field_name in ("email", "phone"):
            continue  # every column of them, below
        for alias in aliases:
            if alias in present:
                column[field_name] = alias
                break
    # Outlook and Roundcube have both: "Title" is then the honorific (Mr., Dr.).
    if "job title" in present and column.get("role") == "title":
        column["role"] = "job title"
    if "tags" not in column and "categories" in present:
        column["tags"] = "categories"
    if "name" not in column and "first" not in column:
        raise NotThisFormat(f"{source} has no name column. Name one 'name' (or 'first name' "
                            "and 'last name'); docs/import.md lists every column ties reads.",
                            "no name column")
    emails = _ranked(names, _EMAIL, _email_rank)
    phones = _ranked(names, _PHONE, _phone_rank)
    cities = [c for c in _CITY if c in present]
    pages = [n for n in names if _WEB_PAGE.fullmatch(n)] if "linkedin" not in column else []
    outlook = bool(present & {"e-mail display name", "business phone", "e-mail 2 address"})
    parsed = Parsed(format="csv")
    table = list(_table(rows, header))
    read_date = _Dates(today, [c.get(column["birthday"], "") for _, c in table]
                       if "birthday" in column else [], us_style=outlook and delimiter == ",")
    for number, cells in table:
        get = {f: cells.get(alias, "") for f, alias in column.items()}
        first = " ".join(p for p in (get.get("first", "").strip(),
                                     cells.get("middle name", "").strip(),
                                     get.get("last", "").strip()) if p)
        name = get.get("name") or first or cells.get("nickname", "")
        raw = {k: v for k, v in get.items() if k not in ("name", "first", "last", "tags")}
        # Outlook writes an Exchange contact's directory name (/O=.../CN=...) where the
        # address goes, with E-mail Type "EX": no address, like LinkedIn's member ids.
        raw["email"] = [v for c in emails if not (v := cells.get(c, "")).lstrip()
                        .upper().startswith("/O=")]
        raw["phone"] = [cells.get(c, "") for c in phones]
        for kind, headers in FURTHER.items():  # a ties export's further addresses
            for header in headers:
                if cells.get(header, "").strip():
                    raw[kind] += cells[header].split(":::")
        if not raw.get("location"):
            raw["location"] = next((cells[c] for c in cities if cells.get(c, "").strip()), "")
        if pages:  # Outlook's Web Page, Thunderbird's Web Page 1 and 2: a LinkedIn profile
            raw["linkedin"] = next((cells[c] for c in pages
                                    if "linkedin.com/" in cells.get(c, "").lower()), "")
        position = f"row {number}"
        if "birthday" in column:
            raw["birthday"] = read_date(get.get("birthday"), position, column["birthday"])
        elif any(cells.get(c, "").strip() for c in _BIRTH_PARTS):
            raw["birthday"] = _birthday_parts(*(cells.get(c, "").strip()
                                                for c in _BIRTH_PARTS))
        tags = _tags(get.get("tags", ""))
        build(parsed, name, position, raw, tags)
    parsed.notes += read_date.notes()
    return parsed


def _ranked(names: list[str], pattern: re.Pattern, rank) -> list[str]:
    """The columns `pattern` matches, most preferred first (then in the file's order)."""
    found = [(rank(m), i, name) for i, name in enumerate(names)
             if name and (m := pattern.fullmatch(name))]
    return list(dict.fromkeys(name for *_, name in sorted(found)))


def _email_rank(m: re.Match) -> tuple[int, int]:
    """The primary (or only) address first, then numbered ones in order, then the rest:
    Outlook's E-mail, E-mail 2, E-mail 3; Thunderbird's Primary, Secondary Email."""
    primary = m["kind"] in (None, "primary") and m["n"] is None
    return (0 if primary else 1, int(m["n"] or 0))


def _phone_rank(m: re.Match) -> tuple[int, int]:
    """Outlook's Primary Phone (or a plain phone column) first, then mobile, work, home,
    and any other."""
    kind = m["kind"] or m["after"] or m["alone"]
    return (_PHONE_RANK.get(kind, 4), 0)


def _tags(cell: str) -> list[str]:
    """A tags cell: ties' own export joins tags with ", " (a tag may hold a comma or a
    semicolon, never a space), so a cell with ", " splits there only; any other splits on
    , ; | or Google's :::."""
    if not cell.strip():
        return []
    if ", " in cell:
        return cell.split(", ")
    return re.split(r"[,;|]|:::", cell)


def _birthday_parts(year: str, month: str, day: str) -> str:
    """Thunderbird's Birth Year, Birth Month and Birth Day as one birthday ('1990-04-12',
    or '--04-12' without a year); parts that are not numbers go to `build` as they are,
    which names them invalid."""
    if month.isdigit() and day.isdigit() and (year.isdigit() or not year):
        return f"{year}-{int(month):02d}-{int(day):02d}" if year else \
            f"--{int(month):02d}-{int(day):02d}"
    if year.isdigit() and not month and not day:
        return ""  # a birth year alone is no birthday ties can keep: nothing to refuse
    return " ".join(p for p in (year, month, day) if p)


def _google_phones(cells: dict) -> list[str]:
    """Every number of a Google row in its order, but faxes and pagers ("Phone 3 - Type":
    "Home Fax", "Pager"), which are no way to reach a person."""
    found = []
    for key in sorted((k for k in cells if re.fullmatch(r"phone \d+ - value", k)),
                      key=lambda k: int(k.split()[1])):
        kind = cells.get(key.replace("- value", "- type"), "").lower()
        if "fax" in kind or "pager" in kind:
            continue
        found += [v.strip() for v in cells[key].split(":::") if v.strip()]
    return found


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


def read(layout: str, text: str, source: str, today=None) -> Parsed:
    """The records of a CSV file in one of the layouts below, its delimiter sniffed."""
    delimiter = dialect(text)
    table = rows(text, delimiter)
    today = today or dates.today()
    if layout == "csv":
        return _generic(table, source, today, delimiter)
    return LAYOUTS[layout](table, source, today)


# Each layout's detector and reader, by the name ties.formats registers it under.
SNIFFERS = {"linkedin": _is_linkedin, "google": _is_google, "csv": _is_generic}
LAYOUTS = {"linkedin": _linkedin, "google": _google, "csv": _generic}
