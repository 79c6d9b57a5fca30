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


@dataclass
class FollowUpRecord:
    """One promise as a file describes it, checked: `person` is the file's own id."""

    id: int
    person: int
    text: str
    due: date | None = None
    created: date | None = None
    done: date | None = None
