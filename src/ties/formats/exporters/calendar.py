"""The calendar feed out (RFC 5545): open promises with a due date as to-dos, birthdays as
yearly all-day events, and this week's suggestions as week-long all-day events, so that a
calendar app subscribed to the file shows them.

Written by hand, like the other exporters: plain data in, text out, the same bytes for the
same store on the same day. What makes a subscribed app update rather than duplicate:
- every item's UID comes from ties' own ids ("follow-up-12@ties", "birthday-3@ties",
  "next-2025-W11-3@ties": a week's suggestions are that week's, and leave the feed with it);
- DTSTAMP is ties' clock (`now`), so TIES_TODAY pins it.
Text is escaped as RFC 5545 3.3.11 says (backslash, semicolon, comma, newline), control
and bidi characters shown as visible escapes first (`ties.core.text.safe`), and every line
is folded at 75 octets, never inside a UTF-8 character (3.1).

Promises without a due date, done promises, and the birthdays of archived people are left
out: the feed is for what is coming up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ties.core.text import safe
from ties.formats.exporters import _fold

PRODID = "-//ties//ties//EN"  # no version: formats/ imports from core and formats only
# How often a subscribed app should fetch the feed again (RFC 7986; Apple and Outlook
# read X-PUBLISHED-TTL).
REFRESH = "PT12H"
# The year a birthday without one is dated from: a leap year, so 29 February exists.
NO_YEAR = 2000


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (safe(text).replace("\\", "\\\\")
            .replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _stamp(now: datetime) -> str:
    if now.tzinfo is not None:
        now = now.astimezone(UTC)
    return now.strftime("%Y%m%dT%H%M%SZ")


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def to_ics(data: dict, today: date, now: datetime) -> str:
    """The feed: `data` is the export's data (queries.export_data), with this week's
    suggestions under "this_week" (views.this_week's items) when the caller gives them."""
    stamp = _stamp(now)
    names = {p["id"]: p["name"] for p in data["people"]}
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "NAME:ties", "X-WR-CALNAME:ties",
             "X-WR-CALDESC:Promises\\, birthdays and this week's suggestions from ties",
             f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}", f"X-PUBLISHED-TTL:{REFRESH}"]
    for item in data["follow_ups"]:
        due = _day(item.get("due"))
        if due is None or item.get("done") or item["person"] not in names:
            continue
        lines += _promise(item, due, names[item["person"]], today, stamp)
    for p in data["people"]:
        if p.get("birthday_month") and p.get("birthday_day") and not p.get("archived"):
            lines += _birthday(p, stamp)
    for item in data.get("this_week", []):
        lines += _suggestion(item, today, stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def what_it_holds(feed: str) -> str:
    """What a feed `to_ics` wrote holds, as `ties export` says it: "2 promises, 3
    birthdays and 1 suggestion" (counted by the UIDs it gives each kind)."""
    from ties.core.text import plural

    kinds = (("UID:follow-up-", "promise"), ("UID:birthday-", "birthday"),
             ("UID:next-", "suggestion"))
    lines = feed.split("\r\n")
    said = [plural(sum(line.startswith(uid) for line in lines), kind)
            for uid, kind in kinds]
    return f"{said[0]}, {said[1]} and {said[2]}"


def _promise(item: dict, due: date, name: str, today: date, stamp: str) -> list[str]:
    said = [f"You promised {name}: {item['text']}"]
    created = _day(item.get("created"))
    if created:
        said.append(f"Promised on {created.isoformat()}.")
    if due < today:
        days = (today - due).days
        said.append(f"Overdue by {days} day{'s' if days != 1 else ''}.")
    said.append(f"When it is done: ties done {item['id']}")
    summary = f"{item['text']} ({name})"
    return ["BEGIN:VTODO", f"UID:follow-up-{item['id']}@ties", f"DTSTAMP:{stamp}",
            f"SUMMARY:{escape(summary)}",
            f"DUE;VALUE=DATE:{_date(due)}", "STATUS:NEEDS-ACTION",
            f"DESCRIPTION:{escape(chr(10).join(said))}", "CATEGORIES:ties,promise",
            "END:VTODO"]


def _birthday(p: dict, stamp: str) -> list[str]:
    month, day, year = p["birthday_month"], p["birthday_day"], p.get("birthday_year")
    try:
        start = date(year or NO_YEAR, month, day)
    except (TypeError, ValueError):  # a value changed outside ties (doctor names it)
        return []
    # 29 February falls on the last day of February, so it is there every year: an RRULE
    # on the 29th alone would skip three years in four (RFC 5545 3.3.10).
    rule = ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1" if (month, day) == (2, 29)
            else "FREQ=YEARLY")
    about = [f"{p['name']} was born on {start.isoformat()}."] if year else []
    lines = ["BEGIN:VEVENT", f"UID:birthday-{p['id']}@ties", f"DTSTAMP:{stamp}",
             f"DTSTART;VALUE=DATE:{_date(start)}",
             f"DTEND;VALUE=DATE:{_date(start + timedelta(days=1))}", f"RRULE:{rule}",
             f"SUMMARY:{escape(p['name'] + chr(39) + 's birthday')}", "TRANSP:TRANSPARENT",
             "CATEGORIES:ties,birthday"]
    if about:
        lines.append(f"DESCRIPTION:{escape(about[0])}")
    return [*lines, "END:VEVENT"]


def _suggestion(item: dict, today: date, stamp: str) -> list[str]:
    """A suggestion as an all-day event over today's week (Monday to Sunday)."""
    monday = today - timedelta(days=today.weekday())
    year, week, _ = today.isocalendar()
    said = ["Why:", *(f"- {reason}" for reason in item.get("reasons", []))]
    if item.get("talk_about"):
        said.append(f"Talk about: {item['talk_about']}")
    if item.get("last_contact_words"):
        said.append(f"Last contact: {item['last_contact_words']}")
    said.append(f"When you have been in touch: ties log @{item['id']}")
    return ["BEGIN:VEVENT", f"UID:next-{year}-W{week:02d}-{item['id']}@ties",
            f"DTSTAMP:{stamp}", f"DTSTART;VALUE=DATE:{_date(monday)}",
            f"DTEND;VALUE=DATE:{_date(monday + timedelta(days=7))}",
            f"SUMMARY:{escape('Get in touch with ' + item['name'])}",
            f"DESCRIPTION:{escape(chr(10).join(said))}", "TRANSP:TRANSPARENT",
            "CATEGORIES:ties,suggestion", "END:VEVENT"]
