"""Dates and durations as people type them, and as people like to read them.

Pure functions: "today" is always a parameter. Only `today()` (the date) and `now()`
(the instant, for timestamps) read the clock, and TIES_TODAY=YYYY-MM-DD pins the day for
tests, demos and reproducible docs: `now()` then falls on that day, at the real time of
day, so timestamps agree with the dates beside them and still advance.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta

from ties.core.errors import BadDate

# The dates ties keeps lie between these bounds, whichever way they arrive (typed, imported
# or restored): nothing before 1900, nothing that happened after today, nothing due or
# snoozed more than a century ahead.
MIN_YEAR = 1900
EARLIEST = date(MIN_YEAR, 1, 1)
AHEAD_DAYS = 36_525  # 100 years
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
    if pinned is not None:
        wall = datetime.combine(pinned, local.time().replace(tzinfo=None))
        try:
            local = wall.astimezone()
            return local.astimezone(UTC).replace(microsecond=0)
        except (OverflowError, ValueError):  # the first or last day of the calendar
            return wall.replace(tzinfo=UTC, microsecond=0)
    return local.astimezone(UTC).replace(microsecond=0)


def _pinned() -> date | None:
    pinned = os.environ.get("TIES_TODAY")
    if not pinned:
        return None
    try:
        return date.fromisoformat(pinned.strip())
    except ValueError:
        raise BadDate(
            f"TIES_TODAY={pinned!r} is not a date; set it as YYYY-MM-DD or unset it."
        ) from None


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
    """LinkedIn's 'Connected On' ('30 May 2024', '5-Jan-26', '1/8/18, 6:14 PM'), held to the
    bounds of something that happened (a ties JSON export of it must import again)."""
    spelled = _spelled(text.strip(), number_alone=True)
    if spelled is None:
        raise BadDate(f"can't read the date {text!r}")
    return stored_date(spelled[0].date().isoformat(), today, past=True)


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
