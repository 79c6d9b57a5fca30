"""`ties export --format ics`: the calendar feed (exporters/calendar.py). Pure tests of the
writer on plain data, read back with icalendar and expanded with recurring-ical-events as a
calendar app would, and the path through the real CLI."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import icalendar
import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import built_store
from ties.core.text import safe
from ties.formats.exporters.calendar import escape, to_ics

TODAY = date(2025, 3, 14)  # a Friday
NOW = datetime(2025, 3, 14, 9, 30, 5, tzinfo=UTC)


def person(pid: int, name: str, birthday: tuple | None = None, archived: bool = False):
    year, month, day = birthday or (None, None, None)
    return {"id": pid, "name": name, "birthday_year": year, "birthday_month": month,
            "birthday_day": day, "archived": archived}


def promise(fid: int, pid: int, text: str, due: str | None, done: str | None = None):
    return {"id": fid, "person": pid, "text": text, "due": due and date.fromisoformat(due),
            "created": date(2025, 3, 1), "done": done and date.fromisoformat(done)}


def feed(people=(), follow_ups=(), this_week=(), today=TODAY, now=NOW) -> str:
    return to_ics({"people": list(people), "follow_ups": list(follow_ups),
                   "interactions": [], "settings": {}, "this_week": list(this_week)},
                  today, now)


def parsed(text: str):
    return icalendar.Calendar.from_ical(text)


def test_an_empty_store_is_an_empty_calendar_a_calendar_app_reads():
    text = feed()
    assert text == (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ties//ties//EN\r\n"
        "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nNAME:ties\r\nX-WR-CALNAME:ties\r\n"
        "X-WR-CALDESC:Promises\\, birthdays and this week's suggestions from ties\r\n"
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\nX-PUBLISHED-TTL:PT12H\r\n"
        "END:VCALENDAR\r\n")
    assert parsed(text).walk("VEVENT") == []


def test_open_promises_with_a_due_date_are_todos_overdue_ones_too():
    people = [person(1, "Ana Lima"), person(2, "Bo")]
    follow_ups = [promise(1, 1, "send the deck", "2025-03-10"),  # overdue
                  promise(2, 2, "call back", "2025-03-14"),  # due today
                  promise(3, 2, "no date", None),
                  promise(4, 1, "done already", "2025-03-01", done="2025-03-02"),
                  promise(5, 99, "someone gone", "2025-03-20")]
    todos = parsed(feed(people, follow_ups)).walk("VTODO")
    assert [(str(t["UID"]), str(t["SUMMARY"]), t["DUE"].dt, str(t["STATUS"]))
            for t in todos] == [
        ("follow-up-1@ties", "send the deck (Ana Lima)", date(2025, 3, 10), "NEEDS-ACTION"),
        ("follow-up-2@ties", "call back (Bo)", date(2025, 3, 14), "NEEDS-ACTION"),
    ]
    assert str(todos[0]["DESCRIPTION"]) == ("You promised Ana Lima: send the deck\n"
                                            "Promised on 2025-03-01.\nOverdue by 4 days.\n"
                                            "When it is done: ties done 1")
    assert "Overdue" not in str(todos[1]["DESCRIPTION"])  # due today is not overdue
    assert all(t["DTSTAMP"].dt == NOW for t in todos)


def test_one_day_overdue_is_said_in_the_singular():
    todo = parsed(feed([person(1, "Ana")], [promise(1, 1, "x", "2025-03-13")])).walk("VTODO")
    assert "Overdue by 1 day." in str(todo[0]["DESCRIPTION"])


def occurrences(text: str, start: date, end: date) -> list[tuple[str, date]]:
    events = recurring_ical_events.of(parsed(text)).between(start, end)
    return sorted((str(e["SUMMARY"]), e["DTSTART"].dt) for e in events)


def test_birthdays_recur_every_year_and_29_february_falls_on_the_28th_otherwise():
    people = [person(1, "Ana", (1992, 2, 29)), person(2, "Bo", (None, 3, 20)),
              person(3, "Cy", (None, 2, 29)), person(4, "Dee"),
              person(5, "Eve", (None, 1, 5), archived=True)]
    text = feed(people)
    got = occurrences(text, date(2025, 1, 1), date(2029, 1, 1))
    leap = [date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]
    assert got == sorted([("Ana's birthday", d) for d in leap]
                         + [("Cy's birthday", d) for d in leap]
                         + [("Bo's birthday", date(y, 3, 20)) for y in range(2025, 2029)])
    events = {str(e["UID"]): e for e in parsed(text).walk("VEVENT")}
    assert sorted(events) == ["birthday-1@ties", "birthday-2@ties", "birthday-3@ties"]
    assert events["birthday-1@ties"]["DTSTART"].dt == date(1992, 2, 29)
    assert str(events["birthday-1@ties"]["DESCRIPTION"]) == "Ana was born on 1992-02-29."
    assert "DESCRIPTION" not in events["birthday-2@ties"]  # no year: no age to tell
    assert events["birthday-2@ties"]["DTEND"].dt == date(2000, 3, 21)


def test_a_birthday_changed_outside_ties_into_no_date_is_left_out():
    assert parsed(feed([person(1, "Ana", (None, 2, 30))])).walk("VEVENT") == []


def suggestion(pid: int, name: str, reasons: list[str], talk: str = ""):
    return {"id": pid, "name": name, "reasons": reasons, "talk_about": talk,
            "last_contact_words": "3 months ago"}


@pytest.mark.parametrize(("today", "monday"), [
    (date(2025, 3, 10), date(2025, 3, 10)),  # a Monday: its own week
    (date(2025, 3, 16), date(2025, 3, 10)),  # a Sunday: the week that ends with it
    (date(2025, 3, 17), date(2025, 3, 17)),
])
def test_this_weeks_suggestions_span_todays_week_with_their_reasons(today, monday):
    items = [suggestion(7, "Ana Lima", ["overdue by 2 weeks", "birthday on Thursday"],
                        "ask about the move")]
    [event] = parsed(feed(this_week=items, today=today)).walk("VEVENT")
    year, week, _ = today.isocalendar()
    assert str(event["UID"]) == f"next-{year}-W{week:02d}-7@ties"
    assert (event["DTSTART"].dt, (event["DTEND"].dt - event["DTSTART"].dt).days) == (monday, 7)
    assert str(event["SUMMARY"]) == "Get in touch with Ana Lima"
    assert str(event["DESCRIPTION"]) == (
        "Why:\n- overdue by 2 weeks\n- birthday on Thursday\nTalk about: ask about the move\n"
        "Last contact: 3 months ago\nWhen you have been in touch: ties log @7")


def test_the_same_store_gives_the_same_feed_and_uids():
    args = ([person(1, "Ana", (None, 4, 1))], [promise(1, 1, "x", "2025-03-20")],
            [suggestion(1, "Ana", ["due"])])
    assert feed(*args) == feed(*args)
    later = feed(*args, now=datetime(2025, 3, 14, 18, 0, tzinfo=UTC))
    uids = [str(c["UID"]) for c in parsed(feed(*args)).walk() if "UID" in c]
    assert uids == [str(c["UID"]) for c in parsed(later).walk() if "UID" in c]
    assert "DTSTAMP:20250314T180000Z" in later


texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
                max_size=120)


@settings(max_examples=20, deadline=None)
@given(texts, texts)
def test_any_text_is_escaped_folded_and_parses_back(name, words):
    text = feed([person(1, name, (None, 5, 1))], [promise(1, 1, words, "2025-03-20")])
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")  # never cut inside a character
    cal = parsed(text)
    [todo] = cal.walk("VTODO")
    assert str(todo["SUMMARY"]) == f"{shown(words)} ({shown(name)})"
    [event] = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{shown(name)}'s birthday"


def shown(text: str) -> str:
    """How a calendar app shows text ties wrote: one kind of line break, controls visible."""
    return safe(text.replace("\r\n", "\n").replace("\r", "\n"))


@pytest.mark.parametrize(("text", "escaped"), [
    ("a,b;c\\d", "a\\,b\\;c\\\\d"),
    ("one\ntwo\r\nthree\rfour", "one\\ntwo\\nthree\\nfour"),
    ("bell\x07 and \u202e", "bell\\\\x07 and \\\\u202e"),  # shown as \x07, escaped
])
def test_text_is_escaped_as_rfc_5545_says_with_controls_made_visible(text, escaped):
    assert escape(text) == escaped


def test_a_long_line_is_folded_at_75_octets_never_inside_a_character():
    text = feed([person(1, "王" * 60, (None, 5, 1))])
    summary = text[text.index("SUMMARY:"):text.index("TRANSP")]
    lines = summary.split("\r\n")[:-1]
    assert [len(line.encode()) for line in lines] == [74, 73, 54]
    assert all(line.startswith(" ") for line in lines[1:])


# Through the CLI --------------------------------------------------------------------------

@pytest.fixture
def feed_store(ties, db_path):
    built_store("test_export_ics.feed_store", db_path, lambda: _build(ties))


def _build(ties) -> None:
    ties("add", "Ana Lima", "--type", "strategic", "--birthday", "1992-02-29",
         "--on", "2025-01-01")
    ties("add", "Bo, Jr.", "--type", "social", "--birthday", "--03-20", "--on", "2024-06-01")
    ties("follow-up", "Ana", "send the deck; slides", "--due", "2025-03-10")
    ties("follow-up", "Bo", "call back", "--due", "2025-04-01")
    ties("follow-up", "Bo", "no date")


def test_ties_export_ics_holds_promises_birthdays_and_this_weeks_next(ties, feed_store):
    result = ties("export", "--format", "ics")
    assert result.exit_code == 0, result.stderr
    cal = parsed(result.stdout)
    todos = cal.walk("VTODO")
    assert [(str(t["SUMMARY"]), t["DUE"].dt) for t in todos] == [
        ("send the deck; slides (Ana Lima)", date(2025, 3, 10)),
        ("call back (Bo, Jr.)", date(2025, 4, 1))]
    events = cal.walk("VEVENT")
    birthdays = [str(e["SUMMARY"]) for e in events if str(e["UID"]).startswith("birthday")]
    assert birthdays == ["Ana Lima's birthday", "Bo, Jr.'s birthday"]
    expected = json.loads(ties("next", "--json").stdout)
    week = [e for e in events if str(e["UID"]).startswith("next-")]
    assert [str(e["SUMMARY"]) for e in week] == [f"Get in touch with {s['name']}"
                                                 for s in expected]
    for event, item in zip(week, expected, strict=True):
        for reason in item["reasons"]:
            assert f"- {reason}" in str(event["DESCRIPTION"])
        assert event["DTSTART"].dt == date(2025, 3, 10)
    assert occurrences(result.stdout, date(2027, 2, 1), date(2027, 3, 31)) == [
        ("Ana Lima's birthday", date(2027, 2, 28)), ("Bo, Jr.'s birthday", date(2027, 3, 20))]


def test_ties_export_ics_twice_is_the_same_feed_and_writes_a_file(ties, feed_store, tmp_path):
    result = ties("export", "--format", "ics")
    again = ties("export", "--format", "ics").stdout
    stamp = re.compile(r"DTSTAMP:\d{8}T\d{6}Z")  # the time of day goes on
    assert stamp.sub("", again) == stamp.sub("", result.stdout)  # the same feed
    out = tmp_path / "ties.ics"
    written = ties("export", "-f", "ics", "-o", str(out))
    assert written.exit_code == 0
    assert stamp.sub("", out.read_text()) == stamp.sub("", result.stdout)
    # what the feed holds (the store has 2 people): 2 to-dos, 2 birthdays, 2 suggestions
    assert written.stderr == ("Exported 2 promises, 2 birthdays and 2 suggestions to "
                              f"{out} (ics).\n")


def test_regression_export_ics_said_exported_people_not_what_the_feed_holds():
    from ties.formats.exporters.calendar import what_it_holds

    feed = ("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:follow-up-3@ties\r\nEND:VTODO\r\n"
            "BEGIN:VEVENT\r\nUID:next-2025-W11-4@ties\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:next-2025-W11-5@ties\r\nDESCRIPTION:x\r\n"
            " UID:birthday-1@ties\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert what_it_holds(feed) == "1 promise, 0 birthdays and 2 suggestions"
    assert what_it_holds("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") == (
        "0 promises, 0 birthdays and 0 suggestions")


def test_ties_export_ics_of_an_empty_store_is_an_empty_calendar(ties):
    result = ties("export", "--format", "ics")
    assert result.exit_code == 0
    assert parsed(result.stdout).walk("VEVENT") == []


def test_regression_each_item_s_categories_read_back_as_ties_and_its_kind_not_one_odd_one():
    """The feed wrote CATEGORIES:ties\\,promise, an escaped comma: one category
    "ties,promise" that a calendar app filtering by category would not match. RFC 5545
    lists categories separated by commas: "ties" and "promise"."""
    cal = parsed(feed([person(1, "Ana Lima", birthday=(1990, 3, 20))],
                      [promise(1, 1, "send the deck", "2025-03-20")],
                      [suggestion(1, "Ana Lima", ["due"])]))
    kinds = sorted((c.name, [str(v) for v in c.get("CATEGORIES").cats])
                   for c in cal.walk() if c.name in ("VEVENT", "VTODO"))
    assert kinds == [("VEVENT", ["ties", "birthday"]), ("VEVENT", ["ties", "suggestion"]),
                     ("VTODO", ["ties", "promise"])]
