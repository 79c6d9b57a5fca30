from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ties import dates
from ties.errors import BadDate

FRIDAY = date(2025, 3, 14)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", FRIDAY), ("Yesterday", date(2025, 3, 13)), ("2024-02-29", date(2024, 2, 29)),
        ("3 days ago", date(2025, 3, 11)), ("one week ago", date(2025, 3, 7)),
        ("2 months ago", date(2025, 1, 14)), ("1 year ago", date(2024, 3, 14)),
        ("friday", FRIDAY), ("fri", FRIDAY), ("last friday", date(2025, 3, 7)),
        ("saturday", date(2025, 3, 8)), ("3 March", date(2025, 3, 3)),
        ("March 20", date(2024, 3, 20)), ("Nov 3 2025", None), ("Nov 3 2024", date(2024, 11, 3)),
        ("29 Feb", date(2024, 2, 29)),
    ],
)
def test_parse_when_past(text, expected):
    if expected is None:
        with pytest.raises(BadDate, match="in the future"):
            dates.parse_when(text, FRIDAY)
    else:
        assert dates.parse_when(text, FRIDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", date(2025, 3, 15)), ("in 2 weeks", date(2025, 3, 28)),
        ("friday", FRIDAY), ("next friday", date(2025, 3, 21)), ("monday", date(2025, 3, 17)),
        ("3 March", date(2026, 3, 3)), ("20 March", date(2025, 3, 20)),
    ],
)
def test_parse_when_future(text, expected):
    assert dates.parse_when(text, FRIDAY, future=True, option="--due") == expected


@pytest.mark.parametrize("text", ["", "  ", "someday", "10", "March", "2025", "32 March",
                                  "1850-01-01", "99999 days ago", "last blursday"])
def test_parse_when_refuses_unreadable(text):
    with pytest.raises(BadDate, match="Try one of|before 1900|needs a date"):
        dates.parse_when(text, FRIDAY)


def test_parse_when_future_refuses_past():
    with pytest.raises(BadDate, match="in the past; --due needs today or later"):
        dates.parse_when("yesterday", FRIDAY, future=True, option="--due")


@pytest.mark.parametrize(
    ("text", "days"),
    [("30d", 30), ("3w", 21), ("2 weeks", 14), ("1 month", 30), ("1m", 30), ("1y", 365),
     ("a week", 7), ("10 Days", 10)],
)
def test_parse_duration(text, days):
    assert dates.parse_duration(text) == days


@pytest.mark.parametrize("text", ["", "30", "often", "0d", "11y", "-3d", "3 fortnights"])
def test_parse_duration_refuses(text):
    with pytest.raises(BadDate):
        dates.parse_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1990-04-12", (1990, 4, 12)), ("--04-12", (None, 4, 12)), ("04-12", (None, 4, 12)),
     ("12 April", (None, 4, 12)), ("April 12 1990", (1990, 4, 12)), ("--02-29", (None, 2, 29))],
)
def test_parse_birthday(text, expected):
    assert dates.parse_birthday(text) == expected


@pytest.mark.parametrize(
    ("days", "words"),
    [(0, "today"), (1, "yesterday"), (5, "5 days ago"), (13, "13 days ago"),
     (14, "2 weeks ago"), (49, "7 weeks ago"), (70, "2 months ago"), (400, "13 months ago"),
     (800, "2 years ago"), (-3, "in 3 days")],
)
def test_ago(days, words):
    assert dates.ago(FRIDAY - timedelta(days=days), FRIDAY) == words


def test_next_birthday_handles_leap_day():
    assert dates.next_birthday(2, 29, date(2025, 2, 1)) == date(2025, 3, 1)
    assert dates.next_birthday(2, 29, date(2027, 12, 1)) == date(2028, 2, 29)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1)))
def test_iso_dates_round_trip_and_never_land_in_the_future(d):
    today = date(2100, 1, 1)
    assert dates.parse_when(d.isoformat(), today) == d


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=28))
def test_dates_without_year_are_the_most_recent_past_one(today, month, day):
    got = dates.parse_when(f"{day} {date(2000, month, 1).strftime('%B')}", today)
    assert (got.month, got.day) == (month, day)
    assert got <= today
    assert (today - got).days < 366


@given(st.text(max_size=40))
def test_parse_when_either_returns_a_past_date_or_refuses(text):
    try:
        result = dates.parse_when(text, FRIDAY)
    except BadDate as exc:
        assert "\n" not in exc.message
    else:
        assert date(1900, 1, 1) <= result <= FRIDAY


@given(st.integers(min_value=1, max_value=3650))
def test_format_duration_round_trips(days):
    assert dates.parse_duration(dates.format_duration(days)) == days


# One clock ---------------------------------------------------------------------------

_CLOCK_METHODS = {"today", "now", "utcnow"}  # date.today(), datetime.now(), dt.datetime.now()
_TIME_READS = {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"}


def clock_reads(source: str) -> list[str]:
    """Every place in `source` that reads the wall clock other than through ties.dates."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [f"line {node.lineno}: from time import {a.name}" for a in node.names
                      if a.name in _TIME_READS]
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        name = owner.id if isinstance(owner, ast.Name) else ""
        method = node.func.attr
        if method in _CLOCK_METHODS and name != "dates":
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif name == "time" and method in _TIME_READS:
            explicit = len(node.args) > (1 if method == "strftime" else 0)
            if method in ("time", "time_ns") or not explicit:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("source", [
    "from datetime import date\nx = date.today()",
    "import datetime as dt\nx = dt.datetime.now(dt.UTC)",
    "from datetime import datetime\nx = datetime.utcnow()",
    "import time\nx = time.strftime('%Y')",
    "import time\nx = time.time()",
    "import time\nx = time.localtime()",
    "from time import strftime",
])
def test_the_clock_check_catches_every_way_of_reading_the_clock(source):
    assert clock_reads(source)


@pytest.mark.parametrize("source", [
    "from ties import dates\nx = dates.today(); y = dates.now()",
    "import time\nx = time.strftime('%Y', (2025, 1, 1, 0, 0, 0, 0, 1, 0))",
    "import time\nx = time.sleep(0.1)",
    "from datetime import date\nx = date.fromisoformat('2025-03-14')",
])
def test_the_clock_check_lets_other_date_and_time_calls_pass(source):
    assert clock_reads(source) == []


def test_only_dates_py_reads_the_clock():
    from pathlib import Path

    import ties

    root = Path(ties.__file__).parent
    offenders = {str(p.relative_to(root)): clock_reads(p.read_text(encoding="utf-8"))
                 for p in sorted(root.rglob("*.py")) if p.name != "dates.py" or
                 p.parent != root}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_now_falls_on_the_pinned_day_at_the_real_time_of_day(monkeypatch):
    from datetime import UTC, datetime

    monkeypatch.setenv("TIES_TODAY", "2025-03-14")
    before = datetime.now().astimezone()
    stamp = dates.now()
    after = datetime.now().astimezone()
    assert stamp.tzinfo == UTC and stamp.microsecond == 0
    local = stamp.astimezone()
    assert local.date() == date(2025, 3, 14)
    assert before.time().replace(microsecond=0, tzinfo=None) <= \
        local.time().replace(tzinfo=None) <= after.time().replace(tzinfo=None)


def test_now_is_the_real_instant_when_nothing_is_pinned(monkeypatch):
    from datetime import UTC, datetime

    monkeypatch.delenv("TIES_TODAY")
    before = datetime.now(UTC).replace(microsecond=0)
    assert before <= dates.now() <= datetime.now(UTC)


def test_now_refuses_a_pinned_day_that_is_not_a_date(monkeypatch):
    monkeypatch.setenv("TIES_TODAY", "14/03/2025")
    with pytest.raises(BadDate, match="TIES_TODAY='14/03/2025' is not a date"):
        dates.now()


# Hints computed from today -------------------------------------------------------------

@given(st.dates(min_value=date(1901, 1, 1), max_value=date(9990, 1, 1)), st.booleans())
def test_every_date_a_hint_suggests_is_accepted_on_that_day(today, future):
    """Bug: hints always suggested 2025-03-14, a date in the past for --due and --until."""
    for form in dates.date_forms(today, future=future).split(", "):
        when = dates.parse_when(form, today, future=future)
        assert (when >= today) if future else (when <= today)


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(9990, 1, 1)))
def test_hints_for_a_date_after_today_offer_only_dates_after_today(today):
    for form in dates.date_forms(today, future=True, after_today=True).split(", "):
        assert dates.parse_when(form, today, future=True) > today


def test_a_refused_date_suggests_dates_around_today():
    with pytest.raises(BadDate) as refused:
        dates.parse_when("someday", date(2031, 7, 2), future=True, option="--due")
    assert refused.value.message == (
        "Can't read the date 'someday' for --due. Try one of: 2031-07-09, today, tomorrow, "
        "in 3 days, in 2 weeks, friday, next friday, 9 July.")
    with pytest.raises(BadDate) as refused:
        dates.parse_when("tomorrow", date(2031, 7, 2))
    assert "Try one of: 2031-06-25, today, yesterday, 3 days ago, 2 weeks ago, friday, " \
        "last friday, 25 June." in refused.value.message


@pytest.mark.parametrize("offset, words", [(-1, "overdue by 1 day"), (0, "due today"),
                                           (1, "due tomorrow"), (-21, "overdue by 3 weeks"),
                                           (14, "due in 2 weeks")])
def test_lateness_says_overdue_only_after_the_due_day(offset, words):
    today = date(2025, 3, 14)
    assert dates.lateness(today - timedelta(days=-offset), today) == words


def test_a_past_due_date_is_accepted_only_when_asked():
    today = date(2025, 3, 14)
    assert dates.parse_when("yesterday", today, future=True, option="--due",
                            past_ok=True) == date(2025, 3, 13)
    with pytest.raises(BadDate, match="in the past; --until needs today or later"):
        dates.parse_when("yesterday", today, future=True, option="--until")


def test_hints_at_the_ends_of_the_calendar_do_not_crash():
    assert dates.date_forms(date(9999, 12, 31), future=True).startswith("9999-12-31, ")
    assert dates.date_forms(date(9999, 12, 31)).startswith("9999-12-24, ")
    assert dates.date_forms(date(1, 1, 1)).startswith("0001-01-01, ")
    assert dates.date_forms(date(1, 1, 1), future=True).startswith("0001-01-08, ")


def test_now_on_the_last_and_first_day_of_the_calendar_does_not_overflow(monkeypatch):
    """UTC-12 on 9999-12-31 from noon, or UTC+14 on 0001-01-01 before 14:00, is outside the
    calendar in UTC: whatever the time of day, one of the two crosses the edge."""
    import time

    try:
        for pinned, zone in (("9999-12-31", "Etc/GMT+12"), ("0001-01-01", "Etc/GMT-14")):
            monkeypatch.setenv("TIES_TODAY", pinned)
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            assert dates.now().date().isoformat() in (pinned, "9999-12-30", "0001-01-02")
    finally:
        monkeypatch.undo()
        time.tzset()


# One place reads dates from text (issue 13): the importers' forms live in dates.py too.

@pytest.mark.parametrize(("text", "expected"), [
    ("30 May 2024", date(2024, 5, 30)), ("5-Jan-26", date(2026, 1, 5)),
    ("1/8/18, 6:14 PM", date(2018, 1, 8)), (" 2024-05-30 ", date(2024, 5, 30)),
    ("2024", date(2024, 1, 1)),  # as LinkedIn imports always read it: January the 1st
])
def test_connected_on_reads_linkedin_forms(text, expected):
    assert dates.connected_on(text, date(2026, 3, 14)) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("soon", "can't read the date"), ("", "can't read the date"),
    ("1 January 2027", "after today"), ("3 March 1899", "before 1900"),
])
def test_connected_on_refuses_what_is_no_past_date(text, reason):
    with pytest.raises(BadDate, match=reason):
        dates.connected_on(text, date(2026, 3, 14))


@pytest.mark.parametrize(("value", "expected"), [
    ("19800322", "1980-03-22"), ("1980-03-22", "1980-03-22"), ("--0203", "--02-03"),
    ("--02-03", "--02-03"), ("2012-06-06T00:00:00Z", "2012-06-06"), (" 19800322 ", "1980-03-22"),
    ("", None), (None, None), ("1980-3-22", None), ("March 22", None), ("-0203", None),
])
def test_vcard_date_gives_the_form_parse_birthday_reads(value, expected):
    assert dates.vcard_date(value) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=FRIDAY))
def test_every_reader_agrees_on_an_iso_date(d):
    iso = d.isoformat()
    assert dates.parse_when(iso, FRIDAY) == d
    assert dates.stored_date(iso, FRIDAY, past=True) == d
    assert dates.connected_on(iso, FRIDAY) == d
    assert dates.parse_birthday(iso) == (d.year, d.month, d.day)
    assert dates.parse_birthday(dates.vcard_date(iso.replace("-", ""))) == \
        (d.year, d.month, d.day)


@given(st.dates(min_value=date(1900, 1, 1), max_value=FRIDAY))
def test_a_spelled_out_date_reads_the_same_everywhere(d):
    spelled = f"{d.day} {d:%B} {d.year}"
    assert dates.parse_when(spelled, FRIDAY) == d
    assert dates.connected_on(spelled, FRIDAY) == d
    assert dates.parse_birthday(spelled) == (d.year, d.month, d.day)


def test_only_dates_py_parses_free_text_dates():
    """dateutil's parser is used in one module, so every command and importer reads a
    date the same way."""
    from pathlib import Path

    import ties

    root = Path(ties.__file__).parent
    users = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                   if "dateutil" in p.read_text(encoding="utf-8"))
    assert users == ["dates.py"]


@pytest.mark.parametrize("future", [False, True])
def test_a_date_of_100000_characters_is_refused_at_once_regression_quadratic_reading(future):
    import time

    started = time.process_time()
    with pytest.raises(BadDate, match=r"Can't read the date 'yyyy.*100,001 characters"):
        dates.parse_when("y" * 100_001, FRIDAY, future=future)
    assert time.process_time() - started < 1  # it took minutes ("N ago" read in N² steps)


@pytest.mark.parametrize(("length", "too_long"), [(100, False), (101, True)])
def test_date_text_longer_than_100_characters_is_refused_before_reading(length, too_long):
    with pytest.raises(BadDate) as refused:
        dates.parse_when("x" * length, FRIDAY)
    assert ("characters" in refused.value.message) is too_long
