"""The calendar reader (importers/calendar.py): an .ics file -> Sightings, pure.

Each fixture is a small file written here, reproducing what Google Calendar, Outlook and
Apple Calendar put in their exports (the quirks seen in their real exports and in the test
calendars of icalendar and recurring-ical-events), and each test asserts the exact
sightings and skips. The user's zone is Europe/Berlin unless a test says otherwise."""

from __future__ import annotations

import sys
import time as clock
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ties.core.records import Sighting
from ties.formats.importers import BadFile
from ties.formats.importers.calendar import MAX_DEPTH, MAX_OCCURRENCES, read

BERLIN = ZoneInfo("Europe/Berlin")
ME = frozenset({"me@example.org", "me@work.example"})
TODAY = date(2025, 3, 14)


def ics(*events: str, head: str = "PRODID:-//ties tests//EN\r\n") -> bytes:
    body = "".join(e.strip("\n").replace("\n", "\r\n") + "\r\n" for e in events)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{head}{body}END:VCALENDAR\r\n").encode()


def event(uid: str = "e1", start: str = "DTSTART:20250310T090000Z", *lines: str,
          attendees: int | list[str] = 1) -> str:
    if isinstance(attendees, int):
        attendees = [f"ATTENDEE:mailto:p{n}@example.com" for n in range(attendees)]
    return "\n".join(["BEGIN:VEVENT", f"UID:{uid}", start, "SUMMARY:Coffee", *attendees,
                      *lines, "END:VEVENT"])


def sightings(data: bytes, **kw):
    kw.setdefault("zone", BERLIN)
    return read(data, kw.pop("me", ME), kw.pop("today", TODAY), **kw)


# Google Calendar --------------------------------------------------------------------------

BERLIN_TZ = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
X-LIC-LOCATION:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""

GOOGLE_HEAD = ("PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nCALSCALE:GREGORIAN\r\n"
               "METHOD:PUBLISH\r\nX-WR-CALNAME:me@example.org\r\n"
               "X-WR-TIMEZONE:Europe/Berlin\r\n")

# A weekly 1:1 on Mondays at 9:00 Berlin time from 17 Feb, organised by Ana; an override of
# 3 March (moved to Tuesday, listed before its series, as Google does), 24 Feb excluded,
# the 10 March occurrence cancelled. Attendees as Google writes them: CN is the address
# when the guest has no name, a room is a RESOURCE of resource.calendar.google.com.
GOOGLE = ics(BERLIN_TZ, """BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20250304T100000
DTEND;TZID=Europe/Berlin:20250304T103000
DTSTAMP:20250314T101010Z
ORGANIZER;CN=Ana Lima:mailto:ana@example.com
UID:4k2v9m1q@google.com
RECURRENCE-ID;TZID=Europe/Berlin:20250303T090000
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ana Lima;X-NUM-
 GUESTS=0:mailto:ana@example.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=me@example.o
 rg;X-NUM-GUESTS=0:mailto:me@example.org
SEQUENCE:1
STATUS:CONFIRMED
SUMMARY:1:1 (moved)
END:VEVENT""", """BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20250217T090000
DTEND;TZID=Europe/Berlin:20250217T093000
RRULE:FREQ=WEEKLY;BYDAY=MO
EXDATE;TZID=Europe/Berlin:20250224T090000
DTSTAMP:20250314T101010Z
ORGANIZER;CN=Ana Lima:mailto:ana@example.com
UID:4k2v9m1q@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ana Lima;X-NUM-
 GUESTS=0:mailto:ana@example.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=me@example.o
 rg;X-NUM-GUESTS=0:mailto:me@example.org
ATTENDEE;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Room 2;X-NUM-G
 UESTS=0:mailto:c_188@resource.calendar.google.com
X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij
DESCRIPTION:-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~
 :~:~:~:~:~:~:~:-\\nJoin with Google Meet: https://meet.google.com/abc-defg-hij
LOCATION:
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:1:1 Ana / me
END:VEVENT""", """BEGIN:VEVENT
DTSTART;TZID=Europe/Berlin:20250310T090000
DTSTAMP:20250314T101010Z
UID:4k2v9m1q@google.com
RECURRENCE-ID;TZID=Europe/Berlin:20250310T090000
STATUS:CANCELLED
SUMMARY:1:1 Ana / me
END:VEVENT""", """BEGIN:VEVENT
DTSTART:20250312T173000Z
DTEND:20250312T190000Z
DTSTAMP:20250314T101010Z
ORGANIZER;CN=me@example.org:mailto:me@example.org
UID:7hd81@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=bo@ex
 ample.com;X-NUM-GUESTS=0:mailto:Bo@Example.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=me@example
 .org;X-NUM-GUESTS=0:mailto:me@example.org
LOCATION:Café Einstein\\, Kurfürstenstraße 58\\, Berlin
SUMMARY:Dinner with Bo
END:VEVENT""", """BEGIN:VEVENT
DTSTART:20250313T120000Z
DTEND:20250313T130000Z
DTSTAMP:20250314T101010Z
ORGANIZER;CN=Cy:mailto:cy@example.com
UID:9zz@google.com
ATTENDEE;CN=Cy;PARTSTAT=ACCEPTED:mailto:cy@example.com
ATTENDEE;CN=me@example.org;PARTSTAT=DECLINED:mailto:me@example.org
SUMMARY:Lunch and learn
END:VEVENT""", """BEGIN:VEVENT
DTSTART;VALUE=DATE:20250301
DTEND;VALUE=DATE:20250302
DTSTAMP:20250314T101010Z
UID:holiday1@google.com
SUMMARY:Day off
TRANSP:TRANSPARENT
END:VEVENT""", """BEGIN:VEVENT
DTSTART:20250320T120000Z
DTEND:20250320T130000Z
DTSTAMP:20250314T101010Z
UID:later@google.com
ATTENDEE;CN=Ana Lima:mailto:ana@example.com
SUMMARY:Next week
END:VEVENT""", head=GOOGLE_HEAD)


def test_a_google_export_gives_each_past_occurrence_with_its_overrides_and_skips():
    out = sightings(GOOGLE)
    ana = ("ana@example.com",)
    one_on_one = dict(others=ana, reached_out="ana@example.com", channel="video",
                      names=(("ana@example.com", "Ana Lima"),))
    assert out.found == [
        Sighting("ics:4k2v9m1q@google.com/2025-02-17T08:00:00Z", date(2025, 2, 17),
                 note="1:1 Ana / me", **one_on_one),
        Sighting("ics:4k2v9m1q@google.com/2025-03-03T08:00:00Z", date(2025, 3, 4),
                 note="1:1 (moved)", channel="event",
                 others=ana, reached_out="ana@example.com",
                 names=(("ana@example.com", "Ana Lima"),)),
        Sighting("ics:7hd81@google.com/2025-03-12T17:30:00Z", date(2025, 3, 12),
                 others=("bo@example.com",), reached_out=None, channel="in-person",
                 note="Dinner with Bo"),
    ]
    assert out.skipped == {"cancelled": 1, "declined": 1, "all-day without attendees": 1,
                           "not yet happened": 1}


def test_google_an_override_listed_before_its_series_replaces_that_occurrence():
    keys = [s.key for s in sightings(GOOGLE).found]
    assert "ics:4k2v9m1q@google.com/2025-02-24T08:00:00Z" not in keys  # EXDATE
    assert "ics:4k2v9m1q@google.com/2025-03-10T08:00:00Z" not in keys  # cancelled
    assert keys.count("ics:4k2v9m1q@google.com/2025-03-03T08:00:00Z") == 1


# Outlook ----------------------------------------------------------------------------------

PACIFIC = """BEGIN:VTIMEZONE
TZID:Pacific Standard Time
BEGIN:STANDARD
DTSTART:16011104T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11
TZOFFSETFROM:-0700
TZOFFSETTO:-0800
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010311T020000
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3
TZOFFSETFROM:-0800
TZOFFSETTO:-0700
END:DAYLIGHT
END:VTIMEZONE"""

OUTLOOK_HEAD = ("PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n"
                "METHOD:PUBLISH\r\nX-MS-OLK-FORCEINSPECTOROPEN:TRUE\r\n")

# A Teams stand-up every weekday at 16:00 Pacific from Mon 3 March, organised by the user
# (their work address), with the Teams link only in the description and "Microsoft Teams
# Meeting" as its location; a review in a room, times in a Windows zone named without a
# VTIMEZONE, EXDATE in UTC; a cancelled meeting ("Canceled: ").
OUTLOOK = ics(PACIFIC, """BEGIN:VEVENT
CLASS:PUBLIC
DESCRIPTION:____________\\n\\nMicrosoft Teams meeting\\nJoin on your computer:
  <https://teams.microsoft.com/l/meetup-join/19%3ameeting_N2Rk%40thread.v2/0>
 \\n____________\\n
DTEND;TZID="Pacific Standard Time":20250303T161500
DTSTART;TZID="Pacific Standard Time":20250303T160000
RRULE:FREQ=WEEKLY;UNTIL=20250308T000000Z;BYDAY=MO,TU,WE,TH,FR
EXDATE:20250305T000000Z
LOCATION:Microsoft Teams Meeting
ORGANIZER;CN="Me (Work)":mailto:ME@work.example
ATTENDEE;CN="Dee Park";RSVP=TRUE:mailto:dee@corp.example
ATTENDEE;CN="Eli Roth";PARTSTAT=DECLINED;RSVP=TRUE:mailto:eli@corp.example
PRIORITY:5
SEQUENCE:0
SUMMARY;LANGUAGE=en-us:Stand-up\\; \\, daily
TRANSP:OPAQUE
UID:040000008200E00074C5B7101A82E0080000000010A1
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-IMPORTANCE:1
END:VEVENT""", """BEGIN:VEVENT
DTSTART;TZID=W. Europe Standard Time:20250311T100000
DTEND;TZID=W. Europe Standard Time:20250311T110000
LOCATION:Room 4.12 (Building A)
ORGANIZER;CN=Dee Park:mailto:dee@corp.example
ATTENDEE;CN=Dee Park;ROLE=REQ-PARTICIPANT:mailto:dee@corp.example
ATTENDEE;CN=Me;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:me@work.example
ATTENDEE;CN=Room 4.12;CUTYPE=ROOM;ROLE=NON-PARTICIPANT:mailto:room412@corp.example
SUMMARY;LANGUAGE=en-us:Quarterly review
UID:040000008200E00074C5B7101A82E0080000000020B2
END:VEVENT""", """BEGIN:VEVENT
DTSTART;TZID="Pacific Standard Time":20250306T090000
ORGANIZER;CN=Dee Park:mailto:dee@corp.example
ATTENDEE;CN=Me:mailto:me@work.example
STATUS:CANCELLED
SUMMARY:Canceled: Planning
UID:040000008200E00074C5B7101A82E0080000000030C3
END:VEVENT""", head=OUTLOOK_HEAD)


def test_an_outlook_export_in_windows_zones_gives_the_local_days():
    out = sightings(OUTLOOK)
    dee = ("dee@corp.example",)
    standup = dict(others=dee, reached_out=None, channel="video", note="Stand-up; , daily",
                   names=(("dee@corp.example", "Dee Park"),))
    # 16:00 Pacific (UTC-8) is 01:00 the next day in Berlin; 5 March (UTC) is excluded,
    # and the series ends on Friday 7 March.
    assert out.found == [
        Sighting("ics:040000008200E00074C5B7101A82E0080000000010A1/2025-03-04T00:00:00Z",
                 date(2025, 3, 4), **standup),
        Sighting("ics:040000008200E00074C5B7101A82E0080000000010A1/2025-03-06T00:00:00Z",
                 date(2025, 3, 6), **standup),
        Sighting("ics:040000008200E00074C5B7101A82E0080000000010A1/2025-03-07T00:00:00Z",
                 date(2025, 3, 7), **standup),
        Sighting("ics:040000008200E00074C5B7101A82E0080000000010A1/2025-03-08T00:00:00Z",
                 date(2025, 3, 8), **standup),
        Sighting("ics:040000008200E00074C5B7101A82E0080000000020B2/2025-03-11T09:00:00Z",
                 date(2025, 3, 11), others=dee, reached_out="dee@corp.example",
                 channel="in-person", note="Quarterly review",
                 names=(("dee@corp.example", "Dee Park"),)),
    ]
    assert out.skipped == {"cancelled": 1}


def test_the_same_outlook_meeting_falls_on_the_day_of_the_users_own_zone():
    days = [s.when for s in sightings(OUTLOOK, zone=ZoneInfo("America/Los_Angeles")).found]
    assert days[:4] == [date(2025, 3, 3), date(2025, 3, 5), date(2025, 3, 6),
                        date(2025, 3, 7)]


def test_an_old_outlook_export_in_windows_1252_keeps_its_title():
    data = ics(event("w1", "DTSTART:20250310T090000Z", "LOCATION:Café")).replace(
        b"SUMMARY:Coffee", "SUMMARY:Caf\u00e9 mit J\u00fcrgen".encode("cp1252"))
    assert [s.note for s in sightings(data).found] == ["Café mit Jürgen"]


# Apple Calendar ---------------------------------------------------------------------------

APPLE_HEAD = ("PRODID:-//Apple Inc.//macOS 14.4//EN\r\nCALSCALE:GREGORIAN\r\n")

# Apple names attendees by a principal URL or urn:uuid with the address in EMAIL, quotes
# CN, writes floating times for events without a zone, all-day events as dates, and a
# FaceTime link in URL.
APPLE = ics("""BEGIN:VEVENT
CREATED:20250301T101010Z
UID:6B29FC40-CA47-1067-B31D-00DD010662DA
DTSTART;VALUE=DATE:20250308
DTEND;VALUE=DATE:20250310
SUMMARY:Hiking weekend
ATTENDEE;CN="Fay Gold";CUTYPE=INDIVIDUAL;EMAIL="fay@icloud.example";PARTSTAT=ACCEP
 TED:urn:uuid:00000000-0000-0000-0000-000000000001
ATTENDEE;CN="Me";CUTYPE=INDIVIDUAL;EMAIL="me@example.org";PARTSTAT=ACCEPTED;ROLE=CHAIR:/aMTQ1NjA3/principal/
ORGANIZER;CN="Me";EMAIL="me@example.org":/aMTQ1NjA3/principal/
X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC
END:VEVENT""", """BEGIN:VEVENT
UID:A1B2C3D4-0000-4000-8000-000000000002
DTSTART:20250313T233000
DTEND:20250314T003000
SUMMARY:Late call
URL;VALUE=URI:https://facetime.apple.com/join#v=1&p=abc
ATTENDEE;CN="Gus";PARTSTAT=ACCEPTED:mailto:gus@example.net
END:VEVENT""", """BEGIN:VEVENT
UID:A1B2C3D4-0000-4000-8000-000000000003
DTSTART;VALUE=DATE:20250314
SUMMARY:Birthday party
END:VEVENT""", head=APPLE_HEAD)


def test_an_apple_export_reads_principals_floating_times_and_all_day_events():
    out = sightings(APPLE)
    assert out.found == [
        Sighting("ics:6B29FC40-CA47-1067-B31D-00DD010662DA/2025-03-08", date(2025, 3, 8),
                 others=("fay@icloud.example",), reached_out=None, channel="event",
                 note="Hiking weekend", names=(("fay@icloud.example", "Fay Gold"),)),
        Sighting("ics:A1B2C3D4-0000-4000-8000-000000000002/2025-03-13T23:30:00",
                 date(2025, 3, 13), others=("gus@example.net",), reached_out=None,
                 channel="video", note="Late call", names=(("gus@example.net", "Gus"),)),
    ]
    assert out.skipped == {"all-day without attendees": 1}


# The rules, one at a time ----------------------------------------------------------------

@pytest.mark.parametrize(("others", "found"), [(8, 1), (9, 0)])
def test_more_than_max_others_is_a_broadcast_8_is_not(others, found):
    out = sightings(ics(event(attendees=others)))
    assert len(out.found) == found
    assert out.skipped == ({} if found else {"a broadcast (more than 8 others)": 1})


def test_max_others_is_the_callers_and_the_user_does_not_count():
    data = ics(event(attendees=[f"ATTENDEE:mailto:p{n}@example.com" for n in range(3)]
                     + ["ATTENDEE:mailto:ME@Example.org"]))
    assert len(sightings(data, max_others=3).found) == 1
    assert len(sightings(data, max_others=2).found) == 0


@pytest.mark.parametrize(("start", "counted"), [
    ("DTSTART;TZID=Europe/Berlin:20250314T235900", True),  # today, late: by the day's end
    ("DTSTART;TZID=Europe/Berlin:20250315T000000", False),  # tomorrow
    ("DTSTART;VALUE=DATE:20250314", True),
    ("DTSTART;VALUE=DATE:20250315", False),
    ("DTSTART:20250314T225900Z", True),  # 23:59 in Berlin
    ("DTSTART:20250314T230000Z", False),  # midnight in Berlin
    ("DTSTART:20250314T235900", True),  # floating
    ("DTSTART:20250315T000000", False),
])
def test_an_event_today_counts_one_tomorrow_does_not(start, counted):
    out = sightings(ics(BERLIN_TZ, event("b", start)))
    assert [s.when for s in out.found] == ([TODAY] if counted else [])
    assert out.skipped == ({} if counted else {"not yet happened": 1})


def test_an_event_ending_today_counts_when_it_started_yesterday():
    out = sightings(ics(event("x", "DTSTART;VALUE=DATE:20250313", "DTEND;VALUE=DATE:20250315")))
    assert [s.when for s in out.found] == [date(2025, 3, 13)]


def test_with_now_given_an_occurrence_counts_once_it_has_started():
    data = ics(event("n", "DTSTART:20250314T120000Z"))
    at = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
    assert len(sightings(data, now=at).found) == 1
    assert len(sightings(data, now=at - timedelta(seconds=1)).found) == 0


def test_a_now_later_than_today_still_gives_no_day_after_today():
    data = ics(event("n", "DTSTART:20250315T120000Z"))
    out = sightings(data, now=datetime(2025, 3, 16, tzinfo=UTC))
    assert (out.found, out.skipped) == ([], {"not yet happened": 1})


@pytest.mark.parametrize(("tz", "day"), [("Europe/Berlin", date(2025, 3, 11)),
                                         ("America/Los_Angeles", date(2025, 3, 10))])
def test_without_a_zone_the_day_is_in_the_systems_time_zone(monkeypatch, tz, day):
    monkeypatch.setenv("TZ", tz)
    clock.tzset()
    try:
        found = read(ics(event("z", "DTSTART:20250311T060000Z")), ME, TODAY).found
    finally:
        monkeypatch.undo()
        clock.tzset()
    assert [s.when for s in found] == [day]


def test_the_user_declined_on_any_of_their_addresses():
    data = ics(event("d", "DTSTART:20250310T090000Z",
                     "ATTENDEE;PARTSTAT=DECLINED:mailto:Me@Work.Example"))
    assert sightings(data).skipped == {"declined": 1}
    assert sightings(data).found == []


def test_someone_else_who_declined_is_not_among_the_others():
    data = ics(event("d", "DTSTART:20250310T090000Z",
                     "ATTENDEE;PARTSTAT=DECLINED;CN=Hal:mailto:hal@example.com"))
    assert [s.others for s in sightings(data).found] == [("p0@example.com",)]


def test_a_timed_event_without_anyone_else_is_skipped_and_counted():
    data = ics(event("a", attendees=["ATTENDEE:mailto:me@example.org"]))
    assert sightings(data).skipped == {"no one else in it": 1}


def test_an_all_day_event_with_an_attendee_counts():
    data = ics(event("a", "DTSTART;VALUE=DATE:20250301"))
    assert [(s.when, s.channel) for s in sightings(data).found] == [(date(2025, 3, 1), "event")]


@pytest.mark.parametrize(("organizer", "reached_out"), [
    ("ORGANIZER:mailto:me@example.org", None),
    ("ORGANIZER;CN=Me:MAILTO:ME@WORK.EXAMPLE", None),
    (None, None),
    ("ORGANIZER;CN=Ana:mailto:Ana@Example.com", "ana@example.com"),
])
def test_the_organizer_decides_who_reached_out(organizer, reached_out):
    lines = [organizer] if organizer else []
    found = sightings(ics(event("o", "DTSTART:20250310T090000Z", *lines))).found
    assert [s.reached_out for s in found] == [reached_out]


def test_an_organizer_not_listed_as_attendee_is_among_the_others():
    data = ics(event("o", "DTSTART:20250310T090000Z", "ORGANIZER;CN=Ana:mailto:ana@example.com",
                     attendees=["ATTENDEE:mailto:me@example.org"]))
    found = sightings(data).found
    assert [(s.others, s.names) for s in found] == [
        (("ana@example.com",), (("ana@example.com", "Ana"),))]


@pytest.mark.parametrize(("lines", "channel"), [
    ([], "event"),
    (["LOCATION:Café Luna"], "in-person"),
    (["LOCATION:"], "event"),
    (["LOCATION:https://us02web.zoom.us/j/123"], "video"),
    (["LOCATION:Zoom"], "video"),
    (["LOCATION:Microsoft Teams Meeting"], "video"),
    (["URL:https://acme.webex.com/meet/ana"], "video"),
    (["URL:https://example.com/agenda"], "event"),
    (["CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://chat.example/room"], "video"),
    (["X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij"], "video"),
    (["X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/1"],
     "video"),
    (["LOCATION:Office", "DESCRIPTION:Dial in: https://meet.jit.si/ties-weekly"], "video"),
    (["LOCATION:Office", "DESCRIPTION:Agenda at https://notzoom.us.example.com/x"],
     "in-person"),
    (["DESCRIPTION:see zoom.us later"], "event"),  # a word, not a link
])
def test_the_channel_is_video_with_a_meeting_link_else_in_person_with_a_place(lines, channel):
    found = sightings(ics(event("c", "DTSTART:20250310T090000Z", *lines))).found
    assert [s.channel for s in found] == [channel]


def test_a_link_only_in_outlooks_html_description_is_video_and_alarms_are_ignored():
    data = ics(event("h", "DTSTART:20250310T090000Z",
                     'X-ALT-DESC;FMTTYPE=text/html:<a href="https://teams.microsoft.com/l/1">',
                     "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:https://zoom.us/j/1",
                     "TRIGGER:-PT10M", "END:VALARM"))
    assert [s.channel for s in sightings(data).found] == ["video"]


def test_a_file_can_not_forge_the_readers_own_link_marker():
    data = ics(event("f", "DTSTART:20250310T090000Z", "X-TIES-MEETING-LINK:yes"))
    assert [s.channel for s in sightings(data).found] == ["event"]


def test_the_description_is_never_the_note():
    data = ics(event("n", "DTSTART:20250310T090000Z", "DESCRIPTION:private: salary talk")
               .replace("SUMMARY:Coffee", "SUMMARY:"))
    found = sightings(data).found
    assert [s.note for s in found] == [None]
    assert "salary" not in repr(found)


def test_escaped_text_in_the_title_is_decoded():
    data = ics(event("t", "DTSTART:20250310T090000Z").replace(
        "SUMMARY:Coffee", "SUMMARY:Plan\\, then \\;lunch\\\\ \\nnext"))
    assert [s.note for s in sightings(data).found] == ["Plan, then ;lunch\\ \nnext"]


def test_addresses_are_lower_cased_without_mailto_and_each_is_named_once():
    data = ics(event("a", "DTSTART:20250310T090000Z", attendees=[
        "ATTENDEE;CN=Ana Lima:MAILTO:Ana@Example.COM", "ATTENDEE:mailto:ana@example.com",
        "ATTENDEE;CN=bo@example.com:mailto:bo@example.com"]))
    [s] = sightings(data).found
    assert s.others == ("ana@example.com", "bo@example.com")
    assert s.names == (("ana@example.com", "Ana Lima"),)


def test_rooms_and_resources_are_not_people():
    data = ics(event("r", "DTSTART:20250310T090000Z", attendees=[
        "ATTENDEE;CUTYPE=ROOM:mailto:room@corp.example",
        "ATTENDEE;CUTYPE=RESOURCE:mailto:beamer@corp.example",
        "ATTENDEE:mailto:c_1@resource.calendar.google.com"]))
    assert sightings(data).skipped == {"no one else in it": 1}


def test_an_event_without_uid_gets_a_key_from_its_content_that_a_re_export_keeps():
    one = ics(event("", "DTSTART:20250310T090000Z", "DTSTAMP:20250314T101010Z"))
    again = ics(event("", "DTSTART:20250310T090000Z", "DTSTAMP:20250601T000000Z"))
    other = ics(event("", "DTSTART:20250310T090000Z", "DTSTAMP:20250314T101010Z")
                .replace("Coffee", "Tea"))
    keys = [sightings(d).found[0].key for d in (one, again, other)]
    assert keys[0] == keys[1] != keys[2]
    assert keys[0].startswith("ics:content-") and keys[0].endswith("/2025-03-10T09:00:00Z")


def test_a_key_keeps_its_occurrences_original_start_when_it_is_moved():
    series = event("s", "DTSTART:20250303T090000Z", "RRULE:FREQ=DAILY;COUNT=2")
    moved = event("s", "DTSTART:20250303T150000Z", "RECURRENCE-ID:20250304T090000Z")
    keys = [s.key for s in sightings(ics(series, moved)).found]
    assert sorted(keys) == ["ics:s/2025-03-03T09:00:00Z", "ics:s/2025-03-04T09:00:00Z"]


def test_rdate_adds_occurrences_and_a_cancelled_override_removes_one():
    series = event("s", "DTSTART:20250303T090000Z", "RRULE:FREQ=WEEKLY;COUNT=2",
                   "RDATE:20250305T090000Z,20250306T090000Z")
    gone = "\n".join(["BEGIN:VEVENT", "UID:s", "RECURRENCE-ID:20250305T090000Z",
                      "DTSTART:20250305T090000Z", "STATUS:CANCELLED", "END:VEVENT"])
    out = sightings(ics(series, gone))
    assert sorted(s.when for s in out.found) == [date(2025, 3, 3), date(2025, 3, 6),
                                                 date(2025, 3, 10)]
    assert out.skipped == {"cancelled": 1}


def test_a_series_that_starts_later_is_counted_once_as_not_yet_happened():
    data = ics(event("f", "DTSTART:20250401T090000Z", "RRULE:FREQ=DAILY"))
    out = sightings(data)
    assert (out.found, out.skipped) == ([], {"not yet happened": 1})


def test_the_same_event_twice_in_a_file_is_one_sighting():
    e = event("twice", "DTSTART:20250310T090000Z", "RECURRENCE-ID:20250310T090000Z")
    out = sightings(ics(e, e))
    assert len(out.found) == 1


def test_two_calendars_in_one_file_are_both_read():
    data = ics(event("a")) + ics(event("b"))
    assert [s.key for s in sightings(data).found] == ["ics:a/2025-03-10T09:00:00Z",
                                                      "ics:b/2025-03-10T09:00:00Z"]


def test_x_wr_timezone_places_utc_times_of_a_google_calendar():
    head = GOOGLE_HEAD.replace("Europe/Berlin", "America/New_York")
    data = ics(event("w", "DTSTART:20250311T030000Z"), head=head)
    # 03:00 UTC is 23:00 the day before in New York, and 04:00 in Berlin, the user's zone
    assert [s.when for s in sightings(data).found] == [date(2025, 3, 11)]


# Not a calendar, and hostile input ---------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"", b"BEGIN:VCARD\r\nFN:Ana\r\nEND:VCARD\r\n", b"name,email\r\nAna,a@b.c\r\n",
    b"\x00\x01\x02garbage", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
])
def test_a_file_that_is_not_a_calendar_is_one_line(data):
    with pytest.raises(BadFile) as caught:
        sightings(data)
    assert "\n" not in str(caught.value)
    assert "calendar" in str(caught.value)


def calls(work) -> int:
    """How many functions `work()` calls (Python's and C's): a measure of the work done
    that, unlike a clock, is the same on a loaded machine (the brief: speed is measured
    by benchmarks, never by timed tests; benchmarks/ics.py times the reader)."""
    count = 0

    def counted(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(counted)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


def test_nesting_deeper_than_any_calendar_is_refused_before_parsing():
    deep = b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\n" * 100_000

    def refused():
        with pytest.raises(BadFile, match=f"more than {MAX_DEPTH} deep"):
            sightings(deep)

    assert calls(refused) < 3 * 100_000  # a few per line: no parse of 100,000 components


def test_a_rule_without_end_stops_at_now_and_one_too_frequent_is_skipped_quickly():
    data = ics(event("w", "DTSTART:20240101T090000Z", "RRULE:FREQ=WEEKLY"),
               event("d", "DTSTART:19500101T000000Z", "RRULE:FREQ=DAILY"),
               event("y", "DTSTART:00010101T000000Z", "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"))
    out = sightings(data)
    assert calls(lambda: sightings(data)) < 1_000_000  # not 75 years of days
    assert len(out.found) == 63  # Mondays from 1 Jan 2024 to 10 March 2025
    assert max(s.when for s in out.found) == date(2025, 3, 10)
    assert out.skipped == {f"repeats more than {MAX_OCCURRENCES:,} times": 2}


def few_enough_both_ways(start: str, rule: str, now: datetime | None = None):
    """`_few_enough` of one series with the bound and by counting alone, and the calls
    the first made."""
    from ties.formats.importers import calendar

    (item,) = calendar._calendar_class().from_ical(
        ics(event("c", start, f"RRULE:{rule}"))).walk("VEVENT")
    reader = calendar._Reader(ME, TODAY, 8, now, BERLIN)
    work = calls(lambda: reader._few_enough(item))
    bounded = reader._few_enough(item)
    calendar._BOUNDED = False
    try:
        counted = reader._few_enough(item)
    finally:
        calendar._BOUNDED = True
    return bounded, counted, work


def test_a_daily_series_of_exactly_the_limit_is_kept_without_counting_and_one_more_is_not():
    """Up to now and two days (16 March 2025, the end of the count), a daily series from
    30 October 1997 has 10,000 starts: at most one a date, over 10,000 dates, is the
    bound, and it is not counted; a day earlier it has 10,001, is counted and skipped."""
    limit = date(2025, 3, 16) - timedelta(days=MAX_OCCURRENCES - 1)
    kept = few_enough_both_ways(f"DTSTART:{limit:%Y%m%d}T000000", "FREQ=DAILY")
    assert kept[:2] == (True, True) and kept[2] < 1_000
    more = few_enough_both_ways(f"DTSTART:{limit - timedelta(days=1):%Y%m%d}T000000",
                                "FREQ=DAILY")
    assert more[:2] == (False, False) and more[2] > MAX_OCCURRENCES
    # a COUNT of the limit is its bound, not counted; one over it is counted
    at_limit = few_enough_both_ways("DTSTART:19500101T000000",
                                    f"FREQ=DAILY;COUNT={MAX_OCCURRENCES}")
    assert at_limit[:2] == (True, True) and at_limit[2] < 1_000
    over = few_enough_both_ways("DTSTART:19500101T000000",
                                f"FREQ=DAILY;COUNT={MAX_OCCURRENCES + 1}")
    assert over[:2] == (False, False) and over[2] > MAX_OCCURRENCES


bound_rules = st.builds(
    lambda freq, interval, count, hours, days: ";".join(
        [f"FREQ={freq}", f"INTERVAL={interval}", *([f"COUNT={count}"] if count else []),
         *([f"BYHOUR={hours}"] if hours else []), *([f"BYDAY={days}"] if days else [])]),
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY"]), st.integers(1, 3),
    st.sampled_from([None, 0, 1, 9_999, 10_000, 10_001]),
    st.sampled_from([None, "9", "9,10,11"]), st.sampled_from([None, "MO", "MO,TU,WE,TH,FR"]))


def bound_against_counting(rule: str, offset: int, time_of_day: str) -> tuple[bool, bool]:
    """Whether the bound and counting keep `rule` from a start `offset` days from TODAY
    (a date, or that day at `time_of_day`)."""
    start = TODAY + timedelta(days=offset)
    line = f"DTSTART;VALUE=DATE:{start:%Y%m%d}" if not time_of_day else \
        f"DTSTART:{start:%Y%m%d}{time_of_day}"
    bounded, counted, _ = few_enough_both_ways(line, rule)
    return bounded, counted


@settings(max_examples=8, deadline=None)
@given(bound_rules, st.integers(-12_000, 0), st.sampled_from(["T000000", "T233000Z", ""]))
def test_a_series_bounded_without_counting_is_kept_exactly_when_counting_keeps_it(
        rule, offset, time_of_day):
    bounded, counted = bound_against_counting(rule, offset, time_of_day)
    assert bounded == counted


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(bound_rules, st.integers(-12_000, 0), st.sampled_from(["T000000", "T233000Z", ""]))
def test_a_series_bounded_without_counting_is_kept_as_counting_keeps_it_deep(
        rule, offset, time_of_day):
    bounded, counted = bound_against_counting(rule, offset, time_of_day)
    assert bounded == counted


@pytest.mark.parametrize("rule", ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
                                  "FREQ=SECONDLY;BYMONTH=4,6;BYMONTHDAY=31,-31",
                                  "FREQ=MONTHLY;INTERVAL=0", "FREQ=HOURLY;BYMONTH=13",
                                  "FREQ=DAILY;BYSETPOS=7", "FREQ=WEEKLY;BYWEEKNO=54"])
def test_a_rule_on_a_day_no_month_has_is_one_meeting_not_a_search_to_9999(rule):
    data = ics(event("h", "DTSTART:20200101T090000Z", f"RRULE:{rule}"))
    out = sightings(data)
    assert calls(lambda: sightings(data)) < 50_000  # no search of every year to 9999
    assert [s.when for s in out.found] == [date(2020, 1, 1)]


def test_many_events_are_read_in_linear_time():
    def work(n: int) -> int:
        data = ics(*(event(f"u{i}", f"DTSTART:2025{1 + i % 2:02d}{1 + i % 28:02d}T090000Z")
                     for i in range(n)))
        assert len(sightings(data).found) == n
        return calls(lambda: sightings(data))

    work(20)  # warm: the libraries' imports and caches
    small, large = work(60), work(240)
    assert large < small * 4 * 1.5  # four times the events, about four times the work


# Invariants ------------------------------------------------------------------------------

attendee_lists = st.lists(st.sampled_from(
    ["mailto:ana@example.com", "mailto:ME@example.org", "mailto:bo@example.com",
     "mailto:cy@example.com", "mailto:dee@example.com"]), max_size=5)
events = st.builds(
    lambda uid, days, hour, rule, people, all_day: event(
        f"u{uid}",
        f"DTSTART;VALUE=DATE:{(TODAY + timedelta(days=days)):%Y%m%d}" if all_day else
        f"DTSTART:{(TODAY + timedelta(days=days)):%Y%m%d}T{hour:02d}0000Z",
        *([rule] if rule else []), attendees=[f"ATTENDEE:{p}" for p in people]),
    st.integers(0, 6), st.integers(-40, 5), st.integers(0, 23),
    st.sampled_from([None, "RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY;COUNT=3",
                     "RRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20250320T000000Z"]),
    attendee_lists, st.booleans())


zones = st.sampled_from(["Europe/Berlin", "Pacific/Kiritimati", "America/Los_Angeles", "UTC"])


def holds_the_invariants(items: list[str], zone: str) -> None:
    data = ics(*items)
    out = sightings(data, zone=ZoneInfo(zone))
    assert all(s.when <= TODAY for s in out.found)
    assert len({s.key for s in out.found}) == len(out.found)
    assert all(s.others and not set(s.others) & ME for s in out.found)
    assert all(1 <= len(s.others) <= 8 for s in out.found)
    assert sightings(data, zone=ZoneInfo(zone)) == out


@settings(max_examples=8, deadline=None)
@given(st.lists(events, max_size=6), zones)
def test_every_sighting_is_on_or_before_today_with_a_unique_key_and_reads_the_same(
        items, zone):
    holds_the_invariants(items, zone)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(events, max_size=12), zones)
def test_every_sighting_is_on_or_before_today_deep(items, zone):
    holds_the_invariants(items, zone)


def test_regression_a_plus_tag_variant_of_your_address_is_you_in_a_calendar():
    data = ics(event("t1", "DTSTART:20250310T090000Z", "ORGANIZER:mailto:Me+Cal@Example.org",
                     attendees=["ATTENDEE:mailto:me+cal@example.org",
                                "ATTENDEE:mailto:ana@example.com"]),
               event("t2", "DTSTART:20250311T090000Z",
                     attendees=["ATTENDEE;PARTSTAT=DECLINED:mailto:me+x@work.example",
                                "ATTENDEE:mailto:ana@example.com"]))
    found = sightings(data).found
    assert [(s.key, s.others, s.reached_out) for s in found] == [
        ("ics:t1/2025-03-10T09:00:00Z", ("ana@example.com",), None)]
    # a tag on someone else's address, or a look-alike, is not yours
    data = ics(event("t3", "DTSTART:20250310T090000Z",
                     attendees=["ATTENDEE:mailto:mex+cal@example.org",
                                "ATTENDEE:mailto:me+cal@other.example"]))
    assert sightings(data).found[0].others == ("mex+cal@example.org",
                                               "me+cal@other.example")


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Tokyo", "UTC"])
def test_regression_a_utc_event_just_before_now_was_excluded_west_of_utc(zone):
    data = ics(event("w", "DTSTART:20250314T100300Z"), event("v", "DTSTART:20250314T100500Z"))
    out = sightings(data, zone=ZoneInfo(zone), now=datetime(2025, 3, 14, 10, 4, tzinfo=UTC))
    assert ([s.key for s in out.found], out.skipped) == (
        ["ics:w/2025-03-14T10:03:00Z"], {"not yet happened": 1})


@pytest.mark.parametrize("tzid", ["/freeassociation.sourceforge.net/Europe/Berlin",
                                  "/mozilla.org/20070129_1/Europe/Berlin"])
def test_regression_thunderbird_tzids_printed_icalendar_warnings_to_stderr(tzid):
    import warnings

    data = ics(event("tb", f"DTSTART;TZID={tzid}:20250310T233000"))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        found = sightings(data, zone=ZoneInfo("UTC")).found
    assert [str(w.message) for w in said] == []
    assert [s.when for s in found] == [date(2025, 3, 10)]  # 22:30 UTC: Berlin's zone read


# The fast parse ------------------------------------------------------------------------------

shared_lines = st.lists(st.sampled_from([
    "ATTENDEE;CN=Ana Lima;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:ana@example.com",
    "ATTENDEE;CN=\"Lima, Ana\";RSVP=TRUE:mailto:ana@example.com",
    "ATTENDEE;PARTSTAT=DECLINED:mailto:me@example.org", "ORGANIZER;CN=Bo:mailto:bo@example.com",
    "STATUS:CONFIRMED", "STATUS:CANCELLED", "LOCATION:Café\\, Berlin", "SEQUENCE:2",
    "CATEGORIES:a,b", "RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE:20250317T090000Z",
    "DTEND;TZID=Europe/Berlin:20250310T100000", "X-GOOGLE-CONFERENCE:https://meet.google.com/x",
    "EXDATE;TZID=Europe/Berlin:20250317T090000", "EXDATE;TZID=Europe/Berlin:20250324T090000",
    'EXDATE;TZID="Europe/Berlin":20250331T090000', "EXDATE;VALUE=DATE:20250407",
    "EXDATE;TZID=Europe/Berlin:20250414T090000,20250421T090000",
    # heads shared by lines of other values, and a head with spaces icalendar takes out
    "SUMMARY:Coffee", "SUMMARY:Lunch; with Bo: at 1", "STATUS:TENTATIVE",
    "ATTENDEE;CN=Ana Lima;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:bo@example.com",
    "ATTENDEE; CN = Cy ;PARTSTAT=DECLINED:mailto:cy@example.com",
    "ATTENDEE; CN = Cy ;PARTSTAT=DECLINED:mailto:dee@example.com",
]), max_size=6)


def parsed_both_ways(bodies: list[list[str]]) -> tuple[bytes, bytes]:
    import icalendar

    from ties.formats.importers.calendar import _calendar_class

    data = ics(BERLIN_TZ, *(event(f"p{n}", "DTSTART:20250310T090000Z", *lines, attendees=[])
                            for n, lines in enumerate(bodies))).decode()
    fast = _calendar_class().from_ical(data, multiple=True)
    plain = icalendar.Calendar.from_ical(data, multiple=True)
    return b"".join(c.to_ical() for c in fast), b"".join(c.to_ical() for c in plain)


@settings(max_examples=10, deadline=None)
@given(st.lists(shared_lines, max_size=5))
def test_parsing_each_distinct_line_once_gives_what_icalendar_gives(bodies):
    fast, plain = parsed_both_ways(bodies)
    assert fast == plain


@settings(max_examples=10, deadline=None)
@given(st.lists(shared_lines, max_size=5), st.integers(0, 3), st.sampled_from(["\r\n", "\n"]))
def test_the_slimmed_lines_given_to_the_parser_as_lines_parse_as_their_text(bodies, fold,
                                                                           newline):
    """The reader hands icalendar the lines it has already unfolded, not their text: the
    same calendar as icalendar makes of the text, folded lines, blank lines and all."""
    import icalendar

    from ties.formats.importers.calendar import _calendar_class, _parser_input, _slim

    text = ics(BERLIN_TZ, *(event(f"p{n}", "DTSTART:20250310T090000Z", *lines, attendees=[])
                            for n, lines in enumerate(bodies))).decode()
    if fold:  # every line cut after `fold` * 7 characters, as exports fold at 75
        text = "".join(line[:fold * 7] + "\r\n " + line[fold * 7:] + "\r\n"
                       if len(line) > fold * 7 else line + "\r\n"
                       for line in text.split("\r\n") if line) + "\r\n"
    lines = _slim(text.replace("\r\n", newline), "t")
    given_lines = _parser_input(lines)
    assert isinstance(given_lines, list)
    fast = _calendar_class().from_ical(given_lines, multiple=True)
    plain = icalendar.Calendar.from_ical("\r\n".join(lines) + "\r\n", multiple=True)
    assert b"".join(c.to_ical() for c in fast) == b"".join(c.to_ical() for c in plain)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(shared_lines, max_size=8))
def test_parsing_each_distinct_line_once_gives_what_icalendar_gives_deep(bodies):
    fast, plain = parsed_both_ways(bodies)
    assert fast == plain


folded_texts = st.lists(st.sampled_from(
    ["BEGIN:VEVENT", "SUMMARY:Co", " ffee", "\tbreak", "", " ", "  two", "ATTENDEE;CN=A",
     " na:mailto:ana@example.com", "END:VEVENT", "\t", "x"]), max_size=12).flatmap(
    lambda lines: st.sampled_from(["\r\n", "\n", "\r"]).map(lambda nl: nl.join(lines)))


@settings(max_examples=30, deadline=None)
@given(folded_texts)
def test_lines_unfolded_at_once_are_the_lines_unfolded_one_by_one(text):
    from ties.formats.importers.calendar import _logical_lines

    assert [line for line in _logical_lines(text) if line] == _logical_lines(text, False)


@pytest.mark.parametrize(("text", "lines"), [
    (" first\r\n second\r\nTHIRD\r\n", [" firstsecond", "THIRD"]),  # a fold at the start
    ("\n\n x\nY", [" x", "Y"]),  # after empty lines too: kept as it is
    ("A\r\n\r\n B\r\n\tC", ["ABC"]),  # a fold after an empty line joins the line before
])
def test_a_file_starting_like_a_fold_keeps_its_first_line(text, lines):
    from ties.formats.importers.calendar import _logical_lines

    assert [line for line in _logical_lines(text) if line] == lines


def test_events_sharing_a_line_each_keep_it_and_read_as_they_would_alone():
    line = "ATTENDEE;CN=Ana Lima;PARTSTAT=ACCEPTED:mailto:ana@example.com"
    fast, plain = parsed_both_ways([[line], [line, line.replace("ana@", "bo@")], [line]])
    assert fast == plain and fast.count(b"mailto:ana@example.com") == 3
    out = sightings(ics(*(event(f"s{n}", f"DTSTART:2025031{n}T090000Z", attendees=[line])
                          for n in range(3))))
    assert [(s.others, s.names) for s in out.found] == [
        (("ana@example.com",), (("ana@example.com", "Ana Lima"),))] * 3


def test_dated_lines_sharing_a_head_each_keep_their_own_value_and_parameters():
    """The head "EXDATE;TZID=Europe/Berlin" is parsed once: each line still gets its own
    date and its own parameters (one event's parameters changed leave the other's)."""
    from ties.formats.importers.calendar import _calendar_class

    bodies = [[f"EXDATE;TZID=Europe/Berlin:202503{day}T090000"] for day in (17, 24, 31)]
    fast, plain = parsed_both_ways(bodies)
    assert fast == plain
    data = ics(*(event(f"p{n}", "DTSTART:20250310T090000Z", *lines, attendees=[])
                 for n, lines in enumerate(bodies))).decode()
    events = _calendar_class().from_ical(data).walk("VEVENT")
    assert [e["EXDATE"].dts[0].dt.day for e in events] == [17, 24, 31]
    events[1]["EXDATE"].params["TZID"] = "UTC"
    assert [e["EXDATE"].params["TZID"] for e in events] == [
        "Europe/Berlin", "UTC", "Europe/Berlin"]


# One bad event -------------------------------------------------------------------------------

@pytest.mark.parametrize(("lines", "reason"), [
    (("SUMMARY:no start",), "no start date"),
    (("DTSTART:20250310T090000Z", "DTSTART:20250311T090000Z"), "two start dates"),
    (("DTSTART:2025031",), "a date that is not a date"),
    (("DTSTART:20250310T090000Z", "DTEND:20250310T100000Z", "DTEND:20250310T110000Z"),
     "a date that is not a date"),
    (("DTSTART:20250310T090000Z", "EXDATE:garbage"), "a date that is not a date"),
    (("DTSTART:20250310T090000Z", "RECURRENCE-ID:bad"), "a date that is not a date"),
    (("DTSTART:20250310T090000Z", "RRULE:FREQ=WEEKLY;BYDAY=XX"), "a repeat rule that is not one"),
])
def test_an_unreadable_event_is_skipped_and_counted_and_the_rest_is_read(lines, reason):
    bad = "\n".join(["BEGIN:VEVENT", "UID:bad", *lines, "ATTENDEE:mailto:ana@example.com",
                     "END:VEVENT"])
    out = sightings(ics(event("before"), bad, event("after", "DTSTART:20250311T090000Z")))
    assert [s.key for s in out.found] == ["ics:before/2025-03-10T09:00:00Z",
                                          "ics:after/2025-03-11T09:00:00Z"]
    assert out.skipped == {f"could not be read ({reason})": 1}


def test_an_unreadable_override_is_skipped_and_its_series_is_read():
    series = event("s", "DTSTART:20250303T090000Z", "RRULE:FREQ=WEEKLY;COUNT=2")
    override = event("s", "DTSTART:2025031", "RECURRENCE-ID:20250310T090000Z")
    out = sightings(ics(series, override))
    assert [s.key for s in out.found] == ["ics:s/2025-03-03T09:00:00Z",
                                          "ics:s/2025-03-10T09:00:00Z"]
    assert out.skipped == {"could not be read (a date that is not a date)": 1}


def test_a_stray_line_between_events_is_left_out_and_the_events_are_read():
    data = ics(event("a"), "X", event("b", "DTSTART:20250311T090000Z"))
    assert len(sightings(data).found) == 2


# Outlook's zone labels without a VTIMEZONE ---------------------------------------------------

@pytest.mark.parametrize(("tzid", "key"), [
    ('"(UTC-05:00) Eastern Time (US & Canada)"', "2025-03-11T03:30:00Z"),  # EDT: -4
    ("(UTC-05:00) Eastern Time (US & Canada)", "2025-03-11T03:30:00Z"),
    ("Eastern Standard Time", "2025-03-11T03:30:00Z"),  # a Windows id: icalendar's map
    ('"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"', "2025-03-10T22:30:00Z"),
    ('"(GMT+10:00) Canberra, Melbourne, Sydney"', "2025-03-10T12:30:00Z"),  # summer: +11
    ('"(UTC) Coordinated Universal Time"', "2025-03-10T23:30:00Z"),
    # unknown words: the label's own offset, all year
    ('"(UTC-03:00) Somewhere Else"', "2025-03-11T02:30:00Z"),
    ('"(UTC+05:30) Somewhere Else"', "2025-03-10T18:00:00Z"),
    # a city whose zone keeps another offset is not taken: the label's offset is
    ('"(UTC+03:00) Berlin"', "2025-03-10T20:30:00Z"),
    # no label, no zone: floating, the user's own wall time, as before
    ("Nowhere/Land", "2025-03-10T23:30:00"),
])
def test_outlook_zone_labels_without_a_vtimezone_are_read_in_their_zone(tzid, key):
    out = sightings(ics(event("o", f"DTSTART;TZID={tzid}:20250310T233000",
                              f"DTEND;TZID={tzid}:20250311T000000")), zone=ZoneInfo("UTC"))
    assert [s.key for s in out.found] == [f"ics:o/{key}"]


def test_an_outlook_label_a_vtimezone_defines_is_read_by_that_vtimezone():
    label = "(UTC-05:00) Eastern Time (US & Canada)"
    zone = BERLIN_TZ.replace("TZID:Europe/Berlin", f"TZID:{label}")
    out = sightings(ics(zone, event("o", f'DTSTART;TZID="{label}":20250310T233000')),
                    zone=ZoneInfo("UTC"))
    assert [s.key for s in out.found] == ["ics:o/2025-03-10T22:30:00Z"]  # Berlin's rules


def test_an_outlook_label_on_a_weekly_series_and_its_exdate_keeps_its_zone():
    label = '"(UTC-08:00) Pacific Time (US & Canada)"'
    out = sightings(ics(event("w", f"DTSTART;TZID={label}:20250303T170000",
                              "RRULE:FREQ=WEEKLY;COUNT=3",
                              f"EXDATE;TZID={label}:20250310T170000")), zone=ZoneInfo("UTC"))
    # 3 March is PST (-8), 17 March PDT (-7); 10 March excluded in its zone
    assert [s.key for s in out.found] == ["ics:w/2025-03-04T01:00:00Z"]


def test_progress_is_told_parsing_then_each_series_up_to_the_whole():
    told = []
    data = ics(*(event(f"p{n}", f"DTSTART:202503{1 + n % 9:02d}T090000Z") for n in range(600)))
    sightings(data, progress=lambda done, total: told.append((done, total)))
    assert told == [(1, 2), (850, 1200), (1100, 1200), (1200, 1200)]


# Single events without the expansion ----------------------------------------------------------

starts = st.sampled_from([
    "DTSTART:20250310T090000Z", "DTSTART:20250310T090000", "DTSTART;VALUE=DATE:20250310",
    "DTSTART;TZID=Europe/Berlin:20250310T233000", "DTSTART:20250314T230000Z",
    "DTSTART:20250316T090000Z", "DTSTART:18991231T090000Z", "DTSTART:19000101T000000",
    "DTSTART;TZID=America/New_York:20250313T210000", "DTSTART;VALUE=DATE:20250314"])
extras = st.lists(st.sampled_from([
    "STATUS:CANCELLED", "ATTENDEE;PARTSTAT=DECLINED:mailto:me@example.org",
    "RRULE:FREQ=DAILY;COUNT=2", "RDATE:20250311T090000Z", "LOCATION:Cafe",
    "RECURRENCE-ID:20250310T090000Z", "DTEND:20250310T100000Z",
    "ORGANIZER:mailto:bo@example.com", "DURATION:-P5D", "DTEND;VALUE=DATE:20250301"]),
    max_size=3, unique=True)
single_events = st.builds(lambda uid, start, more, people: event(
    f"u{uid}", start, *more, attendees=[f"ATTENDEE:{p}" for p in people]),
    st.integers(0, 4), starts, extras, attendee_lists)


def read_both_ways(items: list[str], head: str, zone: str):
    from ties.formats.importers import calendar

    data = ics(*items, head=head)
    fast = sightings(data, zone=ZoneInfo(zone))
    calendar._DIRECT = calendar._DIRECT_SERIES = False
    try:
        slow = sightings(data, zone=ZoneInfo(zone))
    finally:
        calendar._DIRECT = calendar._DIRECT_SERIES = True
    return fast, slow


heads = st.sampled_from(["PRODID:-//ties tests//EN\r\n", GOOGLE_HEAD,
                         GOOGLE_HEAD.replace("Europe/Berlin", "America/New_York")])


@settings(max_examples=15, deadline=None)
@given(st.lists(single_events, max_size=6), heads, zones)
def test_single_events_read_directly_give_what_the_expansion_gives(items, head, zone):
    fast, slow = read_both_ways(items, head, zone)
    assert (fast.found, fast.skipped) == (slow.found, slow.skipped)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(single_events, max_size=10), heads, zones)
def test_single_events_read_directly_give_what_the_expansion_gives_deep(items, head, zone):
    fast, slow = read_both_ways(items, head, zone)
    assert (fast.found, fast.skipped) == (slow.found, slow.skipped)


# Simple series expanded by dateutil, as the library expands them: around TODAY, across
# both DST changes of March 2025 (9 March in the US, 30 March in Europe), in several
# zones, with EXDATEs of every kind, COUNT and UNTIL, all-day, and a start the rule does
# not give (DTSTART counts all the same).
series_starts = st.sampled_from([
    "DTSTART;TZID=Europe/Berlin:20250224T090000", "DTSTART;TZID=Europe/Berlin:20250313T233000",
    "DTSTART;TZID=America/New_York:20250301T213000", "DTSTART:20250303T090000Z",
    "DTSTART:20250310T230000Z", "DTSTART;VALUE=DATE:20250301", "DTSTART;VALUE=DATE:20250314",
    "DTSTART:20250305T100000", "DTSTART;TZID=America/New_York:20250309T020000",
    "DTSTART;TZID=Europe/Berlin:20250329T023000", "DTSTART;TZID=Europe/Berlin:20250316T090000"])
series_rules = st.sampled_from([
    "RRULE:FREQ=DAILY", "RRULE:FREQ=DAILY;COUNT=5", "RRULE:FREQ=DAILY;INTERVAL=3",
    "RRULE:FREQ=WEEKLY", "RRULE:FREQ=WEEKLY;BYDAY=MO,TH", "RRULE:FREQ=WEEKLY;COUNT=3",
    "RRULE:FREQ=DAILY;UNTIL=20250310T080000Z", "RRULE:FREQ=DAILY;UNTIL=20250312",
    "RRULE:FREQ=DAILY;UNTIL=20250312T000000", "RRULE:FREQ=MONTHLY;BYMONTHDAY=1,14",
    "RRULE:FREQ=DAILY;COUNT=0", "RRULE:FREQ=WEEKLY;WKST=SU;BYDAY=SU",
    "RRULE:FREQ=DAILY;BYSETPOS=1", "RRULE:FREQ=YEARLY;BYMONTH=3"])
series_extras = st.lists(st.sampled_from([
    "EXDATE;TZID=Europe/Berlin:20250306T090000", "EXDATE:20250306T080000Z",
    "EXDATE:20250311T090000Z", "EXDATE;VALUE=DATE:20250307", "EXDATE:20250308T100000",
    "EXDATE;TZID=America/New_York:20250310T213000", "EXDATE:20250304T090000Z,20250305T090000Z",
    "EXDATE;TZID=Europe/Berlin:20250314T233000", "EXDATE:20250306T023000Z",
    "DTEND:20250303T100000Z",
    "DURATION:PT1H", "DURATION:-PT1H", "DTEND;VALUE=DATE:20250302", "STATUS:CANCELLED",
    "RDATE:20250312T090000Z"]), max_size=3, unique=True)
simple_series = st.builds(lambda uid, start, rule, more, people: event(
    f"s{uid}", start, rule, *more, attendees=[f"ATTENDEE:{p}" for p in people]),
    st.integers(0, 3), series_starts, series_rules, series_extras, attendee_lists)


@settings(max_examples=20, deadline=None)
@given(st.lists(simple_series, max_size=4), heads, zones)
def test_simple_series_expanded_directly_give_what_the_library_gives(items, head, zone):
    fast, slow = read_both_ways(items, head, zone)
    assert (fast.found, fast.skipped) == (slow.found, slow.skipped)


@pytest.mark.slow
@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.lists(st.one_of(simple_series, single_events), max_size=8), heads, zones)
def test_simple_series_expanded_directly_give_what_the_library_gives_deep(items, head, zone):
    fast, slow = read_both_ways(items, head, zone)
    assert (fast.found, fast.skipped) == (slow.found, slow.skipped)


def test_a_series_start_its_rule_does_not_give_still_happens_read_directly():
    # 3 March 2025 is a Monday; the rule gives Thursdays: the start counts as well
    fast, slow = read_both_ways([event("t", "DTSTART:20250303T090000Z",
                                       "RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=2")],
                                "PRODID:-//ties tests//EN\r\n", "UTC")
    assert [s.key for s in fast.found] == [s.key for s in slow.found] == [
        "ics:t/2025-03-03T09:00:00Z", "ics:t/2025-03-06T09:00:00Z",
        "ics:t/2025-03-13T09:00:00Z"]


def test_a_weekly_series_keeps_its_wall_time_across_the_dst_change_read_directly():
    items = [event("w", "DTSTART;TZID=America/New_York:20250303T090000",
                   "RRULE:FREQ=WEEKLY;COUNT=2")]
    fast, slow = read_both_ways(items, "PRODID:-//ties tests//EN\r\n", "UTC")
    assert [s.key for s in fast.found] == [s.key for s in slow.found] == [
        "ics:w/2025-03-03T14:00:00Z", "ics:w/2025-03-10T13:00:00Z"]  # EST, then EDT


def test_an_exdate_at_the_same_wall_time_in_utc_takes_the_occurrence_out_as_the_library_does():
    items = [event("x", "DTSTART;TZID=Europe/Berlin:20250310T090000",
                   "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20250311T090000Z")]
    fast, slow = read_both_ways(items, "PRODID:-//ties tests//EN\r\n", "UTC")
    assert [s.key for s in fast.found] == [s.key for s in slow.found] == [
        "ics:x/2025-03-10T08:00:00Z", "ics:x/2025-03-12T08:00:00Z"]


@pytest.mark.parametrize(("zone", "wall", "exdate"), [
    ("Asia/Tokyo", "080000", "EXDATE:20250310T230000Z"),  # its instant: a day before
    ("America/New_York", "213000", "EXDATE:20250313T013000Z"),  # a day after (EDT)
    ("Pacific/Kiritimati", "000000", "EXDATE:20250310T100000Z")])  # UTC+14
def test_an_exdate_in_utc_on_the_day_before_or_after_the_wall_time_takes_its_occurrence_out(
        zone, wall, exdate):
    items = [event("x", f"DTSTART;TZID={zone}:20250310T{wall}", "RRULE:FREQ=DAILY;COUNT=3",
                   exdate)]
    fast, slow = read_both_ways(items, "PRODID:-//ties tests//EN\r\n", "UTC")
    assert len(fast.found) == 2 and (fast.found, fast.skipped) == (slow.found, slow.skipped)


weekly_rules = st.builds(
    lambda interval, end, byday: ";".join(["FREQ=WEEKLY", f"INTERVAL={interval}", *end, *byday]),
    st.integers(1, 3),
    st.sampled_from([[], ["COUNT=1"], ["COUNT=4"], ["UNTIL=20250331T070000Z"],
                     ["UNTIL=20250331T080000Z"], ["UNTIL=20250317T075959Z"]]),
    st.sampled_from([[], ["BYDAY=MO"], ["BYDAY=TU"], ["BYDAY=MO,TU"], ["WKST=SU"],
                     ["BYDAY=1MO"], ["BYMONTH=3"], ["BYHOUR=9,10"]]))
weekly_starts = st.sampled_from([
    datetime(2025, 3, 3, 9, 0, tzinfo=BERLIN), datetime(2025, 3, 24, 2, 30, tzinfo=BERLIN),
    datetime(2025, 3, 3, 9, 0, tzinfo=UTC), datetime(2025, 3, 3, 9, 0),
    datetime(2025, 3, 3, 1, 30, tzinfo=ZoneInfo("America/New_York")),
    datetime(2025, 10, 20, 2, 30, tzinfo=BERLIN), datetime(9999, 12, 6, 9, 0)])


def weekly_both_ways(rule: str, start: datetime):
    from dateutil.rrule import rrulestr

    from ties.formats.importers.calendar import _weekly

    if start.tzinfo is None:
        rule = rule.replace("070000Z", "070000").replace("080000Z", "080000") \
            .replace("075959Z", "075959")
    expanded = rrulestr(rule, dtstart=start)
    stepped = _weekly(expanded)
    return stepped, list(islice(expanded, 60))


@settings(max_examples=15, deadline=None)
@given(weekly_rules, weekly_starts)
def test_a_weekly_rule_stepped_a_week_at_a_time_gives_what_dateutil_gives(rule, start):
    stepped, theirs = weekly_both_ways(rule, start)
    # a weekly rule's BYDAY=1MO is every Monday (dateutil drops the ordinal, as RFC 5545
    # allows none there); any rule but one a week on the start's weekday is dateutil's
    days = {d.lstrip("+-0123456789") for d in rule.partition("BYDAY=")[2].split(";")[0]
            .split(",") if d}
    narrowed = "BYMONTH" in rule or "BYHOUR" in rule or bool(days) and days != {
        ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]}
    assert (stepped is None) == narrowed
    if stepped is not None:
        ours = list(islice(stepped, 60))
        assert ours == theirs
        assert [(w.tzinfo, w.fold) for w in ours] == [(w.tzinfo, w.fold) for w in theirs]


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(weekly_rules, weekly_starts)
def test_a_weekly_rule_stepped_a_week_at_a_time_gives_what_dateutil_gives_deep(rule, start):
    stepped, theirs = weekly_both_ways(rule, start)
    if stepped is not None:
        ours = list(islice(stepped, 60))
        assert ours == theirs
        assert [(w.tzinfo, w.fold) for w in ours] == [(w.tzinfo, w.fold) for w in theirs]


def test_simple_series_are_expanded_without_the_library_at_under_half_its_work():
    """A regression of a 5,000-event calendar's 500 weekly series costing a second in
    recurring-ical-events: a series without overrides is expanded by dateutil directly."""
    from ties.formats.importers import calendar

    data = ics(*(event(f"w{n}", f"DTSTART;TZID=Europe/Berlin:2024{1 + n % 12:02d}01T090000",
                       "DTEND;TZID=Europe/Berlin:20240101T100000" if n == 0 else
                       "LOCATION:Cafe", "RRULE:FREQ=WEEKLY",
                       f"EXDATE;TZID=Europe/Berlin:2024{1 + n % 12:02d}15T090000")
                 for n in range(12)))
    sightings(data)  # warm
    direct = calls(lambda: sightings(data))
    calendar._DIRECT_SERIES = False
    try:
        expanded = calls(lambda: sightings(data))
        slow = sightings(data)
    finally:
        calendar._DIRECT_SERIES = True
    assert sightings(data).found == slow.found
    assert len(slow.found) > 12 * 10
    assert direct * 2 < expanded  # the parse included, which both share


@pytest.mark.parametrize("lines", [
    ("RRULE:FREQ=WEEKLY", "RDATE:20250311T090000Z"),  # an RDATE
    ("RRULE:FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO",),  # a part it does not read itself
    ("RRULE:FREQ=WEEKLY;UNTIL=20250312T000000",),  # a floating UNTIL of a zoned start
    ("RRULE:FREQ=WEEKLY", "EXDATE;VALUE=DATE:20250310"),  # an EXDATE of another kind
    ("RRULE:FREQ=WEEKLY", "RRULE:FREQ=DAILY"),  # two rules
    ("RRULE:FREQ=DAILY;COUNT=3;UNTIL=20250305T000000Z",),  # both ends, which RFC 5545 forbids
])
def test_a_series_the_direct_expansion_does_not_read_goes_through_the_library(lines):
    from icalendar import Calendar

    from ties.formats.importers.calendar import _simple_series

    cal = Calendar.from_ical(ics(event("l", "DTSTART;TZID=Europe/Berlin:20250303T090000",
                                       *lines)))
    (item,) = cal.walk("VEVENT")
    assert _simple_series(item, False, datetime(2025, 3, 14, 23, 59)) is None
    plain = Calendar.from_ical(ics(event("l", "DTSTART;TZID=Europe/Berlin:20250303T090000",
                                         "RRULE:FREQ=WEEKLY")))
    (item,) = plain.walk("VEVENT")
    assert len(list(_simple_series(item, False, datetime(2025, 3, 14, 23, 59)))) == 2


def test_a_floating_single_event_under_x_wr_timezone_is_placed_in_that_zone():
    head = GOOGLE_HEAD.replace("Europe/Berlin", "America/New_York")
    fast, slow = read_both_ways([event("f", "DTSTART:20250310T233000")], head, "UTC")
    assert [s.key for s in fast.found] == [s.key for s in slow.found] == [
        "ics:f/2025-03-11T03:30:00Z"]


# BYSETPOS: each rule as recurring-ical-events expands it ----------------------------------

@pytest.mark.parametrize(("rule", "days"), [
    ("FREQ=WEEKLY;BYDAY=FR;BYSETPOS=1", [date(2025, 2, d) for d in (21, 28)]
     + [date(2025, 3, d) for d in (7, 14)]),
    ("FREQ=WEEKLY;BYDAY=MO,FR;BYSETPOS=-1", [date(2025, 2, d) for d in (21, 28)]
     + [date(2025, 3, d) for d in (7, 14)]),
    ("FREQ=MONTHLY;BYMONTHDAY=1,2;BYSETPOS=-1",
     [date(2024, 11, 21), date(2024, 12, 2), date(2025, 1, 2), date(2025, 2, 2),
      date(2025, 3, 2)]),
    ("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=5",
     [date(2024, 11, 21), date(2024, 11, 29), date(2025, 1, 31)]),
])
def test_regression_a_valid_bysetpos_rule_was_read_as_one_occurrence(rule, days):
    start = f"DTSTART:{days[0]:%Y%m%d}T090000Z"
    out = sightings(ics(event("p", start, f"RRULE:{rule}")))
    assert [s.when for s in out.found] == days
    assert out.skipped == {}


@pytest.mark.parametrize("rule", ["FREQ=WEEKLY;BYDAY=FR;BYSETPOS=2",
                                  "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=6",
                                  "FREQ=MONTHLY;BYMONTHDAY=1,2,3;BYDAY=FR;BYSETPOS=2",
                                  "FREQ=WEEKLY;BYDAY=MO,FR;BYMONTH=1;BYSETPOS=3",
                                  "FREQ=DAILY;BYHOUR=9,10;BYSETPOS=3",
                                  "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYSETPOS=2"])
def test_a_bysetpos_no_period_reaches_is_one_meeting_found_without_a_search_to_9999(rule):
    data = ics(event("n", "DTSTART:20200103T090000Z", f"RRULE:{rule}"))
    out = sightings(data)
    assert [s.when for s in out.found] == [date(2020, 1, 3)]
    assert calls(lambda: sightings(data)) < 3_000_000  # 400 years of weeks at most


def test_a_bysetpos_reached_only_in_some_periods_is_found_past_a_long_gap():
    # the 2nd of two January days per week (a Monday and a Friday in January's weeks)
    from icalendar import Calendar

    from ties.formats.importers.calendar import _never_matches

    (item,) = Calendar.from_ical(ics(event(
        "g", "DTSTART:20200103T090000Z",
        "RRULE:FREQ=WEEKLY;BYDAY=MO,FR;BYMONTH=1;BYSETPOS=2"))).walk("VEVENT")
    assert not _never_matches(item["RRULE"], item["DTSTART"].dt)
    (item,) = Calendar.from_ical(ics(event(
        "g", "DTSTART:20200103T090000Z",
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYSETPOS=1"))).walk("VEVENT")
    assert not _never_matches(item["RRULE"], item["DTSTART"].dt)  # every 4th year


setpos_days = st.lists(st.sampled_from(["MO", "TU", "WE", "FR", "SU", "1FR", "-1MO", "5TH",
                                        "2WE"]), min_size=1, max_size=3, unique=True)
def setpos_rule(freq, byday, monthdays, months, hours, positions, interval) -> str:
    if byday and freq in ("DAILY", "WEEKLY"):  # an ordinal is for a month or a year
        byday = sorted({d.lstrip("-0123456789") for d in byday})
    parts = [f"FREQ={freq}", f"INTERVAL={interval}"]
    for name, values in (("BYDAY", byday), ("BYMONTH", months), ("BYHOUR", hours),
                         ("BYMONTHDAY", monthdays if freq != "WEEKLY" else None),
                         ("BYSETPOS", positions)):
        if values:
            parts.append(f"{name}={','.join(map(str, values))}")
    return ";".join(parts)


setpos_rules = st.builds(
    setpos_rule,
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    st.one_of(st.none(), setpos_days),
    st.lists(st.sampled_from([1, 2, 5, 13, 29, 30, 31, -1, -2]), max_size=3, unique=True),
    st.lists(st.integers(1, 12), max_size=2, unique=True),
    st.lists(st.sampled_from([9, 14, 17]), max_size=2, unique=True),
    st.lists(st.sampled_from([1, 2, 3, 4, 5, 6, -1, -2, -5, 9, 60]), min_size=1, max_size=2,
             unique=True),
    st.integers(1, 3))


def setpos_read_both_ways(rule: str, start: date, today: date):
    """ties' occurrences of a rule, and recurring-ical-events' own (started by the end of
    `today`, in UTC)."""
    import recurring_ical_events
    from icalendar import Calendar

    data = ics(event("r", f"DTSTART:{start:%Y%m%d}T090000Z", f"RRULE:{rule}"))
    ours = sightings(data, today=today, zone=UTC)
    end = datetime.combine(today, datetime.max.time(), UTC)
    theirs = recurring_ical_events.of(Calendar.from_ical(data)).between(
        datetime(start.year, 1, 1, tzinfo=UTC), end + timedelta(days=1))
    return [s.key for s in ours.found], sorted(
        f"ics:r/{o['DTSTART'].dt.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
        for o in theirs if o["DTSTART"].dt <= end)


# Near the year 9999 the library's own search for a rule that never matches ends soon, so
# every generated rule, matching or not, is compared in the everyday suite; the deep leg
# compares today's years, where the library searches ~8,000 years for one that never does.
@settings(max_examples=12, deadline=None)
@given(setpos_rules, st.dates(date(9950, 1, 1), date(9952, 12, 31)))
def test_bysetpos_rules_give_what_the_library_gives(rule, start):
    ours, theirs = setpos_read_both_ways(rule, start, date(9954, 6, 30))
    assert ours == theirs


@pytest.mark.slow
@settings(max_examples=60, deadline=None, derandomize=True)
@given(setpos_rules, st.dates(date(2022, 1, 1), date(2024, 12, 31)))
def test_bysetpos_rules_give_what_the_library_gives_deep(rule, start):
    ours, theirs = setpos_read_both_ways(rule, start, TODAY)
    assert ours == theirs


# Dates at the calendar's ends, and starts that are periods ------------------------------

@pytest.mark.parametrize("zone", ["Europe/Berlin", "Pacific/Kiritimati", "America/Los_Angeles"])
@pytest.mark.parametrize("start", ["DTSTART:99991231T235959Z",
                                   "DTSTART;TZID=Pacific/Kiritimati:99991231T235959",
                                   "DTSTART;VALUE=DATE:99991231"])
def test_regression_a_start_in_the_last_second_of_9999_was_an_internal_error(start, zone):
    out = sightings(ics(event("end", start), event("ok")), zone=ZoneInfo(zone))
    assert [s.key for s in out.found] == ["ics:ok/2025-03-10T09:00:00Z"]
    assert out.skipped == {"not yet happened": 1}


def test_regression_a_dtstart_given_as_a_period_refused_the_whole_calendar():
    out = sightings(ics(event("p", "DTSTART;VALUE=PERIOD:20250310T090000Z/20250310T100000Z"),
                        event("ok")))
    assert [s.key for s in out.found] == ["ics:ok/2025-03-10T09:00:00Z"]
    assert out.skipped == {"could not be read (a start given as a period)": 1}


@pytest.mark.parametrize("line", ["DTEND;VALUE=PERIOD:20250310T090000Z/PT1H",
                                  "RECURRENCE-ID;VALUE=PERIOD:20250310T090000Z/PT1H"])
def test_an_end_or_recurrence_id_given_as_a_period_makes_only_its_event_unreadable(line):
    out = sightings(ics(event("p", "DTSTART:20250311T090000Z", line), event("ok")))
    assert [s.key for s in out.found] == ["ics:ok/2025-03-10T09:00:00Z"]
    assert out.skipped == {"could not be read (a date that is not a date)": 1}


def test_rdate_periods_are_occurrences_at_their_starts():
    out = sightings(ics(event("r", "DTSTART:20250303T090000Z",
                              "RDATE;VALUE=PERIOD:20250305T100000Z/20250305T113000Z,"
                              "20250307T100000Z/PT1H")))
    assert [s.when for s in out.found] == [date(2025, 3, 3), date(2025, 3, 5),
                                           date(2025, 3, 7)]


# A file cut off --------------------------------------------------------------------------

@pytest.mark.parametrize(("cut", "count"), [
    ("after an event", "2 events"), ("inside an event", "1 event"),
    ("before any event", "0 events")])
def test_regression_a_calendar_cut_off_was_called_not_a_calendar(cut, count):
    whole = ics(event("a"), event("b", "DTSTART:20250311T090000Z"))
    ends = {"after an event": whole.index(b"END:VCALENDAR"),
            "inside an event": whole.rindex(b"SUMMARY"),
            "before any event": whole.index(b"BEGIN:VEVENT")}
    with pytest.raises(BadFile) as caught:
        sightings(whole[:ends[cut]], source="trunc.ics")
    assert str(caught.value) == (f"trunc.ics is a calendar cut off after {count} (no "
                                 "END:VCALENDAR): export it again and import the whole file.")


def test_a_cut_off_calendar_is_refused_whole_because_a_later_override_may_cancel():
    # the override cancelling Wednesday's occurrence comes after the series, as Google
    # writes it: reading only the series would log a meeting that never happened
    series = event("s", "DTSTART:20250310T090000Z", "RRULE:FREQ=DAILY;COUNT=3")
    cancel = event("s", "DTSTART:20250312T090000Z", "RECURRENCE-ID:20250312T090000Z",
                   "STATUS:CANCELLED")
    whole = ics(series, cancel)
    assert len(sightings(whole).found) == 2
    with pytest.raises(BadFile, match="cut off after 1 event "):
        sightings(whole[:whole.rindex(b"BEGIN:VEVENT")])


def test_a_stray_begin_in_a_calendar_that_ends_is_not_called_cut_off():
    data = ics(event("a"), "BEGIN:VEVENT\nUID:lost", event("b", "DTSTART:20250311T090000Z"))
    assert "cut off" not in str(_refusal_or_none(data))


def _refusal_or_none(data: bytes):
    try:
        sightings(data)
    except BadFile as refused:
        return refused
    return None


@pytest.mark.parametrize("lines", [
    ("DTEND:20250308T090000Z",), ("DURATION:-P2D",), ("DTEND:20250308T090000Z",
                                                      "RRULE:FREQ=DAILY;COUNT=2")])
def test_regression_an_event_ending_before_it_starts_was_dated_on_its_end(lines):
    out = sightings(ics(event("b", "DTSTART:20250310T090000Z", *lines)))
    assert [(s.when, s.key) for s in out.found][:1] == [
        (date(2025, 3, 10), "ics:b/2025-03-10T09:00:00Z")]
    assert len(out.found) == (2 if any("RRULE" in line for line in lines) else 1)


def test_an_all_day_event_ending_before_it_starts_is_on_its_start_day():
    out = sightings(ics(event("d", "DTSTART;VALUE=DATE:20250310", "DTEND;VALUE=DATE:20250301")))
    assert [(s.when, s.key) for s in out.found] == [(date(2025, 3, 10), "ics:d/2025-03-10")]



# Found by the new-user review of the speed work (both before and after it) ----------------

def test_regression_a_thisandfuture_override_lost_every_later_occurrence_as_in_the_file_twice():
    """A weekly series of 10 with a RANGE=THISANDFUTURE override on its 6th moving it to
    14:00: the expansion gives the 6th to 10th the override's RECURRENCE-ID, so all five
    had one key and four were skipped "in the file twice". Each keeps its original start:
    the key it would have had unmoved, and the day the calendar shows."""
    found = sightings(ics(
        BERLIN_TZ,
        event("tf", "DTSTART;TZID=Europe/Berlin:20250101T120000", "RRULE:FREQ=WEEKLY;COUNT=10"),
        event("tf", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20250205T120000",
              "DTSTART;TZID=Europe/Berlin:20250205T140000").replace(
                  "SUMMARY:Coffee", "SUMMARY:Later")))
    assert found.skipped == {}
    assert [(s.when, s.note, s.key) for s in found.found] == [
        (date(2025, 1, 1) + timedelta(weeks=n), "Coffee" if n < 5 else "Later",
         f"ics:tf/2025-{(date(2025, 1, 1) + timedelta(weeks=n)).strftime('%m-%d')}T11:00:00Z")
        for n in range(10)]


def test_regression_a_fold_inside_a_character_read_the_whole_calendar_as_windows_1252():
    """An export folded at 75 octets inside the two bytes of 'é': the file was not UTF-8
    until its folds were joined, so it was read as Windows-1252, every accent garbled
    ('JosÃ©', 'â˜•'). Folds are joined before decoding where that makes it UTF-8."""
    title = "SUMMARY:Kaffee mit José über Über-Projekt ☕".encode()
    cut = title.index("é".encode()) + 1  # between the two bytes of é
    folded = title[:cut] + b"\r\n " + title[cut:]
    data = ics(event("u1")).replace(b"SUMMARY:Coffee", folded)
    (seen,) = sightings(data).found
    assert seen.note == "Kaffee mit José über Über-Projekt ☕"


def test_an_old_outlook_calendar_in_windows_1252_is_still_read_as_such():
    data = ics(event("u1")).replace(b"SUMMARY:Coffee", "SUMMARY:Café".encode("cp1252"))
    (seen,) = sightings(data).found
    assert seen.note == "Café"


@pytest.mark.parametrize("unclosed", ["", "BEGIN:VALARM\r\nACTION:DISPLAY\r\n"])
def test_regression_an_event_never_ended_was_called_no_calendar_no_begin_vcalendar(unclosed):
    data = ics(event("u1").replace("END:VEVENT", unclosed.rstrip("\r\n")).rstrip("\n"))
    with pytest.raises(BadFile) as refused:
        sightings(data, source="b.ics")
    assert refused.value.message == (
        "b.ics ends its calendar inside a component (a BEGIN:VEVENT without its END:VEVENT, "
        "say): it is damaged. Export it again and import the whole file.")
