"""Dates and durations as people type them, and as people like to read them.

Pure functions: "today" is always a parameter. Only `today()` (the date) and `now()`
(the instant, for timestamps) read the clock, and TIES_TODAY=YYYY-MM-DD pins the day for
tests, demos and reproducible docs: `now()` then falls on that day, at the real time of
day, so timestamps agree with the dates beside them and still advance.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ties.core.errors import BadDate

# The dates ties keeps lie between these bounds, whichever way they arrive (typed, imported
# or restored): nothing before 1900, nothing that happened after today, nothing due or
# snoozed more than a century ahead.
MIN_YEAR = 1900
EARLIEST = date(MIN_YEAR, 1, 1)
AHEAD_DAYS = 36_525  # 100 years
# The store's own rule: no date it holds lies after this year (storage/stored.py refuses a
# later one as damaged), which leaves room for the arithmetic `next` and `report` do.
LAST_YEAR = 9000
LAST_STORED = date(LAST_YEAR, 12, 31)
# The days TIES_TODAY may pin: every date a command computes from today (a meeting today,
# a due date or snooze up to a century ahead) then stays within what the store accepts.
FIRST_TODAY = EARLIEST
LAST_TODAY = LAST_STORED - timedelta(days=AHEAD_DAYS)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_UNIT_ALIASES = {
    "d": "day", "day": "day", "days": "day",
    "w": "week", "wk": "week", "wks": "week", "week": "week", "weeks": "week",
    "m": "month", "mo": "month", "mon": "month", "month": "month", "months": "month",
    "y": "year", "yr": "year", "yrs": "year", "year": "year", "years": "year",
}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_DURATION_FORMS = "30d, 3w, 2 weeks, 1 month, 1y"
MAX_DURATION_DAYS = 3650
# The longest text read as a date: "the 23rd of September 2025, 6:14 PM" is 36.
MAX_DATE_CHARS = 100


def today() -> date:
    """Today's date, or the one pinned by TIES_TODAY."""
    return _pinned() or date.today()


def now() -> datetime:
    """This instant in UTC, to the second: the one source of every timestamp ties keeps
    or prints (logged_at, updated_at, imports, backups and their file names).

    With TIES_TODAY set it is the same local time of day on the pinned day, so a store
    built on a pinned day is dated that day throughout, and stamps taken in one session
    still move forward (the 10-minute duplicate window keeps working)."""
    pinned = _pinned()
    local = datetime.now().astimezone()
    if pinned is not None:  # within FIRST_TODAY..LAST_TODAY, far from the calendar's ends
        local = datetime.combine(pinned, local.time().replace(tzinfo=None)).astimezone()
    return local.astimezone(UTC).replace(microsecond=0)


def _pinned() -> date | None:
    pinned = os.environ.get("TIES_TODAY")
    if not pinned:
        return None
    try:
        day = date.fromisoformat(pinned.strip())
    except ValueError:
        raise BadDate(
            f"TIES_TODAY={pinned!r} is not a date; set it as YYYY-MM-DD or unset it."
        ) from None
    if not FIRST_TODAY <= day <= LAST_TODAY:
        raise BadDate(
            f"TIES_TODAY={pinned!r} is outside the days ties can pin ({FIRST_TODAY} to "
            f"{LAST_TODAY}); set it within them or unset it."
        )
    return day


def _amount(word: str) -> int | None:
    word = word.lower()
    if word.isascii() and word.isdecimal():  # not '²' or '³': isdigit() says yes, int() no
        return int(word)
    return _NUMBER_WORDS.get(word)


def _shift(start: date, amount: int, unit: str) -> date:
    from dateutil.relativedelta import relativedelta

    if unit == "day":
        return start + timedelta(days=amount)
    if unit == "week":
        return start + timedelta(weeks=amount)
    if unit == "month":
        return start + relativedelta(months=amount)
    return start + relativedelta(years=amount)


_RELATIVE = re.compile(r"^(?P<n>\w+)\s*(?P<unit>[a-z]+)\s+ago$")
_IN = re.compile(r"^in\s+(?P<n>\w+)\s*(?P<unit>[a-z]+)$")


def date_forms(today: date, *, future: bool = False, after_today: bool = False) -> str:
    """Examples of dates ties reads, for a hint after an error: every one of them valid
    on `today` (an ISO date a week ago for the past, a week ahead for the future;
    `after_today` leaves out the two that can mean today)."""
    if future:
        ahead = today + timedelta(days=7) if today < date.max - timedelta(days=7) else today
        return (f"{ahead.isoformat()}, {'' if after_today else 'today, '}tomorrow, in 3 days, "
                f"in 2 weeks, {'' if after_today else 'friday, '}next friday, "
                f"{ahead.day} {ahead:%B}")
    back = today - timedelta(days=7) if today > date.min + timedelta(days=7) else today
    return (f"{back.isoformat()}, today, yesterday, 3 days ago, 2 weeks ago, friday, "
            f"last friday, {back.day} {back:%B}")


def parse_when(text: str, today: date, *, future: bool = False, option: str = "--on",
               past_ok: bool = False) -> date:
    """Read a date as a person types it.

    With future=False (something that already happened) a date after today is
    refused and a date without a year means the most recent past one. With
    future=True (a due date, a snooze) a date without a year means the next one,
    and a date before today is refused unless `past_ok` (a promise already overdue).
    """
    forms = date_forms(today, future=future)
    raw = (text or "").strip()
    s = " ".join(raw.lower().split())
    if not s:
        raise BadDate(f"{option} needs a date. Try one of: {forms}.")
    if len(s) > MAX_DATE_CHARS:  # no date is this long, and reading one costs its square
        raise BadDate(f"Can't read the date {raw[:20]!r}... ({len(raw):,} characters) for "
                      f"{option}. Try one of: {forms}.")
    result = _parse(s, today, future)
    if result is None:
        raise BadDate(f"Can't read the date {raw!r} for {option}. Try one of: {forms}.")
    if result.year < MIN_YEAR:
        raise BadDate(f"{raw!r} is before {MIN_YEAR}; check the year for {option}.")
    if not future and result > today:
        raise BadDate(
            f"{raw!r} is {result.isoformat()}, in the future; {option} is for something "
            f"that already happened. Try one of: {forms}."
        )
    if future and not past_ok and result < today:
        raise BadDate(
            f"{raw!r} is {result.isoformat()}, in the past; {option} needs today or later. "
            f"Try one of: {forms}."
        )
    if future and result > latest(today):
        raise BadDate(f"{raw!r} is {result.isoformat()}, more than 100 years ahead; check the "
                      f"year for {option}.")
    return result


def latest(today: date) -> date:
    """The latest date a due date or snooze may have."""
    try:
        return today + timedelta(days=AHEAD_DAYS)
    except OverflowError:  # TIES_TODAY pinned within a century of year 9999
        return date.max


def stored_date(value: object, today: date, *, past: bool) -> date:
    """A date as a file gives it (ISO YYYY-MM-DD), within the bounds every date ties keeps
    is held to: from 1900 to today for something that happened (`past`), else to a
    century ahead. Raises BadDate saying what is wrong."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip(),
                                                      re.ASCII):
        raise BadDate("must be a date written YYYY-MM-DD")
    try:
        d = date.fromisoformat(value.strip())
    except ValueError:
        raise BadDate(f"is {value.strip()!r}, not a real date") from None
    if d < EARLIEST:
        raise BadDate(f"is {d.isoformat()}, before {MIN_YEAR}")
    if past and d > today:
        raise BadDate(f"is {d.isoformat()}, after today ({today.isoformat()})")
    if d > latest(today):
        raise BadDate(f"is {d.isoformat()}, more than 100 years ahead")
    return d


def stored_time(value: object, today: date) -> datetime:
    """A timestamp as a file gives it (ISO 8601, as ties exports it), from 1900 to a
    century ahead (timestamps come from the wall clock, which TIES_TODAY does not pin)."""
    if not isinstance(value, str) or len(value) > 40:
        raise BadDate("must be a time written YYYY-MM-DD HH:MM:SS")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadDate(f"is {value.strip()!r}, not a time written YYYY-MM-DD HH:MM:SS"
                      ) from None
    if moment.year < MIN_YEAR:
        raise BadDate(f"is {value.strip()!r}, before {MIN_YEAR}")
    if moment.date() > latest(today):
        raise BadDate(f"is {value.strip()!r}, more than 100 years ahead")
    return moment


# Every date ties reads from text goes through the readers below: `parse_when` (what a
# person types), `parse_birthday`, `stored_date`/`stored_time` (ISO, as files and the store
# hold them), `connected_on` (LinkedIn's export) and `vcard_date` (a vCard's BDAY).
_NUMERIC = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _numeric(s: str) -> tuple[int, int, int] | None:
    """(year, month, day) of 'YYYY-M-D' (one or two digits for month and day), not
    checked to be a real date; None for anything else."""
    m = _NUMERIC.fullmatch(s)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def _spelled(s: str, *, number_alone: bool = False) -> tuple[datetime, bool, bool] | None:
    """A date as dateutil reads free text ('12 April 1990', 'March 3', '1/8/18, 6:14 PM'):
    (the moment, with 2000-01-01 filling what is missing; whether the text gave a year;
    whether it gave both a month and a day). None when it is no date, or a bare number
    unless `number_alone` ("10" would silently become a day of this month)."""
    if not s.strip() or (not number_alone and re.fullmatch(r"[\d\s]+", s)):
        return None
    from dateutil import parser

    errors = (ValueError, OverflowError, parser.ParserError)
    try:
        a = parser.parse(s, default=datetime(2000, 1, 1))
    except errors:
        return None
    try:
        b = parser.parse(s, default=datetime(2004, 2, 2))  # both leap years
    except errors:  # a day that February lacks, and no month given: '30', 'the 31st'
        return a, False, False
    return a, a.year == b.year, (a.month, a.day) == (b.month, b.day)


def connected_on(text: str, today: date) -> date:
    """LinkedIn's 'Connected On' ('30 May 2024', '5-Jan-26', '1/8/18, 6:14 PM') and how Excel
    re-saves it ('16.09.2021', '30-oct-09', '3-ene-19': see `file_date`), held to the
    bounds of something that happened (a ties JSON export of it must import again). A
    slashed date is read day first, unless a 12-hour time follows it, as in LinkedIn's own
    US-style '1/8/18, 6:14 PM'; a CSV reader decides that for the whole file instead."""
    found = file_date(text, today, day_first=not _twelve_hour(text))
    if found is not None and found.year is None:
        raise BadDate(f"{text.strip()!r} has no year")
    if found is not None:
        return stored_date(found.iso(), today, past=True)
    spelled = _spelled(text.strip(), number_alone=True)
    if spelled is None:
        raise BadDate(f"can't read the date {text!r}")
    return stored_date(spelled[0].date().isoformat(), today, past=True)


def _twelve_hour(text: str) -> bool:
    clock = _TIME.search(" ".join(text.strip().lower().split()))
    return bool(clock and clock["ampm"])


# Dates as spreadsheets write them ------------------------------------------------------
# Excel re-saves a CSV with dates in its locale's short form: 16.09.2021, 16/09/2021,
# 16-9-2021, 30-oct-09, 3-ene-19, 16. Sep. 2021. `file_date` reads one such date with a
# preference for day first or month first; `date_order` picks the preference for a whole
# file from the dates that can be read only one way.

# Month names in the common European languages (en, de, fr, es, it, pt, nl, sv, da, no,
# pl; Polish also in the genitive a date uses), accents dropped: a word names a month when
# it is the start (three letters or more) of one of them, or one of the abbreviations
# below that are not such a start.
_MONTH_NAMES = (
    ("january", "januar", "januari", "janvier", "enero", "gennaio", "janeiro", "styczen",
     "stycznia"),
    ("february", "februar", "februari", "fevrier", "febrero", "febbraio", "fevereiro",
     "luty", "lutego"),
    ("march", "marz", "maart", "mars", "marzo", "marco", "marts", "marzec", "marca"),
    ("april", "avril", "abril", "aprile", "kwiecien", "kwietnia"),
    ("may", "mai", "mei", "mayo", "maggio", "maio", "maj", "maja"),
    ("june", "juni", "juin", "junio", "giugno", "junho", "czerwiec", "czerwca"),
    ("july", "juli", "juillet", "julio", "luglio", "julho", "lipiec", "lipca"),
    ("august", "augustus", "augusti", "aout", "agosto", "sierpien", "sierpnia"),
    ("september", "septembre", "septiembre", "settembre", "setembro", "wrzesien",
     "wrzesnia"),
    ("october", "oktober", "octobre", "octubre", "ottobre", "outubro", "pazdziernik",
     "pazdziernika"),
    ("november", "novembre", "noviembre", "novembro", "listopad", "listopada"),
    ("december", "dezember", "decembre", "diciembre", "dicembre", "dezembro", "desember",
     "grudzien", "grudnia"),
)
_MONTH_ABBREVIATIONS = {"mrz": 3, "mrt": 3, "sept": 9}


@functools.lru_cache(maxsize=1024)
def month_number(word: str) -> int | None:
    """1-12 for a month's name or abbreviation in a common European language ('Jan',
    'ene', 'févr.', 'Mär', 'mrt', 'paź', 'Oct'), None for any other word or one that
    could be two months ('ju'). Kept per word: a file writes the same dozen words on
    every row (30,000 LinkedIn rows asked it 60,000 times)."""
    import unicodedata

    w = unicodedata.normalize("NFKD", word.strip().rstrip(".").lower())
    w = "".join(c for c in w if not unicodedata.combining(c))
    if w in _MONTH_ABBREVIATIONS:
        return _MONTH_ABBREVIATIONS[w]
    if len(w) < 3 or not w.isalpha() or not w.isascii():
        return None
    found = {n for n, names in enumerate(_MONTH_NAMES, start=1)
             if any(name.startswith(w) for name in names)}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class FileDate:
    """A date as a file gave it: the year may be missing (a birthday), and `ambiguous`
    says that day and month could be swapped and give another real date (03/04/2021);
    `twelve_hour` that a time with AM/PM followed it, as US programs write."""

    year: int | None
    month: int
    day: int
    ambiguous: bool = False
    twelve_hour: bool = False

    def iso(self) -> str:
        """2021-04-03, or --04-03 without a year."""
        return format_birthday(self.year, self.month, self.day)


_TIME = re.compile(r"(?:,?\s+|t)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
                   r"(?:\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2}))?$")
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_NUMBERS = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})")
_DAY_MONTH = re.compile(r"(\d{1,2})\.?[\s./-]*(?:de\s+)?([^\W\d_]+)\.?"
                        r"(?:[\s./,-]*(?:de\s+)?(\d{4}|\d{2}))?")
_MONTH_DAY = re.compile(r"([^\W\d_]+)\.?[\s./-]*(\d{1,2})(?:,?\s+(\d{4}))?")
_NO_DATE = re.compile(r"0{1,2}([-/.])0{1,2}\1(0{2}|0{4})|0{4}-00-00")


def is_no_date(text: str) -> bool:
    """Whether a cell says "no date" the way Outlook (0/0/00) and others write it."""
    return bool(_NO_DATE.fullmatch(text.strip()))


def _full_year(year: str, today: date) -> int:
    """A two-digit year as the latest year ending in those digits that is not after
    today's ('09' is 2009, '30' in 2025 is 1930): the dates read this way have happened."""
    if len(year) == 4:
        return int(year)
    full = today.year // 100 * 100 + int(year)
    return full if full <= today.year else full - 100


def _real(year: int | None, month: int, day: int) -> bool:
    try:
        date(year or 2000, month, day)  # 2000: 29 February without a year is a birthday
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)  # a file repeats its dates (30,000 LinkedIn rows: 28)
def file_date(text: str, today: date, *, day_first: bool = True) -> FileDate | None:
    """A date as a spreadsheet or contacts program writes it, or None when the text is no
    such date (it may still be one dateutil reads, in English).

    Read: ISO 2021-09-16 (also with / or .); 16.09.2021 (dotted: always day first);
    16/09/2021 and 16-09-2021 (day first unless `day_first` is False; a date only one
    reading makes real is read that way); 30-oct-09, 3-ene-19, 16. Sep. 2021, 3 de enero
    de 2019, Jan 5, 2026, and without a year (12 April). A time after the date is ignored
    (a 12-hour one is noted). Two-digit years are the latest such year up to `today`."""
    s = " ".join(text.strip().lower().split())
    if not s or len(s) > MAX_DATE_CHARS:
        return None
    clock = _TIME.search(s)
    twelve = bool(clock and clock["ampm"])
    if clock:
        s = s[:clock.start()].strip()
    m = _YEAR_FIRST.fullmatch(s)
    if m:
        year, month, day = int(m[1]), int(m[3]), int(m[4])
        return FileDate(year, month, day, twelve_hour=twelve) if _real(year, month, day) \
            else None
    m = _NUMBERS.fullmatch(s)
    if m:
        a, b, year = int(m[1]), int(m[3]), _full_year(m[4], today)
        readings = [(a, b)] if m[2] == "." else ([(a, b), (b, a)] if day_first
                                                  else [(b, a), (a, b)])
        real = [(d, mo) for d, mo in readings if _real(year, mo, d)]
        if not real:
            return None
        day, month = real[0]
        return FileDate(year, month, day, ambiguous=len(set(real)) > 1, twelve_hour=twelve)
    for pattern, day_at, month_at in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        m = pattern.fullmatch(s)
        if m:
            month = month_number(m[month_at])
            year = _full_year(m[3], today) if m[3] else None
            day = int(m[day_at])
            if month is not None and _real(year, month, day):
                return FileDate(year, month, day, twelve_hour=twelve)
    return None


def date_order(texts, today: date) -> bool | None:
    """Whether a file writes its dates day first (True) or month first (False), judged by
    its slashed or dashed dates that only one order makes real (13/04/2021 is day first,
    04/13/2021 month first); None when none tells, or they disagree."""
    votes = date_orders(texts, today)
    return votes.pop() if len(votes) == 1 else None


def date_orders(texts, today: date) -> set[bool]:
    """The orders a file's dates that only one order makes real show: {True} (day
    first), {False}, both (the file mixes them), or none."""
    votes = set()
    for text in texts:
        m = _NUMBERS.match(" ".join(text.strip().lower().split()))
        if m is None or m[2] == "." or int(m[1]) == int(m[3]):
            continue
        found = file_date(text, today)
        if found is not None and not found.ambiguous:
            votes.add(found.day == int(m[1]))
    return votes


_VCARD_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_VCARD_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")


def vcard_date(value: str | None) -> str | None:
    """A vCard date (19800322, 1980-03-22, --0203, --02-03, 2012-06-06T00:00:00Z) in the form
    `parse_birthday` reads (1980-03-22, --02-03); None when it is none of these."""
    if not value:
        return None
    v = value.strip().split("T")[0]
    m = _VCARD_DATE.fullmatch(v)
    if m:
        return f"{m[1]}-{m[2]}-{m[3]}"
    m = _VCARD_NO_YEAR.fullmatch(v)
    if m:
        return f"--{m[1]}-{m[2]}"
    return None


def _parse(s: str, today: date, future: bool) -> date | None:
    if s == "today" or s == "now":
        return today
    if s == "yesterday":
        return today - timedelta(days=1)
    if s == "tomorrow":
        return today + timedelta(days=1)
    numeric = _numeric(s)
    if numeric is not None:
        try:
            return date(*numeric)
        except ValueError:
            return None
    for pattern, sign in ((_RELATIVE, -1), (_IN, 1)):
        m = pattern.match(s)
        if m:
            n, unit = _amount(m["n"]), _UNIT_ALIASES.get(m["unit"])
            if n is None or unit is None or n > 100 * 365:
                return None
            try:
                return _shift(today, sign * n, unit)
            except (ValueError, OverflowError):
                return None
    weekday = _weekday(s, today, future)
    if weekday is not None:
        return weekday
    return _dateutil(s, today, future)


def _weekday(s: str, today: date, future: bool) -> date | None:
    words = s.split()
    if not words or len(words) > 2:
        return None
    qualifier = words[0] if len(words) == 2 else ""
    if qualifier not in ("", "last", "next", "this", "on"):
        return None
    name = words[-1]
    matches = [i for i, w in enumerate(WEEKDAYS) if len(name) >= 3 and w.startswith(name)]
    if len(matches) != 1:
        return None
    target = matches[0]
    back = (today.weekday() - target) % 7
    ahead = (target - today.weekday()) % 7
    if qualifier == "last":
        return today - timedelta(days=back or 7)
    if qualifier == "next":
        return today + timedelta(days=ahead or 7)
    return today + timedelta(days=ahead) if future else today - timedelta(days=back)


def _dateutil(s: str, today: date, future: bool) -> date | None:
    spelled = _spelled(s)
    if spelled is None:
        return None
    a, year_given, day_given = spelled
    if not day_given:
        return None  # no day or no month given ("March", "2024"): too vague to log
    if year_given:
        return a.date()
    # No year given: the most recent past one, or the next one for a future date; within
    # 8 years, so that 29 February finds its leap year (the 2100 rule makes a gap of 8).
    step = 1 if future else -1
    for year in range(today.year, today.year + 9 * step, step):
        try:
            candidate = a.date().replace(year=year)
        except ValueError:  # 29 February in a common year
            continue
        if (candidate >= today) if future else (candidate <= today):
            return candidate
    return None


_DURATION = re.compile(r"^(?P<n>\w+)\s*(?P<unit>[a-z]+)$")


def parse_duration(text: str, option: str = "--every") -> int:
    """A duration in whole days: 30d, 3w, 2 weeks, 1 month (30 days), 1y (365 days)."""
    raw = (text or "").strip()
    s = " ".join(raw.lower().split())
    m = _DURATION.match(s)
    n = _amount(m["n"]) if m else None
    unit = _UNIT_ALIASES.get(m["unit"]) if m else None
    if n is None or unit is None:
        hint = " (a number alone is ambiguous: add d, w, m or y)" if s.isdigit() else ""
        raise BadDate(f"Can't read the duration {raw!r} for {option}{hint}. Try one of: "
                      f"{_DURATION_FORMS}.")
    days = n * _UNIT_DAYS[unit]
    if not 1 <= days <= MAX_DURATION_DAYS:
        raise BadDate(f"{option} must be between 1 day and 10 years; {raw!r} is {days} days.")
    return days


def format_duration(days: int) -> str:
    """The shortest exact way to say a cadence: 7 -> '1w', 30 -> '1m', 45 -> '45d'."""
    for unit, size in (("y", 365), ("m", 30), ("w", 7)):
        if days % size == 0:
            return f"{days // size}{unit}"
    return f"{days}d"


def span(days: int) -> str:
    """A rough length of time in words: '3 days', '7 weeks', '5 months', '2 years'."""
    days = abs(days)
    if days < 14:
        n, unit = days, "day"
    elif days < 7 * 9:
        n, unit = round(days / 7), "week"
    elif days < 365 * 2 - 15:
        n, unit = round(days / 30.44), "month"
    else:
        n, unit = round(days / 365.25), "year"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def ago(d: date | None, today: date) -> str:
    """'today', 'yesterday', '3 days ago', '7 weeks ago', 'in 2 days', or 'never'."""
    if d is None:
        return "never"
    days = (today - d).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days == -1:
        return "tomorrow"
    return f"{span(days)} ago" if days > 0 else f"in {span(days)}"


def lateness(due: date, today: date) -> str:
    """How a due date stands: 'overdue by 3 days', 'due today', 'due tomorrow', 'due in
    2 weeks'."""
    days = (today - due).days
    if days > 0:
        return f"overdue by {span(days)}"
    if days == 0:
        return "due today"
    return f"due {ago(due, today)}"


# Birthdays: the year may be unknown.
_BIRTHDAY_NO_YEAR = re.compile(r"^-{0,2}(\d{1,2})-(\d{1,2})$")


def parse_birthday(text: str) -> tuple[int | None, int, int]:
    """(year or None, month, day) from '1990-04-12', '--04-12', '04-12' or '12 April [1990]'."""
    raw = (text or "").strip()
    s = " ".join(raw.lower().split())
    forms = "1990-04-12, --04-12 (no year), 12 April, April 12 1990"
    year: int | None
    m = _BIRTHDAY_NO_YEAR.match(s)
    numeric = _numeric(s)
    if m:
        year, month, day = None, int(m[1]), int(m[2])
    elif numeric is not None:
        year, month, day = numeric
    else:
        spelled = _spelled(s)
        if spelled is None:
            raise BadDate(f"Can't read the birthday {raw!r}. Try one of: {forms}.")
        a, year_given, day_given = spelled
        if not day_given:
            raise BadDate(f"The birthday {raw!r} needs a day and a month. Try one of: {forms}.")
        year, month, day = (a.year if year_given else None), a.month, a.day
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 February is allowed
    except ValueError:
        raise BadDate(f"The birthday {raw!r} is not a real date. Try one of: {forms}.") from None
    if year is not None and not MIN_YEAR <= year <= today().year:
        raise BadDate(f"The birthday {raw!r} has an unlikely year. Try one of: {forms}.")
    return year, month, day


def format_birthday(year: int | None, month: int, day: int) -> str:
    """ISO 8601 form: 1990-04-12, or --04-12 when the year is unknown."""
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def birthday_of(values: dict) -> str | None:
    """The ISO birthday of a row with birthday_year/month/day columns, or None."""
    if not values.get("birthday_month"):
        return None
    return format_birthday(values.get("birthday_year"), values["birthday_month"],
                           values["birthday_day"])


def next_birthday(month: int, day: int, today: date) -> date:
    """The next occurrence on or after today (29 February falls on 1 March in other years)."""
    for year in (today.year, today.year + 1):
        try:
            d = date(year, month, day)
        except ValueError:
            d = date(year, 3, 1)
        if d >= today:
            return d
    raise AssertionError("unreachable")
