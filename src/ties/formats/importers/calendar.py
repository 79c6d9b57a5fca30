"""A calendar export (.ics: Google, Outlook, Apple) -> `Sightings`: one per past occurrence
of an event with at least one other attendee.

Pure: bytes in, records out; the store, the matching of addresses to people and the plan
are the import pipeline's. icalendar parses the file (folding, escapes, VTIMEZONE, Windows
zone names such as "Pacific Standard Time") and recurring-ical-events expands recurring
events (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides); a simple series (one plain RRULE,
EXDATEs, no override) is expanded by dateutil's rrule directly, as that library would
(`_simple_series`, held equal to it by a hypothesis test), at a fraction of its cost. All
are imported when a calendar is read, never at start-up.

The rules (docs/import.md says them for users):
- An occurrence counts once it has started (by `now`; by the end of `today` without one);
  its day is its start's date in the user's time zone (`zone`, else the system's). An
  all-day event's day is its date; a floating time is the user's own.
- Skipped, each counted with its reason: the user declined (their own ATTENDEE with
  PARTSTAT=DECLINED, matched on any address of `me`), cancelled (STATUS:CANCELLED, an
  event's or one occurrence's), all-day without anyone else, no one else in it, more than
  `max_others` others (a broadcast), not yet happened (an event, or a whole series, that
  starts after now), a series repeating too often to be meetings, and an event that can't
  be read (no DTSTART, two, a date or RRULE icalendar could not parse): counted per event,
  the rest of the file is read.
- Outlook's zone labels without a VTIMEZONE ("(UTC-05:00) Eastern Time (US & Canada)")
  are read as the zone they name, else at their offset.
- The others: attendees and the organizer, less the user, rooms and resources, and those
  who declined. Addresses lower-cased, `mailto:` taken off; names from CN.
- The organizer decides who reached out: the user (or no organizer): None; anyone else:
  their address.
- Channel: "video" with a meeting link (CONFERENCE, X-GOOGLE-CONFERENCE,
  X-MICROSOFT-SKYPETEAMSMEETINGURL, or a Meet/Zoom/Teams/Webex/... link in URL, LOCATION
  or the description, which is looked at for that and nothing else), else "in-person"
  with a LOCATION, else "event". The note is the SUMMARY, never the description.
- The key: "ics:{UID}/{start}", the start being the occurrence's original start (its
  RECURRENCE-ID; a moved occurrence keeps its key) in UTC, a date for an all-day event, or
  the wall time for a floating one. An event without a UID gets one from its content.

Hostile input: parsing is linear, nesting deeper than `MAX_DEPTH` is refused before the
parser sees it, and a series is counted before it is expanded: one that would repeat more
than `MAX_OCCURRENCES` times by now is skipped, and all series together expand at most
`MAX_EXPANDED` occurrences, so an RRULE without an end stops at now, cheaply.
"""

from __future__ import annotations

import functools
import hashlib
import re
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import islice

from ties.core.identity import is_mine
from ties.core.records import UNREADABLE, Sighting, Sightings
from ties.formats.importers import BadFile, refuse_archive

# A property of a component by its name, upper-case as every name here is: icalendar's
# Component is an OrderedDict of upper-case names, and its own `get` upper-cases the name
# first, which the reader would do about 150,000 times for 5,000 events.
_get = OrderedDict.get

MAX_DEPTH = 8  # VCALENDAR > VEVENT > VALARM is 3; VTIMEZONE > STANDARD is 3
MAX_OCCURRENCES = 10_000  # of one series up to now: a daily meeting for 27 years
MAX_EXPANDED = 1_000_000  # of the whole file
PROGRESS_SERIES = 250  # how often progress is told, in series expanded

# The reasons, as the import summary says them.
DECLINED = "declined"
CANCELLED = "cancelled"
ALL_DAY_ALONE = "all-day without attendees"
ALONE = "no one else in it"
BROADCAST = "a broadcast (more than {} others)"
FUTURE = "not yet happened"
TOO_OFTEN = f"repeats more than {MAX_OCCURRENCES:,} times"
REPEATED = "in the file twice"
NO_START = UNREADABLE.format("no start date")
TWO_STARTS = UNREADABLE.format("two start dates")
BAD_DATE = UNREADABLE.format("a date that is not a date")
PERIOD_START = UNREADABLE.format("a start given as a period")
BAD_RULE = UNREADABLE.format("a repeat rule that is not one")
BAD_EVENT = UNREADABLE.format("its repetitions")
# What the expansion reads of an event: one of these unreadable makes the event unreadable
# (the others, a SUMMARY or an ATTENDEE, are read as best they can be).
_DATED = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RDATE", "EXDATE")
NOTHING_LEFT = "every occurrence excluded"

# Hosts of video meetings: a link to one (or a subdomain, us02web.zoom.us) makes an event
# a video call.
MEETING_HOSTS = (
    "meet.google.com", "hangouts.google.com", "zoom.us", "zoomgov.com", "zoom.com",
    "teams.microsoft.com", "teams.live.com", "teams.microsoft.us", "webex.com",
    "gotomeeting.com", "gotomeet.me", "meet.goto.com", "app.goto.com", "bluejeans.com",
    "whereby.com", "meet.jit.si", "8x8.vc", "chime.aws", "join.skype.com",
    "meet.lync.com", "facetime.apple.com", "around.co", "livestorm.co", "ringcentral.com",
    "meet.ringcentral.com", "vc.larksuite.com", "meeting.tencent.com", "voovmeeting.com",
    "discord.gg", "signal.group",
)
# A URL's host: linear to find (no nested repetition), checked against the hosts above.
_URL_HOST = re.compile(r"https?://([A-Za-z0-9.-]{1,253})", re.IGNORECASE)
# What Outlook, Google and Apple write as the LOCATION of an online meeting.
_ONLINE_PLACE = re.compile(
    r"(microsoft teams|teams|zoom|google meet|webex|skype|facetime)"
    r"( (meeting|call|video call))?( \(.*\))?", re.IGNORECASE)
# Properties whose presence alone says the event has a meeting link.
VIDEO_PROPERTIES = ("CONFERENCE", "X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL",
                    "X-MICROSOFT-ONLINEMEETINGCONFLINK", "X-TIES-MEETING-LINK")
NOT_PEOPLE = {"RESOURCE", "ROOM"}  # CUTYPE of a meeting room or a projector
# Google's addresses of rooms and shared calendars, which it lists as attendees.
NOT_PEOPLE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com",
                      "group.v.calendar.google.com")


def read(data: bytes, me: frozenset[str], today: date, max_others: int = 8,
         now: datetime | None = None, *, zone: tzinfo | None = None,
         source: str = "The file", progress=None) -> Sightings:
    """The sightings of a calendar file: one per occurrence up to `now` (default: the end
    of `today`) of an event with one to `max_others` other people, its day in `zone`
    (default: the system's time zone). `me`: the user's own addresses, lower-case.
    `progress(done, total)` is told how far: parsing is the first half, then the series
    expanded. A file that is not a calendar: BadFile, one line."""
    refuse_archive(data, source)
    lines = _slim(_text(data, source), source)
    import icalendar
    import recurring_ical_events

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", icalendar.GloballyUniqueTZIDGuessed)
            calendars = _calendar_class().from_ical(_parser_input(lines), multiple=True)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise BadFile(f"{source} is not a calendar ties can read ({_first_line(exc)}). "
                      "Export it again as .ics.") from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if progress is not None:
        progress(1, 2)  # parsed: half way
    if not calendars:
        raise BadFile(f"{source} is not a calendar (no BEGIN:VCALENDAR). Export your "
                      "calendar as .ics and import that.")
    me = frozenset(a.lower() for a in me)
    reader = _Reader(me, today, max_others, now, zone, progress)
    for cal in calendars:
        with warnings.catch_warnings():
            # Thunderbird's and Evolution's TZIDs ("/freeassociation.sourceforge.net/
            # Europe/Berlin") are read as the zone they end in, which is what they mean;
            # icalendar warns of that guess, with its own file paths, on stderr
            warnings.simplefilter("ignore", icalendar.GloballyUniqueTZIDGuessed)
            reader.calendar(cal, recurring_ical_events)
    reader.out.found.sort(key=lambda s: (s.when, s.key))  # the expansion's order is its own
    return reader.out


def _text(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # RFC 5545 folds at 75 octets, and a writer may fold inside a character ("Jos\xc3",
    # then " \xa9"): joined first, such a file is UTF-8 (joining folds again later
    # finds none of these).
    try:
        return _BYTE_FOLD.sub(b"", data).decode("utf-8")
    except UnicodeDecodeError:
        # Old Outlook exports are Windows-1252; a summary in it reads right, and no
        # address or date depends on it.
        return data.decode("cp1252", errors="replace")


# A fold, as bytes: a line break and the space or tab that starts the next line.
_BYTE_FOLD = re.compile(rb"(?:\r\n|\r|\n)[ \t]")


# What no rule here reads, dropped before icalendar parses the file: it parses about 40 µs
# per line, and an export spends most of its lines on these (every Google event has a
# DTSTAMP, CREATED, LAST-MODIFIED and TRANSP, every Outlook one a dozen X-MICROSOFT-CDO-).
_UNREAD = re.compile(
    r"(DTSTAMP|CREATED|LAST-MODIFIED|TRANSP|CLASS|PRIORITY|GEO|ATTACH|COMMENT|CATEGORIES|"
    r"CONTACT|RELATED-TO|RESOURCES|REQUEST-STATUS|X-(?!GOOGLE-CONFERENCE|MICROSOFT-SKYPE"
    r"TEAMSMEETINGURL|MICROSOFT-ONLINEMEETINGCONFLINK|WR-TIMEZONE|LIC-LOCATION)[A-Z0-9-]*)"
    r"[;:]", re.IGNORECASE)
# Where a meeting link may hide in text ties never keeps: each such line becomes one line
# saying whether it had a link.
_LOOKED_AT = re.compile(r"(DESCRIPTION|X-ALT-DESC)[;:]", re.IGNORECASE)
LINK_SEEN = "X-TIES-MEETING-LINK"
# What `_slim` tells apart at the start of a line, in one match: a component's begin or
# end, a text looked at for a link, a property no rule reads (in that order).
_KIND = re.compile(rf"(?P<begin>BEGIN:)|(?P<end>END:)|(?P<looked_at>{_LOOKED_AT.pattern})"
                   rf"|(?P<unread>{_UNREAD.pattern})", re.IGNORECASE)
# A fold: a line break, after any empty lines, and the space or tab that starts the next.
_FOLD = re.compile(r"\n+[ \t]")


# Outlook's zone labels, written as a TZID without a VTIMEZONE by older Outlook versions:
# "(UTC-05:00) Eastern Time (US & Canada)", "(GMT+01:00) Amsterdam, Berlin, ...". The
# Windows zone ids ("Eastern Standard Time") icalendar maps itself (CLDR's windowsZones).
_LABEL = re.compile(r"\((?:UTC|GMT)(?:([+-])(\d{1,2}):?(\d{2}))?\)\s*(.*)", re.IGNORECASE)
# Labels that name no city a zone is named after, by the zone they mean.
_LABELLED = {
    "eastern time (us & canada)": "America/New_York",
    "central time (us & canada)": "America/Chicago",
    "mountain time (us & canada)": "America/Denver",
    "pacific time (us & canada)": "America/Los_Angeles",
    "pacific time (us & canada); tijuana": "America/Los_Angeles",
    "alaska": "America/Anchorage", "hawaii": "Pacific/Honolulu", "arizona": "America/Phoenix",
    "atlantic time (canada)": "America/Halifax", "newfoundland": "America/St_Johns",
    "saskatchewan": "America/Regina", "indiana (east)": "America/Indiana/Indianapolis",
    "coordinated universal time": "UTC", "greenwich mean time": "Etc/GMT",
    "brasilia": "America/Sao_Paulo", "central america": "America/Guatemala",
    "west central africa": "Africa/Lagos", "mid-atlantic": "Etc/GMT+2",
    "international date line west": "Etc/GMT+12",
}
# A date-time's TZID, quoted or not, which ties replaces with the zone a label means.
_ZONE_LINE = re.compile(r"((?:DTSTART|DTEND|DUE|RECURRENCE-ID|EXDATE|RDATE)[^:]*?;TZID=)"
                        r"(\"[^\"]*\"|\((?:UTC|GMT)[+-]?[0-9:]*\)[^;:]*|[^;:]*)",
                        re.IGNORECASE)  # a label unquoted, its colon and all, is one too


_ANY_LABEL = re.compile(r"TZID=\"?\((?:UTC|GMT)", re.IGNORECASE)


def _outlook_zone(tzid: str) -> str | None:
    """The IANA zone an Outlook label means, or None when `tzid` is no such label: the
    zone its words name (a table for those naming a region, else a city in the label that
    a zone is named after), when that zone keeps the label's offset in winter or summer;
    else a zone of the label's own offset all year ("Etc/GMT+5" for UTC-05:00)."""
    found = _LABEL.fullmatch(tzid.strip().strip('"').strip())
    if not found:
        return None
    sign, hours, minutes, words = found.groups()
    offset = (-1 if sign == "-" else 1) * timedelta(hours=int(hours or 0),
                                                    minutes=int(minutes or 0))
    if offset > timedelta(hours=14) or offset < timedelta(hours=-12):
        return None
    from zoneinfo import ZoneInfo

    def keeps(name: str) -> bool:
        zone = ZoneInfo(name)
        return any(datetime(2025, month, 1, tzinfo=zone).utcoffset() == offset
                   for month in (1, 7))

    words = words.strip()
    named = _LABELLED.get(words.lower())
    if named and keeps(named):
        return named
    cities = _cities()
    for city in re.split(r",|and", words):
        name = cities.get(city.strip().replace(" ", "_").lower())
        if name and keeps(name):
            return name
    return _fixed_zone(offset)


@functools.cache
def _cities() -> dict[str, str]:
    """Each IANA zone by the city it ends in ("berlin": "Europe/Berlin")."""
    from zoneinfo import available_timezones

    out: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/",
                                                "right/")):
            out.setdefault(name.rsplit("/", 1)[1].lower(), name)
    return out


def _fixed_zone(offset: timedelta) -> str | None:
    """A zone that is `offset` from UTC all year: Etc/GMT-1 for +01:00 (POSIX' sign), else
    the first zone that keeps that offset winter and summer (+05:30: Asia/Kolkata)."""
    if not offset:
        return "UTC"
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if not rest:
        return f"Etc/GMT{-hours:+d}"
    from zoneinfo import ZoneInfo

    for name in sorted(_cities().values()):
        zone = ZoneInfo(name)
        if all(datetime(2025, m, 1, tzinfo=zone).utcoffset() == offset for m in (1, 7)):
            return name
    return None


def _outlook_zones(text: str) -> str:
    """The file with each Outlook zone label that no VTIMEZONE defines, where a date-time
    names it as its TZID, replaced by the IANA zone it means (`_outlook_zone`)."""
    if not ("(UTC" in text or "(GMT" in text) or not _ANY_LABEL.search(text):
        return text
    defined = {t.strip().strip('"') for t in
               re.findall(r"^TZID[;:]([^\r\n]*)", text, re.IGNORECASE | re.MULTILINE)}
    mapped: dict[str, str | None] = {}

    def replaced(found: re.Match) -> str:
        tzid = found.group(2)
        bare = tzid.strip('"')
        if bare in defined or "(" not in bare:
            return found.group(0)
        if bare not in mapped:
            mapped[bare] = _outlook_zone(bare)
        return found.group(1) + (mapped[bare] or tzid)

    return _ZONE_LINE.sub(replaced, text)


def _logical_lines(text: str, at_once: bool = True) -> list[str]:
    """The lines of a file with each fold joined to the line before it (a line starting
    with a space or a tab, after any empty lines), and perhaps empty lines: at once by a
    regular expression, or line by line where the first line starts like a fold (which
    is kept as it is) or `at_once` is False (a test compares the two)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if at_once and text.lstrip("\n")[:1] not in (" ", "\t"):
        return _FOLD.sub("", text).split("\n")
    logical: list[str] = []
    for line in text.split("\n"):
        if line[:1] in (" ", "\t") and logical:
            logical[-1] += line[1:]
        elif line:
            logical.append(line)
    return logical


def _slim(text: str, source: str) -> list[str]:
    """The file's logical lines (folds joined) without what no rule reads, its
    descriptions reduced to whether they hold a meeting link, and alarms left out; in one
    pass, refusing components nested deeper than any calendar nests them before the parser
    (and anything walking its tree) meets them."""
    logical = _logical_lines(text)
    out: list[str] = []
    depth = alarm = 0
    open_calendars = events = 0  # a calendar begun and not ended; events ended
    for line in logical:
        kind = _KIND.match(line)
        if kind is None:  # most lines: kept, unless in an alarm (or empty)
            if line and not alarm:
                out.append(line)
            continue
        kind = kind.lastgroup
        if kind == "begin":
            depth += 1
            if line[6:].strip().upper() == "VCALENDAR":
                open_calendars += 1
            if depth > MAX_DEPTH:
                raise BadFile(f"{source} nests components more than {MAX_DEPTH} deep, which "
                              "no calendar does: it is damaged. Export it again.")
            if alarm or line[6:].strip().upper() == "VALARM":
                alarm += 1
                continue
        elif kind == "end":
            depth = max(depth - 1, 0)
            name = line[4:].strip().upper()
            if name == "VCALENDAR":
                if depth:  # a component begun in it and never ended
                    raise BadFile(f"{source} ends its calendar inside a component (a BEGIN:"
                                  "VEVENT without its END:VEVENT, say): it is damaged. "
                                  "Export it again and import the whole file.")
                open_calendars = max(open_calendars - 1, 0)
            elif name == "VEVENT":
                events += 1
            if alarm:
                alarm -= 1
                continue
        if alarm:
            continue
        if kind == "looked_at":
            if _has_meeting_link(line):
                out.append(f"{LINK_SEEN}:yes")
            continue
        if kind == "unread":
            continue
        out.append(line)
    if open_calendars:
        # Cut off (a download or copy that stopped): what follows may have cancelled or
        # moved an occurrence, or held your decline, which the first part can't say, and
        # a later import of the whole file could not take back. Nothing is read.
        raise BadFile(f"{source} is a calendar cut off after {events:,} event"
                      f"{'' if events == 1 else 's'} (no END:VCALENDAR): export it again "
                      "and import the whole file.")
    return out


def _parser_input(lines: list[str]) -> str | list[str]:
    """What icalendar's parser is given for the slimmed lines: the lines themselves, as
    its `Contentlines.from_ical` would split and unfold their text (each line is already
    one unfolded content line, none empty, none starting a fold but perhaps the first,
    and the parser appends an empty line, which it skips); or, where Outlook zone labels
    are replaced, that text."""
    text = "\r\n".join(lines) + "\r\n"
    zoned = _outlook_zones(text)
    return [*lines, ""] if zoned is text else zoned


# Lines whose outcome is not one value added under their name, however often they repeat:
# CATEGORIES and FREEBUSY (a value per item), an empty RDATE (none), and the stamps that
# `Component.add` turns into UTC.
_ADDED_ONCE = {"CATEGORIES", "FREEBUSY", "RDATE", "EXDATE", "DTSTAMP", "CREATED",
               "LAST-MODIFIED"}


@functools.cache
def _calendar_class():
    """icalendar's Calendar, parsing each distinct content line once.

    An export repeats most of its lines word for word: every event of a person lists the
    same ATTENDEE line (with its parameters, the costliest to parse), the same ORGANIZER,
    STATUS and LOCATION. icalendar's parser is made to be refined by subclassing (its
    `ComponentIcalParser`); this one remembers what a line parsed to and gives the same
    value to every component that has that line. Values are never changed after the parse
    (the reader only reads them), so sharing them is safe. Date-time lines (DTSTART, DTEND,
    RECURRENCE-ID, RDATE, EXDATE, DUE) get values of their own, as icalendar gives, since
    the expansion works on them. A line's head (its name and parameters) is split once
    however many lines share it ("DTSTART;TZID=Europe/Berlin", "UID"). A line whose
    value was added is added again directly, as `Component.add` would add it; and the
    lines can be given as a list of unfolded lines (`_parser_input`), which icalendar's
    parser accepts in place of the text."""
    import icalendar
    from icalendar.parser.content_line import Contentline
    from icalendar.parser.ical.component import ComponentIcalParser

    put = OrderedDict.__setitem__  # as `_get`: a Component's names are upper-case
    missing = object()

    class Parser(ComponentIcalParser):
        def parse_content_lines(self) -> None:
            parts: dict[str, tuple] = {}
            heads: dict[str, tuple] = {}  # a line's name and parameters, by its head
            # A property line whose whole outcome is known (its name and the value it
            # adds), from the first time it was read: added again as `Component.add`
            # adds a value without encoding it (appended to a list where the name is
            # there already).
            known: dict[str, tuple[str, object]] = {}
            self._values: dict[tuple[str, str], object] = {}
            self._factories: dict[tuple[str, str | None], type] = {}
            stack = self._stack
            dated = self.datetime_names
            for line in self._content_lines_iterator:
                if not line:
                    continue
                outcome = known.get(line)
                if outcome is not None and stack:
                    name, value = outcome
                    component = stack[-1]
                    old = _get(component, name, missing)
                    if old is missing:
                        put(component, name, value)
                    elif isinstance(old, list):
                        old.append(value)
                    else:
                        put(component, name, [old, value])
                    continue
                if not isinstance(line, Contentline):  # given as lines (`_parser_input`)
                    line = Contentline(line)
                got = parts.get(line)
                if got is None:
                    # A line without quotes or backslashes is its head (name and
                    # parameters, which icalendar parses character by character) up to
                    # its first colon, then its value, verbatim: each distinct head is
                    # parsed once ("DTSTART;TZID=Europe/Berlin", "UID"); a dated line
                    # gets its own copy of the parameters, the others share their head's
                    # (read, never changed, as a repeated line's value is shared).
                    cut = line.find(":")
                    head = line[:cut] if cut > 0 and '"' not in line \
                        and "\\" not in line else None
                    known_head = heads.get(head) if head is not None else None
                    if known_head is not None:
                        name, params = known_head
                        if name.upper() in dated:  # the expansion's: each its own
                            params = params.copy()
                        got = (name, params, line[cut + 1:])
                    else:
                        try:
                            got = line.parts()
                        except ValueError as e:
                            self.handle_line_parse_error(e)
                            continue
                        if head is not None and got[2] == line[cut + 1:]:
                            heads[head] = (got[0], got[1].copy())
                    if got[0].upper() not in dated:
                        parts[line] = got
                name, params, vals = got
                uname = name.upper()
                if uname == "BEGIN":
                    self.handle_begin_component(vals)
                elif uname == "END":
                    self.handle_end_component(vals)
                else:
                    self._added = None
                    self.handle_property(uname, params, vals, line)
                    if self._added is not None and uname not in _ADDED_ONCE:
                        known[line] = (uname, self._added)

        def handle_line_parse_error(self, exception: Exception) -> None:
            # a line that is no content line ("X" between two events) is left out where
            # a component holds it, as icalendar does inside an event, so that the rest
            # of the calendar is read; outside every component, the file is no calendar
            if not self.component:
                raise exception
            self.component.errors.append((None, str(exception)))

        def get_factory_for_property(self, name, params):
            # icalendar's choice depends on the name and the VALUE parameter alone
            # (`TypesFactory.for_property(name, params.value)`): made once for each
            value = _get(params, "VALUE")
            if value is not None and type(value) is not str:
                return super().get_factory_for_property(name, params)
            factories = self.__dict__.get("_factories")
            key = (name, value)
            factory = factories.get(key) if factories is not None else None
            if factory is None:
                factory = super().get_factory_for_property(name, params)
                if factories is not None:
                    factories[key] = factory
            return factory

        def parse_and_add_property(self, name, params, val, tzid, line) -> None:
            if tzid or name in self.datetime_names:
                super().parse_and_add_property(name, params, val, tzid, line)
                return
            value = self._values.get((line, val))
            if value is None:
                factory = self.get_factory_for_property(name, params)
                try:
                    parsed = factory.from_ical(val)
                except (ValueError, TypeError) as e:
                    self.handle_property_parse_error(e, name, params, val, line)
                    return
                value = factory(parsed)
                value.params = params
                self._values[(line, val)] = value
            self.component.add(name, value, encode=False)
            self._added = value

    class Calendar(icalendar.Calendar):
        @classmethod
        def _get_ical_parser(cls, st):
            return Parser(st, cls._get_component_factory(), cls.types_factory)

    return Calendar


def _first_line(exc: Exception) -> str:
    words = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return words[:120]


class _Reader:
    def __init__(self, me: frozenset[str], today: date, max_others: int,
                 now: datetime | None, zone: tzinfo | None, progress=None):
        self.progress = progress
        self.me = me
        self.today = today
        self.max_others = max_others
        self.zone = zone
        if now is None:
            now = datetime.combine(today, time.max)
        if now.tzinfo is None:  # a wall time in the user's zone
            now = now.replace(tzinfo=zone) if zone else now.astimezone()
        self.now = now
        self.out = Sightings()
        self.keys: set[str] = set()
        self.people: dict[int, tuple] = {}  # `_person`'s, by the id of the property
        self.budget = MAX_EXPANDED
        # (UID, original start) of each RANGE=THISANDFUTURE override -> how far it moved
        self.moves: dict[tuple[str, str], timedelta] = {}

    # -- the calendar -------------------------------------------------------------------

    def calendar(self, cal, rie) -> None:
        # Events without a UID are given one from their content first: the expansion
        # groups a series by UID, and so does the key. A series repeating too often is
        # taken out before the expansion would list its occurrences.
        cores: dict[str, object] = {}
        too_often: set[str] = set()
        unreadable: set[int] = set()
        events: dict[str, int] = {}  # how many events (a series and its overrides) per UID
        for event in cal.walk("VEVENT"):
            why = _unreadable(event)
            if why:  # skipped and counted; the rest of the calendar is read
                self.out.skip(why)
                unreadable.add(id(event))
                continue
            if not str(_get(event, "UID", "")).strip():
                event["UID"] = _content_uid(event)
            _no_backward_end(event)
            moved = _get(event, "RECURRENCE-ID")
            if moved is not None and str(moved.params.get("RANGE", "")).upper() \
                    == "THISANDFUTURE":
                # this and every later occurrence moved as the override moved its own:
                # each keeps its key by its original start, the override's move taken off
                try:
                    self.moves[(str(event["UID"]), _instant(moved.dt))] = \
                        event["DTSTART"].dt - moved.dt
                except TypeError:  # a date against a time: left keyed as the override
                    pass
            if moved is None:
                if any(_never_matches(r, event["DTSTART"].dt)
                       for r in _listed(_get(event, "RRULE"))):
                    # dateutil would look for a 30 February until the year 9999: the
                    # event happened once, on its start
                    del event["RRULE"]
                uid = str(event["UID"])
                cores.setdefault(uid, event)
                if not self._few_enough(event):
                    too_often.add(uid)
            uid = str(event["UID"])
            events[uid] = events.get(uid, 0) + 1
        if too_often:
            self.out.skipped[TOO_OFTEN] = len(too_often)
        # An event that happens once (no RRULE or RDATE, no override) is its own one
        # occurrence, read here without the expansion, which costs most of the time of
        # an export of single events; what the expansion would change (X-WR-TIMEZONE
        # placing a floating time; a start before its window) goes through it as before.
        floating_placed = cal.get("X-WR-TIMEZONE") is not None
        single: list = []
        simple: list = []  # (event, its occurrences' starts): series without overrides
        if _DIRECT:
            for uid, event in cores.items():
                if events[uid] != 1 or uid in too_often:
                    continue
                if _happens_once(event, floating_placed):
                    single.append(event)
                    unreadable.add(id(event))  # out of the expansion's calendar
                elif _DIRECT_SERIES:
                    starts = _simple_series(event, floating_placed, self._library_now())
                    if starts is not None:
                        simple.append((event, starts))
                        unreadable.add(id(event))
        if too_often or unreadable:
            _remove(cal, too_often, unreadable)
        try:
            query = rie.of(cal, skip_bad_series=True)
        except Exception:  # noqa: BLE001 - the library's own refusals of a file
            # its words are the library's own (a Python TypeError's, say): not the user's
            raise BadFile("This calendar can't be read: the dates of its repeating events do "
                          "not fit together. Export it again as .ics.") from None
        seen = {str(event["UID"]) for event, _ in simple}
        every = [*single, *simple, *query.series]
        for n, item in enumerate(every, 1):
            if n <= len(single):
                start = item["DTSTART"].dt
                if not self.spent():
                    self.occurrence(self.about(item), start, start)
            elif n <= len(single) + len(simple):
                self.simple_series(*item)
            else:
                seen.add(str(item.uid))
                self.series(item, cores.get(str(item.uid)))
            if self.progress is not None and (n % PROGRESS_SERIES == 0 or n == len(every)):
                self.progress(len(every) + n, 2 * len(every))  # parsed: half way
        # a series the library could not expand is left out of its query: counted too
        for _ in cores.keys() - too_often - seen - {str(e["UID"]) for e in single}:
            self.out.skip(BAD_EVENT)

    def series(self, series, core) -> None:
        start = datetime(1900, 1, 1)  # every occurrence that started by now (since 1900)
        found = False
        try:
            # the library reads a wall-time bound in each event's own zone, so a bound of
            # now's wall time would cut a UTC event west of UTC: ask a day more, and let
            # `occurrence` keep those started by the instant now
            occurrences = series.between(start, self._library_now() + timedelta(days=1))
            common = None  # what the series' own occurrences share, read once
            for occurrence in islice(occurrences, MAX_OCCURRENCES + 1):
                found = True
                if self.spent():
                    return
                if occurrence.id.recurrence_id is None:
                    if common is None:  # the series' own event: only read, not copied
                        common = self.about(core if core is not None
                                            else occurrence.as_component(False))
                    self.occurrence(common, occurrence.start, occurrence.start)
                else:  # an override: its own attendees, title, status
                    event = occurrence.as_component(False)
                    self.occurrence(self.about(event), occurrence.start,
                                    self._original(event, occurrence.start))
        except (ValueError, TypeError, OverflowError, AttributeError, KeyError):
            self.out.skip(BAD_EVENT)
            return
        if not found:
            start = core.get("DTSTART") if core is not None else None
            later = start is not None and not self._started(start.dt)
            self.out.skip(FUTURE if later else NOTHING_LEFT)

    def _original(self, event, start):
        """An overridden occurrence's original start: its RECURRENCE-ID; for the later
        occurrences of a RANGE=THISANDFUTURE override, which the expansion gives that same
        RECURRENCE-ID, their own start less the override's move (so each keeps a key of
        its own, as it had before the move)."""
        moved = event["RECURRENCE-ID"].dt
        shift = self.moves.get((str(event["UID"]), _instant(moved)))
        if shift is None:
            return moved
        try:
            return start - shift
        except TypeError:
            return moved

    def spent(self) -> bool:
        """Count one occurrence against the file's budget; True (the rest skipped as
        repeating too often) once it is used up."""
        self.budget -= 1
        if self.budget < 0:
            self.out.skip(TOO_OFTEN)
            return True
        return False

    def simple_series(self, event, starts) -> None:
        """A series `_simple_series` expanded (its starts up to now, in order), read as
        `series` reads the expansion's."""
        common = None
        found = False
        for when in islice(starts, MAX_OCCURRENCES + 1):
            found = True
            if self.spent():
                return
            if common is None:
                common = self.about(event)
            self.occurrence(common, when, when)
        if not found:
            later = not self._started(event["DTSTART"].dt)
            self.out.skip(FUTURE if later else NOTHING_LEFT)

    def _library_now(self):
        """`now` as the expansion compares it: recurring-ical-events asks for one kind of
        time on both ends, and compares floating and all-day occurrences as wall times."""
        return self.now.astimezone(self.zone).replace(tzinfo=None) if self.zone else \
            self.now.astimezone().replace(tzinfo=None)

    def _few_enough(self, event) -> bool:
        """Whether each RRULE of a series repeats at most MAX_OCCURRENCES times by now,
        counted lazily (dateutil) before the expansion builds the list of them."""
        rules = _get(event, "RRULE")
        if rules is None:
            return True
        start = _get(event, "DTSTART")
        if start is None:
            return True
        from dateutil.rrule import rrulestr

        first = start.dt
        if not isinstance(first, datetime):
            first = datetime.combine(first, time())
        first = first.replace(tzinfo=None)
        until = self.now.replace(tzinfo=None) + timedelta(days=2)
        days = (until.date() - first.date()).days + 1  # the dates a start may fall on
        for rule in rules if isinstance(rules, list) else [rules]:
            if _BOUNDED and _surely_few(rule, days):
                continue
            try:
                spelled = rule.to_ical().decode()
                spelled = re.sub(r"UNTIL=(\d{8})(T\d{6})?Z?", r"UNTIL=\1\2", spelled)
                rr = rrulestr(spelled, dtstart=first, ignoretz=True)
            except (ValueError, TypeError, OverflowError):
                continue  # the expansion skips a series it can't read
            taken = 0
            try:
                for when in rr:
                    if when > until:
                        break
                    taken += 1
                    if taken > MAX_OCCURRENCES:
                        return False
            except (ValueError, OverflowError):
                continue  # dateutil finds it empty (BYHOUR=25): the expansion skips it
        return True

    # -- one occurrence -----------------------------------------------------------------

    def about(self, event) -> _About:
        """What every occurrence with this event's properties shares, or why it is
        skipped."""
        start = _get(event, "DTSTART")
        timed = start is not None and isinstance(start.dt, datetime)
        uid = str(_get(event, "UID")).strip()
        if any(str(v).upper() == "CANCELLED" for v in _listed(_get(event, "STATUS"))):
            return _About(uid, CANCELLED)
        attendees = [self._person(a) for a in _listed(_get(event, "ATTENDEE"))]
        if any(mine and declined for _, _, mine, _, declined, _ in attendees):
            return _About(uid, DECLINED)
        organizer = _get(event, "ORGANIZER")
        _, organizer_address, organizer_mine, a_person, _, name = \
            self._person(organizer) if organizer is not None else _NO_ONE
        others: dict[str, str] = {}  # address -> name, in the file's order
        if organizer_address and not organizer_mine and a_person:
            others[organizer_address] = name
        for _, address, mine, a_person, declined, name in attendees:
            if not address or mine or not a_person:
                continue
            if declined:
                continue  # they were not there (an organizer who declined, neither)
            if address not in others or (name and not others[address]):
                others[address] = name
        if not others:
            return _About(uid, ALONE if timed else ALL_DAY_ALONE)
        if len(others) > self.max_others:
            return _About(uid, BROADCAST.format(self.max_others))
        reached = organizer_address if organizer_address and not organizer_mine else None
        summary = str(_get(event, "SUMMARY", "")).strip()
        return _About(uid, None, tuple(others), reached, _channel(event), summary or None,
                      tuple((a, n) for a, n in others.items() if n))

    def occurrence(self, about: _About, when, original) -> None:
        """One occurrence starting `when`, first planned for `original` (its
        RECURRENCE-ID)."""
        if not self._started(when):  # before its day: 9999-12-31T23:59Z has none here
            self.out.skip(FUTURE)
            return
        day = self._day(when)
        if day > self.today:
            self.out.skip(FUTURE)
            return
        if about.skip:
            self.out.skip(about.skip)
            return
        key = f"ics:{about.uid}/{_instant(original)}"
        if key in self.keys:
            self.out.skip(REPEATED)
            return
        self.keys.add(key)
        self.out.found.append(Sighting(
            key=key, when=day, others=about.others, reached_out=about.reached,
            channel=about.channel, note=about.note, names=about.names))

    def _started(self, when) -> bool:
        if isinstance(when, datetime):
            if when.tzinfo is None:  # floating: the user's wall time
                return when <= self._library_now()
            return when <= self.now
        return when <= self.now.astimezone(self.zone).date() if self.zone else \
            when <= self.now.astimezone().date()

    def _day(self, when) -> date:
        if isinstance(when, datetime):
            if when.tzinfo is None:
                return when.date()
            return when.astimezone(self.zone).date() if self.zone else \
                when.astimezone().date()
        return when

    def _person(self, prop) -> tuple:
        """What `about` reads of an attendee or the organizer: (the property, its address
        or None, whether it is yours, whether a person, whether they declined, their
        name), read once per property value: the parser gives each event with the same
        line the same value, which is never changed (kept here, so its id stays its)."""
        got = self.people.get(id(prop))
        if got is None or got[0] is not prop:
            address = _address(prop)
            got = (prop, address, is_mine(address, self.me),
                   bool(address) and _a_person(prop, address),
                   _param(prop, "PARTSTAT") == "DECLINED",
                   _name(prop, address) if address else "")
            self.people[id(prop)] = got
        return got


def _surely_few(rule, days: int) -> bool:
    """Whether a rule gives at most MAX_OCCURRENCES starts, by `_few_enough`'s count, over
    `days` dates from its DTSTART on, without counting them: a COUNT of at most that
    many; or a rule repeating daily or less often without BYHOUR, BYMINUTE or BYSECOND,
    which dateutil gives at DTSTART's time of day, so once a date at most, over at most
    that many dates. Anything else (a rule icalendar could not read, say) is counted."""
    try:
        counts = rule.get("COUNT")
        if counts is not None:
            return len(counts) == 1 and 1 <= int(counts[0]) <= MAX_OCCURRENCES
        freq = [str(f).upper() for f in _listed(rule.get("FREQ"))]
    except (TypeError, ValueError, AttributeError):
        return False
    return days <= MAX_OCCURRENCES and len(freq) == 1 \
        and freq[0] in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY") \
        and all(rule.get(part) is None for part in ("BYHOUR", "BYMINUTE", "BYSECOND"))


_NO_ONE = (None, None, False, False, False, "")  # `_person` of no organizer


def _no_backward_end(event) -> None:
    """Take away an end before the start (DTEND of the same kind earlier than DTSTART, or
    a negative DURATION): the expansion would read the occurrence as starting at that end,
    dating the meeting by it; its start is when it was planned, so that is its day."""
    start = event["DTSTART"].dt
    end = _get(event, "DTEND")
    if end is not None and type(end.dt) is type(start):
        try:
            if end.dt < start:
                del event["DTEND"]
        except TypeError:  # a floating end of a zoned start: not comparable, kept
            pass
    length = _get(event, "DURATION")
    if length is not None and isinstance(length.dt, timedelta) and length.dt < timedelta():
        del event["DURATION"]


def _instant(original) -> str:
    """An occurrence's original start, as its key spells it: UTC, a date, or a floating
    wall time."""
    if isinstance(original, datetime):
        if original.tzinfo is None:
            return original.isoformat(timespec="seconds")
        return original.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return original.isoformat()


@dataclass(frozen=True)
class _About:
    """An event's properties as the sightings of its occurrences take them."""

    uid: str
    skip: str | None  # the reason each occurrence is skipped, or None
    others: tuple[str, ...] = ()
    reached: str | None = None
    channel: str = "event"
    note: str | None = None
    names: tuple[tuple[str, str], ...] = ()


MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


_WEEKDAY = re.compile(r"[+-]?(?:[1-9]|[1-4][0-9]|5[0-3])?(MO|TU|WE|TH|FR|SA|SU)")


def _never_matches(rule, start=None) -> bool:
    """Whether an RRULE is not one a calendar writes for meetings, and may be one dateutil
    searches, period by period, until the year 9999 for an occurrence that never comes (or
    loops on for ever): more often than daily, no interval, a value out of its range, a
    day no month has, a BY part RFC 5545 3.3.10 does not allow with its FREQ, or a
    BYSETPOS no period of it (from `start`, its event's DTSTART) ever has as many
    occurrences for. Its event then happened once, on its start, as the expansion gives
    it."""
    try:
        freq = [str(f).upper() for f in _listed(rule.get("FREQ"))]
        intervals = [int(i) for i in _listed(rule.get("INTERVAL"))]
        days = [int(d) for d in rule.get("BYMONTHDAY", [])]
        months = [int(m) for m in rule.get("BYMONTH", [])] or list(range(1, 13))
        year_days = [int(d) for d in rule.get("BYYEARDAY", [])]
        weeks = [int(w) for w in rule.get("BYWEEKNO", [])]
        positions = [int(p) for p in rule.get("BYSETPOS", [])]
        weekdays = [str(d).upper() for d in rule.get("BYDAY", [])]
        times = [(int(v), top) for part, top in (("BYHOUR", 23), ("BYMINUTE", 59),
                                                 ("BYSECOND", 60))
                 for v in rule.get(part, [])]
    except (TypeError, ValueError, AttributeError):  # a rule icalendar could not read
        return True
    if len(freq) != 1 or freq[0] not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        return True
    yearly = freq[0] == "YEARLY"
    if any(i < 1 for i in intervals) or any(not 1 <= m <= 12 for m in months) \
            or any(not 0 <= v <= top for v, top in times) \
            or not all(_WEEKDAY.fullmatch(d) for d in weekdays):
        return True
    if year_days and (not yearly or any(not 0 < abs(d) <= 366 for d in year_days)):
        return True
    if weeks and (not yearly or any(not 0 < abs(w) <= 53 for w in weeks)):
        return True
    if days and freq[0] == "WEEKLY":
        return True
    if any(not 0 < abs(p) <= 366 for p in positions):
        return True
    if days and not any(0 < abs(d) <= MONTH_DAYS[m - 1] for d in days for m in months):
        return True
    if not positions:
        return False
    # A BYSETPOS picks from the occurrences of each period (a day, week, month, year): one
    # beyond as many as any period can have never matches; one within as many as every
    # period has always does; between (the 5th Friday of a month), dateutil is asked.
    per_time = 1
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        per_time *= len({int(v) for v in rule.get(part, [])}) or 1
    kinds = {d.lstrip("+-0123456789") for d in weekdays}
    plain = {d for d in weekdays if d in kinds}  # every Friday, not the 2nd
    if freq[0] == "DAILY":
        most = least = per_time
    elif freq[0] == "WEEKLY":  # a week across two months has fewer of a BYMONTH's days
        most = (len(kinds) or 1) * per_time
        least = most if set(months) == set(range(1, 13)) else 0
    elif freq[0] == "MONTHLY" and not days:  # each weekday 4 or 5 times a month
        most = (5 * len(plain) + len(set(weekdays) - plain) if weekdays else 1) * per_time
        least = (4 * len(plain) if weekdays else 1) * per_time
    elif freq[0] == "MONTHLY":
        most, least = len(set(days)) * per_time, 0
    else:
        most, least = 366 * per_time, 0
    if all(abs(p) > most for p in positions):
        return True
    if any(abs(p) <= least for p in positions):
        return False
    return start is not None and not _ever_positioned(rule, start, max(intervals or [1]))


def _ever_positioned(rule, start, interval: int) -> bool:
    """Whether a rule with a BYSETPOS gives any occurrence at all (COUNT and UNTIL aside),
    found by dateutil in a bounded time: the Gregorian calendar repeats every 400 years,
    weekdays and all, so a rule that gives nothing in `interval` times 400 years gives
    nothing ever. dateutil searches to the year 9999 for an occurrence; asked from a start
    moved by whole 400 years to as late as leaves that span, its search ends there."""
    from dateutil.rrule import rrulestr

    first = start if isinstance(start, datetime) else datetime.combine(start, time())
    first = first.replace(tzinfo=None)
    later = (9999 - first.year - 400 * interval) // 400
    if later > 0:
        first = first.replace(year=first.year + 400 * later)
    spelled = ";".join(part for part in rule.to_ical().decode().split(";")
                       if not part.upper().startswith(("COUNT=", "UNTIL=")))
    try:
        return next(iter(rrulestr(spelled, dtstart=first, ignoretz=True)), None) is not None
    except (ValueError, TypeError, OverflowError):
        return True  # a rule dateutil refuses: the expansion counts it as unreadable


_DIRECT = True  # single events read without the expansion (a test compares both ways)
_DIRECT_SERIES = True  # and simple series expanded by dateutil directly (the same test)
_WEEKS = True  # a weekly rule stepped a week at a time, not by dateutil (the same test)
_BOUNDED = True  # a series shown few enough by a bound is not counted (the same test)
_FIRST_DIRECT = date(1901, 1, 1)  # the expansion's window opens in 1900: earlier goes there


def _happens_once(event, floating_placed: bool) -> bool:
    """Whether an event is one occurrence on its DTSTART, exactly as the expansion would
    give it: no RRULE, RDATE or RECURRENCE-ID, a start within the expansion's window, an
    end (if any) of its kind not before it, no negative DURATION, and not a floating time
    that X-WR-TIMEZONE would place in its zone."""
    if any(_get(event, p) is not None for p in ("RRULE", "RDATE", "RECURRENCE-ID", "EXRULE")):
        return False
    start = event["DTSTART"].dt
    end = _get(event, "DTEND")
    if end is not None:  # one ending before it starts: the expansion's own reading
        try:
            if type(end.dt) is not type(start) or end.dt < start:
                return False
        except TypeError:  # a floating end of a zoned start
            return False
    length = _get(event, "DURATION")
    if length is not None and not (isinstance(length.dt, timedelta) and length.dt >= timedelta()):
        return False
    if isinstance(start, datetime):
        if start.tzinfo is None and floating_placed:
            return False
        return start.date() >= _FIRST_DIRECT
    return isinstance(start, date) and start >= _FIRST_DIRECT


# The parts of an RRULE the direct expansion reads as the library does; any other part
# (BYSETPOS, BYWEEKNO, BYYEARDAY, BYHOUR, ...) goes through the library.
_SIMPLE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH",
                 "WKST"}


def _simple_series(event, floating_placed: bool, library_now: datetime):
    """The starts of a simple series up to now, as recurring-ical-events would give them,
    or None for a series it must expand. Simple: one RRULE of the parts above (a positive
    COUNT; an UNTIL in UTC for a zoned start, a date for an all-day one), no RDATE, EXRULE
    or override, a start in an IANA zone (or UTC) or a date, in the expansion's window,
    an end of its kind not before it (a DURATION only for a timed start), and EXDATEs of
    the start's own kind; under X-WR-TIMEZONE nothing in UTC (which it would move into
    that zone).

    As the library: DTSTART is the first occurrence even when the rule does not give it
    (unless it is after UNTIL); an EXDATE takes out an occurrence at the same instant, or
    at the same wall time, or on its date; an occurrence counts when it starts before the
    library's bound (now's wall time and a day, read in the event's own zone). Lazy: the
    rule is not expanded beyond that bound. A hypothesis test compares both on generated
    series (tests/test_import_calendar.py)."""
    from zoneinfo import ZoneInfo

    if any(_get(event, p) is not None for p in ("RDATE", "RECURRENCE-ID", "EXRULE")):
        return None
    rule = _get(event, "RRULE")
    if rule is None or isinstance(rule, list) or not set(rule) <= _SIMPLE_PARTS:
        return None
    start = event["DTSTART"].dt
    timed = isinstance(start, datetime)
    if timed:
        zone = start.tzinfo
        if not isinstance(zone, ZoneInfo) and zone is not UTC:
            return None
        if floating_placed and start.tzname().upper() == "UTC":
            return None
    if (start.date() if timed else start) < _FIRST_DIRECT:
        return None
    end = _get(event, "DTEND")
    if end is not None:
        try:
            if type(end.dt) is not type(start) or end.dt < start:
                return None
        except TypeError:
            return None
    length = _get(event, "DURATION")
    if length is not None and not (timed and isinstance(length.dt, timedelta)
                                   and length.dt >= timedelta()):
        return None  # an all-day series with a DURATION: the library's own reading
    excluded: set = set()
    for listed in _listed(_get(event, "EXDATE")):
        for value in getattr(listed, "dts", ()):
            day = value.dt
            if type(day) is not type(start):
                return None
            if timed:
                if day.tzinfo is None or floating_placed and day.tzname().upper() == "UTC":
                    return None
                excluded |= _ids(day)
            else:
                excluded.add(day)
    spelled = rule.to_ical().decode()
    counts = rule.get("COUNT")
    if counts is not None and (len(counts) != 1 or int(counts[0]) < 1):
        return None
    untils = rule.get("UNTIL")
    if counts is not None and untils is not None:
        return None  # both, which RFC 5545 forbids: the library's own reading
    until = None
    if untils is not None:
        if len(untils) != 1:
            return None
        until = untils[0]
        if timed and not (isinstance(until, datetime) and until.tzinfo is not None
                          and until.utcoffset() == timedelta()):
            return None
        if not timed and (isinstance(until, datetime) or not isinstance(until, date)):
            return None
    from dateutil.rrule import rrulestr

    first = start if timed else datetime.combine(start, time())
    try:
        expanded = rrulestr(spelled, dtstart=first)
    except (ValueError, TypeError, OverflowError):
        return None
    bound = library_now + timedelta(days=1)
    if timed:
        bound = bound.replace(tzinfo=start.tzinfo)
    weekly = _weekly(expanded) if _WEEKS else None
    return _starts(expanded if weekly is None else weekly, first, start, timed, bound, until,
                   excluded)


def _weekly(rule):
    """The starts dateutil's `rule` gives, stepped a week (times its interval) at a time,
    for a rule that is one start a week on DTSTART's weekday at DTSTART's time (FREQ=
    WEEKLY and nothing narrowing it but a BYDAY of that weekday); or None for any other
    rule. Each start is made as dateutil's own loop makes it (the date combined with its
    time of day, in DTSTART's zone) and ends where it ends (after COUNT starts, or at the
    first start after UNTIL, compared as it compares them), at about a tenth of its
    work; a hypothesis test compares the two."""
    from dateutil.rrule import WEEKLY

    start = rule._dtstart
    if rule._freq != WEEKLY or rule._byweekday != (start.weekday(),) \
            or len(rule._timeset) != 1 or any((
                rule._bynweekday, rule._bymonth, rule._bymonthday, rule._bynmonthday,
                rule._byyearday, rule._byweekno, rule._bysetpos, rule._byeaster)):
        return None
    return _weeks(start.toordinal(), rule._timeset[0], 7 * rule._interval, rule._count,
                  rule._until)


def _weeks(day: int, at: time, step: int, count: int | None, until):
    while True:
        try:
            when = datetime.combine(date.fromordinal(day), at)
        except (ValueError, OverflowError):  # after the year 9999, where dateutil stops
            return
        if until is not None and when > until:
            return
        if count is not None:
            count -= 1
            if count < 0:
                return
        yield when
        day += step


def _starts(expanded, first, start, timed: bool, bound, until, excluded: set):
    """The starts a simple series gives before `bound` (see `_simple_series`)."""
    if until is not None and not timed:
        until = datetime.combine(until, time())
    seen: set = set()
    queue = []
    if until is None or first <= until:
        queue.append(first)
    # An EXDATE matches an occurrence by its wall time or its instant in UTC, whose date
    # is within a day of the wall time's (no zone is 24 hours from UTC): an occurrence on
    # no date within a day of an EXDATE's is not looked up (most of them).
    near = {day + timedelta(days=shift) for day in {e.date() for e in excluded}
            for shift in (-1, 0, 1)} if timed else set()
    for when in _merged(queue, expanded):
        if when >= bound:
            return
        if when in seen:
            continue
        seen.add(when)
        if timed:
            if when.date() in near and _ids(when) & excluded:
                continue
            yield when
        else:
            day = when.date()
            if day in excluded:
                continue
            yield day


def _merged(first: list, expanded):
    """DTSTART (when it counts) and the rule's starts, in order."""
    pending = list(first)
    for when in expanded:
        while pending and pending[0] <= when:
            yield pending.pop(0)
        yield when
    yield from pending


def _ids(when: datetime) -> set:
    """What an occurrence or an EXDATE is recognised by, as recurring-ical-events
    recognises it: its instant in UTC and its wall time, both without a zone."""
    return {when.astimezone(UTC).replace(tzinfo=None), when.replace(tzinfo=None)}


def _remove(cal, uids: set[str], events: set[int]) -> None:
    """Take the events of these series (and their overrides), and these events (by id),
    out of the calendar."""
    for component in cal.walk("VCALENDAR"):
        component.subcomponents = [
            c for c in component.subcomponents
            if c.name != "VEVENT" or (id(c) not in events and str(c.get("UID")) not in uids)]


def _unreadable(event) -> str | None:
    """Why an event can't be read, as the summary says it, or None: no start, two starts,
    or a date or repeat rule icalendar could not parse (it keeps those as errors)."""
    start = _get(event, "DTSTART")
    if start is None:
        return NO_START
    if isinstance(start, list):
        return TWO_STARTS
    broken = {name.upper() for name, _ in getattr(event, "errors", ()) if name}
    if broken & {"RRULE", "EXRULE"}:
        return BAD_RULE
    if broken & set(_DATED) or any(isinstance(_get(event, p), list)
                                   for p in ("DTEND", "DURATION", "RECURRENCE-ID")):
        return BAD_DATE
    if not isinstance(start.dt, date):  # VALUE=PERIOD: a (start, end) pair
        return PERIOD_START
    if any(_get(event, p) is not None and not isinstance(event[p].dt, date)
           for p in ("DTEND", "RECURRENCE-ID")):
        return BAD_DATE
    return None


def _listed(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _param(prop, name: str) -> str:
    params = getattr(prop, "params", None) or {}
    return str(params.get(name, "")).upper()


def _address(prop) -> str | None:
    """An attendee's or organizer's address: the value without mailto:, lower-cased, or
    Apple's EMAIL parameter when the value is a principal's URL or urn:uuid."""
    value = str(prop).strip()
    if value[:7].lower() == "mailto:":
        value = value[7:]
    elif "@" not in value or ":" in value.split("@")[0]:
        params = getattr(prop, "params", None) or {}
        value = str(params.get("EMAIL", "")).strip()
        if value[:7].lower() == "mailto:":
            value = value[7:]
    value = value.strip().strip("<>").lower()
    return value if "@" in value else None


def _a_person(prop, address: str) -> bool:
    if _param(prop, "CUTYPE") in NOT_PEOPLE:
        return False
    return not address.endswith(NOT_PEOPLE_DOMAINS)


def _name(prop, address: str) -> str:
    """The CN, unless it is only the address again (Google writes CN=ana@example.com)."""
    params = getattr(prop, "params", None) or {}
    name = str(params.get("CN", "")).strip().strip('"').strip()
    if not name or "@" in name and name.lower().removeprefix("mailto:") == address:
        return ""
    return name


def _channel(event) -> str:
    if any(_get(event, p) is not None for p in VIDEO_PROPERTIES):
        return "video"
    location = str(_get(event, "LOCATION", "")).strip()
    for field in (str(_get(event, "URL", "")), location):
        if _has_meeting_link(field):
            return "video"
    if location and _ONLINE_PLACE.fullmatch(location):
        return "video"
    return "in-person" if location else "event"


def _has_meeting_link(text: str) -> bool:
    for match in _URL_HOST.finditer(text):
        host = match.group(1).lower().rstrip(".")
        if any(host == h or host.endswith("." + h) for h in MEETING_HOSTS):
            return True
    return False


def _content_uid(event) -> str:
    """A UID for an event that lacks one, from what stays the same across exports (not
    DTSTAMP, which is the export's time)."""
    parts = [str(event.get(p, "")) for p in ("DTSTART", "SUMMARY", "ORGANIZER", "LOCATION")]
    start = event.get("DTSTART")
    parts[0] = start.to_ical().decode() if start is not None else ""
    parts += sorted(str(a).lower() for a in _listed(event.get("ATTENDEE")))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
    return f"content-{digest}"
