from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ties.core import dates
from ties.core.errors import BadDate

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
    """Every place in `source` that reads the wall clock other than through ties.core.dates."""
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
    "from ties.core import dates\nx = dates.today(); y = dates.now()",
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
                 for p in sorted(root.rglob("*.py")) if p != root / "core" / "dates.py"}
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


def test_now_on_the_last_and_first_day_of_the_calendar_is_refused_not_overflowed(
        monkeypatch):
    """UTC-12 on 9999-12-31 from noon, or UTC+14 on 0001-01-01 before 14:00, would be outside
    the calendar in UTC: such days are not pinnable at all."""
    for pinned in ("9999-12-31", "0001-01-01"):
        monkeypatch.setenv("TIES_TODAY", pinned)
        with pytest.raises(BadDate, match="outside the days ties can pin"):
            dates.now()


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
    date the same way. (The calendar reader uses dateutil's rrule, which parses no free
    text, to count a recurring event's occurrences.)"""
    import re
    from pathlib import Path

    import ties

    parser = re.compile(r"dateutil\.parser|from dateutil import[^\n]*\bparser\b|"
                        r"import dateutil\s*$", re.MULTILINE)
    root = Path(ties.__file__).parent
    users = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                   if parser.search(p.read_text(encoding="utf-8")))
    assert users == ["core/dates.py"]


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


# Boundaries and messages, each pinned by name -------------------------------------------

FRI = date(2025, 3, 14)
PAST_FORMS = ("2025-03-07, today, yesterday, 3 days ago, 2 weeks ago, friday, last friday, "
              "7 March")
FUTURE_FORMS = ("2025-03-21, today, tomorrow, in 3 days, in 2 weeks, friday, next friday, "
                "21 March")


def _refusal(text, **kw) -> str:
    with pytest.raises(BadDate) as caught:
        dates.parse_when(text, FRI, **kw)
    return str(caught.value)


def test_date_forms_are_valid_examples_for_the_past_and_the_future():
    assert dates.date_forms(FRI) == PAST_FORMS
    assert dates.date_forms(FRI, future=True) == FUTURE_FORMS
    assert dates.date_forms(FRI, future=True, after_today=True) == (
        "2025-03-21, tomorrow, in 3 days, in 2 weeks, next friday, 21 March")


def test_date_forms_stay_inside_the_calendar_at_its_ends():
    assert dates.date_forms(date.max - timedelta(days=8), future=True).startswith(
        "9999-12-30, ")
    assert dates.date_forms(date.max - timedelta(days=7), future=True).startswith(
        "9999-12-24, ")
    assert dates.date_forms(date.min + timedelta(days=8)).startswith("0001-01-02, ")
    assert dates.date_forms(date.min + timedelta(days=7)).startswith("0001-01-08, ")


def test_an_empty_date_says_what_to_type():
    assert _refusal("  ") == f"--on needs a date. Try one of: {PAST_FORMS}."
    assert _refusal("", future=True, option="--due") == \
        f"--due needs a date. Try one of: {FUTURE_FORMS}."


def test_an_unreadable_date_is_quoted_with_examples():
    assert _refusal("2025-02-30") == \
        f"Can't read the date '2025-02-30' for --on. Try one of: {PAST_FORMS}."
    for text in ("fr", "March", "10", "xx days ago", "every friday now", "36501 days ago"):
        assert _refusal(text).startswith(f"Can't read the date {text!r} for --on.")


def test_year_1900_boundary_first_day_in_day_before_out():
    assert dates.parse_when("1900-01-01", FRI) == date(1900, 1, 1)
    assert _refusal("1899-12-31") == "'1899-12-31' is before 1900; check the year for --on."


def test_past_dates_boundary_today_in_tomorrow_out():
    assert dates.parse_when("today", FRI) == FRI
    assert _refusal("tomorrow") == (
        "'tomorrow' is 2025-03-15, in the future; --on is for something that already "
        f"happened. Try one of: {PAST_FORMS}.")


def test_future_dates_boundary_today_in_yesterday_out_unless_past_ok():
    assert dates.parse_when("today", FRI, future=True) == FRI
    assert _refusal("yesterday", future=True, option="--due") == (
        "'yesterday' is 2025-03-13, in the past; --due needs today or later. "
        f"Try one of: {FUTURE_FORMS}.")
    assert dates.parse_when("yesterday", FRI, future=True, past_ok=True) == date(2025, 3, 13)


def test_future_dates_boundary_36525_days_ahead_in_a_day_more_out():
    assert dates.latest(FRI) == date(2125, 3, 15)
    assert dates.parse_when("2125-03-15", FRI, future=True) == date(2125, 3, 15)
    assert _refusal("2125-03-16", future=True) == (
        "'2125-03-16' is 2125-03-16, more than 100 years ahead; check the year for --on.")
    assert dates.latest(date(9950, 1, 1)) == date.max


@pytest.mark.parametrize(("text", "future", "expected"), [
    ("now", False, FRI), ("yesterday", False, date(2025, 3, 13)),
    ("tomorrow", True, date(2025, 3, 15)), ("2025-2-3", False, date(2025, 2, 3)),
    ("a week ago", False, date(2025, 3, 7)), ("  3   DAYS   ago ", False, date(2025, 3, 11)),
    ("in 2 weeks", True, date(2025, 3, 28)), ("36500 days ago", False, date(1925, 4, 8)),
    ("last friday", False, date(2025, 3, 7)), ("next friday", True, date(2025, 3, 21)),
    ("friday", False, FRI), ("friday", True, FRI), ("mon", False, date(2025, 3, 10)),
    ("mon", True, date(2025, 3, 17)), ("this mon", False, date(2025, 3, 10)),
    ("on tue", False, date(2025, 3, 11)), ("last sat", False, date(2025, 3, 8)),
    ("next thu", True, date(2025, 3, 20)),
    ("3 March", False, date(2025, 3, 3)), ("20 March", False, date(2024, 3, 20)),
    ("20 March", True, date(2025, 3, 20)), ("14 March", False, FRI),
    ("14 March", True, FRI), ("13 March", True, date(2026, 3, 13)),
    ("29 feb", False, date(2024, 2, 29)), ("March 3 2020", False, date(2020, 3, 3)),
])
def test_parse_when_reads(text, future, expected):
    assert dates.parse_when(text, FRI, future=future) == expected


def test_stored_date_boundaries_and_messages():
    ok = dates.stored_date
    assert ok(" 2025-03-14 ", FRI, past=True) == FRI
    assert ok("1900-01-01", FRI, past=True) == date(1900, 1, 1)
    assert ok("2125-03-15", FRI, past=False) == date(2125, 3, 15)
    for value, past, message in [
        (20250314, True, "must be a date written YYYY-MM-DD"),
        ("2025-3-14", True, "must be a date written YYYY-MM-DD"),
        ("２０２５-03-14", True, "must be a date written YYYY-MM-DD"),
        ("2025-02-30", True, "is '2025-02-30', not a real date"),
        ("1899-12-31", True, "is 1899-12-31, before 1900"),
        ("2025-03-15", True, "is 2025-03-15, after today (2025-03-14)"),
        ("2125-03-16", False, "is 2125-03-16, more than 100 years ahead"),
    ]:
        with pytest.raises(BadDate) as caught:
            ok(value, FRI, past=past)
        assert str(caught.value) == message
    assert ok("2025-03-15", FRI, past=False) == date(2025, 3, 15)


def test_stored_time_boundaries_and_messages():
    from datetime import datetime

    assert dates.stored_time("2025-03-14 10:00:00", FRI) == datetime(2025, 3, 14, 10)
    assert dates.stored_time("1900-01-01T00:00:00", FRI) == datetime(1900, 1, 1)
    assert dates.stored_time("2125-03-15 23:59:59", FRI) == datetime(2125, 3, 15, 23, 59, 59)
    for value, message in [
        (None, "must be a time written YYYY-MM-DD HH:MM:SS"),
        ("2025-03-14 10:00:00" + " " * 22, "must be a time written YYYY-MM-DD HH:MM:SS"),
        ("soon", "is 'soon', not a time written YYYY-MM-DD HH:MM:SS"),
        ("1899-12-31 23:59:59", "is '1899-12-31 23:59:59', before 1900"),
        ("2125-03-16 00:00:00", "is '2125-03-16 00:00:00', more than 100 years ahead"),
    ]:
        with pytest.raises(BadDate) as caught:
            dates.stored_time(value, FRI)
        assert str(caught.value) == message
    assert dates.stored_time(" 2025-03-14 10:00:00" + " " * 20, FRI) == datetime(2025, 3, 14, 10)


@pytest.mark.parametrize(("days", "words"), [
    (0, "0 days"), (1, "1 day"), (13, "13 days"), (14, "2 weeks"), (62, "9 weeks"),
    (63, "2 months"), (714, "23 months"), (715, "2 years"), (-20, "3 weeks"),
    (1100, "3 years")])
def test_span_boundaries_two_weeks_nine_weeks_two_years(days, words):
    assert dates.span(days) == words


@pytest.mark.parametrize(("days", "short"), [
    (365, "1y"), (730, "2y"), (30, "1m"), (210, "7m"), (7, "1w"), (14, "2w"), (45, "45d"),
    (1, "1d"), (3650, "10y")])
def test_format_duration_365_is_a_year_30_a_month_7_a_week(days, short):
    assert dates.format_duration(days) == short


@pytest.mark.parametrize(("text", "days"), [
    ("30d", 30), ("3w", 21), ("2 weeks", 14), ("1 month", 30), ("1y", 365), ("a year", 365),
    ("1d", 1), ("3650d", 3650), (" 10 Y ", 3650)])
def test_parse_duration_reads(text, days):
    assert dates.parse_duration(text) == days


def test_parse_duration_boundaries_one_day_to_ten_years_and_messages():
    forms = "30d, 3w, 2 weeks, 1 month, 1y"
    for text, message in [
        ("0d", "--every must be between 1 day and 10 years; '0d' is 0 days."),
        ("3651d", "--every must be between 1 day and 10 years; '3651d' is 3651 days."),
        ("10", f"Can't read the duration '10' for --every (a number alone is ambiguous: add "
               f"d, w, m or y). Try one of: {forms}."),
        ("soon", f"Can't read the duration 'soon' for --every. Try one of: {forms}."),
        ("3 fortnights", f"Can't read the duration '3 fortnights' for --every. Try one of: "
                         f"{forms}."),
    ]:
        with pytest.raises(BadDate) as caught:
            dates.parse_duration(text)
        assert str(caught.value) == message
    with pytest.raises(BadDate, match="^--for must"):
        dates.parse_duration("0d", option="--for")


@pytest.mark.parametrize(("offset", "words"), [
    (None, "never"), (0, "today"), (1, "yesterday"), (-1, "tomorrow"), (2, "2 days ago"),
    (-2, "in 2 days"), (21, "3 weeks ago")])
def test_ago_in_words(offset, words):
    d = None if offset is None else FRI - timedelta(days=offset)
    assert dates.ago(d, FRI) == words


@pytest.mark.parametrize(("offset", "words"), [
    (1, "overdue by 1 day"), (0, "due today"), (-1, "due tomorrow"), (-3, "due in 3 days")])
def test_lateness_boundary_today_is_due_not_overdue(offset, words):
    assert dates.lateness(FRI - timedelta(days=offset), FRI) == words


@pytest.mark.parametrize(("text", "parsed"), [
    ("1990-04-12", (1990, 4, 12)), ("--04-12", (None, 4, 12)), ("4-2", (None, 4, 2)),
    ("12 April", (None, 4, 12)), ("April 12 1990", (1990, 4, 12)), ("29 Feb", (None, 2, 29)),
    ("1900-01-01", (1900, 1, 1)), ("2025-12-31", (2025, 12, 31))])
def test_parse_birthday_reads(text, parsed):
    assert dates.parse_birthday(text) == parsed


def test_parse_birthday_refusals_and_year_boundaries_1900_and_this_year():
    forms = "1990-04-12, --04-12 (no year), 12 April, April 12 1990"
    for text, message in [
        ("", f"Can't read the birthday ''. Try one of: {forms}."),
        ("12", f"Can't read the birthday '12'. Try one of: {forms}."),
        ("someday", f"Can't read the birthday 'someday'. Try one of: {forms}."),
        ("April", f"The birthday 'April' needs a day and a month. Try one of: {forms}."),
        ("--02-30", f"The birthday '--02-30' is not a real date. Try one of: {forms}."),
        ("1899-12-31", f"The birthday '1899-12-31' has an unlikely year. Try one of: {forms}."),
        ("2026-01-01", f"The birthday '2026-01-01' has an unlikely year. Try one of: {forms}."),
    ]:
        with pytest.raises(BadDate) as caught:
            dates.parse_birthday(text)
        assert str(caught.value) == message


def test_birthdays_are_written_in_iso_form_with_or_without_a_year():
    assert dates.format_birthday(1990, 4, 2) == "1990-04-02"
    assert dates.format_birthday(None, 4, 2) == "--04-02"
    assert dates.birthday_of({"birthday_year": None, "birthday_month": 4,
                              "birthday_day": 2}) == "--04-02"
    assert dates.birthday_of({"birthday_year": 1990, "birthday_month": 4,
                              "birthday_day": 2}) == "1990-04-02"
    assert dates.birthday_of({"birthday_month": None}) is None


def test_next_birthday_a_birthday_today_is_today():
    assert dates.next_birthday(3, 14, FRI) == FRI
    assert dates.next_birthday(3, 13, FRI) == date(2026, 3, 13)
    assert dates.next_birthday(3, 15, FRI) == date(2025, 3, 15)
    assert dates.next_birthday(2, 29, FRI) == date(2026, 3, 1)
    assert dates.next_birthday(2, 29, date(2024, 1, 1)) == date(2024, 2, 29)


def test_now_is_utc_to_the_second_whatever_the_local_zone(monkeypatch):
    import time
    from datetime import UTC

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        for pinned in ("2025-03-14", "8900-12-30", None):
            if pinned:
                monkeypatch.setenv("TIES_TODAY", pinned)
            else:
                monkeypatch.delenv("TIES_TODAY", raising=False)
            stamp = dates.now()
            assert stamp.tzinfo is UTC and stamp.microsecond == 0
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_span_rounds_months_of_30_44_days_and_years_of_365_25():
    assert dates.span(700) == "23 months"
    assert dates.span(2010) == "6 years"


def test_parse_duration_of_nothing_quotes_nothing():
    with pytest.raises(BadDate, match=r"^Can't read the duration '' for --every\. "):
        dates.parse_duration(None)


def test_a_birthday_needs_a_month_not_only_a_day():
    with pytest.raises(BadDate, match="needs a day and a month"):
        dates.parse_birthday("12th")


@pytest.mark.parametrize("today, future, expected", [
    ("2025-03-14", True, "2028-02-29"),   # regression: refused, 2028 was beyond the search
    ("2025-03-14", False, "2024-02-29"),
    ("2024-02-29", True, "2024-02-29"),   # today itself, either way
    ("2024-02-29", False, "2024-02-29"),
    ("2024-02-28", False, "2020-02-29"),  # the day before: the last one was 4 years ago
    ("2097-03-01", True, "2104-02-29"),   # 2100 is no leap year: 7 years ahead
    ("2104-02-28", False, "2096-02-29"),  # and 8 back
])
def test_29_february_without_a_year_finds_the_nearest_leap_year(today, future, expected):
    got = dates.parse_when("29 feb", date.fromisoformat(today), future=future, past_ok=False)
    assert got == date.fromisoformat(expected)


@pytest.mark.parametrize("text, future, expected", [
    ("14 mar", True, "2025-03-14"), ("14 mar", False, "2025-03-14"),   # today
    ("13 mar", True, "2026-03-13"), ("13 mar", False, "2025-03-13"),   # a day before
    ("15 mar", True, "2025-03-15"), ("15 mar", False, "2024-03-15"),   # a day after
])
def test_a_day_without_a_year_is_the_next_or_the_last_one_around_today(text, future,
                                                                      expected):
    assert dates.parse_when(text, date(2025, 3, 14), future=future) == date.fromisoformat(expected)


# The days TIES_TODAY may pin ----------------------------------------------------------

@pytest.mark.parametrize("pinned", ["1900-01-01", "8900-12-30"])
def test_ties_today_at_either_end_of_the_pinnable_days_is_accepted(monkeypatch, pinned):
    monkeypatch.setenv("TIES_TODAY", pinned)
    assert dates.today() == date.fromisoformat(pinned)


@pytest.mark.parametrize("pinned", ["1899-12-31", "8900-12-31", "9500-06-01", "9999-12-31",
                                    "0001-01-01"])
def test_ties_today_outside_the_pinnable_days_is_refused(monkeypatch, pinned):
    monkeypatch.setenv("TIES_TODAY", pinned)
    with pytest.raises(BadDate, match=f"TIES_TODAY='{pinned}' is outside the days ties can "
                                      r"pin \(1900-01-01 to 8900-12-30\)"):
        dates.today()


def test_last_pinnable_day_leaves_a_century_ahead_within_the_stores_last_year():
    from ties.storage import stored

    assert dates.latest(dates.LAST_TODAY) == date(stored.LAST_YEAR, 12, 31)
    assert stored.date_problem(dates.latest(dates.LAST_TODAY)) is None
    assert stored.date_problem(dates.latest(dates.LAST_TODAY) + timedelta(days=1))
