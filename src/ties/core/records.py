"""What is recorded about being in touch, as plain data: one record type whatever writes
it. `ties log` and `ties add` make an `InteractionRecord` from their options; a reader
(ties JSON today, a calendar tomorrow) makes them from a file, with the file's own ids;
`reconcile.plan_history` decides which of a file's to create, and `store` writes them.
Pure: no database, no terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class InteractionRecord:
    """One interaction, checked: when, how, what was said, who gave or received help and
    who reached out. From a file it also carries the file's own id for it (`id`), the
    file's own ids of the people it was with (`people`, as Record.fields["id"]) and when
    it was logged there (`logged_at`); a command leaves those out."""

    when: date
    channel: str = "in-person"
    note: str | None = None
    gave: bool = False
    received: bool = False
    they_reached_out: bool = False
    id: int | None = None
    people: list[int] = field(default_factory=list)
    logged_at: datetime | None = None
    sources: list[SourceKey] = field(default_factory=list)  # from a ties export


SOURCE_KINDS = ("ics:", "mail:")  # how a calendar's and a mailbox's keys begin


@dataclass(frozen=True)
class SourceKey:
    """The key of a calendar event occurrence or a message an interaction was imported
    from, with one of its people (the file's id for them): carried by a ties export so
    that importing the same calendar or mailbox again after a restore adds nothing.
    `merged`: the import found the interaction already logged by hand, and filled its
    empty note with `filled`. `thread`: a mail key's thread root, when it was stored."""

    key: str
    person: int
    merged: bool = False
    filled: str | None = None
    thread: str | None = None  # a mail key's thread root (Sighting.root), when known


@dataclass
class FollowUpRecord:
    """One promise as a file describes it, checked: `person` is the file's own id."""

    id: int
    person: int
    text: str
    due: date | None = None
    created: date | None = None
    done: date | None = None


@dataclass(frozen=True)
class Sighting:
    """One past meeting or message as a calendar or a mailbox records it, before anyone in
    the store is matched: the other people in it (by address), who reached out, when, how
    and what it was about, and the key that names it in its source.

    A calendar reader makes one per occurrence of an event (a recurring event's each
    occurrence, with its overrides); a mail reader one per message. Neither knows the
    store: `reconcile` matches the addresses to people (by every address they have),
    groups a mailbox's messages into one interaction per person per thread per day, and
    plans what to create. The key is what makes a re-import add nothing."""

    key: str  # "ics:{UID}/{occurrence start, ISO 8601}" or "mail:{Message-ID}"
    when: date  # the day it happened, in the user's local time
    others: tuple[str, ...]  # the other people's addresses, lower-cased, the user's own left out
    reached_out: str | None  # the address of whoever reached out; None when the user did
    channel: str  # "video", "in-person", "event" or "email"
    note: str | None  # an event's title or a message's subject, never a body or description
    thread: str | None = None  # mail: the key of the thread's first message
    # (address, display name) for each other person the source names ("Ana Lima"), so that
    # an unknown address met often can become a person with a name.
    names: tuple[tuple[str, str], ...] = ()
    # mail: the keys of every message its thread names (those in the file and those only
    # referred to, by In-Reply-To and References), so that an earlier import of the same
    # thread (your Sent folder, then your Inbox) is recognised
    linked: tuple[str, ...] = field(default=(), compare=False)
    # mail: the key of the thread's root as this message names it (its first References
    # id, else its In-Reply-To, else its own key), stored with its key so that a later
    # import of another folder finds the thread by it
    root: str | None = field(default=None, compare=False)
    # mail: whether the thread's first message here names no earlier one (In-Reply-To,
    # References): the thread starts in this file, which then decides who reached out
    starts: bool = field(default=False, compare=False)


# The skip reason of an entry a reader could not read at all (an event without a start),
# which the summary says as "2 events could not be read (no start date)".
UNREADABLE = "could not be read ({})"


@dataclass
class Sightings:
    """What a calendar or mail reader found: the sightings, how many entries it skipped and
    why (a reason in words, as the import summary says it: "declined", "a mailing list"),
    and notes for the user (an encoding guessed, a time zone assumed)."""

    found: list[Sighting] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
