"""Every write, through a SQLModel session that holds the write lock.

The caller opens one session per command (`db.orm_session`) inside one
transaction; these functions never commit. Reads they need go through `queries`
on the same connection, so they see this transaction's own rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from ties import queries
from ties.errors import AlreadyExists, NotFound
from ties.models import FollowUp, Interaction, InteractionPerson, Person, Tag
from ties.names import fold

DUPLICATE_WINDOW = timedelta(minutes=10)


def raw(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under the session, inside its transaction."""
    return session.connection().connection.driver_connection


def now() -> datetime:
    """The wall clock in UTC (SQLite keeps it as 'YYYY-MM-DD HH:MM:SS.ffffff' text)."""
    from datetime import UTC

    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Meeting:
    """An interaction to record."""

    when: date
    channel: str = "in-person"
    note: str | None = None
    gave: bool = False
    received: bool = False
    they_reached_out: bool = False


def add_person(
    session: Session, *, name: str, fields: dict, tags: Iterable[str], today: date,
    first: Meeting | None, another: bool = False, stamp: datetime | None = None,
) -> int:
    """Create a person (and their first interaction). Refuses a twin unless `another`."""
    conn = raw(session)
    twins = queries.same_name(conn, name)
    if twins and not another:
        twin = twins[0]
        where = f" ({twin.company})" if twin.company else ""
        raise AlreadyExists(
            f"{twin.name}{where} is already in ties as @{twin.id}. To record a meeting use "
            f"'ties log @{twin.id}'; to change them 'ties edit @{twin.id}'; to add a different "
            "person with the same name, repeat with --another."
        )
    stamp = stamp or now()
    person = Person(name=name, name_key=fold(name), created=today, updated_at=stamp, **fields)
    session.add(person)
    session.flush()
    assert person.id is not None
    for t in sorted(set(tags)):
        session.add(Tag(person_id=person.id, tag=t))
    if first is not None:
        _add_interaction(session, [person.id], first, stamp)
    session.flush()
    refresh_stats(conn, [person.id])
    return person.id


def update_person(
    session: Session, person_id: int, changes: dict, *, add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (), append_note: str | None = None,
) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"No one has the id @{person_id}. See 'ties list'.")
    if "name" in changes:
        changes["name_key"] = fold(changes["name"])
    for key, value in changes.items():
        setattr(person, key, value)
    if append_note:
        person.notes = f"{person.notes}\n{append_note}" if person.notes else append_note
    current = {t.tag for t in person_tags(session, person_id)}
    for t in set(add_tags) - current:
        session.add(Tag(person_id=person_id, tag=t))
    for t in set(remove_tags) & current:
        session.delete(session.get(Tag, (person_id, t)))
    person.updated_at = now()
    session.add(person)
    session.flush()
    return person


def person_tags(session: Session, person_id: int) -> list[Tag]:
    from sqlmodel import select

    return list(session.exec(select(Tag).where(Tag.person_id == person_id)))


def remove_person(session: Session, person_id: int) -> None:
    """Delete a person, their tags, follow-ups and their part in interactions; an
    interaction left with nobody is deleted too. Stats of the others are refreshed."""
    conn = raw(session)
    shared = [r[0] for r in conn.execute(
        "SELECT interaction_id FROM interaction_person WHERE person_id = ?", (person_id,))]
    others = _people_of(conn, shared) - {person_id}
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"No one has the id @{person_id} any more. See 'ties list'.")
    session.delete(person)
    session.flush()
    for start in range(0, len(shared), 500):
        chunk = shared[start:start + 500]
        conn.execute(
            "DELETE FROM interaction WHERE id IN (" + ",".join("?" * len(chunk)) + ") AND id "
            "NOT IN (SELECT interaction_id FROM interaction_person)", chunk)
    refresh_stats(conn, sorted(others))


def _people_of(conn: sqlite3.Connection, interaction_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(interaction_ids), 500):
        chunk = interaction_ids[start:start + 500]
        found.update(r[0] for r in conn.execute(
            "SELECT person_id FROM interaction_person WHERE interaction_id IN ("
            + ",".join("?" * len(chunk)) + ")", chunk))
    return found


def log(session: Session, person_ids: list[int], meeting: Meeting, *, force: bool = False,
        stamp: datetime | None = None) -> int:
    """Record an interaction with one or more people. A command retried within minutes
    (same people, day, channel, note and flags) is refused unless `force`. `stamp` is
    when it was typed (default: now)."""
    conn = raw(session)
    stamp = stamp or now()
    if not force:
        twin = queries.recent_duplicate(
            conn, person_ids, meeting.when, meeting.channel, meeting.note, meeting.gave,
            meeting.received, meeting.they_reached_out,
            (stamp - DUPLICATE_WINDOW).replace(tzinfo=None).isoformat(sep=" "),
        )
        if twin:
            raise AlreadyExists(
                f"The same interaction was logged moments ago (#{twin['id']}, at "
                f"{str(twin['logged_at'])[11:16]} UTC). Nothing was added; repeat with --force "
                "if it really happened twice."
            )
    iid = _add_interaction(session, person_ids, meeting, stamp)
    refresh_stats(conn, person_ids)
    return iid


def _add_interaction(
    session: Session, person_ids: list[int], meeting: Meeting, stamp: datetime
) -> int:
    item = Interaction(
        date=meeting.when, channel=meeting.channel, note=meeting.note, gave=meeting.gave,
        received=meeting.received, they_reached_out=meeting.they_reached_out, logged_at=stamp,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    for pid in dict.fromkeys(person_ids):
        session.add(InteractionPerson(interaction_id=item.id, person_id=pid))
    session.flush()
    return item.id


def update_interaction(session: Session, interaction_id: int, changes: dict) -> None:
    item = session.get(Interaction, interaction_id)
    if item is None:
        raise NotFound(f"No interaction #{interaction_id}. 'ties show NAME' lists them.")
    for key, value in changes.items():
        setattr(item, key, value)
    session.add(item)
    session.flush()
    conn = raw(session)
    refresh_stats(conn, sorted(_people_of(conn, [interaction_id])))


def delete_interaction(session: Session, interaction_id: int) -> None:
    conn = raw(session)
    people = sorted(_people_of(conn, [interaction_id]))
    item = session.get(Interaction, interaction_id)
    if item is None:
        raise NotFound(f"No interaction #{interaction_id}. 'ties show NAME' lists them.")
    session.delete(item)
    session.flush()
    refresh_stats(conn, people)


# Per-person stats ------------------------------------------------------------------

_STATS = """
WITH mine AS (
    SELECT ip.person_id AS pid, max(i.date || printf('#%012d', i.id)) AS latest
    FROM interaction_person ip JOIN interaction i ON i.id = ip.interaction_id
    WHERE NOT i.they_reached_out AND {where_ip}
    GROUP BY ip.person_id)
INSERT OR REPLACE INTO person_stats (person_id, interactions, first_contact, last_contact,
    gave, received, last_gave, last_received, their_streak, in_person, voice)
SELECT p.id,
    count(i.id), min(i.date), max(i.date),
    coalesce(sum(i.gave), 0), coalesce(sum(i.received), 0),
    max(CASE WHEN i.gave THEN i.date END), max(CASE WHEN i.received THEN i.date END),
    coalesce(sum(i.they_reached_out
                 AND (m.latest IS NULL OR i.date || printf('#%012d', i.id) > m.latest)), 0),
    coalesce(sum(i.channel IN ('in-person', 'event')), 0),
    coalesce(sum(i.channel IN ('call', 'video')), 0)
FROM person p
LEFT JOIN mine m ON m.pid = p.id
LEFT JOIN interaction_person ip ON ip.person_id = p.id
LEFT JOIN interaction i ON i.id = ip.interaction_id
WHERE {where_p}
GROUP BY p.id
"""


def refresh_stats(conn: sqlite3.Connection, person_ids: Iterable[int] | None) -> None:
    """Recompute person_stats for these people (None: everyone) from their interactions."""
    if person_ids is None:
        conn.execute(_STATS.format(where_ip="1", where_p="1"))
        return
    ids = list(person_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        sql = _STATS.format(where_ip=f"ip.person_id IN ({marks})", where_p=f"p.id IN ({marks})")
        conn.execute(sql, chunk + chunk)


def add_follow_up(session: Session, person_id: int, text: str, due: date | None,
                  today: date) -> int:
    item = FollowUp(person_id=person_id, text=text, due=due, created=today)
    session.add(item)
    session.flush()
    assert item.id is not None
    return item.id


def complete_follow_up(session: Session, follow_up_id: int, today: date) -> FollowUp:
    item = session.get(FollowUp, follow_up_id)
    if item is None:
        raise NotFound(f"No follow-up #{follow_up_id}. 'ties follow-ups' lists them.")
    if item.done is not None:
        raise AlreadyExists(f"Follow-up #{follow_up_id} was already done on "
                            f"{item.done.isoformat()}.")
    item.done = today
    session.add(item)
    session.flush()
    return item


def set_person_flags(session: Session, person_id: int, **changes) -> Person:
    """Archive or snooze (or undo either): the history is kept either way."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"No one has the id @{person_id}. See 'ties list'.")
    for key, value in changes.items():
        setattr(person, key, value)
    person.updated_at = now()
    session.add(person)
    session.flush()
    return person


def set_setting(session: Session, key: str, value: str | None) -> None:
    """Store a setting's canonical text, or forget it (back to the default) with None."""
    from ties.models import Setting

    current = session.get(Setting, key)
    if value is None:
        if current is not None:
            session.delete(current)
    elif current is None:
        session.add(Setting(key=key, value=value))
    else:
        current.value = value
        session.add(current)
    session.flush()
